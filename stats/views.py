"""统计分析 pages: an overview, one page per figure (each chart beside its table) and
the Excel export of every table.

Who reads which counties: ``stats.permissions.stats_county_ids``. A user who reads none
gets 403; a county outside the user's scope (``?county=``) is not found (404).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views import generic

from . import export
from .figures import FIGURES, FIGURES_BY_KEY, all_tables
from .permissions import stats_county_ids
from .selectors import StatsScope, stats_scope

audit_log = logging.getLogger("qingdan.audit")


def scope_for(request) -> tuple[StatsScope, dict[int, str], int | None]:
    """The counties the request shows: ``(scope, every county the user reads by id,
    the selected county id or None)``. Raises ``PermissionDenied`` for a user who reads
    no county's statistics and ``Http404`` for a ``county`` outside the user's."""
    county_ids = stats_county_ids(request.user)
    if not county_ids:
        audit_log.warning("denied: %s may not read statistics", request.user)
        raise PermissionDenied("您无权查看统计分析。")
    everything = stats_scope(county_ids)
    selected = request.GET.get("county", "")
    if not selected:
        return everything, everything.counties, None
    if not selected.isdigit() or int(selected) not in everything.counties:
        raise Http404("没有该县(市、区)的统计。")
    county_id = int(selected)
    scope = StatsScope(counties={county_id: everything.counties[county_id]}, now=everything.now)
    return scope, everything.counties, county_id


class StatsMixin:
    """Context shared by the statistics pages: the scope, the county filter and the
    figure menu."""

    def dispatch(self, request, *args, **kwargs):
        self.scope, self.readable, self.selected = scope_for(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            scope=self.scope,
            readable=self.readable,
            selected=self.selected,
            figures=FIGURES,
            query=f"?county={self.selected}" if self.selected else "",
            heading="、".join(self.scope.counties.values()),
            **kwargs,
        )


class StatsIndexView(StatsMixin, generic.TemplateView):
    """The overview: the counties shown, a county filter, the pages and the export."""

    template_name = "stats/index.html"


class StatsFigureView(StatsMixin, generic.TemplateView):
    """One page of figures: every table with its chart beside it."""

    template_name = "stats/figure.html"

    def get_context_data(self, **kwargs):
        key = kwargs.pop("figure")
        figure = FIGURES_BY_KEY.get(key)
        if figure is None:
            raise Http404("没有该统计。")
        tables = figure.compute(self.scope)
        return super().get_context_data(
            figure=figure,
            tables=[(table, table.chart(), _cells(table)) for table in tables],
            **kwargs,
        )


def _cells(table) -> list[list[tuple]]:
    """The rows of ``table`` as ``(value, is a row label, is a number)`` cells."""
    return [
        [
            (value, index in table.label_columns, isinstance(value, int | float))
            for index, value in enumerate(row)
        ]
        for row in table.rows
    ]


class StatsExportView(generic.View):
    """GET: every table of every page as one Excel workbook (one sheet per table)."""

    def get(self, request, *args, **kwargs):
        scope, _, _ = scope_for(request)
        heading = "、".join(scope.counties.values())
        content = export.tables_workbook(all_tables(scope), heading=heading)
        response = HttpResponse(content, content_type=export.CONTENT_TYPE)
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="stats-{stamp}.xlsx"'
        return response
