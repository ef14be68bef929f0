"""The off-list report flow's services (清单外事项报告): filing a report (starts the
process), the department's answer and the county office's ruling (each completes its
task through ``run_human_task``), the timers' reminder and "no answer" steps, the
conversion into an admission request, and evidence files.

Rights are checked here and in ``arbitration.report_services`` (viewflow's activation
API checks none); every write is atomic and leaves history naming the user.
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from arbitration import report_services
from arbitration.models import OffListReport, ReportEvidence, ReportRuling
from arbitration.report_permissions import (
    can_add_report_evidence,
)
from duty_lists.models import Category
from organisations.models import Department, Township, Village

from .. import selectors
from ..attachments import original_name, validate_attachment
from ..deadlines import consultation_schedule
from ..models import ChangeRequestProcess
from . import filing
from .attachments import uploaded_file_save
from .common import deny, run_human_task
from .notifications import notify

audit_log = logging.getLogger("qingdan.audit")
FINISHED = "流程办结"


def report_url(report_pk: int) -> str:
    """The report's page in the "清单外事项" application."""
    return reverse("reports:detail", args=[report_pk])


def report_task_url(report_pk: int, node_name: str) -> str:
    """The page of the report's open ``answer`` or ``rule`` task."""
    return reverse(f"reports:{node_name}", args=[report_pk])


def _evidence_checked(files) -> list:
    """Check every evidence file before anything is written; errors go on ``evidence``."""
    files = list(files)
    for uploaded_file in files:
        try:
            validate_attachment(uploaded_file)
        except ValidationError as error:
            raise ValidationError({"evidence": error.message_dict["attachments"]}) from error
    return files


def _store_evidence(*, actor, report: OffListReport, uploaded_file) -> ReportEvidence:
    evidence = ReportEvidence(report=report)
    kind = uploaded_file_save(
        evidence,
        uploaded_file,
        actor=actor,
        reason=f"上传证明材料：{original_name(uploaded_file)}",
        exclude=("file", "report"),
    )
    audit_log.info(
        "evidence added: %s (%s) to off-list report %s by %s",
        evidence.file.name,
        kind.content_type,
        report.pk,
        actor,
    )
    return evidence


@transaction.atomic
def report_file(
    *,
    actor,
    township: Township | None,
    department: Department | None,
    assignment: str,
    assigned_on: datetime.date | None,
    channel: str,
    channel_detail: str = "",
    evidence=(),
    village: Village | None = None,
) -> OffListReport:
    """A township head reports an off-list assignment and starts its process; or a
    village's secretary or director (``village`` given) reports one through its
    township: the report is the township's (``township`` may be left ``None``), marked
    as coming from the village, and the township's users are told.

    The department's answer falls due after the county's consultation period in working
    days (default 5), with a reminder one working day before; both moments are computed
    here, once, and stored on the report. Returns the report, waiting for the
    department's answer. Raises ``PermissionDenied`` (logged) unless ``actor`` is a head
    of ``township`` (or acts for ``village``); ``ValidationError`` naming each bad field
    (``evidence`` for a bad file; ``township`` when it is not the village's); nothing is
    written then. Changes: the process, its tasks and timers, evidence files, a history
    record, notifications to the department (and, for a village's report, to its
    township).
    """
    from ..offlist_flow import OffListReportFlow

    report_services.report_check_filer(actor=actor, township=township, village=village)
    if village is not None:
        township = village.township
    values = report_services.report_values_clean(
        township=township,
        village=village,
        department=department,
        assignment=assignment,
        assigned_on=assigned_on,
        channel=channel,
        channel_detail=channel_detail,
    )
    files = _evidence_checked(evidence)
    schedule = consultation_schedule(township.county, timezone.now())
    values.update(
        reported_by=actor,
        answer_remind_at=schedule.remind_at,
        answer_due_at=schedule.due_at,
        _history_user=actor,
        _change_reason="报告清单外事项",
    )
    report = OffListReportFlow.start.run(fields=values)
    for uploaded_file in files:
        _store_evidence(actor=actor, report=report, uploaded_file=uploaded_file)
    due = timezone.localtime(schedule.due_at).strftime("%Y-%m-%d %H:%M")
    reporter = f"{township}（{village}）" if village is not None else str(township)
    notify(
        recipients=selectors.users_of_department(department.pk),
        subject=f"待答复：{reporter}报告清单外事项 #{report.pk}",
        body=f"{reporter}报告贵单位交办了清单外事项，请于 {due} 前答复。",
        url=report_task_url(report.pk, "answer"),
    )
    if village is not None:
        notify(
            recipients=selectors.users_of_township(township.pk),
            subject=f"{village}报告清单外事项 #{report.pk}",
            body=f"{village}经本乡镇(街道)报告{department}交办了清单外事项，已送该部门答复。",
            url=report_url(report.pk),
        )
    audit_log.info("off-list report %s filed by %s", report.pk, actor)
    return report


