"""The evaluation round (双向互评、捆绑考核): opening, filling and submitting sheets,
base scores, closing, publishing, and the sheet timers.

Every public service takes the acting user, checks its rights itself (a denial is
logged and raises ``PermissionDenied``), validates before writing (``ValidationError``
naming the field or indicator; nothing is written then), runs in one transaction
under the round's flow lock, and leaves history records carrying the actor. The UI
and the REST API call these.
"""

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from evaluation import round_services as evaluation_services
from evaluation.base_score_import import BaseScoreFileError, base_scores_read
from evaluation.links import sheet_pairs
from evaluation.models import (
    Direction,
    EvaluationRound,
    IndicatorSet,
    RoundMode,
    RoundStage,
    ScoreSheet,
    SheetState,
)
from evaluation.permissions import (
    can_assess_rounds,
    can_prepare_sheet,
    can_run_rounds,
    can_submit_sheet,
)
from organisations.models import County, Membership, Role
from organisations.text import clean_text, unit_reference

from ..nodes import party_of_task
from ..selectors import evaluation_links
from .common import OPEN_STATUSES, TaskNotOpen, deny, run_human_task
from .notifications import notify

UNIT_ROLES = {
    "township": [Role.TOWNSHIP_HEAD, Role.TOWNSHIP_STAFF],
    "department": [Role.DEPARTMENT_STAFF, Role.DEPARTMENT_HEAD],
}


class BaseScoresRefused(ValidationError):
    """A refused base-score file: a ``ValidationError`` under ``file`` with one text per
    problem (as pages show it), keeping each problem with its sheet, row and column in
    ``issues`` (dicts, as the API returns them)."""

    def __init__(self, error: BaseScoreFileError):
        super().__init__({"file": error.messages})
        self.issues = [problem.as_dict() for problem in error.problems]


def _flow():
    from ..evaluation_flow import EvaluationRoundFlow

    return EvaluationRoundFlow


# --- opening --------------------------------------------------------------------------


def _chosen_set(county: County, direction: str, given, field: str, errors: dict):
    """The indicator set for ``direction``: ``given`` if it fits, else the county's one
    active set of that direction; records a message under ``field`` otherwise."""
    label = Direction(direction).label
    if given is not None:
        if given.county_id != county.pk:
            errors[field] = "所选指标体系不属于本县。"
        elif given.direction != direction:
            errors[field] = f"请选择“{label}”方向的指标体系。"
        elif not given.indicators.exists():
            errors[field] = "所选指标体系没有指标。"
        return given
    active = list(IndicatorSet.objects.filter(county=county, direction=direction, is_active=True))
    if len(active) != 1:
        errors[field] = (
            f"本县没有启用的“{label}”指标体系。"
            if not active
            else f"本县有多套启用的“{label}”指标体系，请指定一套。"
        )
        return None
    return active[0]


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = f"“{value}”不是有效的数字。"
        return None
    if not number.is_finite():
        errors[field] = f"“{value}”不是有效的数字。"
        return None
    return number


