"""The evaluation API: every action × anonymous (401), wrong roles, the right role of
another unit, other county (403 on what the user sees, else 404 like an unknown round
or sheet; nothing changed), the right user; 400 naming the field or indicator, 409 for
a second submit; results scoped like the page."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evaluation.models import BaseScore, Indicator, RoundMode, RoundStage, SheetState
from tests.evaluation.round_factories import (
    XLSX,
    evaluation_state,
    evaluation_world,
    make_round,
    open_round,
    sheet_of,
    submit_everything,
    xlsx_upload,
)
from workflow.services import evaluating

from .conftest import client_for

pytestmark = pytest.mark.django_db

# Opening a round names the county in the body (403); the other actions address a
# round or sheet of a county the user does not see (404).
OTHER_COUNTY = {
    "other_county_office": 403,
    "other_county_assessment": 403,
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
    scores = {str(i.pk): str(i.max_score * share) for i in indicators}
    return {"mode": "indicators", "scores": scores, "comment": "好"}


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


def base_scores_import_action(world):
    department = world.departments[0]
    rows = [("部门", department.code, department.name, "91.5")]
    body = {"file": xlsx_upload(rows)}
    return "post", f"/api/evaluation-rounds/{world.round.pk}/base-scores/import/", body


def base_scores_template_action(world):
    return "get", f"/api/evaluation-rounds/{world.round.pk}/base-scores/template/", None


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
    "open": (
        open_action,
        {"office": 201},
        {"assessment": 403, "county_admin": 403, **UNIT_USERS, **OTHER_COUNTY},
    ),
    "base_scores": (
        base_scores_action,
        {"assessment": 200},
        {"office": 403, "county_admin": 403, **UNIT_USERS, **HIDDEN},
    ),
    "base_scores_import": (
        base_scores_import_action,
        {"assessment": 200},
        {"office": 403, "county_admin": 403, **UNIT_USERS, **HIDDEN},
    ),
    "base_scores_template": (
        base_scores_template_action,
        {"assessment": 200},
        {"office": 403, "county_admin": 403, **UNIT_USERS, **HIDDEN},
    ),
    "close": (
        close_action,
        {"office": 200},
        {"assessment": 403, "county_admin": 403, **UNIT_USERS, **HIDDEN},
    ),
    "publish": (
        publish_action,
        {"assessment": 200},
        {"office": 403, "county_admin": 403, **UNIT_USERS, **HIDDEN},
    ),
    "results": (
        results_action,
        {"office": 200, "assessment": 200, "county_admin": 200},
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

    body_format = "multipart" if body and "file" in body else "json"
    response = getattr(client, method)(url, body, format=body_format)

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


# --- scoring modes: the body of a sheet names its round's mode ---------------------------


@pytest.fixture
def simple_world(db):
    world = evaluation_world(with_round=False)
    world.round = open_round(world, mode=RoundMode.SIMPLE)
    return world


def test_sheets_say_their_mode_and_an_indicator_sheet_its_scoring_rules(world):
    sheet = _sheet(world)

    row = client_for(world.township_head).get("/api/score-sheets/").json()["results"][0]
    detail = client_for(world.township_head).get(f"/api/score-sheets/{sheet.pk}/").json()

    assert (row["id"], row["mode"], row["rating"]) == (sheet.pk, "indicators", None)
    assert (detail["mode"], detail["rating"], detail["scores"]) == ("indicators", None, [])
    assert [(i["name"], i["scoring_rule"], i["max_score"]) for i in detail["indicators"]] == [
        ("依单履职", "依单履职的评分标准", 100),
        ("资源随事转", "资源随事转的评分标准", 100),
        ("响应及时", "响应及时的评分标准", 10),
    ]


def test_simple_sheet_is_one_answer_saved_then_submitted(simple_world):
    world = simple_world
    sheet = _sheet(world)
    url = f"/api/score-sheets/{sheet.pk}"

    shown = client_for(world.township_staff).get(f"{url}/").json()
    draft = client_for(world.township_staff).post(
        f"{url}/draft/", {"mode": "simple", "rating": "dissatisfied"}, format="json"
    )
    submitted = client_for(world.township_head).post(
        f"{url}/submit/",
        {"mode": "simple", "rating": "basically_satisfied", "comment": "配合基本到位"},
        format="json",
    )

    assert (shown["mode"], shown["rating"], shown["indicators"], shown["scores"]) == (
        "simple",
        None,
        [],
        [],
    )
    assert draft.status_code == 200
    assert (draft.json()["state"], draft.json()["rating"], draft.json()["total"]) == (
        SheetState.DRAFT,
        "dissatisfied",
        None,
    )
    assert submitted.status_code == 200
    data = submitted.json()
    assert (data["state"], data["rating"], data["total"], data["comment"]) == (
        SheetState.SUBMITTED,
        "basically_satisfied",
        "60.00",
        "配合基本到位",
    )


def test_a_simple_submission_without_the_answer_is_a_400_naming_rating(simple_world):
    world = simple_world
    sheet = _sheet(world)
    before = evaluation_state()

    response = client_for(world.township_head).post(
        f"/api/score-sheets/{sheet.pk}/submit/", {"mode": "simple"}, format="json"
    )

    assert (response.status_code, response.json()) == (400, {"rating": ["该字段是必填项。"]})
    assert evaluation_state() == before


@pytest.mark.parametrize(
    ("mode", "body", "message"),
    [
        (
            RoundMode.SIMPLE,
            {"mode": "indicators", "scores": {}},
            "本轮的评分方式为 simple（满意度评价（满意/基本满意/不满意）），请按 simple 填写。",
        ),
        (
            RoundMode.INDICATORS,
            {"mode": "simple", "rating": "satisfied"},
            "本轮的评分方式为 indicators（按指标评分），请按 indicators 填写。",
        ),
    ],
)
def test_a_body_of_the_other_mode_is_a_400_naming_mode(db, mode, body, message):
    world = evaluation_world(with_round=False)
    world.round = open_round(world, mode=mode)
    sheet = _sheet(world)
    before = evaluation_state()

    response = client_for(world.township_head).post(
        f"/api/score-sheets/{sheet.pk}/submit/", body, format="json"
    )

    assert (response.status_code, response.json()) == (400, {"mode": [message]})
    assert evaluation_state() == before


@pytest.mark.parametrize("body", [{"mode": "simple", "rating": "satisfied"}, {}, {"mode": 7}])
def test_a_user_who_may_not_submit_gets_403_whatever_the_body(world, body):
    """The right to write a sheet is checked before its body: the township's staff may
    read and draft the sheet but not submit it, so any body answers 403, not 400."""
    sheet = _sheet(world)
    before = evaluation_state()

    response = client_for(world.township_staff).post(
        f"/api/score-sheets/{sheet.pk}/submit/", body, format="json"
    )

    assert (response.status_code, response.json()) == (
        403,
        {"detail": f"您无权提交评分表 #{sheet.pk}。"},
    )
    assert evaluation_state() == before


def test_a_sheet_body_without_mode_is_a_400_naming_mode(world):
    sheet = _sheet(world)
    body = _body(sheet)
    del body["mode"]
    before = evaluation_state()

    response = client_for(world.township_head).post(
        f"/api/score-sheets/{sheet.pk}/draft/", body, format="json"
    )

    assert (response.status_code, response.json()) == (400, {"mode": ["该字段是必填项。"]})
    assert evaluation_state() == before


def test_a_sheet_body_sent_as_a_form_is_a_415(world):
    sheet = _sheet(world)
    before = evaluation_state()

    response = client_for(world.township_head).post(
        f"/api/score-sheets/{sheet.pk}/draft/", {"mode": "indicators", "comment": "好"}
    )

    assert response.status_code == 415
    assert set(response.json()) == {"detail"}
    assert evaluation_state() == before


# --- base scores by the assessment office (县考核办) -------------------------------------


def test_base_score_import_answers_the_round_and_the_units_changed(world):
    department = world.departments[0]
    url = f"/api/evaluation-rounds/{world.round.pk}/base-scores/import/"
    client = client_for(world.assessment)

    def send(score):
        upload = xlsx_upload([("部门", department.code, department.name, score)])
        return client.post(url, {"file": upload}, format="multipart")

    first, again = send("91.5"), send("91.5")

    assert first.status_code == again.status_code == 200
    assert (first.json()["changed"], again.json()["changed"]) == (1, 0)
    assert first.json()["round"]["id"] == world.round.pk
    assert list(BaseScore.objects.values_list("department", "value")) == [
        (department.pk, Decimal("91.50"))
    ]


def test_a_bad_base_score_file_is_a_400_listing_its_rows_with_their_places(world):
    department = world.departments[0]
    upload = xlsx_upload([("部门", department.code, department.name, "101")])
    before = evaluation_state()

    response = client_for(world.assessment).post(
        f"/api/evaluation-rounds/{world.round.pk}/base-scores/import/",
        {"file": upload},
        format="multipart",
    )

    text = "工作表“基础分”第 2 行 D 列（基础分）：分值不能超过满分 100（现为 101）。"
    assert (response.status_code, response.json()) == (
        400,
        {
            "file": [text],
            "issues": [
                {
                    "sheet": "基础分",
                    "row": 2,
                    "column": "基础分",
                    "letter": "D",
                    "message": "分值不能超过满分 100（现为 101）。",
                    "text": text,
                }
            ],
        },
    )
    assert evaluation_state() == before


def test_a_base_score_file_that_is_no_workbook_is_one_issue_without_a_place(world):
    upload = SimpleUploadedFile("基础分.xlsx", b"not a workbook", content_type=XLSX)
    before = evaluation_state()

    response = client_for(world.assessment).post(
        f"/api/evaluation-rounds/{world.round.pk}/base-scores/import/",
        {"file": upload},
        format="multipart",
    )

    message = "文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写。"
    assert (response.status_code, response.json()) == (
        400,
        {
            "file": [message],
            "issues": [
                {
                    "sheet": None,
                    "row": None,
                    "column": None,
                    "letter": None,
                    "message": message,
                    "text": message,
                }
            ],
        },
    )
    assert evaluation_state() == before


def test_base_score_template_is_a_workbook_for_the_assessment_office_only(world):
    url = f"/api/evaluation-rounds/{world.round.pk}/base-scores/template/"

    workbook = client_for(world.assessment).get(url)
    office = client_for(world.office).get(url)
    other_county = client_for(world.other_county_assessment).get(url)

    assert workbook.status_code == 200
    assert workbook["Content-Type"] == XLSX
    assert workbook.content[:2] == b"PK"  # a zip: the .xlsx container
    assert (office.status_code, office.json()) == (
        403,
        {"detail": "只有本县县考核办可以下载基础分模板。"},
    )
    assert (other_county.status_code, other_county.json()) == (404, {"detail": "没有该评价轮次。"})


def test_publishing_without_every_base_score_is_a_400_naming_the_units(world):
    submit_everything(world)
    BaseScore.objects.filter(township=world.townships[2]).delete()
    evaluating.evaluation_round_close(actor=world.office, round_id=world.round.pk)
    before = evaluation_state()

    response = client_for(world.assessment).post(
        f"/api/evaluation-rounds/{world.round.pk}/publish/", {}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["以下单位尚未录入基础分：第2镇（共 1 个）。"]},
    )
    assert evaluation_state() == before


def test_results_of_a_closed_round_are_a_preview_or_say_what_is_missing(world):
    submit_everything(world)
    evaluating.evaluation_round_close(actor=world.office, round_id=world.round.pk)
    url = f"/api/evaluation-rounds/{world.round.pk}/results/"

    preview = client_for(world.assessment).get(url).json()
    BaseScore.objects.filter(township=world.townships[2]).delete()
    lacking = client_for(world.office).get(url).json()

    assert (preview["is_preview"], preview["preview_note"]) == (True, "")
    assert [r["name"] for r in preview["department_ranking"]] == ["县0局"]
    assert len(preview["township_ranking"]) == 3
    assert (lacking["is_preview"], lacking["department_ranking"]) == (False, [])
    assert lacking["preview_note"] == "以下单位尚未录入基础分：第2镇（共 1 个）。"
