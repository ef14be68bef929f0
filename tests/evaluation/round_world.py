"""A small county for the evaluation round tests, and helpers to drive a round.

清河县: departments 住建局 (A, leads an item applying to every township) and 应急局
(B, leads an item applying to 城关街道 only); townships 城关街道 (T1), 青石镇 (T2), 云岭乡
(T3). So the linked pairs, each rating the other, are A–T1, A–T2, A–T3 and B–T1.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from evaluation import services as evaluation_services
from evaluation.models import Direction, Indicator, ScoreSheet
from organisations.models import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    make_item,
    user_with_role,
)
from workflow.evaluation_flow import EvaluationRoundFlow
from workflow.services import evaluating

PERIOD = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def build_world():
    county = CountyFactory(name="清河县")
    a = DepartmentFactory(county=county, name="县住房和城乡建设局", code="D-A")
    b = DepartmentFactory(county=county, name="县应急管理局", code="D-B")
    townships = [
        TownshipFactory(county=county, name=name, code=f"T-{index}")
        for index, name in enumerate(["城关街道", "青石镇", "云岭乡"], start=1)
    ]
    t1, t2, t3 = townships
    make_item(county=county, lead_department=a, effective_date=datetime.date(2024, 1, 1))
    make_item(
        county=county,
        lead_department=b,
        townships=[t1],
        effective_date=datetime.date(2024, 1, 1),
    )
    township_set = evaluation_services.indicator_set_create(
        actor=None,
        county=county,
        direction=Direction.TOWNSHIP_TO_DEPARTMENT,
        name="乡镇评价部门",
        indicators=[
            {
                "name": "依单履职",
                "scoring_rule": "依单履职的评分标准",
                "weight": 60,
                "max_score": 100,
            },
            {
                "name": "响应及时",
                "scoring_rule": "响应及时的评分标准",
                "weight": 40,
                "max_score": 10,
            },
        ],
    )
    department_set = evaluation_services.indicator_set_create(
        actor=None,
        county=county,
        direction=Direction.DEPARTMENT_TO_TOWNSHIP,
        name="部门评价乡镇",
        indicators=[
            {
                "name": "配合职责履行到位",
                "scoring_rule": "配合职责履行到位的评分标准",
                "weight": 70,
                "max_score": 100,
            },
            {
                "name": "协作态度",
                "scoring_rule": "协作态度的评分标准",
                "weight": 30,
                "max_score": 10,
            },
        ],
    )
    other_county = CountyFactory(name="白沙县")
    return SimpleNamespace(
        county=county,
        a=a,
        b=b,
        townships=townships,
        t1=t1,
        t2=t2,
        t3=t3,
        township_set=township_set,
        department_set=department_set,
        office=user_with_role(Role.COUNTY_OFFICE, county, display_name="周建华"),
        assessment=user_with_role(Role.ASSESSMENT_OFFICE, county, display_name="吴考核"),
        admin=user_with_role(Role.COUNTY_ADMIN, county, display_name="县管理员"),
        township_heads={
            t.pk: user_with_role(Role.TOWNSHIP_HEAD, t, display_name=f"{t.name}负责人")
            for t in townships
        },
        township_staff={
            t.pk: user_with_role(Role.TOWNSHIP_STAFF, t, display_name=f"{t.name}经办人")
            for t in townships
        },
        department_heads={
            d.pk: user_with_role(Role.DEPARTMENT_HEAD, d, display_name=f"{d.name}负责人")
            for d in (a, b)
        },
        department_staff={
            d.pk: user_with_role(Role.DEPARTMENT_STAFF, d, display_name=f"{d.name}经办人")
            for d in (a, b)
        },
        other_county=other_county,
        other_office=user_with_role(Role.COUNTY_OFFICE, other_county),
        other_assessment=user_with_role(Role.ASSESSMENT_OFFICE, other_county),
    )


def open_round(world, **overrides):
    values = {
        "actor": world.office,
        "county": world.county,
        "name": "2025年度双向互评",
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "deadline": timezone.now() + datetime.timedelta(days=10),
    }
    values.update(overrides)
    return evaluating.evaluation_round_open(**values)


def indicator_ids(indicator_set) -> list[int]:
    return list(
        Indicator.objects.filter(indicator_set=indicator_set)
        .order_by("order")
        .values_list("pk", flat=True)
    )


def sheet_of(evaluation_round, rater, ratee) -> ScoreSheet:
    """The round's sheet of ``rater`` about ``ratee`` (a Township and a Department)."""
    if rater.__class__.__name__ == "Township":
        return ScoreSheet.objects.get(
            evaluation_round=evaluation_round, rater_township=rater, ratee_department=ratee
        )
    return ScoreSheet.objects.get(
        evaluation_round=evaluation_round, rater_department=rater, ratee_township=ratee
    )


def head_of(world, unit):
    if unit.__class__.__name__ == "Township":
        return world.township_heads[unit.pk]
    return world.department_heads[unit.pk]


def submit(world, evaluation_round, rater, ratee, values, **kw):
    """The rater unit's head submits its sheet about ``ratee`` with ``values`` in
    indicator order."""
    sheet = sheet_of(evaluation_round, rater, ratee)
    indicator_set = (
        world.township_set if rater.__class__.__name__ == "Township" else world.department_set
    )
    scores = dict(zip(indicator_ids(indicator_set), [Decimal(v) for v in values], strict=True))
    return evaluating.score_sheet_submit(
        actor=kw.pop("actor", head_of(world, rater)), sheet_id=sheet.pk, scores=scores, **kw
    )


def sheet_tasks(evaluation_round, node_name: str = "fill_sheet", **data):
    tasks = Task.objects.filter(
        process=evaluation_round, flow_task=getattr(EvaluationRoundFlow, node_name)
    )
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    return tasks


def let_deadline_pass(evaluation_round, sheet=None) -> int:
    """Make the deadline timers (of one sheet, or all) due and run the timer sweep."""
    hosts = sheet_tasks(evaluation_round).filter(status__in=OPEN)
    if sheet is not None:
        hosts = hosts.filter(data__sheet=sheet.pk)
    deadline_node = deadline_timer_node()
    Task.objects.filter(previous__in=hosts, flow_task=deadline_node).update(
        scheduled=timezone.now() - datetime.timedelta(minutes=1)
    )
    return fire_due_timers()


def deadline_timer_node():
    return _timer_nodes()[1]


def reminder_timer_node():
    return _timer_nodes()[0]


def _timer_nodes():
    """The fill_sheet's reminder and deadline boundary nodes (in declaration order)."""
    from viewflow.workflow.nodes.boundary import TimerBoundary

    nodes = [
        node
        for node in EvaluationRoundFlow.instance.nodes()
        if isinstance(node, TimerBoundary)
        and node._attached_to is EvaluationRoundFlow.instance.fill_sheet
    ]
    interrupting = [node for node in nodes if node._interrupting]
    reminding = [node for node in nodes if not node._interrupting]
    return reminding[0], interrupting[0]
