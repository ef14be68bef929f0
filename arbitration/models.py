"""The county's decisions: the county office's proposals (拟办意见) on contested change
requests, the county leadership's decisions (审定) recorded in batches, and rulings on
off-list assignment reports (清单外事项报告).

A ``Ruling`` is the county office's proposed ruling on one change request (referenced
lazily by string: this app never imports ``workflow``), one decision per contested or
silent party. A ``DecisionBatch`` (审定批次) records what the county leadership
(县委常委会, 县政府常务会议 …) decided on one or many requests at one meeting, under one
document number (文号); before the meeting it may be put on public notice (公示) and
collect ``NoticeOpinion`` rows. An ``OffListReport`` is itself the process row of the
off-list report flow.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process

from organisations.models import County, Department, Township, Village

# The item fields a proposal (拟办意见) or the leadership's decision (审定) may rewrite;
# each is stored as ``amended_<name>``.
AMENDABLE_FIELDS = (
    "title",
    "department_responsibilities",
    "local_responsibilities",
    "funding_amount",
    "funding_source",
    "staffing",
    "equipment",
    "remarks",
)


def amended_values(record) -> dict:
    """``{field: value}`` of the ``amended_*`` fields of ``record`` that are filled in
    (an amount of 0 counts as filled in)."""
    values = {name: getattr(record, f"amended_{name}") for name in AMENDABLE_FIELDS}
    return {name: value for name, value in values.items() if value not in (None, "")}


class Decision(models.TextChoices):
    ADMIT = "admit", "准入"
    ADMIT_AMENDED = "admit_amended", "修改后准入"
    REJECT = "reject", "不予准入"


class AmendedTextMixin:
    """Reads the ``amended_*`` texts of a proposal (拟办意见) or a decision (审定)."""

    def amendments(self) -> dict:
        """The item fields rewritten (only those filled in): field name → new value
        (see ``amended_values``)."""
        return amended_values(self)


class PartyDecisionMixin:
    """Names the party (a township or a department) a per-party decision is about."""

    @property
    def party(self):
        return self.township or self.department

    def __str__(self):
        return f"{self.party}：{self.get_decision_display()}"


class Ruling(AmendedTextMixin, models.Model):
    """The county office's proposed ruling (拟办意见) on one request whose consultation
    was contested or went unanswered: one proposed decision per such party. The county
    leadership decides on it in a ``DecisionBatch``."""

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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="拟办人"
    )
    ruled_at = models.DateTimeField("拟办时间", auto_now_add=True)
    reasoning = models.TextField("拟办理由")
    meeting_record = models.TextField("协调会记录", blank=True)
    amended_title = models.CharField("修改后事项名称", max_length=200, blank=True)
    amended_department_responsibilities = models.TextField("修改后部门职责", blank=True)
    amended_local_responsibilities = models.TextField("修改后属地职责", blank=True)
    amended_funding_amount = models.DecimalField(
        "修改后经费金额(万元)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    amended_funding_source = models.CharField("修改后经费来源", max_length=200, blank=True)
    amended_staffing = models.TextField("修改后人员保障", blank=True)
    amended_equipment = models.TextField("修改后装备保障", blank=True)
    amended_remarks = models.TextField("修改后备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "拟办意见"
        verbose_name_plural = "拟办意见"
        ordering = ["-ruled_at"]

    def __str__(self):
        return f"拟办意见 #{self.pk}"


class RulingDecision(PartyDecisionMixin, models.Model):
    """The proposed decision for one contested or silent party."""

    ruling = models.ForeignKey(
        Ruling, on_delete=models.CASCADE, related_name="decisions", verbose_name="拟办意见"
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
    decision = models.CharField("拟办结果", max_length=16, choices=Decision.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "拟办结果"
        verbose_name_plural = "拟办结果"
        ordering = ["ruling_id", "id"]


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
    lists (清单外事项报告); the process row of the off-list report flow. A village
    reports through its township: the report is the township's, with ``village`` set.

    Upheld reports count against the department in the evaluation rounds of the period
    in which the task was assigned (``assigned_on``).
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name="所属县"
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name="报告乡镇(街道)"
    )
    # Set when a village (村/社区) reported through its township: the report is the
    # township's, marked as coming from that village.
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="报告村(社区)",
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


class PartyDecision(models.TextChoices):
    """The county leadership's decision for one party of a request (审定意见)."""

    AS_PROPOSED = "as_proposed", "按拟办意见"
    AMENDED = "amended", "修改后通过"
    NOT_ADOPTED = "not_adopted", "不予采纳"


