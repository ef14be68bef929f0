"""Simple mode (满意度评价): a county's round whose sheets are one answer — 满意,
基本满意 or 不满意 — counted as 100, 60 and 0 points, through the service, the sheet
page and the API; the county keeps its choice for its next round."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import RoundMode, RoundResult, Score, ScoreSheet, SheetState
from tests.api.conftest import client_for
from workflow.services import evaluating

from .round_factories import evaluation_state, evaluation_world, open_round, sheet_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = evaluation_world(with_round=False)
    world.round = open_round(world, mode=RoundMode.SIMPLE)
    return world


def head_of(world, unit):
    from organisations.models import Role
    from tests.factories import user_with_role

    role = Role.TOWNSHIP_HEAD if unit in world.townships else Role.DEPARTMENT_HEAD
    return user_with_role(role, unit)


def open_again(world, **overrides):
    """Open another round of the world's county with the first round's sets."""
    values = {
        "actor": world.office,
        "county": world.county,
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 6, 30),
        "deadline": world.round.deadline,
        "township_set": world.round.township_set,
        "department_set": world.round.department_set,
        **overrides,
    }
    return evaluating.evaluation_round_open(**values)


def test_simple_round_sheets_count_the_answer_and_results_are_bundled(world):
    d0 = world.departments[0]
    t0, t1, t2 = world.townships
    sheet = sheet_of(world.round, t0, d0)
    evaluating.score_sheet_save_draft(
        actor=world.township_staff, sheet_id=sheet.pk, rating="basically_satisfied"
    )
    sheet.refresh_from_db()
    assert (sheet.state, sheet.rating, sheet.total) == ("draft", "basically_satisfied", None)

    # The head submits the staff's draft as it stands.
    evaluating.score_sheet_submit(actor=world.township_head, sheet_id=sheet.pk)
    answers = [
        (t1, d0, "satisfied"),
        (t2, d0, "dissatisfied"),
        (d0, t0, "satisfied"),
        (d0, t1, "basically_satisfied"),
        (d0, t2, "dissatisfied"),
    ]
    for rater, ratee, rating in answers:
        evaluating.score_sheet_submit(
            actor=head_of(world, rater),
            sheet_id=sheet_of(world.round, rater, ratee).pk,
            rating=rating,
        )

    sheets = ScoreSheet.objects.filter(evaluation_round=world.round).order_by("pk")
    assert sorted((s.rating, s.total) for s in sheets) == [
        ("basically_satisfied", Decimal("60.00")),
        ("basically_satisfied", Decimal("60.00")),
        ("dissatisfied", Decimal("0.00")),
        ("dissatisfied", Decimal("0.00")),
        ("satisfied", Decimal("100.00")),
        ("satisfied", Decimal("100.00")),
    ]
    assert set(sheets.values_list("state", flat=True)) == {SheetState.SUBMITTED}
    assert Score.objects.filter(sheet__evaluation_round=world.round).count() == 0
    assert list(
        ScoreSheet.history.filter(id=sheet.pk).values_list(
            "history_change_reason", "history_user", "rating"
        )
    ) == [
        ("提交评分表（基本满意）", world.township_head.pk, "basically_satisfied"),
        ("保存评分表草稿", world.township_staff.pk, "basically_satisfied"),
        ("开启评价轮次", world.office.pk, ""),
    ]

    evaluating.evaluation_round_close(actor=world.office, round_id=world.round.pk)
    evaluating.base_scores_set(
        actor=world.assessment,
        round_id=world.round.pk,
        department_scores={d0.pk: Decimal("90")},
        township_scores={t.pk: Decimal("85") for t in world.townships},
    )
    evaluating.evaluation_round_publish(actor=world.assessment, round_id=world.round.pk)

    # 县0局: (60 + 100 + 0) / 3 = 53.33; 0.7 × 90 + 0.3 × 160/3 = 79.
    # Townships: 0.7 × 85 + 0.3 × 100 / 60 / 0.
    results = RoundResult.objects.filter(evaluation_round=world.round)
    assert sorted(
        (r.department_id or r.township_id, r.peer_mean, r.total, r.rank) for r in results
    ) == sorted(
        [
            (d0.pk, Decimal("53.33"), Decimal("79.00"), 1),
            (t0.pk, Decimal("100.00"), Decimal("89.50"), 1),
            (t1.pk, Decimal("60.00"), Decimal("77.50"), 2),
            (t2.pk, Decimal("0.00"), Decimal("59.50"), 3),
        ]
    )


@pytest.mark.parametrize(
    ("arguments", "errors"),
    [
        ({}, {"rating": ["请选择满意度（满意、基本满意、不满意）。"]}),
        ({"rating": "great"}, {"rating": ["满意度“great”无效，应为满意、基本满意、不满意之一。"]}),
        (
            {"rating": "satisfied", "scores": {1: Decimal("80")}},
            {"rating": ["本轮为满意度评价，请选择满意、基本满意、不满意，不填写指标分值。"]},
        ),
    ],
)
def test_bad_answer_is_refused_naming_the_rating_and_nothing_is_written(world, arguments, errors):
    sheet = sheet_of(world.round, world.townships[0], world.departments[0])
    before = evaluation_state()

    with pytest.raises(ValidationError) as raised:
        evaluating.score_sheet_submit(actor=world.township_head, sheet_id=sheet.pk, **arguments)

    assert raised.value.message_dict == errors
    assert evaluation_state() == before


def test_an_answer_on_an_indicator_sheet_is_refused(db):
    world = evaluation_world(with_round=False)
    world.round = open_round(world)
    sheet = sheet_of(world.round, world.townships[0], world.departments[0])
    before = evaluation_state()

    with pytest.raises(ValidationError) as raised:
        evaluating.score_sheet_save_draft(
            actor=world.township_staff, sheet_id=sheet.pk, rating="satisfied"
        )

    assert world.round.mode == RoundMode.INDICATORS
    assert raised.value.message_dict == {"rating": ["本轮按指标评分，请填写各项指标的分值。"]}
    assert evaluation_state() == before


def test_the_county_keeps_its_mode_for_the_next_round_unless_it_chooses(world):
    again = open_again(world, name="2026年度双向互评（第二轮）")
    chosen = open_again(world, name="2026年度双向互评（第三轮）", mode=RoundMode.INDICATORS)

    assert (world.round.mode, again.mode, chosen.mode) == ("simple", "simple", "indicators")
    assert evaluating.county_round_mode(world.county) == "indicators"
    assert evaluating.county_round_mode(world.other_county) == "indicators"


def test_unknown_mode_is_refused_naming_the_field(world):
    with pytest.raises(ValidationError) as raised:
        open_again(world, name="第二轮", mode="stars")

    assert raised.value.message_dict == {
        "mode": [
            "评分方式“stars”无效，应为indicators（按指标评分）、simple（满意度评价（满意/基本满意/不满意））。"
        ]
    }


def test_sheet_page_offers_the_three_answers_and_submits_one(client, world):
    sheet = sheet_of(world.round, world.townships[0], world.departments[0])
    url = reverse("evaluation:sheet", args=[sheet.pk])
    client.force_login(world.township_head)

    page = client.get(url).content.decode()
    refused = client.post(url, {"action": "submit", "comment": ""})
    submitted = client.post(url, {"action": "submit", "rating": "satisfied", "comment": "配合好"})

    assert 'data-testid="rating"' in page
    assert 'data-testid="indicators"' not in page
    assert [f'value="{v}"' in page for v in ("satisfied", "basically_satisfied")] == [True, True]
    assert "不满意" in page
    assert refused.status_code == 200
    assert "请选择满意度（满意、基本满意、不满意）。" in refused.content.decode()
    assert submitted.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.state, sheet.rating, sheet.total, sheet.comment) == (
        "submitted",
        "satisfied",
        Decimal("100.00"),
        "配合好",
    )
    shown = client.get(url).content.decode()
    assert 'value="satisfied" required' not in shown
    assert 'data-testid="sheet-total">100.00<' in shown


def test_api_takes_the_answer_and_names_a_bad_one(world):
    sheet = sheet_of(world.round, world.townships[0], world.departments[0])
    url = f"/api/score-sheets/{sheet.pk}/submit/"
    client = client_for(world.township_head)

    bad = client.post(url, {"mode": "simple", "rating": "great"}, format="json")
    good = client.post(url, {"mode": "simple", "rating": "basically_satisfied"}, format="json")
    round_data = client.get(f"/api/evaluation-rounds/{world.round.pk}/").json()

    assert (bad.status_code, bad.json()) == (
        400,
        {"rating": ["满意度“great”无效，应为满意、基本满意、不满意之一。"]},
    )
    assert good.status_code == 200
    assert (good.json()["rating"], good.json()["total"]) == ("basically_satisfied", "60.00")
    assert round_data["mode"] == "simple"


def test_api_opens_a_round_in_the_chosen_mode(world):
    body = {
        "county": world.county.pk,
        "name": "接口发起的满意度评价",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "deadline": "2099-01-31T17:00:00+08:00",
    }
    client = client_for(world.office)

    bad = client.post("/api/evaluation-rounds/", {**body, "mode": "stars"}, format="json")
    good = client.post("/api/evaluation-rounds/", {**body, "mode": "indicators"}, format="json")

    assert (bad.status_code, bad.json()) == (
        400,
        {"mode": ["评分方式“stars”无效，应为 indicators 或 simple。"]},
    )
    assert (good.status_code, good.json()["mode"]) == (201, "indicators")