@transaction.atomic
def report_evidence_add(*, actor, report: OffListReport, uploaded_file) -> ReportEvidence:
    """Add one evidence file to a report still in progress.

    Who may: heads of the reporting township (and the reporting village's secretary or
    director) and users of the department concerned.
    Returns the stored file. Raises ``PermissionDenied`` (logged) or ``ValidationError``
    on ``evidence`` (kind, size, finished report); nothing is written then.
    """
    report = OffListReport.objects.select_related("township", "village", "department").get(
        pk=report.pk
    )
    if not can_add_report_evidence(actor, report):
        raise deny(actor, f"为清单外事项报告 #{report.pk} 添加证明材料")
    if report.status in (PROCESS.DONE, PROCESS.CANCELED):
        raise ValidationError({"evidence": "报告已办结，不能再添加证明材料。"})
    _evidence_checked([uploaded_file])
    return _store_evidence(actor=actor, report=report, uploaded_file=uploaded_file)


def _expect_node(task_id: int, node) -> None:
    """Raise ``Task.DoesNotExist`` unless ``task_id`` is a task of ``node``."""
    if not Task.objects.filter(pk=task_id, flow_task=node).exists():
        raise Task.DoesNotExist(f"task {task_id} is not a {node.name} task")


def report_answer(*, actor, task_id: int, answer: str, reason: str) -> OffListReport:
    """The department answers a report: withdraw the demand, start an admission request
    or dispute, with reasons.

    Returns the report. Raises ``ValidationError`` (answer, reason), ``Task.DoesNotExist``
    for a task that is not an answer task, ``PermissionDenied`` (logged) unless ``actor``
    acts for the department, ``TaskNotOpen`` when already answered or overdue; nothing
    is written then. Changes: the answer, the task (done; its timers disarmed), the
    county office's ruling task, notifications to the county office.
    """
    from ..offlist_flow import OffListReportFlow

    report_services.report_answer_clean(answer=answer, reason=reason)
    _expect_node(task_id, OffListReportFlow.answer)

    def work(activation):
        report = activation.process.coerced
        report_services.report_answer_record(
            actor=actor, report=report, answer=answer, reason=reason
        )
        notify(
            recipients=selectors.users_of_county_office(report.county_id),
            subject=f"待裁定：清单外事项报告 #{report.pk}（{report.department}已答复）",
            body=f"答复：{report.get_department_answer_display()}。{report.department_reason}",
            url=report_task_url(report.pk, "rule"),
        )
        return report

    return run_human_task(actor=actor, task_id=task_id, node_name="answer", work=work)


def report_rule(
    *,
    actor,
    task_id: int,
    ruling: str,
    reasoning: str,
    admission_fields: dict | None = None,
) -> OffListReport:
    """The county office rules on a report: upheld, dismissed, or converted into an
    admission request (``admission_fields`` supplies the item fields the report lacks).

    Returns the report (for a conversion with ``admission_request`` set). Raises
    ``ValidationError`` naming the field, ``Task.DoesNotExist``, ``PermissionDenied``
    (logged) unless ``actor`` is the county office, ``TaskNotOpen``; nothing is written
    then. Changes: the ruling, the task, the process (finished), for a conversion a new
    admission request waiting for review; notifications to the township and department.
    """
    from ..offlist_flow import OffListReportFlow

    _expect_node(task_id, OffListReportFlow.rule)

    def work(activation):
        report = activation.process.coerced
        report_services.report_ruling_record(
            actor=actor,
            report=report,
            ruling=ruling,
            reasoning=reasoning,
            admission_fields=admission_fields,
        )
        # viewflow saves the process once more when the flow ends: label that record.
        report._change_reason = FINISHED
        notify(
            recipients=[
                *selectors.users_of_township(report.township_id),
                *selectors.users_of_department(report.department_id),
            ],
            subject=f"清单外事项报告 #{report.pk} 已裁定：{report.get_ruling_display()}",
            body=report.ruling_reasoning,
            url=report_url(report.pk),
        )
        return report

    report = run_human_task(actor=actor, task_id=task_id, node_name="rule", work=work)
    report.refresh_from_db()
    return report


