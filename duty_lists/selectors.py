"""Reads of the current duty lists, scoped to what the user may see.

County office, county administrators and department users see every list of their
county; township users see only the items that apply to their township; village users
(村/社区) the village list's items that apply to their village, grid workers the grid
list's items that apply to their grid's village. Nobody sees another county's lists.
Historical reads (as of a date, diffs, item history) live in ``duty_lists.snapshots``.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from organisations import permissions as org_permissions
from organisations.models import County, Department, Grid, Township, Village
from organisations.permissions import Place

from .directory import DepartmentRole
from .models import Category, DutyItem, DutyItemCooperation, DutyList, ItemStatus, Level

_Applicability = DutyItem.townships.through
_VillageApplicability = DutyItem.villages.through


def applies_to_townships(township_ids) -> Q:
    """Q for items that apply to any of ``township_ids`` (within their county): to all
    units, to one of them by name, or (village and grid lists) to a village of one."""
    named = _Applicability.objects.filter(dutyitem_id=OuterRef("pk"), township_id__in=township_ids)
    villages = _VillageApplicability.objects.filter(
        dutyitem_id=OuterRef("pk"), village__township_id__in=township_ids
    )
    return Q(applies_to_all=True) | Q(Exists(named)) | Q(Exists(villages))


def applies_to_village(village: Village) -> Q:
    """Q for items of village and grid lists that apply to ``village`` (and its grids):
    to all units, its township or the village by name, of the village's kind or of
    either kind."""
    return _applies_to_place(village.pk, village.township_id, village.kind)


def _applies_to_place(village_id: int, township_id: int, village_kind: str) -> Q:
    named = _Applicability.objects.filter(dutyitem_id=OuterRef("pk"), township_id=township_id)
    by_name = _VillageApplicability.objects.filter(
        dutyitem_id=OuterRef("pk"), village_id=village_id
    )
    return (Q(village_kind="") | Q(village_kind=village_kind)) & (
        Q(applies_to_all=True) | Q(Exists(named)) | Q(Exists(by_name))
    )


def department_role_q(department_ids, role: str | None = None) -> Q:
    """Q for items in which one of ``department_ids`` has a part: leads it (牵头), works
    on it as a cooperating department (协同), or either (``role`` None)."""
    department_ids = sorted(department_ids)
    lead = Q(lead_department_id__in=department_ids)
    cooperating = Q(
        Exists(
            DutyItemCooperation.objects.filter(
                item_id=OuterRef("pk"), department_id__in=department_ids
            )
        )
    )
    if role == DepartmentRole.LEAD:
        return lead
    if role == DepartmentRole.COOPERATING:
        return cooperating
    return lead | cooperating


def cooperations_prefetch() -> Prefetch:
    """The prefetch of an item's cooperating departments in their order, with names."""
    return Prefetch(
        "cooperations",
        queryset=DutyItemCooperation.objects.select_related("department").order_by(
            "position", "id"
        ),
    )


def applies_to_villages(villages: Mapping[int, Place]) -> Q:
    """Q for items of a village-level list (村(社区) or 网格) that apply to any of
    ``villages`` (``{village id: Place}``, all of one county).

    The one place that says which village-level items apply to a village: to every
    unit, to the village's township, or to the village by name, and only to the
    village's kind (村 or 社区) when the item names one (``applies_to_village``).
    """
    condition = Q(pk__in=[])
    for village_id, place in sorted(villages.items()):
        condition |= _applies_to_place(village_id, place.township_id, place.village_kind)
    return condition


def duty_item_scope(user) -> Q:
    """Return the Q selecting every item ``user`` may see, in any state.

    Reads the user's scope (``organisations.permissions.unit_scope``, kept on the user
    object) to build the condition: no query once the scope is read (at most one for a
    village user's or grid worker's places, the first time).
    """
    county_ids = org_permissions.county_ids_visible_to(user)
    townships = org_permissions.township_counties_visible_to(user)
    scope = Q(duty_list__county_id__in=sorted(county_ids))
    for county_id in sorted(set(townships.values()) - county_ids):
        ids = sorted(pk for pk, county in townships.items() if county == county_id)
        scope |= Q(duty_list__county_id=county_id) & applies_to_townships(ids)
    own_villages = org_permissions.village_places_visible_to(user).values()
    grid_villages = org_permissions.grid_places_visible_to(user).values()
    for level, places in ((Level.VILLAGE, own_villages), (Level.GRID, grid_villages)):
        for county_id, villages in _villages_by_county(places).items():
            if county_id not in county_ids:
                scope |= Q(
                    duty_list__county_id=county_id, duty_list__level=level
                ) & applies_to_villages(villages)
    return scope


