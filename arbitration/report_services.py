"""Domain writes of off-list reports (清单外事项报告): checking a report's content, the
department's answer, the silence at its deadline, the county office's ruling.

The flow (``workflow.services.reporting``) calls these inside its task transactions;
each checks the acting user's right itself, validates everything before writing and
leaves a history record naming the user and the reason.
"""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from duty_lists.columns import resources_errors
from duty_lists.models import Category, DutyType
from organisations.models import Department, Township, Village
from organisations.text import clean_text, unit_reference

from .models import Channel, DepartmentAnswer, OffListReport, ReportRuling
from .report_permissions import (
    can_answer_report,
    can_file_report,
    can_file_village_report,
    can_rule_report,
)

audit_log = logging.getLogger("qingdan.audit")

# Answers a department may give; "no answer" is recorded by the deadline only.
GIVEN_ANSWERS = (DepartmentAnswer.WITHDRAW, DepartmentAnswer.ADMISSION, DepartmentAnswer.DISPUTE)
# What the county office supplies when it converts a report into an admission request.
ADMISSION_REQUIRED = {
    "category": "请选择领域类别。",
    "duty_type": "请选择履职类型。",
    "department_responsibilities": "请填写部门职责。",
    "basis": "请填写实施依据。",
    "effective_date": "请填写拟生效日期。",
}
ADMISSION_OPTIONAL = ("title", "local_responsibilities", "remarks")
# 配套保障 of the conversion: a department's addition must state them (费随事转).
ADMISSION_RESOURCES = ("funding_amount", "funding_source", "staffing", "equipment")
TITLE_LENGTH = 200


def _deny(actor, what: str) -> PermissionDenied:
    audit_log.warning("denied: %s may not %s", actor, what)
    return PermissionDenied(f"您无权{what}。")


def report_check_filer(*, actor, township: Township | None, village: Village | None = None) -> None:
    """Raise ``PermissionDenied`` (logged) unless ``actor`` may report for ``township``,
    or, when ``village`` is given, for that village (through its township, which
    ``township`` must then be); ``ValidationError`` naming the field when none is given
    or the township is not the village's."""
    if village is not None:
        if not can_file_village_report(actor, village):
            raise _deny(actor, f"以{unit_reference(village, actor)}的名义报告清单外事项")
        if township is not None and township.pk != village.township_id:
            raise ValidationError({"township": "村(社区)只能通过所属乡镇(街道)报告。"})
        return
    if township is None:
        raise ValidationError({"township": "请选择报告的乡镇(街道)。"})
    if not can_file_report(actor, township):
        raise _deny(actor, f"以{unit_reference(township, actor)}的名义报告清单外事项")


