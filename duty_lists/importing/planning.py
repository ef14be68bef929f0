"""What an import would do to each list: items added, changed, withdrawn, unchanged."""

import datetime
from dataclasses import dataclass, field

from ..models import (
    DutyItem,
    DutyItemCooperation,
    DutyList,
    ItemStatus,
    Level,
    local_responsibilities_label,
)
from .columns import BY_KEY
from .validation import FOREIGN_KEYS, ItemSpec, compared_fields

STATUS_LABEL = "状态"
# Compared values named by the template's header of their column.
FIELD_LABELS = {
    "item_kind": "履职类型",
    "lead_department": "牵头部门",
    "applies_to_all": "适用乡镇",
    "townships": "适用乡镇",
    "villages": "适用村(社区)",
    "cooperations": "协同部门(及职责)",
    "status": STATUS_LABEL,
}


def field_label(name: str, level: str) -> str:
    """The Chinese name of a compared field, as the template's header names it."""
    if name == "local_responsibilities":
        return local_responsibilities_label(Level(level))
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    return BY_KEY[name].label


@dataclass
class Change:
    """An item of the list whose file version differs: the item, the spec and the
    labels of the fields that change."""

    item: DutyItem
    spec: ItemSpec
    fields: list[str]


@dataclass
class ListPlan:
    """The plan for one list (level) of the county."""

    level: str
    duty_list: DutyList | None
    added: list[ItemSpec] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    missing: list[DutyItem] = field(default_factory=list)
    withdraw_missing: bool = False

    @property
    def label(self) -> str:
        """The list's level in Chinese."""
        return Level(self.level).label

    @property
    def withdrawn(self) -> list[DutyItem]:
        """The items this import withdraws (those missing from the file, when asked)."""
        return self.missing if self.withdraw_missing else []

    @property
    def kept(self) -> list[DutyItem]:
        """Items in force missing from the file that stay (withdrawal not asked)."""
        return [] if self.withdraw_missing else self.missing

    @property
    def has_changes(self) -> bool:
        """True if writing this plan changes the list."""
        return bool(self.added or self.changed or self.withdrawn)


@dataclass
class _Current:
    """An existing item's applicability and cooperating departments, as compared."""

    townships: set[int] = field(default_factory=set)
    villages: set[int] = field(default_factory=set)
    cooperations: list[tuple[int, str]] = field(default_factory=list)


def plan_list(
    level: str,
    duty_list: DutyList | None,
    specs: dict[str, ItemSpec],
    *,
    withdraw_missing: bool,
) -> ListPlan:
    """Compare the file's items of ``level`` with ``duty_list`` (None: not created yet).
    Returns the ``ListPlan``; runs four queries, whatever the number of items."""
    plan = ListPlan(level, duty_list, withdraw_missing=withdraw_missing)
    existing: dict[str, DutyItem] = {}
    current: dict[int, _Current] = {}
    if duty_list is not None:
        existing = {item.code: item for item in DutyItem.objects.filter(duty_list=duty_list)}
        for model, attribute, unit in (
            (DutyItem.townships.through, "townships", "township_id"),
            (DutyItem.villages.through, "villages", "village_id"),
        ):
            rows = model.objects.filter(dutyitem__duty_list=duty_list)
            for item_id, unit_id in rows.values_list("dutyitem_id", unit):
                getattr(current.setdefault(item_id, _Current()), attribute).add(unit_id)
        cooperations = DutyItemCooperation.objects.filter(item__duty_list=duty_list).order_by(
            "item_id", "position", "id"
        )
        for item_id, department_id, text in cooperations.values_list(
            "item_id", "department_id", "responsibilities"
        ):
            current.setdefault(item_id, _Current()).cooperations.append((department_id, text))
    for code, spec in specs.items():
        item = existing.get(code)
        if item is None:
            plan.added.append(spec)
            continue
        differing = _differing(item, spec, current.get(item.pk) or _Current())
        if differing:
            labels = list(dict.fromkeys(field_label(n, level) for n in differing))
            plan.changed.append(Change(item, spec, labels))
        else:
            plan.unchanged += 1
    plan.missing = [
        item
        for code, item in sorted(existing.items())
        if code not in specs and item.status == ItemStatus.IN_FORCE
    ]
    return plan


def _differing(item: DutyItem, spec: ItemSpec, current: _Current) -> list[str]:
    differing = []
    for name in compared_fields(spec):
        wanted = spec.values[name]
        if name in FOREIGN_KEYS:
            now, wanted = getattr(item, f"{name}_id"), wanted.pk
        else:
            now = getattr(item, name)
        if now != wanted:
            differing.append(name)
    named = set() if item.applies_to_all else current.townships
    if set(spec.townships) != named and "applies_to_all" not in differing:
        differing.append("townships")
    if set(spec.villages) != current.villages:
        differing.append("villages")
    if "cooperations" in spec.given and list(spec.cooperations) != current.cooperations:
        differing.append("cooperations")
    if spec.effective_date is not None and spec.effective_date != item.effective_date:
        differing.append("effective_date")
    if item.status != ItemStatus.IN_FORCE:
        differing.append("status")
    return differing


def effective_date_of(spec: ItemSpec, default: datetime.date) -> datetime.date:
    """The item's 生效日期: its own cell, else the import's."""
    return spec.effective_date or default
