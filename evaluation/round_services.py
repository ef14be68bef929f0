"""The domain half of an evaluation round (评价轮次): a sheet's scores, base scores, the
sheets of a new round, the flags stored at its close and the results computed (and
stored at publication).

These writers check no rights and take no lock: the round's workflow services
(``workflow.services.evaluating``) do both and call them under the flow lock. Each
leaves history records carrying the actor.
"""

import logging
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from arbitration.selectors import upheld_reports_by_department
from organisations.text import clean_text

from . import computation
from .models import (
    RATING_POINTS,
    BaseScore,
    Direction,
    EvaluationRound,
    FlagKind,
    Indicator,
    Rating,
    RoundResult,
    Score,
    ScoreSheet,
    SheetFlag,
    SheetState,
)

audit_log = logging.getLogger("qingdan.audit")


def _save(obj, *, actor, reason: str) -> None:
    """Save ``obj`` with a history record carrying ``actor`` and ``reason``."""
    obj._history_user = actor
    obj._change_reason = reason
    obj.save()


TWO_PLACES = Decimal("0.01")


def parse_amount(value, *, label: str, maximum: Decimal) -> tuple[Decimal | None, str | None]:
    """``(value as a Decimal, None)`` if ``value`` is a number from 0 to ``maximum`` with
    at most two decimals, else ``(None, message naming label)``."""
    if isinstance(value, bool) or value is None or value == "":
        return None, f"{label}：请填写分值。"
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None, f"{label}：“{value}”不是有效的数字。"
    if not amount.is_finite():
        return None, f"{label}：“{value}”不是有效的数字。"
    if amount < 0:
        return None, f"{label}：分值不能小于 0（现为 {amount}）。"
    if amount > maximum:
        return None, f"{label}：分值不能超过满分 {maximum}（现为 {amount}）。"
    if amount != amount.quantize(TWO_PLACES):
        return None, f"{label}：分值最多保留两位小数（现为 {amount}）。"
    return amount.quantize(TWO_PLACES), None


def checked_scores(
    indicators: list[Indicator], scores: Mapping, *, complete: bool
) -> dict[int, Decimal]:
    """``scores`` (indicator id → value) validated against the sheet's ``indicators``.

    Returns ``{indicator id: Decimal}``. Raises ``ValidationError`` under ``scores``
    with one message per problem, each naming the indicator: an indicator of another
    set, a value that is not a number, below 0, above the indicator's maximum or with
    more than two decimals, and (``complete``) an indicator left without a score.
    """
    by_pk = {indicator.pk: indicator for indicator in indicators}
    errors, checked = [], {}
    for key, value in scores.items():
        try:
            indicator = by_pk[int(key)]
        except (KeyError, TypeError, ValueError):
            errors.append(f"指标（编号 {key}）不属于本评分表的指标体系。")
            continue
        amount, error = parse_amount(
            value, label=f"指标“{indicator.name}”", maximum=Decimal(indicator.max_score)
        )
        if error:
            errors.append(error)
        else:
            checked[indicator.pk] = amount
    if complete:
        errors.extend(
            f"指标“{indicator.name}”：请填写分值。"
            for indicator in indicators
            if indicator.pk not in checked
        )
    if errors:
        raise ValidationError({"scores": errors})
    return checked


def sheet_indicators(sheet: ScoreSheet) -> list[Indicator]:
    """The indicators a sheet scores: those of its round's set for its direction."""
    evaluation_round = sheet.evaluation_round
    set_id = (
        evaluation_round.township_set_id
        if sheet.rater_township_id is not None
        else evaluation_round.department_set_id
    )
    return list(Indicator.objects.filter(indicator_set_id=set_id).order_by("order", "pk"))


RATING_CHOICES = "、".join(Rating.labels)


def checked_rating(rating, *, scores: Mapping, complete: bool) -> str | None:
    """A simple-mode sheet's answer: ``rating`` as a ``Rating`` value (None when not
    given). Raises ``ValidationError`` under ``rating`` for an unknown answer, a missing
    one when ``complete``, or indicator ``scores`` sent to a simple-mode sheet."""
    if scores:
        raise ValidationError(
            {"rating": f"本轮为满意度评价，请选择{RATING_CHOICES}，不填写指标分值。"}
        )
    if rating in (None, ""):
        if complete:
            raise ValidationError({"rating": f"请选择满意度（{RATING_CHOICES}）。"})
        return None
    if rating not in Rating.values:
        label = clean_text(str(rating))
        raise ValidationError({"rating": f"满意度“{label}”无效，应为{RATING_CHOICES}之一。"})
    return rating


