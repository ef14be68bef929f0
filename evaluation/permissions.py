"""Who may manage or read a county's evaluation indicator sets."""

from django.db.models import Q

from organisations import permissions as org_permissions
from organisations.models import County


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
