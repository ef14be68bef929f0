"""Reads of the organisation tree, scoped to the user."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from . import permissions
from .models import County, Department, Grid, Membership, Township, Village


@dataclass(frozen=True)
class CountyTree:
    """One county as a user may see it: all its departments, and the townships shown."""

    county: County
    departments: list[Department]
    townships: list[Township]
    is_whole_county: bool


def _township_queryset():
    return Township.objects.order_by("code").prefetch_related(
        Prefetch(
            "villages",
            queryset=Village.objects.order_by("code").prefetch_related(
                Prefetch("grids", queryset=Grid.objects.order_by("code"))
            ),
        )
    )


def org_tree_list(user) -> list[CountyTree]:
    """The organisation trees ``user`` may see, one per county, in code order.

    County and department users see their whole county; township users see their
    county's departments and only their own township with its villages and grids.
    Runs a fixed number of queries whatever the size of the tree.
    """
    whole = list(permissions.counties_visible_to(user).order_by("code"))
    own_townships = list(_township_queryset().filter(pk__in=permissions.townships_visible_to(user)))
    partial_ids = {t.county_id for t in own_townships} - {c.pk for c in whole}
    counties = sorted(
        whole + list(County.objects.filter(pk__in=partial_ids)), key=lambda county: county.code
    )
    county_ids = [county.pk for county in counties]
    departments = Department.objects.filter(county_id__in=county_ids).order_by("code")
    townships = list(_township_queryset().filter(county_id__in=[c.pk for c in whole]))
    trees = []
    for county in counties:
        is_whole = county.pk not in partial_ids
        shown = townships if is_whole else own_townships
        trees.append(
            CountyTree(
                county=county,
                departments=[d for d in departments if d.county_id == county.pk],
                townships=[t for t in shown if t.county_id == county.pk],
                is_whole_county=is_whole,
            )
        )
    return trees


def membership_list(user) -> list[Membership]:
    """The user's own memberships (for the page header and profile)."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("county", "department", "township", "village", "grid")
        .order_by("county__code", "role")
    )


def _village_level_places(user) -> list:
    """The ``Place`` of each village and grid the user works in (village secretaries
    and directors, grid workers); read with the user's scope."""
    return [
        *permissions.village_places_visible_to(user).values(),
        *permissions.grid_places_visible_to(user).values(),
    ]


def departments_listed_for(user) -> QuerySet[Department]:
    """Departments ``user`` may look up (``/api/units/``): every department of each
    county in which the user sees anything (whole lists, a township's items, or a
    village's or grid's: a village reports a department's demands), in county and code
    order. Lazy; reading the user's scope runs a few queries at most, kept with it."""
    county_ids = set(permissions.county_ids_visible_to(user))
    county_ids.update(permissions.township_counties_visible_to(user).values())
    county_ids.update(place.county_id for place in _village_level_places(user))
    return (
        Department.objects.filter(county_id__in=sorted(county_ids))
        .select_related("county")
        .order_by("county__code", "code")
    )


def townships_listed_for(user) -> QuerySet[Township]:
    """Townships ``user`` may look up, as the organisation tree shows them: every
    township of the counties whose whole lists the user reads (county and department
    users), a township user's own townships, and the township of a village or grid user's
    village (through which the village reports). Lazy, in county and code order."""
    whole = sorted(permissions.county_ids_visible_to(user))
    own = set(permissions.township_ids_visible_to(user))
    own.update(place.township_id for place in _village_level_places(user))
    return (
        Township.objects.filter(Q(county_id__in=whole) | Q(pk__in=sorted(own)))
        .select_related("county")
        .order_by("county__code", "code")
    )


def villages_listed_for(user) -> QuerySet[Village]:
    """Villages (村/社区) ``user`` may look up: only those a village or grid user works in
    (a village's secretary names it when reporting through its township); county,
    department and township users name no village through the API. Lazy, in county,
    township and code order."""
    ids = sorted({place.village_id for place in _village_level_places(user)})
    return (
        Village.objects.filter(pk__in=ids)
        .select_related("township__county")
        .order_by("township__county__code", "township__code", "code")
    )


def grids_listed_for(user) -> QuerySet[Grid]:
    """Grids ``user`` works in as a grid worker (网格员). Lazy, in county, township,
    village and code order."""
    ids = sorted(permissions.grid_places_visible_to(user))
    return (
        Grid.objects.filter(pk__in=ids)
        .select_related("village__township__county")
        .order_by(
            "village__township__county__code", "village__township__code", "village__code", "code"
        )
    )
