"""The public read API (/api/public/): counties, lists in force, items with their public
history, releases and the search, without authentication, throttled, and never a user
name or a change reason."""

import json

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from .world import FIRST_NUMBER, SECOND_NUMBER

pytestmark = pytest.mark.django_db


def get(url, **params):
    response = APIClient().get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_counties_lists_only_those_that_publish(county_world):
    assert get("/api/public/counties/") == [
        {"code": "331100", "name": "清河县", "url": "http://testserver/api/public/counties/331100/"}
    ]


def test_county_has_its_lists_townships_directory_and_notice(county_world):
    data = get("/api/public/counties/331100/")

    assert [(entry["level"], entry["item_count"]) for entry in data["lists"]] == [
        ("township", 3),
        ("village", 1),
        ("grid", 1),
    ]
    assert data["lists"][0]["name"] == "清河县乡镇(街道)履行职责事项清单"
    assert data["lists"][0]["latest_release"]["document_number"] == SECOND_NUMBER
    assert data["lists"][1]["latest_release"] is None
    assert data["townships"] == [
        {"code": "331100001", "name": "城关街道"},
        {"code": "331100002", "name": "青石镇"},
    ]
    # 应急管理局 leads two items in force and cooperates on 燃气安全入户排查.
    assert data["departments"] == [
        {"code": "331100-YJJ", "name": "县应急管理局", "item_count": 3},
        {"code": "331100-ZJJ", "name": "县住房和城乡建设局", "item_count": 3},
    ]
    assert data["notice_url"] == "/public/331100/notice/"


def test_items_in_force_filtered_by_level_township_and_department(county_world):
    everything = get("/api/public/counties/331100/items/")
    township = get("/api/public/counties/331100/items/", level="township", township="331100002")
    department = get("/api/public/counties/331100/items/", department="331100-YJJ")
    leads = get("/api/public/counties/331100/items/", department="331100-YJJ", role="lead")
    works_on = get(
        "/api/public/counties/331100/items/", department="331100-YJJ", role="cooperating"
    )

    assert everything["count"] == 5
    assert [item["code"] for item in township["results"]] == ["XZ-YJ-0001", "XZ-ZJ-0002"]
    assert [item["code"] for item in department["results"]] == [
        "XZ-YJ-0001",
        "XZ-ZJ-0001",
        "WG-YJ-0001",
    ]
    assert [item["code"] for item in leads["results"]] == ["XZ-YJ-0001", "WG-YJ-0001"]
    assert [item["code"] for item in works_on["results"]] == ["XZ-ZJ-0001"]
    forest = township["results"][0]
    assert forest == {
        "id": county_world.forest.pk,
        "code": "XZ-YJ-0001",
        "title": "森林防火巡查",
        "level": "township",
        "item_kind": "duty",
        "item_kind_label": "履职事项",
        "category": "CX",
        "category_label": "城乡建设",
        "duty_type": "cooperating",
        "duty_type_label": "配合履职",
        "primary_responsibility": "department",
        "primary_responsibility_label": "牵头部门",
        "lead_department": {"id": county_world.yjj.pk, "name": "县应急管理局"},
        "department_responsibilities": "负责森林防火的指导和监督。",
        "cooperating_departments": [],
        "local_responsibilities": "组织护林员开展防火巡查。",
        "local_responsibilities_label": "乡镇(街道)职责",
        "basis": "《森林防火条例》",
        "accountability": "",
        "exemption": "",
        "work_requirements": "",
        "funding_amount": None,
        "funding_source": "",
        "staffing": "",
        "equipment": "",
        "resources": "",
        "remarks": "",
        "guidance_code": "",
        "applies_to_all": False,
        "township_names": ["青石镇"],
        "village_names": [],
        "village_kind": "",
        "applies_label": "青石镇",
        "effective_date": "2026-01-01",
        "expires_on": None,
        "status": "in_force",
        "status_label": "有效",
        "withdrawn_date": None,
    }
    gas = department["results"][1]
    assert gas["cooperating_departments"] == [
        {"name": "县应急管理局", "responsibilities": "负责燃气事故的应急处置协调。"}
    ]
    assert (gas["funding_amount"], gas["resources"]) == (
        "2.00",
        "经费：县财政排查经费（2万元）；人员：无；装备：无",
    )
    bad_role = APIClient().get(
        "/api/public/counties/331100/items/", {"department": "331100-YJJ", "role": "owner"}
    )
    assert (bad_role.status_code, bad_role.json()) == (
        400,
        {"role": ["部门角色应为 lead 或 cooperating。"]},
    )