def _simple_sheet_record(
    *, sheet: ScoreSheet, actor, rating, scores: Mapping, comment: str | None, submit: bool
) -> ScoreSheet:
    """``score_sheet_record`` for a simple-mode round: one answer, no indicator rows."""
    rating = checked_rating(rating, scores=scores, complete=False) or sheet.rating
    checked_rating(rating, scores={}, complete=submit)
    sheet.rating = rating or ""
    if comment is not None:
        sheet.comment = clean_text(comment)
    sheet.prepared_by = sheet.prepared_by or actor
    if submit:
        sheet.state = SheetState.SUBMITTED
        sheet.total = RATING_POINTS[Rating(rating)]
        sheet.submitted_by, sheet.submitted_at = actor, timezone.now()
        reason = f"提交评分表（{Rating(rating).label}）"
    else:
        sheet.state = SheetState.DRAFT
        reason = "保存评分表草稿"
    _save(sheet, actor=actor, reason=reason)
    return sheet


def score_sheet_record(
    *,
    sheet: ScoreSheet,
    actor,
    scores: Mapping,
    comment: str | None,
    submit: bool,
    rating: str | None = None,
) -> ScoreSheet:
    """Write ``scores`` (merged over the sheet's saved ones) and ``comment`` onto ``sheet``.

    A draft (``submit=False``) may leave indicators unscored; a submission needs every
    indicator, then sets the state, total (``computation.sheet_total``), submitter and
    time, and the all-equal flag when it applies. Returns the sheet. Raises
    ``ValidationError`` naming each bad indicator before anything is written. Changes:
    the score rows and the sheet, each with a history record carrying ``actor``.

    In a simple-mode round (``EvaluationRound.is_simple``) the sheet holds ``rating``
    (满意/基本满意/不满意, merged over the saved one) instead: a submission needs it and
    takes its ``RATING_POINTS`` as total; ``ValidationError`` under ``rating`` for a
    missing or unknown answer or for indicator scores; no score rows, no all-equal flag.
    """
    if sheet.evaluation_round.is_simple:
        return _simple_sheet_record(
            sheet=sheet, actor=actor, rating=rating, scores=scores, comment=comment, submit=submit
        )
    if rating not in (None, ""):
        raise ValidationError({"rating": "本轮按指标评分，请填写各项指标的分值。"})
    indicators = sheet_indicators(sheet)
    saved = {score.indicator_id: score for score in sheet.scores.all()}
    merged = {pk: score.value for pk, score in saved.items()}
    merged.update(checked_scores(indicators, scores, complete=False))
    values = checked_scores(indicators, merged, complete=submit)
    reason = "提交评分表" if submit else "保存评分表草稿"
    new_scores = []
    for pk, value in values.items():
        score = saved.get(pk)
        if score is None:
            new_scores.append(Score(sheet=sheet, indicator_id=pk, value=value))
        elif score.value != value:
            score.value = value
            _save(score, actor=actor, reason=reason)
    if new_scores:
        # One INSERT for the rows and one for their history: a first submission
        # writes every indicator at once.
        bulk_create_with_history(
            new_scores, Score, default_user=actor, default_change_reason=reason
        )
    if comment is not None:
        sheet.comment = clean_text(comment)
    sheet.prepared_by = sheet.prepared_by or actor
    if submit:
        specs = [computation.IndicatorSpec(i.pk, i.weight, i.max_score) for i in indicators]
        sheet.state = SheetState.SUBMITTED
        sheet.total = computation.sheet_total(values, specs)
        sheet.submitted_by, sheet.submitted_at = actor, timezone.now()
        share = computation.all_equal_share(values, specs)
        if share is not None:
            flag = computation.all_equal_flag(sheet.pk, share)
            SheetFlag.objects.create(sheet=sheet, kind=flag.kind, detail=flag.detail)
    else:
        sheet.state = SheetState.DRAFT
    _save(sheet, actor=actor, reason=reason)
    return sheet


def round_units(evaluation_round: EvaluationRound) -> tuple[set[int], set[int]]:
    """``(department ids, township ids)`` taking part in a round (on either side of one
    of its sheets): the units that get a base score and a result."""
    departments, townships = set(), set()
    rows = evaluation_round.sheets.values_list(
        "rater_department", "ratee_department", "rater_township", "ratee_township"
    )
    for rater_d, ratee_d, rater_t, ratee_t in rows:
        departments.update(pk for pk in (rater_d, ratee_d) if pk is not None)
        townships.update(pk for pk in (rater_t, ratee_t) if pk is not None)
    return departments, townships


