"""Every write to the duty lists.

Each service checks that the actor may edit the list (``actor=None`` is the system, e.g.
a management command or a published workflow decision that was authorised upstream;
``recorded_by`` then names the person the history record is attributed to),
validates with ``full_clean()``, writes atomically and leaves exactly one history record
with the actor and the reason, the item's applicability (townships) included.
"""

import datetime
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from organisations.models import County, Department, Township
from organisations.text import clean_text, invalid_ids_message

from .models import (
    LEVEL_CODE_PREFIX,
    DutyItem,
    DutyList,
    ItemStatus,
    Level,
    Release,
    ReleaseChange,
    ReleaseChangeKind,
    duty_item_history,
)
from .permissions import can_edit_duty_list

audit_log = logging.getLogger("qingdan.audit")

# Fields a caller may set through ``duty_item_create`` / ``duty_item_amend``.
EDITABLE_FIELDS = (
    "code",
    "title",
    "category",
    "duty_type",
    "lead_department",
    "department_responsibilities",
    "local_responsibilities",
    "basis",
    "resources",
    "applies_to_all",
    "effective_date",
)


def _require_edit(actor, duty_list: DutyList) -> None:
    if actor is not None and not can_edit_duty_list(actor, duty_list):
        audit_log.warning("denied: %s may not edit duty list %s", actor, duty_list.pk)
        raise PermissionDenied("您无权直接修改该清单。")


def _check_townships(duty_list: DutyList, townships: list[Township]) -> None:
    foreign = [t.pk for t in townships if t.county_id != duty_list.county_id]
    if foreign:
        raise ValidationError({"townships": invalid_ids_message("乡镇(街道)", foreign)})


def _check_department(duty_list: DutyList, department: Department) -> None:
    if department.county_id != duty_list.county_id:
        raise ValidationError({"lead_department": "牵头部门不属于本县。"})


def _write_history(
    item: DutyItem, *, actor, reason: str, history_type: str, recorded_by=None
) -> None:
    item._history_user = actor or recorded_by
    item._change_reason = reason
    duty_item_history.create_historical_record(item, history_type)


def duty_list_for(county: County, level: str) -> DutyList:
    """Return the county's list of ``level``, creating the (empty) list on first use."""
    duty_list, _ = DutyList.objects.get_or_create(county=county, level=Level(level))
    return duty_list


def duty_list_lock(duty_list: DutyList) -> DutyList:
    """Lock ``duty_list``'s row until the current transaction ends; return the row.

    The one lock every write that adds items to a list takes first, so that two
    transactions adding to the same list (e.g. the last answers of two requests
    published at the same moment) run one after the other and the second sees the
    first's codes. A no-op on SQLite, whose IMMEDIATE transactions already serialise
    writers. Must run inside ``transaction.atomic``.
    """
    return DutyList.objects.select_for_update().get(pk=duty_list.pk)


def duty_item_next_code(duty_list: DutyList) -> str:
    """Return the first free code of the form ``<level prefix>-SQ-<nnnn>`` of the list,
    counting on from its number of items (e.g. ``XZ-SQ-0013`` for a 12-item township list).

    Only unique while the caller holds ``duty_list_lock`` on the list in the
    transaction that saves the item; ``duty_item_create`` does both.
    """
    prefix = LEVEL_CODE_PREFIX[duty_list.level]
    existing = set(DutyItem.objects.filter(duty_list=duty_list).values_list("code", flat=True))
    number = len(existing) + 1
    while f"{prefix}-SQ-{number:04d}" in existing:
        number += 1
    return f"{prefix}-SQ-{number:04d}"


