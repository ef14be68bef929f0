"""Reads of the arbitration records that other apps build on."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q

from .models import OffListReport, ReportRuling


def upheld_reports_by_department(
    *, county_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Upheld off-list reports per department, for tasks assigned from ``start`` to
    ``end`` (both included) in the given counties.

    Returns ``{department_id: count}`` holding only departments with at least one
    upheld report. One query, whatever the number of counties.
    """
    rows = (
        OffListReport.objects.filter(
            county_id__in=list(county_ids),
            ruling=ReportRuling.UPHELD,
            assigned_on__gte=start,
            assigned_on__lte=end,
        )
        .values("department_id")
        .annotate(count=Count("pk"))
        .values_list("department_id", "count")
    )
    return dict(rows)


def report_links(*, county_id: int, start: datetime.date, end: datetime.date) -> set:
    """``{(department_id, township_id)}`` of the off-list reports of county ``county_id``
    whose task was assigned, or which were filed, from ``start`` to ``end`` (both
    included; filing dates in China time), whatever their outcome: the evaluation's
    ``report`` link between a department and a township. One query.
    """
    rows = OffListReport.objects.filter(county_id=county_id).filter(
        Q(assigned_on__gte=start, assigned_on__lte=end)
        | Q(created__date__gte=start, created__date__lte=end)
    )
    return set(rows.values_list("department_id", "township_id").distinct())