def _validated_round(
    *,
    county,
    name,
    period_start,
    period_end,
    deadline,
    bundling_weight,
    penalty_per_report,
    township_set,
    department_set,
    mode,
) -> dict:
    """The round's field values, checked; raises ``ValidationError`` naming each field."""
    errors: dict[str, str] = {}
    name = clean_text(name)
    if not name:
        errors["name"] = "请填写轮次名称。"
    if not isinstance(period_start, datetime.date) or isinstance(period_start, datetime.datetime):
        errors["period_start"] = "请填写考核期起始日期。"
    if not isinstance(period_end, datetime.date) or isinstance(period_end, datetime.datetime):
        errors["period_end"] = "请填写考核期截止日期。"
    elif "period_start" not in errors and period_start > period_end:
        errors["period_end"] = "考核期截止日期不能早于起始日期。"
    if not isinstance(deadline, datetime.datetime) or timezone.is_naive(deadline):
        errors["deadline"] = "请填写评分截止时间（含时区的日期时间）。"
    elif deadline <= timezone.now():
        errors["deadline"] = "评分截止时间必须晚于当前时间。"
    weight = _decimal(bundling_weight, "bundling_weight", errors)
    if weight is not None and not (
        0 <= weight <= 1 and weight == weight.quantize(Decimal("0.001"))
    ):
        errors["bundling_weight"] = f"互评结果权重应在 0 到 1 之间，最多三位小数（现为 {weight}）。"
    penalty = _decimal(penalty_per_report, "penalty_per_report", errors)
    if penalty is not None and not (
        0 <= penalty < 1000 and penalty == penalty.quantize(Decimal("0.01"))
    ):
        errors["penalty_per_report"] = (
            f"每件扣分应在 0 到 999.99 之间，最多两位小数（现为 {penalty}）。"
        )
    township_set = _chosen_set(
        county, Direction.TOWNSHIP_TO_DEPARTMENT, township_set, "township_set", errors
    )
    department_set = _chosen_set(
        county, Direction.DEPARTMENT_TO_TOWNSHIP, department_set, "department_set", errors
    )
    if mode not in RoundMode.values:
        choices = "、".join(f"{value}（{label}）" for value, label in RoundMode.choices)
        errors["mode"] = f"评分方式“{clean_text(str(mode))}”无效，应为{choices}。"
    if errors:
        raise ValidationError(errors)
    return {
        "mode": mode,
        "county": county,
        "name": name,
        "period_start": period_start,
        "period_end": period_end,
        "deadline": deadline,
        "bundling_weight": weight,
        "penalty_per_report": penalty,
        "township_set": township_set,
        "department_set": department_set,
        "stage": RoundStage.OPEN,
    }


def county_round_mode(county: County) -> str:
    """The county's scoring mode (评分方式): that of its latest round, or indicator
    scoring for a county that has none. One query."""
    latest = (
        EvaluationRound.objects.filter(county=county)
        .order_by("-created", "-pk")
        .values("mode")
        .first()
    )
    return latest["mode"] if latest else RoundMode.INDICATORS


@transaction.atomic
def evaluation_round_open(
    *,
    actor,
    county: County,
    name: str,
    period_start: datetime.date,
    period_end: datetime.date,
    deadline: datetime.datetime,
    bundling_weight: Decimal = Decimal("0.300"),
    penalty_per_report: Decimal = Decimal("2.00"),
    township_set: IndicatorSet | None = None,
    department_set: IndicatorSet | None = None,
    mode: str | None = None,
) -> EvaluationRound:
    """The county office opens an evaluation round of ``county`` for a period.

    ``township_set`` (townships score departments) and ``department_set`` default to
    the county's active set of each direction. ``mode`` (评分方式, ``RoundMode``)
    defaults to the county's own choice: the mode of its latest round
    (``county_round_mode``); in simple mode a sheet is one 满意/基本满意/不满意 answer.
    Returns the round, stage open, with its sheets (one each way per linked pair,
    ``workflow.selectors.evaluation_links``) and one open sheet task per sheet. Raises
    ``PermissionDenied`` (logged) unless ``actor`` is the county office of ``county``;
    ``ValidationError`` naming each bad field (empty name, period out of order, a
    deadline not in the future, a weight outside 0..1, a penalty below 0, a set of
    another county or direction, nobody to rate); nothing is written then. Changes: the
    round and its history record, the sheets and theirs, the flow's tasks, and one
    notification per user of each rater unit (one per unit, not per sheet).
    """
    from .. import evaluation_steps

    if not can_run_rounds(actor, county):
        raise deny(actor, f"开启{unit_reference(county, actor)}的考核评价轮次")
    values = _validated_round(
        county=county,
        name=name,
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        bundling_weight=bundling_weight,
        penalty_per_report=penalty_per_report,
        township_set=township_set,
        department_set=department_set,
        mode=county_round_mode(county) if mode in (None, "") else mode,
    )
    pairs = sheet_pairs(evaluation_links(county, period_start, period_end))
    if not pairs:
        raise ValidationError({"county": "考核期内本县没有相互关联的部门和乡镇(街道)，无需互评。"})
    values["opened_by"] = actor
    evaluation_round = _flow().start.run(
        fields=values,
        pairs=pairs,
        actor=actor,
        _process_data=evaluation_steps.round_schedule(county, timezone.now(), deadline),
    )
    del evaluation_round.skip_history_when_saving
    _notify_rater_units(
        evaluation_round,
        subject=f"请填写评分表：{evaluation_round.name}",
        body=(
            f"截止时间：{timezone.localtime(deadline):%Y-%m-%d %H:%M}。"
            "本单位共有 {count} 张评分表待填写。"
        ),
        sheets=ScoreSheet.objects.filter(evaluation_round=evaluation_round),
    )
    return evaluation_round


