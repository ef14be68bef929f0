"""Reads of the public pages: only what a county publishes, only when it publishes.

Public means the lists in force, their items' public fields and public change history
(dates, kind of change, changed fields, the release 文号), the releases, and the names
of the county's townships and departments. Never requests, answers, people, user names,
evaluations or change reasons (a reason may name a request or a person).

Every function takes a county that ``public_county_get`` returned, so a county whose
public pages are switched off (流程设置 · 公开清单页面) is never read. Each runs a fixed
number of queries whatever the number of items, records or releases.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from duty_lists import applicability, snapshots
from duty_lists.directory import DepartmentItem, department_item_counts, department_items
from duty_lists.models import DutyItem, DutyList, Level, Release, ReleaseChange, ReleaseChangeKind
from duty_lists.search import SearchResult, search_items
from organisations.models import County, Department, Township
from workflow.deadlines import county_settings

LEVEL_ORDER = (Level.TOWNSHIP, Level.VILLAGE, Level.GRID)
HistoricalDutyItem = DutyItem.history.model


def public_counties() -> QuerySet[County]:
    """Counties whose public pages are on (no settings row means on), by code. One query."""
    return County.objects.filter(
        Q(workflow_settings__isnull=True) | Q(workflow_settings__public_pages=True)
    ).order_by("code")


def public_county_get(code: str) -> County:
    """Return the county with ``code`` if its public pages are on.

    Raises ``Http404`` when there is no such county or it has switched its public pages
    off, so that such a county shows nothing on any public URL. Two queries.
    """
    county = County.objects.filter(code=code).first()
    if county is None or not county_settings(county).public_pages:
        raise Http404("该县未公开清单。")
    return county


@dataclass(frozen=True)
class PublicList:
    """One of a county's lists with its items in force on a date (sorted by code)."""

    duty_list: DutyList
    level: str
    level_label: str
    items: list

    @property
    def title(self) -> str:
        """The list's name, e.g. "清河县乡镇(街道)履行职责事项清单"."""
        return f"{self.duty_list.county.name}{self.level_label}履行职责事项清单"


def county_lists(county: County) -> list[DutyList]:
    """The county's lists in the order 乡镇(街道), 村(社区), 网格. One query."""
    found = {
        duty_list.level: duty_list
        for duty_list in DutyList.objects.filter(county=county).select_related("county")
    }
    return [found[level] for level in LEVEL_ORDER if level in found]


def county_list_get(county: County, level: str) -> DutyList:
    """The county's list of ``level``; raises ``Http404`` for an unknown level or a
    list the county does not have. One query."""
    if level not in Level.values:
        raise Http404("没有该层级的清单。")
    duty_list = DutyList.objects.filter(county=county, level=level).select_related("county")
    found = duty_list.first()
    if found is None:
        raise Http404("该县没有该层级的清单。")
    return found


def lists_in_force(
    county: County, on_date: datetime.date | None = None, *, levels=LEVEL_ORDER
) -> list[PublicList]:
    """The county's lists of ``levels`` with their items in force on ``on_date``
    (default today). At most 1 + 2 × len(levels) queries."""
    on_date = on_date or timezone.localdate()
    return [
        PublicList(
            duty_list=duty_list,
            level=duty_list.level,
            level_label=duty_list.get_level_display(),
            items=snapshots.items_as_of(duty_list, on_date),
        )
        for duty_list in county_lists(county)
        if duty_list.level in levels
    ]


def township_get(county: County, code: str) -> Township:
    """The county's township with ``code``; raises ``Http404`` otherwise. One query."""
    township = Township.objects.filter(county=county, code=code).first()
    if township is None:
        raise Http404("没有该乡镇(街道)。")
    return township


def department_get(county: County, code: str) -> Department:
    """The county's department with ``code``; raises ``Http404`` otherwise. One query."""
    department = Department.objects.filter(county=county, code=code).first()
    if department is None:
        raise Http404("没有该部门。")
    return department


def county_townships(county: County) -> list[Township]:
    """The county's townships by code. One query."""
    return list(Township.objects.filter(county=county).order_by("code"))


@dataclass(frozen=True)
class DirectoryEntry:
    """A department and how many items in force it has a role in (all lists)."""

    department: Department
    item_count: int


def county_directory(county: County, lists: list[PublicList]) -> list[DirectoryEntry]:
    """The county's departments by code, each with the number of items of ``lists`` it
    has a role in (部门目录). One query."""
    counts = department_item_counts(item for public_list in lists for item in public_list.items)
    return [
        DirectoryEntry(department=department, item_count=counts.get(department.pk, 0))
        for department in Department.objects.filter(county=county).order_by("code")
    ]


