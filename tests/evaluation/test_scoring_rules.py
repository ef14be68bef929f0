"""Every indicator carries its scoring rule (评分标准), shown on the sheet it scores: on
the page (one row per indicator, a block per indicator on a phone) and in the API."""

import re

import pytest
from django.urls import reverse

from tests.api.conftest import client_for

from .round_factories import evaluation_world, open_round, sheet_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = evaluation_world(with_round=False)
    world.round = open_round(world)
    return world


def _rows(html: str) -> list[tuple[str, str]]:
    """(indicator name, scoring rule) of each indicator row of a sheet page."""
    return re.findall(
        r'<tr data-testid="indicator-row">\s*<td class="qd-indicator"[^>]*>'
        r"<label[^>]*>([^<]+)</label>"
        r'.*?<td class="qd-pre" data-label="评分标准" data-testid="scoring-rule">([^<]*)</td>',
        html,
        flags=re.S,
    )


def test_township_sheet_shows_each_indicators_scoring_rule(client, world):
    sheet = sheet_of(world.round, world.townships[0], world.departments[0])
    client.force_login(world.township_staff)

    response = client.get(reverse("evaluation:sheet", args=[sheet.pk]))

    assert _rows(response.content.decode()) == [
        ("依单履职", "依单履职的评分标准"),
        ("资源随事转", "资源随事转的评分标准"),
        ("响应及时", "响应及时的评分标准"),
    ]


def test_department_sheet_shows_its_own_sets_rules(client, world):
    sheet = sheet_of(world.round, world.departments[0], world.townships[1])
    client.force_login(world.department_staff)

    response = client.get(reverse("evaluation:sheet", args=[sheet.pk]))

    assert _rows(response.content.decode()) == [
        ("配合职责履行到位", "配合职责履行到位的评分标准"),
        ("信息报送及时准确", "信息报送及时准确的评分标准"),
    ]


def test_api_sheet_detail_carries_the_scoring_rules(world):
    sheet = sheet_of(world.round, world.townships[0], world.departments[0])

    response = client_for(world.township_head).get(f"/api/score-sheets/{sheet.pk}/")

    assert response.status_code == 200
    assert [(i["name"], i["scoring_rule"]) for i in response.json()["indicators"]] == [
        ("依单履职", "依单履职的评分标准"),
        ("资源随事转", "资源随事转的评分标准"),
        ("响应及时", "响应及时的评分标准"),
    ]