def _villages_by_county(places) -> dict[int, dict[int, Place]]:
    by_county: dict[int, dict[int, Place]] = {}
    for place in sorted(places):
        by_county.setdefault(place.county_id, {})[place.village_id] = place
    return by_county


def duty_item_list(user) -> QuerySet[DutyItem]:
    """Items ``user`` may see (any status), with what a list page shows preloaded.

    The queryset is ordered by list and code and runs a fixed number of queries
    whatever its length (lead department, category and list joined; townships,
    villages and cooperating departments prefetched).
    """
    return (
        DutyItem.objects.filter(duty_item_scope(user))
        .select_related(
            "duty_list", "duty_list__county", "lead_department", "category", "category__parent"
        )
        .prefetch_related("townships", "villages", cooperations_prefetch())
        .order_by("duty_list__level", "code")
    )


def duty_item_rows(user) -> QuerySet[DutyItem]:
    """``duty_item_list`` for a page of rows: the same items and order, with the
    townships, villages and cooperations of each item as plain lists in
    ``listed_townships``, ``listed_villages`` and ``listed_cooperations`` instead of
    prefetched managers (Django builds a queryset per item and relation for those, a
    noticeable part of a 50-row page). Runs the same fixed number of queries."""
    return (
        duty_item_list(user)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("townships", to_attr="listed_townships"),
            Prefetch("villages", to_attr="listed_villages"),
            Prefetch(
                "cooperations",
                queryset=cooperations_prefetch().queryset,
                to_attr="listed_cooperations",
            ),
        )
    )


