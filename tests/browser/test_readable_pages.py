"""Pages speak Chinese and load nothing from the internet: the API docs (Swagger UI)
fetch every file from the server itself; the login page is titled with the
product's name, not "Django Material"; the list search box is labelled in Chinese."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.arbitration.world import make_world
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_loads_everything_from_the_server(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Qingdan API")
    page.wait_for_load_state("networkidle")

    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == []
    assert any("/static/drf_spectacular_sidecar/" in url for url in requested)


def test_login_page_and_list_search_are_in_chinese(page, live_server, log_in):
    world = make_world()
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.title() == "登录 - 清单管理"

    log_in(world.office.username, DEFAULT_PASSWORD, next_path=reverse("changerequest:process_list"))
    label = page.locator("#id_page_search_label")
    expect(label).to_be_attached()

    shown = page.evaluate(
        "getComputedStyle(document.getElementById('id_page_search_label'), '::after').content"
    )
    assert shown == '"搜索…"'
    assert "Django Material" not in page.content()