def township_lists(lists: list[PublicList], township: Township) -> list[PublicList]:
    """``lists`` cut to the items that apply to ``township`` (一乡一单). No query."""
    return [
        PublicList(
            duty_list=entry.duty_list,
            level=entry.level,
            level_label=entry.level_label,
            items=[item for item in entry.items if item.applies_to(township)],
        )
        for entry in lists
    ]


@dataclass(frozen=True)
class DepartmentList:
    """One list's items in which a department has a role, with the role."""

    duty_list: DutyList
    level: str
    level_label: str
    entries: list[DepartmentItem]


def department_lists(lists: list[PublicList], department: Department) -> list[DepartmentList]:
    """``lists`` cut to the items ``department`` has a role in (部门目录). No query."""
    return [
        DepartmentList(
            duty_list=entry.duty_list,
            level=entry.level,
            level_label=entry.level_label,
            entries=department_items(entry.items, department.pk),
        )
        for entry in lists
    ]


def item_get(county: County, item_id: int) -> DutyItem:
    """The county's item ``item_id`` (any status: a withdrawn item stays readable);
    raises ``Http404`` otherwise. One query."""
    item = (
        DutyItem.objects.filter(pk=item_id, duty_list__county=county)
        .select_related("duty_list", "duty_list__county")
        .first()
    )
    if item is None:
        raise Http404("没有该事项。")
    return item


@dataclass(frozen=True)
class PublicHistoryEntry:
    """One published change of an item: its date, kind (新增/修改/取消), the fields it
    changed and, when it was issued in a release, that release."""

    date: datetime.date
    kind: str
    changes: tuple
    release: Release | None


@dataclass(frozen=True)
class PublicItem:
    """An item's current version (``current``, an ``ItemSnapshot``) and its public
    history, oldest first."""

    item_id: int
    duty_list: DutyList
    current: object
    history: list[PublicHistoryEntry]

    @property
    def in_force_today(self) -> bool:
        """True if the current version is in force today."""
        return self.current.is_in_force_on(timezone.localdate())


def public_item(item: DutyItem) -> PublicItem:
    """``item`` with its public history: dates, kinds, changed fields and release
    文号, without users or reasons. Three queries."""
    entries = snapshots.item_history(item)
    releases = {
        change.history_id: change.release
        for change in ReleaseChange.objects.filter(item=item).select_related("release")
    }
    history = [
        PublicHistoryEntry(
            date=timezone.localtime(entry.when).date(),
            kind=entry.kind,
            changes=entry.changes,
            release=releases.get(entry.history_id),
        )
        for entry in entries
    ]
    return PublicItem(
        item_id=item.pk, duty_list=item.duty_list, current=entries[-1].snapshot, history=history
    )


def county_releases(county: County) -> list[Release]:
    """The county's releases, newest first, each with ``added``, ``amended`` and
    ``withdrawn`` counts. One query."""
    counted = {
        kind: Count("changes", filter=Q(changes__kind=kind))
        for kind in (
            ReleaseChangeKind.ADDED,
            ReleaseChangeKind.AMENDED,
            ReleaseChangeKind.WITHDRAWN,
        )
    }
    return list(
        Release.objects.filter(duty_list__county=county)
        .select_related("duty_list", "duty_list__county")
        .annotate(
            added=counted[ReleaseChangeKind.ADDED],
            amended=counted[ReleaseChangeKind.AMENDED],
            withdrawn=counted[ReleaseChangeKind.WITHDRAWN],
        )
        .order_by("-published_at", "-pk")
    )


def latest_releases(county: County) -> dict[int, Release]:
    """The latest release of each of the county's lists, by list id. One query."""
    newest = Release.objects.filter(duty_list=OuterRef("duty_list")).order_by("-number")
    releases = Release.objects.filter(
        duty_list__county=county, pk=Subquery(newest.values("pk")[:1])
    )
    return {release.duty_list_id: release for release in releases}


def release_get(county: County, release_id: int) -> Release:
    """The county's release ``release_id``; raises ``Http404`` otherwise. One query."""
    release = (
        Release.objects.filter(pk=release_id, duty_list__county=county)
        .select_related("duty_list", "duty_list__county")
        .first()
    )
    if release is None:
        raise Http404("没有该发布版本。")
    return release


