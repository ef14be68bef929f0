"""Process models of the flows and the records they keep.

``ChangeRequestProcess`` is one admission/adjustment request (准入/动态调整申请): what is
asked for, by whom, and where it stands. ``Consultation`` is one consulted party's
answer (征求意见). ``CountyWorkflowSettings`` and ``Holiday`` configure deadlines per
county. ``Notification`` is the in-app message list of a user. ``Attachment`` is a
file filed with a request (材料附件).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process

from duty_lists.models import (
    ITEM_CONTENT_FIELDS,
    Category,
    DutyItem,
    DutyType,
    ItemKind,
    Level,
    PrimaryResponsibility,
)
from organisations.models import County, Department, Township, Village


class ChangeKind(models.TextChoices):
    ADD = "add", "新增事项"
    AMEND = "amend", "修改事项"
    WITHDRAW = "withdraw", "取消事项"


class Outcome(models.TextChoices):
    PENDING = "pending", "办理中"
    PUBLISHED = "published", "已发布"
    REJECTED = "rejected", "未准入"
    NOT_ADOPTED = "not_adopted", "审定不予采纳"


class PublicationBasis(models.TextChoices):
    """On whose authority a request was published (发布依据)."""

    DECISION = "decision", "县委县政府审定"
    STANDING = "standing", "依常设授权"


class LegalityDecision(models.TextChoices):
    """The justice bureau's conclusion (合法性审查意见)."""

    PASS = "pass", "通过合法性审查"
    RETURN = "return", "退回修改"


class ReviewDecision(models.TextChoices):
    FORWARD = "forward", "通过审查，征求意见"
    RETURN = "return", "退回修改"
    REJECT = "reject", "不予受理"


# The proposed item fields a request carries (copied onto the item at publication).
ITEM_FIELDS = (
    "code",
    *ITEM_CONTENT_FIELDS,
    "effective_date",
    "expires_on",
)
# The proposed cooperating departments (协同部门) of a request: a list of
# ``{"department": <id>, "responsibilities": <text>}`` kept in ``cooperation``.
COOPERATION_FIELD = "cooperation"