def _unit_users(townships, departments) -> dict[tuple[str, int], list]:
    """Active users of the given units by ``("township"|"department", pk)``; one query."""
    memberships = (
        Membership.objects.filter(
            Q(township_id__in=townships, role__in=UNIT_ROLES["township"])
            | Q(department_id__in=departments, role__in=UNIT_ROLES["department"])
        )
        .select_related("user")
        .order_by("user_id")
    )
    users = defaultdict(list)
    for membership in memberships:
        if membership.user.is_active:
            key = (
                ("township", membership.township_id)
                if membership.township_id
                else ("department", membership.department_id)
            )
            users[key].append(membership.user)
    return users


def _notify_rater_units(
    evaluation_round, *, subject: str, body: str, sheets, url: str | None = None
) -> int:
    """Tell each rater unit of ``sheets`` once; ``{count}`` in ``body`` becomes the
    number of its sheets. The link is ``url``, else the unit's sheet when it has one,
    else the round's page (which lists the unit's sheets). Returns the number of
    notifications."""
    unit_sheets = defaultdict(list)
    for pk, township, department in sheets.values_list("pk", "rater_township", "rater_department"):
        unit_sheets[("township", township) if township else ("department", department)].append(pk)
    users = _unit_users(
        [pk for kind, pk in unit_sheets if kind == "township"],
        [pk for kind, pk in unit_sheets if kind == "department"],
    )
    round_url = reverse("evaluation:round", args=[evaluation_round.pk])
    return sum(
        notify(
            recipients=users.get(unit, []),
            subject=subject,
            body=body.format(count=len(pks)),
            url=url or (reverse("evaluation:sheet", args=[pks[0]]) if len(pks) == 1 else round_url),
        )
        for unit, pks in sorted(unit_sheets.items())
    )


# --- sheets ---------------------------------------------------------------------------


def _sheet(sheet_id: int) -> ScoreSheet:
    return ScoreSheet.objects.select_related(
        "evaluation_round", "rater_township", "rater_department"
    ).get(pk=sheet_id)


def _require_fillable(sheet: ScoreSheet) -> None:
    """Raise ``ValidationError`` if the sheet can no longer be filled in or submitted."""
    evaluation_round = sheet.evaluation_round
    if evaluation_round.stage != RoundStage.OPEN:
        raise ValidationError({"deadline": "本轮评价已结束评分，评分表未保存。"})
    if timezone.now() >= evaluation_round.deadline:
        deadline = timezone.localtime(evaluation_round.deadline)
        raise ValidationError(
            {"deadline": f"评分已于 {deadline:%Y-%m-%d %H:%M} 截止，评分表未保存。"}
        )
    if sheet.state == SheetState.MISSING:
        raise ValidationError({"deadline": "该评分表已按逾期未交处理，不能再填写。"})
    if sheet.state == SheetState.SUBMITTED:
        raise ValidationError({"state": "该评分表已提交，不能再修改。"})