def report_remind(*, timer_task) -> int:
    """Remind the department one working day before its answer falls due (the
    non-interrupting timer). Returns the number of people told."""
    report = timer_task.previous.get().process.coerced
    due = timezone.localtime(report.answer_due_at).strftime("%Y-%m-%d %H:%M")
    return notify(
        recipients=selectors.users_of_department(report.department_id),
        subject=f"答复即将到期：清单外事项报告 #{report.pk}",
        body=f"请于 {due} 前答复{report.township}报告的清单外事项，逾期将记录为逾期未答复。",
        url=report_task_url(report.pk, "answer"),
    )


def report_close_unanswered(*, timer_task) -> bool:
    """Record "逾期未答复" when the answer's deadline passed (the interrupting timer);
    the report goes on to the county office's ruling. Returns whether it was recorded.
    Changes: the report's answer, notifications to the county office and department."""
    report = timer_task.previous.get().process.coerced
    recorded = report_services.report_silence_record(report=report)
    if recorded:
        subject = f"逾期未答复，待裁定：清单外事项报告 #{report.pk}（{report.department}）"
        notify(
            recipients=selectors.users_of_county_office(report.county_id),
            subject=subject,
            body=report.department_reason,
            url=report_task_url(report.pk, "rule"),
        )
        notify(
            recipients=selectors.users_of_department(report.department_id),
            subject=subject,
            body=report.department_reason,
            url=report_url(report.pk),
        )
    return recorded


def report_convert(*, report: OffListReport) -> ChangeRequestProcess:
    """Start the admission request a conversion ruling asks for (the flow's ``convert``
    step), pre-filled from the report: an addition to the township list, led by the
    department, for the reporting township, with the item fields the county office gave
    and reasons naming the report.

    The request is filed in the department's name by the county office member who ruled,
    through ``change_request_file_by_ruling`` (which checks that right). Returns the new
    request, waiting for the county office's review. Raises ``ValidationError`` if the
    item fields are incomplete; the ruling's transaction is then rolled back.
    """

    if report.ruling != ReportRuling.CONVERTED:
        raise ValidationError({"ruling": "只有“转为事项准入申请”的裁定才启动准入申请。"})
    fields = dict(report.admission_fields)
    fields["effective_date"] = datetime.date.fromisoformat(fields["effective_date"])
    fields["lead_department"] = report.department
    fields["category"] = Category.objects.filter(
        pk=fields.get("category"), county_id=report.county_id
    ).first()
    if fields.get("funding_amount") not in (None, ""):
        fields["funding_amount"] = Decimal(fields["funding_amount"])
    reasons = (
        f"依据清单外事项报告 #{report.pk}：{report.township}报告{report.department}"
        f"于 {report.assigned_on:%Y-%m-%d} 交办清单外事项，县委编办裁定转为事项准入申请。"
        f"裁定理由：{report.ruling_reasoning}"
    )
    process = filing.change_request_file_by_ruling(
        actor=report.ruled_by,
        county=report.county,
        department=report.department,
        fields=fields,
        target_townships=[report.township],
        reasons=reasons,
        change_reason=f"依据清单外事项报告 #{report.pk} 的裁定提出申请",
    )
    report_services.report_admission_link(report=report, process=process)
    report._change_reason = FINISHED
    notify(
        recipients=selectors.users_of_department(report.department_id),
        subject=f"待审查：由清单外事项报告 #{report.pk} 转入的申请 {process.label}",
        body=f"{process}",
        process=process,
    )
    return process
