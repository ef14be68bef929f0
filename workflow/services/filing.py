"""Filing a change request, the county office's formal review, and revision."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from duty_lists.columns import resources_errors
from duty_lists.models import (
    LEVEL_DUTY_TYPES,
    LEVEL_ITEM_KINDS,
    NONE_MARK,
    Category,
    DutyItem,
    DutyType,
    ItemKind,
    ItemStatus,
    Level,
    local_responsibilities_label,
)
from organisations import permissions as org_permissions
from organisations.models import County, Department, Township, Village
from organisations.text import clean_text, invalid_ids_message, unit_reference

from .. import permissions
from ..deadlines import county_settings, remember_county_settings
from ..models import (
    COOPERATION_FIELD,
    ITEM_FIELDS,
    ChangeKind,
    ChangeRequestProcess,
    ReviewDecision,
)
from . import notifications
from .common import deny, run_human_task

REQUIRED_FOR_ADD = {
    "title": "请填写事项名称。",
    "category": "请选择领域类别。",
    "duty_type": "请选择履职类型。",
    "lead_department": "请选择牵头部门。",
    "department_responsibilities": "请填写部门职责。",
    "local_responsibilities": "请填写属地职责。",
    "basis": "请填写实施依据。",
    "effective_date": "请填写拟生效日期。",
}
# Item fields a request may carry, besides those copied onto the item one to one.
REQUEST_FIELDS = (*ITEM_FIELDS, COOPERATION_FIELD)


def _missing_required(values: dict, level: str | None) -> dict[str, str]:
    """The message of each required item field that ``values`` leaves empty; the local
    duties are named by the level (乡镇(街道)职责 …)."""
    missing = {
        name: message
        for name, message in REQUIRED_FOR_ADD.items()
        if values.get(name) in (None, "")
    }
    if "local_responsibilities" in missing and level in Level.values:
        label = local_responsibilities_label(level)
        missing["local_responsibilities"] = f"请填写{label}。"
    return missing


def item_cooperations(item: DutyItem) -> list[tuple[Department, str]]:
    """The cooperating departments of ``item`` with their duties, in order."""
    return [
        (row.department, row.responsibilities)
        for row in item.cooperations.select_related("department").order_by("position", "id")
    ]


def request_cooperations(process: ChangeRequestProcess) -> list[tuple[Department, str]]:
    """The cooperating departments a request proposes, with their duties, in order
    (departments read in one query)."""
    rows = process.cooperation or []
    departments = Department.objects.in_bulk([row["department"] for row in rows])
    return [
        (departments[row["department"]], row["responsibilities"])
        for row in rows
        if row["department"] in departments
    ]


def _item_values(item: DutyItem) -> dict:
    values = {name: getattr(item, name) for name in ITEM_FIELDS}
    values[COOPERATION_FIELD] = item_cooperations(item)
    return values


def _cooperation_pairs(value) -> list[tuple]:
    """Cooperations given as (Department, duties) pairs or as dicts with ``department``
    and ``responsibilities``."""
    pairs = []
    for entry in value or ():
        if isinstance(entry, dict):
            pairs.append((entry.get("department"), entry.get("responsibilities")))
        else:
            department, duties = entry
            pairs.append((department, duties))
    return pairs


def _check_cooperations(county: County, lead, pairs, errors: dict) -> list[tuple]:
    """Check the cooperating departments: of the county, once each, not the lead, with
    duties. Adds messages under ``cooperation``; returns the cleaned pairs."""
    cleaned, seen, problems, foreign = [], set(), [], []
    for department, duties in pairs:
        if not isinstance(department, Department):
            problems.append("请选择协同部门。")
            continue
        if department.county_id != county.pk:
            foreign.append(department.pk)
            continue
        duties = clean_text(duties)
        if lead is not None and department.pk == lead.pk:
            problems.append(f"牵头部门“{department}”不能同时是协同部门。")
        elif department.pk in seen:
            problems.append(f"协同部门“{department}”重复。")
        elif not duties:
            problems.append(f"请填写协同部门“{department}”的协同职责。")
        seen.add(department.pk)
        cleaned.append((department, duties))
    if foreign:
        problems.insert(0, invalid_ids_message("协同部门", foreign))
    if problems:
        errors[COOPERATION_FIELD] = problems
    return cleaned


def _check_level_fields(values: dict, level: str, county: County, errors: dict) -> None:
    """Kinds, duty types and categories the level's list and the county have."""
    level = Level(level)
    kind = values.get("item_kind") or ItemKind.DUTY
    if kind not in LEVEL_ITEM_KINDS[level]:
        errors["item_kind"] = (
            f"{level.label}清单没有“{ItemKind(kind).label}”这类事项"
            "（证明事项、机制牌子只列入村(社区)清单）。"
        )
    duty_type = values.get("duty_type")
    if duty_type and duty_type not in LEVEL_DUTY_TYPES[level]:
        allowed = "、".join(str(DutyType(value).label) for value in LEVEL_DUTY_TYPES[level])
        errors["duty_type"] = f"{level.label}清单的履职类型为{allowed}。"
    category = values.get("category")
    if isinstance(category, Category) and category.county_id != county.pk:
        # An id only: another county's category names are not the filer's to learn.
        errors["category"] = invalid_ids_message("领域类别", [category.pk])