def score_sheet_save_draft(
    *,
    actor,
    sheet_id: int,
    scores: dict[int, Decimal] | None = None,
    comment: str = "",
    rating: str | None = None,
) -> ScoreSheet:
    """Staff or the head of the rater unit save a draft of a sheet (partial scores).

    ``scores`` (indicator id → value) are merged over the saved ones; in a simple-mode
    round ``rating`` (满意度) is saved instead (``round_services.score_sheet_record``).
    Returns the sheet, state draft. Raises ``ScoreSheet.DoesNotExist``,
    ``PermissionDenied`` (logged), ``ValidationError`` naming each bad indicator (or
    answer), or when the round closed, the deadline passed or the sheet was submitted;
    nothing is written then. Completes no task. Changes: the scores and the sheet, with
    history records carrying ``actor``.
    """
    sheet = _sheet(sheet_id)
    if not can_prepare_sheet(actor, sheet):
        raise deny(actor, f"填写评分表 #{sheet_id}")
    with _flow().lock(sheet.evaluation_round_id), transaction.atomic():
        sheet = _sheet(sheet_id)
        _require_fillable(sheet)
        return evaluation_services.score_sheet_record(
            sheet=sheet,
            actor=actor,
            scores=scores or {},
            comment=comment,
            submit=False,
            rating=rating,
        )


def sheet_task(sheet: ScoreSheet) -> Task:
    """The latest sheet task of ``sheet`` (open or not)."""
    return (
        Task.objects.filter(
            process_id=sheet.evaluation_round_id,
            flow_task=_flow().fill_sheet,
            data__sheet=sheet.pk,
        )
        .order_by("-pk")
        .first()
    )


def score_sheet_submit(
    *,
    actor,
    sheet_id: int,
    scores: dict[int, Decimal] | None = None,
    comment: str | None = None,
    rating: str | None = None,
) -> ScoreSheet:
    """The head of the rater unit submits a sheet; its task completes.

    ``scores`` (indicator id → value, optional) are merged over the saved draft; every
    indicator of the set must then hold a value from 0 to its maximum. In a
    simple-mode round the sheet needs a ``rating`` (满意/基本满意/不满意, given or saved)
    instead, and its total is that answer's points. Returns the
    sheet: submitted, with its total (Σ value / max · weight) and, when every indicator
    got the same share, an all-equal flag. Raises ``ScoreSheet.DoesNotExist``;
    ``PermissionDenied`` (logged) unless ``actor`` is a head of the rater unit;
    ``ValidationError`` naming each bad indicator, or under ``deadline`` when the round
    closed or its deadline passed; ``TaskNotOpen`` when the sheet was already submitted
    (e.g. a second, simultaneous submit); nothing is written then.
    """
    sheet = _sheet(sheet_id)
    if not can_submit_sheet(actor, sheet):
        raise deny(actor, f"提交评分表 #{sheet_id}")
    task = sheet_task(sheet)
    if sheet.state == SheetState.SUBMITTED and task is not None:
        raise TaskNotOpen(task)
    _require_fillable(sheet)
    if task is None or task.status not in OPEN_STATUSES:
        raise ValidationError({"state": "该评分表当前不能提交。"})

    def work(activation):
        current = _sheet(sheet_id)
        _require_fillable(current)
        return evaluation_services.score_sheet_record(
            sheet=current,
            actor=actor,
            scores=scores or {},
            comment=comment,
            submit=True,
            rating=rating,
        )

    return run_human_task(actor=actor, task_id=task.pk, node_name="fill_sheet", work=work)


def score_sheet_remind(*, timer_task) -> int:
    """Remind the rater unit of a sheet still open one working day before the deadline.

    Called by the flow's non-interrupting timers, one per sheet; each unit is reminded
    once per round (the units told are kept in the round's data). Returns the number
    of people told.
    """
    host = timer_task.previous.get()
    process = host.process
    key = f"{'township' if 'township' in host.data else 'department'}:{party_of_task(host).pk}"
    reminded = process.data.setdefault("reminded", [])
    if key in reminded:
        return 0
    reminded.append(key)
    process.save(update_fields=["data"])
    evaluation_round = process.coerced
    unit_sheets = ScoreSheet.objects.filter(
        evaluation_round=evaluation_round, state__in=[SheetState.PENDING, SheetState.DRAFT]
    )
    kind, pk = key.split(":")
    unit_sheets = unit_sheets.filter(**{f"rater_{kind}_id": int(pk)})
    deadline = timezone.localtime(evaluation_round.deadline)
    return _notify_rater_units(
        evaluation_round,
        subject=f"评分表即将截止：{evaluation_round.name}",
        body=f"本单位尚有 {{count}} 张评分表未提交，截止时间 {deadline:%Y-%m-%d %H:%M}。",
        sheets=unit_sheets,
    )


