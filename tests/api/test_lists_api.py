"""/api/lists/ and /api/items/: scoping per role and county, filters, a list as of a
date, an item with its history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from duty_lists import services as duty_services
from duty_lists.models import DutyItem, Level
from tests.factories import make_item

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(world):
    """清河县: an item for all townships, one for 城关街道 only, a village-level one, one
    withdrawn; 白沙县: one item."""
    county, department = world.county, world.department
    return {
        "all": make_item(county=county, lead_department=department, title="全县事项", code="A-1"),
        "first": make_item(
            county=county,
            lead_department=department,
            townships=[world.townships[0]],
            title="城关事项",
            code="A-2",
        ),
        "village": make_item(
            county=county, lead_department=department, level=Level.VILLAGE, title="村级事项"
        ),
        "withdrawn": duty_services.duty_item_withdraw(
            actor=world.office,
            item=make_item(county=county, lead_department=department, title="已取消事项"),
            reason="职责调整",
            withdrawn_date=datetime.date(2026, 3, 1),
        ),
        "other": make_item(county=world.other_county, title="白沙县事项"),
    }


def _titles(user, params="") -> list[str]:
    response = client_for(user).get(f"/api/items/{params}")
    assert response.status_code == 200
    return [row["title"] for row in response.json()["results"]]


def test_lists_are_those_of_the_users_counties(world, items):
    response = client_for(world.heads[0]).get("/api/lists/")

    assert response.status_code == 200
    assert [(row["county"]["name"], row["level"]) for row in response.json()["results"]] == [
        ("清河县", "township"),
        ("清河县", "village"),
    ]
    assert response.json()["results"][0]["items_url"] == (
        f"http://testserver/api/items/?county={world.county.pk}&level=township"
    )
    assert [
        row["name"] for row in client_for(world.other_office).get("/api/lists/").json()["results"]
    ] == ["白沙县乡镇(街道)履行职责事项清单"]


def test_current_items_are_scoped_like_the_pages(world, items):
    assert _titles(world.office) == ["全县事项", "城关事项", "村级事项"]
    assert _titles(world.staff) == ["全县事项", "城关事项", "村级事项"]
    assert _titles(world.heads[0]) == ["全县事项", "城关事项", "村级事项"]
    assert _titles(world.heads[1]) == ["全县事项", "村级事项"]
    assert _titles(world.other_office) == ["白沙县事项"]
    assert _titles(world.office, f"?county={world.other_county.pk}") == []


def test_current_items_filter_by_level_status_and_township(world, items):
    assert _titles(world.office, "?level=village") == ["村级事项"]
    assert _titles(world.office, "?status=withdrawn") == ["已取消事项"]
    assert _titles(world.office, f"?township={world.townships[1].pk}&level=township") == [
        "全县事项"
    ]
    response = client_for(world.office).get("/api/items/?level=county")
    assert response.status_code == 400
    assert list(response.json()) == ["level"]


def test_item_row_has_every_field(world, items):
    item = items["first"]

    [row] = [
        r
        for r in client_for(world.office).get("/api/items/").json()["results"]
        if r["id"] == item.pk
    ]

    assert row == {
        "id": item.pk,
        "url": f"http://testserver/api/items/{item.pk}/",
        "code": "A-2",
        "title": "城关事项",
        "county": {"id": world.county.pk, "name": "清河县"},
        "level": "township",
        "level_label": "乡镇(街道)",
        "item_kind": "duty",
        "item_kind_label": "履职事项",
        "category": {"id": item.category_id, "code": "CX", "name": "城乡建设"},
        "category_label": "城乡建设",
        "duty_type": "cooperating",
        "duty_type_label": "配合履职",
        "primary_responsibility": "department",
        "primary_responsibility_label": "牵头部门",
        "lead_department": {"id": world.department.pk, "name": "县住房和城乡建设局"},
        "department_responsibilities": "部门负责组织实施。",
        "cooperating_departments": [],
        "local_responsibilities": "乡镇负责发现报告。",
        "local_responsibilities_label": "乡镇(街道)职责",
        "basis": "《测试条例》第一条",
        "accountability": "",
        "exemption": "",
        "work_requirements": "",
        "funding_amount": None,
        "funding_source": "",
        "staffing": "",
        "equipment": "",
        "remarks": "",
        "guidance_code": "",
        "applies_to_all": False,
        "townships": [{"id": world.townships[0].pk, "name": "城关街道"}],
        "villages": [],
        "village_kind": "",
        "effective_date": "2026-01-01",
        "expires_on": None,
        "status": "in_force",
        "status_label": "有效",
        "withdrawn_date": None,
    }


def test_items_as_of_a_date_use_the_history(world, items):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    item = items["all"]
    duty_services.duty_item_amend(
        actor=world.office, item=item, reason="更名", title="全县事项（新）"
    )
    query = f"?county={world.county.pk}&level=township&as_of="

    assert _titles(world.office, query + yesterday.isoformat()) == []
    rows = client_for(world.office).get("/api/items/" + query + today.isoformat()).json()["results"]
    assert [(row["title"], row["change_reason"]) for row in rows] == [
        ("全县事项（新）", "更名"),
        ("城关事项", "测试录入"),
    ]
    assert rows[1]["township_ids"] == [world.townships[0].pk]
    assert rows[1]["applicability_label"] == "城关街道"
    assert _titles(world.heads[1], query + today.isoformat()) == ["全县事项（新）"]


def test_items_as_of_need_county_and_level_and_a_visible_county(world, items):
    client = client_for(world.office)

    missing = client.get("/api/items/?as_of=2026-05-01")
    bad_date = client.get(f"/api/items/?county={world.county.pk}&level=township&as_of=May")
    foreign = client.get(
        f"/api/items/?county={world.other_county.pk}&level=township&as_of=2026-05-01"
    )

    assert missing.status_code == 400
    assert sorted(missing.json()) == ["county", "level"]
    assert bad_date.status_code == 400
    assert list(bad_date.json()) == ["as_of"]
    assert (foreign.status_code, foreign.json()) == (404, {"detail": "没有该县的清单。"})


def test_item_detail_has_its_history(world, items):
    item = items["withdrawn"]

    response = client_for(world.staff).get(f"/api/items/{item.pk}/")

    assert response.status_code == 200
    detail = response.json()
    assert detail["status"] == "withdrawn"
    assert detail["withdrawn_date"] == "2026-03-01"
    office = {"id": world.office.pk, "username": world.office.username, "name": "周建华"}
    assert [(h["kind"], h["user"], h["reason"]) for h in detail["history"]] == [
        ("新增", None, "测试录入"),
        ("取消", office, "职责调整"),
    ]
    assert [h["version"]["history_user"] for h in detail["history"]] == [None, office]
    assert [(c["field"], c["old"], c["new"]) for c in detail["history"][1]["changes"]] == [
        ("status", "有效", "已取消"),
        ("withdrawn_date", "", "2026-03-01"),
    ]
    assert detail["history"][1]["version"]["status"] == "withdrawn"


def test_an_item_outside_the_users_scope_answers_like_an_unknown_one(world, items):
    answers = [
        client_for(world.heads[1]).get(f"/api/items/{items['first'].pk}/"),
        client_for(world.other_office).get(f"/api/items/{items['all'].pk}/"),
        client_for(world.office).get("/api/items/999999/"),
    ]

    assert [(a.status_code, a.json()) for a in answers] == [(404, {"detail": "没有该事项。"})] * 3


def test_item_list_runs_the_same_queries_for_1_10_and_50_items(world):
    def add(count):
        for index in range(count):
            townships = [world.townships[index % 4]] if index % 2 else None
            make_item(
                county=world.county,
                lead_department=world.department,
                townships=townships,
                level="village" if index % 3 == 0 else "township",
                cooperations=[(world.other_department, "负责协同监管。")] if index % 4 else [],
            )

    def queries(user) -> int:
        client = client_for(user)
        client.get("/api/items/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/items/").status_code == 200
        return len(captured.captured_queries)

    add(1)
    at_1 = [queries(world.office), queries(world.heads[0])]
    add(9)
    at_10 = [queries(world.office), queries(world.heads[0])]
    add(40)

    # The token, the user's object permissions, (a township head: the townships of the
    # scope,) the count, the items, then one prefetch each of the named townships, the
    # named villages and the cooperating departments: whatever the number of items.
    assert at_1 == at_10 == [queries(world.office), queries(world.heads[0])] == [7, 8]
    assert DutyItem.objects.count() == 50
