"""A county with two departments, four townships and every role, another county, and
helpers to call the API as one of them (token authentication, like a real client)."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from rest_framework.test import APIClient
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from arbitration.models import (
    BatchDocument,
    BatchEntry,
    BatchPartyDecision,
    DecisionBatch,
    NoticeOpinion,
    Ruling,
    RulingDecision,
)
from duty_lists.importing.template import template_headers
from duty_lists.models import DutyItem, Release
from organisations.models import Deputyship, Region, Role
from organisations.services import api_token_issue, region_membership_grant
from tests.factories import (
    SAFETY_LAW,
    CountyFactory,
    DepartmentFactory,
    GridFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    category_of,
    user_with_role,
)
from workflow import services
from workflow.flows import ChangeRequestFlow
from workflow.models import (
    Attachment,
    ChangeKind,
    ChangeRequestProcess,
    Consultation,
    LegalityReview,
    Notification,
    TaskTransfer,
    Urge,
)

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


@pytest.fixture
def world(db):
    """清河县: 住建局 (files requests) and 应急管理局; 城关街道, 青石镇, 云岭乡 (consulted)
    and 石门镇 (never consulted); 北门社区 (城关街道) with a grid, 石门村 (石门镇);
    县委社会工作部; one user per role; 白沙县 with its own users; 丽水市 (both counties)
    with a 市级查看人员."""
    county = CountyFactory(name="清河县")
    department = DepartmentFactory(county=county, name="县住房和城乡建设局")
    other_department = DepartmentFactory(county=county, name="县应急管理局")
    townships = [
        TownshipFactory(county=county, name=name, code=f"QH-{index}")
        for index, name in enumerate(["城关街道", "青石镇", "云岭乡", "石门镇"])
    ]
    other_county = CountyFactory(name="白沙县")
    other_county_department = DepartmentFactory(county=other_county, name="白沙县住建局")
    other_county_township = TownshipFactory(county=other_county, name="沙湾街道")
    village = VillageFactory(township=townships[0], name="北门社区")
    other_village = VillageFactory(township=townships[3], name="石门村")
    grid = GridFactory(village=village, name="北门一网格")
    social_work = DepartmentFactory(county=county, name="县委社会工作部")
    # 丽水市 over both counties: its viewer reads their statistics and nothing else.
    region = Region.objects.create(code="3311", name="丽水市")
    region.counties.set([county, other_county])
    region_viewer = UserFactory(display_name="丽水市编办")
    region_membership_grant(actor=None, user=region_viewer, region=region)
    return SimpleNamespace(
        region=region,
        region_viewer=region_viewer,
        county=county,
        department=department,
        other_department=other_department,
        townships=townships,
        consulted=townships[:3],
        staff=user_with_role(Role.DEPARTMENT_STAFF, department, display_name="王晓燕"),
        other_staff=user_with_role(Role.DEPARTMENT_STAFF, other_department, display_name="李强"),
        office=user_with_role(Role.COUNTY_OFFICE, county, display_name="周建华"),
        county_admin=user_with_role(Role.COUNTY_ADMIN, county, display_name="赵敏"),
        assessment=user_with_role(Role.ASSESSMENT_OFFICE, county, display_name="县考核办"),
        heads=[
            user_with_role(Role.TOWNSHIP_HEAD, township, display_name=f"{township.name}负责人")
            for township in townships
        ],
        township_staff=user_with_role(
            Role.TOWNSHIP_STAFF, townships[0], display_name="城关街道经办人"
        ),
        other_county=other_county,
        other_office=user_with_role(Role.COUNTY_OFFICE, other_county, display_name="白沙编办"),
        other_county_head=user_with_role(
            Role.TOWNSHIP_HEAD, other_county_township, display_name="沙湾负责人"
        ),
        other_county_staff=user_with_role(
            Role.DEPARTMENT_STAFF, other_county_department, display_name="白沙住建"
        ),
        village=village,
        grid=grid,
        social_work=social_work,
        village_head=user_with_role(Role.VILLAGE_HEAD, village, display_name="北门书记"),
        other_village_head=user_with_role(Role.VILLAGE_HEAD, other_village, display_name="石门村"),
        grid_worker=user_with_role(Role.GRID_WORKER, grid, display_name="北门网格员"),
        # 县委社会工作部's staff: the village list's reviewer where a test names it so.
        village_reviewer=user_with_role(
            Role.DEPARTMENT_STAFF, social_work, display_name="社工部经办"
        ),
    )


def client_for(user) -> APIClient:
    """An API client authenticated with ``user``'s token (anonymous for ``None``)."""
    client = APIClient()
    if user is not None:
        _, key = api_token_issue(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def add_body(world, **overrides) -> dict:
    """The JSON body of a typical add request by 住建局 for the three consulted townships."""
    body = {
        "kind": "add",
        "level": "township",
        "initiator": {"type": "department", "id": world.department.pk},
        "title": "燃气安全入户排查",
        "category": category_of(world.county, SAFETY_LAW).pk,
        "duty_type": "cooperating",
        "department_responsibilities": "负责燃气安全监管和隐患整改执法。",
        "local_responsibilities": "配合开展入户排查，发现隐患及时报告。",
        "basis": "《城镇燃气管理条例》",
        "funding_amount": "2",
        "funding_source": "县财政排查经费",
        "staffing": "无",
        "equipment": "无",
        "effective_date": "2026-01-01",
        "applies_to_all": False,
        "target_townships": [township.pk for township in world.consulted],
        "reasons": "属地需要配合入户排查。",
    }
    body.update(overrides)
    return body


def file_request(world, *, townships=None, **fields) -> ChangeRequestProcess:
    """File an add request through the service (not the API), for set-up; it touches
    ``townships`` (default: the three consulted ones)."""
    values = {
        "title": "燃气安全入户排查",
        "category": category_of(world.county, SAFETY_LAW),
        "duty_type": "cooperating",
        "department_responsibilities": "负责燃气安全监管和隐患整改执法。",
        "local_responsibilities": "配合开展入户排查，发现隐患及时报告。",
        "basis": "《城镇燃气管理条例》",
        "funding_source": "无",
        "staffing": "无",
        "equipment": "无",
        "effective_date": datetime.date(2026, 1, 1),
    }
    values.update(fields)
    return services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.ADD,
        level="township",
        department=world.department,
        fields=values,
        target_townships=world.consulted if townships is None else townships,
        reasons="属地需要配合入户排查。",
    )


