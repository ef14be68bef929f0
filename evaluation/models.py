"""Indicator sets of the two-way evaluation (双向互评): what is scored, and how much each counts."""

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from organisations.models import County

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
    """One indicator (评价指标) of a set: its weight in the set and its maximum score."""

    indicator_set = models.ForeignKey(
        IndicatorSet,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name="指标体系",
    )
    name = models.CharField("指标", max_length=100)
    description = models.TextField("说明", blank=True)
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
