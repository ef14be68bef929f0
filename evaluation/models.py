"""The two-way evaluation (双向互评、捆绑考核).

``IndicatorSet``/``Indicator``: what is scored and how much each counts.
``EvaluationRound``: one round of a county for a period (the process row of the
evaluation round flow); ``ScoreSheet``/``Score``: one rater's sheet about one ratee;
``BaseScore``: the county office's own score of a unit; ``RoundResult`` and
``SheetFlag``: what the round's computation publishes.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process

from organisations.models import County, Department, Township

# Every indicator set's weights add up to this (checked by ``evaluation.services``).
TOTAL_WEIGHT = 100


class Direction(models.TextChoices):
    """Who rates whom (评价方向)."""

    TOWNSHIP_TO_DEPARTMENT = "township_to_department", "乡镇(街道)评价部门"
    DEPARTMENT_TO_TOWNSHIP = "department_to_township", "部门评价乡镇(街道)"


class IndicatorSet(models.Model):
    """A county's indicator set (评价指标体系) for one direction.

    Its indicators are written only through ``evaluation.services``, which keep their
    weights adding up to ``TOTAL_WEIGHT``.
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="indicator_sets", verbose_name="所属县"
    )
    direction = models.CharField("评价方向", max_length=32, choices=Direction.choices)
    name = models.CharField("名称", max_length=100)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评价指标体系"
        verbose_name_plural = "评价指标体系"
        ordering = ["county_id", "direction", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_direction_display()}）"


class Indicator(models.Model):
    """One indicator (评价指标) of a set: its scoring rule (评分标准), its weight in the
    set and its maximum score."""

    indicator_set = models.ForeignKey(
        IndicatorSet,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name="指标体系",
    )
    name = models.CharField("指标", max_length=100)
    description = models.TextField("说明", blank=True)
    scoring_rule = models.TextField(
        "评分标准",
        error_messages={"blank": "请填写评分标准（如何给分、扣分）。"},
        help_text="评价人据以给分的标准，显示在评分表上，如：按时办结得满分，每逾期一次扣 2 分。",
    )
    weight = models.PositiveSmallIntegerField(
        "权重", validators=[MinValueValidator(1, message="不能为 0，至少为 1。")]
    )
    max_score = models.PositiveSmallIntegerField(
        "满分", default=100, validators=[MinValueValidator(1, message="不能为 0，至少为 1。")]
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["indicator_set_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "name"], name="evaluation_indicator_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1), name="evaluation_indicator_weight_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_score__gte=1),
                name="evaluation_indicator_max_score_positive",
            ),
        ]

    def __str__(self):
        return self.name


class RoundStage(models.TextChoices):
    OPEN = "open", "评分中"
    CLOSED = "closed", "已截止"
    PUBLISHED = "published", "结果已公布"


class RoundMode(models.TextChoices):
    """How the sheets of a round are filled in (评分方式), chosen by the county."""

    INDICATORS = "indicators", "按指标评分"
    SIMPLE = "simple", "满意度评价（满意/基本满意/不满意）"


class Rating(models.TextChoices):
    """A simple-mode sheet's one answer (满意度); ``RATING_POINTS`` gives its score."""

    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


# The score out of 100 a simple-mode sheet counts with (the usual 满意度 weighting:
# 满意 counts whole, 基本满意 six tenths, 不满意 nothing).
RATING_POINTS = {
    Rating.SATISFIED: Decimal("100.00"),
    Rating.BASICALLY_SATISFIED: Decimal("60.00"),
    Rating.DISSATISFIED: Decimal("0.00"),
}