def release_by_number(duty_list: DutyList, number: int) -> Release:
    """Release ``number`` of ``duty_list``; raises ``Http404`` otherwise. One query."""
    release = Release.objects.filter(duty_list=duty_list, number=number).first()
    if release is None:
        raise Http404("没有该发布版本。")
    return release


@dataclass(frozen=True)
class PublicReleaseChange:
    """One item a release changed, as that release issued it."""

    kind: str
    kind_label: str
    item_id: int
    code: str
    title: str
    lead_department_name: str


def release_changes(release: Release) -> list[PublicReleaseChange]:
    """What ``release`` added, amended and withdrew, by kind then code, each item as the
    release issued it. Two queries."""
    changes = list(release.changes.all())
    records = {
        record.history_id: record
        for record in HistoricalDutyItem.objects.filter(
            history_id__in=[change.history_id for change in changes]
        ).select_related("lead_department")
    }
    order = {kind: index for index, kind in enumerate(ReleaseChangeKind.values)}
    found = []
    for change in changes:
        record = records.get(change.history_id)
        if record is None:
            continue
        department = record.lead_department
        found.append(
            PublicReleaseChange(
                kind=change.kind,
                kind_label=change.get_kind_display(),
                item_id=change.item_id,
                code=record.code,
                title=record.title,
                lead_department_name=department.name if department else "",
            )
        )
    found.sort(key=lambda entry: (order[entry.kind], entry.code))
    return found


@dataclass(frozen=True)
class PublicMatch:
    """A search match with the list it is on and whom it applies to, in plain words."""

    item: object
    covers: bool
    fields: tuple[str, ...]
    level: str
    level_label: str
    applies_label: str
    applies_to_township: bool | None


@dataclass(frozen=True)
class PublicSearch:
    """The answer to "这件事在清单上吗？": matches best first, for one township or all."""

    query: str
    keywords: tuple[str, ...]
    township: Township | None
    matches: list[PublicMatch]

    @property
    def is_covered(self) -> bool:
        """True if an item contains every keyword (for the township, if one is chosen,
        an item that applies to it)."""
        return any(
            match.covers and match.applies_to_township is not False for match in self.matches
        )

    @property
    def covering(self) -> list[PublicMatch]:
        """Matches containing every keyword that apply to the township (or any)."""
        return [m for m in self.matches if m.covers and m.applies_to_township is not False]

    @property
    def elsewhere(self) -> list[PublicMatch]:
        """Matches containing every keyword that do not apply to the chosen township."""
        return [m for m in self.matches if m.covers and m.applies_to_township is False]

    @property
    def near(self) -> list[PublicMatch]:
        """Items that only look like the query (no item contains every keyword)."""
        return [m for m in self.matches if not m.covers]


def search(lists: list[PublicList], query: str, township: Township | None = None) -> PublicSearch:
    """Answer whether the duty ``query`` describes is on ``lists`` (see
    ``duty_lists.search``), saying for each match which list it is on and whom it
    applies to, and with ``township`` whether it applies to that township. Matches of
    equal score are listed 乡镇(街道) first, then 村(社区), then 网格. No query."""
    level_of = {entry.duty_list.pk: entry for entry in lists}
    result: SearchResult = search_items(query, (item for entry in lists for item in entry.items))
    level_rank = {level: index for index, level in enumerate(LEVEL_ORDER)}
    ranked = sorted(
        result.matches,
        key=lambda match: (
            -match.score,
            level_rank[level_of[match.item.duty_list_id].level],
            match.item.code,
        ),
    )
    matches = []
    for match in ranked:
        entry = level_of[match.item.duty_list_id]
        matches.append(
            PublicMatch(
                item=match.item,
                covers=match.covers,
                fields=match.fields,
                level=entry.level,
                level_label=entry.level_label,
                applies_label=applies_label(match.item, entry.level),
                applies_to_township=None if township is None else match.item.applies_to(township),
            )
        )
    return PublicSearch(query=query, keywords=result.keywords, township=township, matches=matches)


def applies_label(item, level: str) -> str:
    """Whom ``item`` applies to, in plain words: "全部乡镇(街道)", "全部村(社区)",
    "全部社区", "全部网格", the named townships ("城关街道、青石镇", followed by "的村(社区)"
    or "的网格" on those levels) and named villages (``applicability.long_label``)."""
    return applicability.long_label(
        level,
        applies_to_all=item.applies_to_all,
        township_names=item.township_names,
        village_names=item.village_names,
        village_kind=item.village_kind,
    )
