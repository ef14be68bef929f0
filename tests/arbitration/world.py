"""A county for the off-list report flow, and helpers to drive it through its services.

清河县: 住建局 (the department named in reports) and 应急管理局; 城关街道 (reports) and
青石镇; one user per role; 白沙县 with its own office, township head and department.
"""

import datetime
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from arbitration.models import OffListReport, ReportEvidence
from organisations.models import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    category_of,
    user_with_role,
)
from workflow.models import ChangeRequestProcess, Notification
from workflow.offlist_flow import OffListReportFlow
from workflow.services import reporting

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ASSIGNED_ON = datetime.date(2026, 9, 1)
ASSIGNMENT = "要求街道组织人员对辖区内全部自建房开展结构安全排查并逐户建档。"


def make_world() -> SimpleNamespace:
    county = CountyFactory(name="清河县")
    department = DepartmentFactory(county=county, name="县住房和城乡建设局")
    other_department = DepartmentFactory(county=county, name="县应急管理局")
    township = TownshipFactory(county=county, name="城关街道", code="QH-01")
    other_township = TownshipFactory(county=county, name="青石镇", code="QH-02")
    other_county = CountyFactory(name="白沙县")
    other_county_department = DepartmentFactory(county=other_county, name="白沙县住建局")
    other_county_township = TownshipFactory(county=other_county, name="沙湾街道")
    return SimpleNamespace(
        county=county,
        department=department,
        other_department=other_department,
        township=township,
        other_township=other_township,
        other_county=other_county,
        other_county_department=other_county_department,
        other_county_township=other_county_township,
        head=user_with_role(Role.TOWNSHIP_HEAD, township, display_name="张丽华"),
        township_staff=user_with_role(Role.TOWNSHIP_STAFF, township, display_name="城关经办人"),
        other_head=user_with_role(Role.TOWNSHIP_HEAD, other_township, display_name="孙伟"),
        staff=user_with_role(Role.DEPARTMENT_STAFF, department, display_name="王晓燕"),
        department_head=user_with_role(Role.DEPARTMENT_HEAD, department, display_name="陈刚"),
        other_staff=user_with_role(Role.DEPARTMENT_STAFF, other_department, display_name="李强"),
        office=user_with_role(Role.COUNTY_OFFICE, county, display_name="周建华"),
        county_admin=user_with_role(Role.COUNTY_ADMIN, county, display_name="赵敏"),
        other_office=user_with_role(Role.COUNTY_OFFICE, other_county, display_name="黄志明"),
        other_county_head=user_with_role(
            Role.TOWNSHIP_HEAD, other_county_township, display_name="沙湾负责人"
        ),
        other_county_staff=user_with_role(
            Role.DEPARTMENT_STAFF, other_county_department, display_name="白沙住建"
        ),
    )


def pdf(name: str = "交办通知.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def file_report(world, *, actor=None, township=None, department=None, **overrides) -> OffListReport:
    """File a report for 城关街道 about 住建局 through the service (as its head)."""
    values = {
        "assignment": ASSIGNMENT,
        "assigned_on": ASSIGNED_ON,
        "channel": "document",
        "channel_detail": "清建〔2026〕18号",
    }
    values.update(overrides)
    return reporting.report_file(
        actor=actor or world.head,
        township=township or world.township,
        department=department or world.department,
        **values,
    )


def open_task(report, node_name: str) -> Task:
    return Task.objects.get(
        process=report, flow_task=getattr(OffListReportFlow, node_name), status__in=OPEN
    )


def answer(world, report, answer_value="dispute", reason="该事项属于部门法定职责。"):
    return reporting.report_answer(
        actor=world.staff,
        task_id=open_task(report, "answer").pk,
        answer=answer_value,
        reason=reason,
    )


CONVERSION = {
    "title": "自建房结构安全排查",
    "duty_type": "cooperating",
    "department_responsibilities": "负责自建房安全排查的组织、技术指导和鉴定。",
    "basis": "《城乡建设安全管理条例》",
    "funding_amount": "3.5",
    "funding_source": "县财政排查经费",
    "staffing": "无",
    "equipment": "无",
    "effective_date": "2027-01-01",
}


def conversion(county) -> dict:
    """The item fields the county office supplies to convert a report in ``county``:
    ``CONVERSION`` with the county's 城乡建设 category (its id)."""
    return {**CONVERSION, "category": category_of(county).pk}


def rule(world, report, ruling="upheld", reasoning="交办事项不在清单内。", **kwargs):
    return reporting.report_rule(
        actor=world.office,
        task_id=open_task(report, "rule").pk,
        ruling=ruling,
        reasoning=reasoning,
        **kwargs,
    )


def database_state() -> dict:
    """Everything a report write could change, to compare before and after a denial."""
    return {
        "processes": list(Process.objects.order_by("pk").values_list("pk", "status")),
        "reports": list(
            OffListReport.objects.order_by("pk").values_list(
                "pk", "department_answer", "ruling", "admission_request_id"
            )
        ),
        "report_history": OffListReport.history.count(),
        "tasks": list(
            Task.objects.order_by("pk").values_list("pk", "status", "owner_id", "finished")
        ),
        "requests": ChangeRequestProcess.objects.count(),
        "evidence": list(ReportEvidence.objects.order_by("pk").values_list("pk", "file")),
        "notifications": Notification.objects.count(),
    }