def score_sheet_close_missing(*, timer_task) -> ScoreSheet:
    """Close a sheet whose deadline passed unsubmitted: missing, with a late flag.

    Called by the flow's interrupting deadline timer. Returns the sheet.
    """
    host = timer_task.previous.get()
    sheet = ScoreSheet.objects.get(pk=host.data["sheet"])
    return evaluation_services.late_sheet_record(sheet=sheet)


# --- county office and assessment office ----------------------------------------------


def _round_for_office(actor, round_id: int, what: str) -> EvaluationRound:
    """The round, if ``actor`` is its county office (编办); else a logged denial."""
    evaluation_round = EvaluationRound.objects.select_related("county").get(pk=round_id)
    if not can_run_rounds(actor, evaluation_round.county):
        raise deny(actor, f"{what}（评价轮次 #{round_id}）")
    return evaluation_round


def _round_for_assessment(actor, round_id: int, what: str) -> EvaluationRound:
    """The round, if ``actor`` is its assessment office (考核办); else a logged denial."""
    evaluation_round = EvaluationRound.objects.select_related("county").get(pk=round_id)
    if not can_assess_rounds(actor, evaluation_round.county):
        raise deny(actor, f"{what}（评价轮次 #{round_id}）")
    return evaluation_round


def base_scores_set(
    *,
    actor,
    round_id: int,
    department_scores: dict[int, Decimal],
    township_scores: dict[int, Decimal],
    reason: str = "录入基础分",
) -> list:
    """The assessment office (考核办) enters base scores (基础分, 0–100) of the round's
    units: their results in the county's comprehensive assessment.

    Allowed until the results are published (while the round is open or closed); units
    not named keep theirs. Returns the ``BaseScore`` rows created or changed. Raises
    ``EvaluationRound.DoesNotExist``, ``PermissionDenied`` (logged) unless ``actor`` is
    the assessment office of the round's county (the county office is not),
    ``ValidationError`` naming each unknown unit or bad value, or when the results are
    published; nothing is written then. Changes: the base scores, with history records
    carrying ``actor`` and ``reason``.
    """
    _round_for_assessment(actor, round_id, "录入基础分")
    with _flow().lock(round_id), transaction.atomic():
        evaluation_round = EvaluationRound.objects.get(pk=round_id)
        if evaluation_round.stage == RoundStage.PUBLISHED:
            raise ValidationError({"base_scores": "本轮评价结果已公布，基础分不能再修改。"})
        return evaluation_services.base_scores_record(
            evaluation_round=evaluation_round,
            actor=actor,
            department_scores=department_scores,
            township_scores=township_scores,
            reason=reason,
        )


def base_scores_import(*, actor, round_id: int, uploaded_file) -> int:
    """The assessment office (考核办) imports base scores from an Excel file
    (``evaluation.base_score_import``: the downloadable template's layout).

    The whole file is checked first; a good file is written in one transaction, like
    ``base_scores_set``, each change recorded with the reason 导入基础分（<file name>）.
    Returns the number of units whose base score was created or changed (0 when the
    same file is imported again). Raises ``EvaluationRound.DoesNotExist``,
    ``PermissionDenied`` (logged) unless ``actor`` is the assessment office of the
    round's county; ``ValidationError`` under ``file`` listing every bad row with its
    sheet, row and column (or why the file is no workbook), or when the results are
    published; nothing is written then.
    """
    evaluation_round = _round_for_assessment(actor, round_id, "导入基础分")
    name = clean_text(getattr(uploaded_file, "name", "")) or "基础分.xlsx"
    try:
        parsed = base_scores_read(uploaded_file.read(), evaluation_round)
    except BaseScoreFileError as error:
        raise BaseScoresRefused(error) from None
    written = base_scores_set(
        actor=actor,
        round_id=round_id,
        department_scores=parsed.department_scores,
        township_scores=parsed.township_scores,
        reason=f"导入基础分（{name}）",
    )
    return len(written)


