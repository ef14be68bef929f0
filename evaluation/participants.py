"""Who rates whom in a round (参评关系).

- Every department of the county rates every township of the county.
- A township rates a department when the department was lead department (牵头部门) or
  a cooperating department (协同部门) of an item of any of the county's lists
  (乡镇/村/网格) applying to the township (or to one of its villages) in the period,
  or of a change request touching the township filed in the period (the caller reads
  those: ``evaluation`` does not import ``workflow``).

  "Applying in the period" is read two ways and the union taken: from the lists'
  history (``duty_lists.snapshots.items_as_of`` at the start and at the end of the
  period), and from the items as they are now, by their own dates (effective on or
  before the end of the period and not withdrawn before its start). The second catches
  lists entered into the system after the period (their history starts on the day of
  entry); the first catches items changed or withdrawn since. An item added and
  withdrawn again strictly inside the period, with an applicability changed since, can
  be missed; its department usually filed the request that added it, which counts.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from duty_lists.models import DutyItem, DutyList, ItemStatus
from duty_lists.snapshots import items_as_of
from organisations.models import County, Department, Township

from .models import Direction


@dataclass(frozen=True)
class SheetPair:
    """One sheet to create: its direction, the rater's and the ratee's ids."""

    direction: str
    rater: int
    ratee: int


def item_links(county: County, period_start: datetime.date, period_end: datetime.date):
    """``{(department_id, township_id)}`` of the county's items applying to a township in
    the period (see the module docstring; a number of queries independent of the
    number of items)."""
    township_ids = list(Township.objects.filter(county=county).values_list("pk", flat=True))
    links = set()
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
        departments = [item.lead_department_id, *(c.department_id for c in item.cooperations.all())]
        links.update((d, township) for d in departments for township in targets)
    for duty_list in DutyList.objects.filter(county=county):
        for on_date in {period_start, period_end}:
            for item in items_as_of(duty_list, on_date):
                targets = (
                    township_ids
                    if item.applies_to_all
                    else item.township_ids | item.village_township_ids
                )
                departments = [
                    item.lead_department_id,
                    *(c.department_id for c in item.cooperations),
                ]
                links.update(
                    (d, township) for d in departments if d is not None for township in targets
                )
    return links


def sheet_pairs(
    *,
    county: County,
    period_start: datetime.date,
    period_end: datetime.date,
    request_links: Iterable[tuple[int, int]] = (),
) -> list[SheetPair]:
    """Every sheet of a round of ``county`` for the period, in a stable order.

    ``request_links`` are ``(department_id, township_id)`` pairs of the change requests
    filed in the period. Township → department pairs first (by township, department),
    then department → township pairs. Links to units of other counties are ignored.
    """
    departments = list(Department.objects.filter(county=county).order_by("pk").values_list("pk"))
    townships = list(Township.objects.filter(county=county).order_by("pk").values_list("pk"))
    department_ids = [pk for (pk,) in departments]
    township_ids = [pk for (pk,) in townships]
    links = item_links(county, period_start, period_end) | set(request_links)
    known_departments, known_townships = set(department_ids), set(township_ids)
    rated = sorted(
        (township, department)
        for department, township in links
        if department in known_departments and township in known_townships
    )
    pairs = [SheetPair(Direction.TOWNSHIP_TO_DEPARTMENT, t, d) for t, d in rated]
    pairs.extend(
        SheetPair(Direction.DEPARTMENT_TO_TOWNSHIP, department, township)
        for department in department_ids
        for township in township_ids
    )
    return pairs
