"""The "审定与发布" pages: the county office prepares a batch, records the decision with
the minutes, and everyone else is kept out (a denial is a 403 and changes nothing)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from arbitration.models import BatchDocument, DecisionBatch
from duty_lists.models import DutyItem, Release
from organisations.models import Role
from tests.decisions import party_keys, prepare
from tests.factories import user_with_role
from workflow.models import ConsultationAnswer, Outcome

from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def waiting(county_world):
    """A request every township accepted, waiting for 审定."""
    world = county_world
    process = file_add(world)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    world.process = process
    world.county_admin = user_with_role(Role.COUNTY_ADMIN, world.county)
    return world


def record_body(process, **overrides) -> dict:
    today = timezone.localdate().isoformat()
    body = {
        "decided_by": "县委常委会",
        "meeting": "2026年第12次常委会会议",
        "meeting_date": today,
        "document_number": "清委办发〔2026〕12号",
        "effective_date": today,
        "note": "",
    }
    for key in party_keys(process):
        body[f"decision__{process.pk}__{key.replace(':', '_')}"] = "as_proposed"
    body.update(overrides)
    return body


def state() -> tuple:
    return (
        list(DecisionBatch.objects.values_list("pk", "recorded_at")),
        DutyItem.objects.count(),
        Release.objects.count(),
        BatchDocument.objects.count(),
    )


def test_the_county_office_prepares_and_records_a_batch_in_the_pages(client, waiting):
    world = waiting
    client.force_login(world.office)
    index = client.get("/decisions/")
    assert "待提请审定的申请：1 项" in index.content.decode()

    response = client.post(
        "/decisions/new/", {"title": "2026年第一批清单调整事项", "requests": [world.process.pk]}
    )
    batch = DecisionBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/decisions/{batch.pk}/"
    detail = client.get(f"/decisions/{batch.pk}/").content.decode()
    assert "待审定" in detail
    assert "登记审定结果" in detail

    minutes = SimpleUploadedFile("常委会纪要.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        f"/decisions/{batch.pk}/record/", record_body(world.process, minutes=minutes)
    )

    assert response.status_code == 302
    world.process.refresh_from_db()
    assert world.process.outcome == Outcome.PUBLISHED
    batch.refresh_from_db()
    assert (batch.decided_by, batch.meeting, batch.recorded_by) == (
        "县委常委会",
        "2026年第12次常委会会议",
        world.office,
    )
    document = BatchDocument.objects.get()
    assert (document.kind, document.original_name, document.uploaded_by) == (
        "minutes",
        "常委会纪要.pdf",
        world.office,
    )
    detail = client.get(f"/decisions/{batch.pk}/").content.decode()
    assert "清委办发〔2026〕12号" in detail
    assert "第1版" in detail
    download = client.get(f"/decisions/{batch.pk}/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_bad_record_form_names_the_field_and_publishes_nothing(client, waiting):
    world = waiting
    batch = prepare(world.office, world.process)
    client.force_login(world.office)

    response = client.post(
        f"/decisions/{batch.pk}/record/", record_body(world.process, document_number="")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"document_number": ["请填写印发文号。"]}
    assert state() == ([(batch.pk, None)], 0, 0, 0)


def test_minutes_can_be_added_after_the_decision(client, waiting):
    world = waiting
    batch = prepare(world.office, world.process)
    client.force_login(world.office)
    client.post(f"/decisions/{batch.pk}/record/", record_body(world.process))

    response = client.post(
        f"/decisions/{batch.pk}/documents/",
        {"kind": "minutes", "file": SimpleUploadedFile("纪要.pdf", PDF_BYTES)},
    )

    assert response.status_code == 302
    assert list(BatchDocument.objects.values_list("original_name", flat=True)) == ["纪要.pdf"]


@pytest.mark.parametrize(
    ("who", "index", "detail", "new", "record"),
    [
        ("anonymous", 302, 302, 302, 302),
        ("staff", 200, 403, 403, 403),
        ("head", 200, 403, 403, 403),
        ("county_admin", 200, 200, 403, 403),
        ("other_office", 200, 403, 200, 403),
        ("office", 200, 200, 200, 302),
    ],
)
def test_batch_pages_answer_each_role(client, waiting, who, index, detail, new, record):
    world = waiting
    batch = prepare(world.office, world.process)
    users = {
        "staff": world.staff,
        "head": world.heads[0],
        "county_admin": world.county_admin,
        "other_office": world.other_office,
        "office": world.office,
    }
    if who != "anonymous":
        client.force_login(users[who])
    before = state()

    assert client.get("/decisions/").status_code == index
    assert client.get(f"/decisions/{batch.pk}/").status_code == detail
    assert client.get("/decisions/new/").status_code == new
    response = client.post(f"/decisions/{batch.pk}/record/", record_body(world.process))

    assert response.status_code == record
    if record != 302 or who == "anonymous":
        assert state() == before
    else:
        assert state() != before


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 403), ("county_admin", 403), ("other_office", 200)]
)
def test_only_the_county_office_puts_requests_before_the_leadership(client, waiting, who, status):
    world = waiting
    users = {
        "staff": world.staff,
        "county_admin": world.county_admin,
        "other_office": world.other_office,
    }
    client.force_login(users[who])

    response = client.post("/decisions/new/", {"title": "批次", "requests": [world.process.pk]})

    assert response.status_code == status
    if status == 200:
        # Another county's office is not offered the request at all.
        assert list(response.context["form"].errors) == ["requests"]
    assert DecisionBatch.objects.count() == 0


def test_another_county_cannot_upload_or_download_batch_documents(client, waiting):
    world = waiting
    batch = prepare(world.office, world.process)
    client.force_login(world.office)
    client.post(
        f"/decisions/{batch.pk}/documents/",
        {"kind": "other", "file": SimpleUploadedFile("说明.pdf", PDF_BYTES)},
    )
    document = BatchDocument.objects.get()
    client.force_login(world.other_office)

    upload = client.post(
        f"/decisions/{batch.pk}/documents/",
        {"kind": "other", "file": SimpleUploadedFile("伪造.pdf", PDF_BYTES)},
    )
    download = client.get(f"/decisions/{batch.pk}/documents/{document.pk}/")

    assert (upload.status_code, download.status_code) == (403, 403)
    assert BatchDocument.objects.count() == 1


def test_the_flow_chart_shows_the_decision_chain(client, waiting):
    client.force_login(waiting.office)

    chart = client.get("/changerequest/chart/").content.decode()

    for step in ("合法性审查", "拟办意见", "审定", "依常设授权发布", "发布"):
        assert step in chart, step
    assert "裁定" not in chart
