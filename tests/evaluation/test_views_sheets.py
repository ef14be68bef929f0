"""The sheet form and the sheet and round lists: field errors naming the indicator,
read-only sheets, scoping of the lists, and fixed query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import Indicator, RoundStage, ScoreSheet, SheetState

from .round_factories import evaluation_state, evaluation_world, make_round, open_round, sheet_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = evaluation_world(with_round=False)
    world.round = open_round(world)
    return world


def _sheet(world):
    return sheet_of(world.round, world.townships[0], world.departments[0])


def _indicators(sheet):
    return list(
        Indicator.objects.filter(indicator_set=sheet.evaluation_round.township_set).order_by(
            "order"
        )
    )


def test_score_above_the_maximum_is_shown_on_its_row_and_nothing_is_saved(client, world):
    sheet = _sheet(world)
    first, second, third = _indicators(sheet)
    client.force_login(world.township_head)
    before = evaluation_state()

    response = client.post(
        reverse("evaluation:sheet", args=[sheet.pk]),
        {
            f"indicator_{first.pk}": "101",
            f"indicator_{second.pk}": "-1",
            f"indicator_{third.pk}": "8",
            "action": "submit",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"indicator_{first.pk}"] == ["“依单履职”的分值不能高于 100。"]
    assert form.errors[f"indicator_{second.pk}"] == ["“资源随事转”的分值不能小于 0。"]
    assert evaluation_state() == before


def test_incomplete_submission_names_the_missing_indicator(client, world):
    sheet = _sheet(world)
    first, second, third = _indicators(sheet)
    client.force_login(world.township_head)

    response = client.post(
        reverse("evaluation:sheet", args=[sheet.pk]),
        {f"indicator_{first.pk}": "90", f"indicator_{second.pk}": "80", "action": "submit"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors[f"indicator_{third.pk}"] == [
        "指标“响应及时”：请填写分值。"
    ]
    sheet.refresh_from_db()
    assert (sheet.state, sheet.scores.count()) == (SheetState.PENDING, 0)


def test_staff_save_a_draft_and_do_not_get_a_submit_button(client, world):
    sheet = _sheet(world)
    first = _indicators(sheet)[0]
    client.force_login(world.township_staff)
    url = reverse("evaluation:sheet", args=[sheet.pk])

    page = client.get(url)
    response = client.post(url, {f"indicator_{first.pk}": "75.5", "action": "draft"})

    assert 'data-testid="save-draft"' in page.content.decode()
    assert 'data-testid="submit-sheet"' not in page.content.decode()
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == SheetState.DRAFT
    assert dict(sheet.scores.values_list("indicator_id", "value")) == {first.pk: Decimal("75.50")}


def test_submitted_sheet_is_read_only_and_a_second_submit_changes_nothing(client, world):
    sheet = _sheet(world)
    data = {f"indicator_{i.pk}": str(i.max_score) for i in _indicators(sheet)}
    client.force_login(world.township_head)
    url = reverse("evaluation:sheet", args=[sheet.pk])
    client.post(url, {**data, "action": "submit"})
    before = evaluation_state()

    page = client.get(url)
    again = client.post(url, {**data, "action": "submit"}, follow=True)

    content = page.content.decode()
    assert 'data-testid="read-only"' in content
    assert 'data-testid="save-draft"' not in content
    assert all(field.field.disabled for _, field in page.context["form"].rows())
    assert "已办理完毕" in [str(m) for m in again.context["messages"]][0]
    assert evaluation_state() == before


def test_sheet_of_a_closed_round_is_read_only(client):
    world = evaluation_world(stage=RoundStage.CLOSED)
    sheet = ScoreSheet.objects.filter(
        evaluation_round=world.round, rater_township=world.townships[0]
    ).first()
    client.force_login(world.township_head)

    page = client.get(reverse("evaluation:sheet", args=[sheet.pk]))

    assert "本轮评分已截止" in page.content.decode() or "仅供查看" in page.content.decode()
    assert page.context["may_prepare"] is False


def test_my_sheets_lists_only_the_units_own_sheets(client, world):
    client.force_login(world.township_staff)

    response = client.get(reverse("evaluation:sheets"))

    sheets = list(response.context["sheets"])
    assert {(s.rater_township, s.ratee_department) for s in sheets} == {
        (world.townships[0], world.departments[0])
    }


def test_round_list_is_scoped_to_the_users_county(client, world):
    make_round(world.other_county, [], [], name="白沙县互评")
    client.force_login(world.department_staff)

    names = [r.name for r in client.get(reverse("evaluation:index")).context["rounds"]]

    assert names == ["2026年度双向互评"]


def test_county_office_sees_progress_per_rater(client, world):
    client.force_login(world.office)

    response = client.get(reverse("evaluation:round", args=[world.round.pk]))

    progress = {
        p.name: (p.submitted, p.draft, p.pending, p.missing) for p in response.context["progress"]
    }
    assert progress == {
        "第0镇": (0, 0, 1, 0),
        "第1镇": (0, 0, 1, 0),
        "第2镇": (0, 0, 1, 0),
        "县0局": (0, 0, 3, 0),
    }


# Most queries each page may run (session, user, menu, the user's units through
# guardian, the page's rows in one query, the paginator's count).
LIST_PAGE_CEILINGS = {
    ("office", "evaluation:index"): 8,
    ("township_head", "evaluation:index"): 8,
    ("township_head", "evaluation:sheets"): 7,
    ("department_staff", "evaluation:sheets"): 7,
    ("office", "evaluation:round"): 15,
    ("township_head", "evaluation:round"): 13,
}


def _page_counts(client, world) -> dict:
    counts = {}
    for user_key, name in LIST_PAGE_CEILINGS:
        client.force_login(world.users[user_key])
        url = reverse(name, args=[world.round.pk] if name == "evaluation:round" else [])
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[user_key, name] = len(queries)
    return counts


def test_list_pages_run_a_fixed_number_of_queries(client):
    """A small county with one extra round and a larger one with four: same counts."""
    counts = []
    for departments, townships, extra_rounds in [(3, 2, 1), (12, 8, 4)]:
        world = evaluation_world(departments=departments, townships=townships)
        for index in range(extra_rounds):
            make_round(world.county, world.departments, world.townships, name=f"第{index}轮")
        counts.append(_page_counts(client, world))

    assert counts[0] == counts[1]
    for page, count in counts[1].items():
        assert count <= LIST_PAGE_CEILINGS[page], page
