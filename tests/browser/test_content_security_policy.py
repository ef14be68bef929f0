"""Pages work under the Content-Security-Policy (scripts from our origin only, no
inline script): the behaviours that used inline scripts still work, the API docs
render, and the browser reports no violation (the ``page`` fixture fails a test on any)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.arbitration.world import make_world
from tests.evaluation.round_factories import evaluation_world, open_round
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_refused_and_reported(page, live_server, csp_violations):
    UserFactory(username="zjj_staff")
    page.goto(f"{live_server.url}/accounts/login/")

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true;";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("() => window.injected === true") is False
    assert any("script-src" in violation for violation in csp_violations), csp_violations
    # Seen and checked: the fixture must not fail this test for it.
    csp_violations.clear()


def test_swagger_ui_and_redoc_render_under_the_policy(page, live_server, csp_violations):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Qingdan API")
    expect(page.locator(".swagger-ui .opblock-tag").first).to_be_visible()

    page.goto(f"{live_server.url}/api/redoc/")
    expect(page.locator("redoc h1").first).to_contain_text("Qingdan API")

    assert csp_violations == []


def test_closing_a_round_asks_for_confirmation_without_inline_script(page, live_server, log_in):
    world = evaluation_world(departments=2, townships=2, with_round=False)
    evaluation_round = open_round(world)
    close_url = reverse("evaluation:round_close", args=[evaluation_round.pk])
    log_in(
        world.office.username,
        DEFAULT_PASSWORD,
        next_path=reverse("evaluation:round", args=[evaluation_round.pk]),
    )
    questions, posts = [], []
    page.on(
        "request",
        lambda request: posts.append(request.url) if request.method == "POST" else None,
    )

    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_test_id("close-round").click()
    page.wait_for_timeout(500)
    assert posts == []

    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_test_id("close-round").click()
    # The sheets are still open: the service refuses, which shows the form was sent.
    expect(page.get_by_text("尚有评分表未提交且未到截止时间，暂不能结束评分。")).to_be_visible()

    assert (
        questions
        == [
            "截止后未提交的评分表将记为逾期未交，并通知县考核办录入基础分、公布结果。确定截止评分？"
        ]
        * 2
    )
    assert posts == [f"{live_server.url}{close_url}"]


def test_report_form_lists_similar_items_while_the_township_types(page, live_server, log_in):
    world = make_world()
    item = make_item(
        county=world.county,
        lead_department=world.department,
        title="自建房安全排查",
        local_responsibilities="配合开展自建房结构安全排查，发现隐患及时报告。",
    )
    log_in(world.head.username, DEFAULT_PASSWORD, next_path=reverse("reports:new"))
    expect(page).to_have_url(re.compile(r"/reports/new/$"))

    page.fill("textarea[name=assignment]", "要求街道开展自建房结构安全排查并逐户建档。")

    expect(page.locator("#similar-items")).to_contain_text(item.code)


def test_admin_pages_work_under_the_policy(page, live_server, csp_violations):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    UserFactory(username="zjj_staff")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}{reverse('admin:organisations_user_changelist')}")
    page.click("#action-toggle")
    # The admin's own actions.js ran: "select all" ticked every row.
    expect(page.locator("input.action-select:checked")).to_have_count(2)
    page.goto(f"{live_server.url}{reverse('admin:organisations_user_change', args=[superuser.pk])}")
    expect(page.locator("input[name=username]")).to_have_value("root")
    for name in ("admin:axes_accessattempt_changelist", "admin:organisations_apitoken_changelist"):
        page.goto(f"{live_server.url}{reverse(name)}")
        expect(page.locator("#changelist")).to_be_visible()

    assert csp_violations == []
