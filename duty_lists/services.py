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
from django.db.models import Max, ProtectedError
from django.utils import timezone

from organisations import permissions as org_permissions
from organisations.models import County, Department, Township, Village
from organisations.text import clean_text, invalid_ids_message

from .models import (
    DEFAULT_CATEGORIES,
    ITEM_CONTENT_FIELDS,
    LEVEL_CODE_PREFIX,
    LEVEL_DUTY_TYPES,
    LEVEL_ITEM_KINDS,
    NONE_MARK,
    Category,
    DutyItem,
    DutyItemCooperation,
    DutyList,
    DutyType,
    ItemKind,
    ItemStatus,
    Level,
    Release,
    ReleaseChange,
    ReleaseChangeKind,
    default_primary_responsibility,
    duty_item_history,
)
from .permissions import can_edit_duty_list

audit_log = logging.getLogger("qingdan.audit")

# Fields a caller may set through ``duty_item_create`` / ``duty_item_amend``; the
# townships, villages and cooperating departments are arguments of their own.
EDITABLE_FIELDS = (
    "code",
    *ITEM_CONTENT_FIELDS,
    "applies_to_all",
    "village_kind",
    "effective_date",
    "expires_on",
)


def _require_edit(actor, duty_list: DutyList) -> None:
    if actor is not None and not can_edit_duty_list(actor, duty_list):
        audit_log.warning("denied: %s may not edit duty list %s", actor, duty_list.pk)
        raise PermissionDenied("您无权直接修改该清单。")


def _write_history(
    item: DutyItem, *, actor, reason: str, history_type: str, recorded_by=None
) -> None:
    item._history_user = actor or recorded_by
    item._change_reason = reason
    duty_item_history.create_historical_record(item, history_type)


def duty_list_for(county: County, level: str) -> DutyList:
    """Return the county's list of ``level``, creating the (empty) list on first use;
    a county without categories gets the default eight then
    (``category_seed_defaults``)."""
    duty_list, created = DutyList.objects.get_or_create(county=county, level=Level(level))
    if created:
        category_seed_defaults(county)
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


def duty_item_code_prefix(duty_list: DutyList, category: Category) -> str:
    """The prefix of new codes of ``category`` on ``duty_list``: level and category
    code, e.g. ``XZ-CX-``."""
    return f"{LEVEL_CODE_PREFIX[duty_list.level]}-{category.code}-"


def duty_item_next_code(duty_list: DutyList, category: Category) -> str:
    """Return the first free code of the list's own pattern, level + category code +
    number (e.g. ``XZ-CX-0007``), counting on from the number of the list's items that
    already carry that prefix.

    Only unique while the caller holds ``duty_list_lock`` on the list in the
    transaction that saves the item; ``duty_item_create`` does both.
    """
    prefix = duty_item_code_prefix(duty_list, category)
    existing = set(
        DutyItem.objects.filter(duty_list=duty_list, code__startswith=prefix).values_list(
            "code", flat=True
        )
    )
    number = len(existing) + 1
    while f"{prefix}{number:04d}" in existing:
        number += 1
    return f"{prefix}{number:04d}"


def item_value_problems(
    item: DutyItem,
    level: str,
    *,
    has_villages: bool,
    cooperations: list[tuple[Department, str]],
) -> dict[str, list[str]]:
    """The problems of ``item``'s values on a list of ``level`` that need nothing
    stored: the item kinds and duty types the level has, applicability by village on a
    township list (``has_villages``), a temporary item ending before it starts, 经费
    "无" with an amount, and the cooperating departments (``cooperations``, pairs of
    department and cleaned duties: the lead department among them, one named twice,
    one without duties). Returns ``{field: [messages]}``, ``{}`` when there is none.
    Runs no query; shared by the services and the import of lists."""
    level = Level(level)
    errors: dict[str, list[str]] = {}
    if item.item_kind not in LEVEL_ITEM_KINDS[level]:
        errors["item_kind"] = [
            f"{level.label}清单没有“{ItemKind(item.item_kind).label}”这类事项"
            "（证明事项、机制牌子只列入村(社区)清单）。"
        ]
    if item.duty_type not in LEVEL_DUTY_TYPES[level]:
        allowed = "、".join(str(DutyType(value).label) for value in LEVEL_DUTY_TYPES[level])
        errors["duty_type"] = [f"{level.label}清单的履职类型为{allowed}。"]
    if has_villages and level == Level.TOWNSHIP:
        errors["villages"] = ["乡镇(街道)清单的事项只能按乡镇(街道)确定适用范围。"]
    if (
        item.expires_on is not None
        and item.effective_date
        and item.expires_on < (item.effective_date)
    ):
        errors["expires_on"] = ["临时事项的有效期不能早于生效日期。"]
    if item.funding_source == NONE_MARK and item.funding_amount is not None:
        errors["funding_amount"] = ["经费来源为“无”时不应填写经费金额。"]
    problems, seen = [], set()
    for department, text in cooperations:
        if department.pk == item.lead_department_id:
            problems.append(f"牵头部门“{department}”不能同时是协同部门。")
        elif department.pk in seen:
            problems.append(f"协同部门“{department}”重复。")
        elif not text:
            problems.append(f"请填写协同部门“{department}”的协同职责。")
        seen.add(department.pk)
    if problems:
        errors["cooperating_departments"] = problems
    return errors