def _office_task(evaluation_round: EvaluationRound, node_name: str, not_ready: str) -> Task:
    tasks = Task.objects.filter(
        process_id=evaluation_round.pk, flow_task=getattr(_flow(), node_name)
    ).order_by("-pk")
    task = tasks.first()
    if task is None:
        raise ValidationError({"stage": not_ready})
    return task


def _assessment_users(county_id: int) -> list:
    """Active users of the county's assessment office (考核办); one query."""
    memberships = Membership.objects.filter(
        county_id=county_id, role=Role.ASSESSMENT_OFFICE
    ).select_related("user")
    return [m.user for m in memberships.order_by("user_id") if m.user.is_active]


def evaluation_round_close(*, actor, round_id: int) -> EvaluationRound:
    """The county office (编办) ends the scoring of the round (评分截止).

    Possible once every sheet is submitted or closed as missing. The results are not
    computed here: the assessment office enters the base scores and publishes them.
    Returns the round, stage closed. Raises ``PermissionDenied`` (logged);
    ``ValidationError`` while sheets are still open; ``TaskNotOpen`` if it is already
    closed; nothing is written then. Changes: the outlier and late flags, the round's
    stage (closed) and ``closed_at`` with a history record, the close task, and one
    notification per user of the county's assessment office.
    """
    evaluation_round = _round_for_office(actor, round_id, "结束评分")
    task = _office_task(
        evaluation_round, "close", "尚有评分表未提交且未到截止时间，暂不能结束评分。"
    )

    def work(activation):
        current = activation.process.coerced
        evaluation_services.round_flags_store(evaluation_round=current)
        current.stage, current.closed_at = RoundStage.CLOSED, timezone.now()
        current._history_user, current._change_reason = actor, "结束评分"
        current.save()
        notify(
            recipients=_assessment_users(current.county_id),
            subject=f"评分已截止，请录入基础分并公布结果：{current.name}",
            body="本轮互评已截止评分。请录入或导入各单位的基础分，核对结果预览后公布。",
            url=reverse("evaluation:round", args=[current.pk]),
        )
        return current

    return run_human_task(actor=actor, task_id=task.pk, node_name="close", work=work)


def evaluation_round_publish(*, actor, round_id: int) -> EvaluationRound:
    """The assessment office (考核办) computes the round's bundled results with the base
    scores and publishes them; every rater unit is told.

    Returns the round, stage published. Raises ``PermissionDenied`` (logged) unless
    ``actor`` is the assessment office of the round's county (the county office is
    not); ``ValidationError`` before the scoring is closed, or under ``base_scores``
    listing every unit without a base score; ``TaskNotOpen`` if already published;
    nothing is written then. Changes: one ``RoundResult`` per unit (with history
    records; a round closed before results moved to publication keeps the ones it
    has), the round's stage and ``published_at`` with a history record, the publish
    task (the process ends), one notification per user of each rater unit.
    """
    evaluation_round = _round_for_assessment(actor, round_id, "公布评价结果")
    task = _office_task(evaluation_round, "publish", "请等待县委编办截止评分后再公布结果。")

    def work(activation):
        current = activation.process.coerced
        if not current.results.exists():
            evaluation_services.round_results_store(evaluation_round=current, actor=actor)
        current.stage, current.published_at = RoundStage.PUBLISHED, timezone.now()
        current._history_user, current._change_reason = actor, "公布评价结果"
        current.save()
        # The flow's end saves the process once more (finished), recorded as such.
        current._change_reason = "流程结束"
        _notify_rater_units(
            current,
            subject=f"考核评价结果已公布：{current.name}",
            body="请登录系统查看本单位的评价结果。",
            sheets=ScoreSheet.objects.filter(evaluation_round=current),
            url=reverse("evaluation:results", args=[current.pk]),
        )
        return current

    return run_human_task(actor=actor, task_id=task.pk, node_name="publish", work=work)
