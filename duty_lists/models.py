"""The three duty lists (三张清单) of a county and their items.

One ``DutyList`` per county and level (乡镇(街道) / 村(社区) / 网格). Every change of a
``DutyItem``, its applicability included, is one django-simple-history record with the
acting user and a reason; ``duty_lists.services`` is the only writer.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from organisations.models import County, Department, Township
from organisations.text import clean_text_fields


class Level(models.TextChoices):
    """The level a duty is pushed down to."""

    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村(社区)"
    GRID = "grid", "网格"


LEVEL_CODE_PREFIX = {Level.TOWNSHIP: "XZ", Level.VILLAGE: "CS", Level.GRID: "WG"}


class Category(models.TextChoices):
    """领域类别."""

    PARTY_BUILDING = "party_building", "党的建设"
    ECONOMY = "economy", "经济发展"
    URBAN_RURAL = "urban_rural", "城乡建设"
    SAFETY_LAW = "safety_law", "平安法治"
    ECOLOGY = "ecology", "生态环保"
    PUBLIC_SERVICE = "public_service", "公共服务"
    SOCIAL_AFFAIRS = "social_affairs", "社会事务"
    SUPPORT = "support", "综合保障"


class DutyType(models.TextChoices):
    """履职类型."""

    BASIC = "basic", "基本履职"
    COOPERATING = "cooperating", "配合履职"
    TAKEN_BACK = "taken_back", "上级部门收回"


class ItemStatus(models.TextChoices):
    IN_FORCE = "in_force", "有效"
    WITHDRAWN = "withdrawn", "已取消"


class DutyList(models.Model):
    """The list of one level in one county, e.g. 清河县乡镇(街道)履行职责事项清单."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="duty_lists", verbose_name="所属县"
    )
    level = models.CharField("层级", max_length=16, choices=Level.choices)

    class Meta:
        verbose_name = "职责清单"
        verbose_name_plural = "职责清单"
        ordering = ["county_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["county", "level"], name="duty_list_unique_level")
        ]

    def __str__(self):
        return f"{self.county.name}{self.get_level_display()}履行职责事项清单"


class DutyItemHistory(HistoricalRecords):
    """simple-history's records of ``DutyItem``, with an index on (item, moment, record):
    the latest record of each item before a moment (a list as of a date, a diff) is
    then one index probe per item on both SQLite and PostgreSQL, without a sort."""

    def get_meta_options(self, model):
        """The historical model's Meta options, with the index added."""
        meta = super().get_meta_options(model)
        meta["indexes"] = (
            *meta.get("indexes", ()),
            models.Index(
                fields=["id", "history_date", "history_id"], name="duty_item_history_latest"
            ),
        )
        return meta


# Kept as a module attribute so services can write a single history record per change,
# applicability (the townships m2m) included, instead of one per m2m signal.
duty_item_history = DutyItemHistory(
    m2m_fields=["townships"],
    history_change_reason_field=models.TextField(null=True),
)


class DutyItem(models.Model):
    """One duty (事项) on a list, with both sides' responsibilities."""

    duty_list = models.ForeignKey(
        DutyList, on_delete=models.PROTECT, related_name="items", verbose_name="所属清单"
    )
    code = models.CharField("事项编码", max_length=32)
    title = models.CharField("事项名称", max_length=200)
    category = models.CharField("领域类别", max_length=32, choices=Category.choices)
    duty_type = models.CharField("履职类型", max_length=16, choices=DutyType.choices)
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="lead_items",
        verbose_name="牵头(主体责任)部门",
    )
    department_responsibilities = models.TextField("部门职责")
    local_responsibilities = models.TextField("配合职责")
    basis = models.TextField("实施依据")
    resources = models.TextField("配套资源(经费/人员/装备)", blank=True)
    applies_to_all = models.BooleanField("适用本级全部单位", default=True)
    townships = models.ManyToManyField(
        Township, blank=True, related_name="duty_items", verbose_name="适用乡镇(街道)"
    )
    effective_date = models.DateField("生效日期")
    status = models.CharField(
        "状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.IN_FORCE
    )
    withdrawn_date = models.DateField("取消日期", null=True, blank=True)

    history = duty_item_history

    class Meta:
        verbose_name = "清单事项"
        verbose_name_plural = "清单事项"
        ordering = ["duty_list_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["duty_list", "code"], name="duty_item_unique_code")
        ]
        indexes = [models.Index(fields=["duty_list", "status"])]

    # Cleaned before validation, whoever writes (pages, API, imports, publication).
    TEXT_FIELDS = (
        "code",
        "title",
        "department_responsibilities",
        "local_responsibilities",
        "basis",
        "resources",
    )

    def __str__(self):
        return f"{self.code} {self.title}"

    def status_text(self, today=None) -> str:
        """The item's status in words: ``有效``, ``已取消``, or, for an item whose
        effective date is still to come, ``待生效（2027-01-01 起施行）`` (``today``
        defaults to the local date)."""
        today = today or timezone.localdate()
        if (
            self.status == ItemStatus.IN_FORCE
            and self.effective_date
            and (self.effective_date > today)
        ):
            return f"待生效（{self.effective_date:%Y-%m-%d} 起施行）"
        return self.get_status_display()

    def clean_fields(self, exclude=None):
        """Clean the text fields (``organisations.text.clean_text``) first, so a title
        of blanks or invisible characters is refused as empty; then Django's checks.
        Raises ``ValidationError`` naming every bad field."""
        exclude = set(exclude or ())
        errors = clean_text_fields(self, self.TEXT_FIELDS, exclude)
        try:
            super().clean_fields(exclude=exclude | set(errors))
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)


class ReleaseChangeKind(models.TextChoices):
    """What a release did to one item (变更类型)."""

    ADDED = "added", "新增"
    AMENDED = "amended", "修改"
    WITHDRAWN = "withdrawn", "取消"


class Release(models.Model):
    """发布版本: one publication of a list under a document number (文号).

    A release is what the county issues (印发): the items it added, amended or withdrew
    on one list, decided by a body (审定机关, e.g. 县委常委会) on a date, in force from
    its effective date. Releases of a list are numbered 1, 2, … in the order they are
    published; the list "as of a release" is the latest history record of each item
    made up to the release's ``published_at``.
    """

    duty_list = models.ForeignKey(
        DutyList, on_delete=models.PROTECT, related_name="releases", verbose_name="清单"
    )
    number = models.PositiveIntegerField("版本号")
    document_number = models.CharField("文号", max_length=100)
    decided_by = models.CharField("审定机关", max_length=100)
    decided_on = models.DateField("审定日期")
    effective_date = models.DateField("生效日期")
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    note = models.TextField("说明", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "发布版本"
        verbose_name_plural = "发布版本"
        ordering = ["duty_list_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["duty_list", "number"], name="release_unique_number")
        ]

    def __str__(self):
        return f"第{self.number}版（{self.document_number}）"


class ReleaseChange(models.Model):
    """One item a release added, amended or withdrew, with the history record it made
    the item's current version."""

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="changes", verbose_name="发布版本"
    )
    item = models.ForeignKey(
        DutyItem, on_delete=models.PROTECT, related_name="release_changes", verbose_name="事项"
    )
    history_id = models.BigIntegerField("历史记录编号")
    kind = models.CharField("变更类型", max_length=16, choices=ReleaseChangeKind.choices)

    class Meta:
        verbose_name = "发布变更"
        verbose_name_plural = "发布变更"
        ordering = ["release_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["release", "item"], name="release_change_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.item_id}"