def report_values_clean(
    *,
    township: Township,
    department: Department | None,
    village: Village | None = None,
    assignment: str,
    assigned_on: datetime.date | None,
    channel: str,
    channel_detail: str = "",
    today: datetime.date | None = None,
) -> dict:
    """Check a report's content; return the report's field values.

    Raises ``ValidationError`` naming every bad field: a department of another county,
    an empty description, a missing or future assignment date, an unknown channel.
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if department is None:
        errors["department"] = "请选择交办部门。"
    elif department.county_id != township.county_id:
        errors["department"] = "交办部门不属于本县。"
    assignment = clean_text(assignment)
    if not assignment:
        errors["assignment"] = "请填写交办事项内容。"
    if assigned_on is None:
        errors["assigned_on"] = "请填写交办日期。"
    elif not isinstance(assigned_on, datetime.date):
        errors["assigned_on"] = "日期格式无效。"
    elif assigned_on > today:
        errors["assigned_on"] = "交办日期不能晚于今天。"
    if channel not in Channel.values:
        errors["channel"] = "请选择交办渠道。"
    channel_detail = clean_text(channel_detail)
    if len(channel_detail) > 200:
        errors["channel_detail"] = "渠道说明不能超过 200 字。"
    if errors:
        raise ValidationError(errors)
    return {
        "county": township.county,
        "township": township,
        "village": village,
        "department": department,
        "assignment": assignment,
        "assigned_on": assigned_on,
        "channel": channel,
        "channel_detail": channel_detail,
    }


def report_answer_clean(*, answer: str, reason: str) -> None:
    """Raise ``ValidationError`` on ``answer`` / ``reason`` unless the department's answer
    is one it may give, with a reason."""
    errors = {}
    if answer not in GIVEN_ANSWERS:
        errors["answer"] = "请选择答复：撤回交办要求、启动事项准入申请或有异议。"
    if not clean_text(reason):
        errors["reason"] = "请填写答复理由。"
    if errors:
        raise ValidationError(errors)


def report_answer_record(*, actor, report: OffListReport, answer: str, reason: str) -> None:
    """Record the department's answer on ``report``.

    Raises ``PermissionDenied`` (logged) unless ``actor`` acts for the report's
    department, ``ValidationError`` (see ``report_answer_clean``), or when the report
    is already answered; nothing is written then. Changes: the report's answer fields
    and a history record naming ``actor``. Call it inside the answer task's transaction.
    """
    if not can_answer_report(actor, report):
        raise _deny(actor, f"答复清单外事项报告 #{report.pk}")
    report_answer_clean(answer=answer, reason=reason)
    if report.department_answer:
        raise ValidationError({"answer": "该报告已答复。"})
    report.department_answer = answer
    report.department_reason = clean_text(reason)
    report.answered_by = actor
    report.answered_at = timezone.now()
    report._history_user = actor
    report._change_reason = f"部门答复：{DepartmentAnswer(answer).label}"
    report.save()
    audit_log.info("off-list report %s answered (%s) by %s", report.pk, answer, actor)


def report_silence_record(*, report: OffListReport) -> bool:
    """Record that the department let the deadline pass without answering.

    Returns False (and changes nothing) if an answer is already recorded. Changes: the
    answer ("逾期未答复"), its time and a history record without a user (the timer acted).
    """
    if report.department_answer:
        return False
    report.department_answer = DepartmentAnswer.NO_ANSWER
    report.department_reason = "部门在答复期限内未答复。"
    report.answered_at = timezone.now()
    report._history_user = None
    report._change_reason = "答复期限届满：逾期未答复"
    report.save()
    return True


def _admission_values(report: OffListReport, fields: dict) -> dict:
    """The conversion's item fields, validated and serialisable (the category as its
    id, the amount as text, dates as ISO text)."""
    errors = {}
    names = (*ADMISSION_REQUIRED, *ADMISSION_OPTIONAL, *ADMISSION_RESOURCES)
    values = {name: fields.get(name) for name in names}
    for name in (
        "title",
        "department_responsibilities",
        "local_responsibilities",
        "basis",
        "remarks",
        "funding_source",
        "staffing",
        "equipment",
    ):
        values[name] = clean_text(values[name])
    if not values["title"]:
        values["title"] = report.assignment.strip().splitlines()[0][:TITLE_LENGTH]
    if len(values["title"]) > TITLE_LENGTH:
        errors["title"] = f"事项名称不能超过 {TITLE_LENGTH} 字。"
    if not values["local_responsibilities"]:
        values["local_responsibilities"] = report.assignment.strip()
    errors.update(
        {
            name: message
            for name, message in ADMISSION_REQUIRED.items()
            if values[name] in (None, "")
        }
    )
    category = values["category"]
    if category not in (None, ""):
        category_id = category.pk if isinstance(category, Category) else category
        known = Category.objects.filter(pk=category_id, county_id=report.county_id)
        if not (isinstance(category_id, int) and known.exists()):
            errors["category"] = "领域类别无效。"
        else:
            values["category"] = category_id
    if values["duty_type"] and values["duty_type"] not in DutyType.values:
        errors["duty_type"] = "履职类型无效。"
    amount = values["funding_amount"]
    if amount not in (None, ""):
        try:
            amount = Decimal(str(amount))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            errors["funding_amount"] = "经费金额应为不小于 0 的数字（万元）。"
        else:
            values["funding_amount"] = str(amount)
    else:
        values["funding_amount"] = None
    for name, message in resources_errors(values).items():
        errors.setdefault(name, message)
    effective = values["effective_date"]
    if effective and not isinstance(effective, datetime.date):
        try:
            effective = datetime.date.fromisoformat(str(effective))
        except ValueError:
            errors["effective_date"] = "日期格式无效。"
    if errors:
        raise ValidationError(errors)
    values["effective_date"] = effective.isoformat()
    return values


def report_ruling_clean(
    *, report: OffListReport, ruling: str, reasoning: str, admission_fields: dict | None
) -> dict:
    """Check a ruling; return the conversion's item fields (empty unless converted).

    Raises ``ValidationError`` naming the bad field: an unknown ruling, no reasoning,
    missing item fields for a conversion.
    """
    errors = {}
    if ruling not in ReportRuling.values:
        errors["ruling"] = "请选择裁定结果。"
    if not clean_text(reasoning):
        errors["reasoning"] = "请填写裁定理由。"
    if errors:
        raise ValidationError(errors)
    if ruling != ReportRuling.CONVERTED:
        return {}
    return _admission_values(report, admission_fields or {})


def report_ruling_record(
    *,
    actor,
    report: OffListReport,
    ruling: str,
    reasoning: str,
    admission_fields: dict | None = None,
) -> None:
    """Record the county office's ruling on ``report``: upheld, dismissed, or converted
    into an admission request (whose item fields ``admission_fields`` supplies).

    Raises ``PermissionDenied`` (logged) unless ``actor`` is the county office of the
    report's county, ``ValidationError`` (see ``report_ruling_clean``) or when the
    report is already ruled on; nothing is written then. Changes: the report's ruling
    fields and a history record naming ``actor``.
    """
    if not can_rule_report(actor, report):
        raise _deny(actor, f"裁定清单外事项报告 #{report.pk}")
    admission = report_ruling_clean(
        report=report, ruling=ruling, reasoning=reasoning, admission_fields=admission_fields
    )
    if report.ruling:
        raise ValidationError({"ruling": "该报告已裁定。"})
    report.ruling = ruling
    report.ruling_reasoning = clean_text(reasoning)
    report.ruled_by = actor
    report.ruled_at = timezone.now()
    report.admission_fields = admission
    report._history_user = actor
    report._change_reason = f"裁定：{ReportRuling(ruling).label}"
    report.save()
    audit_log.info("off-list report %s ruled (%s) by %s", report.pk, ruling, actor)


def report_admission_link(*, report: OffListReport, process) -> None:
    """Point ``report`` at the admission request its conversion started.

    Changes: ``admission_request`` and a history record by the ruling's author.
    """
    report.admission_request = process
    report._history_user = report.ruled_by
    report._change_reason = f"转入事项准入申请 {process.number or f'#{process.pk}'}"
    report.save()
