"""Pages of the "三张清单" application: current lists, item detail and history, a list as
of a date, the changes between two dates, and the releases (发布版本): each release's
changes, the list as it issued it, and two releases compared. Every read goes through
``duty_lists.selectors`` / ``duty_lists.snapshots`` and is scoped to the user."""

import dataclasses
from functools import cached_property

from django.shortcuts import redirect
from django.urls import reverse
from django.views import generic
from viewflow.utils import viewprop
from viewflow.views import ListModelView

from config.listing import IdUrls
from organisations import permissions as org_permissions

from . import applicability, release_selectors, selectors, snapshots
from .columns import cooperation_text, resources_of
from .filters import DutyItemFilter
from .forms import AsOfForm, DiffForm, ReleaseCompareForm, default_initial
from .models import (
    DutyItem,
    Level,
    ReleaseChangeKind,
    local_responsibilities_label,
    primary_responsibility_label,
)


class DutyItemListView(ListModelView):
    """All items the user may see, filterable and searchable; items in force by default."""

    model = DutyItem
    title = "三张清单"
    filterset_class = DutyItemFilter
    columns = (
        "code",
        "item_title",
        "level",
        "category",
        "duty_type",
        "lead_department",
        "cooperating",
        "applicability",
        "effective_date",
        "item_status",
    )
    object_link_columns = ("code", "item_title")
    search_fields = [
        "code",
        "title",
        "department_responsibilities",
        "local_responsibilities",
        "basis",
        "remarks",
        "guidance_code",
    ]
    paginate_by = 50
    template_name = "duty_lists/dutyitem_list.html"

    def get(self, request, *args, **kwargs):
        # Village users and grid workers read their own list on a phone page.
        if selectors.reads_only_own_lists(request.user):
            return redirect("lists:mine")
        return super().get(request, *args, **kwargs)

    @viewprop
    def queryset(self):
        return selectors.duty_item_rows(self.request.user)

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated

    def get_object_url(self, obj):
        return self.detail_urls(obj.pk)

    @cached_property
    def detail_urls(self) -> IdUrls:
        return IdUrls(lambda pk: reverse("lists:detail", kwargs={"pk": pk}))

    def item_title(self, obj):
        return obj.title

    item_title.short_description = "事项名称"
    item_title.orderby_column = "title"

    def level(self, obj):
        return obj.duty_list.get_level_display()

    level.short_description = "清单层级"

    def cooperating(self, obj):
        return "、".join(row.department.name for row in obj.listed_cooperations)

    cooperating.short_description = "协同部门"

    def item_status(self, obj):
        return obj.status_text()

    item_status.short_description = "状态"
    item_status.orderby_column = "status"

    def applicability(self, obj):
        return applicability.short_label(
            applies_to_all=obj.applies_to_all,
            township_names=[t.name for t in obj.listed_townships],
            village_names=[v.name for v in obj.listed_villages],
            village_kind=obj.village_kind,
        )

    applicability.short_description = "适用范围"


def item_applicability(item: DutyItem) -> str:
    """The short applicability label of a current item (its units prefetched)."""
    return applicability.short_label(
        applies_to_all=item.applies_to_all,
        township_names=[t.name for t in item.townships.all()],
        village_names=[v.name for v in item.villages.all()],
        village_kind=item.village_kind,
    )


class MyListView(generic.TemplateView):
    """我的清单: the village list of a village user's village, the grid list of a grid
    worker's grid (its village's items), as cards made for a phone, searchable."""

    template_name = "duty_lists/my_list.html"
    max_words = 5

    def get_context_data(self, **kwargs):
        user = self.request.user
        query = self.request.GET.get("q", "").strip()[:100]
        words = query.split()[: self.max_words]
        return super().get_context_data(
            lists=selectors.own_lists(user, words=words),
            query=query,
            may_report=bool(org_permissions.village_ids_acted_for_by(user)),
            **kwargs,
        )


class DutyItemDetailView(generic.TemplateView):
    """One item with every field and its full history (who, when, what, why)."""

    template_name = "duty_lists/dutyitem_detail.html"

    def get_context_data(self, **kwargs):
        item = selectors.duty_item_get(self.request.user, self.kwargs["pk"])
        level = item.duty_list.level
        return super().get_context_data(
            item=item,
            applicability=item_applicability(item),
            local_label=local_responsibilities_label(level),
            primary_label=primary_responsibility_label(item.primary_responsibility, level),
            cooperation=cooperation_text(
                (row.department.name, row.responsibilities) for row in item.cooperations.all()
            ),
            resources=resources_of(item).lines(),
            history=snapshots.item_history(item),
            **kwargs,
        )


class _ListQueryView(generic.TemplateView):
    form_class = None

    def get_form(self):
        counties = selectors.counties_of_user(self.request.user)
        data = self.request.GET if "level" in self.request.GET else None
        return self.form_class(data, counties=counties, initial=default_initial(counties))