def base_scores_record(
    *,
    evaluation_round: EvaluationRound,
    actor,
    department_scores: Mapping,
    township_scores: Mapping,
    reason: str = "录入基础分",
) -> list[BaseScore]:
    """Set the base scores (基础分, 0–100, from the county's comprehensive assessment)
    of units of the round.

    Units not named keep their base score. Returns the rows created or changed (a unit
    given the score it has is left alone, so entering the same scores again writes
    nothing). Raises
    ``ValidationError`` naming each unknown unit (under ``department_scores`` /
    ``township_scores``) or bad value before anything is written. Changes: one
    ``BaseScore`` row per named unit whose score is new or different (created or
    updated), each with a history record carrying ``actor`` and ``reason``.
    """
    departments, townships = round_units(evaluation_round)
    errors: dict[str, list[str]] = {}
    checked = []
    for field, scores, known, label in (
        ("department_scores", department_scores, departments, "部门"),
        ("township_scores", township_scores, townships, "乡镇(街道)"),
    ):
        for key, value in scores.items():
            if not str(key).isdigit() or int(key) not in known:
                errors.setdefault(field, []).append(f"{label}（编号 {key}）不是本轮的参评单位。")
                continue
            amount, error = parse_amount(
                value, label=f"{label}（编号 {key}）的基础分", maximum=Decimal(100)
            )
            if error:
                errors.setdefault(field, []).append(error)
            else:
                checked.append((field, int(key), amount))
    if errors:
        raise ValidationError(errors)
    existing = {
        (row.department_id, row.township_id): row for row in evaluation_round.base_scores.all()
    }
    written = []
    for field, pk, amount in checked:
        key = (pk, None) if field == "department_scores" else (None, pk)
        row = existing.get(key) or BaseScore(
            evaluation_round=evaluation_round,
            department_id=key[0],
            township_id=key[1],
            value=amount,
            entered_by=actor,
        )
        if row.pk is None or row.value != amount:
            row.value, row.entered_by = amount, actor
            _save(row, actor=actor, reason=reason)
            written.append(row)
    return written


_SHEET_COLUMNS = (
    "pk",
    "rater_department",
    "ratee_department",
    "rater_township",
    "ratee_township",
    "state",
    "total",
)


def sheet_rows(rows) -> tuple[list[computation.SheetRow], set[int], set[int]]:
    """The computation's ``SheetRow`` of each sheet, and the ids of the departments and
    townships taking part, from plain rows ``(pk, rater department, ratee department,
    rater township, ratee township, state, total)``."""
    departments, townships = set(), set()
    sheets = []
    for pk, rater_d, ratee_d, rater_t, ratee_t, state, total in rows:
        if ratee_d is not None:
            departments.add(ratee_d)
            townships.add(rater_t)
            ratee = ("department", ratee_d)
        else:
            departments.add(rater_d)
            townships.add(ratee_t)
            ratee = ("township", ratee_t)
        sheets.append(computation.SheetRow(pk, ratee, state == SheetState.SUBMITTED, total))
    return sheets, departments, townships


def _round_sheet_rows(evaluation_round: EvaluationRound):
    return sheet_rows(evaluation_round.sheets.values_list(*_SHEET_COLUMNS))


def round_results_compute(
    evaluation_round: EvaluationRound, rows=None
) -> list[computation.UnitResult]:
    """The round's bundled results as they stand (nothing is written).

    ``rows`` are the round's sheets as plain rows (see ``sheet_rows``), read here when
    not given. Reads the base scores and the upheld off-list reports of the period (two
    queries). Returns one ``computation.UnitResult`` per unit of the round, departments
    first. Raises ``ValidationError`` under ``base_scores`` listing every unit without
    a base score.
    """
    if rows is None:
        sheets, departments, townships = _round_sheet_rows(evaluation_round)
    else:
        sheets, departments, townships = sheet_rows(rows)
    base = {}
    for department, township, value in evaluation_round.base_scores.values_list(
        "department", "township", "value"
    ):
        base[("department", department) if department else ("township", township)] = value
    _require_base_scores(evaluation_round, departments, townships, base)
    units = [("department", pk) for pk in sorted(departments)]
    units += [("township", pk) for pk in sorted(townships)]
    return computation.unit_results(
        sheets=sheets,
        base_scores={unit: base[unit] for unit in units},
        upheld_reports=upheld_reports_by_department(
            county_ids=[evaluation_round.county_id],
            start=evaluation_round.period_start,
            end=evaluation_round.period_end,
        ),
        bundling_weight=evaluation_round.bundling_weight,
        penalty_per_report=evaluation_round.penalty_per_report,
    )


