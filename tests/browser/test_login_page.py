"""Smoke tests of the browser harness: the login page and logging in."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_visitor_is_sent_to_login_page(page, live_server):
    page.goto(f"{live_server.url}/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("input[type=password]")).to_have_count(1)
    expect(page.locator("button[type=submit]")).to_contain_text("登录")


def test_wrong_password_shows_error_and_stays_on_login_page(page, live_server):
    UserFactory(username="zjj_staff")
    page.goto(f"{live_server.url}/accounts/login/")

    page.fill("input[name=username]", "zjj_staff")
    page.fill("input[name=password]", DEFAULT_PASSWORD + "-wrong")
    page.click("button[type=submit]")

    expect(page.get_by_text("请输入一个正确的用户名和密码")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_user_logs_in_and_leaves_login_page(log_in, live_server):
    UserFactory(username="zjj_staff")

    page = log_in("zjj_staff", DEFAULT_PASSWORD)

    assert page.url.startswith(live_server.url)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("input[type=password]")).to_have_count(0)