def _check_item(
    item: DutyItem,
    townships: list[Township],
    villages: list[Village],
    cooperations: list,
) -> list[tuple[Department, str]]:
    """Check what ``full_clean`` cannot: units of the list's county, the kinds and types
    the list's level has, applicability, dates and 配套保障 (``item_value_problems``).
    Fills 主体责任 from the duty type when it is empty. Returns the cleaned
    cooperations. Raises ``ValidationError`` naming every bad field."""
    duty_list = item.duty_list
    level = Level(duty_list.level)
    errors: dict[str, object] = {}
    if item.category_id is not None and item.category.county_id != duty_list.county_id:
        errors["category"] = "领域类别不属于本县。"
    if item.lead_department_id is not None and item.lead_department.county_id != (
        duty_list.county_id
    ):
        errors["lead_department"] = "牵头部门不属于本县。"
    foreign = [t.pk for t in townships if t.county_id != duty_list.county_id]
    if foreign:
        errors["townships"] = invalid_ids_message("乡镇(街道)", foreign)
    if (villages or item.village_kind) and level != Level.TOWNSHIP:
        wanted = {village.pk for village in villages}
        known = set(
            Village.objects.filter(
                pk__in=sorted(wanted), township__county_id=duty_list.county_id
            ).values_list("pk", flat=True)
        )
        if wanted - known:
            errors["villages"] = invalid_ids_message("村(社区)", sorted(wanted - known))
    if not item.applies_to_all and not townships and not villages:
        errors["townships"] = (
            "未适用全部单位时，请至少选择一个乡镇(街道)。"
            if level == Level.TOWNSHIP
            else "未适用全部单位时，请至少选择一个乡镇(街道)或村(社区)。"
        )
    # Departments of another county are named first, then the problems of the others.
    foreign = [d.pk for d, _ in cooperations if d.county_id != duty_list.county_id]
    cleaned = [
        (department, clean_text(text))
        for department, text in cooperations
        if department.county_id == duty_list.county_id
    ]
    problems = item_value_problems(
        item, level, has_villages=bool(villages or item.village_kind), cooperations=cleaned
    )
    if foreign:
        problems["cooperating_departments"] = [
            invalid_ids_message("协同部门", foreign),
            *problems.get("cooperating_departments", ()),
        ]
    for name, messages in problems.items():
        errors.setdefault(name, messages[0] if len(messages) == 1 else messages)
    if errors:
        raise ValidationError(errors)
    if not item.primary_responsibility:
        item.primary_responsibility = default_primary_responsibility(item.duty_type)
    return cleaned


def _write_cooperations(item: DutyItem, cooperations: list[tuple[Department, str]]) -> None:
    DutyItemCooperation.objects.filter(item=item).delete()
    DutyItemCooperation.objects.bulk_create(
        DutyItemCooperation(
            item=item, department=department, responsibilities=text, position=position
        )
        for position, (department, text) in enumerate(cooperations, start=1)
    )


def _cooperation_key(pairs) -> list[tuple[int, str]]:
    return [(department.pk, text) for department, text in pairs]