def _check_dates_and_amount(values: dict, errors: dict) -> None:
    effective = values.get("effective_date")
    if effective is not None and not isinstance(effective, datetime.date):
        errors["effective_date"] = "日期格式无效。"
    expires = values.get("expires_on")
    if expires is not None and not isinstance(expires, datetime.date):
        errors["expires_on"] = "日期格式无效。"
    elif expires is not None and isinstance(effective, datetime.date) and expires < effective:
        errors["expires_on"] = "临时事项的有效期不能早于拟生效日期。"
    amount = values.get("funding_amount")
    if amount is not None and (not isinstance(amount, Decimal) or amount < 0):
        errors["funding_amount"] = "经费金额应为不小于 0 的数字（万元）。"
    if values.get("funding_source") == NONE_MARK and amount is not None:
        errors.setdefault("funding_amount", "经费来源为“无”时不应填写经费金额。")


def _validated_request(
    *,
    county: County,
    kind: str,
    level: str | None,
    department: Department | None,
    township: Township | None,
    target_item: DutyItem | None,
    fields: dict,
    applies_to_all: bool,
    target_townships: list[Township],
    reasons: str,
    target_villages: list[Village] | None = None,
    village_kind: str = "",
) -> tuple[dict, bool, list[Township], list[Village]]:
    """Check a request's content; return (process field values, applies_to_all,
    townships, villages). Text is cleaned first (``clean_text``), so a field of blanks
    or invisible characters counts as empty. A department's addition must state its
    配套保障 (费随事转: 经费 with source and amount, 人员, 装备, each "无" if there is
    none). Raises ``ValidationError`` naming every bad field."""
    errors: dict[str, object] = {}
    target_villages = list(target_villages or ())
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        errors.update(dict.fromkeys(sorted(unknown), "不可填写的字段。"))
    if kind not in ChangeKind.values:
        errors["kind"] = "申请类型无效。"
    fields = {
        name: clean_text(value) if isinstance(value, str) else value
        for name, value in fields.items()
        if name in REQUEST_FIELDS
    }
    reasons = clean_text(reasons)
    if not reasons:
        errors["reasons"] = "请填写申请理由。"
    village_kind = village_kind or ""
    values = dict(fields)
    if kind in (ChangeKind.AMEND, ChangeKind.WITHDRAW):
        if target_item is None:
            errors["target_item"] = "请选择要修改或取消的事项。"
        elif target_item.duty_list.county_id != county.pk:
            errors["target_item"] = "该事项不属于本县。"
        elif target_item.status != ItemStatus.IN_FORCE:
            errors["target_item"] = "该事项已取消。"
        elif department is not None and target_item.lead_department_id != department.pk:
            errors["target_item"] = "只能申请调整本部门牵头的事项。"
        if target_item is not None and "target_item" not in errors:
            level = target_item.duty_list.level
            values = {**_item_values(target_item), **fields}
            if kind == ChangeKind.WITHDRAW or township is not None:
                applies_to_all = target_item.applies_to_all
                target_townships = list(target_item.townships.all())
                target_villages = list(target_item.villages.all())
                village_kind = target_item.village_kind
            if kind == ChangeKind.AMEND:
                # An amendment may change a required field, not empty it.
                errors.update(_missing_required(values, level))
            lead = fields.get("lead_department")
            if township is not None and lead is not None and lead != target_item.lead_department:
                # The lead department is the party a township's request is put to.
                errors["lead_department"] = "乡镇(街道)申请修改事项时不能更改牵头部门。"
    else:
        if target_item is not None:
            errors["target_item"] = "新增事项时不选择涉及事项。"
        if department is not None:
            values.setdefault("lead_department", department)
        elif township is not None:
            # A township asks for an item of its own (乡镇申请新增): it applies there.
            others = [t for t in target_townships if t.pk != township.pk]
            if applies_to_all or others:
                errors["target_townships"] = "乡镇(街道)申请新增的事项只适用于本乡镇(街道)。"
            applies_to_all, target_townships = False, [township]
        errors.update(_missing_required(values, level))
        if department is not None:
            # 费随事转: a department that pushes a duty down states its 配套保障.
            errors.update(
                {
                    name: message
                    for name, message in resources_errors(values).items()
                    if name not in errors
                }
            )
    if level not in Level.values:
        errors["level"] = "请选择清单层级。"
    else:
        _check_level_fields(values, level, county, errors)
        if (target_villages or village_kind) and level == Level.TOWNSHIP:
            errors["target_villages"] = "乡镇(街道)清单的事项只能按乡镇(街道)确定适用范围。"
    if village_kind and village_kind not in Village.Kind.values:
        errors["village_kind"] = "适用村(社区)类型无效。"
    lead = values.get("lead_department")
    if lead is not None and lead.county_id != county.pk:
        errors["lead_department"] = "牵头部门不属于本县。"
    values[COOPERATION_FIELD] = _check_cooperations(
        county, lead, _cooperation_pairs(values.get(COOPERATION_FIELD)), errors
    )
    foreign = [t.pk for t in target_townships if t.county_id != county.pk]
    if foreign:
        # Ids only: another county's township names are not the filer's to learn.
        errors["target_townships"] = invalid_ids_message("乡镇(街道)", foreign)
    foreign_villages = _foreign_villages(county, target_villages)
    if foreign_villages:
        errors["target_villages"] = invalid_ids_message("村(社区)", foreign_villages)
    if (
        not applies_to_all
        and not target_townships
        and not target_villages
        and kind != ChangeKind.WITHDRAW
    ):
        errors["target_townships"] = "请选择涉及的乡镇(街道)，或选择适用全部。"
    _check_dates_and_amount(values, errors)
    if kind == ChangeKind.AMEND and target_item is not None and "target_item" not in errors:
        unchanged = all(values[name] == getattr(target_item, name) for name in ITEM_FIELDS)
        unchanged = unchanged and _cooperation_key(values[COOPERATION_FIELD]) == (
            _cooperation_key(item_cooperations(target_item))
        )
        same_scope = (
            applies_to_all == target_item.applies_to_all
            and {t.pk for t in target_townships} == {t.pk for t in target_item.townships.all()}
            and {v.pk for v in target_villages} == {v.pk for v in target_item.villages.all()}
            and village_kind == target_item.village_kind
        )
        if unchanged and same_scope:
            errors["__all__"] = "申请内容与现行事项相同，没有需要修改的内容。"
    if errors:
        raise ValidationError(errors)
    values[COOPERATION_FIELD] = [
        {"department": department.pk, "responsibilities": duties}
        for department, duties in values[COOPERATION_FIELD]
    ]
    values.update(county=county, kind=kind, level=level, reasons=reasons)
    values["village_kind"] = village_kind
    values["item_kind"] = values.get("item_kind") or ItemKind.DUTY
    return values, applies_to_all, target_townships, target_villages


