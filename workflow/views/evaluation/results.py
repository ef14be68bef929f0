"""The results of a round: heat maps, rankings (bar charts drawn by the vendored
Chart.js, each also as a table), missing and flagged sheets, and the Excel export. The
county office sees its county's rounds at every stage; a unit's user sees a published
round's results about its unit and the sheets it filled."""

from decimal import ROUND_HALF_UP, Decimal
from html import escape
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views import generic

from evaluation import export, results
from evaluation.models import SheetState

from .rounds import round_get


def round_results_for(user, pk: int) -> results.RoundResults:
    """The results of round ``pk`` as ``user`` may see them.

    Raises ``Http404`` (unknown round) or ``PermissionDenied`` (another county, or a
    unit's user before publication).
    """
    evaluation_round = round_get(user, pk)
    return results.round_results(results.audience_of(user), evaluation_round)


def chart_data(data: results.RoundResults) -> dict:
    """The rankings as Chart.js bar chart data (labels and totals, best first)."""
    return {
        key: {
            "labels": [row.name for row in rows],
            "totals": [float(row.total) for row in rows],
        }
        for key, rows in (
            ("departments", data.department_ranking),
            ("townships", data.township_ranking),
        )
    }


def heat_maps(data: results.RoundResults) -> list[dict]:
    """The heat maps of the page: test id, caption, ``(department, cells)`` rows and
    ``body``, the rows as HTML (``heat_map_body``); a unit's user only gets the direction
    its unit rated."""
    maps = [
        {
            "testid": "heat-received",
            "caption": "乡镇(街道)评价部门：行为被评部门，列为评价的乡镇(街道)",
            "rows": [(row.department, row.received) for row in data.rows],
        },
        {
            "testid": "heat-given",
            "caption": "部门评价乡镇(街道)：行为评价的部门，列为被评乡镇(街道)",
            "rows": [(row.department, row.given) for row in data.rows],
        },
    ]
    if not data.is_whole:
        maps = [m for m in maps if any(cell for _, cells in m["rows"] for cell in cells)]
    for heat in maps:
        heat["body"] = heat_map_body(heat["rows"])
    return maps


_EMPTY_CELL = '<td class="qd-muted" title="无评分表">·</td>'
_STATE_MARKS = {SheetState.MISSING: "缺", SheetState.DRAFT: "稿"}
_TENTH = Decimal("0.1")


def heat_map_body(rows: list) -> SafeString:
    """The ``<tr>`` rows of a heat map (``(department, cells)`` pairs) as HTML.

    A cell with a total shows it to one decimal (rounded half up, as ``floatformat:1``)
    on its colour, outlined with its flags as a tooltip when flagged; a sheet without
    a total shows 缺 (missing), 稿 (draft) or — with its state as the tooltip; no sheet
    shows ·. Built in one pass: a county's 35 × 32 matrix, cell by cell in the template
    language, took most of the page's time.
    """
    separator = formats.get_format("DECIMAL_SEPARATOR")
    parts = []
    for department, cells in rows:
        parts.append(f'<tr><th scope="row">{escape(department.name)}</th>')
        for cell in cells:
            if cell is None:
                parts.append(_EMPTY_CELL)
            elif cell.total is not None:
                total = str(cell.total.quantize(_TENTH, rounding=ROUND_HALF_UP))
                flagged = (
                    f' class="qd-flagged" title="{escape("；".join(cell.flags))}"'
                    if cell.flags
                    else ""
                )
                parts.append(
                    f'<td style="background:{escape(cell.colour)}"{flagged}>'
                    f"{total.replace('.', separator)}</td>"
                )
            else:
                mark = _STATE_MARKS.get(cell.state, "—")
                parts.append(f'<td class="qd-muted" title="{escape(cell.state_label)}">{mark}</td>')
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def chart_height(rows: list) -> int:
    """Pixels for a horizontal bar chart of ``rows`` bars."""
    return max(120, 22 * len(rows) + 48)


class RoundResultsView(generic.TemplateView):
    """The results page (a fixed number of queries whatever the round's size)."""

    template_name = "evaluation/round_results.html"

    def get_context_data(self, **kwargs):
        data = round_results_for(self.request.user, self.kwargs["pk"])
        return super().get_context_data(
            data=data,
            round=data.evaluation_round,
            chart_data=chart_data(data),
            heat_maps=heat_maps(data),
            department_chart_height=chart_height(data.department_ranking),
            township_chart_height=chart_height(data.township_ranking),
            **kwargs,
        )


class RoundResultsExportView(generic.View):
    """GET: the results as an Excel workbook, scoped like the page."""

    def get(self, request, pk):
        data = round_results_for(request.user, pk)
        response = HttpResponse(export.results_workbook(data), content_type=export.CONTENT_TYPE)
        name = slugify(data.evaluation_round.name, allow_unicode=True) or "results"
        response["Content-Disposition"] = (
            f"attachment; filename=\"evaluation-{pk}.xlsx\"; filename*=UTF-8''{quote(name)}.xlsx"
        )
        return response
