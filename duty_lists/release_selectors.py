"""Reads of releases (发布版本), scoped like the lists: whoever sees anything of a
county sees its lists' releases; a township user sees, within a release, only the items
that applied to its township before or after."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, QuerySet, When
from django.http import Http404

from . import snapshots
from .models import DutyList, Level, Release
from .selectors import counties_of_user, township_scope_of


def releases_visible_to(user) -> QuerySet[Release]:
    """Releases of the lists of every county in which ``user`` sees anything."""
    return Release.objects.filter(duty_list__county__in=counties_of_user(user))


def release_list(user, *, duty_list: DutyList | None = None) -> QuerySet[Release]:
    """The releases ``user`` may see (of ``duty_list`` only, if given), by county, level
    (乡镇(街道), 村(社区), 网格) and newest first, each with its list, county and
    ``change_count``; one query for any number.

    Raises ``PermissionDenied`` if ``duty_list`` is given and ``user`` sees nothing of
    its county.
    """
    releases = releases_visible_to(user)
    if duty_list is not None:
        if not counties_of_user(user).filter(pk=duty_list.county_id).exists():
            raise PermissionDenied("您无权查看该清单的发布版本。")
        releases = releases.filter(duty_list=duty_list)
    level_order = Case(
        *(When(duty_list__level=level, then=index) for index, level in enumerate(Level.values)),
        output_field=IntegerField(),
    )
    return (
        releases.select_related("duty_list__county", "published_by")
        .annotate(change_count=Count("changes"), level_order=level_order)
        .order_by("duty_list__county__code", "level_order", "-number")
    )


def release_get(user, pk: int) -> Release:
    """Release ``pk`` with its list and county. Raises ``Http404`` if there is none and
    ``PermissionDenied`` if ``user`` sees nothing of its county."""
    release = (
        Release.objects.select_related("duty_list__county", "published_by").filter(pk=pk).first()
    )
    if release is None:
        raise Http404("没有该发布版本。")
    if not counties_of_user(user).filter(pk=release.duty_list.county_id).exists():
        raise PermissionDenied("您无权查看该发布版本。")
    return release


def previous_release(release: Release) -> Release | None:
    """The release of the same list just before ``release``, or ``None``."""
    return (
        Release.objects.filter(duty_list_id=release.duty_list_id, number__lt=release.number)
        .order_by("-number")
        .first()
    )


def _township_ids(user, release: Release) -> set[int] | None:
    townships = township_scope_of(user, release.duty_list.county)
    return None if townships is None else {township.pk for township in townships}


def _applies(snapshot, township_ids: set[int]) -> bool:
    return snapshot is not None and snapshot.applies_to_any(township_ids)


def release_versions(user, release: Release) -> list[snapshots.ReleasedVersion]:
    """The items ``release`` added, amended or withdrew, as ``user`` may see them: each
    with the version issued, the previous release's version and the differences.
    A fixed number of queries."""
    history_ids = dict(release.changes.values_list("history_id", "kind"))
    previous = previous_release(release)
    versions = snapshots.released_versions(
        history_ids, previous.published_at if previous is not None else None
    )
    township_ids = _township_ids(user, release)
    if township_ids is None:
        return versions
    return [
        v for v in versions if _applies(v.before, township_ids) or _applies(v.after, township_ids)
    ]


def release_items(user, release: Release) -> list[snapshots.ItemSnapshot]:
    """The list as ``release`` issued it (every item on it, read on its effective date),
    as ``user`` may see it."""
    items = snapshots.items_as_of_moment(
        release.duty_list, _just_after(release), release.effective_date
    )
    township_ids = _township_ids(user, release)
    if township_ids is None:
        return items
    return [item for item in items if _applies(item, township_ids)]


def release_diff(user, first: Release, second: Release) -> snapshots.ListDiff:
    """What changed in a list from release ``first`` to release ``second`` (of the same
    list, ``first`` the earlier), as ``user`` may see it. Raises ``ValueError`` when they
    are of different lists."""
    if first.duty_list_id != second.duty_list_id:
        raise ValueError("releases of different lists cannot be compared")
    if first.number > second.number:
        first, second = second, first
    diff = snapshots.duty_list_diff_between(
        first.duty_list,
        cutoff_from=_just_after(first),
        on_from=first.effective_date,
        cutoff_to=_just_after(second),
        on_to=second.effective_date,
    )
    township_ids = _township_ids(user, first)
    if township_ids is None:
        return diff
    # Imported here: the views module imports this one.
    from .views import diff_for_townships

    return diff_for_townships(diff, township_ids)


def _just_after(release: Release) -> datetime.datetime:
    """The cutoff that includes every record made up to the release's publication."""
    return release.published_at + datetime.timedelta(microseconds=1)
