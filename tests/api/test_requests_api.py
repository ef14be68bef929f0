"""/api/requests/: filing, validation, scoped lists and filters, what each party may read
of a request, and fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_item
from workflow import services
from workflow.models import ChangeRequestProcess

from .conftest import (
    add_body,
    answer,
    client_for,
    database_state,
    file_request,
    forward,
    open_task,
)

pytestmark = pytest.mark.django_db


def test_missing_item_fields_are_named_in_a_400(world):
    body = add_body(world, title="", basis="", target_townships=[])
    before = database_state()

    response = client_for(world.staff).post("/api/requests/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "title": ["请填写事项名称。"],
        "basis": ["请填写实施依据。"],
        "target_townships": ["请选择涉及的乡镇(街道)，或选择适用全部。"],
    }
    assert database_state() == before


def test_malformed_fields_are_named_in_a_400(world):
    body = add_body(world, effective_date="2026-13-01", target_townships=[99999])

    response = client_for(world.staff).post("/api/requests/", body, format="json")

    assert response.status_code == 400
    assert sorted(response.json()) == ["effective_date", "target_townships"]
    assert ChangeRequestProcess.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "message"),
    [("replace", "“replace” 不是合法选项。"), (None, "该字段是必填项。")],
)
def test_a_missing_or_unknown_kind_is_a_400_naming_kind_alone(world, kind, message):
    body = add_body(world, kind=kind, effective_date="2026-13-01")
    if kind is None:
        del body["kind"]

    response = client_for(world.staff).post("/api/requests/", body, format="json")

    # Which body the rest should be is not known: only the kind is named.
    assert (response.status_code, response.json()) == (400, {"kind": [message]})
    assert ChangeRequestProcess.objects.count() == 0


SHAPE = "请以含 type（department 或 township）和 id 两项的对象给出单位。"


@pytest.mark.parametrize(
    ("initiator", "message"),
    [
        (None, "该字段是必填项。"),
        (3, SHAPE),
        ({"type": "county", "id": 1}, SHAPE),
        ({"type": "department"}, SHAPE),
        ({"type": "department", "id": 1, "name": "x"}, SHAPE),
        ({"type": "department", "id": "1.5"}, "部门 id 应为整数，“1.5”无效。"),
        ({"type": "township", "id": 99999}, "乡镇(街道) id 无效：99999。"),
    ],
)
def test_a_missing_or_malformed_initiator_is_a_400_naming_it(world, initiator, message):
    body = add_body(world, initiator=initiator)
    if initiator is None:
        del body["initiator"]

    response = client_for(world.staff).post("/api/requests/", body, format="json")

    assert (response.status_code, response.json()) == (400, {"initiator": [message]})
    assert ChangeRequestProcess.objects.count() == 0


def test_unchanged_amendment_is_a_non_field_error(world):
    item = make_item(county=world.county, lead_department=world.department)
    body = {
        "kind": "amend",
        "initiator": {"type": "department", "id": world.department.pk},
        "target_item": item.pk,
        "reasons": "核对",
    }

    response = client_for(world.staff).post("/api/requests/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["申请内容与现行事项相同，没有需要修改的内容。"]}


def test_township_head_files_a_withdrawal_of_an_item_that_applies_to_it(world):
    item = make_item(
        county=world.county, lead_department=world.department, townships=[world.townships[0]]
    )
    body = {
        "kind": "withdraw",
        "initiator": {"type": "township", "id": world.townships[0].pk},
        "target_item": item.pk,
        "reasons": "本街道无此类场所。",
    }

    response = client_for(world.heads[0]).post("/api/requests/", body, format="json")

    assert response.status_code == 201
    filed = response.json()
    assert filed["initiator"] == {
        "type": "township",
        "id": world.townships[0].pk,
        "name": "城关街道",
    }
    assert filed["target_item"] == item.pk
    assert filed["level"] == "township"


def township(world, index: int) -> dict:
    return {"type": "township", "id": world.townships[index].pk}


def test_township_head_files_an_addition_for_its_township(world):
    body = add_body(
        world,
        initiator=township(world, 0),
        lead_department=world.department.pk,
        target_townships=[world.townships[0].pk],
    )

    response = client_for(world.heads[0]).post("/api/requests/", body, format="json")

    assert response.status_code == 201, response.content
    filed = response.json()
    assert (filed["kind"], filed["initiator"]["id"]) == ("add", world.townships[0].pk)
    process = ChangeRequestProcess.objects.get(pk=filed["id"])
    assert (process.lead_department, list(process.target_townships.all())) == (
        world.department,
        [world.townships[0]],
    )


RESOURCES = ("funding_amount", "funding_source", "staffing", "equipment")


def test_township_addition_may_leave_its_resources_blank(world):
    body = add_body(
        world,
        initiator=township(world, 0),
        lead_department=world.department.pk,
        target_townships=[world.townships[0].pk],
        funding_source="",
        staffing="",
        equipment="",
    )
    del body["funding_amount"]

    response = client_for(world.heads[0]).post("/api/requests/", body, format="json")

    assert response.status_code == 201, response.content
    filed = response.json()
    assert [filed[name] for name in RESOURCES] == [None, "", "", ""]


def test_an_addition_without_its_resources_names_each_whoever_files(world):
    township_body = add_body(
        world,
        initiator=township(world, 0),
        lead_department=world.department.pk,
        target_townships=[world.townships[0].pk],
    )
    department_body = add_body(world)
    for body in (township_body, department_body):
        for name in RESOURCES:
            del body[name]
    before = database_state()

    by_township = client_for(world.heads[0]).post("/api/requests/", township_body, format="json")
    by_department = client_for(world.staff).post("/api/requests/", department_body, format="json")

    assert (by_township.status_code, by_department.status_code) == (400, 400)
    assert (
        by_township.json()
        == by_department.json()
        == {
            "funding_source": ["该字段是必填项。"],
            "staffing": ["该字段是必填项。"],
            "equipment": ["该字段是必填项。"],
        }
    )
    assert database_state() == before


def test_department_addition_with_blank_resources_is_told_to_state_them(world):
    body = add_body(world, funding_source=" ", staffing="", equipment="")
    del body["funding_amount"]
    before = database_state()

    response = client_for(world.staff).post("/api/requests/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "funding_source": ["请填写经费来源；没有配套经费的填“无”（费随事转）。"],
        "staffing": ["请填写人员保障；没有配套人员的填“无”（费随事转）。"],
        "equipment": ["请填写装备保障；没有配套装备的填“无”（费随事转）。"],
    }
    assert database_state() == before


def test_township_addition_without_a_lead_department_names_it(world):
    body = add_body(world, initiator=township(world, 0), target_townships=[world.townships[0].pk])
    before = database_state()

    response = client_for(world.heads[0]).post("/api/requests/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["lead_department"]
    assert database_state() == before


def test_township_addition_for_other_townships_is_refused(world):
    body = add_body(world, initiator=township(world, 0), lead_department=world.department.pk)
    before = database_state()

    response = client_for(world.heads[0]).post("/api/requests/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "target_townships": ["乡镇(街道)申请新增的事项只适用于本乡镇(街道)。"]
    }
    assert database_state() == before


def test_township_head_may_not_file_an_addition_for_another_township(world):
    body = add_body(
        world,
        initiator=township(world, 1),
        lead_department=world.department.pk,
        target_townships=[world.townships[1].pk],
    )
    before = database_state()

    response = client_for(world.heads[0]).post("/api/requests/", body, format="json")

    assert response.status_code == 403
    assert database_state() == before


def _ids(user, params="") -> list[int]:
    response = client_for(user).get(f"/api/requests/{params}")
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_request_list_is_scoped_per_unit_and_county(world):
    everywhere = file_request(world)
    first_only = file_request(world, title="城关专项", townships=[world.townships[0]])

    assert _ids(world.staff) == [first_only.pk, everywhere.pk]
    assert _ids(world.office) == [first_only.pk, everywhere.pk]
    assert _ids(world.county_admin) == [first_only.pk, everywhere.pk]
    assert _ids(world.heads[0]) == [first_only.pk, everywhere.pk]
    assert _ids(world.heads[1]) == [everywhere.pk]
    assert _ids(world.heads[3]) == []
    assert _ids(world.other_staff) == []
    assert _ids(world.other_office) == []
    assert _ids(world.other_county_head) == []


def test_request_list_filters_by_status_outcome_and_kind(world):
    rejected = file_request(world, title="重复事项")
    services.change_request_review(
        actor=world.office,
        task_id=open_task(rejected, "review").pk,
        decision="reject",
        comment="与现有事项重复。",
    )
    pending = file_request(world)

    assert _ids(world.office, "?status=NEW") == [pending.pk]
    assert _ids(world.office, "?status=DONE") == [rejected.pk]
    assert _ids(world.office, "?outcome=rejected") == [rejected.pk]
    assert _ids(world.office, "?outcome=pending&kind=add") == [pending.pk]
    assert _ids(world.office, "?kind=withdraw") == []
    response = client_for(world.office).get("/api/requests/?outcome=lost")
    assert response.status_code == 400
    assert list(response.json()) == ["outcome"]


def test_township_sees_only_its_own_answer_and_its_own_consultation_steps(world):
    process = file_request(world)
    forward(world, process)
    answer(world, process, 0, "accept")
    answer(world, process, 1, "contest", reason="缺少人员。")

    own = client_for(world.heads[1]).get(f"/api/requests/{process.pk}/").json()
    assert [(c["party"]["name"], c["answer"], c["reason"]) for c in own["consultations"]] == [
        ("青石镇", "contest", "缺少人员。")
    ]
    consult_steps = [step for step in own["trail"] if step["node"] == "consult"]
    assert [(s["party"]["name"], s["status"], s["owner"]) for s in consult_steps] == [
        (
            "青石镇",
            "DONE",
            {
                "id": world.heads[1].pk,
                "username": world.heads[1].username,
                "name": "青石镇负责人",
            },
        )
    ]
    # Its own branch keeps its deadline timers; the other branches are left out.
    assert [s["node"] for s in own["trail"] if s["party"] is None] == [
        "start",
        "review",
        "check_review",
        "consult_split",
        "consult__timeout",
        "consult__timeout_2",
        "join_consult",
    ]

    staff_only = client_for(world.township_staff).get(f"/api/requests/{process.pk}/").json()
    assert [c["party"]["name"] for c in staff_only["consultations"]] == ["城关街道"]

    # The county office, the administrator and the filing department read every answer;
    # like the process page, only the county office also sees every party's task.
    consult_steps_seen = {}
    for user in (world.office, world.staff, world.county_admin):
        seen = client_for(user).get(f"/api/requests/{process.pk}/").json()
        assert [(c["party"]["name"], c["answer"]) for c in seen["consultations"]] == [
            ("城关街道", "accept"),
            ("青石镇", "contest"),
        ]
        consult_steps_seen[user.display_name] = [
            s["party"]["name"] for s in seen["trail"] if s["node"] == "consult"
        ]
    assert consult_steps_seen == {
        "周建华": ["城关街道", "青石镇", "云岭乡"],
        "王晓燕": [],
        "赵敏": [],
    }


def test_a_request_outside_the_scope_answers_like_an_unknown_one(world):
    process = file_request(world)
    unknown = client_for(world.office).get("/api/requests/999999/")

    other_county = client_for(world.other_office).get(f"/api/requests/{process.pk}/")
    not_consulted = client_for(world.heads[3]).get(f"/api/requests/{process.pk}/")

    assert (unknown.status_code, unknown.json()) == (404, {"detail": "没有该申请。"})
    for response in (other_county, not_consulted):
        assert (response.status_code, response.json()) == (404, {"detail": "没有该申请。"})


def _queries(user, url) -> int:
    client = client_for(user)
    client.get(url)  # warm caches (content types, flow URLs)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_request_list_runs_the_same_queries_for_10_and_50_requests(world):
    readers = (world.office, world.staff, world.heads[0])
    for _ in range(10):
        file_request(world)
    at_10 = [_queries(user, "/api/requests/") for user in readers]
    for _ in range(40):
        file_request(world)

    at_50 = [_queries(user, "/api/requests/") for user in readers]

    assert at_50 == at_10
    # Token and user, the user's grants, the count, the page, the people who filed.
    assert all(count <= most for count, most in zip(at_10, (5, 5, 6), strict=True)), at_10
    assert len(client_for(world.office).get("/api/requests/").json()["results"]) == 50