def _cooperation_key(pairs) -> list[tuple[int, str]]:
    return [(department.pk, duties) for department, duties in pairs]


def _foreign_villages(county: County, villages: list[Village]) -> list[int]:
    wanted = {village.pk for village in villages}
    if not wanted:
        return []
    known = set(
        Village.objects.filter(pk__in=sorted(wanted), township__county=county).values_list(
            "pk", flat=True
        )
    )
    return sorted(wanted - known)


@transaction.atomic
def change_request_file(
    *,
    actor,
    county: County,
    kind: str,
    level: str | None = None,
    department: Department | None = None,
    township: Township | None = None,
    target_item: DutyItem | None = None,
    fields: dict | None = None,
    applies_to_all: bool = False,
    target_townships=(),
    target_villages=(),
    village_kind: str = "",
    reasons: str,
) -> ChangeRequestProcess:
    """File a request on behalf of ``department`` or ``township`` and start its process.

    ``fields`` are the proposed item fields (``REQUEST_FIELDS``: ``ITEM_FIELDS`` and
    ``cooperation``, a list of (Department, duties) pairs); on village and grid lists
    ``target_villages`` and ``village_kind`` narrow the applicability.

    Returns the new process, waiting for its reviewing unit's review. Raises
    ``PermissionDenied`` (logged) if ``actor`` may not file for that unit (a township
    may ask to add an item for itself, naming the proposed lead department, or to amend
    or withdraw an item that applies to it), ``ValidationError`` naming each bad field;
    nothing is written then. Changes: the process, its start and review tasks, a
    history record, notifications to the reviewing unit (the county office, or the
    village or grid list's reviewing department).
    """

    if (department is None) == (township is None):
        raise ValidationError({"initiator": "请由一个部门或一个乡镇(街道)提出申请。"})
    unit = department or township
    if unit.county_id != county.pk:
        raise deny(actor, "以其他县的单位名义提出申请")
    if not permissions.can_file_request(
        actor, kind=kind, department=department, township=township, target_item=target_item
    ):
        raise deny(actor, f"以{unit_reference(unit, actor)}的名义提出该申请")
    return _start_request(
        actor=actor,
        county=county,
        kind=kind,
        level=level,
        department=department,
        township=township,
        target_item=target_item,
        fields=fields or {},
        applies_to_all=applies_to_all,
        target_townships=list(target_townships),
        target_villages=list(target_villages),
        village_kind=village_kind,
        reasons=reasons,
        change_reason="提出申请",
        notice=f"{unit}提出申请，请进行形式审查。",
    )