def _current_cooperations(item: DutyItem) -> list[tuple[Department, str]]:
    return [
        (row.department, row.responsibilities)
        for row in item.cooperations.select_related("department").order_by("position", "id")
    ]


def _prepare(item: DutyItem, townships, villages, cooperations):
    # Blank choice fields are filled before ``full_clean`` so it does not refuse them.
    if not item.primary_responsibility and item.duty_type:
        item.primary_responsibility = default_primary_responsibility(item.duty_type)
    item.full_clean()
    return _check_item(item, townships, villages, cooperations)


@transaction.atomic
def duty_item_create(
    *,
    actor,
    duty_list: DutyList,
    reason: str,
    townships: Iterable[Township] = (),
    villages: Iterable[Village] = (),
    cooperations: Iterable[tuple[Department, str]] = (),
    recorded_by=None,
    **fields,
) -> DutyItem:
    """Add an item to ``duty_list``.

    ``fields`` are the item's ``EDITABLE_FIELDS``; a missing or empty ``code`` gets the
    list's next free code of the item's category (``duty_item_next_code``); an empty
    主体责任 follows the duty type (``default_primary_responsibility``). ``townships``
    and (on village and grid lists) ``villages`` name the units it applies to when
    ``applies_to_all`` is false; ``cooperations`` are the cooperating departments
    (协同部门) with their duties, in order. The list's row stays locked
    (``duty_list_lock``) until the transaction ends. Returns the saved item. Raises
    ``PermissionDenied`` or ``ValidationError`` (naming the field, e.g. a code already
    used in the list); nothing is written then. Changes: one item row, its
    applicability and cooperation rows, one "+" history record.
    """
    _require_edit(actor, duty_list)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "不可设置的字段。"))
    if not reason:
        raise ValidationError({"reason": "请填写变更理由。"})
    townships, villages, cooperations = list(townships), list(villages), list(cooperations)
    duty_list = duty_list_lock(duty_list)
    code = clean_text(fields.get("code"))
    category = fields.get("category")
    if not code:
        if not isinstance(category, Category):
            raise ValidationError({"category": "请选择领域类别。"})
        if category.county_id != duty_list.county_id:
            raise ValidationError({"category": "领域类别不属于本县。"})
        code = duty_item_next_code(duty_list, category)
    elif DutyItem.objects.filter(duty_list=duty_list, code=code).exists():
        raise ValidationError({"code": f"事项编码“{code}”在本清单中已经使用，请换一个编码。"})
    fields["code"] = code
    item = DutyItem(duty_list=duty_list, status=ItemStatus.IN_FORCE, **fields)
    cooperations = _prepare(item, townships, villages, cooperations)
    item.skip_history_when_saving = True
    item.save()
    item.townships.set(townships)
    item.villages.set(villages)
    _write_cooperations(item, cooperations)
    del item.skip_history_when_saving
    _write_history(item, actor=actor, reason=reason, history_type="+", recorded_by=recorded_by)
    return item


@transaction.atomic
def duty_item_amend(
    *,
    actor,
    item: DutyItem,
    reason: str,
    townships: Iterable[Township] | None = None,
    villages: Iterable[Village] | None = None,
    cooperations: Iterable[tuple[Department, str]] | None = None,
    recorded_by=None,
    **changes,
) -> DutyItem:
    """Change fields, applicability and/or cooperating departments of an item in force.

    ``changes`` maps ``EDITABLE_FIELDS`` to new values; ``townships``, ``villages`` and
    ``cooperations`` (if given) replace the item's. Returns the item. Raises
    ``PermissionDenied``, or ``ValidationError`` for an unknown field, a withdrawn item,
    bad values or no change at all; nothing is written then. Changes: the item row, its
    applicability and cooperation rows, one "~" history record.
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
    old_townships = {t.pk for t in item.townships.all()}
    old_villages = {v.pk for v in item.villages.all()}
    old_cooperations = _current_cooperations(item)
    new_townships = list(item.townships.all()) if townships is None else list(townships)
    new_villages = list(item.villages.all()) if villages is None else list(villages)
    wanted = old_cooperations if cooperations is None else list(cooperations)
    new_cooperations = _prepare(item, new_townships, new_villages, wanted)
    unchanged = (
        all(original[name] == getattr(item, name) for name in changes)
        and {t.pk for t in new_townships} == old_townships
        and {v.pk for v in new_villages} == old_villages
        and _cooperation_key(new_cooperations) == _cooperation_key(old_cooperations)
    )
    if unchanged:
        raise ValidationError({"__all__": "没有任何变更。"})
    item.skip_history_when_saving = True
    item.save()
    if townships is not None:
        item.townships.set(new_townships)
    if villages is not None:
        item.villages.set(new_villages)
    if cooperations is not None:
        _write_cooperations(item, new_cooperations)
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


def expiry_reason(expires_on: datetime.date) -> str:
    """The history reason of a temporary item's automatic withdrawal."""
    return f"临时事项有效期至{expires_on:%Y-%m-%d}，到期自动取消"


