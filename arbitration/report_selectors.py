"""Reads of off-list reports (清单外事项报告) for the pages and the API, scoped by
``report_permissions.reports_visible_to`` and tuned to a fixed number of queries."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from organisations import permissions as org_permissions
from organisations.models import Department, Township, Village

from .models import OffListReport, ReportEvidence
from .report_permissions import can_view_report, reports_visible_to

__all__ = [
    "can_view_report",
    "evidence_get",
    "report_get",
    "report_list",
    "reports_visible_to",
]

_UNITS = ("county", "township", "village", "department")
_PEOPLE = ("reported_by", "answered_by", "ruled_by")
# The people are loaded by id after the rows rather than joined: with all six joins
# PostgreSQL spent some 20 ms planning each list query (about 0.5 ms with three).


def report_list(user, *, with_people: bool = True) -> QuerySet[OffListReport]:
    """Reports ``user`` may see, newest first, with their units joined and, unless
    ``with_people`` is false, who reported, answered and ruled loaded: one query for a
    page's rows and at most one for each of the three people, whatever its length."""
    reports = reports_visible_to(user).select_related(*_UNITS).order_by("-created", "-pk")
    return reports.prefetch_related(*_PEOPLE) if with_people else reports


def report_get(user, pk: int) -> OffListReport:
    """One report with its units, people and admission request joined.

    Raises ``Http404`` for an unknown report and ``PermissionDenied`` for one ``user``
    may not see.
    """
    report = (
        OffListReport.objects.select_related(*_UNITS, *_PEOPLE, "admission_request")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("没有该清单外事项报告。")
    if not can_view_report(user, report):
        raise PermissionDenied("您无权查看该清单外事项报告。")
    return report


def evidence_get(user, report_pk: int, pk: int) -> ReportEvidence:
    """One evidence file of a report ``user`` may see.

    Raises ``Http404`` for an unknown file (or one of another report) and
    ``PermissionDenied`` when the report is not visible to ``user``.
    """
    evidence = ReportEvidence.objects.select_related("report").filter(pk=pk).first()
    if evidence is None or evidence.report_id != report_pk:
        raise Http404("没有该证明材料。")
    if not can_view_report(user, evidence.report):
        raise PermissionDenied("您无权查看该证明材料。")
    return evidence


def report_townships_of(user) -> list[Township]:
    """Townships ``user`` may report for (township heads), by code."""
    if not user.is_authenticated:
        return []
    return [
        township
        for township in org_permissions.townships_visible_to(user).order_by("code")
        if org_permissions.holds(user, "organisations.act_for_township", township)
    ]


def report_villages_of(user) -> list[Village]:
    """Villages (村/社区) ``user`` may report for (their secretaries and directors), by
    code, with their township and county."""
    if not user.is_authenticated:
        return []
    ids = sorted(org_permissions.village_ids_acted_for_by(user))
    if not ids:
        return []
    return list(
        Village.objects.filter(pk__in=ids).select_related("township__county").order_by("code")
    )


def departments_of_county(county_id: int) -> QuerySet[Department]:
    """The departments a report of the county may name, by code."""
    return Department.objects.filter(county_id=county_id).order_by("code")
