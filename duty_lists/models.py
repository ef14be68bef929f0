"""The three duty lists (三张清单) of a county and their items.

One ``DutyList`` per county and level (乡镇(街道) / 村(社区) / 网格). Every change of a
``DutyItem``, its applicability included, is one django-simple-history record with the
acting user and a reason; ``duty_lists.services`` is the only writer.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from organisations.models import County, Department, Township, Village
from organisations.text import clean_text_fields


class Level(models.TextChoices):
    """The level a duty is pushed down to."""

    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村(社区)"
    GRID = "grid", "网格"


LEVEL_CODE_PREFIX = {Level.TOWNSHIP: "XZ", Level.VILLAGE: "CS", Level.GRID: "WG"}


# The eight domain categories (领域类别) every county starts with: (short code, name).
# The code is the middle part of new item codes (``XZ-CX-0007``).
DEFAULT_CATEGORIES = (
    ("DJ", "党的建设"),
    ("JJ", "经济发展"),
    ("CX", "城乡建设"),
    ("PA", "平安法治"),
    ("ST", "生态环保"),
    ("GG", "公共服务"),
    ("SH", "社会事务"),
    ("ZH", "综合保障"),
)
CATEGORY_CODE_PATTERN = r"^[A-Z][A-Z0-9]{0,7}$"
CATEGORY_SEPARATOR = "／"


class Category(models.Model):
    """领域类别 of one county: a top-level category, or a sub-category of one (two levels
    at most). Each county edits its own (admin); ``code`` is the short code in new item
    codes, unique in the county."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="categories", verbose_name="所属县"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级类别",
        help_text="留空为一级类别；二级类别的上级须为本县的一级类别。",
    )
    code = models.CharField(
        "类别代码",
        max_length=8,
        validators=[
            RegexValidator(
                CATEGORY_CODE_PATTERN, "类别代码应为 1 至 8 位大写字母或数字，以字母开头。"
            )
        ],
        help_text="用于新事项编码的中段，如“CX”生成 XZ-CX-0001。",
    )
    name = models.CharField("类别名称", max_length=50)
    position = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "领域类别"
        verbose_name_plural = "领域类别"
        ordering = ["county_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="category_unique_code"),
            models.UniqueConstraint(
                fields=["county", "parent", "name"], name="category_unique_child_name"
            ),
            models.UniqueConstraint(
                fields=["county", "name"],
                condition=models.Q(parent__isnull=True),
                name="category_unique_top_name",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        """The name, after its parent's for a sub-category: "公共服务／教育"."""
        if self.parent_id is None:
            return self.name
        return f"{self.parent.name}{CATEGORY_SEPARATOR}{self.name}"

    def clean(self):
        errors = {}
        if self.parent_id is not None:
            parent = self.parent
            if self.pk is not None and parent.pk == self.pk:
                errors["parent"] = "上级类别不能是本类别。"
            elif parent.county_id != self.county_id:
                errors["parent"] = "上级类别应为本县的类别。"
            elif parent.parent_id is not None:
                errors["parent"] = "类别最多两级：上级类别应为一级类别。"
            elif self.pk is not None and self.children.exists():
                errors["parent"] = "该类别有下级类别，不能再设上级类别。"
        if errors:
            raise ValidationError(errors)


class DutyType(models.TextChoices):
    """履职类型. 上级部门收回 exists on township lists only; village and grid lists have a
    不应承担事项 (负面) list instead."""

    BASIC = "basic", "基本履职"
    COOPERATING = "cooperating", "配合履职"
    TAKEN_BACK = "taken_back", "上级部门收回"
    NEGATIVE = "negative", "不应承担事项"


# Which duty types each level's list has.
LEVEL_DUTY_TYPES = {
    Level.TOWNSHIP: (DutyType.BASIC, DutyType.COOPERATING, DutyType.TAKEN_BACK),
    Level.VILLAGE: (DutyType.BASIC, DutyType.COOPERATING, DutyType.NEGATIVE),
    Level.GRID: (DutyType.BASIC, DutyType.COOPERATING, DutyType.NEGATIVE),
}


class ItemKind(models.TextChoices):
    """事项类型: a duty (履职事项) on every list; village lists also list the certificates
    villages issue (证明事项) and the signs they hang (机制牌子)."""

    DUTY = "duty", "履职事项"
    CERTIFICATE = "certificate", "证明事项"
    MECHANISM = "mechanism", "机制牌子"


LEVEL_ITEM_KINDS = {
    Level.TOWNSHIP: (ItemKind.DUTY,),
    Level.VILLAGE: (ItemKind.DUTY, ItemKind.CERTIFICATE, ItemKind.MECHANISM),
    Level.GRID: (ItemKind.DUTY,),
}


class PrimaryResponsibility(models.TextChoices):
    """Who carries 主体责任: the (lead) department, or the local unit of the list's level
    (the township, village or grid)."""

    DEPARTMENT = "department", "部门"
    LOCAL = "local", "属地"


def default_primary_responsibility(duty_type: str) -> str:
    """主体责任 when none is given: the local unit for 基本履职, the department otherwise
    (配合履职: the department leads and the local unit cooperates; 上级部门收回 and
    不应承担事项: the department keeps it)."""
    if duty_type == DutyType.BASIC:
        return PrimaryResponsibility.LOCAL
    return PrimaryResponsibility.DEPARTMENT


LEVEL_UNIT_LABELS = {
    Level.TOWNSHIP: "乡镇(街道)",
    Level.VILLAGE: "村(社区)",
    Level.GRID: "网格",
}


def local_responsibilities_label(level: str) -> str:
    """The name of the local unit's duties column by level, as published lists name it:
    乡镇(街道)职责, 村(社区)职责 or 网格职责, whatever the item's duty type."""
    return f"{LEVEL_UNIT_LABELS[Level(level)]}职责"


def primary_responsibility_label(value: str, level: str) -> str:
    """Who carries 主体责任, in words: "牵头部门" or the level's unit ("乡镇(街道)")."""
    if value == PrimaryResponsibility.LOCAL:
        return LEVEL_UNIT_LABELS[Level(level)]
    if value == PrimaryResponsibility.DEPARTMENT:
        return "牵头部门"
    return value or ""


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
# applicability (townships, villages) and cooperating departments included, instead of
# one per m2m signal.
duty_item_history = DutyItemHistory(
    m2m_fields=["townships", "villages", "cooperating_departments"],
    history_change_reason_field=models.TextField(null=True),
)

# What a list says of an item besides its code, whom it applies to and its dates, in the
# order lists write it: the fields the services edit, an import compares and writes, and
# an admission request proposes all start from these.
ITEM_CONTENT_FIELDS = (
    "title",
    "item_kind",
    "category",
    "duty_type",
    "primary_responsibility",
    "lead_department",
    "department_responsibilities",
    "local_responsibilities",
    "basis",
    "accountability",
    "exemption",
    "work_requirements",
    "funding_amount",
    "funding_source",
    "staffing",
    "equipment",
    "remarks",
    "guidance_code",
)

NONE_MARK = "无"


class DutyItemCooperation(models.Model):
    """A cooperating department (协同部门) of an item, with its own duties in it.

    Written only by ``duty_lists.services`` together with the item; each history record
    of the item keeps a copy of these rows (``HistoricalDutyItemCooperation``)."""

    item = models.ForeignKey(
        "duty_lists.DutyItem",
        on_delete=models.CASCADE,
        related_name="cooperations",
        verbose_name="事项",
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cooperations", verbose_name="协同部门"
    )
    responsibilities = models.TextField("协同职责")
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "协同部门"
        verbose_name_plural = "协同部门"
        ordering = ["item_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "department"], name="duty_item_cooperation_once"
            )
        ]

    def __str__(self):
        return f"{self.department} · {self.item_id}"


class DutyItem(models.Model):
    """One item (事项) on a list, with both sides' responsibilities and what goes with it.

    Applicability: every unit of the level (``applies_to_all``), or the named townships
    (all their villages and grids on those levels) and, on village and grid lists, named
    villages; on those lists ``village_kind`` may limit either to 村 or to 社区.
    An item with ``expires_on`` is temporary (临时事项): a timer withdraws it the day after.
    """

    duty_list = models.ForeignKey(
        DutyList, on_delete=models.PROTECT, related_name="items", verbose_name="所属清单"
    )
    code = models.CharField("事项编码", max_length=32)
    title = models.CharField("事项名称", max_length=200)
    item_kind = models.CharField(
        "事项类型", max_length=16, choices=ItemKind.choices, default=ItemKind.DUTY
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="items", verbose_name="领域类别"
    )
    duty_type = models.CharField("履职类型", max_length=16, choices=DutyType.choices)
    primary_responsibility = models.CharField(
        "主体责任", max_length=16, choices=PrimaryResponsibility.choices
    )
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="lead_items",
        verbose_name="牵头部门",
    )
    department_responsibilities = models.TextField("部门职责")
    cooperating_departments = models.ManyToManyField(
        Department,
        through=DutyItemCooperation,
        blank=True,
        related_name="cooperating_items",
        verbose_name="协同部门",
    )
    # Named 乡镇(街道)职责 / 村(社区)职责 / 网格职责 by the list's level:
    # ``local_responsibilities_label``.
    local_responsibilities = models.TextField("属地职责")
    basis = models.TextField("实施依据")
    accountability = models.TextField("追责情形", blank=True)
    exemption = models.TextField("免责情形", blank=True)
    work_requirements = models.TextField("工作要求/时限", blank=True)
    # 配套保障 (费随事转): empty means not stated, "无" that there is none.
    funding_amount = models.DecimalField(
        "经费金额(万元)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_source = models.CharField("经费来源", max_length=200, blank=True)
    staffing = models.TextField("人员保障", blank=True)
    equipment = models.TextField("装备保障", blank=True)
    remarks = models.TextField("备注", blank=True)
    guidance_code = models.CharField("指导目录编码", max_length=64, blank=True)
    applies_to_all = models.BooleanField("适用本级全部单位", default=True)
    townships = models.ManyToManyField(
        Township, blank=True, related_name="duty_items", verbose_name="适用乡镇(街道)"
    )
    villages = models.ManyToManyField(
        Village, blank=True, related_name="duty_items", verbose_name="适用村(社区)"
    )
    village_kind = models.CharField(
        "适用村(社区)类型",
        max_length=16,
        choices=Village.Kind.choices,
        blank=True,
        help_text="村(社区)和网格清单：只适用于村或只适用于社区；留空为两者。",
    )
    effective_date = models.DateField("生效日期")
    expires_on = models.DateField(
        "有效期至", null=True, blank=True, help_text="临时事项的最后一天；留空为长期事项。"
    )
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
        "accountability",
        "exemption",
        "work_requirements",
        "funding_source",
        "staffing",
        "equipment",
        "remarks",
        "guidance_code",
    )

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_temporary(self) -> bool:
        """True for a temporary item (临时事项): one with an end date."""
        return self.expires_on is not None

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
