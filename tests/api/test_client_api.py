"""What a client generated from the schema needs to find its way: who it is and what it
may do (``/api/me/``), the units it may name (``/api/units/``), a trail whose first
step names the filer and which can be asked for the human steps only."""

from importlib import import_module

import pytest
from django.apps import apps
from viewflow.workflow.models import Task

from organisations.models import Role
from tests.arbitration import world as report_world
from tests.evaluation.round_factories import evaluation_world, open_round
from tests.factories import user_with_role

from .conftest import client_for, file_request, forward

pytestmark = pytest.mark.django_db


def unit(kind, row, county_id=None):
    """``/api/me/``'s unit; ``county_id`` for a unit without its own (a village)."""
    county = row.pk if kind == "county" else county_id or row.county_id
    return {"type": kind, "id": row.pk, "name": row.name, "county": county}


def test_me_of_a_department_user(world):
    response = client_for(world.staff).get("/api/me/")

    assert response.status_code == 200
    department = unit("department", world.department)
    assert response.json() == {
        "id": world.staff.pk,
        "username": world.staff.username,
        "name": "王晓燕",
        "memberships": [
            {
                "role": Role.DEPARTMENT_STAFF.value,
                "role_label": Role.DEPARTMENT_STAFF.label,
                "unit": department,
            }
        ],
        "counties": [
            {
                "id": world.county.pk,
                "code": world.county.code,
                "name": "清河县",
                "whole_lists": True,
            }
        ],
        "rights": {
            "file_requests_for": [{"unit": department, "kinds": ["add", "amend", "withdraw"]}],
            "report_off_list_for": [],
            "answer_consultations_for": [department],
            "answer_reports_for": [department],
            "review_legality_for": [],
            "prepare_score_sheets_for": [department],
            "submit_score_sheets_for": [],
            "county_office_of": [],
            "assessment_office_of": [],
            "administers": [],
            "is_county_office": False,
            "is_assessment_office": False,
            "is_county_admin": False,
            "is_superuser": False,
        },
    }


def test_me_of_a_township_head_and_of_the_county_office(world):
    head = client_for(world.heads[1]).get("/api/me/").json()
    office = client_for(world.office).get("/api/me/").json()

    township = unit("township", world.townships[1])
    assert head["memberships"] == [
        {"role": Role.TOWNSHIP_HEAD.value, "role_label": Role.TOWNSHIP_HEAD.label, "unit": township}
    ]
    assert head["counties"] == [
        {"id": world.county.pk, "code": world.county.code, "name": "清河县", "whole_lists": False}
    ]
    assert head["rights"]["file_requests_for"] == [
        {"unit": township, "kinds": ["add", "amend", "withdraw"]}
    ]
    assert head["rights"]["report_off_list_for"] == [township]
    assert head["rights"]["answer_consultations_for"] == [township]
    assert head["rights"]["submit_score_sheets_for"] == [township]
    assert office["rights"]["county_office_of"] == [world.county.pk]
    assert office["rights"]["is_county_office"] is True
    assert office["rights"]["file_requests_for"] == []
    assert office["memberships"][0]["unit"] == unit("county", world.county)
    assert (office["rights"]["assessment_office_of"], office["rights"]["is_assessment_office"]) == (
        [],
        False,
    )


def test_me_of_the_assessment_office_names_the_county_it_assesses(world):
    assessment = user_with_role(Role.ASSESSMENT_OFFICE, world.county, display_name="吴考核")

    me = client_for(assessment).get("/api/me/").json()

    assert me["memberships"] == [
        {
            "role": Role.ASSESSMENT_OFFICE.value,
            "role_label": "县考核办",
            "unit": unit("county", world.county),
        }
    ]
    assert me["counties"] == [
        {"id": world.county.pk, "code": world.county.code, "name": "清河县", "whole_lists": True}
    ]
    rights = me["rights"]
    assert (rights["assessment_office_of"], rights["is_assessment_office"]) == (
        [world.county.pk],
        True,
    )
    assert (rights["county_office_of"], rights["is_county_office"]) == ([], False)
    assert rights["file_requests_for"] == rights["submit_score_sheets_for"] == []