class EvaluationRound(Process):
    """A county's evaluation round for one period (评价轮次).

    Townships score departments with ``township_set``, departments score townships with
    ``department_set``; in simple mode (``mode``) a sheet is one 满意/基本满意/不满意
    answer instead, counted as ``RATING_POINTS``. A unit's result is
    ``(1 − bundling_weight) · base score + bundling_weight · mean of its sheets −
    penalty_per_report · upheld off-list reports`` (the penalty applies to departments
    only).
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name="所属县"
    )
    name = models.CharField("名称", max_length=100)
    period_start = models.DateField("考核期起")
    period_end = models.DateField("考核期止")
    township_set = models.ForeignKey(
        IndicatorSet,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="乡镇(街道)评价部门指标体系",
    )
    department_set = models.ForeignKey(
        IndicatorSet,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="部门评价乡镇(街道)指标体系",
    )
    deadline = models.DateTimeField("评分截止时间")
    bundling_weight = models.DecimalField(
        "互评结果权重",
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.300"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    penalty_per_report = models.DecimalField(
        "每件属实清单外事项扣分",
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    stage = models.CharField(
        "阶段", max_length=16, choices=RoundStage.choices, default=RoundStage.OPEN
    )
    mode = models.CharField(
        "评分方式", max_length=16, choices=RoundMode.choices, default=RoundMode.INDICATORS
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发起人"
    )
    closed_at = models.DateTimeField("截止时间(实际)", null=True, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    history = HistoricalRecords(inherit=False, excluded_fields=["data"])

    class Meta:
        verbose_name = "评价轮次"
        verbose_name_plural = "评价轮次"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="evaluation_round_period_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_simple(self) -> bool:
        """True if the round's sheets are a 满意度 answer rather than indicator scores."""
        return self.mode == RoundMode.SIMPLE


class LinkKind(models.TextChoices):
    """Why a department and a township rate each other in a round (参评依据);
    ``evaluation.links`` finds them."""

    ITEM = "item", "牵头事项"
    COOPERATION = "cooperation", "协同事项"
    REQUEST = "request", "调整申请"
    REPORT = "report", "清单外事项报告"


class SheetState(models.TextChoices):
    PENDING = "pending", "未填写"
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    MISSING = "missing", "逾期未交"


class ScoreSheet(models.Model):
    """One rater's score sheet about one ratee in a round (评分表).

    Township → department sheets have ``rater_township`` and ``ratee_department``;
    department → township sheets ``rater_department`` and ``ratee_township``.
    ``total`` is the weighted score out of 100, set when the sheet is submitted.
    """

    evaluation_round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="sheets", verbose_name="评价轮次"
    )
    direction = models.CharField("评价方向", max_length=32, choices=Direction.choices)
    rater_township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="评价方(乡镇)",
    )
    rater_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="评价方(部门)",
    )
    ratee_township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="被评价方(乡镇)",
    )
    ratee_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="被评价方(部门)",
    )
    state = models.CharField(
        "状态", max_length=16, choices=SheetState.choices, default=SheetState.PENDING
    )
    total = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    rating = models.CharField(
        "满意度",
        max_length=24,
        choices=Rating.choices,
        blank=True,
        help_text="满意度评价轮次的评价。",
    )
    comment = models.TextField("评价意见", blank=True)
    links = models.JSONField(
        "参评依据", default=list, blank=True, help_text="LinkKind 值的列表，开启轮次时记录。"
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填写人",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提交人",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        ordering = ["evaluation_round_id", "direction", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        direction=Direction.TOWNSHIP_TO_DEPARTMENT,
                        rater_township__isnull=False,
                        ratee_department__isnull=False,
                        rater_department__isnull=True,
                        ratee_township__isnull=True,
                    )
                    | models.Q(
                        direction=Direction.DEPARTMENT_TO_TOWNSHIP,
                        rater_department__isnull=False,
                        ratee_township__isnull=False,
                        rater_township__isnull=True,
                        ratee_department__isnull=True,
                    )
                ),
                name="evaluation_sheet_parties_match_direction",
            ),
            models.UniqueConstraint(
                fields=["evaluation_round", "rater_township", "ratee_department"],
                condition=models.Q(direction=Direction.TOWNSHIP_TO_DEPARTMENT),
                name="evaluation_sheet_unique_township_rater",
            ),
            models.UniqueConstraint(
                fields=["evaluation_round", "rater_department", "ratee_township"],
                condition=models.Q(direction=Direction.DEPARTMENT_TO_TOWNSHIP),
                name="evaluation_sheet_unique_department_rater",
            ),
        ]

    def __str__(self):
        rater = self.rater_township or self.rater_department
        ratee = self.ratee_department or self.ratee_township
        return f"{rater} 评 {ratee}"

    @property
    def rater(self) -> Township | Department:
        return self.rater_township or self.rater_department

    @property
    def ratee(self) -> Township | Department:
        return self.ratee_department or self.ratee_township

    @property
    def link_labels(self) -> list[str]:
        """The labels of the sheet's links (参评依据), e.g. ["牵头事项", "调整申请"]."""
        return [LinkKind(kind).label for kind in self.links if kind in LinkKind.values]


