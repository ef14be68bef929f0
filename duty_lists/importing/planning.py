"""What an import would do to each list: items added, changed, withdrawn, unchanged."""

import datetime
from dataclasses import dataclass, field

from ..documents.content import LOCAL_HEADERS
from ..models import DutyItem, DutyList, ItemStatus, Level
from .columns import BY_KEY
from .validation import ITEM_FIELDS, ItemSpec

STATUS_LABEL = "状态"


def field_label(name: str, level: str) -> str:
    """The Chinese name of a compared field, as the template's header names it."""
    if name == "local_responsibilities":
        return LOCAL_HEADERS[Level(level)]
    if name == "lead_department":
        return "牵头部门"
    if name in ("applies_to_all", "townships"):
        return "适用乡镇"
    if name == "status":
        return STATUS_LABEL
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


def plan_list(
    level: str,
    duty_list: DutyList | None,
    specs: dict[str, ItemSpec],
    *,
    withdraw_missing: bool,
) -> ListPlan:
    """Compare the file's items of ``level`` with ``duty_list`` (None: not created yet).
    Returns the ``ListPlan``; runs two queries, whatever the number of items."""
    plan = ListPlan(level, duty_list, withdraw_missing=withdraw_missing)
    existing: dict[str, DutyItem] = {}
    townships: dict[int, set[int]] = {}
    if duty_list is not None:
        existing = {item.code: item for item in DutyItem.objects.filter(duty_list=duty_list)}
        through = DutyItem.townships.through.objects.filter(dutyitem__duty_list=duty_list)
        for item_id, township_id in through.values_list("dutyitem_id", "township_id"):
            townships.setdefault(item_id, set()).add(township_id)
    for code, spec in specs.items():
        item = existing.get(code)
        if item is None:
            plan.added.append(spec)
            continue
        differing = _differing(item, spec, townships.get(item.pk, set()))
        if differing:
            plan.changed.append(Change(item, spec, [field_label(n, level) for n in differing]))
        else:
            plan.unchanged += 1
    plan.missing = [
        item
        for code, item in sorted(existing.items())
        if code not in specs and item.status == ItemStatus.IN_FORCE
    ]
    return plan


def _differing(item: DutyItem, spec: ItemSpec, townships: set[int]) -> list[str]:
    differing = []
    for name in ITEM_FIELDS:
        current = item.lead_department_id if name == "lead_department" else getattr(item, name)
        wanted = spec.values[name]
        if name == "lead_department":
            wanted = wanted.pk
        if current != wanted:
            differing.append(name)
    named = set() if item.applies_to_all else townships
    if set(spec.townships) != named and "applies_to_all" not in differing:
        differing.append("townships")
    if spec.effective_date is not None and spec.effective_date != item.effective_date:
        differing.append("effective_date")
    if item.status != ItemStatus.IN_FORCE:
        differing.append("status")
    return differing


def effective_date_of(spec: ItemSpec, default: datetime.date) -> datetime.date:
    """The item's 生效日期: its own cell, else the import's."""
    return spec.effective_date or default
