"""The evaluation API: every action × anonymous (401), wrong roles, the right role of
another unit, other county (403 on what the user sees, else 404 like an unknown round
or sheet; nothing changed), the right user; 400 naming the field or indicator, 409 for
a second submit; results scoped like the page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluation.models import Indicator, RoundStage, SheetState
from tests.evaluation.round_factories import (
    evaluation_state,
    evaluation_world,
    make_round,
    open_round,
    sheet_of,
    submit_everything,
)
from workflow.services import evaluating

from .conftest import client_for

pytestmark = pytest.mark.django_db

# Opening a round names the county in the body (403); the other actions address a
# round or sheet of a county the user does not see (404).
OTHER_COUNTY = {
    "other_county_office": 403,
    "other_county_head": 403,
    "other_county_department": 403,
}
HIDDEN = dict.fromkeys(OTHER_COUNTY, 404)
UNIT_USERS = {
    "department_head": 403,
    "department_staff": 403,
    "township_head": 403,
    "township_staff": 403,
}


@pytest.fixture
def world(db):
    world = evaluation_world(with_round=False)
    world.round = open_round(world)
    return world


def _sheet(world):
    return sheet_of(world.round, world.townships[0], world.departments[0])


def _body(sheet, share=Decimal("0.8")) -> dict:
    indicators = Indicator.objects.filter(indicator_set=sheet.evaluation_round.township_set)
    return {"scores": {str(i.pk): str(i.max_score * share) for i in indicators}, "comment": "好"}


def list_rounds(world):
    return "get", "/api/evaluation-rounds/", None


def read_round(world):
    return "get", f"/api/evaluation-rounds/{world.round.pk}/", None


def open_action(world):
    body = {
        "county": world.county.pk,
        "name": "接口发起的互评",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "deadline": (timezone.now() + datetime.timedelta(days=3)).isoformat(),
    }
    return "post", "/api/evaluation-rounds/", body


def base_scores_action(world):
    body = {"department_scores": {str(world.departments[0].pk): "92.5"}}
    return "post", f"/api/evaluation-rounds/{world.round.pk}/base-scores/", body


def close_action(world):
    submit_everything(world)
    return "post", f"/api/evaluation-rounds/{world.round.pk}/close/", {}


def publish_action(world):
    submit_everything(world)
    evaluating.evaluation_round_close(actor=world.office, round_id=world.round.pk)
    return "post", f"/api/evaluation-rounds/{world.round.pk}/publish/", {}


def results_action(world):
    return "get", f"/api/evaluation-rounds/{world.round.pk}/results/", None


def list_sheets(world):
    return "get", "/api/score-sheets/", None


def read_sheet(world):
    return "get", f"/api/score-sheets/{_sheet(world).pk}/", None


def draft_action(world):
    sheet = _sheet(world)
    return "post", f"/api/score-sheets/{sheet.pk}/draft/", _body(sheet)


def submit_action(world):
    sheet = _sheet(world)
    return "post", f"/api/score-sheets/{sheet.pk}/submit/", _body(sheet)


EVERYONE = {
    "office": 200,
    "county_admin": 200,
    "township_staff": 200,
    "department_staff": 200,
    "other_county_office": 200,
}
MATRIX = {
    "list_rounds": (list_rounds, EVERYONE, {}),
    "read_round": (
        read_round,
        {"office": 200, "township_staff": 200, "department_head": 200},
        HIDDEN,
    ),
    "open": (open_action, {"office": 201}, {"county_admin": 403, **UNIT_USERS, **OTHER_COUNTY}),
    "base_scores": (
        base_scores_action,
        {"office": 200},
        {"county_admin": 403, **UNIT_USERS, **HIDDEN},
    ),
    "close": (close_action, {"office": 200}, {"county_admin": 403, **UNIT_USERS, **HIDDEN}),
    "publish": (
        publish_action,
        {"office": 200},
        {"county_admin": 403, **UNIT_USERS, **HIDDEN},
    ),
    "results": (
        results_action,
        {"office": 200, "county_admin": 200},
        {**UNIT_USERS, **HIDDEN},
    ),
    "list_sheets": (list_sheets, EVERYONE, {}),
    "read_sheet": (
        read_sheet,
        {"township_staff": 200, "township_head": 200, "office": 200},
        {"other_township_head": 404, "department_head": 404, **HIDDEN},
    ),
    "draft": (
        draft_action,
        {"township_staff": 200, "township_head": 200},
        {"office": 403, "county_admin": 403, "other_township_head": 404, **HIDDEN},
    ),
    "submit": (
        submit_action,
        {"township_head": 200},
        {
            "township_staff": 403,
            "office": 403,
            "other_township_head": 404,
            "department_head": 404,
            **HIDDEN,
        },
    ),
}
CASES = [
    (action, user_key, expected)
    for action, (_, right, denied) in MATRIX.items()
    for user_key, expected in [*right.items(), *denied.items(), ("anonymous", 401)]
]


@pytest.mark.parametrize(("action", "user_key", "expected"), CASES)
def test_permission_matrix(world, action, user_key, expected):
    setup, right, _ = MATRIX[action]
    method, url, body = setup(world)
    client = client_for(None if user_key == "anonymous" else world.users[user_key])
    before = evaluation_state()

    response = getattr(client, method)(url, body, format="json")

    assert response.status_code == expected, response.content[:500]
    if user_key not in right:
        assert evaluation_state() == before


def test_lists_are_scoped(world):
    make_round(world.other_county, [], [], name="白沙县互评")

    rounds = client_for(world.township_staff).get("/api/evaluation-rounds/").json()
    sheets = client_for(world.township_staff).get("/api/score-sheets/").json()

    assert [r["name"] for r in rounds["results"]] == ["2026年度双向互评"]
    assert [(s["rater"]["name"], s["ratee"]["name"]) for s in sheets["results"]] == [
        ("第0镇", "县0局")
    ]


def test_score_above_the_maximum_is_a_400_naming_the_indicator(world):
    sheet = _sheet(world)
    body = _body(sheet, share=Decimal("1.2"))
    before = evaluation_state()

    response = client_for(world.township_head).post(
        f"/api/score-sheets/{sheet.pk}/submit/", body, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "scores": [
            "指标“依单履职”：分值不能超过满分 100（现为 120.00）。",
            "指标“资源随事转”：分值不能超过满分 100（现为 120.00）。",
            "指标“响应及时”：分值不能超过满分 10（现为 12.00）。",
        ]
    }
    assert evaluation_state() == before


def test_bad_round_fields_are_a_400_naming_each_field(world):
    method, url, body = open_action(world)
    body.update(period_end="2025-01-01", deadline="2020-01-01T00:00:00+08:00")

    response = client_for(world.office).post(url, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"period_end", "deadline"}


def test_second_submit_is_a_409_and_changes_nothing(world):
    method, url, body = submit_action(world)
    client = client_for(world.township_head)
    first = client.post(url, body, format="json")
    before = evaluation_state()

    second = client.post(url, body, format="json")

    assert first.status_code == 200
    assert first.json()["state"] == SheetState.SUBMITTED
    assert first.json()["total"] == "80.00"
    assert second.status_code == 409
    assert evaluation_state() == before


def test_results_of_a_published_round_are_scoped_to_the_unit(db):
    world = evaluation_world(stage=RoundStage.PUBLISHED)

    whole = client_for(world.office).get(f"/api/evaluation-rounds/{world.round.pk}/results/")
    own = client_for(world.township_head).get(f"/api/evaluation-rounds/{world.round.pk}/results/")

    assert whole.status_code == own.status_code == 200
    assert [r["name"] for r in whole.json()["township_ranking"]] == ["第0镇", "第1镇", "第2镇"]
    assert len(whole.json()["township_to_department"]) == 6
    data = own.json()
    assert data["is_whole"] is False
    assert [(r["name"], r["rank"]) for r in data["township_ranking"]] == [("第0镇", 1)]
    assert data["department_ranking"] == []
    assert {c["township"] for c in data["township_to_department"]} == {world.townships[0].pk}
    assert data["department_to_township"] == []
