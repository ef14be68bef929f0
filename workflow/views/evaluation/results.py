"""The results of a round: heat maps, rankings (bar charts drawn by the vendored
Chart.js, each also as a table), missing and flagged sheets, and the Excel export. The
county office sees its county's rounds at every stage; a unit's user sees a published
round's results about its unit and the sheets it filled."""

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.text import slugify
from django.views import generic

from evaluation import export, results

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
    """The heat maps of the page: test id, caption and ``(department, cells)`` rows; a
    unit's user only gets the direction its unit rated."""
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
    if data.is_whole:
        return maps
    return [m for m in maps if any(cell for _, cells in m["rows"] for cell in cells)]


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
