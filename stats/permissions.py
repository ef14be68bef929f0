"""Who reads the statistics (统计分析) of which counties.

The county office (县委编办) reads its county's; a 市(省)级查看人员 (region
membership) reads every county of its regions; a superuser reads every county. Nobody
else reads any. Two queries at most per request (the user's grants and its regions),
kept on the user object.
"""

from organisations import permissions as org_permissions
from organisations.models import County


def stats_county_ids(user) -> frozenset[int]:
    """Ids of the counties whose statistics ``user`` reads (empty for anonymous and
    inactive users and for every other role)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(County.objects.values_list("pk", flat=True))
    return org_permissions.county_ids_arbitrated_by(user) | (
        org_permissions.region_county_ids_viewed_by(user)
    )


def can_view_stats(user) -> bool:
    """True if ``user`` reads the statistics of at least one county."""
    return bool(stats_county_ids(user))