def open_task(process, node_name: str, **data) -> Task:
    """The one open task of ``node_name`` of a process (optionally for a party)."""
    tasks = Task.objects.filter(
        process=process, flow_task=getattr(ChangeRequestFlow, node_name), status__in=OPEN
    )
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    return tasks.get()


def forward(world, process) -> None:
    services.change_request_review(
        actor=world.office, task_id=open_task(process, "review").pk, decision="forward"
    )


def answer(world, process, index: int, decision: str, reason: str = "") -> None:
    services.consultation_answer(
        actor=world.heads[index],
        task_id=open_task(process, "consult", township=world.townships[index].pk).pk,
        answer=decision,
        reason=reason,
    )


def database_state() -> dict:
    """Everything an API write could change, to compare before and after a denial."""
    return {
        "processes": list(Process.objects.order_by("pk").values_list("pk", "status")),
        "requests": list(
            ChangeRequestProcess.objects.order_by("pk").values_list(
                "pk", "outcome", "review_decision", "title", "reasons"
            )
        ),
        "request_history": ChangeRequestProcess.history.count(),
        "tasks": list(
            Task.objects.order_by("pk").values_list("pk", "status", "owner_id", "finished")
        ),
        "consultations": list(Consultation.objects.order_by("pk").values_list("pk", "answer")),
        "rulings": Ruling.objects.count(),
        "ruling_decisions": RulingDecision.objects.count(),
        "items": list(DutyItem.objects.order_by("pk").values_list("pk", "status", "title")),
        "item_history": DutyItem.history.count(),
        "notifications": Notification.objects.count(),
        "attachments": list(Attachment.objects.order_by("pk").values_list("pk", "file")),
        "legality_reviews": LegalityReview.objects.count(),
        "batches": list(
            DecisionBatch.objects.order_by("pk").values_list("pk", "recorded_at", "document_number")
        ),
        "batch_entries": BatchEntry.objects.count(),
        "batch_decisions": BatchPartyDecision.objects.count(),
        "batch_documents": list(BatchDocument.objects.order_by("pk").values_list("pk", "file")),
        "opinions": NoticeOpinion.objects.count(),
        "releases": Release.objects.count(),
        "urges": Urge.objects.count(),
        "transfers": TaskTransfer.objects.count(),
        "deputyships": list(Deputyship.objects.order_by("pk").values_list("pk", "ended_at")),
    }


def lists_file(world, title: str = "燃气安全入户排查") -> bytes:
    """A one-item approved lists file (.xlsx) of ``world``'s county."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "乡镇(街道)"
    headers = template_headers("township")
    sheet.append(headers)
    values = {
        "事项编码": "XZ-ZJ-0001",
        "事项名称": title,
        "类别": "平安法治",
        "履职类型": "配合履职",
        "牵头部门": world.department.name,
        "部门职责": "负责燃气安全监管。",
        "乡镇(街道)职责": "配合入户排查。",
        "实施依据": "《城镇燃气管理条例》",
        "适用乡镇": "城关街道、青石镇",
    }
    sheet.append([values.get(header, "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def lists_upload(world, **kw):
    """The file of ``lists_file`` as an upload."""
    return SimpleUploadedFile("清单.xlsx", lists_file(world, **kw))