def round_results_store(*, evaluation_round: EvaluationRound, actor) -> list[RoundResult]:
    """Compute the round's bundled results and store them (the publication step).

    Reads the sheets (state and stored total only), the base scores and the upheld
    off-list reports of the period; writes one ``RoundResult`` per unit, with history
    records carrying ``actor``. Called once per round. Returns the results. Raises
    ``ValidationError`` under ``base_scores`` listing every unit without a base score;
    nothing is written then.
    """
    results = round_results_compute(evaluation_round)
    stored = [
        RoundResult(
            evaluation_round=evaluation_round,
            department_id=r.unit[1] if r.unit[0] == "department" else None,
            township_id=r.unit[1] if r.unit[0] == "township" else None,
            base_score=r.base_score,
            peer_mean=r.peer_mean,
            sheets_received=r.sheets_received,
            sheets_missing=r.sheets_missing,
            upheld_reports=r.upheld_reports,
            penalty=r.penalty,
            total=r.total,
            rank=r.rank,
        )
        for r in results
    ]
    return bulk_create_with_history(
        stored, RoundResult, default_user=actor, default_change_reason="计算评价结果"
    )


def round_flags_store(*, evaluation_round: EvaluationRound) -> int:
    """Store the outlier and late flags of the round's sheets (the close step; the
    all-equal flags were set at submission). Returns the number of flags computed.
    Changes: ``SheetFlag`` rows (a flag already there is kept)."""
    sheets, _departments, _townships = _round_sheet_rows(evaluation_round)
    flags = computation.outlier_flags(sheets)
    flags += [computation.late_flag(s.pk) for s in sheets if not s.is_submitted]
    SheetFlag.objects.bulk_create(
        (SheetFlag(sheet_id=f.sheet, kind=f.kind, detail=f.detail) for f in flags),
        ignore_conflicts=True,
        batch_size=2000,
    )
    return len(flags)


def _require_base_scores(evaluation_round, departments, townships, base) -> None:
    """Raise ``ValidationError`` naming every unit of the round without a base score."""
    from organisations.models import Department, Township

    lacking_departments = [pk for pk in departments if ("department", pk) not in base]
    lacking_townships = [pk for pk in townships if ("township", pk) not in base]
    if not lacking_departments and not lacking_townships:
        return
    names = [
        *Department.objects.filter(pk__in=lacking_departments)
        .order_by("code")
        .values_list("name", flat=True),
        *Township.objects.filter(pk__in=lacking_townships)
        .order_by("code")
        .values_list("name", flat=True),
    ]
    raise ValidationError(
        {"base_scores": f"以下单位尚未录入基础分：{'、'.join(names)}（共 {len(names)} 个）。"}
    )


def late_sheet_record(*, sheet: ScoreSheet) -> ScoreSheet:
    """Close ``sheet`` as missing (逾期未交) with its late flag (the deadline step).

    Returns the sheet. Changes: its state (history record by the system) and one
    ``SheetFlag`` of kind late.
    """
    sheet.state = SheetState.MISSING
    _save(sheet, actor=None, reason="截止时间前未提交")
    flag = computation.late_flag(sheet.pk)
    SheetFlag.objects.get_or_create(
        sheet=sheet, kind=FlagKind.LATE, defaults={"detail": flag.detail}
    )
    return sheet


def round_sheets_create(*, evaluation_round: EvaluationRound, pairs, actor) -> list[ScoreSheet]:
    """Create the round's sheets, one per ``links.SheetPair``, in bulk.

    Returns them (with ids). Changes: one ``ScoreSheet`` per pair, pending, each with a
    history record carrying ``actor``.
    """
    sheets = []
    for pair in pairs:
        by_township = pair.direction == Direction.TOWNSHIP_TO_DEPARTMENT
        sheets.append(
            ScoreSheet(
                evaluation_round=evaluation_round,
                direction=pair.direction,
                rater_township_id=pair.rater if by_township else None,
                ratee_department_id=pair.ratee if by_township else None,
                rater_department_id=None if by_township else pair.rater,
                ratee_township_id=None if by_township else pair.ratee,
                links=list(pair.links),
            )
        )
    return bulk_create_with_history(
        sheets, ScoreSheet, batch_size=500, default_user=actor, default_change_reason="开启评价轮次"
    )
