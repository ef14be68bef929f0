"""Who rates whom in a round (参评关系): only *linked* departments and townships.

A department and a township are linked in a period when a link source names the pair.
Every linked pair gets two score sheets, the township's of the department and the
department's of the township; an unlinked pair gets none, in either direction (the
seed asks to cut 考核 to the units that deal with each other). ``linked_pairs`` is the
one rule; the sources it combines are:

- ``item`` (牵头事项): the department is lead department (牵头部门) of an item of any of
  the county's lists (乡镇/村/网格) applying to the township (or to one of its villages)
  in the period (``item_links``);
- ``cooperation`` (协同事项): the department is a cooperating department (协同部门) of
  such an item (``cooperation_links``);
- ``report`` (清单外事项报告): the township reported an off-list demand of the
  department, assigned or filed in the period, whatever its outcome
  (``arbitration.selectors.report_links``);
- ``request`` (调整申请): a change request of the department touching the township,
  filed in the period. Requests live in ``workflow``, which ``evaluation`` does not
  import: the caller passes that source (``workflow.selectors.evaluation_links``).

A new kind of link is one more ``LinkKind`` and one more source function in
``DOMAIN_SOURCES``.

"Applying in the period" (``item_links``) is read two ways and the union taken: from
the lists' history (``duty_lists.snapshots.items_as_of`` at the start and at the end of
the period), and from the items as they are now, by their own dates (effective on or
before the end of the period and not withdrawn before its start). The second catches
lists entered into the system after the period (their history starts on the day of
entry); the first catches items changed or withdrawn since. An item added and
withdrawn again strictly inside the period, with an applicability changed since, can
be missed; its department usually filed the request that added it, which counts.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Q

from arbitration.selectors import report_links
from duty_lists.models import DutyItem, DutyList, ItemStatus
from duty_lists.snapshots import items_as_of
from organisations.models import County, Department, Township

from .models import Direction, LinkKind

# A link source: (county, period start, period end) → (department id, township id) pairs.
LinkSource = Callable[[County, datetime.date, datetime.date], Iterable[tuple[int, int]]]


@dataclass(frozen=True)
class SheetPair:
    """One sheet to create: its direction, the rater's and the ratee's ids, and the
    kinds of link (``LinkKind`` values, in their declared order) that put it there."""

    direction: str
    rater: int
    ratee: int
    links: tuple[str, ...] = ()


def _applying_items(county: County, period_start: datetime.date, period_end: datetime.date):
    """``(lead department id, cooperating department ids, township ids)`` of every item
    of the county applying to a township in the period, read both ways (see the module
    docstring); an item applying to villages applies to their townships. A number of
    queries independent of the number of items."""
    township_ids = list(Township.objects.filter(county=county).values_list("pk", flat=True))
    current = (
        DutyItem.objects.filter(duty_list__county=county, effective_date__lte=period_end)
        .exclude(Q(status=ItemStatus.WITHDRAWN) & Q(withdrawn_date__lt=period_start))
        .exclude(status=ItemStatus.WITHDRAWN, withdrawn_date__isnull=True)
        .prefetch_related("townships", "villages", "cooperations")
    )
    for item in current:
        if item.applies_to_all:
            targets = township_ids
        else:
            targets = {t.pk for t in item.townships.all()}
            targets.update(v.township_id for v in item.villages.all())
        cooperating = [c.department_id for c in item.cooperations.all()]
        yield item.lead_department_id, cooperating, targets
    for duty_list in DutyList.objects.filter(county=county):
        for on_date in {period_start, period_end}:
            for item in items_as_of(duty_list, on_date):
                targets = (
                    township_ids
                    if item.applies_to_all
                    else item.township_ids | item.village_township_ids
                )
                cooperating = [c.department_id for c in item.cooperations]
                yield item.lead_department_id, cooperating, targets


def item_links(county: County, period_start: datetime.date, period_end: datetime.date):
    """``{(department_id, township_id)}`` of the county's items applying to a township in
    the period, by their lead department (see the module docstring)."""
    return {
        (lead, township)
        for lead, _cooperating, targets in _applying_items(county, period_start, period_end)
        if lead is not None
        for township in targets
    }


def cooperation_links(county: County, period_start: datetime.date, period_end: datetime.date):
    """``{(department_id, township_id)}`` of the county's items applying to a township in
    the period, by their cooperating departments (协同部门), who work on the item with
    the township as the lead department does."""
    return {
        (department, township)
        for _lead, cooperating, targets in _applying_items(county, period_start, period_end)
        for department in cooperating
        for township in targets
    }


def _report_links(county: County, period_start: datetime.date, period_end: datetime.date):
    return report_links(county_id=county.pk, start=period_start, end=period_end)


# The sources the domain apps answer; ``linked_pairs`` callers add the others.
DOMAIN_SOURCES: dict[str, LinkSource] = {
    LinkKind.ITEM: item_links,
    LinkKind.COOPERATION: cooperation_links,
    LinkKind.REPORT: _report_links,
}


def linked_pairs(
    *,
    county: County,
    period_start: datetime.date,
    period_end: datetime.date,
    sources: Mapping[str, LinkSource],
) -> dict[tuple[int, int], tuple[str, ...]]:
    """The linked pairs of ``county`` in the period: ``{(department_id, township_id):
    link kinds}``, each kind once, in ``LinkKind`` order.

    ``sources`` maps a ``LinkKind`` value to its source (usually ``DOMAIN_SOURCES`` and
    the caller's own; kinds not in ``LinkKind`` come after those, by name). Pairs naming
    a unit of another county, or no unit, are dropped.
    Runs each source's queries plus two.
    """
    departments = set(Department.objects.filter(county=county).values_list("pk", flat=True))
    townships = set(Township.objects.filter(county=county).values_list("pk", flat=True))
    found: dict[tuple[int, int], set[str]] = {}
    for kind, source in sources.items():
        for department, township in source(county, period_start, period_end):
            if department in departments and township in townships:
                found.setdefault((department, township), set()).add(kind)
    order = {kind: index for index, kind in enumerate(LinkKind.values)}

    def rank(kind: str) -> tuple[int, str]:
        return order.get(kind, len(order)), kind

    return {pair: tuple(sorted(kinds, key=rank)) for pair, kinds in found.items()}


def sheet_pairs(links: Mapping[tuple[int, int], tuple[str, ...]]) -> list[SheetPair]:
    """The sheets of a round whose linked pairs are ``links`` (``linked_pairs``): for
    every pair the township's sheet of the department and the department's of the
    township. Township → department sheets first (by township, department), then
    department → township sheets (by department, township)."""
    pairs = [
        SheetPair(Direction.TOWNSHIP_TO_DEPARTMENT, township, department, kinds)
        for (department, township), kinds in sorted(links.items(), key=lambda e: e[0][::-1])
    ]
    pairs.extend(
        SheetPair(Direction.DEPARTMENT_TO_TOWNSHIP, department, township, kinds)
        for (department, township), kinds in sorted(links.items())
    )
    return pairs