@transaction.atomic
def duty_item_create(
    *,
    actor,
    duty_list: DutyList,
    reason: str,
    townships: Iterable[Township] = (),
    recorded_by=None,
    **fields,
) -> DutyItem:
    """Add an item to ``duty_list``.

    ``fields`` are the item's ``EDITABLE_FIELDS``; a missing or empty ``code`` gets the
    list's next free code (``duty_item_next_code``). ``townships`` names the townships
    it applies to when ``applies_to_all`` is false. The list's row stays locked
    (``duty_list_lock``) until the transaction ends. Returns the saved item. Raises
    ``PermissionDenied`` or ``ValidationError`` (naming the field, e.g. a code already
    used in the list); nothing is written then. Changes: one item row, its
    applicability rows, one "+" history record.
    """
    _require_edit(actor, duty_list)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "不可设置的字段。"))
    if not reason:
        raise ValidationError({"reason": "请填写变更理由。"})
    townships = list(townships)
    duty_list = duty_list_lock(duty_list)
    code = clean_text(fields.get("code"))
    if not code:
        code = duty_item_next_code(duty_list)
    elif DutyItem.objects.filter(duty_list=duty_list, code=code).exists():
        raise ValidationError({"code": f"事项编码“{code}”在本清单中已经使用，请换一个编码。"})
    fields["code"] = code
    item = DutyItem(duty_list=duty_list, status=ItemStatus.IN_FORCE, **fields)
    item.full_clean()
    _check_department(duty_list, item.lead_department)
    _check_applicability(item, townships)
    item.skip_history_when_saving = True
    item.save()
    item.townships.set(townships)
    del item.skip_history_when_saving
    _write_history(item, actor=actor, reason=reason, history_type="+", recorded_by=recorded_by)
    return item


def _check_applicability(item: DutyItem, townships: list[Township]) -> None:
    _check_townships(item.duty_list, townships)
    if not item.applies_to_all and not townships:
        raise ValidationError({"townships": "未适用全部单位时，请至少选择一个乡镇(街道)。"})


@transaction.atomic
def duty_item_amend(
    *,
    actor,
    item: DutyItem,
    reason: str,
    townships: Iterable[Township] | None = None,
    recorded_by=None,
    **changes,
) -> DutyItem:
    """Change fields and/or applicability of an item in force.

    ``changes`` maps ``EDITABLE_FIELDS`` to new values; ``townships`` (if given) replaces
    the applicability set. Returns the item. Raises ``PermissionDenied``, or
    ``ValidationError`` for an unknown field, a withdrawn item or bad values; nothing is
    written then. Changes: the item row, its applicability rows, one "~" history record.
    """
    item = DutyItem.objects.select_for_update().get(pk=item.pk)
    _require_edit(actor, item.duty_list)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "不可修改的字段。"))
    if item.status != ItemStatus.IN_FORCE:
        raise ValidationError({"status": "该事项已取消，不能修改。"})
    if not reason:
        raise ValidationError({"reason": "请填写变更理由。"})
    original = {name: getattr(item, name) for name in changes}
    for name, value in changes.items():
        setattr(item, name, value)
    item.full_clean()
    _check_department(item.duty_list, item.lead_department)
    old_townships = {t.pk for t in item.townships.all()}
    new_townships = list(item.townships.all()) if townships is None else list(townships)
    _check_applicability(item, new_townships)
    unchanged_fields = all(original[name] == getattr(item, name) for name in changes)
    if unchanged_fields and {t.pk for t in new_townships} == old_townships:
        raise ValidationError({"__all__": "没有任何变更。"})
    item.skip_history_when_saving = True
    item.save()
    if townships is not None:
        item.townships.set(new_townships)
    del item.skip_history_when_saving
    _write_history(item, actor=actor, reason=reason, history_type="~", recorded_by=recorded_by)
    return item


@transaction.atomic
def duty_item_withdraw(
    *,
    actor,
    item: DutyItem,
    reason: str,
    withdrawn_date: datetime.date,
    recorded_by=None,
) -> DutyItem:
    """Withdraw (取消) an item: it stays in history but is no longer in force.

    Returns the item. Raises ``PermissionDenied``, or ``ValidationError`` if it is
    already withdrawn or no reason is given. Changes: status and withdrawal date, one
    "~" history record.
    """
    item = DutyItem.objects.select_for_update().get(pk=item.pk)
    _require_edit(actor, item.duty_list)
    if item.status == ItemStatus.WITHDRAWN:
        raise ValidationError({"status": "该事项已取消。"})
    if not reason:
        raise ValidationError({"reason": "请填写取消理由。"})
    if withdrawn_date is None:
        raise ValidationError({"withdrawn_date": "请填写取消日期。"})
    if withdrawn_date < item.effective_date:
        raise ValidationError({"withdrawn_date": "取消日期不能早于生效日期。"})
    item.status = ItemStatus.WITHDRAWN
    item.withdrawn_date = withdrawn_date
    item.skip_history_when_saving = True
    item.save(update_fields=["status", "withdrawn_date"])
    del item.skip_history_when_saving
    _write_history(item, actor=actor, reason=reason, history_type="~", recorded_by=recorded_by)
    return item


