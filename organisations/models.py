"""Organisation tree of a county (县): departments, townships, villages, grids, and users.

Every unit belongs to exactly one county. Users belong to units through ``Membership``
rows; a membership's role is mirrored into a Django group and into django-guardian
object permissions by ``organisations.services`` (never by hand).
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in. ``display_name`` is the Chinese full name shown in the UI."""

    display_name = models.CharField("姓名", max_length=100, blank=True)
    # Filled in by the administrator from the DingTalk (or 浙政钉) address book; work
    # notices go only to users who have one.
    dingtalk_userid = models.CharField(
        "钉钉用户ID",
        max_length=64,
        blank=True,
        help_text="工作通知的接收人（钉钉或浙政钉通讯录中的 userid）；留空则不发送工作通知。",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    def get_full_name(self):
        """The Chinese display name, falling back to first and last name."""
        return self.display_name or super().get_full_name()


class County(models.Model):
    """A county-level unit (县/市/区). ``office_name`` is its arbiter office (县委编办)."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    office_name = models.CharField("县委编办名称", max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "县(市、区)"
        verbose_name_plural = "县(市、区)"
        ordering = ["code"]
        permissions = [
            ("view_county_lists", "可查看本县全部清单"),
            ("administer_county", "可管理本县"),
            ("arbitrate_county", "可审查和裁定本县事项"),
            ("assess_county", "可管理本县考核评价结果"),
        ]

    def __str__(self):
        return self.name

    @property
    def office_display_name(self) -> str:
        """The office's name, defaulting to ``<county>委编办``."""
        return self.office_name or f"{self.name}委编办"


class Department(models.Model):
    """A county department (县级部门), e.g. 住建局."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="departments", verbose_name="所属县"
    )
    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "县级部门"
        verbose_name_plural = "县级部门"
        ordering = ["county_id", "code"]
        permissions = [("act_for_department", "可代表本部门办理")]

    def __str__(self):
        return self.name


class Township(models.Model):
    """A township-level unit: 街道, 镇 or 乡."""

    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", "街道"
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="townships", verbose_name="所属县"
    )
    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "乡镇(街道)"
        verbose_name_plural = "乡镇(街道)"
        ordering = ["county_id", "code"]
        permissions = [
            ("act_for_township", "可代表本乡镇(街道)办理"),
            ("view_township_items", "可查看本乡镇(街道)适用事项"),
        ]

    def __str__(self):
        return self.name


class Village(models.Model):
    """A village-level unit: 村 or 社区."""

    class Kind(models.TextChoices):
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name="所属乡镇(街道)"
    )
    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "村(社区)"
        verbose_name_plural = "村(社区)"
        ordering = ["township_id", "code"]
        permissions = [
            ("act_for_village", "可代表本村(社区)办理"),
            ("view_village_items", "可查看本村(社区)适用事项"),
        ]

    def __str__(self):
        return self.name


class Grid(models.Model):
    """A grid (网格) of a village or community."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="grids", verbose_name="所属村(社区)"
    )
    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["village_id", "code"]
        permissions = [("view_grid_items", "可查看本网格适用事项")]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """The roles of DESIGN §2; each is also a Django group of the same label."""

    DEPARTMENT_STAFF = "department_staff", "部门经办人"
    DEPARTMENT_HEAD = "department_head", "部门负责人"
    TOWNSHIP_HEAD = "township_head", "乡镇(街道)负责人"
    TOWNSHIP_STAFF = "township_staff", "乡镇(街道)经办人"
    COUNTY_OFFICE = "county_office", "县委编办"
    COUNTY_ADMIN = "county_admin", "县级管理员"
    # The county assessment office (县考核办): base scores and publication of the
    # two-way evaluation's results, apart from the county office (编办).
    ASSESSMENT_OFFICE = "assessment_office", "县考核办"
    # Village and grid level: they read their own list; a village reports off-list
    # demands through its township.
    VILLAGE_HEAD = "village_head", "村(社区)书记/主任"
    GRID_WORKER = "grid_worker", "网格员"


DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_STAFF, Role.DEPARTMENT_HEAD})
TOWNSHIP_ROLES = frozenset({Role.TOWNSHIP_HEAD, Role.TOWNSHIP_STAFF})
COUNTY_ROLES = frozenset({Role.COUNTY_OFFICE, Role.COUNTY_ADMIN, Role.ASSESSMENT_OFFICE})
VILLAGE_ROLES = frozenset({Role.VILLAGE_HEAD})
GRID_ROLES = frozenset({Role.GRID_WORKER})


MEMBERSHIP_UNIT_FIELDS = ("department", "township", "village", "grid")