@transaction.atomic
def change_request_file_by_ruling(
    *,
    actor,
    county: County,
    department: Department,
    fields: dict,
    target_townships,
    reasons: str,
    change_reason: str,
) -> ChangeRequestProcess:
    """File an addition to the township list in ``department``'s name on the authority
    of a county office ruling (e.g. an off-list report converted into an admission).

    ``actor`` is the county office member who ruled. Returns the new process, waiting
    for review. Raises ``PermissionDenied`` (logged) unless ``actor`` is the county
    office of ``county`` and the department belongs to it; ``ValidationError`` naming
    each bad field; nothing is written then. Changes: as ``change_request_file``, with
    ``change_reason`` on the history record.
    """
    if department.county_id != county.pk:
        raise deny(actor, "以其他县的部门名义提出申请")
    if not org_permissions.can_arbitrate_county(actor, county):
        raise deny(actor, f"依据裁定以{unit_reference(department, actor)}的名义提出申请")
    return _start_request(
        actor=actor,
        county=county,
        kind=ChangeKind.ADD,
        level=Level.TOWNSHIP,
        department=department,
        township=None,
        target_item=None,
        fields=fields,
        applies_to_all=False,
        target_townships=list(target_townships),
        reasons=reasons,
        change_reason=change_reason,
        notice=f"依据裁定以{department}名义提出的申请，请进行形式审查。",
    )


NUMBER_PREFIX = "SQ"


def request_number_format(year: int, sequence: int) -> str:
    """The request number (申请编号) ``SQ-<year>-<sequence, 4 digits>``."""
    return f"{NUMBER_PREFIX}-{year}-{sequence:04d}"


def request_number_next(county: County) -> str:
    """The next free request number of ``county`` in the current (local) year.

    Locks the county's row until the end of the surrounding transaction, so two requests
    filed at once wait for each other and get consecutive numbers (the unique constraint
    on county and number is the last line of defence).
    """
    County.objects.select_for_update().filter(pk=county.pk).values_list("pk", flat=True).get()
    year = timezone.localdate().year
    prefix = f"{NUMBER_PREFIX}-{year}-"
    numbers = ChangeRequestProcess.objects.filter(
        county_id=county.pk, number__startswith=prefix
    ).values_list("number", flat=True)
    highest = max((int(number[len(prefix) :]) for number in numbers), default=0)
    return request_number_format(year, highest + 1)


