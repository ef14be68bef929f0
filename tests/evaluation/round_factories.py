"""Evaluation rounds written straight to the tables, for read-side tests (pages, export,
API reads): the flow and its services are tested elsewhere; here only the shape of the
rows matters. ``make_round`` gives a county with its indicator sets a round in which
every township rates every department and back, with sheets in the requested states,
and optionally its computed results and flags."""

import datetime
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from viewflow.workflow.models import Task

from evaluation import services as evaluation_services
from evaluation.models import (
    BaseScore,
    Direction,
    EvaluationRound,
    FlagKind,
    RoundResult,
    RoundStage,
    Score,
    ScoreSheet,
    SheetFlag,
    SheetState,
)
from evaluation.round_services import round_units
from organisations.models import Role, Township
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    UserFactory,
    make_item,
    user_with_role,
)
from workflow.evaluation_flow import EvaluationRoundFlow
from workflow.services import evaluating

TOWNSHIP_INDICATORS = [
    {"name": "依单履职", "scoring_rule": "依单履职的评分标准", "weight": 40, "max_score": 100},
    {"name": "资源随事转", "scoring_rule": "资源随事转的评分标准", "weight": 30, "max_score": 100},
    {"name": "响应及时", "scoring_rule": "响应及时的评分标准", "weight": 30, "max_score": 10},
]
DEPARTMENT_INDICATORS = [
    {
        "name": "配合职责履行到位",
        "scoring_rule": "配合职责履行到位的评分标准",
        "weight": 60,
        "max_score": 100,
    },
    {
        "name": "信息报送及时准确",
        "scoring_rule": "信息报送及时准确的评分标准",
        "weight": 40,
        "max_score": 100,
    },
]


def indicator_sets(county):
    """The county's two indicator sets (township → department, department → township)."""
    township_set = evaluation_services.indicator_set_create(
        actor=None,
        county=county,
        direction=Direction.TOWNSHIP_TO_DEPARTMENT,
        name="乡镇评价部门",
        indicators=TOWNSHIP_INDICATORS,
    )
    department_set = evaluation_services.indicator_set_create(
        actor=None,
        county=county,
        direction=Direction.DEPARTMENT_TO_TOWNSHIP,
        name="部门评价乡镇",
        indicators=DEPARTMENT_INDICATORS,
    )
    return township_set, department_set


def score_of(rater_index: int, ratee_index: int) -> Decimal:
    """A deterministic sheet total between 60 and 99."""
    return Decimal(60 + (rater_index * 7 + ratee_index * 3) % 40)