class ChangeRequestProcess(Process):
    """One request to add, amend or withdraw a duty on a county list.

    Filed by a department (any kind) or by a township (amend/withdraw of an item that
    applies to it). The proposed item fields live here until publication.
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name="所属县"
    )
    # 申请编号 SQ-<year>-<4-digit sequence>, counted per county and year, given when the
    # request is filed (``services.filing``) and never changed.
    number = models.CharField("申请编号", max_length=20, blank=True, db_index=True)
    kind = models.CharField("申请类型", max_length=16, choices=ChangeKind.choices)
    level = models.CharField("清单层级", max_length=16, choices=Level.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="申请人",
    )
    initiator_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请部门",
    )
    initiator_township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请乡镇(街道)",
    )
    target_item = models.ForeignKey(
        DutyItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="涉及事项",
    )
    code = models.CharField("事项编码", max_length=32, blank=True)
    title = models.CharField("事项名称", max_length=200, blank=True)
    item_kind = models.CharField("事项类型", max_length=16, choices=ItemKind.choices, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="领域类别",
    )
    duty_type = models.CharField("履职类型", max_length=16, choices=DutyType.choices, blank=True)
    primary_responsibility = models.CharField(
        "主体责任", max_length=16, choices=PrimaryResponsibility.choices, blank=True
    )
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="牵头部门",
    )
    department_responsibilities = models.TextField("部门职责", blank=True)
    cooperation = models.JSONField("协同部门及职责", default=list, blank=True)
    local_responsibilities = models.TextField("属地职责", blank=True)
    basis = models.TextField("实施依据", blank=True)
    accountability = models.TextField("追责情形", blank=True)
    exemption = models.TextField("免责情形", blank=True)
    work_requirements = models.TextField("工作要求/时限", blank=True)
    funding_amount = models.DecimalField(
        "经费金额(万元)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField("经费来源", max_length=200, blank=True)
    staffing = models.TextField("人员保障", blank=True)
    equipment = models.TextField("装备保障", blank=True)
    remarks = models.TextField("备注", blank=True)
    guidance_code = models.CharField("指导目录编码", max_length=64, blank=True)
    effective_date = models.DateField("拟生效日期", null=True, blank=True)
    expires_on = models.DateField("有效期至(临时事项)", null=True, blank=True)
    applies_to_all = models.BooleanField("适用本级全部单位", default=False)
    target_townships = models.ManyToManyField(
        Township, blank=True, related_name="+", verbose_name="涉及乡镇(街道)"
    )
    target_villages = models.ManyToManyField(
        Village, blank=True, related_name="+", verbose_name="适用村(社区)"
    )
    village_kind = models.CharField(
        "适用村(社区)类型", max_length=16, choices=Village.Kind.choices, blank=True
    )
    reasons = models.TextField("申请理由")
    review_decision = models.CharField(
        "审查意见", max_length=16, choices=ReviewDecision.choices, blank=True
    )
    review_comment = models.TextField("审查说明", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审查人",
    )
    outcome = models.CharField(
        "办理结果", max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    published_item = models.ForeignKey(
        DutyItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布事项",
    )
    # Set when the county office forwards the request and the county has legality review
    # on: the department (司法局) whose users review it and may therefore see it.
    legality_reviewer = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="合法性审查部门",
    )
    published_under = models.CharField(
        "发布依据", max_length=16, choices=PublicationBasis.choices, blank=True
    )
    # The unit that reviews the request, proposes the ruling and records its 审定: the
    # level's reviewing department of the county's settings when the request is filed
    # (村(社区) list: e.g. 县委社会工作部; 网格 list: the 网格化工作机构), or none for
    # the county office (县委编办). Kept on the request so its tasks stay with one unit.
    reviewing_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审查单位",
        help_text="为空时由县委编办审查。",
    )

    history = HistoricalRecords(inherit=False, excluded_fields=["data"])

    class Meta:
        verbose_name = "准入/调整申请"
        verbose_name_plural = "准入/调整申请"
        constraints = [
            models.UniqueConstraint(
                fields=["county", "number"],
                condition=~models.Q(number=""),
                name="workflow_request_number_unique_per_county",
            )
        ]

    def __str__(self):
        prefix = f"{self.number} " if self.number else ""
        return f"{prefix}{self.subject_line}"

    @property
    def subject_line(self) -> str:
        """Kind and subject without the number, e.g. ``新增事项：燃气安全检查``."""
        subject = self.title or (self.target_item.title if self.target_item_id else "")
        return f"{self.get_kind_display()}：{subject}"

    @property
    def label(self) -> str:
        """How people name the request: its number (申请编号), or ``#<id>`` before it has
        one."""
        return self.number or f"#{self.pk}"

    @property
    def initiator(self):
        """The filing unit: a Department or a Township."""
        return self.initiator_department or self.initiator_township


class ConsultationAnswer(models.TextChoices):
    ACCEPT = "accept", "同意"
    CONTEST = "contest", "有异议"
    NO_ANSWER = "no_answer", "逾期未答复"


class Consultation(models.Model):
    """One consulted party's answer to a request: a township, or the lead department
    when a township filed the request."""

    process = models.ForeignKey(
        ChangeRequestProcess,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name="申请",
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
    answer = models.CharField("意见", max_length=16, choices=ConsultationAnswer.choices)
    reason = models.TextField("理由", blank=True)
    counter_proposal = models.TextField("修改建议", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="答复人",
    )
    answered_at = models.DateTimeField("答复时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "征求意见答复"
        verbose_name_plural = "征求意见答复"
        ordering = ["process_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "township"],
                condition=models.Q(township__isnull=False),
                name="consultation_once_per_township",
            ),
            models.UniqueConstraint(
                fields=["process", "department"],
                condition=models.Q(department__isnull=False),
                name="consultation_once_per_department",
            ),
        ]

    def __str__(self):
        return f"{self.party} · {self.get_answer_display()}"

    @property
    def party(self):
        return self.township or self.department

    @property
    def is_contested(self) -> bool:
        """Contested or silent answers go to arbitration."""
        return self.answer in {ConsultationAnswer.CONTEST, ConsultationAnswer.NO_ANSWER}


class LegalityReview(models.Model):
    """One legality review (合法性审查) of a request by the county's reviewing department
    (usually 司法局). A request returned for revision is reviewed again after it is
    resubmitted, so a request may have several."""

    process = models.ForeignKey(
        ChangeRequestProcess,
        on_delete=models.CASCADE,
        related_name="legality_reviews",
        verbose_name="申请",
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="审查部门"
    )
    decision = models.CharField("审查意见", max_length=16, choices=LegalityDecision.choices)
    opinion = models.TextField("审查说明", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审查人"
    )
    reviewed_at = models.DateTimeField("审查时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "合法性审查"
        verbose_name_plural = "合法性审查"
        ordering = ["process_id", "id"]

    def __str__(self):
        return f"{self.department} · {self.get_decision_display()}"


MIN_CONSULTATION_DAYS = 1
MAX_CONSULTATION_DAYS = 30
MAX_NOTICE_DAYS = 30


class CountyWorkflowSettings(models.Model):
    """Per-county procedure settings (deadlines, silence rule, legality review, standing
    authorisation, public notice and pages, and the reviewing unit of the village and
    grid lists)."""

    county = models.OneToOneField(
        County, on_delete=models.CASCADE, related_name="workflow_settings", verbose_name="县"
    )
    consultation_days = models.PositiveSmallIntegerField("征求意见期限(工作日)", default=5)
    silence_is_consent = models.BooleanField("逾期未答复视为同意", default=False)
    legality_review = models.BooleanField(
        "合法性审查",
        default=False,
        help_text="开启后，编办形式审查通过的申请先由合法性审查部门(司法局)审查，再征求意见。",
    )
    legality_reviewer = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="合法性审查部门",
        help_text="通常为县司法局。",
    )
    standing_authorisation = models.BooleanField(
        "无异议事项依常设授权发布",
        default=False,
        help_text=(
            "开启后，征求意见无异议的申请由编办依县委县政府常设授权直接发布，不再等待审定，"
            "发布记录注明依常设授权。"
        ),
    )
    standing_authorisation_reference = models.CharField(
        "常设授权文件文号",
        max_length=100,
        blank=True,
        help_text="授权编办直接发布无异议事项的文件文号，如：清委办发〔2025〕3号；用作依常设授权发布的版本文号。",
    )
    notice_working_days = models.PositiveSmallIntegerField(
        "公示期(工作日)",
        default=0,
        help_text="审定前在公开页面公示拟调整事项的工作日数；0 表示不公示。",
    )
    public_pages = models.BooleanField(
        "公开清单页面", default=True, help_text="关闭后，本县的公开页面不再显示任何内容。"
    )
    village_list_reviewer = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="村(社区)清单审查单位",
        help_text=(
            "对村(社区)清单的事项申请进行形式审查、提出拟办意见、提请并登记审定的单位，"
            "如县委社会工作部、县委组织部、县民政局；不选则由县委编办办理。"
        ),
    )
    grid_list_reviewer = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="网格清单审查单位",
        help_text=(
            "对网格清单的事项申请进行形式审查、提出拟办意见、提请并登记审定的单位，"
            "通常为县网格化服务管理机构；不选则由县委编办办理。"
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "流程设置"
        verbose_name_plural = "流程设置"

    def __str__(self):
        return f"{self.county} 流程设置"

    def clean(self):
        errors = {}
        if not MIN_CONSULTATION_DAYS <= self.consultation_days <= MAX_CONSULTATION_DAYS:
            errors["consultation_days"] = (
                f"征求意见期限应为{MIN_CONSULTATION_DAYS}至{MAX_CONSULTATION_DAYS}个工作日。"
            )
        if self.notice_working_days > MAX_NOTICE_DAYS:
            errors["notice_working_days"] = f"公示期不超过{MAX_NOTICE_DAYS}个工作日。"
        if self.standing_authorisation and not self.standing_authorisation_reference.strip():
            errors["standing_authorisation_reference"] = "开启常设授权时，请填写常设授权文件文号。"
        if self.legality_review and self.legality_reviewer_id is None:
            errors["legality_reviewer"] = "开启合法性审查时，请选择合法性审查部门。"
        elif (
            self.legality_reviewer_id is not None
            and self.county_id is not None
            and self.legality_reviewer.county_id != self.county_id
        ):
            errors["legality_reviewer"] = "合法性审查部门应为本县部门。"
        for name in ("village_list_reviewer", "grid_list_reviewer"):
            reviewer = getattr(self, name)
            if reviewer is not None and self.county_id and reviewer.county_id != self.county_id:
                errors[name] = f"{self._meta.get_field(name).verbose_name}应为本县部门。"
        if errors:
            raise ValidationError(errors)

    def reviewer_for(self, level: str) -> Department | None:
        """The department that reviews requests for the ``level`` list, or ``None`` when
        the county office (县委编办) does (always for the township list)."""
        if level == Level.VILLAGE:
            return self.village_list_reviewer
        if level == Level.GRID:
            return self.grid_list_reviewer
        return None


class Holiday(models.Model):
    """A non-working day of a county (法定节假日), skipped when counting deadlines.

    Weekends are always skipped; ``is_working_day`` marks a weekend make-up day (调休上班).
    """

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="holidays", verbose_name="县"
    )
    date = models.DateField("日期")
    name = models.CharField("名称", max_length=50)
    is_working_day = models.BooleanField("调休上班", default=False)

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["county_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["county", "date"], name="holiday_unique_date")
        ]

    def __str__(self):
        return f"{self.date} {self.name}"

    def clean(self):
        # A make-up day moves work onto a weekend; on a weekday it would mean nothing.
        if self.is_working_day and self.date is not None and self.date.weekday() < 5:
            raise ValidationError({"is_working_day": "调休上班日应为周六或周日。"})


class Notification(models.Model):
    """An in-app message to one user (站内通知)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="接收人",
    )
    process = models.ForeignKey(
        ChangeRequestProcess,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name="相关申请",
    )
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.subject


