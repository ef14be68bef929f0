"""One whole admission clicked through in the browser by the real users."""

import datetime

import pytest
from playwright.sync_api import expect
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from duty_lists.models import DutyItem
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
from workflow.flows import ChangeRequestFlow
from workflow.models import ChangeRequestProcess, Outcome

from .conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


@pytest.fixture
def session_for(browser, live_server):
    """Open a fresh browser session logged in as ``username`` (own cookies)."""
    contexts = []

    def session_for(username):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield session_for
    for context in contexts:
        context.close()


def choose(page, name: str, *labels: str) -> None:
    """Pick option(s) of one of viewflow's Material selects by their visible text."""
    select = page.locator(f".mdc-select:has(input[name={name}])")
    select.locator(".mdc-select__anchor").click()
    for label in labels:
        select.locator("li[role=option], li[role=checkbox]", has_text=label).first.click()
    if len(labels) > 1 or name == "target_townships":
        page.keyboard.press("Escape")


def open_task(process, node, **data) -> Task:
    tasks = Task.objects.filter(process=process, flow_task=node, status__in=OPEN)
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    return tasks.get()


def test_department_files_townships_answer_leadership_decides_item_published(
    session_for, live_server
):
    county = CountyFactory(name="清河县")
    # The county's categories exist (its lists were set up): the form offers them.
    category_of(county, SAFETY_LAW)
    department = DepartmentFactory(county=county, name="县住房和城乡建设局")
    chengguan = TownshipFactory(county=county, name="城关街道", code="T-01")
    qingshi = TownshipFactory(county=county, name="青石镇", code="T-02")
    user_with_role(Role.DEPARTMENT_STAFF, department, username="zjj_staff")
    user_with_role(Role.COUNTY_OFFICE, county, username="office", display_name="周建华")
    user_with_role(Role.TOWNSHIP_HEAD, chengguan, username="chengguan_head")
    user_with_role(Role.TOWNSHIP_HEAD, qingshi, username="qingshi_head")

    # The department files the request through the form.
    staff = session_for("zjj_staff")
    staff.goto(f"{live_server.url}/changerequest/")
    staff.locator("a.vf-page__menu-list-item", has_text="提出申请").click()
    staff.wait_for_url("**/changerequest/new/")
    choose(staff, "kind", "新增事项")
    choose(staff, "level", "乡镇(街道)")
    staff.fill("input[name=title]", "燃气安全入户排查")
    choose(staff, "category", "平安法治")
    choose(staff, "duty_type", "配合履职")
    choose(staff, "lead_department", "县住房和城乡建设局")
    staff.fill("textarea[name=department_responsibilities]", "负责燃气安全监管执法。")
    staff.fill("textarea[name=local_responsibilities]", "配合入户排查，发现隐患及时报告。")
    staff.fill("textarea[name=basis]", "《城镇燃气管理条例》")
    # 费随事转: each part of 配套保障 stated, "无" where there is none.
    staff.fill("input[name=funding_source]", "无")
    staff.fill("textarea[name=staffing]", "无")
    staff.fill("textarea[name=equipment]", "无")
    staff.fill("input[name=effective_date]", "2026-12-01")
    choose(staff, "target_townships", "城关街道", "青石镇")
    staff.fill("textarea[name=reasons]", "属地需要配合入户排查。")
    staff.get_by_test_id("submit").click()
    staff.wait_for_url(lambda url: "/changerequest/new/" not in url)

    process = ChangeRequestProcess.objects.get(title="燃气安全入户排查")
    assert process.effective_date == datetime.date(2026, 12, 1)
    assert sorted(t.name for t in process.target_townships.all()) == ["城关街道", "青石镇"]

    # The county office sees it waiting and forwards it.
    office = session_for("office")
    office.goto(f"{live_server.url}/changerequest/queue/")
    expect(office.locator("body")).to_contain_text("燃气安全入户排查")
    review = open_task(process, ChangeRequestFlow.review)
    office.goto(f"{live_server.url}/changerequest/{process.pk}/review/{review.pk}/execute/")
    office.locator("input[name=decision][value=forward]").check(force=True)
    office.get_by_test_id("submit").click()
    office.wait_for_url(lambda url: "/execute/" not in url)

    # 城关街道 accepts; 青石镇 contests, and never sees 城关街道's task.
    chengguan_head = session_for("chengguan_head")
    task = open_task(process, ChangeRequestFlow.consult, township=chengguan.pk)
    chengguan_head.goto(f"{live_server.url}/changerequest/{process.pk}/consult/{task.pk}/execute/")
    chengguan_head.locator("input[name=answer][value=accept]").check(force=True)
    chengguan_head.get_by_test_id("submit").click()
    chengguan_head.wait_for_url(lambda url: "/execute/" not in url)

    qingshi_head = session_for("qingshi_head")
    qingshi_head.goto(f"{live_server.url}/changerequest/queue/")
    expect(qingshi_head.locator("body")).to_contain_text("燃气安全入户排查")
    other = qingshi_head.goto(
        f"{live_server.url}/changerequest/{process.pk}/consult/{task.pk}/execute/"
    )
    assert other.status == 403
    task = open_task(process, ChangeRequestFlow.consult, township=qingshi.pk)
    qingshi_head.goto(f"{live_server.url}/changerequest/{process.pk}/consult/{task.pk}/execute/")
    qingshi_head.locator("input[name=answer][value=contest]").check(force=True)
    qingshi_head.fill("textarea[name=reason]", "本镇缺少排查人员，需配套经费。")
    qingshi_head.get_by_test_id("submit").click()
    qingshi_head.wait_for_url(lambda url: "/execute/" not in url)

    # The county office rules: 青石镇 is admitted.
    arbitrate = open_task(process, ChangeRequestFlow.arbitrate)
    office.goto(f"{live_server.url}/changerequest/{process.pk}/arbitrate/{arbitrate.pk}/execute/")
    expect(office.get_by_test_id("consultations")).to_contain_text("本镇缺少排查人员")
    office.locator(f"input[name=decision__township_{qingshi.pk}][value=admit]").check(force=True)
    office.fill("textarea[name=reasoning]", "经协调会研究，县财政按年拨付排查经费。")
    office.get_by_test_id("submit").click()
    office.wait_for_url(lambda url: "/execute/" not in url)

    # The request now waits for the county leadership's decision (审定): the county
    # office puts it before the 县委常委会 and records what was decided.
    process.refresh_from_db()
    assert process.outcome == Outcome.PENDING
    office.goto(f"{live_server.url}/decisions/new/")
    choose(office, "requests", f"{process.number} 新增事项：燃气安全入户排查")
    office.keyboard.press("Escape")
    office.fill("input[name=title]", "2026年第一批清单调整事项")
    office.get_by_test_id("submit").click()
    office.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    expect(office.get_by_test_id("batch-stage")).to_have_text("待审定")
    office.get_by_test_id("record").click()
    office.wait_for_url("**/record/")
    office.fill("input[name=decided_by]", "县委常委会")
    office.fill("input[name=document_number]", "清委办发〔2026〕12号")
    office.get_by_test_id("submit").click()
    office.wait_for_url(lambda url: "/record/" not in url)
    expect(office.get_by_test_id("batch-document-number")).to_have_text("清委办发〔2026〕12号")

    process.refresh_from_db()
    assert process.outcome == Outcome.PUBLISHED
    item = DutyItem.objects.get(title="燃气安全入户排查")

    # The published list shows the item to a township it applies to.
    chengguan_head.goto(f"{live_server.url}/lists/?level=township")
    expect(chengguan_head.locator("table.vf-list__table")).to_contain_text("燃气安全入户排查")
    chengguan_head.goto(f"{live_server.url}/lists/items/{item.pk}/")
    expect(chengguan_head.get_by_test_id("item-history")).to_contain_text(
        f"依据县委常委会审定（清委办发〔2026〕12号）发布：新增事项申请 {process.number}"
    )