def make_round(
    county,
    departments,
    townships,
    *,
    stage=RoundStage.PUBLISHED,
    name="2025年度双向互评",
    missing=(),
    drafts=(),
    with_results=True,
    with_scores=False,
    opened_by=None,
) -> EvaluationRound:
    """A round of ``county`` with one sheet per township × department in each direction.

    Sheets are submitted with ``score_of`` totals, except the (rater, ratee) pairs in
    ``missing`` (state missing, or pending in an open round) and ``drafts`` (draft).
    With ``with_results`` every unit gets a ``RoundResult`` (rank by order) and the
    first submitted sheet an all-equal flag. ``with_scores`` also writes each submitted
    sheet's indicator scores (slower; only for tests that read them).
    """
    township_set, department_set = indicator_sets(county)
    evaluation_round = EvaluationRound.objects.create(
        flow_class=EvaluationRoundFlow,
        county=county,
        name=name,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        township_set=township_set,
        department_set=department_set,
        deadline=timezone.now() + datetime.timedelta(days=7),
        stage=stage,
        opened_by=opened_by or UserFactory(),
        published_at=timezone.now() if stage == RoundStage.PUBLISHED else None,
    )
    unfinished = SheetState.MISSING if stage != RoundStage.OPEN else SheetState.PENDING
    sheets = []
    for t_index, township in enumerate(townships):
        for d_index, department in enumerate(departments):
            for direction, rater, ratee, score in (
                (
                    Direction.TOWNSHIP_TO_DEPARTMENT,
                    township,
                    department,
                    score_of(t_index, d_index),
                ),
                (
                    Direction.DEPARTMENT_TO_TOWNSHIP,
                    department,
                    township,
                    score_of(d_index, t_index),
                ),
            ):
                state = SheetState.SUBMITTED
                if (rater, ratee) in missing:
                    state = unfinished
                elif (rater, ratee) in drafts:
                    state = SheetState.DRAFT
                parties = (
                    {"rater_township": rater, "ratee_department": ratee}
                    if direction == Direction.TOWNSHIP_TO_DEPARTMENT
                    else {"rater_department": rater, "ratee_township": ratee}
                )
                sheets.append(
                    ScoreSheet(
                        evaluation_round=evaluation_round,
                        direction=direction,
                        state=state,
                        total=score if state == SheetState.SUBMITTED else None,
                        submitted_at=timezone.now() if state == SheetState.SUBMITTED else None,
                        **parties,
                    )
                )
    ScoreSheet.objects.bulk_create(sheets)
    submitted = list(
        ScoreSheet.objects.filter(evaluation_round=evaluation_round, state=SheetState.SUBMITTED)
    )
    if with_scores:
        indicators = {
            Direction.TOWNSHIP_TO_DEPARTMENT: list(township_set.indicators.all()),
            Direction.DEPARTMENT_TO_TOWNSHIP: list(department_set.indicators.all()),
        }
        Score.objects.bulk_create(
            Score(sheet=sheet, indicator=indicator, value=indicator.max_score * sheet.total / 100)
            for sheet in submitted
            for indicator in indicators[sheet.direction]
        )
    if with_results:
        if submitted:
            SheetFlag.objects.create(
                sheet=submitted[0], kind=FlagKind.ALL_EQUAL, detail="各项均为同一分值"
            )
        results = [
            RoundResult(
                evaluation_round=evaluation_round,
                department=department,
                base_score=Decimal("90.00"),
                peer_mean=Decimal("80.00"),
                sheets_received=len(townships),
                sheets_missing=0,
                total=Decimal("87.00") - rank,
                rank=rank,
            )
            for rank, department in enumerate(departments, start=1)
        ] + [
            RoundResult(
                evaluation_round=evaluation_round,
                township=township,
                base_score=Decimal("88.00"),
                peer_mean=Decimal("75.50"),
                sheets_received=len(departments),
                sheets_missing=0,
                total=Decimal("84.25") - rank,
                rank=rank,
            )
            for rank, township in enumerate(townships, start=1)
        ]
        RoundResult.objects.bulk_create(results)
    return evaluation_round


def evaluation_world(
    *, departments: int = 2, townships: int = 3, with_round: bool = True, **round_options
):
    """清河县 with ``departments`` departments and ``townships`` townships, a user per
    role (heads and staff of the first two units of each kind), 白沙县 with its own
    users, and (``with_round``) a published round of 清河县 written straight to the
    tables (``make_round`` with ``round_options``)."""
    county = CountyFactory(name="清河县")
    department_list = [
        DepartmentFactory(county=county, name=f"县{index}局", code=f"{county.code}-D{index:02d}")
        for index in range(departments)
    ]
    township_list = [
        TownshipFactory(county=county, name=f"第{index}镇", code=f"{county.code}-T{index:02d}")
        for index in range(townships)
    ]
    other_county = CountyFactory(name="白沙县")
    other_department = DepartmentFactory(county=other_county, name="白沙县住建局")
    other_township = TownshipFactory(county=other_county, name="沙湾街道")
    d0, d1 = department_list[0], department_list[1]
    t0, t1 = township_list[0], township_list[1]
    users = {
        "office": user_with_role(Role.COUNTY_OFFICE, county),
        "assessment": user_with_role(Role.ASSESSMENT_OFFICE, county),
        "county_admin": user_with_role(Role.COUNTY_ADMIN, county),
        "department_head": user_with_role(Role.DEPARTMENT_HEAD, d0),
        "department_staff": user_with_role(Role.DEPARTMENT_STAFF, d0),
        "other_department_head": user_with_role(Role.DEPARTMENT_HEAD, d1),
        "township_head": user_with_role(Role.TOWNSHIP_HEAD, t0),
        "township_staff": user_with_role(Role.TOWNSHIP_STAFF, t0),
        "other_township_head": user_with_role(Role.TOWNSHIP_HEAD, t1),
        "other_county_office": user_with_role(Role.COUNTY_OFFICE, other_county),
        "other_county_assessment": user_with_role(Role.ASSESSMENT_OFFICE, other_county),
        "other_county_head": user_with_role(Role.TOWNSHIP_HEAD, other_township),
        "other_county_department": user_with_role(Role.DEPARTMENT_HEAD, other_department),
    }
    evaluation_round = (
        make_round(
            county, department_list, township_list, opened_by=users["office"], **round_options
        )
        if with_round
        else None
    )
    return SimpleNamespace(
        county=county,
        departments=department_list,
        townships=township_list,
        other_county=other_county,
        round=evaluation_round,
        users=users,
        **users,
    )


