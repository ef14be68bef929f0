"""Decision batches and releases through the API: scoping of reads, the 400s of a bad
decision, and what a township reads of the decision on a request."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from arbitration.batch_services import notice_last_day
from arbitration.models import DecisionBatch
from tests.decisions import decide, party_keys, prepare
from workflow.models import ConsultationAnswer, CountyWorkflowSettings

from .conftest import answer, client_for, database_state, file_request, forward

pytestmark = pytest.mark.django_db


def waiting_request(world):
    process = file_request(world)
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.ACCEPT)
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    answer(world, process, 2, ConsultationAnswer.ACCEPT)
    return process


def record(world, batch, entries, **overrides):
    today = timezone.localdate().isoformat()
    body = {
        "decided_by": "县委常委会",
        "meeting_date": today,
        "document_number": "清委办发〔2026〕12号",
        "effective_date": today,
        "entries": entries,
    }
    body.update(overrides)
    return client_for(world.office).post(
        f"/api/decision-batches/{batch.pk}/record/", body, format="json"
    )


def test_batches_are_read_by_the_county_office_and_administrators_only(world):
    batch = prepare(world.office, waiting_request(world))

    seen = {
        who: [row["id"] for row in client_for(user).get("/api/decision-batches/").json()["results"]]
        for who, user in [
            ("office", world.office),
            ("county_admin", world.county_admin),
            ("staff", world.staff),
            ("head", world.heads[0]),
            ("other_office", world.other_office),
        ]
    }

    assert seen == {
        "office": [batch.pk],
        "county_admin": [batch.pk],
        "staff": [],
        "head": [],
        "other_office": [],
    }


def test_a_decision_missing_a_party_is_a_400_naming_it_and_changes_nothing(world):
    process = waiting_request(world)
    batch = prepare(world.office, process)
    first, *_ = party_keys(process)
    before = database_state()

    entries = [{"request": process.pk, "decisions": {first: "as_proposed"}, "amendments": {}}]

    response = record(world, batch, entries)

    # The decisions are part of the body's entries: the error is filed under them.
    assert response.status_code == 400
    assert response.json() == {
        "entries": [f"申请 {process.number}：请对以下单位作出审定：青石镇、云岭乡"]
    }
    assert database_state() == before


def test_a_batch_on_notice_cannot_be_decided_yet(world):
    CountyWorkflowSettings.objects.create(county=world.county, notice_working_days=5)
    process = waiting_request(world)
    batch = prepare(world.office, process)
    entries = [
        {
            "request": process.pk,
            "decisions": dict.fromkeys(party_keys(process), "as_proposed"),
            "amendments": {},
        }
    ]

    response = record(world, batch, entries)

    assert response.status_code == 400
    last_day = notice_last_day(batch)
    assert response.json() == {
        "non_field_errors": [f"公示期至{last_day:%Y-%m-%d}，期满后方可登记审定结果。"]
    }
    batch.refresh_from_db()
    assert not batch.is_decided
    detail = client_for(world.office).get(f"/api/decision-batches/{batch.pk}/").json()
    assert (detail["stage"], detail["stage_label"]) == ("notice", "公示中")


def test_a_refused_document_is_a_400_on_file(world):
    batch = prepare(world.office, waiting_request(world))

    response = client_for(world.office).post(
        f"/api/decision-batches/{batch.pk}/documents/",
        {"file": SimpleUploadedFile("纪要.exe", b"MZ\x90\x00binary"), "kind": "minutes"},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert batch.documents.count() == 0


def test_a_township_reads_only_its_own_decision_on_a_request(world):
    process = waiting_request(world)
    decide(world.office, process)

    own = client_for(world.heads[1]).get(f"/api/requests/{process.pk}/").json()
    full = client_for(world.staff).get(f"/api/requests/{process.pk}/").json()

    assert [(d["party"]["name"], d["decision"]) for d in own["decision"]["decisions"]] == [
        ("青石镇", "as_proposed")
    ]
    assert [d["party"]["name"] for d in full["decision"]["decisions"]] == [
        "城关街道",
        "青石镇",
        "云岭乡",
    ]
    assert own["decision"]["document_number"] == "清委办发〔2026〕12号"
    assert DecisionBatch.objects.get().releases.count() == 1