def _unit_condition(roles, unit_field: str | None) -> Q:
    """Q of a membership whose role is one of ``roles`` naming exactly ``unit_field``
    (``None``: no unit besides the county)."""
    return Q(
        role__in=sorted(r.value for r in roles),
        **{f"{name}__isnull": name != unit_field for name in MEMBERSHIP_UNIT_FIELDS},
    )


class Membership(models.Model):
    """A user's role in one unit.

    Department roles name a department, township roles a township, village roles a
    village (村/社区), grid roles a grid, county roles only the county. ``county`` is
    always set (denormalised) so scoping is one join away.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="用户",
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="memberships", verbose_name="所属县"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="部门",
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="乡镇(街道)",
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="村(社区)",
    )
    grid = models.ForeignKey(
        Grid,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="网格",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        ordering = ["county_id", "role", "id"]
        constraints = [
            models.CheckConstraint(
                name="membership_unit_matches_role",
                condition=(
                    _unit_condition(DEPARTMENT_ROLES, "department")
                    | _unit_condition(TOWNSHIP_ROLES, "township")
                    | _unit_condition(VILLAGE_ROLES, "village")
                    | _unit_condition(GRID_ROLES, "grid")
                    | _unit_condition(COUNTY_ROLES, None)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    @property
    def unit(self):
        """The unit this membership is for: a Department, Township, Village, Grid or the
        County."""
        return self.department or self.township or self.village or self.grid or self.county


class Region(models.Model):
    """A set of counties above the county level (市/省), e.g. 丽水市: its viewers
    (``RegionMembership``) read the statistics of every county in it, and nothing else.

    A county may lie in several regions (a city and its province)."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    counties = models.ManyToManyField(
        County, blank=True, related_name="regions", verbose_name="所辖县(市、区)"
    )

    history = HistoricalRecords(m2m_fields=["counties"])

    class Meta:
        verbose_name = "市(省)级区域"
        verbose_name_plural = "市(省)级区域"
        ordering = ["code"]

    def __str__(self):
        return self.name


class RegionMembership(models.Model):
    """A read-only role above the counties (市/省级统计查看): the user reads the
    statistics of every county of ``region``.

    Kept apart from ``Membership``, whose rows always name one county and imply object
    permissions on it: this role names many counties and implies none.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="region_memberships",
        verbose_name="用户",
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="memberships", verbose_name="区域"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "市(省)级查看人员"
        verbose_name_plural = "市(省)级查看人员"
        ordering = ["region_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="region_membership_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.region}"


class ApiToken(models.Model):
    """An API token (接口令牌) of one client of a user, issued by ``POST /api/token/``.

    Only the SHA-256 digest of the token is stored. A token is refused after
    ``expires`` and once the user's password has changed since it was issued
    (``credential_hash`` is the user's session hash at issue, which Django derives from
    the password hash). Deleting the row revokes it.
    """

    digest = models.CharField("摘要", max_length=64, unique=True, editable=False)
    prefix = models.CharField("前缀", max_length=8, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="用户",
    )
    created = models.DateTimeField("签发时间")
    expires = models.DateTimeField("到期时间", db_index=True)
    credential_hash = models.CharField(max_length=128, editable=False)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"


class Deputyship(models.Model):
    """A head's deputy for a period (委托/代理, e.g. during leave).

    From ``starts_at`` until ``ends_at`` (or until it is ended early, ``ended_at``) the
    deputy holds the head's task rights for the unit (``act_for_township`` or
    ``act_for_department`` on that township or department): it sees and does the unit's
    tasks the head would. The rights are read from this row whenever a user's scope is
    read (``organisations.permissions``), so they end with the period by themselves.
    """

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deputyships_given",
        verbose_name="委托人",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deputyships",
        verbose_name="代理人",
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name="所属县"
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
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    reason = models.CharField("事由", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="设置人",
    )
    created_at = models.DateTimeField("设置时间", auto_now_add=True)
    ended_at = models.DateTimeField("提前结束时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "代理人(委托)"
        verbose_name_plural = "代理人(委托)"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["deputy", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                name="deputyship_one_unit",
                condition=Q(department__isnull=True, township__isnull=False)
                | Q(department__isnull=False, township__isnull=True),
            ),
            models.CheckConstraint(
                name="deputyship_period_order", condition=Q(ends_at__gt=F("starts_at"))
            ),
        ]

    def __str__(self):
        return f"{self.deputy} 代理 {self.principal}（{self.unit}）"

    @property
    def unit(self):
        """The township or department the deputy acts for."""
        return self.township or self.department
