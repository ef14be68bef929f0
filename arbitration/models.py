"""Rulings (裁定) of the county office: on contested change requests, and on off-list
assignment reports (清单外事项报告).

A ruling belongs to one change request process (referenced lazily by string: this app
never imports ``workflow``) and holds one decision per contested or silent party. An
``OffListReport`` is itself the process row of the off-list report flow.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process

from organisations.models import County, Department, Township


class Decision(models.TextChoices):
    ADMIT = "admit", "准入"
    ADMIT_AMENDED = "admit_amended", "修改后准入"
    REJECT = "reject", "不予准入"


class Ruling(models.Model):
    """The county office's ruling on one request."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name="县"
    )
    process = models.OneToOneField(
        "workflow.ChangeRequestProcess",
        on_delete=models.PROTECT,
        related_name="ruling",
        verbose_name="申请",
    )
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="裁定人"
    )
    ruled_at = models.DateTimeField("裁定时间", auto_now_add=True)
    reasoning = models.TextField("裁定理由")
    meeting_record = models.TextField("协调会记录", blank=True)
    amended_title = models.CharField("修改后事项名称", max_length=200, blank=True)
    amended_department_responsibilities = models.TextField("修改后部门职责", blank=True)
    amended_local_responsibilities = models.TextField("修改后配合职责", blank=True)
    amended_resources = models.TextField("修改后配套资源", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "裁定"
        verbose_name_plural = "裁定"
        ordering = ["-ruled_at"]

    def __str__(self):
        return f"裁定 #{self.pk}"

    def amendments(self) -> dict[str, str]:
        """The item fields the ruling rewrites (only those filled in)."""
        fields = {
            "title": self.amended_title,
            "department_responsibilities": self.amended_department_responsibilities,
            "local_responsibilities": self.amended_local_responsibilities,
            "resources": self.amended_resources,
        }
        return {name: value for name, value in fields.items() if value}


class RulingDecision(models.Model):
    """The decision for one contested or silent party."""

    ruling = models.ForeignKey(
        Ruling, on_delete=models.CASCADE, related_name="decisions", verbose_name="裁定"
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="乡镇(街道)",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="部门",
    )
    decision = models.CharField("裁定结果", max_length=16, choices=Decision.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "裁定结果"
        verbose_name_plural = "裁定结果"
        ordering = ["ruling_id", "id"]

    def __str__(self):
        return f"{self.township or self.department}：{self.get_decision_display()}"


class Channel(models.TextChoices):
    """How a department passed a task down (交办渠道)."""

    DOCUMENT = "document", "发文"
    MEETING = "meeting", "会议部署"
    PHONE = "phone", "电话"
    MESSAGE = "message", "微信/短信/工作群"
    VERBAL = "verbal", "口头交办"
    OTHER = "other", "其他"


class DepartmentAnswer(models.TextChoices):
    """The department's answer to an off-list report (部门答复)."""

    WITHDRAW = "withdraw", "撤回交办要求"
    ADMISSION = "admission", "启动事项准入申请"
    DISPUTE = "dispute", "有异议"
    NO_ANSWER = "no_answer", "逾期未答复"


class ReportRuling(models.TextChoices):
    """The county office's ruling on an off-list report (裁定结果)."""

    UPHELD = "upheld", "属实（清单外交办成立）"
    DISMISSED = "dismissed", "不成立"
    CONVERTED = "converted", "转为事项准入申请"


class OffListReport(Process):
    """A township's report that a department asked it to do something not on its
    lists (清单外事项报告); the process row of the off-list report flow.

    Upheld reports count against the department in the evaluation rounds of the period
    in which the task was assigned (``assigned_on``).
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name="所属县"
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name="报告乡镇(街道)"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="交办部门"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报告人"
    )
    assignment = models.TextField("交办事项内容")
    assigned_on = models.DateField("交办日期")
    channel = models.CharField("交办渠道", max_length=16, choices=Channel.choices)
    channel_detail = models.CharField("渠道说明(文号、会议名称等)", max_length=200, blank=True)
    department_answer = models.CharField(
        "部门答复", max_length=16, choices=DepartmentAnswer.choices, blank=True
    )
    department_reason = models.TextField("答复理由", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="答复人",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    ruling = models.CharField("裁定结果", max_length=16, choices=ReportRuling.choices, blank=True)
    ruling_reasoning = models.TextField("裁定理由", blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="裁定人",
    )
    ruled_at = models.DateTimeField("裁定时间", null=True, blank=True)
    admission_request = models.ForeignKey(
        "workflow.ChangeRequestProcess",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="转入的准入申请",
    )
    # The answer's schedule, computed once at filing (both timers read it).
    answer_remind_at = models.DateTimeField("答复提醒时间", null=True, blank=True)
    answer_due_at = models.DateTimeField("答复截止时间", null=True, blank=True)
    # The item fields the county office supplies when it converts the report into an
    # admission request (category, duty type, responsibilities, basis, dates as ISO text).
    admission_fields = models.JSONField("转入申请的事项内容", default=dict, blank=True)

    history = HistoricalRecords(inherit=False, excluded_fields=["data"])

    class Meta:
        verbose_name = "清单外事项报告"
        verbose_name_plural = "清单外事项报告"
        indexes = [models.Index(fields=["county", "ruling", "assigned_on"])]

    def __str__(self):
        first_line = self.assignment.strip().splitlines()[0] if self.assignment.strip() else ""
        return f"清单外事项报告：{first_line[:40]}"


def evidence_upload_to(instance, filename: str) -> str:
    """Evidence is stored per report: ``reports/<report pk>/<generated name>``."""
    return f"reports/{instance.report_id}/{filename}"


class ReportEvidence(models.Model):
    """A file filed as evidence with an off-list report (证明材料): a PDF, DOCX, XLSX or an
    image, stored under a generated name; the uploader's file name is kept for display."""

    report = models.ForeignKey(
        OffListReport, on_delete=models.CASCADE, related_name="evidence", verbose_name="报告"
    )
    file = models.FileField("文件", upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "清单外事项证明材料"
        verbose_name_plural = "清单外事项证明材料"
        ordering = ["report_id", "id"]

    def __str__(self):
        return self.original_name
