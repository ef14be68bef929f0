"""Reads of the current duty lists, scoped to what the user may see.

County office, county administrators and department users see every list of their
county; township users see only the items that apply to their township. Nobody sees
another county's lists. Historical reads (as of a date, diffs, item history) live in
``duty_lists.snapshots``.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from organisations import permissions as org_permissions
from organisations.models import County, Department, Township, Village

from .directory import DepartmentRole
from .models import Category, DutyItem, DutyItemCooperation, DutyList

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
    named = _Applicability.objects.filter(
        dutyitem_id=OuterRef("pk"), township_id=village.township_id
    )
    by_name = _VillageApplicability.objects.filter(dutyitem_id=OuterRef("pk"), village=village)
    return (Q(village_kind="") | Q(village_kind=village.kind)) & (
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


def duty_item_scope(user) -> Q:
    """Return the Q selecting every item ``user`` may see, in any state.

    Reads the user's scope (``organisations.permissions.unit_scope``, kept on the user
    object) to build the condition: no query once the scope is read.
    """
    county_ids = org_permissions.county_ids_visible_to(user)
    townships = org_permissions.township_counties_visible_to(user)
    scope = Q(duty_list__county_id__in=sorted(county_ids))
    for county_id in sorted(set(townships.values()) - county_ids):
        ids = sorted(pk for pk, county in townships.items() if county == county_id)
        scope |= Q(duty_list__county_id=county_id) & applies_to_townships(ids)
    return scope


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