def attachment_upload_to(instance, filename: str) -> str:
    """Attachments are stored per request: ``requests/<process pk>/<generated name>``."""
    return f"requests/{instance.process_id}/{filename}"


class Attachment(models.Model):
    """A file filed with a change request (PDF, DOCX, XLSX or an image), stored under a
    generated name; the uploader's file name is kept for display."""

    process = models.ForeignKey(
        ChangeRequestProcess,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="申请",
    )
    file = models.FileField("文件", upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["process_id", "id"]

    def __str__(self):
        return self.original_name


class TemporaryItemOutcome(models.TextChoices):
    """How the wait for a temporary item's end came out."""

    WAITING = "waiting", "等待到期"
    EXPIRED = "expired", "已到期取消"
    SUPERSEDED = "superseded", "无需处理"


class TemporaryItemProcess(Process):
    """The wait for a temporary item's end (临时事项到期): one process per item and end
    date, whose timer withdraws the item the day after ``expires_on``.

    Started by ``workflow.services.temporary.temporary_item_watch`` whenever an item is
    published (or loaded) with an end date; when the item was withdrawn or its end date
    changed meanwhile, the timer finds nothing to do (``SUPERSEDED``).
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name="所属县"
    )
    item = models.ForeignKey(
        DutyItem, on_delete=models.PROTECT, related_name="+", verbose_name="临时事项"
    )
    expires_on = models.DateField("有效期至")
    outcome = models.CharField(
        "结果",
        max_length=16,
        choices=TemporaryItemOutcome.choices,
        default=TemporaryItemOutcome.WAITING,
    )

    class Meta:
        verbose_name = "临时事项到期"
        verbose_name_plural = "临时事项到期"
        indexes = [models.Index(fields=["item", "expires_on"])]

    def __str__(self):
        return f"临时事项到期：{self.item}（{self.expires_on:%Y-%m-%d}）"


def stamped_reply_upload_to(instance, filename: str) -> str:
    """Stamped replies are stored with their request's files:
    ``requests/<process pk>/replies/<generated name>``."""
    return f"requests/{instance.consultation.process_id}/replies/{filename}"


class StampedReply(models.Model):
    """The stamped letter (盖章意见) a consulted party sends with its answer: a PDF or an
    image, stored under a generated name; the uploader's file name is kept for display."""

    consultation = models.OneToOneField(
        Consultation,
        on_delete=models.CASCADE,
        related_name="stamped_reply",
        verbose_name="征求意见答复",
    )
    file = models.FileField("文件", upload_to=stamped_reply_upload_to, max_length=255)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "盖章意见"
        verbose_name_plural = "盖章意见"

    def __str__(self):
        return self.original_name


class TaskTransfer(models.Model):
    """A task handed by one person to a colleague of the same unit (转交).

    The colleague becomes the task's owner and may do it, even without the unit's
    right to act on its tasks in general (e.g. a township's staff member handed the
    consultation by its head). Kept as the task's trail.
    """

    task = models.ForeignKey(
        "viewflow.Task", on_delete=models.CASCADE, related_name="+", verbose_name="任务"
    )
    process = models.ForeignKey(
        "viewflow.Process", on_delete=models.CASCADE, related_name="+", verbose_name="流程"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="转交人"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="接收人"
    )
    reason = models.CharField("转交说明", max_length=200, blank=True)
    created_at = models.DateTimeField("转交时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任务转交"
        verbose_name_plural = "任务转交"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "to_user"])]

    def __str__(self):
        return f"任务 #{self.task_id}：{self.from_user} → {self.to_user}"


class Urge(models.Model):
    """A reminder the county office sent on an open task (催办): who, when, to how many."""

    task = models.ForeignKey(
        "viewflow.Task", on_delete=models.CASCADE, related_name="+", verbose_name="任务"
    )
    process = models.ForeignKey(
        "viewflow.Process", on_delete=models.CASCADE, related_name="+", verbose_name="流程"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="催办人"
    )
    sent_at = models.DateTimeField("催办时间", auto_now_add=True)
    recipient_count = models.PositiveIntegerField("通知人数")
    note = models.CharField("催办说明", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "催办"
        verbose_name_plural = "催办"
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["task", "sent_at"])]

    def __str__(self):
        return f"催办任务 #{self.task_id}（{self.sent_by}）"
