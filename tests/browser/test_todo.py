"""The 待办 in a real browser, on a desktop screen and on a 390 px phone: a township head
logs in, lands on its 待办 with a badge, sees the consultation with its deadline and
answers it without a claim step; the county office urges an overdue township, whose
head receives the reminder; a head names a colleague deputy, who completes the task."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from organisations.models import Role
from tests.factories import (
    DEFAULT_PASSWORD,
    SAFETY_LAW,
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    category_of,
    user_with_role,
)
from workflow import services
from workflow.flows import ChangeRequestFlow
from workflow.models import ChangeKind, Consultation, Urge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
DEADLINE = ChangeRequestFlow.consult__timeout_2


@pytest.fixture(params=list(SCREENS))
def screen(request, page):
    page.set_viewport_size(SCREENS[request.param])
    return request.param


@pytest.fixture
def consultation(db):
    """清河县's 住建局 asks to add an item; the county office forwarded it to 城关街道."""
    county = CountyFactory(name="清河县")
    department = DepartmentFactory(county=county, name="县住房和城乡建设局")
    chengguan = TownshipFactory(county=county, name="城关街道")
    staff = user_with_role(Role.DEPARTMENT_STAFF, department, display_name="王晓燕")
    office = user_with_role(Role.COUNTY_OFFICE, county, username="office", display_name="周建华")
    head = user_with_role(
        Role.TOWNSHIP_HEAD, chengguan, username="chengguan_head", display_name="陈志远"
    )
    colleague = user_with_role(
        Role.TOWNSHIP_STAFF, chengguan, username="chengguan_staff", display_name="刘芳"
    )
    process = services.change_request_file(
        actor=staff,
        county=county,
        kind=ChangeKind.ADD,
        level="township",
        department=department,
        fields={
            "title": "燃气安全入户排查",
            "category": category_of(county, SAFETY_LAW),
            "duty_type": "cooperating",
            "department_responsibilities": "负责燃气安全监管执法。",
            "local_responsibilities": "配合入户排查，发现隐患及时报告。",
            "basis": "《城镇燃气管理条例》",
            "funding_source": "无",
            "staffing": "无",
            "equipment": "无",
            "effective_date": datetime.date(2026, 12, 1),
        },
        target_townships=[chengguan],
        reasons="属地需要配合入户排查。",
    )
    review = Task.objects.get(process=process, flow_task=ChangeRequestFlow.review)
    services.change_request_review(actor=office, task_id=review.pk, decision="forward")
    task = Task.objects.get(process=process, flow_task=ChangeRequestFlow.consult)
    deadline = Task.objects.get(previous=task, flow_task=DEADLINE).scheduled
    return {
        "process": process,
        "task": task,
        "deadline": deadline,
        "head": head,
        "colleague": colleague,
        "office": office,
    }


def fits(page, screen) -> None:
    """Nothing runs off the side of a phone screen."""
    if screen == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SCREENS["phone"]["width"]


