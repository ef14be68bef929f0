"""Writes to the evaluation's indicator sets (评价指标体系); a round's domain writes are
in ``evaluation.round_services``.

The indicator-set services check that the actor manages the county's indicator sets
(its county administrator or county office; ``actor=None`` is the system, e.g. the demo
loader), validate every row before writing anything, write atomically, and leave
history records carrying the actor and the reason. A denied attempt is logged to
``qingdan.audit``.
"""

import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from organisations.models import County
from organisations.text import clean_text

from .models import (
    TOTAL_WEIGHT,
    Indicator,
    IndicatorSet,
)
from .permissions import can_manage_indicator_sets

audit_log = logging.getLogger("qingdan.audit")

# The keys of one indicator row; ``description`` and ``max_score`` may be left out.
INDICATOR_KEYS = ("name", "description", "scoring_rule", "weight", "max_score")
CREATE_REASON = "新建评价指标体系"


def _require_manage(actor, county: County) -> None:
    if actor is not None and not can_manage_indicator_sets(actor, county):
        audit_log.warning(
            "denied: %s may not manage the indicator sets of county %s", actor, county.pk
        )
        raise PermissionDenied("您无权管理该县的评价指标。")


def _row_errors(number: int, row: dict, seen: dict[str, int]) -> tuple[Indicator, list[str]]:
    """Build the unsaved indicator of row ``number`` (1-based) and list its problems."""
    name = clean_text(row.get("name"))
    label = f"第 {number} 项指标" + (f"“{name}”" if name else "")
    errors = []
    unknown = sorted(set(row) - set(INDICATOR_KEYS))
    if unknown:
        errors.append(f"{label}：不可设置的字段 {'、'.join(unknown)}。")
    excluded = ["indicator_set"]
    if not name:
        errors.append(f"{label}：指标名称不能为空。")
        excluded.append("name")
    elif name in seen:
        errors.append(f"{label}：与第 {seen[name]} 项指标重名。")
    else:
        seen[name] = number
    indicator = Indicator(
        name=name,
        description=clean_text(row.get("description")),
        scoring_rule=clean_text(row.get("scoring_rule")),
        weight=row.get("weight"),
        max_score=row.get("max_score", 100),
        order=number,
    )
    try:
        # Uniqueness is checked above across the submitted rows, not against the table.
        indicator.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            verbose_name = Indicator._meta.get_field(field).verbose_name
            errors.extend(f"{label}的{verbose_name}：{message}" for message in messages)
    return indicator, errors


def _checked_indicators(indicators: Iterable[dict]) -> list[Indicator]:
    """Unsaved, validated indicators for ``indicators`` (in order).

    Raises ``ValidationError`` under the key ``indicators`` with one message per problem,
    each naming the row (第 N 项指标) and field; then for weights not adding up to
    ``TOTAL_WEIGHT``, naming the actual sum.
    """
    rows = list(indicators)
    if not rows:
        raise ValidationError({"indicators": "请至少填写一项指标。"})
    seen: dict[str, int] = {}
    built, errors = [], []
    for number, row in enumerate(rows, start=1):
        indicator, row_errors = _row_errors(number, row, seen)
        built.append(indicator)
        errors.extend(row_errors)
    if errors:
        raise ValidationError({"indicators": errors})
    total = sum(indicator.weight for indicator in built)
    if total != TOTAL_WEIGHT:
        raise ValidationError(
            {"indicators": f"各项指标的权重合计应为 {TOTAL_WEIGHT}，现为 {total}。"}
        )
    return built


def _save(obj, *, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.save()


@transaction.atomic
def indicator_set_create(
    *,
    actor,
    county: County,
    direction: str,
    name: str,
    indicators: Iterable[dict],
    reason: str = CREATE_REASON,
) -> IndicatorSet:
    """Create ``county``'s indicator set for ``direction`` with its indicators, in order.

    ``indicators`` are dicts with ``name``, ``scoring_rule`` (评分标准, shown on every
    sheet), ``weight`` and optionally ``description`` and ``max_score`` (default 100);
    the weights must add up to 100. Returns the saved set.
    Raises ``PermissionDenied`` (logged) or ``ValidationError`` naming the field or row;
    nothing is written then. Changes: one set row and one row per indicator, each with a
    "+" history record carrying ``actor`` and ``reason``.
    """
    _require_manage(actor, county)
    indicator_set = IndicatorSet(county=county, direction=direction, name=clean_text(name))
    errors = {}
    try:
        indicator_set.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        built = _checked_indicators(indicators)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _save(indicator_set, actor=actor, reason=reason)
    for indicator in built:
        indicator.indicator_set = indicator_set
        _save(indicator, actor=actor, reason=reason)
    return indicator_set


@transaction.atomic
def indicator_set_replace_indicators(
    *, actor, indicator_set: IndicatorSet, indicators: Iterable[dict], reason: str
) -> IndicatorSet:
    """Replace the indicators of ``indicator_set`` by ``indicators`` (same rules as create).

    Rows are matched to the existing indicators by name: a matching indicator is updated
    (if anything changed), a new name is added, a name no longer given is deleted.
    Returns the set. Raises ``PermissionDenied`` (logged), or ``ValidationError`` naming
    the field or row, for a missing reason, or when nothing would change; nothing is
    written then. Changes: the indicator rows, each with a history record, and one "~"
    history record of the set, all carrying ``actor`` and ``reason``.
    """
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
    _require_manage(actor, indicator_set.county)
    if not clean_text(reason):
        raise ValidationError({"reason": "请填写变更理由。"})
    built = _checked_indicators(indicators)
    existing = {indicator.name: indicator for indicator in indicator_set.indicators.all()}
    fields = ("description", "scoring_rule", "weight", "max_score", "order")
    changed = [
        new
        for new in built
        if new.name not in existing
        or any(getattr(new, f) != getattr(existing[new.name], f) for f in fields)
    ]
    removed = [old for name, old in existing.items() if name not in {i.name for i in built}]
    if not changed and not removed:
        raise ValidationError({"indicators": "没有任何变更。"})
    for old in removed:
        old._history_user = actor
        old._change_reason = reason
        old.delete()
    for new in changed:
        target = existing.get(new.name)
        if target is None:
            new.indicator_set = indicator_set
            target = new
        else:
            for field in fields:
                setattr(target, field, getattr(new, field))
        _save(target, actor=actor, reason=reason)
    _save(indicator_set, actor=actor, reason=reason)
    return indicator_set
