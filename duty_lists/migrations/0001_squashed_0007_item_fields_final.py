"""The duty_lists schema as of 0007_item_fields_final, in one step for new databases.

Databases that applied the original migrations keep them; Django uses this one only
where none of those it replaces has run. Their data steps had nothing to convert in a
new database, so they are not repeated here.
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("duty_lists", "0001_initial"),
        ("duty_lists", "0002_initial"),
        ("duty_lists", "0003_releases"),
        ("duty_lists", "0004_history_latest_record_index"),
        ("duty_lists", "0005_item_fields"),
        ("duty_lists", "0006_item_fields_data"),
        ("duty_lists", "0007_item_fields_final"),
    ]

    dependencies = [
        ("organisations", "0001_squashed_0007_assessment_office"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Category",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="用于新事项编码的中段，如“CX”生成 XZ-CX-0001。",
                        max_length=8,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Z][A-Z0-9]{0,7}$",
                                "类别代码应为 1 至 8 位大写字母或数字，以字母开头。",
                            )
                        ],
                        verbose_name="类别代码",
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="类别名称")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="categories",
                        to="organisations.county",
                        verbose_name="所属县",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        help_text="留空为一级类别；二级类别的上级须为本县的一级类别。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="duty_lists.category",
                        verbose_name="上级类别",
                    ),
                ),
            ],
            options={
                "verbose_name": "领域类别",
                "verbose_name_plural": "领域类别",
                "ordering": ["county_id", "position", "code"],
            },
        ),
        migrations.CreateModel(
            name="DutyItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=32, verbose_name="事项编码")),
                ("title", models.CharField(max_length=200, verbose_name="事项名称")),
                (
                    "item_kind",
                    models.CharField(
                        choices=[
                            ("duty", "履职事项"),
                            ("certificate", "证明事项"),
                            ("mechanism", "机制牌子"),
                        ],
                        default="duty",
                        max_length=16,
                        verbose_name="事项类型",
                    ),
                ),
                (
                    "duty_type",
                    models.CharField(
                        choices=[
                            ("basic", "基本履职"),
                            ("cooperating", "配合履职"),
                            ("taken_back", "上级部门收回"),
                            ("negative", "不应承担事项"),
                        ],
                        max_length=16,
                        verbose_name="履职类型",
                    ),
                ),
                (
                    "primary_responsibility",
                    models.CharField(
                        choices=[("department", "部门"), ("local", "属地")],
                        max_length=16,
                        verbose_name="主体责任",
                    ),
                ),
                ("department_responsibilities", models.TextField(verbose_name="部门职责")),
                ("local_responsibilities", models.TextField(verbose_name="属地职责")),
                ("basis", models.TextField(verbose_name="实施依据")),
                ("accountability", models.TextField(blank=True, verbose_name="追责情形")),
                ("exemption", models.TextField(blank=True, verbose_name="免责情形")),
                ("work_requirements", models.TextField(blank=True, verbose_name="工作要求/时限")),
                (
                    "funding_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="经费金额(万元)",
                    ),
                ),
                (
                    "funding_source",
                    models.CharField(blank=True, max_length=200, verbose_name="经费来源"),
                ),
                ("staffing", models.TextField(blank=True, verbose_name="人员保障")),
                ("equipment", models.TextField(blank=True, verbose_name="装备保障")),
                ("remarks", models.TextField(blank=True, verbose_name="备注")),
                (
                    "guidance_code",
                    models.CharField(blank=True, max_length=64, verbose_name="指导目录编码"),
                ),
                (
                    "applies_to_all",
                    models.BooleanField(default=True, verbose_name="适用本级全部单位"),
                ),
                (
                    "village_kind",
                    models.CharField(
                        blank=True,
                        choices=[("village", "村"), ("community", "社区")],
                        help_text="村(社区)和网格清单：只适用于村或只适用于社区；留空为两者。",
                        max_length=16,
                        verbose_name="适用村(社区)类型",
                    ),
                ),
                ("effective_date", models.DateField(verbose_name="生效日期")),
                (
                    "expires_on",
                    models.DateField(
                        blank=True,
                        help_text="临时事项的最后一天；留空为长期事项。",
                        null=True,
                        verbose_name="有效期至",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("in_force", "有效"), ("withdrawn", "已取消")],
                        default="in_force",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "withdrawn_date",
                    models.DateField(blank=True, null=True, verbose_name="取消日期"),
                ),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="items",
                        to="duty_lists.category",
                        verbose_name="领域类别",
                    ),
                ),
                (
                    "lead_department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lead_items",
                        to="organisations.department",
                        verbose_name="牵头部门",
                    ),
                ),
                (
                    "townships",
                    models.ManyToManyField(
                        blank=True,
                        related_name="duty_items",
                        to="organisations.township",
                        verbose_name="适用乡镇(街道)",
                    ),
                ),
                (
                    "villages",
                    models.ManyToManyField(
                        blank=True,
                        related_name="duty_items",
                        to="organisations.village",
                        verbose_name="适用村(社区)",
                    ),
                ),
            ],
            options={
                "verbose_name": "清单事项",
                "verbose_name_plural": "清单事项",
                "ordering": ["duty_list_id", "code"],
            },
        ),
        migrations.CreateModel(
            name="DutyItemCooperation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("responsibilities", models.TextField(verbose_name="协同职责")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cooperations",
                        to="organisations.department",
                        verbose_name="协同部门",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cooperations",
                        to="duty_lists.dutyitem",
                        verbose_name="事项",
                    ),
                ),
            ],
            options={
                "verbose_name": "协同部门",
                "verbose_name_plural": "协同部门",
                "ordering": ["item_id", "position", "id"],
            },
        ),
        migrations.AddField(
            model_name="dutyitem",
            name="cooperating_departments",
            field=models.ManyToManyField(
                blank=True,
                related_name="cooperating_items",
                through="duty_lists.DutyItemCooperation",
                to="organisations.department",
                verbose_name="协同部门",
            ),
        ),
        migrations.CreateModel(
            name="DutyList",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("township", "乡镇(街道)"),
                            ("village", "村(社区)"),
                            ("grid", "网格"),
                        ],
                        max_length=16,
                        verbose_name="层级",
                    ),
                ),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="duty_lists",
                        to="organisations.county",
                        verbose_name="所属县",
                    ),
                ),
            ],
            options={
                "verbose_name": "职责清单",
                "verbose_name_plural": "职责清单",
                "ordering": ["county_id", "level"],
            },
        ),
        migrations.AddField(
            model_name="dutyitem",
            name="duty_list",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="duty_lists.dutylist",
                verbose_name="所属清单",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalCategory",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="用于新事项编码的中段，如“CX”生成 XZ-CX-0001。",
                        max_length=8,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Z][A-Z0-9]{0,7}$",
                                "类别代码应为 1 至 8 位大写字母或数字，以字母开头。",
                            )
                        ],
                        verbose_name="类别代码",
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="类别名称")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "county",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.county",
                        verbose_name="所属县",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="留空为一级类别；二级类别的上级须为本县的一级类别。",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="duty_lists.category",
                        verbose_name="上级类别",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 领域类别",
                "verbose_name_plural": "historical 领域类别",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDutyItem",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("history_change_reason", models.TextField(null=True)),
                ("code", models.CharField(max_length=32, verbose_name="事项编码")),
                ("title", models.CharField(max_length=200, verbose_name="事项名称")),
                (
                    "item_kind",
                    models.CharField(
                        choices=[
                            ("duty", "履职事项"),
                            ("certificate", "证明事项"),
                            ("mechanism", "机制牌子"),
                        ],
                        default="duty",
                        max_length=16,
                        verbose_name="事项类型",
                    ),
                ),
                (
                    "duty_type",
                    models.CharField(
                        choices=[
                            ("basic", "基本履职"),
                            ("cooperating", "配合履职"),
                            ("taken_back", "上级部门收回"),
                            ("negative", "不应承担事项"),
                        ],
                        max_length=16,
                        verbose_name="履职类型",
                    ),
                ),
                (
                    "primary_responsibility",
                    models.CharField(
                        choices=[("department", "部门"), ("local", "属地")],
                        max_length=16,
                        verbose_name="主体责任",
                    ),
                ),
                ("department_responsibilities", models.TextField(verbose_name="部门职责")),
                ("local_responsibilities", models.TextField(verbose_name="属地职责")),
                ("basis", models.TextField(verbose_name="实施依据")),
                ("accountability", models.TextField(blank=True, verbose_name="追责情形")),
                ("exemption", models.TextField(blank=True, verbose_name="免责情形")),
                ("work_requirements", models.TextField(blank=True, verbose_name="工作要求/时限")),
                (
                    "funding_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="经费金额(万元)",
                    ),
                ),
                (
                    "funding_source",
                    models.CharField(blank=True, max_length=200, verbose_name="经费来源"),
                ),
                ("staffing", models.TextField(blank=True, verbose_name="人员保障")),
                ("equipment", models.TextField(blank=True, verbose_name="装备保障")),
                ("remarks", models.TextField(blank=True, verbose_name="备注")),
                (
                    "guidance_code",
                    models.CharField(blank=True, max_length=64, verbose_name="指导目录编码"),
                ),
                (
                    "applies_to_all",
                    models.BooleanField(default=True, verbose_name="适用本级全部单位"),
                ),
                (
                    "village_kind",
                    models.CharField(
                        blank=True,
                        choices=[("village", "村"), ("community", "社区")],
                        help_text="村(社区)和网格清单：只适用于村或只适用于社区；留空为两者。",
                        max_length=16,
                        verbose_name="适用村(社区)类型",
                    ),
                ),
                ("effective_date", models.DateField(verbose_name="生效日期")),
                (
                    "expires_on",
                    models.DateField(
                        blank=True,
                        help_text="临时事项的最后一天；留空为长期事项。",
                        null=True,
                        verbose_name="有效期至",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("in_force", "有效"), ("withdrawn", "已取消")],
                        default="in_force",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "withdrawn_date",
                    models.DateField(blank=True, null=True, verbose_name="取消日期"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="duty_lists.category",
                        verbose_name="领域类别",
                    ),
                ),
                (
                    "duty_list",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="duty_lists.dutylist",
                        verbose_name="所属清单",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "lead_department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="牵头部门",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 清单事项",
                "verbose_name_plural": "historical 清单事项",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDutyItem_townships",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "dutyitem",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="duty_lists.dutyitem",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="duty_lists.historicaldutyitem",
                    ),
                ),
                (
                    "township",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.township",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalDutyItem_townships",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDutyItem_villages",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "dutyitem",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="duty_lists.dutyitem",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="duty_lists.historicaldutyitem",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.village",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalDutyItem_villages",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDutyItemCooperation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("responsibilities", models.TextField(verbose_name="协同职责")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="协同部门",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="duty_lists.historicaldutyitem",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="duty_lists.dutyitem",
                        verbose_name="事项",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalDutyItemCooperation",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRelease",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="版本号")),
                ("document_number", models.CharField(max_length=100, verbose_name="文号")),
                ("decided_by", models.CharField(max_length=100, verbose_name="审定机关")),
                ("decided_on", models.DateField(verbose_name="审定日期")),
                ("effective_date", models.DateField(verbose_name="生效日期")),
                ("published_at", models.DateTimeField(verbose_name="发布时间")),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "duty_list",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="duty_lists.dutylist",
                        verbose_name="清单",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 发布版本",
                "verbose_name_plural": "historical 发布版本",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Release",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="版本号")),
                ("document_number", models.CharField(max_length=100, verbose_name="文号")),
                ("decided_by", models.CharField(max_length=100, verbose_name="审定机关")),
                ("decided_on", models.DateField(verbose_name="审定日期")),
                ("effective_date", models.DateField(verbose_name="生效日期")),
                ("published_at", models.DateTimeField(verbose_name="发布时间")),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                (
                    "duty_list",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="releases",
                        to="duty_lists.dutylist",
                        verbose_name="清单",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
            ],
            options={
                "verbose_name": "发布版本",
                "verbose_name_plural": "发布版本",
                "ordering": ["duty_list_id", "number"],
            },
        ),
        migrations.CreateModel(
            name="ReleaseChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("history_id", models.BigIntegerField(verbose_name="历史记录编号")),
                (
                    "kind",
                    models.CharField(
                        choices=[("added", "新增"), ("amended", "修改"), ("withdrawn", "取消")],
                        max_length=16,
                        verbose_name="变更类型",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="release_changes",
                        to="duty_lists.dutyitem",
                        verbose_name="事项",
                    ),
                ),
                (
                    "release",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="changes",
                        to="duty_lists.release",
                        verbose_name="发布版本",
                    ),
                ),
            ],
            options={
                "verbose_name": "发布变更",
                "verbose_name_plural": "发布变更",
                "ordering": ["release_id", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.UniqueConstraint(
                fields=("county", "code"), name="category_unique_code"
            ),
        ),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.UniqueConstraint(
                fields=("county", "parent", "name"), name="category_unique_child_name"
            ),
        ),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.UniqueConstraint(
                condition=models.Q(("parent__isnull", True)),
                fields=("county", "name"),
                name="category_unique_top_name",
            ),
        ),
        migrations.AddConstraint(
            model_name="dutyitemcooperation",
            constraint=models.UniqueConstraint(
                fields=("item", "department"), name="duty_item_cooperation_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="dutylist",
            constraint=models.UniqueConstraint(
                fields=("county", "level"), name="duty_list_unique_level"
            ),
        ),
        migrations.AddIndex(
            model_name="dutyitem",
            index=models.Index(
                fields=["duty_list", "status"], name="duty_lists__duty_li_2209de_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="dutyitem",
            constraint=models.UniqueConstraint(
                fields=("duty_list", "code"), name="duty_item_unique_code"
            ),
        ),
        migrations.AddIndex(
            model_name="historicaldutyitem",
            index=models.Index(
                fields=["id", "history_date", "history_id"], name="duty_item_history_latest"
            ),
        ),
        migrations.AddConstraint(
            model_name="release",
            constraint=models.UniqueConstraint(
                fields=("duty_list", "number"), name="release_unique_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="releasechange",
            constraint=models.UniqueConstraint(
                fields=("release", "item"), name="release_change_once"
            ),
        ),
    ]
