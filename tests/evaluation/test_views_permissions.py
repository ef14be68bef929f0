"""Every page and action of the evaluation app × anonymous, each wrong role, the right
role of another unit, users of another county, and the right user: anonymous users are
sent to the login page, a denial is a 403 and changes nothing, the right user succeeds.

The round is opened through the real service (sheets and tasks like production)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import EvaluationRound, RoundStage, SheetState
from workflow.services import evaluating

from .round_factories import (
    evaluation_state,
    evaluation_world,
    form_scores,
    open_round,
    sheet_of,
    submit_everything,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

OTHER_COUNTY = {
    "other_county_office": 403,
    "other_county_assessment": 403,
    "other_county_head": 403,
    "other_county_department": 403,
}


@pytest.fixture
def world(db):
    world = evaluation_world(with_round=False)
    world.round = open_round(world)
    return world


def _township_sheet(world):
    return sheet_of(world.round, world.townships[0], world.departments[0])


def round_detail(world):
    return "get", reverse("evaluation:round", args=[world.round.pk]), None


def round_open_page(world):
    return "get", reverse("evaluation:round_open"), None


def round_open(world):
    deadline = timezone.localtime() + datetime.timedelta(days=5)
    data = {
        "county": world.county.pk,
        "name": "2026年第二轮互评",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "bundling_weight": "0.3",
        "penalty_per_report": "2",
    }
    return "post", reverse("evaluation:round_open"), data


def base_scores(world):
    data = {f"department_{world.departments[0].pk}": "91.5"}
    return "post", reverse("evaluation:base_scores", args=[world.round.pk]), data


def close(world):
    submit_everything(world)
    return "post", reverse("evaluation:round_close", args=[world.round.pk]), {}


def publish(world):
    submit_everything(world)
    evaluating.evaluation_round_close(actor=world.office, round_id=world.round.pk)
    return "post", reverse("evaluation:round_publish", args=[world.round.pk]), {}


def base_scores_import_page(world):
    return "get", reverse("evaluation:base_scores_import", args=[world.round.pk]), None


def base_scores_import(world):
    department = world.departments[0]
    rows = [("部门", department.code, department.name, "91.5")]
    rows += [("乡镇(街道)", t.code, t.name, "88") for t in world.townships]
    data = {"file": xlsx_upload(rows)}
    return "post", reverse("evaluation:base_scores_import", args=[world.round.pk]), data


def base_scores_template(world):
    return "get", reverse("evaluation:base_scores_template", args=[world.round.pk]), None


def sheet_page(world):
    return "get", reverse("evaluation:sheet", args=[_township_sheet(world).pk]), None


def sheet_draft(world):
    sheet = _township_sheet(world)
    data = {**form_scores(sheet), "comment": "配合较好。", "action": "draft"}
    return "post", reverse("evaluation:sheet", args=[sheet.pk]), data


def sheet_submit(world):
    sheet = _township_sheet(world)
    data = {**form_scores(sheet), "comment": "配合较好。", "action": "submit"}
    return "post", reverse("evaluation:sheet", args=[sheet.pk]), data


def results_page(world):
    return "get", reverse("evaluation:results", args=[world.round.pk]), None


def export(world):
    return "get", reverse("evaluation:export", args=[world.round.pk]), None


UNIT_USERS = {
    "department_head": 403,
    "department_staff": 403,
    "township_head": 403,
    "township_staff": 403,
}

# action: (set-up returning the call, {right user: status}, {denied user: status})
MATRIX = {
    "round_detail": (
        round_detail,
        {
            "office": 200,
            "assessment": 200,
            "county_admin": 200,
            "township_staff": 200,
            "department_staff": 200,
        },
        OTHER_COUNTY,
    ),
    "round_open_page": (
        round_open_page,
        {"office": 200},
        {"assessment": 403, "county_admin": 403, **UNIT_USERS, "other_county_head": 403},
    ),
    "round_open": (
        round_open,
        {"office": 302},
        {"assessment": 403, "county_admin": 403, **UNIT_USERS, **OTHER_COUNTY},
    ),
    "base_scores": (
        base_scores,
        {"assessment": 302},
        {"office": 403, "county_admin": 403, **UNIT_USERS, **OTHER_COUNTY},
    ),
    "base_scores_import_page": (
        base_scores_import_page,
        {"assessment": 200},
        {"office": 403, "county_admin": 403, **UNIT_USERS, **OTHER_COUNTY},
    ),
    "base_scores_import": (
        base_scores_import,
        {"assessment": 302},
        {"office": 403, "county_admin": 403, **UNIT_USERS, **OTHER_COUNTY},
    ),
    "base_scores_template": (
        base_scores_template,
        {"assessment": 200},
        {"office": 403, "county_admin": 403, **UNIT_USERS, **OTHER_COUNTY},
    ),
    "close": (
        close,
        {"office": 302},
        {"assessment": 403, "county_admin": 403, **UNIT_USERS, **OTHER_COUNTY},
    ),
    "publish": (
        publish,
        {"assessment": 302},
        {"office": 403, "county_admin": 403, **UNIT_USERS, **OTHER_COUNTY},
    ),
    "sheet_page": (
        sheet_page,
        {"township_staff": 200, "township_head": 200, "office": 200},
        {"other_township_head": 403, "department_head": 403, **OTHER_COUNTY},
    ),
    "sheet_draft": (
        sheet_draft,
        {"township_staff": 302, "township_head": 302},
        {
            "office": 403,
            "assessment": 403,
            "county_admin": 403,
            "other_township_head": 403,
            "department_staff": 403,
            **OTHER_COUNTY,
        },
    ),
    "sheet_submit": (
        sheet_submit,
        {"township_head": 302},
        {
            "township_staff": 403,
            "office": 403,
            "other_township_head": 403,
            "department_head": 403,
            **OTHER_COUNTY,
        },
    ),
    "results_page": (
        results_page,
        {"office": 200, "assessment": 200, "county_admin": 200},
        {**UNIT_USERS, **OTHER_COUNTY},
    ),
    "export": (
        export,
        {"office": 200, "assessment": 200, "county_admin": 200},
        {**UNIT_USERS, **OTHER_COUNTY},
    ),
}

CASES = [
    (action, user_key, expected)
    for action, (_, right, denied) in MATRIX.items()
    for user_key, expected in [*right.items(), *denied.items(), ("anonymous", 302)]
]


def _call(client, method, url, data):
    if method == "get":
        return client.get(url)
    return client.post(url, data)


@pytest.mark.parametrize(("action", "user_key", "expected"), CASES)
def test_permission_matrix(client, world, action, user_key, expected):
    setup, right, _ = MATRIX[action]
    method, url, data = setup(world)
    if user_key != "anonymous":
        client.force_login(world.users[user_key])
    before = evaluation_state()

    response = _call(client, method, url, data)

    assert response.status_code == expected, response.content[:500]
    if user_key == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if user_key not in right:
        assert evaluation_state() == before


def test_right_users_change_what_they_should(client, world):
    """The successful calls of the matrix leave the expected state."""
    sheet = _township_sheet(world)
    client.force_login(world.township_staff)
    client.post(reverse("evaluation:sheet", args=[sheet.pk]), sheet_draft(world)[2])
    sheet.refresh_from_db()
    assert (sheet.state, sheet.comment, sheet.prepared_by) == (
        SheetState.DRAFT,
        "配合较好。",
        world.township_staff,
    )

    client.force_login(world.township_head)
    client.post(reverse("evaluation:sheet", args=[sheet.pk]), sheet_submit(world)[2])
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total, sheet.submitted_by) == (
        SheetState.SUBMITTED,
        Decimal("80.00"),
        world.township_head,
    )

    client.force_login(world.office)
    response = client.post(*round_open(world)[1:])
    new_round = EvaluationRound.objects.get(name="2026年第二轮互评")
    assert response["Location"] == reverse("evaluation:round", args=[new_round.pk])
    assert (new_round.county, new_round.stage, new_round.bundling_weight) == (
        world.county,
        RoundStage.OPEN,
        Decimal("0.300"),
    )

    submit_everything(world)
    client.post(reverse("evaluation:round_close", args=[world.round.pk]))
    world.round.refresh_from_db()
    assert world.round.stage == RoundStage.CLOSED
    assert world.round.results.count() == 0
    client.force_login(world.assessment)
    client.post(reverse("evaluation:round_publish", args=[world.round.pk]))
    world.round.refresh_from_db()
    assert world.round.stage == RoundStage.PUBLISHED
    assert world.round.results.count() == 1 + 3  # the linked department and 3 townships
