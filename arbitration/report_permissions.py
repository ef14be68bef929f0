"""Who may file, answer, rule on and see off-list reports (清单外事项报告).

Rights come from the organisation permissions that memberships grant
(``organisations.permissions``): a township head files for the township, a village's
secretary or director for the village (through its township), the staff and heads of a
department answer for it, the county office rules. Reading is wider: see
``reports_visible_to``.
"""

from django.db.models import Q, QuerySet

from organisations import permissions as org_permissions
from organisations.models import Department, Township, Village

from .models import OffListReport


def can_file_report(user, township: Township) -> bool:
    """True if ``user`` may report an off-list assignment for ``township`` (its head)."""
    return org_permissions.holds(user, "organisations.act_for_township", township)


def can_file_village_report(user, village: Village) -> bool:
    """True if ``user`` may report an off-list demand for ``village`` (its secretary or
    director); the report goes through the village's township."""
    return org_permissions.holds(user, "organisations.act_for_village", village)


def can_answer_report(user, report: OffListReport) -> bool:
    """True if ``user`` may answer for the report's department (its staff and heads)."""
    return can_act_for_department(user, report.department)


def can_add_report_evidence(user, report: OffListReport) -> bool:
    """True if ``user`` may add evidence to ``report`` (whether it is still open is the
    service's check): the reporting township's heads, the reporting village's secretary
    or director, and the users of the department concerned."""
    if report.village_id is not None and can_file_village_report(user, report.village):
        return True
    return can_file_report(user, report.township) or can_answer_report(user, report)


def can_act_for_department(user, department: Department) -> bool:
    return org_permissions.holds(user, "organisations.act_for_department", department)


def can_rule_report(user, report: OffListReport) -> bool:
    """True if ``user`` is the county office of the report's county (or a superuser)."""
    return org_permissions.can_arbitrate_county(user, report.county)


def reports_visible_to(user) -> QuerySet[OffListReport]:
    """Reports ``user`` may see.

    A township's users (heads and staff): their township's reports, its villages'
    included. A village's secretary or director: the reports of their village. A
    department's users: the reports about their department. The county office and
    county administrators: every report of their county. Superusers: all. Nothing
    crosses counties; anonymous users see none.
    """
    if not user.is_authenticated:
        return OffListReport.objects.none()
    if user.is_superuser:
        return OffListReport.objects.all()
    counties = sorted(org_permissions.county_ids_seen_whole_by(user))
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    townships = sorted(org_permissions.township_ids_visible_to(user))
    villages = sorted(org_permissions.village_ids_acted_for_by(user))
    condition = (
        Q(county_id__in=counties)
        | Q(department_id__in=departments)
        | Q(township_id__in=townships)
        | Q(village_id__in=villages)
    )
    return OffListReport.objects.filter(condition)


def can_view_report(user, report: OffListReport) -> bool:
    """True if ``user`` may see ``report`` (see ``reports_visible_to``)."""
    return reports_visible_to(user).filter(pk=report.pk).exists()