def names(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.content
    return [(row["type"], row["name"]) for row in response.json()["results"]]


COUNTY_UNITS = [
    ("department", "县住房和城乡建设局"),
    ("department", "县应急管理局"),
    ("department", "县委社会工作部"),
    ("township", "城关街道"),
    ("township", "青石镇"),
    ("township", "云岭乡"),
    ("township", "石门镇"),
]


def test_units_are_scoped_to_the_users_county(world):
    office = client_for(world.office)

    assert sorted(names(office.get("/api/units/"))) == sorted(COUNTY_UNITS)
    assert sorted(names(client_for(world.staff).get("/api/units/"))) == sorted(COUNTY_UNITS)
    # A township user: the county's departments and its own township.
    assert sorted(names(client_for(world.heads[2]).get("/api/units/"))) == sorted(
        [*COUNTY_UNITS[:3], ("township", "云岭乡")]
    )
    assert names(client_for(world.other_office).get("/api/units/")) == [
        ("department", "白沙县住建局"),
        ("township", "沙湾街道"),
    ]
    assert sorted(names(office.get("/api/units/?type=township&q=镇"))) == [
        ("township", "石门镇"),
        ("township", "青石镇"),
    ]
    assert names(office.get(f"/api/units/?county={world.other_county.pk}")) == []


def test_units_answer_ids_and_types_a_filing_takes(world):
    row = next(
        r
        for r in client_for(world.staff).get("/api/units/").json()["results"]
        if r["name"] == "城关街道"
    )

    assert row == {
        "type": "township",
        "id": world.townships[0].pk,
        "code": "QH-0",
        "name": "城关街道",
        "kind": world.townships[0].kind,
        "township": None,
        "village": None,
        "county": {"id": world.county.pk, "name": "清河县"},
    }


def test_village_and_grid_users_find_their_own_units(world):
    village_head = client_for(world.village_head).get("/api/units/").json()["results"]
    grid_worker = names(client_for(world.grid_worker).get("/api/units/"))

    # A village reports a department's demand through its township, naming the village.
    assert [(row["type"], row["name"]) for row in village_head] == [
        *COUNTY_UNITS[:3],
        ("township", "城关街道"),
        ("village", "北门社区"),
    ]
    assert village_head[-1] == {
        "type": "village",
        "id": world.village.pk,
        "code": world.village.code,
        "name": "北门社区",
        "kind": world.village.kind,
        "township": world.townships[0].pk,
        "village": None,
        "county": {"id": world.county.pk, "name": "清河县"},
    }
    assert grid_worker == [
        *COUNTY_UNITS[:3],
        ("township", "城关街道"),
        ("village", "北门社区"),
        ("grid", "北门一网格"),
    ]
    # Township and county users name no village through the API.
    assert names(client_for(world.heads[0]).get("/api/units/?type=village")) == []
    assert names(client_for(world.office).get("/api/units/?type=grid")) == []


def test_me_of_a_village_head_names_the_village_it_reports_for(world):
    me = client_for(world.village_head).get("/api/me/").json()

    village = unit("village", world.village, world.county.pk)
    assert me["memberships"] == [
        {"role": Role.VILLAGE_HEAD.value, "role_label": Role.VILLAGE_HEAD.label, "unit": village}
    ]
    assert me["rights"]["report_off_list_for"] == [village]
    assert me["rights"]["file_requests_for"] == []


def test_bad_unit_filter_is_a_400_naming_the_parameter(world):
    response = client_for(world.office).get("/api/units/?type=village-office")

    assert response.status_code == 400
    assert list(response.json()) == ["type"]


def test_trail_first_step_names_the_filer_and_can_list_human_steps_only(world):
    process = file_request(world)
    forward(world, process)
    client = client_for(world.office)

    full = client.get(f"/api/requests/{process.pk}/").json()["trail"]
    human = client.get(f"/api/requests/{process.pk}/?human=1").json()["trail"]

    filer = {"id": world.staff.pk, "username": world.staff.username, "name": "王晓燕"}
    assert (full[0]["node"], full[0]["owner"]) == ("start", filer)
    assert {"start", "review", "consult"} < {step["node"] for step in full}
    assert len(full) > len(human)
    assert [step["node"] for step in human] == ["start", "review", "consult", "consult", "consult"]
    assert human[0]["owner"] == filer
    assert human[1]["owner"] == {
        "id": world.office.pk,
        "username": world.office.username,
        "name": "周建华",
    }


def test_data_migration_names_the_starter_of_stored_processes(world):
    """Processes stored before the start callbacks named their starter get it from the
    field that records who filed (request), reported (off-list report) or opened
    (evaluation round)."""
    migration = import_module("workflow.migrations.0013_start_task_owner")
    request = file_request(world)
    reports = report_world.make_world()
    report = report_world.file_report(reports)
    rounds = evaluation_world(with_round=False)
    evaluation_round = open_round(rounds)
    processes = [request, report, evaluation_round]
    starts = Task.objects.filter(process__in=processes, flow_task_type="START")
    assert starts.count() == 3
    starts.update(owner=None)

    migration.fill_start_owners(apps, None)

    owners = {task.process_id: task.owner for task in starts.select_related("owner")}
    assert owners == {
        request.pk: world.staff,
        report.pk: reports.head,
        evaluation_round.pk: rounds.office,
    }