def open_round(world, **overrides) -> EvaluationRound:
    """Open a round of ``world``'s county through the real service, as its county office:
    the first department leads an item applying to every township, so it and every
    township rate each other; the other departments are linked to no township and
    take no part."""
    indicator_sets(world.county)
    make_item(
        county=world.county,
        lead_department=world.departments[0],
        effective_date=datetime.date(2024, 1, 1),
    )
    values = {
        "actor": world.office,
        "county": world.county,
        "name": "2026年度双向互评",
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2025, 12, 31),
        "deadline": timezone.now() + datetime.timedelta(days=10),
    }
    values.update(overrides)
    return evaluating.evaluation_round_open(**values)


def sheet_of(evaluation_round, rater, ratee) -> ScoreSheet:
    """The round's sheet of ``rater`` about ``ratee`` (a department or township each)."""
    if isinstance(rater, Township):
        return ScoreSheet.objects.get(
            evaluation_round=evaluation_round, rater_township=rater, ratee_department=ratee
        )
    return ScoreSheet.objects.get(
        evaluation_round=evaluation_round, rater_department=rater, ratee_township=ratee
    )


def evaluation_state() -> dict:
    """Everything an evaluation write could change, to compare before and after a denial."""
    return {
        "rounds": list(EvaluationRound.objects.order_by("pk").values_list("pk", "stage")),
        "round_history": EvaluationRound.history.count(),
        "sheets": list(
            ScoreSheet.objects.order_by("pk").values_list(
                "pk", "state", "total", "rating", "comment"
            )
        ),
        "sheet_history": ScoreSheet.history.count(),
        "scores": list(Score.objects.order_by("pk").values_list("pk", "value")),
        "base_scores": list(BaseScore.objects.order_by("pk").values_list("pk", "value")),
        "results": RoundResult.objects.count(),
        "flags": SheetFlag.objects.count(),
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "status")),
    }


def form_scores(sheet) -> dict:
    """Form data scoring every indicator of ``sheet`` 8/10 of its maximum."""
    evaluation_round = sheet.evaluation_round
    indicator_set = (
        evaluation_round.township_set
        if sheet.rater_township_id
        else evaluation_round.department_set
    )
    return {
        f"indicator_{i.pk}": str(i.max_score * Decimal("0.8"))
        for i in indicator_set.indicators.all()
    }


def submit_everything(world) -> None:
    """Submit every unsubmitted sheet of the round as a head of its rater unit; set the
    base scores of the round's units (as its assessment office)."""
    heads = {}
    unfinished = ScoreSheet.objects.filter(evaluation_round=world.round).exclude(
        state=SheetState.SUBMITTED
    )
    for sheet in unfinished:
        rater = sheet.rater
        if rater not in heads:
            role = Role.TOWNSHIP_HEAD if sheet.rater_township_id else Role.DEPARTMENT_HEAD
            heads[rater] = user_with_role(role, rater)
        scores = {int(k.split("_")[1]): Decimal(v) for k, v in form_scores(sheet).items()}
        evaluating.score_sheet_submit(actor=heads[rater], sheet_id=sheet.pk, scores=scores)
    departments, townships = round_units(world.round)
    evaluating.base_scores_set(
        actor=world.assessment,
        round_id=world.round.pk,
        department_scores={pk: Decimal("90") for pk in departments},
        township_scores={pk: Decimal("85") for pk in townships},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ("单位类型", "单位编码", "单位名称", "基础分")


def xlsx_bytes(rows, *, header=HEADER, title="基础分") -> bytes:
    """An .xlsx workbook whose sheet ``title`` holds ``header`` and ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in [header, *rows]:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows, *, name="基础分.xlsx", **options) -> SimpleUploadedFile:
    """``xlsx_bytes`` as an uploaded file."""
    return SimpleUploadedFile(name, xlsx_bytes(rows, **options), content_type=XLSX)
