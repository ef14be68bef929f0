"""The results page: heat maps, rankings, missing and flagged sheets, scoped to the user,
in a fixed number of queries whatever the size of the round."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import RoundStage, ScoreSheet, SheetState
from evaluation.results import SheetCell
from organisations.models import Department
from workflow.views.evaluation.results import heat_map_body

from .round_factories import evaluation_world, score_of

pytestmark = pytest.mark.django_db

# At most (the exact number depends on caches other tests warmed): session and user,
# the user's grants (read once per request), the site menu's membership check, the
# header's unread count, the round (scoped), then the round's sheets, flags, results,
# departments and townships: the same whatever the number of units.
RESULTS_PAGE_QUERIES = 11


def _results(client, world, user_key="office"):
    client.force_login(world.users[user_key])
    return client.get(reverse("evaluation:results", args=[world.round.pk]))


def test_county_office_sees_both_heat_maps_rankings_missing_and_flags(client):
    world = evaluation_world()
    t0, d1 = world.townships[0], world.departments[1]
    ScoreSheet.objects.filter(
        evaluation_round=world.round, rater_township=t0, ratee_department=d1
    ).update(state=SheetState.MISSING, total=None)

    response = _results(client, world)

    assert response.status_code == 200
    data = response.context["data"]
    assert data.is_whole
    assert [d.name for d in data.departments] == ["县0局", "县1局"]
    assert [t.name for t in data.townships] == ["第0镇", "第1镇", "第2镇"]
    # Row 县1局: townships' scores of it (township i → department 1 = score_of(i, 1)).
    received = [cell.total if cell else None for cell in data.rows[1].received]
    assert received == [None, score_of(1, 1), score_of(2, 1)]
    assert data.rows[1].received[0].state == SheetState.MISSING
    given = [cell.total for cell in data.rows[0].given]
    assert given == [score_of(0, 0), score_of(0, 1), score_of(0, 2)]
    assert [(r.rank, r.name, r.total) for r in data.department_ranking] == [
        (1, "县0局", Decimal("86.00")),
        (2, "县1局", Decimal("85.00")),
    ]
    assert [r.name for r in data.township_ranking] == ["第0镇", "第1镇", "第2镇"]
    assert [(n.rater, n.ratee, n.state) for n in data.missing] == [
        ("第0镇", "县1局", SheetState.MISSING)
    ]
    assert [(n.rater, n.ratee, n.flags) for n in data.flagged] == [
        ("县0局", "第0镇", (("各项得分完全相同", "各项均为同一分值"),))
    ]
    content = response.content.decode()
    assert 'data-testid="heat-received"' in content
    assert 'data-testid="heat-given"' in content
    assert "evaluation/vendor/chart.umd.min.js" in content
    assert response.context["chart_data"]["departments"] == {
        "labels": ["县0局", "县1局"],
        "totals": [86.0, 85.0],
    }


def test_township_user_sees_own_result_and_the_sheets_it_filled_only(client):
    world = evaluation_world()

    response = _results(client, world, "township_staff")

    assert response.status_code == 200
    data = response.context["data"]
    assert not data.is_whole
    assert [t.name for t in data.townships] == ["第0镇"]
    assert [(r.name, r.rank) for r in data.township_ranking] == [("第0镇", 1)]
    assert data.township_count == 3
    assert data.department_ranking == []
    # Its own scores of each department; never how departments rated it.
    assert [[c.total for c in row.received] for row in data.rows] == [
        [score_of(0, 0)],
        [score_of(0, 1)],
    ]
    assert all(cell is None for row in data.rows for cell in row.given)
    content = response.content.decode()
    assert "第1镇" not in content
    assert 'data-testid="heat-given"' not in content


def test_department_user_sees_own_row_and_result_only(client):
    world = evaluation_world()

    response = _results(client, world, "department_staff")

    data = response.context["data"]
    assert [d.name for d in data.departments] == ["县0局"]
    assert [(r.name, r.rank) for r in data.department_ranking] == [("县0局", 1)]
    assert data.township_ranking == []
    assert [c.total for c in data.rows[0].given] == [score_of(0, t) for t in range(3)]
    assert all(cell is None for cell in data.rows[0].received)
    assert "县1局" not in response.content.decode()


@pytest.mark.parametrize("stage", [RoundStage.OPEN, RoundStage.CLOSED])
def test_units_cannot_see_results_before_publication_but_the_county_office_can(client, stage):
    world = evaluation_world(stage=stage)

    assert _results(client, world, "township_head").status_code == 403
    assert _results(client, world, "department_head").status_code == 403
    assert _results(client, world, "office").status_code == 200
    assert _results(client, world, "county_admin").status_code == 200


@pytest.mark.parametrize(
    "user_key", ["other_county_office", "other_county_head", "other_county_department"]
)
def test_other_county_gets_403(client, user_key):
    world = evaluation_world()

    assert _results(client, world, user_key).status_code == 403


def test_anonymous_is_sent_to_login(client):
    world = evaluation_world()
    url = reverse("evaluation:results", args=[world.round.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _measure(client, world, url) -> tuple[int, object]:
    client.force_login(world.office)
    client.get(url)  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_results_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """5 × 3 and 35 × 15 (a real county's size) run the same number of queries."""
    counts = {}
    for departments, townships in [(5, 3), (35, 15)]:
        world = evaluation_world(departments=departments, townships=townships)
        url = reverse("evaluation:results", args=[world.round.pk])
        counts[departments, townships], response = _measure(client, world, url)
        data = response.context["data"]
        assert len(data.rows) == departments
        assert sum(cell is not None for row in data.rows for cell in row.received) == (
            departments * townships
        )
        assert len(data.township_ranking) == townships

    assert counts[5, 3] == counts[35, 15]
    with django_assert_max_num_queries(RESULTS_PAGE_QUERIES):
        client.get(url)


# The cell markup the template produced before the rows were built in Python.
CELL_TEMPLATE = """{% for department, cells in rows %}
    <tr>
      <th scope="row">{{ department.name }}</th>
      {% for cell in cells %}
        {% if cell is None %}<td class="qd-muted" title="无评分表">·</td>
        {% elif cell.total is not None %}<td style="background:{{ cell.colour }}"{% if cell.flags %} class="qd-flagged" title="{{ cell.flags|join:'；' }}"{% endif %}>{{ cell.total|floatformat:1 }}</td>
        {% else %}<td class="qd-muted" title="{{ cell.state_label }}">{% if cell.state == 'missing' %}缺{% elif cell.state == 'draft' %}稿{% else %}—{% endif %}</td>{% endif %}
      {% endfor %}
    </tr>
  {% endfor %}"""  # noqa: E501


def _compact(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_heat_map_rows_are_the_markup_the_cell_template_gave():
    def cell(state, total=None, flags=(), colour=""):
        value = None if total is None else Decimal(total)
        return SheetCell(sheet_id=1, state=state, total=value, flags=flags, colour=colour)

    rows = [
        (
            Department(name="县<住建>局 & 城管"),
            [
                None,
                cell("submitted", "86.25", colour="hsl(60, 65%, 82%)"),
                cell("submitted", "86.24", colour="hsl(59, 65%, 82%)"),
                cell(
                    "submitted", "60.05", ("各项得分完全相同", '离群 <低> "分"'), "hsl(0, 65%, 82%)"
                ),
                cell("submitted", "100.00", colour="hsl(120, 65%, 82%)"),
                cell(SheetState.MISSING),
                cell(SheetState.DRAFT),
                cell(SheetState.PENDING),
            ],
        ),
        (Department(name="县应急管理局"), [None, cell("submitted", "0.00", colour="x")]),
    ]

    body = heat_map_body(rows)

    assert body == _compact(Template(CELL_TEMPLATE).render(Context({"rows": rows})))
    assert re.findall(r">([\d.]+)</td>", body) == [
        "86.3",
        "86.2",
        "60.1",
        "100.0",
        "0.0",
    ]
    assert "县&lt;住建&gt;局 &amp; 城管" in body
    assert 'title="各项得分完全相同；离群 &lt;低&gt; &quot;分&quot;"' in body
