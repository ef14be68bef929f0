"""Rulings (裁定) of the county office on contested requests.

A ruling belongs to one change request process (referenced lazily by string: this app
never imports ``workflow``) and holds one decision per contested or silent party.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

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