class Score(models.Model):
    """One indicator's score on a sheet (0 … the indicator's maximum)."""

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name="评分表"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="指标"
    )
    value = models.DecimalField("分值", max_digits=6, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["sheet_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "indicator"], name="evaluation_score_unique"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="evaluation_score_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.indicator}：{self.value}"


class BaseScore(models.Model):
    """A department's or township's base score (基础分, 0–100) in a round: its result in
    the county's comprehensive assessment, entered or imported by the assessment office
    (县考核办)."""

    evaluation_round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="base_scores",
        verbose_name="评价轮次",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="部门",
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="乡镇(街道)",
    )
    value = models.DecimalField(
        "基础分",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "基础分"
        verbose_name_plural = "基础分"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=True) ^ models.Q(township__isnull=True),
                name="evaluation_base_score_one_unit",
            ),
            models.UniqueConstraint(
                fields=["evaluation_round", "department"],
                condition=models.Q(department__isnull=False),
                name="evaluation_base_score_unique_department",
            ),
            models.UniqueConstraint(
                fields=["evaluation_round", "township"],
                condition=models.Q(township__isnull=False),
                name="evaluation_base_score_unique_township",
            ),
        ]

    def __str__(self):
        return f"{self.department or self.township}：{self.value}"


class RoundResult(models.Model):
    """A unit's bundled result in a round (捆绑考核结果), written by the computation."""

    evaluation_round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="results", verbose_name="评价轮次"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="部门",
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="乡镇(街道)",
    )
    base_score = models.DecimalField("基础分", max_digits=6, decimal_places=2)
    peer_mean = models.DecimalField(
        "互评平均分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    sheets_received = models.PositiveIntegerField("收到评分表")
    sheets_missing = models.PositiveIntegerField("缺交评分表")
    upheld_reports = models.PositiveIntegerField("属实清单外事项", default=0)
    penalty = models.DecimalField("扣分", max_digits=6, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField("综合得分", max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField("排名")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评价结果"
        verbose_name_plural = "评价结果"
        ordering = ["evaluation_round_id", "township_id", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=True) ^ models.Q(township__isnull=True),
                name="evaluation_result_one_unit",
            ),
        ]

    def __str__(self):
        return f"{self.department or self.township}：{self.total}"


class FlagKind(models.TextChoices):
    ALL_EQUAL = "all_equal", "各项得分完全相同"
    OUTLIER = "outlier", "偏离其他评价方均值两倍标准差以上"
    LATE = "late", "未按期提交"


class SheetFlag(models.Model):
    """A sign that a sheet deserves a second look (异常标记); flagged sheets still count."""

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="flags", verbose_name="评分表"
    )
    kind = models.CharField("类型", max_length=16, choices=FlagKind.choices)
    detail = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "异常标记"
        verbose_name_plural = "异常标记"
        ordering = ["sheet_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "kind"], name="evaluation_flag_unique"),
        ]

    def __str__(self):
        return f"{self.sheet}：{self.get_kind_display()}"
