"""Recording the county office's proposed rulings (拟办意见) and the county
leadership's decisions (审定) in decision batches."""

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from organisations import permissions as org_permissions
from organisations.models import County, Department, Township
from organisations.text import clean_text

from .models import AMENDABLE_FIELDS, Decision, Ruling, RulingDecision

audit_log = logging.getLogger("qingdan.audit")

AMOUNT_FIELD = "funding_amount"


def amendments_clean(
    amendments: dict | None, unknown_message: str = "不能修改该字段。"
) -> tuple[dict, dict[str, str]]:
    """Clean amended item values: texts with ``clean_text`` (empty ones dropped), the
    amount (经费金额, 万元) as a ``Decimal`` of at most two decimals, not negative.
    Returns (values, errors): ``errors`` names each unknown field or bad amount."""
    values, errors = {}, {}
    for name, value in (amendments or {}).items():
        if name not in AMENDABLE_FIELDS:
            errors[name] = unknown_message
        elif name == AMOUNT_FIELD:
            if value in (None, ""):
                continue
            try:
                amount = Decimal(str(value).strip())
            except InvalidOperation:
                errors[name] = "经费金额应为数字（万元）。"
                continue
            if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
                errors[name] = "经费金额应为不小于 0、最多两位小数的数字（万元）。"
            elif amount >= Decimal("1e10"):
                errors[name] = "经费金额过大。"
            else:
                values[name] = amount
        else:
            text = clean_text(value)
            if text:
                values[name] = text
    return values, errors


def amended_field_values(amendments: dict) -> dict:
    """The ``amended_<name>`` model values of cleaned ``amendments``: every amendable
    field, those not amended empty (the amount ``None``)."""
    return {
        f"amended_{name}": amendments.get(name, None if name == AMOUNT_FIELD else "")
        for name in AMENDABLE_FIELDS
    }


@transaction.atomic
def ruling_record(
    *,
    actor,
    county: County,
    process,
    decisions: list[tuple[Township | Department, str]],
    reasoning: str,
    meeting_record: str = "",
    amendments: dict[str, str] | None = None,
    reviewing_department: Department | None = None,
) -> Ruling:
    """Record the reviewing unit's proposed ruling (拟办意见) on ``process``, one proposed
    decision per party.

    ``reviewing_department`` is the request's reviewing department (a village or grid
    list's, e.g. 县委社会工作部), ``None`` for the county office of ``county``.
    ``amendments`` rewrites item text (title, responsibilities, 配套保障, 备注); it is
    required when any decision is "admit with amendments" and not allowed otherwise.
    Returns the ruling. Raises ``PermissionDenied`` (logged) unless ``actor`` is that
    reviewing unit; ``ValidationError`` naming the bad field or party; nothing is
    written then. Changes: one ruling, its decisions, history records.
    """
    department_id = reviewing_department.pk if reviewing_department is not None else None
    if not org_permissions.can_act_as_reviewer(
        actor, county_id=county.pk, department_id=department_id
    ):
        audit_log.warning("denied: %s may not rule in county %s", actor, county.code)
        raise PermissionDenied("您无权对该事项提出拟办意见。")
    amendments, errors = amendments_clean(amendments, "拟办意见不能修改该字段。")
    reasoning = clean_text(reasoning)
    if not reasoning:
        errors["reasoning"] = "请填写拟办理由。"
    for party, decision in decisions:
        if decision not in Decision.values:
            errors[f"decision_{party.pk}"] = f"请选择对“{party}”的拟办意见。"
    amended = any(decision == Decision.ADMIT_AMENDED for _, decision in decisions)
    if amended and not amendments:
        errors["amendments"] = "选择“修改后准入”时，请填写修改后的事项内容。"
    if amendments and not amended:
        errors["amendments"] = "只有“修改后准入”的拟办意见才能修改事项内容。"
    if errors:
        raise ValidationError(errors)
    ruling = Ruling(
        county=county,
        process=process,
        ruled_by=actor,
        reasoning=reasoning,
        meeting_record=clean_text(meeting_record),
        **amended_field_values(amendments),
    )
    ruling.full_clean()
    ruling._history_user = actor
    ruling.save()
    for party, decision in decisions:
        row = RulingDecision(
            ruling=ruling,
            township=party if isinstance(party, Township) else None,
            department=party if isinstance(party, Department) else None,
            decision=decision,
        )
        row._history_user = actor
        row.save()
    audit_log.info("proposal recorded: %s by %s", ruling.pk, actor)
    return ruling