def duty_item_get(user, pk: int) -> DutyItem:
    """Return the item ``pk`` if ``user`` may see it.

    Raises ``Http404`` if there is no such item and ``PermissionDenied`` if it exists
    but lies outside the user's scope (another county, or a township it does not
    apply to).
    """
    item = (
        DutyItem.objects.select_related(
            "duty_list", "duty_list__county", "lead_department", "category", "category__parent"
        )
        .prefetch_related("townships", "villages", cooperations_prefetch())
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("没有该事项。")
    if not DutyItem.objects.filter(duty_item_scope(user), pk=pk).exists():
        raise PermissionDenied("您无权查看该事项。")
    return item


def counties_of_user(user) -> QuerySet[County]:
    """Counties in which ``user`` sees anything: whole lists, or a township's items."""
    county_ids = set(org_permissions.county_ids_visible_to(user))
    county_ids.update(org_permissions.township_counties_visible_to(user).values())
    return County.objects.filter(pk__in=sorted(county_ids)).order_by("code")


def township_filter_choices(user) -> QuerySet[Township]:
    """Townships a user may filter the lists by: all of their counties', or their own."""
    counties = sorted(org_permissions.county_ids_visible_to(user))
    own = sorted(org_permissions.township_ids_visible_to(user))
    return (
        Township.objects.filter(Q(county_id__in=counties) | Q(pk__in=own))
        .select_related("county")
        .order_by("county__code", "code")
    )


def category_filter_choices(user) -> QuerySet[Category]:
    """Categories of the counties in which ``user`` sees anything, parents before their
    sub-categories."""
    county_ids = set(org_permissions.county_ids_visible_to(user))
    county_ids.update(org_permissions.township_counties_visible_to(user).values())
    return category_choices(county_ids)


def category_choices(county_ids) -> QuerySet[Category]:
    """The categories of ``county_ids`` (one id or several), ordered by county, then
    each top-level category followed by its sub-categories."""
    if isinstance(county_ids, int):
        county_ids = [county_ids]
    return (
        Category.objects.filter(county_id__in=sorted(county_ids))
        .select_related("parent")
        .order_by(
            "county__code",
            "county_id",
            Coalesce("parent__position", "position"),
            Coalesce("parent__code", "code"),
            F("parent_id").asc(nulls_first=True),
            "position",
            "code",
        )
    )


def department_filter_choices(user) -> QuerySet[Department]:
    """Departments of the counties in which ``user`` sees anything."""
    county_ids = set(org_permissions.county_ids_visible_to(user))
    county_ids.update(org_permissions.township_counties_visible_to(user).values())
    return Department.objects.filter(county_id__in=sorted(county_ids)).order_by(
        "county__code", "code"
    )


def duty_list_get(user, *, county: County, level: str) -> DutyList | None:
    """The county's list of ``level`` if ``user`` sees anything in that county, else None.

    Raises ``PermissionDenied`` if ``user`` sees nothing in ``county``.
    """
    if not _sees_county(user, county.pk):
        raise PermissionDenied("您无权查看该县的清单。")
    return DutyList.objects.filter(county=county, level=level).select_related("county").first()


def township_scope_of(user, county: County) -> list[Township] | None:
    """Townships ``user`` is limited to in ``county``; ``None`` if it sees whole lists."""
    if county.pk in org_permissions.county_ids_visible_to(user):
        return None
    own = org_permissions.township_counties_visible_to(user)
    return list(
        Township.objects.filter(
            pk__in=sorted(pk for pk, county_id in own.items() if county_id == county.pk)
        )
    )


def _sees_county(user, county_id: int) -> bool:
    own_townships = org_permissions.township_counties_visible_to(user)
    return county_id in org_permissions.county_ids_visible_to(user) or (
        county_id in own_townships.values()
    )


@dataclass(frozen=True)
class OwnList:
    """One village-level list (村(社区) or 网格) as a village user or grid worker reads
    it (我的清单): the list, the names of the user's villages or grids it is read for,
    and its items in force that apply there, by code."""

    duty_list: DutyList
    unit_names: tuple[str, ...]
    items: tuple[DutyItem, ...]


def reads_only_own_lists(user) -> bool:
    """True if ``user`` reads lists only as a village user or grid worker (no county,
    department or township role, and not a superuser): their lists page is 我的清单.
    No query once the user's scope is read."""
    if not user.is_authenticated or user.is_superuser:
        return False
    wider = (
        org_permissions.county_ids_visible_to(user)
        or org_permissions.township_ids_visible_to(user)
        or org_permissions.department_ids_acted_for_by(user)
    )
    own = org_permissions.village_ids_visible_to(user) or org_permissions.grid_ids_visible_to(user)
    return bool(own) and not wider


def own_lists(user, *, words=()) -> list[OwnList]:
    """The village and grid lists ``user`` reads as a village user (the village list of
    its village) or grid worker (the grid list of its grid's village), each with its
    items in force that apply there and contain every one of ``words`` (in code, title,
    responsibilities or basis), in list and code order.

    Runs a fixed number of queries whatever the number of items: the user's places and
    their names, the items with their list and lead department, their townships.
    """
    villages = org_permissions.village_places_visible_to(user)
    grids = org_permissions.grid_places_visible_to(user)
    names: dict[tuple[int, str], list[str]] = {}
    for model, places, level in ((Village, villages, Level.VILLAGE), (Grid, grids, Level.GRID)):
        if places:
            rows = model.objects.filter(pk__in=sorted(places)).order_by("code")
            for pk, name in rows.values_list("pk", "name"):
                names.setdefault((places[pk].county_id, level), []).append(name)
    if not names:
        return []
    wanted = Q(pk__in=[])
    for county_id, level in names:
        wanted |= Q(duty_list__county_id=county_id, duty_list__level=level)
    items = duty_item_list(user).filter(wanted, status=ItemStatus.IN_FORCE)
    for word in words:
        items = items.filter(
            Q(code__icontains=word)
            | Q(title__icontains=word)
            | Q(department_responsibilities__icontains=word)
            | Q(local_responsibilities__icontains=word)
            | Q(basis__icontains=word)
        )
    by_list: dict[int, list[DutyItem]] = {}
    lists: dict[tuple[int, str], DutyList] = {}
    for item in items.order_by("duty_list__county_id", "duty_list__level", "code"):
        by_list.setdefault(item.duty_list_id, []).append(item)
        lists[(item.duty_list.county_id, item.duty_list.level)] = item.duty_list
    missing = [key for key in names if key not in lists]
    if missing:
        condition = Q(pk__in=[])
        for county_id, level in missing:
            condition |= Q(county_id=county_id, level=level)
        for duty_list in DutyList.objects.filter(condition).select_related("county"):
            lists[(duty_list.county_id, duty_list.level)] = duty_list
    return [
        OwnList(
            duty_list=lists[key],
            unit_names=tuple(names[key]),
            items=tuple(by_list.get(lists[key].pk, ())),
        )
        for key in sorted(names, key=lambda key: (key[0], key[1] != Level.VILLAGE))
        if key in lists
    ]