class DecisionBatch(models.Model):
    """审定批次: requests put before the county leadership together, and what it decided.

    The county office (or, for a village or grid list with a reviewing department of its
    own, that department) prepares the batch (提请审定); when the county has a notice period
    the proposed changes are on public notice (公示) from ``notice_starts_at`` to
    ``notice_ends_at`` and the batch can be decided only after that. The office then
    records the decision: the body that decided (审定机关), the meeting and its date, the
    document number (文号) under which the lists are issued and the date they take
    effect, one decision per request and party (``BatchEntry``), and the minutes
    (``BatchDocument``). The record says who decided (the body) and who recorded it.
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name="县"
    )
    title = models.CharField("批次名称", max_length=200)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提请人"
    )
    prepared_at = models.DateTimeField("提请时间", auto_now_add=True)
    notice_starts_at = models.DateTimeField("公示开始时间", null=True, blank=True)
    notice_ends_at = models.DateTimeField("公示截止时间", null=True, blank=True)
    decided_by = models.CharField(
        "审定机关", max_length=100, blank=True, help_text="如：县委常委会、县政府常务会议"
    )
    meeting = models.CharField("会议名称", max_length=200, blank=True)
    meeting_date = models.DateField("会议日期", null=True, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    effective_date = models.DateField("生效日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    recorded_at = models.DateTimeField("登记时间", null=True, blank=True)
    releases = models.ManyToManyField(
        "duty_lists.Release", blank=True, related_name="decision_batches", verbose_name="发布版本"
    )
    # The unit that prepares and records the batch: the reviewing department of its
    # requests' list (村(社区) or 网格, where the county names one), or none for the
    # county office. Every request of a batch has this same reviewing unit.
    reviewing_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审查单位",
        help_text="为空时由县委编办提请和登记。",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "审定批次"
        verbose_name_plural = "审定批次"
        ordering = ["-prepared_at", "-id"]
        indexes = [models.Index(fields=["county", "recorded_at"])]

    def __str__(self):
        return self.title

    @property
    def is_decided(self) -> bool:
        """True once the decision has been recorded."""
        return self.recorded_at is not None

    @property
    def has_notice(self) -> bool:
        """True if the batch was put on public notice (公示)."""
        return self.notice_ends_at is not None

    def notice_is_open(self, now) -> bool:
        """True while the public notice runs at ``now`` (opinions are accepted)."""
        return (
            self.has_notice
            and not self.is_decided
            and self.notice_starts_at <= now < self.notice_ends_at
        )

    def may_be_decided(self, now) -> bool:
        """True if the decision may be recorded at ``now``: not yet recorded, and any
        notice period is over."""
        return not self.is_decided and (not self.has_notice or now >= self.notice_ends_at)

    def stage_label(self, now) -> str:
        """Where the batch stands at ``now``: 公示中 / 待审定 / 已审定."""
        if self.is_decided:
            return "已审定"
        if self.has_notice and now < self.notice_ends_at:
            return "公示中"
        return "待审定"


class BatchEntry(AmendedTextMixin, models.Model):
    """One request of a batch (审定事项) and the text the leadership amended, if any.

    The per-party decisions are ``BatchPartyDecision`` rows, written when the decision
    is recorded.
    """

    batch = models.ForeignKey(
        DecisionBatch, on_delete=models.PROTECT, related_name="entries", verbose_name="审定批次"
    )
    process = models.OneToOneField(
        "workflow.ChangeRequestProcess",
        on_delete=models.PROTECT,
        related_name="batch_entry",
        verbose_name="申请",
    )
    amended_title = models.CharField("审定修改后事项名称", max_length=200, blank=True)
    amended_department_responsibilities = models.TextField("审定修改后部门职责", blank=True)
    amended_local_responsibilities = models.TextField("审定修改后属地职责", blank=True)
    amended_funding_amount = models.DecimalField(
        "审定修改后经费金额(万元)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    amended_funding_source = models.CharField("审定修改后经费来源", max_length=200, blank=True)
    amended_staffing = models.TextField("审定修改后人员保障", blank=True)
    amended_equipment = models.TextField("审定修改后装备保障", blank=True)
    amended_remarks = models.TextField("审定修改后备注", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "审定事项"
        verbose_name_plural = "审定事项"
        ordering = ["batch_id", "id"]

    def __str__(self):
        return f"{self.batch} · 申请 #{self.process_id}"


class BatchPartyDecision(PartyDecisionMixin, models.Model):
    """The leadership's decision for one consulted party of a request in a batch."""

    entry = models.ForeignKey(
        BatchEntry, on_delete=models.CASCADE, related_name="decisions", verbose_name="审定事项"
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
    decision = models.CharField("审定意见", max_length=16, choices=PartyDecision.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "审定意见"
        verbose_name_plural = "审定意见"
        ordering = ["entry_id", "id"]


class BatchDocumentKind(models.TextChoices):
    MINUTES = "minutes", "会议纪要"
    OTHER = "other", "其他材料"


def batch_document_upload_to(instance, filename: str) -> str:
    """Batch documents are stored per batch: ``decisions/<batch pk>/<generated name>``."""
    return f"decisions/{instance.batch_id}/{filename}"


class BatchDocument(models.Model):
    """A file of a batch: the meeting minutes (会议纪要) or another document, a PDF,
    DOCX, XLSX or an image, stored under a generated name."""

    batch = models.ForeignKey(
        DecisionBatch, on_delete=models.PROTECT, related_name="documents", verbose_name="审定批次"
    )
    kind = models.CharField(
        "材料类型",
        max_length=16,
        choices=BatchDocumentKind.choices,
        default=BatchDocumentKind.MINUTES,
    )
    file = models.FileField("文件", upload_to=batch_document_upload_to, max_length=255)
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
        verbose_name = "审定材料"
        verbose_name_plural = "审定材料"
        ordering = ["batch_id", "id"]

    def __str__(self):
        return self.original_name


class NoticeOpinion(models.Model):
    """An opinion the public sent during a batch's notice period (公示意见).

    Name and contact are optional; the client's address is not kept (only the audit log
    names it).
    """

    batch = models.ForeignKey(
        DecisionBatch, on_delete=models.PROTECT, related_name="opinions", verbose_name="审定批次"
    )
    entry = models.ForeignKey(
        BatchEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name="针对事项",
    )
    name = models.CharField("姓名", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    text = models.TextField("意见内容", max_length=1000)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "公示意见"
        verbose_name_plural = "公示意见"
        ordering = ["batch_id", "id"]

    def __str__(self):
        return f"{self.batch} · 意见 #{self.pk}"