@transaction.atomic
def release_publish(
    *,
    actor,
    duty_list: DutyList,
    items: Iterable[DutyItem],
    document_number: str,
    decided_by: str,
    decided_on: datetime.date,
    effective_date: datetime.date,
    note: str = "",
    recorded_by=None,
) -> Release:
    """Record a release (发布版本) of ``duty_list``: the current version of each of
    ``items``, issued under ``document_number`` (文号).

    Call it after the items' changes were written, in the same transaction. Each item's
    latest history record becomes the release's version of it; its change kind is
    新增 when the item had no record before the list's previous release, 取消 when that
    version is withdrawn, 修改 otherwise. The release is numbered after the list's last
    one, under a row lock on the list, so concurrent releases get distinct numbers.

    Returns the release. Raises ``PermissionDenied`` when ``actor`` may not edit the list
    and ``ValidationError`` (naming the field) for a missing 文号, body or date, an item
    of another list, or no items; nothing is written then. Changes: one release row
    with its history record, one change row per item.
    """
    _require_edit(actor, duty_list)
    items = list(items)
    errors = {}
    if not (document_number or "").strip():
        errors["document_number"] = "请填写文号。"
    if not (decided_by or "").strip():
        errors["decided_by"] = "请填写审定机关。"
    if decided_on is None:
        errors["decided_on"] = "请填写审定日期。"
    if effective_date is None:
        errors["effective_date"] = "请填写生效日期。"
    if not items:
        errors["items"] = "发布版本至少应包含一个事项。"
    elif any(item.duty_list_id != duty_list.pk for item in items):
        errors["items"] = "发布版本只能包含本清单的事项。"
    if errors:
        raise ValidationError(errors)
    duty_list_lock(duty_list)
    previous = duty_list.releases.order_by("-number").first()
    item_ids = {item.pk for item in items}
    records = DutyItem.history.model.objects.filter(id__in=item_ids)
    latest = dict(
        records.values_list("id").annotate(latest=Max("history_id")).values_list("id", "latest")
    )
    status_of = dict(
        DutyItem.history.model.objects.filter(history_id__in=latest.values()).values_list(
            "history_id", "status"
        )
    )
    known_before = set()
    if previous is not None:
        known_before = set(
            records.filter(history_date__lte=previous.published_at).values_list("id", flat=True)
        )
    release = Release(
        duty_list=duty_list,
        number=(previous.number + 1) if previous else 1,
        document_number=document_number.strip(),
        decided_by=decided_by.strip(),
        decided_on=decided_on,
        effective_date=effective_date,
        published_at=timezone.now(),
        published_by=actor or recorded_by,
        note=note,
    )
    release.full_clean()
    release._history_user = actor or recorded_by
    release.save()
    changes = []
    for item_id in sorted(item_ids):
        history_id = latest[item_id]
        if item_id not in known_before:
            kind = ReleaseChangeKind.ADDED
        elif status_of[history_id] == ItemStatus.WITHDRAWN:
            kind = ReleaseChangeKind.WITHDRAWN
        else:
            kind = ReleaseChangeKind.AMENDED
        changes.append(
            ReleaseChange(release=release, item_id=item_id, history_id=history_id, kind=kind)
        )
    ReleaseChange.objects.bulk_create(changes)
    audit_log.info(
        "release %s of list %s published (%s, %d items)",
        release.number,
        duty_list.pk,
        release.document_number,
        len(changes),
    )
    return release