def log_in_at_login_page(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_head_lands_on_todo_and_answers_without_claiming(page, live_server, screen, consultation):
    log_in_at_login_page(page, live_server, "chengguan_head")
    page.wait_for_url("**/todo/")

    expect(page.get_by_test_id("todo-count")).to_have_text("1")
    row = page.get_by_test_id("todo-row")
    expect(row).to_have_count(1)
    process = consultation["process"]
    expect(row).to_contain_text(f"{process.number} 新增事项：燃气安全入户排查")
    expect(row).to_contain_text("征求意见 · 来自 周建华（清河县委编办）")
    due = timezone.localtime(consultation["deadline"])
    expect(page.get_by_test_id("todo-deadline")).to_have_text(f"截止 {due:%Y-%m-%d %H:%M}")
    fits(page, screen)

    page.get_by_test_id("todo-link").click()
    page.wait_for_url("**/execute/")
    expect(page.get_by_test_id("task-deadline")).to_have_text(f"{due:%Y-%m-%d %H:%M}")
    assert "认领" not in page.locator("body").inner_text()
    fits(page, screen)
    page.locator("input[name=answer][value=accept]").check(force=True)
    page.get_by_test_id("submit").click()
    page.wait_for_url(lambda url: "/execute/" not in url)

    consultation_row = Consultation.objects.get()
    assert (consultation_row.answer, consultation_row.answered_by) == (
        "accept",
        consultation["head"],
    )
    page.goto(f"{live_server.url}/todo/")
    expect(page.get_by_test_id("todo-empty")).to_have_text("暂无待办事项。")
    expect(page.get_by_test_id("todo-count")).to_have_count(0)


def test_office_urges_an_overdue_township_and_its_head_is_reminded(
    page, live_server, screen, consultation, log_in
):
    task = consultation["task"]
    overdue = timezone.now() - datetime.timedelta(hours=2)
    Task.objects.filter(previous=task, flow_task=DEADLINE).update(scheduled=overdue)
    process = consultation["process"]

    log_in("office", DEFAULT_PASSWORD, f"/changerequest/{process.pk}/")
    open_task = page.get_by_test_id("open-task")
    expect(open_task).to_contain_text("征求意见（城关街道）")
    expect(page.get_by_test_id("open-task-deadline")).to_contain_text("已逾期")
    fits(page, screen)
    page.get_by_test_id("urge").click()
    expect(page.get_by_test_id("handover-trail")).to_contain_text("周建华 催办任务")
    assert Urge.objects.get().task_id == task.pk

    page.context.clear_cookies()
    log_in("chengguan_head", DEFAULT_PASSWORD, "/notifications/")
    # The consultation's own notice, and the reminder on top of it.
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    newest = page.get_by_test_id("notification-row").first
    expect(newest).to_contain_text(f"催办：{process}（城关街道）")
    expect(newest).to_contain_text("已逾期")
    page.goto(f"{live_server.url}/todo/")
    expect(page.get_by_test_id("todo-deadline")).to_contain_text("已逾期")
    assert "qd-overdue" in page.get_by_test_id("todo-deadline").get_attribute("class")
    fits(page, screen)


def choose(page, name: str, label: str) -> None:
    """Pick an option of one of viewflow's Material selects by its visible text."""
    select = page.locator(f".mdc-select:has(input[name={name}])")
    select.locator(".mdc-select__anchor").click()
    select.locator("li[role=option]", has_text=label).first.click()


def test_head_names_a_deputy_who_completes_the_task(
    page, live_server, screen, consultation, log_in
):
    log_in("chengguan_head", DEFAULT_PASSWORD, "/todo/deputies/")
    choose(page, "deputy", "刘芳")
    page.fill("input[name=reason]", "外出学习一周")
    fits(page, screen)
    page.get_by_test_id("set-deputy").click()
    expect(page.get_by_test_id("deputyship")).to_contain_text("陈志远 委托 刘芳 代理 城关街道")
    expect(page.get_by_test_id("deputyship")).to_contain_text("代理中")

    page.context.clear_cookies()
    log_in_at_login_page(page, live_server, "chengguan_staff")
    page.wait_for_url("**/todo/")
    expect(page.get_by_test_id("todo-count")).to_have_text("1")
    page.get_by_test_id("todo-link").click()
    page.wait_for_url("**/execute/")
    page.locator("input[name=answer][value=contest]").check(force=True)
    page.fill("textarea[name=reason]", "街道没有燃气专业人员。")
    page.get_by_test_id("submit").click()
    page.wait_for_url(lambda url: "/execute/" not in url)

    answer = Consultation.objects.get()
    assert (answer.answer, answer.answered_by) == ("contest", consultation["colleague"])
    task = Task.objects.get(pk=consultation["task"].pk)
    assert (task.status, task.owner) == (STATUS.DONE, consultation["colleague"])
