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
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from organisations.models import Township

from .models import Category, DutyItem, DutyList, DutyType, ItemStatus, Level

HistoricalDutyItem = DutyItem.history.model
# simple-history's per-record copy of the applicability rows (DutyItem.townships).
HistoricalDutyItemTownship = HistoricalDutyItem._meta.get_field(
    "historicaldutyitem_townships"
).related_model

ALL_UNITS_LABEL = "全部"
SYSTEM_USER_LABEL = "系统"
NAME_SEPARATOR = "、"


class HistoryKind:
    """What a history record did to the item (变更类型)."""

    CREATED = "新增"
    AMENDED = "修改"
    WITHDRAWN = "取消"
    DELETED = "删除"


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
    code: str
    title: str
    category: str
    category_label: str
    duty_type: str
    duty_type_label: str
    lead_department_id: int | None
    lead_department_name: str
    department_responsibilities: str
    local_responsibilities: str
    basis: str
    resources: str
    applies_to_all: bool
    township_ids: frozenset[int]
    township_names: tuple[str, ...]
    effective_date: datetime.date
    status: str
    status_label: str
    withdrawn_date: datetime.date | None

    @property
    def applicability_label(self) -> str:
        """ "全部" when the item applies to every unit, else the township names joined by "、"."""
        if self.applies_to_all:
            return ALL_UNITS_LABEL
        return NAME_SEPARATOR.join(self.township_names)

    def applies_to(self, township: Township | int) -> bool:
        """True if this version applies to ``township`` (a Township or its id)."""
        township_id = township if isinstance(township, int) else township.pk
        return self.applies_to_all or township_id in self.township_ids

    def is_in_force_on(self, on_date: datetime.date) -> bool:
        """True if this version, read on ``on_date``, puts the item in force that day.

        It must have taken effect (``effective_date <= on_date``) and either be in force
        or have a withdrawal that only takes effect later (``withdrawn_date > on_date``).
        A deletion record is never in force.
        """
        if self.history_type == "-" or self.effective_date > on_date:
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

    ``field`` is the model field's name, ``label`` its verbose_name (e.g. "事项名称");
    ``old``/``new`` show choice labels, department names, dates as YYYY-MM-DD, and
    applicability as "全部" or township names joined by "、"; an empty value is "".
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

    Applicability (``applies_to_all`` and the townships) is one change of the field
    ``townships``: "全部" or the township names. Returns () if nothing differs.
    """
    changes = []
    for name, key, text in _COMPARED_FIELDS:
        if key(old) != key(new):
            label = str(DutyItem._meta.get_field(name).verbose_name)
            changes.append(FieldChange(field=name, label=label, old=text(old), new=text(new)))
    return tuple(changes)


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
# own columns, and the names of its user and lead department joined in.
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
    "category",
    "duty_type",
    "lead_department_id",
    "department_responsibilities",
    "local_responsibilities",
    "basis",
    "resources",
    "applies_to_all",
    "effective_date",
    "status",
    "withdrawn_date",
)
_JOINED_COLUMNS = (
    "history_user__display_name",
    "history_user__username",
    "lead_department__name",
)


def _snapshots(records: QuerySet) -> list[ItemSnapshot]:
    """``ItemSnapshot`` of each record of ``records`` (in its order): two queries."""
    rows = list(records.values_list(*_RECORD_COLUMNS, *_JOINED_COLUMNS))
    townships = _township_rows([row[1] for row in rows])
    category_labels = _labels(Category)
    duty_type_labels = _labels(DutyType)
    status_labels = _labels(ItemStatus)
    snapshots = []
    for (
        item_id,
        history_id,
        history_date,
        history_type,
        history_user_id,
        change_reason,
        duty_list_id,
        code,
        title,
        category,
        duty_type,
        lead_department_id,
        department_responsibilities,
        local_responsibilities,
        basis,
        resources,
        applies_to_all,
        effective_date,
        status,
        withdrawn_date,
        user_display_name,
        user_username,
        department_name,
    ) in rows:
        township_ids, township_names = townships.get(history_id, ((), ()))
        if user_username is None:
            user_name = SYSTEM_USER_LABEL
        else:
            # str(user): the display name, else the username (organisations.User).
            user_name = user_display_name or user_username
        snapshots.append(
            ItemSnapshot(
                item_id=item_id,
                history_id=history_id,
                history_date=history_date,
                history_type=history_type,
                history_user_id=history_user_id,
                history_user_name=user_name,
                change_reason=change_reason or "",
                duty_list_id=duty_list_id,
                code=code,
                title=title,
                category=category,
                category_label=category_labels.get(category, category),
                duty_type=duty_type,
                duty_type_label=duty_type_labels.get(duty_type, duty_type),
                lead_department_id=lead_department_id,
                lead_department_name=_department_name(department_name, lead_department_id),
                department_responsibilities=department_responsibilities,
                local_responsibilities=local_responsibilities,
                basis=basis,
                resources=resources,
                applies_to_all=applies_to_all,
                township_ids=frozenset(township_ids),
                township_names=tuple(township_names),
                effective_date=effective_date,
                status=status,
                status_label=status_labels.get(status, status),
                withdrawn_date=withdrawn_date,
            )
        )
    return snapshots


def _township_rows(history_ids: list[int]) -> dict[int, tuple[list[int], list[str]]]:
    """``{history id: (township ids, township names)}`` of the records' applicability
    rows, in township code order (one query; none without records)."""
    result: dict[int, tuple[list[int], list[str]]] = {}
    if not history_ids:
        return result
    rows = (
        HistoricalDutyItemTownship.objects.filter(
            history_id__in=history_ids, township_id__isnull=False
        )
        .order_by("township__code", "township_id")
        .values_list("history_id", "township_id", "township__name")
    )
    for history_id, township_id, name in rows:
        ids, names = result.setdefault(history_id, ([], []))
        ids.append(township_id)
        names.append(name if name is not None else f"(已删除乡镇 #{township_id})")
    return result


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
    # The township set is irrelevant while the item applies to every unit.
    return (True, frozenset()) if snapshot.applies_to_all else (False, snapshot.township_ids)


def _plain(name: str) -> Callable[[ItemSnapshot], object]:
    return lambda snapshot: getattr(snapshot, name)


# (model field, comparison key, displayed text), in the model's field order.
_COMPARED_FIELDS: tuple[tuple[str, Callable, Callable[[ItemSnapshot], str]], ...] = (
    ("code", _plain("code"), _plain("code")),
    ("title", _plain("title"), _plain("title")),
    ("category", _plain("category"), _plain("category_label")),
    ("duty_type", _plain("duty_type"), _plain("duty_type_label")),
    ("lead_department", _plain("lead_department_id"), _plain("lead_department_name")),
    *(
        (name, _plain(name), _plain(name))
        for name in (
            "department_responsibilities",
            "local_responsibilities",
            "basis",
            "resources",
        )
    ),
    ("townships", _applicability_key, lambda s: s.applicability_label),
    ("effective_date", _plain("effective_date"), lambda s: _date_text(s.effective_date)),
    ("status", _plain("status"), _plain("status_label")),
    ("withdrawn_date", _plain("withdrawn_date"), lambda s: _date_text(s.withdrawn_date)),
)


# Reads as of a moment rather than a day: a release (发布版本) is the list as recorded up
# to its publication instant, read on its effective date.


def is_on_issued_list(snapshot: ItemSnapshot, on_date: datetime.date) -> bool:
    """True if this version keeps the item on the list as issued for ``on_date``: in
    force (whatever its own effective date: an issued item may take effect later), or
    withdrawn only after ``on_date``. A deletion record never is."""
    if snapshot.history_type == "-":
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