class DutyListAsOfView(_ListQueryView):
    """A list as it stood on a past date; township users see their township's items."""

    template_name = "duty_lists/dutylist_as_of.html"
    form_class = AsOfForm

    def get_context_data(self, **kwargs):
        form = self.get_form()
        context = {"form": form, "snapshots": None}
        if form.is_valid():
            data = form.cleaned_data
            context.update(
                snapshots=as_of_for_user(
                    self.request.user, data["county"], data["level"], data["on_date"]
                ),
                on_date=data["on_date"],
                level_label=Level(data["level"]).label,
                county=data["county"],
            )
        return super().get_context_data(**context, **kwargs)


def as_of_for_user(user, county, level, on_date) -> list:
    """The snapshots of ``county``'s ``level`` list on ``on_date`` that ``user`` may see.

    Raises ``PermissionDenied`` if the user sees nothing in ``county``.
    """
    duty_list = selectors.duty_list_get(user, county=county, level=level)
    if duty_list is None:
        return []
    townships = selectors.township_scope_of(user, county)
    if townships is None:
        return snapshots.items_as_of(duty_list, on_date)
    seen, result = set(), []
    for township in townships:
        for snapshot in snapshots.items_as_of_for_township(township, level, on_date):
            if snapshot.item_id not in seen:
                seen.add(snapshot.item_id)
                result.append(snapshot)
    return sorted(result, key=lambda snapshot: snapshot.code)


class DutyListDiffView(_ListQueryView):
    """What was added, withdrawn and changed in a list between two dates."""

    template_name = "duty_lists/dutylist_diff.html"
    form_class = DiffForm

    def get_context_data(self, **kwargs):
        form = self.get_form()
        context = {"form": form, "diff": None}
        if form.is_valid():
            data = form.cleaned_data
            user = self.request.user
            duty_list = selectors.duty_list_get(user, county=data["county"], level=data["level"])
            if duty_list is not None:
                diff = snapshots.duty_list_diff(duty_list, data["date_from"], data["date_to"])
                townships = selectors.township_scope_of(user, data["county"])
                if townships is not None:
                    diff = diff_for_townships(diff, {t.pk for t in townships})
                context["diff"] = diff
            context.update(
                date_from=data["date_from"],
                date_to=data["date_to"],
                level_label=Level(data["level"]).label,
                county=data["county"],
            )
        return super().get_context_data(**context, **kwargs)


def _applies(snapshot, township_ids: set[int]) -> bool:
    return snapshot is not None and snapshot.applies_to_any(township_ids)


def diff_for_townships(diff, township_ids: set[int]):
    """The part of ``diff`` a township user may see: entries whose item applied to one of
    ``township_ids`` at either date. Returns a new ``ListDiff``."""
    return dataclasses.replace(
        diff,
        added=tuple(s for s in diff.added if _applies(s, township_ids)),
        withdrawn=tuple(w for w in diff.withdrawn if _applies(w.before, township_ids)),
        changed=tuple(
            c
            for c in diff.changed
            if _applies(c.before, township_ids) or _applies(c.after, township_ids)
        ),
    )


class ReleaseListView(generic.TemplateView):
    """发布版本: every release of the lists the user may see, grouped by list, with a
    form to compare two releases of a list."""

    template_name = "duty_lists/release_list.html"

    def get_context_data(self, **kwargs):
        groups: dict = {}
        for release in release_selectors.release_list(self.request.user):
            groups.setdefault(release.duty_list, []).append(release)
        return super().get_context_data(groups=list(groups.items()), **kwargs)


class ReleaseDetailView(generic.TemplateView):
    """One release: its 文号, body, dates and the items it added, amended or withdrew
    (for a township user: those that applied to its township)."""

    template_name = "duty_lists/release_detail.html"

    def get_context_data(self, **kwargs):
        release = release_selectors.release_get(self.request.user, self.kwargs["pk"])
        versions = release_selectors.release_versions(self.request.user, release)
        return super().get_context_data(
            release=release,
            previous=release_selectors.previous_release(release),
            added=[v for v in versions if v.kind == ReleaseChangeKind.ADDED],
            amended=[v for v in versions if v.kind == ReleaseChangeKind.AMENDED],
            withdrawn=[v for v in versions if v.kind == ReleaseChangeKind.WITHDRAWN],
            **kwargs,
        )


class ReleaseItemsView(generic.TemplateView):
    """The list as a release issued it (清单 as of the release)."""

    template_name = "duty_lists/release_items.html"

    def get_context_data(self, **kwargs):
        release = release_selectors.release_get(self.request.user, self.kwargs["pk"])
        return super().get_context_data(
            release=release,
            snapshots=release_selectors.release_items(self.request.user, release),
            **kwargs,
        )


class ReleaseCompareView(generic.TemplateView):
    """What changed in a list from one release to another (版本对比)."""

    template_name = "duty_lists/release_compare.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        releases = release_selectors.release_list(user)
        data = self.request.GET if "first" in self.request.GET else None
        form = ReleaseCompareForm(data, releases=releases)
        context = {"form": form, "diff": None}
        if form.is_valid():
            first, second = sorted(
                (form.cleaned_data["first"], form.cleaned_data["second"]), key=lambda r: r.number
            )
            context.update(
                diff=release_selectors.release_diff(user, first, second),
                first=first,
                second=second,
            )
        return super().get_context_data(**context, **kwargs)
