"""Who may manage or read a county's evaluation indicator sets, run its rounds, fill
and submit score sheets, and see rounds, sheets and results."""

from django.db.models import Q

from organisations import permissions as org_permissions
from organisations.models import County, Department, Membership, Role, Township

from .models import RoundStage


def can_manage_indicator_sets(user, county: County) -> bool:
    """True if ``user`` is the county administrator or county office (县委编办) of ``county``.

    Superusers may manage every county's sets; anonymous users none.
    """
    return org_permissions.can_administer_county(
        user, county
    ) or org_permissions.can_arbitrate_county(user, county)


def indicator_set_scope(user) -> Q:
    """The Q selecting the indicator sets ``user`` may read.

    County and department users read their visible counties' sets; township users their
    township's county's sets (they score that county's departments). Subqueries only:
    building the condition runs no query.
    """
    visible_counties = org_permissions.counties_visible_to(user).values("pk")
    township_counties = org_permissions.townships_visible_to(user).values("county_id")
    return Q(county__in=visible_counties) | Q(county__in=township_counties)


def can_run_rounds(user, county: County) -> bool:
    """True if ``user`` may open and close (end the scoring of) ``county``'s evaluation
    rounds: the county office (县委编办) of the county, or a superuser."""
    return org_permissions.can_arbitrate_county(user, county)


def can_assess_rounds(user, county: County) -> bool:
    """True if ``user`` may enter and import the base scores (基础分) of ``county``'s
    rounds and publish their results: the county's assessment office (县考核办), which
    runs the comprehensive assessment the results feed, or a superuser. The county
    office (编办) does neither."""
    return org_permissions.can_assess_county(user, county)


def can_prepare_sheet(user, sheet) -> bool:
    """True if ``user`` may fill in (save a draft of) ``sheet``: staff or head of the
    rater unit (township head/staff, department staff/head)."""
    if not user.is_authenticated:
        return False
    if sheet.rater_township_id is not None:
        return org_permissions.holds_on_pk(
            user, "organisations.view_township_items", Township, sheet.rater_township_id
        )
    return org_permissions.holds_on_pk(
        user, "organisations.act_for_department", Department, sheet.rater_department_id
    )


def can_submit_sheet(user, sheet) -> bool:
    """True if ``user`` may submit ``sheet``: a head of the rater unit (乡镇(街道)负责人 or
    部门负责人 membership of that unit), or a deputy in force of such a head. Staff only
    prepare drafts; superusers without such a membership do not submit either (a sheet
    is the unit's own judgement)."""
    if not user.is_authenticated:
        return False
    if sheet.rater_township_id is not None:
        unit = {"township_id": sheet.rater_township_id}
        condition = Q(role=Role.TOWNSHIP_HEAD, **unit)
    else:
        unit = {"department_id": sheet.rater_department_id}
        condition = Q(role=Role.DEPARTMENT_HEAD, **unit)
    if Membership.objects.filter(condition, user_id=user.pk).exists():
        return True
    # A head's deputy in force submits for it (委托期间).
    heads = Membership.objects.filter(condition).values("user_id")
    return (
        org_permissions.active_deputyships()
        .filter(deputy_id=user.pk, principal_id__in=heads, **unit)
        .exists()
    )


def county_ids_evaluated_whole_by(user) -> frozenset[int]:
    """Ids of the counties whose every round, sheet and result ``user`` sees: those it
    administers, is the county office of, or the assessment office of."""
    return org_permissions.county_ids_seen_whole_by(user) | org_permissions.county_ids_assessed_by(
        user
    )


def _whole_counties(user) -> list[int]:
    return sorted(county_ids_evaluated_whole_by(user))


def round_scope(user) -> Q:
    """The Q selecting the evaluation rounds ``user`` may see: those of the counties it
    sees as a county, department or township user (everyone there takes part)."""
    return indicator_set_scope(user)


def sheet_scope(user) -> Q:
    """The Q selecting the score sheets ``user`` may see.

    County office, assessment office and county administrators: every sheet of their
    counties' rounds.
    Department and township users: only the sheets their unit fills (never who rated
    their own unit how). Built from the user's scope.
    """
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    townships = sorted(org_permissions.township_ids_visible_to(user))
    return (
        Q(evaluation_round__county_id__in=_whole_counties(user))
        | Q(rater_department_id__in=departments)
        | Q(rater_township_id__in=townships)
    )


def result_scope(user) -> Q:
    """The Q selecting the round results ``user`` may see.

    County office, assessment office and county administrators: every result of their
    counties' rounds, published or not. Department and township users: their own
    unit's results, once the round is published.
    """
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    townships = sorted(org_permissions.township_ids_visible_to(user))
    published = Q(evaluation_round__stage=RoundStage.PUBLISHED)
    return Q(evaluation_round__county_id__in=_whole_counties(user)) | (
        published & (Q(department_id__in=departments) | Q(township_id__in=townships))
    )
