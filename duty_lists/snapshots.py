"""Read-side views of the duty lists over their history (历史版本).

Every change of a ``DutyItem`` is one django-simple-history record (``duty_lists.services``
writes exactly one per change, applicability included), so the state of a list at any
moment is "the latest record of each item recorded before that moment". These functions
turn those records into plain, immutable values:

- ``items_as_of``: a list as it stood on a date (清单历史版本);
- ``items_as_of_for_township``: what applied to one township on a date;
- ``duty_list_diff``: what was added, withdrawn and changed between two dates;
- ``item_history``: every version of one item with who, when, why and what changed.

Dates are calendar days in the project time zone (``TIME_ZONE``, Asia/Shanghai): a change
recorded at 23:30 on 10 March belongs to 10 March. Every function runs a fixed number of
SQL queries whatever the number of items or records.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.utils import timezone

from organisations.models import Township, Village

from . import applicability
from .columns import Resources, amount_text, cooperation_text
from .models import (
    CATEGORY_SEPARATOR,
    DutyItem,
    DutyList,
    DutyType,
    ItemKind,
    ItemStatus,
    Level,
    duty_item_history,
    local_responsibilities_label,
    primary_responsibility_label,
)

HistoricalDutyItem = DutyItem.history.model
# simple-history's per-record copies of the applicability rows (DutyItem.townships,
# DutyItem.villages) and of the cooperating departments (DutyItemCooperation).
HistoricalDutyItemTownship = HistoricalDutyItem._meta.get_field(
    "historicaldutyitem_townships"
).related_model
HistoricalDutyItemVillage = HistoricalDutyItem._meta.get_field(
    "historicaldutyitem_villages"
).related_model
HistoricalDutyItemCooperation = duty_item_history.m2m_models[
    DutyItem._meta.get_field("cooperating_departments")
]

ALL_UNITS_LABEL = applicability.ALL_UNITS_LABEL
SYSTEM_USER_LABEL = "系统"
NAME_SEPARATOR = applicability.NAME_SEPARATOR


class HistoryKind:
    """What a history record did to the item (变更类型)."""

    CREATED = "新增"
    AMENDED = "修改"
    WITHDRAWN = "取消"
    DELETED = "删除"


@dataclass(frozen=True)
class CooperationSnapshot:
    """A cooperating department (协同部门) of one version of an item, with its duties."""

    department_id: int
    department_name: str
    responsibilities: str


@dataclass(frozen=True)
class ItemSnapshot:
    """One item as recorded by one history record (one version of the item)."""

    item_id: int
    history_id: int
    history_date: datetime.datetime
    history_type: str
    history_user_id: int | None
    history_user_name: str
    change_reason: str
    duty_list_id: int
    level: str
    code: str
    title: str
    item_kind: str
    item_kind_label: str
    category_id: int | None
    category_code: str
    category_label: str
    duty_type: str
    duty_type_label: str
    primary_responsibility: str
    lead_department_id: int | None
    lead_department_name: str
    department_responsibilities: str
    cooperations: tuple[CooperationSnapshot, ...]
    local_responsibilities: str
    basis: str
    accountability: str
    exemption: str
    work_requirements: str
    funding_amount: Decimal | None
    funding_source: str
    staffing: str
    equipment: str
    remarks: str
    guidance_code: str
    applies_to_all: bool
    township_ids: frozenset[int]
    township_names: tuple[str, ...]
    village_ids: frozenset[int]
    village_names: tuple[str, ...]
    # The townships of the named villages (for "does it apply in this township?").
    village_township_ids: frozenset[int]
    village_kind: str
    effective_date: datetime.date
    expires_on: datetime.date | None
    status: str
    status_label: str
    withdrawn_date: datetime.date | None

    @property
    def applicability_label(self) -> str:
        """ "全部" (or "全部社区" …) when the item applies to every unit, else the township
        and village names joined by "、" (see ``applicability.short_label``)."""
        return applicability.short_label(
            applies_to_all=self.applies_to_all,
            township_names=self.township_names,
            village_names=self.village_names,
            village_kind=self.village_kind,
        )

    @property
    def local_responsibilities_label(self) -> str:
        """The name of the local duties by level, e.g. "乡镇(街道)职责"."""
        return local_responsibilities_label(self.level)

    @property
    def primary_responsibility_label(self) -> str:
        """Who carries 主体责任, in words: "牵头部门" or the level's unit."""
        return primary_responsibility_label(self.primary_responsibility, self.level)

    @property
    def resources(self) -> Resources:
        """配套保障 (经费/人员/装备) of this version."""
        return Resources(
            funding_amount=self.funding_amount,
            funding_source=self.funding_source,
            staffing=self.staffing,
            equipment=self.equipment,
        )

    @property
    def resources_text(self) -> str:
        """配套保障 on one line: "经费：…；人员：…；装备：…"; "" when nothing is stated."""
        return self.resources.text("；")

    @property
    def cooperating_department_ids(self) -> tuple[int, ...]:
        """The cooperating departments' ids, in the item's order."""
        return tuple(row.department_id for row in self.cooperations)

    @property
    def cooperation_text(self) -> str:
        """协同部门(及职责): "部门：职责" per department, joined by "；"."""
        return cooperation_text(
            ((row.department_name, row.responsibilities) for row in self.cooperations), "；"
        )

    @property
    def is_temporary(self) -> bool:
        """True for a temporary item (临时事项)."""
        return self.expires_on is not None

    def applies_to(self, township: Township | int) -> bool:
        """True if this version applies to ``township`` (a Township or its id): to all
        units, to the township, or (village and grid lists) to a village of it. A limit
        to 村 or 社区 is not checked here (see ``applies_to_village``)."""
        township_id = township if isinstance(township, int) else township.pk
        return (
            self.applies_to_all
            or township_id in self.township_ids
            or township_id in self.village_township_ids
        )

    def applies_to_any(self, township_ids) -> bool:
        """True if this version applies to at least one of ``township_ids``."""
        return any(self.applies_to(township_id) for township_id in township_ids)

    def applies_to_village(self, village: Village) -> bool:
        """True if this version applies to ``village`` (and its grids): to all units, its
        township or the village by name, and of the kind the item is limited to."""
        if self.village_kind and village.kind != self.village_kind:
            return False
        return (
            self.applies_to_all
            or village.township_id in self.township_ids
            or village.pk in self.village_ids
        )

    def is_in_force_on(self, on_date: datetime.date) -> bool:
        """True if this version, read on ``on_date``, puts the item in force that day.

        It must have taken effect (``effective_date <= on_date``), not be past its end
        date (a temporary item, ``expires_on``), and either be in force or have a
        withdrawal that only takes effect later (``withdrawn_date > on_date``). A
        deletion record is never in force.
        """
        if self.history_type == "-" or self.effective_date > on_date:
            return False
        if self.expires_on is not None and on_date > self.expires_on:
            return False
        if self.status == ItemStatus.IN_FORCE:
            return True
        return (
            self.status == ItemStatus.WITHDRAWN
            and self.withdrawn_date is not None
            and self.withdrawn_date > on_date
        )


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions, as text a reader understands.

    ``field`` is the model field's name, ``label`` its name as the item's list calls it
    (e.g. "事项名称", "乡镇(街道)职责"); ``old``/``new`` show choice labels, category and
    department names, amounts in 万元, dates as YYYY-MM-DD, cooperating departments as
    "部门：职责" joined by "；", and applicability as "全部" or the names joined by "、";
    an empty value is "".
    """

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ItemChange:
    """An item in force at both dates of a diff whose fields differ."""

    before: ItemSnapshot
    after: ItemSnapshot
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class WithdrawnItem:
    """An item in force at the first date of a diff and not at the second.

    ``before`` is its version in force at the first date; ``after`` its latest version
    at the second date (usually the withdrawal record, with its reason and withdrawal
    date), or None if the item was deleted.
    """

    before: ItemSnapshot
    after: ItemSnapshot | None


@dataclass(frozen=True)
class ListDiff:
    """What changed in one list between two dates; each part is sorted by code."""

    duty_list_id: int
    date_from: datetime.date
    date_to: datetime.date
    added: tuple[ItemSnapshot, ...]
    withdrawn: tuple[WithdrawnItem, ...]
    changed: tuple[ItemChange, ...]

    @property
    def is_empty(self) -> bool:
        """True if nothing was added, withdrawn or changed."""
        return not (self.added or self.withdrawn or self.changed)


@dataclass(frozen=True)
class HistoryEntry:
    """One history record of an item: when, who, why, what kind, and what changed."""

    history_id: int
    when: datetime.datetime
    user_id: int | None
    user_name: str
    reason: str
    kind: str
    changes: tuple[FieldChange, ...]
    snapshot: ItemSnapshot


def items_as_of(duty_list: DutyList, on_date: datetime.date) -> list[ItemSnapshot]:
    """Return the items of ``duty_list`` in force on ``on_date``, sorted by code.

    For each item the version used is its latest history record made before the end of
    ``on_date`` in the project time zone; it counts if it is in force on that day (see
    ``ItemSnapshot.is_in_force_on``). Runs at most two queries.
    """
    return [
        snapshot
        for snapshot in _latest_snapshots(Q(duty_list=duty_list), on_date)
        if snapshot.is_in_force_on(on_date)
    ]


def items_as_of_for_township(
    township: Township, level: str, on_date: datetime.date
) -> list[ItemSnapshot]:
    """Return the items of the ``level`` list of ``township``'s county that applied to it.

    Same rules as ``items_as_of``, keeping the items that apply to all units or name
    ``township``; sorted by code. Returns [] if the county has no list of that level.
    Raises ValueError for an unknown ``level``. Runs at most two queries.
    """
    level = Level(level)
    records = Q(duty_list__county_id=township.county_id, duty_list__level=level)
    return [
        snapshot
        for snapshot in _latest_snapshots(records, on_date)
        if snapshot.is_in_force_on(on_date) and snapshot.applies_to(township)
    ]


def duty_list_diff(
    duty_list: DutyList, date_from: datetime.date, date_to: datetime.date
) -> ListDiff:
    """Return what changed in ``duty_list`` between ``date_from`` and ``date_to``.

    ``added``: in force on ``date_to`` but not on ``date_from``; ``withdrawn``: in force
    on ``date_from`` but not on ``date_to``; ``changed``: in force on both with at least
    one field (applicability included) different. Unchanged items are left out. Raises
    ValueError if ``date_from`` is after ``date_to``. Runs at most four queries.
    """
    if date_from > date_to:
        raise ValueError("date_from must not be after date_to")
    records = Q(duty_list=duty_list)
    return _diff(
        duty_list,
        latest_from=_latest_snapshots(records, date_from),
        latest_to=_latest_snapshots(records, date_to),
        in_from=lambda snapshot: snapshot.is_in_force_on(date_from),
        in_to=lambda snapshot: snapshot.is_in_force_on(date_to),
        date_from=date_from,
        date_to=date_to,
    )


def _diff(duty_list, *, latest_from, latest_to, in_from, in_to, date_from, date_to) -> ListDiff:
    """The ``ListDiff`` between two readings of a list: ``latest_from``/``latest_to`` are
    the latest snapshot of each item at each end, ``in_from``/``in_to`` tell whether a
    snapshot is on the list at that end."""
    latest_to = {s.item_id: s for s in latest_to}
    before = {s.item_id: s for s in latest_from if in_from(s)}
    after = {i: s for i, s in latest_to.items() if in_to(s)}
    added = sorted((after[i] for i in after.keys() - before.keys()), key=_code_key)
    withdrawn = sorted(
        (
            WithdrawnItem(before=before[i], after=latest_to.get(i))
            for i in before.keys() - after.keys()
        ),
        key=lambda entry: _code_key(entry.before),
    )
    changed = []
    for item_id in before.keys() & after.keys():
        old, new = before[item_id], after[item_id]
        changes = field_changes(old, new)
        if changes:
            changed.append(ItemChange(before=old, after=new, changes=changes))
    changed.sort(key=lambda entry: _code_key(entry.after))
    return ListDiff(
        duty_list_id=duty_list.pk,
        date_from=date_from,
        date_to=date_to,
        added=tuple(added),
        withdrawn=tuple(withdrawn),
        changed=tuple(changed),
    )


def item_history(item: DutyItem) -> list[HistoryEntry]:
    """Return every history record of ``item``, oldest first, with its field changes.

    ``kind`` is 新增 for the first record, 取消 for a record that took the item from in
    force to withdrawn, 删除 for a deletion record, 修改 otherwise; ``changes`` compares
    each record with the one before it (empty for the first). Runs at most two queries.
    """
    records = HistoricalDutyItem.objects.filter(id=item.pk).order_by("history_date", "history_id")
    entries = []
    previous = None
    for snapshot in _snapshots(records):
        entries.append(
            HistoryEntry(
                history_id=snapshot.history_id,
                when=snapshot.history_date,
                user_id=snapshot.history_user_id,
                user_name=snapshot.history_user_name,
                reason=snapshot.change_reason,
                kind=_kind(previous, snapshot),
                changes=() if previous is None else field_changes(previous, snapshot),
                snapshot=snapshot,
            )
        )
        previous = snapshot
    return entries


def field_changes(old: ItemSnapshot, new: ItemSnapshot) -> tuple[FieldChange, ...]:
    """Return the readable differences between two versions, in model field order.

    Applicability (``applies_to_all``, the townships, the villages and the village
    kind) is one change of the field ``townships``: "全部" or the names. Returns () if
    nothing differs.
    """
    changes = []
    for name, key, text in _COMPARED_FIELDS:
        if key(old) != key(new):
            changes.append(
                FieldChange(field=name, label=_label(name, new), old=text(old), new=text(new))
            )
    return tuple(changes)


def _label(name: str, snapshot: ItemSnapshot) -> str:
    if name == "local_responsibilities":
        return snapshot.local_responsibilities_label
    if name == "townships":
        return "适用乡镇(街道)" if snapshot.level == Level.TOWNSHIP else "适用范围"
    if name == "cooperating_departments":
        return "协同部门及职责"
    return str(DutyItem._meta.get_field(name).verbose_name)


def end_of_day(on_date: datetime.date) -> datetime.datetime:
    """Return the first instant after ``on_date`` in the project time zone (aware)."""
    next_day = on_date + datetime.timedelta(days=1)
    return datetime.datetime.combine(
        next_day, datetime.time.min, tzinfo=timezone.get_default_timezone()
    )


def _latest_snapshots(records: Q, on_date: datetime.date) -> list[ItemSnapshot]:
    """Snapshots of the latest record per item among ``records`` before the end of the day.

    Deletion records are included (callers filter with ``is_in_force_on``). Ties on
    ``history_date`` go to the higher history id, i.e. the record written last. Two
    queries: the records, and their townships.
    """
    return _latest_snapshots_before(records, end_of_day(on_date))


# What a snapshot is made of, read as plain rows (no model instances): the record's
# own columns, and the names of its user, category and lead department and its list's
# level joined in.
_RECORD_COLUMNS = (
    "id",
    "history_id",
    "history_date",
    "history_type",
    "history_user_id",
    "history_change_reason",
    "duty_list_id",
    "code",
    "title",
    "item_kind",
    "category_id",
    "duty_type",
    "primary_responsibility",
    "lead_department_id",
    "department_responsibilities",
    "local_responsibilities",
    "basis",
    "accountability",
    "exemption",
    "work_requirements",
    "funding_amount",
    "funding_source",
    "staffing",
    "equipment",
    "remarks",
    "guidance_code",
    "applies_to_all",
    "village_kind",
    "effective_date",
    "expires_on",
    "status",
    "withdrawn_date",
)
_JOINED_COLUMNS = (
    "history_user__display_name",
    "history_user__username",
    "lead_department__name",
    "category__name",
    "category__code",
    "category__parent__name",
    "duty_list__level",
)
# Fields copied from the record into the snapshot as they are.
_PLAIN_COLUMNS = (
    "history_id",
    "history_date",
    "history_type",
    "history_user_id",
    "duty_list_id",
    "code",
    "title",
    "item_kind",
    "category_id",
    "duty_type",
    "primary_responsibility",
    "lead_department_id",
    "department_responsibilities",
    "local_responsibilities",
    "basis",
    "accountability",
    "exemption",
    "work_requirements",
    "funding_amount",
    "funding_source",
    "staffing",
    "equipment",
    "remarks",
    "guidance_code",
    "applies_to_all",
    "village_kind",
    "effective_date",
    "expires_on",
    "status",
    "withdrawn_date",
)


def _snapshots(records: QuerySet) -> list[ItemSnapshot]:
    """``ItemSnapshot`` of each record of ``records`` (in its order): two queries, the
    records and their units (``_unit_rows``)."""
    names = (*_RECORD_COLUMNS, *_JOINED_COLUMNS)
    rows = [dict(zip(names, row, strict=True)) for row in records.values_list(*names)]
    units = _unit_rows([row["history_id"] for row in rows])
    kind_labels = _labels(ItemKind)
    duty_type_labels = _labels(DutyType)
    status_labels = _labels(ItemStatus)
    snapshots = []
    for row in rows:
        related = units.get(row["history_id"], _NO_UNITS)
        if row["history_user__username"] is None:
            user_name = SYSTEM_USER_LABEL
        else:
            # str(user): the display name, else the username (organisations.User).
            user_name = row["history_user__display_name"] or row["history_user__username"]
        snapshots.append(
            ItemSnapshot(
                item_id=row["id"],
                history_user_name=user_name,
                change_reason=row["history_change_reason"] or "",
                level=row["duty_list__level"],
                item_kind_label=kind_labels.get(row["item_kind"], row["item_kind"]),
                category_code=row["category__code"] or "",
                category_label=_category_name(row),
                duty_type_label=duty_type_labels.get(row["duty_type"], row["duty_type"]),
                lead_department_name=_department_name(
                    row["lead_department__name"], row["lead_department_id"]
                ),
                cooperations=tuple(related.cooperations),
                township_ids=frozenset(related.township_ids),
                township_names=tuple(related.township_names),
                village_ids=frozenset(related.village_ids),
                village_names=tuple(related.village_names),
                village_township_ids=frozenset(related.village_township_ids),
                status_label=status_labels.get(row["status"], row["status"]),
                **{name: row[name] for name in _PLAIN_COLUMNS},
            )
        )
    return snapshots


@dataclass
class _Units:
    """The related rows of one history record, as ``_unit_rows`` reads them."""

    township_ids: list = field(default_factory=list)
    township_names: list = field(default_factory=list)
    village_ids: list = field(default_factory=list)
    village_names: list = field(default_factory=list)
    village_township_ids: list = field(default_factory=list)
    cooperations: list = field(default_factory=list)


_NO_UNITS = _Units()
_TOWNSHIP, _VILLAGE, _COOPERATION = 1, 2, 3


def _unit_rows(history_ids: list[int]) -> dict[int, _Units]:
    """``{history id: _Units}``: the records' townships and villages (in code order) and
    cooperating departments (in the item's order), read in one query (a UNION of the
    three copies; none without records)."""
    result: dict[int, _Units] = {}
    if not history_ids:
        return result
    columns = ("history_id", "part", "unit_id", "name", "code", "parent_id", "text", "sort")
    no_parent = Value(None, output_field=IntegerField())
    no_text = Value("", output_field=TextField())
    townships = (
        HistoricalDutyItemTownship.objects.filter(
            history_id__in=history_ids, township_id__isnull=False
        )
        .annotate(
            part=Value(_TOWNSHIP, output_field=IntegerField()),
            unit_id=F("township_id"),
            name=F("township__name"),
            code=F("township__code"),
            parent_id=no_parent,
            text=no_text,
            sort=Value(0, output_field=IntegerField()),
        )
        .values_list(*columns)
    )
    villages = (
        HistoricalDutyItemVillage.objects.filter(
            history_id__in=history_ids, village_id__isnull=False
        )
        .annotate(
            part=Value(_VILLAGE, output_field=IntegerField()),
            unit_id=F("village_id"),
            name=F("village__name"),
            code=F("village__code"),
            parent_id=F("village__township_id"),
            text=no_text,
            sort=Value(0, output_field=IntegerField()),
        )
        .values_list(*columns)
    )
    cooperations = (
        HistoricalDutyItemCooperation.objects.filter(
            history_id__in=history_ids, department_id__isnull=False
        )
        .annotate(
            part=Value(_COOPERATION, output_field=IntegerField()),
            unit_id=F("department_id"),
            name=F("department__name"),
            code=F("department__code"),
            parent_id=no_parent,
            text=F("responsibilities"),
            sort=F("position"),
        )
        .values_list(*columns)
    )
    rows = townships.union(villages, cooperations, all=True).order_by(
        "history_id", "part", "sort", "code", "unit_id"
    )
    for history_id, part, unit_id, name, _code, parent_id, text, _position in rows:
        units = result.get(history_id)
        if units is None:
            units = result[history_id] = _Units()
        if part == _TOWNSHIP:
            units.township_ids.append(unit_id)
            units.township_names.append(name if name is not None else f"(已删除乡镇 #{unit_id})")
        elif part == _VILLAGE:
            units.village_ids.append(unit_id)
            units.village_names.append(name if name is not None else f"(已删除村(社区) #{unit_id})")
            if parent_id is not None:
                units.village_township_ids.append(parent_id)
        else:
            units.cooperations.append(
                CooperationSnapshot(
                    department_id=unit_id,
                    department_name=_department_name(name, unit_id),
                    responsibilities=text,
                )
            )
    return result


def _category_name(row: dict) -> str:
    name = row["category__name"]
    if name is None:
        category_id = row["category_id"]
        return f"(已删除类别 #{category_id})" if category_id else ""
    parent = row["category__parent__name"]
    return f"{parent}{CATEGORY_SEPARATOR}{name}" if parent else name


def _labels(choices) -> dict[str, str]:
    # A value that is no longer a choice is shown as stored rather than hidden.
    return {value: str(label) for value, label in choices.choices}


def _department_name(name: str | None, department_id: int | None) -> str:
    if name is not None:
        return name
    return f"(已删除部门 #{department_id})" if department_id else ""


def _code_key(snapshot: ItemSnapshot) -> tuple[str, int]:
    return (snapshot.code, snapshot.item_id)


def _kind(previous: ItemSnapshot | None, current: ItemSnapshot) -> str:
    if current.history_type == "-":
        return HistoryKind.DELETED
    if previous is None:
        return HistoryKind.CREATED
    if previous.status == ItemStatus.IN_FORCE and current.status == ItemStatus.WITHDRAWN:
        return HistoryKind.WITHDRAWN
    return HistoryKind.AMENDED


def _date_text(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _applicability_key(snapshot: ItemSnapshot):
    # The named units are irrelevant while the item applies to every unit.
    if snapshot.applies_to_all:
        return (True, frozenset(), frozenset(), snapshot.village_kind)
    return (False, snapshot.township_ids, snapshot.village_ids, snapshot.village_kind)


def _plain(name: str) -> Callable[[ItemSnapshot], object]:
    return lambda snapshot: getattr(snapshot, name)


def _amount_text(snapshot: ItemSnapshot) -> str:
    amount = snapshot.funding_amount
    return f"{amount_text(amount)}万元" if amount is not None else ""


def _cooperation_key(snapshot: ItemSnapshot):
    return tuple((row.department_id, row.responsibilities) for row in snapshot.cooperations)


# (model field, comparison key, displayed text), in the model's field order.
_COMPARED_FIELDS: tuple[tuple[str, Callable, Callable[[ItemSnapshot], str]], ...] = (
    ("code", _plain("code"), _plain("code")),
    ("title", _plain("title"), _plain("title")),
    ("item_kind", _plain("item_kind"), _plain("item_kind_label")),
    ("category", _plain("category_id"), _plain("category_label")),
    ("duty_type", _plain("duty_type"), _plain("duty_type_label")),
    (
        "primary_responsibility",
        _plain("primary_responsibility"),
        _plain("primary_responsibility_label"),
    ),
    ("lead_department", _plain("lead_department_id"), _plain("lead_department_name")),
    (
        "department_responsibilities",
        _plain("department_responsibilities"),
        _plain("department_responsibilities"),
    ),
    ("cooperating_departments", _cooperation_key, _plain("cooperation_text")),
    *(
        (name, _plain(name), _plain(name))
        for name in (
            "local_responsibilities",
            "basis",
            "accountability",
            "exemption",
            "work_requirements",
        )
    ),
    ("funding_amount", _plain("funding_amount"), _amount_text),
    *(
        (name, _plain(name), _plain(name))
        for name in ("funding_source", "staffing", "equipment", "remarks", "guidance_code")
    ),
    ("townships", _applicability_key, lambda s: s.applicability_label),
    ("effective_date", _plain("effective_date"), lambda s: _date_text(s.effective_date)),
    ("expires_on", _plain("expires_on"), lambda s: _date_text(s.expires_on)),
    ("status", _plain("status"), _plain("status_label")),
    ("withdrawn_date", _plain("withdrawn_date"), lambda s: _date_text(s.withdrawn_date)),
)


# Reads as of a moment rather than a day: a release (发布版本) is the list as recorded up
# to its publication instant, read on its effective date.


def is_on_issued_list(snapshot: ItemSnapshot, on_date: datetime.date) -> bool:
    """True if this version keeps the item on the list as issued for ``on_date``: in
    force (whatever its own effective date: an issued item may take effect later), or
    withdrawn only after ``on_date``; a temporary item only up to its end date. A
    deletion record never is."""
    if snapshot.history_type == "-":
        return False
    if snapshot.expires_on is not None and on_date > snapshot.expires_on:
        return False
    if snapshot.status == ItemStatus.IN_FORCE:
        return True
    return snapshot.withdrawn_date is not None and snapshot.withdrawn_date > on_date


def _latest_snapshots_before(records: Q, cutoff: datetime.datetime) -> list[ItemSnapshot]:
    """Snapshots of the latest record per item among ``records`` made before ``cutoff``
    (an aware instant), deletion records included; ties on ``history_date`` go to the
    higher history id, i.e. the record written last. Two queries: the records, and
    their townships."""
    # One index probe per record on (id, history_date, history_id): the newest record
    # of the item before the cutoff.
    latest = (
        HistoricalDutyItem.objects.filter(id=OuterRef("id"), history_date__lt=cutoff)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    queryset = (
        HistoricalDutyItem.objects.filter(records, history_date__lt=cutoff)
        .filter(history_id=Subquery(latest))
        .order_by("code", "id")
    )
    return _snapshots(queryset)


def items_as_of_moment(
    duty_list: DutyList, cutoff: datetime.datetime, on_date: datetime.date
) -> list[ItemSnapshot]:
    """Return the items on ``duty_list`` as recorded before ``cutoff`` (e.g. just after a
    release's publication), read on ``on_date`` (see ``is_on_issued_list``), sorted by
    code. Runs at most two queries."""
    return [
        snapshot
        for snapshot in _latest_snapshots_before(Q(duty_list=duty_list), cutoff)
        if is_on_issued_list(snapshot, on_date)
    ]


def duty_list_diff_between(
    duty_list: DutyList,
    *,
    cutoff_from: datetime.datetime,
    on_from: datetime.date,
    cutoff_to: datetime.datetime,
    on_to: datetime.date,
) -> ListDiff:
    """What changed in ``duty_list`` between two moments (e.g. two releases), each read
    on its own date as ``items_as_of_moment`` does; the parts as in ``duty_list_diff``,
    with ``date_from``/``date_to`` set to ``on_from``/``on_to``. Raises ValueError if
    ``cutoff_from`` is after ``cutoff_to``. Runs at most four queries."""
    if cutoff_from > cutoff_to:
        raise ValueError("cutoff_from must not be after cutoff_to")
    records = Q(duty_list=duty_list)
    return _diff(
        duty_list,
        latest_from=_latest_snapshots_before(records, cutoff_from),
        latest_to=_latest_snapshots_before(records, cutoff_to),
        in_from=lambda snapshot: is_on_issued_list(snapshot, on_from),
        in_to=lambda snapshot: is_on_issued_list(snapshot, on_to),
        date_from=on_from,
        date_to=on_to,
    )


@dataclass(frozen=True)
class ReleasedVersion:
    """One item a release changed: the version it issued (``after``), the version of the
    previous release (``before``, ``None`` for an item it added) and the differences."""

    kind: str
    before: ItemSnapshot | None
    after: ItemSnapshot
    changes: tuple[FieldChange, ...]


def released_versions(
    history_ids: dict[int, str], previous_cutoff: datetime.datetime | None
) -> list[ReleasedVersion]:
    """The versions a release issued: ``history_ids`` maps each history record of the
    release to its change kind; each is compared with its item's latest record before
    ``previous_cutoff`` (the previous release's publication; ``None``: no previous
    release). Sorted by code. Runs at most four queries."""
    records = HistoricalDutyItem.objects.filter(history_id__in=list(history_ids)).order_by(
        "code", "id"
    )
    after = _snapshots(records)
    before = {}
    if previous_cutoff is not None and after:
        item_ids = Q(id__in=[snapshot.item_id for snapshot in after])
        before = {s.item_id: s for s in _latest_snapshots_before(item_ids, previous_cutoff)}
    result = []
    for snapshot in after:
        old = before.get(snapshot.item_id)
        changes = field_changes(old, snapshot) if old is not None else ()
        result.append(
            ReleasedVersion(
                kind=history_ids[snapshot.history_id], before=old, after=snapshot, changes=changes
            )
        )
    return result


def items_published_at(
    duty_list: DutyList, moment: datetime.datetime, on_date: datetime.date
) -> list[ItemSnapshot]:
    """Return the items of ``duty_list`` as published at ``moment``, in force on
    ``on_date``, sorted by code.

    For each item the version used is its latest history record made at or before
    ``moment`` (an aware datetime, e.g. a release's ``published_at``); it counts if it is
    in force on ``on_date`` (e.g. the release's effective date, see
    ``ItemSnapshot.is_in_force_on``). Runs at most two queries.
    """
    cutoff = moment + datetime.timedelta(microseconds=1)
    return [
        snapshot
        for snapshot in _latest_snapshots_before(Q(duty_list=duty_list), cutoff)
        if snapshot.is_in_force_on(on_date)
    ]
