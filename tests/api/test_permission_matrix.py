"""Every API action × anonymous, each wrong role, the right role of another unit, a user
of the other county, and the right user: a denial is a 401 (anonymous), a 404 when the
object is outside the user's scope (answered like an unknown id), or a 403 when the user
sees the object but may not act on it; the database is unchanged after it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from duty_lists import services as duty_services
from organisations import deputies
from organisations.models import Role
from stats.figures import FIGURES
from tests.decisions import as_proposed, decide, prepare
from tests.factories import SAFETY_LAW, DepartmentFactory, category_of, make_item, user_with_role
from workflow import services
from workflow.models import ChangeKind, ConsultationAnswer, CountyWorkflowSettings

from .conftest import (
    add_body,
    answer,
    client_for,
    database_state,
    file_request,
    forward,
    lists_upload,
    open_task,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _complete(task, body):
    return "post", f"/api/tasks/{task.pk}/complete/", {"step": task.flow_task.name, **body}


def file_action(world):
    return "post", "/api/requests/", add_body(world)


def read_request_action(world):
    return "get", f"/api/requests/{file_request(world).pk}/", None


def review_action(world):
    return _complete(
        open_task(file_request(world), "review"), {"decision": "forward", "comment": ""}
    )


def revise_action(world):
    process = file_request(world)
    services.change_request_review(
        actor=world.office,
        task_id=open_task(process, "review").pk,
        decision="return",
        comment="请补充实施依据条款。",
    )
    return _complete(open_task(process, "revise"), {"basis": "《城镇燃气管理条例》第四十一条"})


def consult_action(world):
    process = file_request(world)
    forward(world, process)
    task = open_task(process, "consult", township=world.townships[0].pk)
    return _complete(task, {"answer": "contest", "reason": "缺少人员。"})


def arbitrate_action(world):
    process = file_request(world)
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.CONTEST, reason="缺少人员。")
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    answer(world, process, 2, ConsultationAnswer.ACCEPT)
    body = {
        "decisions": {f"township:{world.townships[0].pk}": "reject"},
        "reasoning": "城关街道无燃气管网。",
        "amendments": {},
    }
    return _complete(open_task(process, "arbitrate"), body)


def upload_action(world):
    file = SimpleUploadedFile("依据.pdf", PDF_BYTES, content_type="application/pdf")
    return "post", f"/api/requests/{file_request(world).pk}/attachments/", {"file": file}


def download_action(world):
    process = file_request(world)
    attachment = services.attachment_add(
        actor=world.staff,
        process=process,
        uploaded_file=SimpleUploadedFile("依据.pdf", PDF_BYTES),
    )
    return "get", f"/api/requests/{process.pk}/attachments/{attachment.pk}/", None


def download_stamped_reply_action(world):
    process = file_request(world)
    forward(world, process)
    services.consultation_answer(
        actor=world.heads[0],
        task_id=open_task(process, "consult", township=world.townships[0].pk).pk,
        answer=ConsultationAnswer.ACCEPT,
        stamped_reply=SimpleUploadedFile("盖章意见.pdf", PDF_BYTES),
    )
    reply = process.consultations.get().stamped_reply
    return "get", f"/api/requests/{process.pk}/stamped-replies/{reply.pk}/", None


def remove_attachment_action(world):
    process = file_request(world)
    attachment = services.attachment_add(
        actor=world.staff,
        process=process,
        uploaded_file=SimpleUploadedFile("依据.pdf", PDF_BYTES),
    )
    return "post", f"/api/requests/{process.pk}/attachments/{attachment.pk}/remove/", None


def read_item_action(world):
    item = make_item(
        county=world.county, lead_department=world.department, townships=[world.townships[1]]
    )
    return "get", f"/api/items/{item.pk}/", None


def items_as_of_action(world):
    make_item(county=world.county, lead_department=world.department)
    today = timezone.localdate().isoformat()
    return "get", f"/api/items/?county={world.county.pk}&level=township&as_of={today}", None


def export_level_action(world):
    make_item(county=world.county, lead_department=world.department)
    return "get", f"/api/documents/xlsx/?county={world.county.pk}&level=township", None


def export_township_action(world):
    township = world.townships[0]
    make_item(county=world.county, lead_department=world.department, townships=[township])
    query = f"county={world.county.pk}&level=township&township={township.pk}"
    return "get", f"/api/documents/pdf/?{query}", None


def export_department_action(world):
    make_item(county=world.county, lead_department=world.department)
    query = f"county={world.county.pk}&level=township&department={world.department.pk}"
    return "get", f"/api/documents/xlsx/?{query}", None


def legality_review_action(world):
    world.justice = DepartmentFactory(county=world.county, name="县司法局")
    world.justice_staff = user_with_role(Role.DEPARTMENT_STAFF, world.justice)
    CountyWorkflowSettings.objects.create(
        county=world.county, legality_review=True, legality_reviewer=world.justice
    )
    process = file_request(world)
    forward(world, process)
    return _complete(open_task(process, "review_legality"), {"decision": "pass", "opinion": ""})


def waiting_request(world):
    """A request every consulted township accepted: it waits for 审定."""
    process = file_request(world)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    return process


def prepare_batch_action(world):
    process = waiting_request(world)
    return "post", "/api/decision-batches/", {"title": "第一批", "requests": [process.pk]}


def record_batch_action(world):
    process = waiting_request(world)
    batch = prepare(world.office, process)
    today = timezone.localdate().isoformat()
    body = {
        "decided_by": "县委常委会",
        "meeting_date": today,
        "document_number": "清委办发〔2026〕12号",
        "effective_date": today,
        "entries": [
            {
                "request": process.pk,
                "decisions": as_proposed(process)[process.pk],
                "amendments": {},
            },
        ],
    }
    return "post", f"/api/decision-batches/{batch.pk}/record/", body


def read_batch_action(world):
    batch = prepare(world.office, waiting_request(world))
    return "get", f"/api/decision-batches/{batch.pk}/", None


def list_batches_action(world):
    prepare(world.office, waiting_request(world))
    return "get", "/api/decision-batches/", None


def upload_batch_document_action(world):
    batch = prepare(world.office, waiting_request(world))
    file = SimpleUploadedFile("纪要.pdf", PDF_BYTES, content_type="application/pdf")
    return "post", f"/api/decision-batches/{batch.pk}/documents/", {"file": file, "kind": "minutes"}


def download_batch_document_action(world):
    batch = prepare(world.office, waiting_request(world))
    document = services.batch_document_add(
        actor=world.office, batch=batch, uploaded_file=SimpleUploadedFile("纪要.pdf", PDF_BYTES)
    )
    return "get", f"/api/decision-batches/{batch.pk}/documents/{document.pk}/", None


def _a_release(world):
    process = waiting_request(world)
    decide(world.office, process)
    return duty_services.duty_list_for(world.county, "township").releases.get()


def list_releases_action(world):
    release = _a_release(world)
    return "get", f"/api/releases/?list={release.duty_list_id}", None


def read_release_action(world):
    return "get", f"/api/releases/{_a_release(world).pk}/", None


def _village_reviewer_configured(world) -> None:
    CountyWorkflowSettings.objects.update_or_create(
        county=world.county, defaults={"village_list_reviewer": world.social_work}
    )


def village_request(world):
    """A village-list addition by 住建局 in a county whose village list 县委社会工作部
    reviews."""
    _village_reviewer_configured(world)
    return services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.ADD,
        level="village",
        department=world.department,
        fields={
            "title": "村级燃气安全宣传",
            "category": category_of(world.county, SAFETY_LAW),
            "duty_type": "cooperating",
            "department_responsibilities": "负责燃气安全宣传材料的编印和培训。",
            "local_responsibilities": "村(社区)张贴宣传材料。",
            "basis": "《城镇燃气管理条例》",
            "funding_source": "无",
            "staffing": "无",
            "equipment": "无",
            "effective_date": datetime.date(2026, 1, 1),
        },
        target_townships=world.consulted,
        reasons="村(社区)需要配合宣传。",
    )


def _forward_village(world, process) -> None:
    services.change_request_review(
        actor=world.village_reviewer, task_id=open_task(process, "review").pk, decision="forward"
    )


def file_village_action(world):
    return "post", "/api/requests/", add_body(world, level="village")


def review_village_action(world):
    return _complete(
        open_task(village_request(world), "review"), {"decision": "forward", "comment": ""}
    )


def _village_waiting(world, *, contested: bool):
    process = village_request(world)
    _forward_village(world, process)
    answer(
        world,
        process,
        0,
        ConsultationAnswer.CONTEST if contested else ConsultationAnswer.ACCEPT,
        reason="缺少人员。",
    )
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    answer(world, process, 2, ConsultationAnswer.ACCEPT)
    return process


def arbitrate_village_action(world):
    process = _village_waiting(world, contested=True)
    body = {
        "decisions": {f"township:{world.townships[0].pk}": "reject"},
        "reasoning": "城关街道的社区无燃气管网。",
        "amendments": {},
    }
    return _complete(open_task(process, "arbitrate"), body)


def prepare_village_batch_action(world):
    process = _village_waiting(world, contested=False)
    return "post", "/api/decision-batches/", {"title": "村级清单第一批", "requests": [process.pk]}


def record_village_batch_action(world):
    process = _village_waiting(world, contested=False)
    batch = prepare(world.village_reviewer, process)
    today = timezone.localdate().isoformat()
    body = {
        "decided_by": "县委常委会",
        "meeting_date": today,
        "document_number": "清委办发〔2026〕20号",
        "effective_date": today,
        "entries": [
            {
                "request": process.pk,
                "decisions": as_proposed(process)[process.pk],
                "amendments": {},
            },
        ],
    }
    return "post", f"/api/decision-batches/{batch.pk}/record/", body


def file_township_addition_action(world):
    body = add_body(
        world,
        initiator={"type": "township", "id": world.townships[0].pk},
        lead_department=world.department.pk,
        target_townships=[world.townships[0].pk],
    )
    return "post", "/api/requests/", body


def file_village_report_action(world):
    body = {
        "village": world.village.pk,
        "department": world.department.pk,
        "assignment": "要求社区开展自建房结构安全排查并逐户建档。",
        "assigned_on": "2026-09-01",
        "channel": "meeting",
    }
    return "post", "/api/reports/", body


def read_village_item_action(world):
    item = make_item(
        county=world.county,
        level="village",
        lead_department=world.department,
        townships=[world.townships[0]],
    )
    return "get", f"/api/items/{item.pk}/", None


def read_grid_item_action(world):
    item = make_item(
        county=world.county,
        level="grid",
        lead_department=world.department,
        townships=[world.townships[0]],
    )
    return "get", f"/api/items/{item.pk}/", None


def import_lists_action(world):
    body = {
        "file": lists_upload(world),
        "county": world.county.pk,
        "document_number": "清委办发〔2026〕12号",
        "effective_date": "2026-07-01",
        "dry_run": "false",
    }
    return "post", "/api/lists/import/", body


# Village users and grid workers act on nothing of the admission procedure.
VILLAGE_USERS = {"village_head": 403, "grid_worker": 403}
# Only 县委社会工作部 acts for the village list it reviews: not the county office.
NOT_THE_VILLAGE_REVIEWER = {
    "anonymous": 401,
    "office": 403,
    "staff": 403,
    "other_staff": 403,
    "county_admin": 403,
    "head_0": 403,
    "township_staff": 403,
    "other_office": 403,
    "other_county_staff": 403,
    **VILLAGE_USERS,
}
# Acting on a village request or batch: those who do not see it get a 404 (the county
# office, the county admin and, for the request, its filer and consulted townships see
# it and get a 403).
HIDDEN_FROM = {"other_staff", "other_office", "other_county_staff", *VILLAGE_USERS}
NOT_THE_VILLAGE_REVIEWER_ON_A_REQUEST = {
    who: 404 if who in HIDDEN_FROM else status for who, status in NOT_THE_VILLAGE_REVIEWER.items()
}
NOT_THE_VILLAGE_REVIEWER_ON_A_BATCH = {
    who: 404 if who in HIDDEN_FROM | {"staff", "head_0", "township_staff"} else status
    for who, status in NOT_THE_VILLAGE_REVIEWER.items()
}

# action: (set-up returning the call, the right user and its status, denied users → status)
MATRIX = {
    "import_lists": (
        import_lists_action,
        ("office", 200),
        {
            "anonymous": 401,
            "staff": 403,
            "head_0": 403,
            "township_staff": 403,
            "other_office": 403,
            "other_county_staff": 403,
            "other_county_head": 403,
        },
    ),
    "file": (
        file_action,
        ("staff", 201),
        {
            "anonymous": 401,
            "other_staff": 403,
            "office": 403,
            "county_admin": 403,
            "head_0": 403,
            "township_staff": 403,
            "other_office": 403,
            "other_county_staff": 403,
            "other_county_head": 403,
        },
    ),
    "read_request": (
        read_request_action,
        ("head_0", 200),
        {
            "anonymous": 401,
            "other_staff": 404,
            "head_3": 404,
            "other_office": 404,
            "other_county_staff": 404,
            "other_county_head": 404,
        },
    ),
    "review": (
        review_action,
        ("office", 200),
        {
            "anonymous": 401,
            "staff": 403,
            "other_staff": 404,
            "county_admin": 403,
            "head_0": 403,
            "township_staff": 403,
            "other_office": 404,
        },
    ),
    "revise": (
        revise_action,
        ("staff", 200),
        {
            "anonymous": 401,
            "other_staff": 404,
            "office": 403,
            "county_admin": 403,
            "head_0": 403,
            "other_county_staff": 404,
        },
    ),
    "consult": (
        consult_action,
        ("head_0", 200),
        {
            "anonymous": 401,
            "head_1": 404,
            "head_3": 404,
            "township_staff": 404,
            "staff": 404,
            "office": 403,
            "county_admin": 404,
            "other_county_head": 404,
        },
    ),
    "arbitrate": (
        arbitrate_action,
        ("office", 200),
        {
            "anonymous": 401,
            "staff": 403,
            "county_admin": 403,
            "head_0": 403,
            "township_staff": 403,
            "other_office": 404,
        },
    ),
    "review_legality": (
        legality_review_action,
        ("justice_staff", 200),
        {
            "anonymous": 401,
            "office": 403,
            "staff": 403,
            "other_staff": 404,
            "county_admin": 403,
            "head_0": 403,
            "other_office": 404,
            "other_county_staff": 404,
        },
    ),
    "prepare_batch": (
        prepare_batch_action,
        ("office", 201),
        {
            "anonymous": 401,
            "staff": 403,
            "county_admin": 403,
            "head_0": 403,
            "township_staff": 403,
            "other_office": 403,
            "other_county_staff": 403,
        },
    ),
    "record_batch": (
        record_batch_action,
        ("office", 200),
        {
            "anonymous": 401,
            "staff": 404,
            "county_admin": 403,
            "head_0": 404,
            "township_staff": 404,
            "other_office": 404,
            "other_county_head": 404,
        },
    ),
    "read_batch": (
        read_batch_action,
        ("county_admin", 200),
        {
            "anonymous": 401,
            "staff": 404,
            "head_0": 404,
            "township_staff": 404,
            "other_office": 404,
            "other_county_staff": 404,
        },
    ),
    "list_batches": (list_batches_action, ("office", 200), {"anonymous": 401}),
    "upload_batch_document": (
        upload_batch_document_action,
        ("office", 201),
        {
            "anonymous": 401,
            "staff": 404,
            "county_admin": 403,
            "head_0": 404,
            "other_office": 404,
        },
    ),
    "download_batch_document": (
        download_batch_document_action,
        ("county_admin", 200),
        {
            "anonymous": 401,
            "staff": 404,
            "head_0": 404,
            "other_office": 404,
            "other_county_head": 404,
        },
    ),
    "list_releases": (
        list_releases_action,
        ("head_0", 200),
        {
            "anonymous": 401,
            "other_office": 404,
            "other_county_head": 404,
            "other_county_staff": 404,
        },
    ),
    "read_release": (
        read_release_action,
        ("staff", 200),
        {
            "anonymous": 401,
            "other_office": 404,
            "other_county_head": 404,
            "other_county_staff": 404,
        },
    ),
    "upload_attachment": (
        upload_action,
        ("staff", 201),
        {
            "anonymous": 401,
            "other_staff": 404,
            "county_admin": 403,
            "head_0": 403,
            "other_office": 404,
            "other_county_staff": 404,
        },
    ),
    "download_attachment": (
        download_action,
        ("head_0", 200),
        {
            "anonymous": 401,
            "other_staff": 404,
            "head_3": 404,
            "other_office": 404,
            "other_county_head": 404,
        },
    ),
    "remove_attachment": (
        remove_attachment_action,
        ("staff", 204),
        {
            "anonymous": 401,
            "other_staff": 404,
            "county_admin": 403,
            "head_0": 403,
            "other_office": 404,
            "other_county_staff": 404,
        },
    ),
    # Another township's stamped reply is hidden like its answer.
    "download_stamped_reply": (
        download_stamped_reply_action,
        ("office", 200),
        {
            "anonymous": 401,
            "other_staff": 404,
            "head_1": 404,
            "head_3": 404,
            "other_office": 404,
            "other_county_head": 404,
        },
    ),
    "read_item": (
        read_item_action,
        ("head_1", 200),
        {
            "anonymous": 401,
            "head_0": 404,
            "township_staff": 404,
            "other_office": 404,
            "other_county_head": 404,
            "other_county_staff": 404,
        },
    ),
    "items_as_of": (
        items_as_of_action,
        ("head_0", 200),
        {
            "anonymous": 401,
            "other_office": 404,
            "other_county_head": 404,
            "other_county_staff": 404,
        },
    ),
    "export_level": (
        export_level_action,
        ("office", 200),
        {
            "anonymous": 401,
            "head_0": 403,
            "township_staff": 403,
            "other_office": 404,
            "other_county_staff": 404,
            "other_county_head": 404,
        },
    ),
    "export_township": (
        export_township_action,
        ("head_0", 200),
        {
            "anonymous": 401,
            "head_1": 403,
            "head_3": 403,
            "other_office": 404,
            "other_county_head": 404,
        },
    ),
    "export_department": (
        export_department_action,
        ("staff", 200),
        {
            "anonymous": 401,
            "head_0": 403,
            "township_staff": 403,
            "other_office": 404,
            "other_county_staff": 404,
        },
    ),
}

MATRIX.update(
    {
        "file_village": (
            file_village_action,
            ("staff", 201),
            {"anonymous": 401, "village_reviewer": 403, "office": 403, **VILLAGE_USERS},
        ),
        "review_village": (
            review_village_action,
            ("village_reviewer", 200),
            NOT_THE_VILLAGE_REVIEWER_ON_A_REQUEST,
        ),
        "arbitrate_village": (
            arbitrate_village_action,
            ("village_reviewer", 200),
            NOT_THE_VILLAGE_REVIEWER_ON_A_REQUEST,
        ),
        "prepare_village_batch": (
            prepare_village_batch_action,
            ("village_reviewer", 201),
            NOT_THE_VILLAGE_REVIEWER,
        ),
        "record_village_batch": (
            record_village_batch_action,
            ("village_reviewer", 200),
            NOT_THE_VILLAGE_REVIEWER_ON_A_BATCH,
        ),
        "file_township_addition": (
            file_township_addition_action,
            ("head_0", 201),
            {
                "anonymous": 401,
                "head_1": 403,
                "township_staff": 403,
                "staff": 403,
                "office": 403,
                "other_county_head": 403,
                **VILLAGE_USERS,
            },
        ),
        "file_village_report": (
            file_village_report_action,
            ("village_head", 201),
            {
                "anonymous": 401,
                "other_village_head": 403,
                "grid_worker": 403,
                "head_0": 403,
                "township_staff": 403,
                "staff": 403,
                "office": 403,
                "other_county_head": 403,
            },
        ),
        "read_village_item": (
            read_village_item_action,
            ("village_head", 200),
            {
                "anonymous": 401,
                "other_village_head": 404,
                "grid_worker": 404,
                "head_1": 404,
                "other_office": 404,
                "other_county_head": 404,
            },
        ),
        "read_grid_item": (
            read_grid_item_action,
            ("grid_worker", 200),
            {
                "anonymous": 401,
                "village_head": 404,
                "other_village_head": 404,
                "head_1": 404,
                "other_county_staff": 404,
            },
        ),
    }
)


def _consultation_task(world):
    process = file_request(world)
    forward(world, process)
    return open_task(process, "consult", township=world.townships[0].pk)


def urge_action(world):
    return "post", f"/api/tasks/{_consultation_task(world).pk}/urge/", {"note": "请尽快答复。"}


def transfer_action(world):
    task = _consultation_task(world)
    return "post", f"/api/tasks/{task.pk}/transfer/", {"to_user": world.township_staff.pk}


def transfer_candidates_action(world):
    return "get", f"/api/tasks/{_consultation_task(world).pk}/transfer/", None


def deputy_candidates_action(world):
    return "get", "/api/deputyships/candidates/", None


def set_deputy_action(world):
    now = timezone.now()
    body = {
        "unit": {"type": "township", "id": world.townships[0].pk},
        "deputy": world.township_staff.pk,
        "starts_at": now.isoformat(),
        "ends_at": (now + datetime.timedelta(days=3)).isoformat(),
        "reason": "外出学习。",
    }
    return "post", "/api/deputyships/", body


def end_deputy_action(world):
    now = timezone.now()
    deputyship = deputies.deputyship_set(
        actor=world.heads[0],
        unit=world.townships[0],
        deputy=world.township_staff,
        starts_at=now,
        ends_at=now + datetime.timedelta(days=3),
        reason="外出学习。",
    )
    return "post", f"/api/deputyships/{deputyship.pk}/end/", {}


def todo_action(world):
    _consultation_task(world)
    return "get", "/api/todo/", None


MATRIX.update(
    {
        # A consultation task is seen by its township's heads and the county office
        # only (like completing it): the others get a 404.
        "urge": (
            urge_action,
            ("office", 201),
            {
                "anonymous": 401,
                "staff": 404,
                "county_admin": 404,
                "head_0": 403,
                "township_staff": 404,
                "other_office": 404,
                "other_county_head": 404,
            },
        ),
        "transfer": (
            transfer_action,
            ("head_0", 201),
            {
                "anonymous": 401,
                "head_1": 404,
                "township_staff": 404,
                "staff": 404,
                "office": 403,
                "county_admin": 404,
                "other_county_head": 404,
            },
        ),
        "transfer_candidates": (
            transfer_candidates_action,
            ("head_0", 200),
            {
                "anonymous": 401,
                "head_1": 404,
                "township_staff": 404,
                "staff": 404,
                "office": 403,
                "county_admin": 404,
                "other_county_head": 404,
            },
        ),
        # Everyone signed in reads the colleagues it may name (empty unless a head).
        "deputy_candidates": (
            deputy_candidates_action,
            ("head_0", 200),
            {"anonymous": 401, "region_viewer": 200},
        ),
        "set_deputy": (
            set_deputy_action,
            ("head_0", 201),
            {
                "anonymous": 401,
                "head_1": 403,
                "township_staff": 403,
                "staff": 403,
                "office": 403,
                "other_county_head": 403,
            },
        ),
        # A deputyship is seen by its principal and its deputy only.
        "end_deputy": (
            end_deputy_action,
            ("head_0", 200),
            {
                "anonymous": 401,
                "head_1": 404,
                "township_staff": 403,
                "office": 404,
                "other_county_head": 404,
            },
        ),
        # Everyone signed in reads their own 待办 (a region viewer's is empty).
        "todo": (todo_action, ("head_0", 200), {"anonymous": 401, "region_viewer": 200}),
    }
)


def stats_action(key):
    def action(world):
        make_item(county=world.county, lead_department=world.department)
        return "get", f"/api/stats/{key}/?county={world.county.pk}", None

    return action


STATS_DENIED = {
    "anonymous": 401,
    "staff": 403,
    "other_staff": 403,
    "county_admin": 403,
    "head_0": 403,
    "township_staff": 403,
    "village_reviewer": 403,
    # The other county's office reads statistics, but not of this county (hidden).
    "other_office": 404,
    "other_county_staff": 403,
    "other_county_head": 403,
}
for _figure in FIGURES:
    MATRIX[f"stats_{_figure.key}"] = (
        stats_action(_figure.key),
        ("office", 200),
        {**STATS_DENIED, "region_viewer": 200},
    )
MATRIX["stats_region"] = (
    stats_action("burden"),
    ("region_viewer", 200),
    {key: status for key, status in STATS_DENIED.items() if key != "other_office"},
)
# Actions on no existing object (filing, preparing, importing, naming a deputy, the
# statistics): a user without the right gets a 403. Any other action is about an
# object, which those outside its county or unit do not see: a 404.
NOT_ON_AN_OBJECT = {
    "file",
    "prepare_batch",
    "file_village",
    "prepare_village_batch",
    "file_township_addition",
    "file_village_report",
    "import_lists",
    "set_deputy",
    *(action for action in MATRIX if action.startswith("stats_")),
}
# The 市(省)级查看人员 reads the statistics only (and its own empty lists).
for _action, (_, (_right, _), _denied) in MATRIX.items():
    if not _action.startswith("stats_") and _action not in {
        "list_batches",
        "todo",
        "deputy_candidates",
    }:
        _denied.setdefault("region_viewer", 403 if _action in NOT_ON_AN_OBJECT else 404)

# Village users and grid workers are refused every other action but the list of
# batches (empty for them), their own 待办 and the reads of their own list.
for _action, (_, (_right, _), _denied) in MATRIX.items():
    if _action not in {
        "list_batches",
        "read_village_item",
        "read_grid_item",
        "todo",
        "deputy_candidates",
    }:
        for _who, _status in VILLAGE_USERS.items():
            if _who != _right:
                _denied.setdefault(_who, _status if _action in NOT_ON_AN_OBJECT else 404)

# The 县考核办 enters base scores and publishes results (its own matrix in
# tests/api/test_evaluation_api.py). A county-level role, it reads the county's lists,
# releases and documents, has a 待办 (and an empty list of deputy candidates); every
# other action is refused to it.
ASSESSMENT_READS = {
    "list_batches",
    "list_releases",
    "read_release",
    "read_item",
    "items_as_of",
    "export_level",
    "export_township",
    "export_department",
    "read_village_item",
    "read_grid_item",
    "todo",
    "deputy_candidates",
}
# Requests, batches, tasks, their files and deputyships are not the 县考核办's to see:
# an action on one answers 404 as for any hidden object.
HIDDEN_FROM_ASSESSMENT = {
    "read_request",
    "review",
    "revise",
    "consult",
    "arbitrate",
    "review_legality",
    "record_batch",
    "read_batch",
    "upload_batch_document",
    "download_batch_document",
    "upload_attachment",
    "download_attachment",
    "remove_attachment",
    "download_stamped_reply",
    "review_village",
    "arbitrate_village",
    "record_village_batch",
    "urge",
    "transfer",
    "transfer_candidates",
    "end_deputy",
}
for _action, (_, (_right, _), _denied) in MATRIX.items():
    if _right != "assessment":
        if _action in ASSESSMENT_READS:
            _denied.setdefault("assessment", 200)
        else:
            _denied.setdefault("assessment", 404 if _action in HIDDEN_FROM_ASSESSMENT else 403)

CASES = [
    pytest.param(action, who, expected, id=f"{action}-{who}")
    for action, (_, (right, status), denied) in MATRIX.items()
    for who, expected in [*denied.items(), (right, status)]
]


def user_named(world, who: str):
    if who == "anonymous":
        return None
    if who.startswith("head_"):
        return world.heads[int(who.removeprefix("head_"))]
    return getattr(world, who)


@pytest.mark.parametrize(("action", "who", "expected"), CASES)
def test_api_action_permission(world, action, who, expected):
    method, url, body = MATRIX[action][0](world)
    client = client_for(user_named(world, who))
    before = database_state()

    multipart = any(isinstance(value, SimpleUploadedFile) for value in (body or {}).values())
    response = getattr(client, method)(url, body, format="multipart" if multipart else "json")

    assert response.status_code == expected, response.content
    changed = database_state() != before
    if expected in (401, 403, 404):
        assert not changed
    else:
        assert changed == (method == "post")


PUBLIC_READS = [
    "/api/public/counties/{code}/",
    "/api/public/counties/{code}/items/",
    "/api/public/counties/{code}/items/{item}/",
    "/api/public/counties/{code}/releases/",
    "/api/public/counties/{code}/search/?q=燃气",
]
READERS = ["anonymous", "staff", "office", "head_0", "other_office", "other_county_head"]


@pytest.mark.parametrize("who", READERS)
@pytest.mark.parametrize("url", PUBLIC_READS)
def test_public_reads_answer_everyone_alike_and_change_nothing(world, url, who):
    world.county.code = "331100"
    world.county.save()
    item = make_item(county=world.county, lead_department=world.department, title="燃气巡查")
    client = client_for(user_named(world, who))
    before = database_state()

    response = client.get(url.format(code="331100", item=item.pk))

    assert response.status_code == 200, response.content
    assert database_state() == before


@pytest.mark.parametrize("who", READERS)
@pytest.mark.parametrize("url", PUBLIC_READS)
def test_public_reads_of_an_unpublished_county_answer_nobody(world, url, who):
    world.county.code = "331100"
    world.county.save()
    CountyWorkflowSettings.objects.create(county=world.county, public_pages=False)
    item = make_item(county=world.county, lead_department=world.department, title="燃气巡查")
    client = client_for(user_named(world, who))

    response = client.get(url.format(code="331100", item=item.pk))

    assert response.status_code == 404


ROUND_URGE = {
    "anonymous": 401,
    "assessment": 403,
    "other_county_assessment": 404,
    "county_admin": 403,
    "department_head": 403,
    "township_head": 403,
    "township_staff": 403,
    "other_county_office": 404,
    "office": 201,
}


@pytest.mark.parametrize(("who", "expected"), ROUND_URGE.items())
def test_round_urge_permission(db, who, expected):
    from tests.evaluation.round_factories import evaluation_world, open_round
    from workflow.models import Urge

    world = evaluation_world(with_round=False)
    evaluation_round = open_round(world)
    client = client_for(None if who == "anonymous" else getattr(world, who))
    before = database_state()

    response = client.post(f"/api/evaluation-rounds/{evaluation_round.pk}/urge/", {}, format="json")

    assert response.status_code == expected, response.content
    if expected == 201:
        assert Urge.objects.count() == evaluation_round.sheets.count()
        assert len(response.json()) == Urge.objects.count()
    else:
        assert database_state() == before
