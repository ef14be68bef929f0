"""Errors never name another county's units: ids that are unknown or lie in another
county are "invalid" in the same words, and a denial names a foreign unit by its id."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duty_lists import services as duty_services
from organisations.models import Township
from tests.factories import DepartmentFactory, TownshipFactory, make_item
from workflow import services

from .conftest import add_body, client_for, database_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(world):
    """Two more townships and a department of 白沙县, with names that must not leak."""
    return {
        "townships": [
            Township.objects.get(county=world.other_county, name="沙湾街道"),
            TownshipFactory(county=world.other_county, name="江口镇"),
        ],
        "department": DepartmentFactory(county=world.other_county, name="白沙县应急管理局"),
    }


FOREIGN_NAMES = ("白沙县", "沙湾街道", "江口镇", "白沙县应急管理局")


def assert_no_foreign_name(text: str) -> None:
    for name in FOREIGN_NAMES:
        assert name not in text


def test_filing_with_another_countys_townships_says_only_the_ids_are_invalid(world, foreign):
    ids = [township.pk for township in foreign["townships"]]
    body = add_body(world, target_townships=[world.townships[0].pk, *ids])
    before = database_state()

    response = client_for(world.staff).post("/api/requests/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"target_townships": [f"乡镇(街道) id 无效：{ids[0]}、{ids[1]}。"]}
    assert_no_foreign_name(response.content.decode())
    assert database_state() == before


def test_unknown_township_id_reads_like_a_foreign_one(world):
    body = add_body(world, target_townships=[world.townships[0].pk, 99999])

    response = client_for(world.staff).post("/api/requests/", body, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"target_townships": ["乡镇(街道) id 无效：99999。"]},
    )


def test_filing_in_another_countys_departments_name_is_denied_by_id(world, foreign):
    department = foreign["department"]
    before = database_state()

    response = client_for(world.staff).post(
        "/api/requests/",
        add_body(world, initiator={"type": "department", "id": department.pk}),
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": f"您无权以县级部门（id {department.pk}）的名义提出该申请。"
    }
    assert_no_foreign_name(response.content.decode())
    assert database_state() == before


def test_filing_in_an_own_countys_department_name_names_it(world):
    response = client_for(world.staff).post(
        "/api/requests/",
        add_body(world, initiator={"type": "department", "id": world.other_department.pk}),
        format="json",
    )

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "您无权以“县应急管理局”的名义提出该申请。"},
    )


def test_reporting_for_another_countys_township_is_denied_by_id(world, foreign):
    township = foreign["townships"][1]
    body = {
        "township": township.pk,
        "department": world.department.pk,
        "assignment": "要求开展自建房排查。",
        "assigned_on": "2026-09-01",
        "channel": "document",
    }

    response = client_for(world.heads[0]).post("/api/reports/", body, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": f"您无权以乡镇(街道)（id {township.pk}）的名义报告清单外事项。"
    }
    assert_no_foreign_name(response.content.decode())


def test_opening_a_round_for_another_county_is_denied_by_id(world):
    body = {
        "county": world.other_county.pk,
        "name": "2026年度双向互评",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "deadline": "2099-01-31T17:00:00+08:00",
    }

    response = client_for(world.office).post("/api/evaluation-rounds/", body, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": f"您无权开启县(市、区)（id {world.other_county.pk}）的考核评价轮次。"
    }


def test_item_service_refuses_another_countys_townships_by_id(world, foreign):
    duty_list = duty_services.duty_list_for(world.county, "township")
    item = make_item(county=world.county, townships=[world.townships[0]])

    with pytest.raises(ValidationError) as created:
        make_item(county=world.county, townships=foreign["townships"])
    with pytest.raises(ValidationError) as amended:
        duty_services.duty_item_amend(
            actor=None, item=item, reason="调整", townships=[foreign["townships"][0]]
        )

    ids = [township.pk for township in foreign["townships"]]
    assert created.value.message_dict == {
        "townships": [f"乡镇(街道) id 无效：{ids[0]}、{ids[1]}。"]
    }
    assert amended.value.message_dict == {"townships": [f"乡镇(街道) id 无效：{ids[0]}。"]}
    assert duty_list.items.count() == 1


def test_service_denial_for_a_foreign_unit_never_names_it(world, foreign):
    with pytest.raises(PermissionDenied) as denied:
        services.change_request_file(
            actor=world.other_county_staff,
            county=world.county,
            kind="add",
            level="township",
            department=world.department,
            fields={},
            reasons="理由",
        )

    assert str(denied.value) == f"您无权以县级部门（id {world.department.pk}）的名义提出该申请。"