@transaction.atomic
def duty_item_expire(*, item: DutyItem, expires_on: datetime.date) -> DutyItem | None:
    """Withdraw a temporary item (临时事项) whose period ``expires_on`` has run out: in
    force through that day, withdrawn from the next (``withdrawn_date``).

    Called by the system (the item's expiry timer), so no user acts; the history record
    names no user and gives the reason (``expiry_reason``). Returns the item, or
    ``None`` (nothing written) when the item is no longer in force or its end date is
    no longer ``expires_on`` (it was changed after the timer was set).
    """
    item = DutyItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ItemStatus.IN_FORCE or item.expires_on != expires_on:
        return None
    item.status = ItemStatus.WITHDRAWN
    item.withdrawn_date = expires_on + datetime.timedelta(days=1)
    item.skip_history_when_saving = True
    item.save(update_fields=["status", "withdrawn_date"])
    del item.skip_history_when_saving
    _write_history(item, actor=None, reason=expiry_reason(expires_on), history_type="~")
    audit_log.info("temporary item %s expired (%s)", item.pk, expires_on)
    return item


def category_seed_defaults(county: County) -> list[Category]:
    """Give ``county`` the eight default categories (``DEFAULT_CATEGORIES``) if it has no
    category yet. Returns the county's categories created (none when it had some)."""
    if Category.objects.filter(county=county).exists():
        return []
    created = []
    for position, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        category = Category(county=county, code=code, name=name, position=position * 10)
        category._history_user = None
        category._change_reason = "默认领域类别"
        category.save()
        created.append(category)
    return created


def _require_administer(actor, county: County, what: str) -> None:
    if actor is not None and not org_permissions.can_administer_county(actor, county):
        audit_log.warning("denied: %s may not %s in county %s", actor, what, county.pk)
        raise PermissionDenied(f"您无权{what}。")


@transaction.atomic
def category_save(*, actor, category: Category, reason: str = "") -> Category:
    """Add or change a category of a county (the county administrator's task).

    The code is stored upper-case. Returns the category. Raises ``PermissionDenied``
    (logged) unless ``actor`` administers the category's county (and, when it moves,
    the county it came from), ``ValidationError`` naming the field (code used twice in
    the county, a parent of another county or a sub-category, …); nothing is written
    then. Changes: the category row and a history record.
    """
    _require_administer(actor, category.county, "设置本县的领域类别")
    if category.pk is not None:
        before = Category.objects.select_related("county").get(pk=category.pk)
        if before.county_id != category.county_id:
            raise ValidationError({"county": "不能把领域类别移到其他县。"})
    category.code = clean_text(category.code).upper()
    category.name = clean_text(category.name)
    category.full_clean()
    category._history_user = actor
    category._change_reason = reason or ("修改领域类别" if category.pk else "新增领域类别")
    category.save()
    return category


@transaction.atomic
def category_delete(*, actor, category: Category) -> None:
    """Delete a category nobody uses. Raises ``PermissionDenied`` (logged) unless
    ``actor`` administers its county, ``ValidationError`` when an item (in any state),
    a sub-category or a request uses it. Changes: the row and a history record."""
    _require_administer(actor, category.county, "删除本县的领域类别")
    if category.items.exists() or category.children.exists():
        raise ValidationError({"__all__": f"领域类别“{category}”已有事项或下级类别，不能删除。"})
    category._history_user = actor
    try:
        with transaction.atomic():
            category.delete()
    except ProtectedError as error:  # a change request still names it
        raise ValidationError(
            {"__all__": f"领域类别“{category}”已被申请使用，不能删除。"}
        ) from error


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