def _start_request(
    *,
    actor,
    county,
    kind,
    level,
    department,
    township,
    target_item,
    fields,
    applies_to_all,
    target_townships,
    reasons,
    change_reason,
    notice,
    target_villages=(),
    village_kind="",
) -> ChangeRequestProcess:
    """Validate a request (``ValidationError`` naming each bad field), start its
    process filed by ``actor`` with its level's reviewing unit (the county office, or
    the reviewing department the county names for the village or grid list); its
    review task tells that unit, with ``notice``. Returns the process."""
    from ..flows import ChangeRequestFlow

    values, applies_to_all, townships, villages = _validated_request(
        county=county,
        kind=kind,
        level=level,
        department=department,
        township=township,
        target_item=target_item,
        fields=fields,
        applies_to_all=applies_to_all,
        target_townships=target_townships,
        target_villages=list(target_villages),
        village_kind=village_kind,
        reasons=reasons,
    )
    values.update(
        number=request_number_next(county),
        requested_by=actor,
        initiator_department=department,
        initiator_township=township,
        target_item=target_item,
        applies_to_all=applies_to_all,
        reviewing_department=county_settings(county).reviewer_for(values["level"]),
        _history_user=actor,
        _change_reason=change_reason,
        # Read by the review task when it opens (``notifications.review_opened``), on
        # the same instance, to tell the county office why the request is there.
        _filing_notice=notice,
    )
    process = ChangeRequestFlow.start.run(fields=values)
    process.target_townships.add(*townships)  # a new request has none yet
    process.target_villages.add(*villages)
    return process


def change_request_review(*, actor, task_id: int, decision: str, comment: str = "") -> None:
    """The reviewing unit's formal review (形式审查) of a request (the county office, or
    the village or grid list's reviewing department).

    ``decision`` is forward (consult the parties, after the legality review when the
    county has one: the request then names the county's reviewing department), return
    (back to the filer for revision) or reject (with a reason). Raises
    ``PermissionDenied``, ``TaskNotOpen`` or ``ValidationError``; nothing is written then.
    """
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "请选择审查意见。"})
    comment = clean_text(comment)
    if decision != ReviewDecision.FORWARD and not comment:
        raise ValidationError({"comment": "退回或不予受理时，请说明理由。"})

    def work(activation):
        process = activation.process.coerced
        process.review_decision = decision
        process.review_comment = comment
        process.reviewed_by = actor
        process.legality_reviewer = None
        if decision == ReviewDecision.FORWARD:
            settings = county_settings(process.county)
            remember_county_settings(process.county, settings)
            if settings.legality_review:
                process.legality_reviewer = settings.legality_reviewer
        process._history_user = actor
        process._change_reason = f"形式审查：{ReviewDecision(decision).label}"
        process.save(
            update_fields=["review_decision", "review_comment", "reviewed_by", "legality_reviewer"]
        )
        # The reviewing department, the consulted parties or (returned) the filer
        # hear from the tasks that open next.
        if decision == ReviewDecision.FORWARD:
            notifications.request_forwarded(process)

    run_human_task(actor=actor, task_id=task_id, node_name="review", work=work)


def change_request_revise(
    *,
    actor,
    task_id: int,
    fields: dict | None = None,
    applies_to_all: bool | None = None,
    target_townships=None,
    target_villages=None,
    village_kind: str | None = None,
    reasons: str | None = None,
) -> None:
    """The filer edits a returned request and submits it for review again.

    Unchanged arguments (``None``) keep the request's current values. Raises
    ``PermissionDenied``, ``TaskNotOpen`` or ``ValidationError``; nothing is written then.
    """

    def work(activation):
        process = activation.process.coerced
        current = {name: getattr(process, name) for name in ITEM_FIELDS}
        current[COOPERATION_FIELD] = request_cooperations(process)
        values, scope_all, townships, villages = _validated_request(
            county=process.county,
            kind=process.kind,
            level=process.level,
            department=process.initiator_department,
            township=process.initiator_township,
            target_item=process.target_item,
            fields={**current, **(fields or {})},
            applies_to_all=process.applies_to_all if applies_to_all is None else applies_to_all,
            target_townships=(
                list(process.target_townships.all())
                if target_townships is None
                else list(target_townships)
            ),
            target_villages=(
                list(process.target_villages.all())
                if target_villages is None
                else list(target_villages)
            ),
            village_kind=process.village_kind if village_kind is None else village_kind,
            reasons=process.reasons if reasons is None else reasons,
        )
        for name, value in values.items():
            setattr(process, name, value)
        process.applies_to_all = scope_all
        process.review_decision = ""
        process._history_user = actor
        process._change_reason = "修改后重新提交"
        process.save()
        process.target_townships.set(townships)
        process.target_villages.set(villages)
        # The reviewing unit hears from the review task that opens next.

    run_human_task(actor=actor, task_id=task_id, node_name="revise", work=work)
