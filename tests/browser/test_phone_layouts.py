"""The pages people use on a phone (390 px wide) show cards instead of wide tables: the
request list, a score sheet of five questions, the consultation form and the off-list
report form fit the screen (nothing scrolls sideways) and their cells stay readable."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from evaluation import services as evaluation_services
from evaluation.models import Direction
from tests.arbitration.world import make_world
from tests.evaluation.round_factories import evaluation_world, sheet_of
from tests.factories import DEFAULT_PASSWORD, SAFETY_LAW, category_of, make_item
from workflow import services
from workflow.models import ChangeKind
from workflow.services import evaluating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
READABLE = 120  # px: a cell narrower than this shows a few characters per line


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def widths(locator) -> list[float]:
    return [box["width"] for box in (e.bounding_box() for e in locator.all()) if box]


def file_requests(world, count: int):
    return [
        services.change_request_file(
            actor=world.staff,
            county=world.county,
            kind=ChangeKind.ADD,
            level="township",
            department=world.department,
            fields={
                "title": f"城镇燃气安全入户排查和隐患整改配合工作第{index + 1}项",
                "category": category_of(world.county, SAFETY_LAW),
                "duty_type": "cooperating",
                "department_responsibilities": "负责燃气安全监管和隐患整改执法。",
                "local_responsibilities": "配合开展入户排查，发现隐患及时报告。",
                "basis": "《城镇燃气管理条例》",
                "funding_source": "无",
                "staffing": "无",
                "equipment": "无",
                "effective_date": datetime.date(2027, 1, 1),
            },
            target_townships=[world.township],
            reasons="属地需要配合入户排查。",
        )
        for index in range(count)
    ]


def test_request_list_shows_readable_cards_on_a_phone(page, live_server, log_in):
    world = make_world()
    file_requests(world, 3)
    page.set_viewport_size(PHONE)

    log_in(world.office.username, DEFAULT_PASSWORD, next_path=reverse("changerequest:process_list"))
    rows = page.locator(".vf-list__table tbody tr")
    expect(rows).to_have_count(3)

    assert page_width(page) <= PHONE["width"]
    titles = page.locator(".vf-list__table tbody td[data-label='申请']")
    expect(titles).to_have_count(3)
    assert min(widths(titles)) > READABLE
    assert "城镇燃气安全入户排查和隐患整改配合工作第1项" in titles.last.inner_text()
    assert max(widths(rows)) <= PHONE["width"]


def test_score_sheet_of_five_questions_fits_a_phone(page, live_server, log_in):
    world = evaluation_world(departments=2, townships=2, with_round=False)
    indicators = [
        {
            "name": name,
            "weight": 20,
            "max_score": 100,
            "description": "按年度工作台账和日常掌握情况综合评价，满分100分。",
            "scoring_rule": "按时足额完成得满分，每发现一次未落实扣10分，扣完为止。",
        }
        for name in ("依单履职", "资源随事转", "响应及时", "协同配合", "减负成效")
    ]
    township_set = evaluation_services.indicator_set_create(
        actor=None,
        county=world.county,
        direction=Direction.TOWNSHIP_TO_DEPARTMENT,
        name="乡镇评价部门（五项）",
        indicators=indicators,
    )
    department_set = evaluation_services.indicator_set_create(
        actor=None,
        county=world.county,
        direction=Direction.DEPARTMENT_TO_TOWNSHIP,
        name="部门评价乡镇",
        indicators=[{**indicator, "weight": 50} for indicator in indicators[:2]],
    )
    make_item(
        county=world.county,
        lead_department=world.departments[0],
        effective_date=datetime.date(2024, 1, 1),
    )
    evaluation_round = evaluating.evaluation_round_open(
        actor=world.office,
        county=world.county,
        name="2026年度双向互评",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        deadline=timezone.now() + datetime.timedelta(days=10),
        township_set=township_set,
        department_set=department_set,
    )
    sheet = sheet_of(evaluation_round, world.townships[0], world.departments[0])
    page.set_viewport_size(PHONE)

    log_in(
        world.township_head.username,
        DEFAULT_PASSWORD,
        next_path=reverse("evaluation:sheet", args=[sheet.pk]),
    )
    rows = page.get_by_test_id("indicator-row")
    expect(rows).to_have_count(5)

    assert page_width(page) <= PHONE["width"]
    names = page.locator("[data-testid=indicator-row] td[data-label='指标']")
    assert min(widths(names)) > READABLE
    score_inputs = page.locator("[data-testid=indicator-row] input")
    assert min(widths(score_inputs)) > 80
    score_inputs.first.fill("95")
    assert score_inputs.first.input_value() == "95"


def test_consultation_form_fits_a_phone(page, live_server, log_in):
    world = make_world()
    (process,) = file_requests(world, 1)
    services.change_request_review(
        actor=world.office,
        task_id=Task.objects.get(process=process, flow_task_type="HUMAN").pk,
        decision="forward",
    )
    task = Task.objects.get(process=process, status=STATUS.NEW, flow_task_type="HUMAN")
    Task.objects.filter(pk=task.pk).update(owner=world.head, status=STATUS.ASSIGNED)
    page.set_viewport_size(PHONE)

    log_in(
        world.head.username,
        DEFAULT_PASSWORD,
        next_path=reverse(
            f"changerequest:{task.flow_task.name}:execute", args=[process.pk, task.pk]
        ),
    )
    expect(page.get_by_test_id("process-summary")).to_be_visible()

    assert page_width(page) <= PHONE["width"]
    values = page.locator("[data-testid=process-summary] td")
    assert min(widths(values)) > READABLE
    assert page.locator("textarea[name=reason]").bounding_box()["width"] > 200


def test_report_form_fits_a_phone(page, live_server, log_in):
    world = make_world()
    item = make_item(
        county=world.county,
        lead_department=world.department,
        title="自建房安全排查",
        local_responsibilities="配合开展自建房结构安全排查，发现隐患及时报告。",
    )
    page.set_viewport_size(PHONE)

    log_in(world.head.username, DEFAULT_PASSWORD, next_path=reverse("reports:new"))
    page.fill("textarea[name=assignment]", "要求街道开展自建房结构安全排查并逐户建档。")
    expect(page.locator("#similar-items")).to_contain_text(item.code)

    assert page_width(page) <= PHONE["width"]
    cells = page.locator("#similar-items td[data-label='事项']")
    assert min(widths(cells)) > READABLE
    assert page.locator("textarea[name=assignment]").bounding_box()["width"] > 200
