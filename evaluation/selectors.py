"""Reads of the evaluation indicator sets, scoped to the user's counties."""

from django.db.models import QuerySet

from .models import IndicatorSet
from .permissions import indicator_set_scope


def indicator_set_list(user) -> QuerySet[IndicatorSet]:
    """Indicator sets ``user`` may read, with their county and indicators preloaded.

    Ordered by county, direction and name; two queries whatever the number of sets
    (the sets with their counties, then their indicators in order). Nothing leaks
    across counties: another county's sets are never included.
    """
    return (
        IndicatorSet.objects.filter(indicator_set_scope(user))
        .select_related("county")
        .prefetch_related("indicators")
        .order_by("county__code", "direction", "name")
    )