def test_item_history_has_dates_kinds_and_document_numbers_but_no_people(county_world):
    response = APIClient().get(f"/api/public/counties/331100/items/{county_world.gas.pk}/")

    data = response.json()
    assert data["item"]["title"] == "燃气安全入户排查和宣传"
    assert data["in_force_today"] is True
    assert [(entry["kind"], entry["release"]["document_number"]) for entry in data["history"]] == [
        ("新增", FIRST_NUMBER),
        ("修改", SECOND_NUMBER),
    ]
    assert data["history"][1]["changes"] == [
        {
            "field": "title",
            "label": "事项名称",
            "old": "燃气安全入户排查",
            "new": "燃气安全入户排查和宣传",
        }
    ]
    body = json.dumps(data, ensure_ascii=False)
    for private in ("周建华", "采纳城关街道", "QD-2026-0007", "history_user", "reason"):
        assert private not in body


def test_releases_and_one_release_with_its_changes(county_world):
    releases = get("/api/public/counties/331100/releases/")
    first = get(f"/api/public/counties/331100/releases/{county_world.first.pk}/")

    assert [(r["number"], r["document_number"], r["added"], r["amended"]) for r in releases] == [
        (2, SECOND_NUMBER, 0, 1),
        (1, FIRST_NUMBER, 3, 0),
    ]
    assert first["decided_by"] == "县委常委会"
    assert [(c["kind"], c["code"], c["title"]) for c in first["changes"]] == [
        ("added", "XZ-YJ-0001", "森林防火巡查"),
        ("added", "XZ-ZJ-0001", "燃气安全入户排查"),
        ("added", "XZ-ZJ-0002", "违法建设巡查"),
    ]
    assert "published_by" not in first


def test_search_answers_for_a_township(county_world):
    data = get("/api/public/counties/331100/search/", q="森林 巡查", township="331100001")

    assert data["is_covered"] is False
    assert data["keywords"] == ["森林", "巡查"]
    assert data["township"] == {"code": "331100001", "name": "城关街道"}
    assert data["covering"] == []
    assert [(m["item"]["code"], m["applies_to_township"]) for m in data["elsewhere"]] == [
        ("XZ-YJ-0001", False)
    ]


def test_search_without_a_query_is_a_bad_request(county_world):
    response = APIClient().get("/api/public/counties/331100/search/")

    assert response.status_code == 400
    assert response.json() == {"q": ["请输入要查的事情。"]}


def test_a_wrong_token_does_not_stop_a_public_read(county_world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get("/api/public/counties/331100/").status_code == 200


def test_public_reads_are_throttled_per_address(county_world, monkeypatch):
    # DRF reads the rates into the class when it is imported; a low rate for the test.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"public": "3/minute"})
    client = APIClient()

    answers = [client.get("/api/public/counties/").status_code for _ in range(4)]
    elsewhere = APIClient(REMOTE_ADDR="10.0.0.2").get("/api/public/counties/")

    assert answers == [200, 200, 200, 429]
    assert elsewhere.status_code == 200


def test_public_reads_are_cacheable(county_world):
    response = APIClient().get("/api/public/counties/331100/")

    assert response["Cache-Control"] == "public, max-age=60"
