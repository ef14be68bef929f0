"""The evaluation schema as of 0005_simple_mode, in one step for new databases.

Databases that applied the original migrations keep them; Django uses this one only
where none of those it replaces has run. Their data steps had nothing to convert in a
new database, so they are not repeated here.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
import viewflow.workflow.fields
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("evaluation", "0001_initial"),
        ("evaluation", "0002_rounds_sheets_results"),
        ("evaluation", "0003_sheet_links"),
        ("evaluation", "0004_indicator_scoring_rule"),
        ("evaluation", "0005_simple_mode"),
    ]

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisations", "0001_squashed_0007_assessment_office"),
        ("viewflow", "0015_task_scheduled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvaluationRound",
            fields=[
                (
                    "process_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="viewflow.process",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                ("period_start", models.DateField(verbose_name="考核期起")),
                ("period_end", models.DateField(verbose_name="考核期止")),
                ("deadline", models.DateTimeField(verbose_name="评分截止时间")),
                (
                    "bundling_weight",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0.300"),
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("1")),
                        ],
                        verbose_name="互评结果权重",
                    ),
                ),
                (
                    "penalty_per_report",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("2.00"),
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="每件属实清单外事项扣分",
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("open", "评分中"),
                            ("closed", "已截止"),
                            ("published", "结果已公布"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="阶段",
                    ),
                ),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("indicators", "按指标评分"),
                            ("simple", "满意度评价（满意/基本满意/不满意）"),
                        ],
                        default="indicators",
                        max_length=16,
                        verbose_name="评分方式",
                    ),
                ),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="截止时间(实际)"),
                ),
                (
                    "published_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="公布时间"),
                ),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.county",
                        verbose_name="所属县",
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发起人",
                    ),
                ),
            ],
            options={
                "verbose_name": "评价轮次",
                "verbose_name_plural": "评价轮次",
            },
            bases=("viewflow.process",),
        ),
        migrations.CreateModel(
            name="HistoricalBaseScore",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "value",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="基础分",
                    ),
                ),
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
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="部门",
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="录入人",
                    ),
                ),
                (
                    "evaluation_round",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="evaluation.evaluationround",
                        verbose_name="评价轮次",
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
                    "township",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="乡镇(街道)",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 基础分",
                "verbose_name_plural": "historical 基础分",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalIndicatorSet",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("township_to_department", "乡镇(街道)评价部门"),
                            ("department_to_township", "部门评价乡镇(街道)"),
                        ],
                        max_length=32,
                        verbose_name="评价方向",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="创建时间"),
                ),
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
            ],
            options={
                "verbose_name": "historical 评价指标体系",
                "verbose_name_plural": "historical 评价指标体系",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRoundResult",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "base_score",
                    models.DecimalField(decimal_places=2, max_digits=6, verbose_name="基础分"),
                ),
                (
                    "peer_mean",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=6,
                        null=True,
                        verbose_name="互评平均分",
                    ),
                ),
                ("sheets_received", models.PositiveIntegerField(verbose_name="收到评分表")),
                ("sheets_missing", models.PositiveIntegerField(verbose_name="缺交评分表")),
                (
                    "upheld_reports",
                    models.PositiveIntegerField(default=0, verbose_name="属实清单外事项"),
                ),
                (
                    "penalty",
                    models.DecimalField(
                        decimal_places=2, default=Decimal("0"), max_digits=6, verbose_name="扣分"
                    ),
                ),
                (
                    "total",
                    models.DecimalField(decimal_places=2, max_digits=6, verbose_name="综合得分"),
                ),
                ("rank", models.PositiveIntegerField(verbose_name="排名")),
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
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="部门",
                    ),
                ),
                (
                    "evaluation_round",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="evaluation.evaluationround",
                        verbose_name="评价轮次",
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
                    "township",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="乡镇(街道)",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 评价结果",
                "verbose_name_plural": "historical 评价结果",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalScoreSheet",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("township_to_department", "乡镇(街道)评价部门"),
                            ("department_to_township", "部门评价乡镇(街道)"),
                        ],
                        max_length=32,
                        verbose_name="评价方向",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "未填写"),
                            ("draft", "草稿"),
                            ("submitted", "已提交"),
                            ("missing", "逾期未交"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "total",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=6, null=True, verbose_name="得分"
                    ),
                ),
                (
                    "rating",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("satisfied", "满意"),
                            ("basically_satisfied", "基本满意"),
                            ("dissatisfied", "不满意"),
                        ],
                        help_text="满意度评价轮次的评价。",
                        max_length=24,
                        verbose_name="满意度",
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="评价意见")),
                (
                    "links",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="LinkKind 值的列表，开启轮次时记录。",
                        verbose_name="参评依据",
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="提交时间"),
                ),
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
                    "evaluation_round",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="evaluation.evaluationround",
                        verbose_name="评价轮次",
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
                    "prepared_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="填写人",
                    ),
                ),
                (
                    "ratee_department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="被评价方(部门)",
                    ),
                ),
                (
                    "ratee_township",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="被评价方(乡镇)",
                    ),
                ),
                (
                    "rater_department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="评价方(部门)",
                    ),
                ),
                (
                    "rater_township",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="评价方(乡镇)",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="提交人",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 评分表",
                "verbose_name_plural": "historical 评分表",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="IndicatorSet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("township_to_department", "乡镇(街道)评价部门"),
                            ("department_to_township", "部门评价乡镇(街道)"),
                        ],
                        max_length=32,
                        verbose_name="评价方向",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="indicator_sets",
                        to="organisations.county",
                        verbose_name="所属县",
                    ),
                ),
            ],
            options={
                "verbose_name": "评价指标体系",
                "verbose_name_plural": "评价指标体系",
                "ordering": ["county_id", "direction", "name"],
            },
        ),
        migrations.CreateModel(
            name="Indicator",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="指标")),
                ("description", models.TextField(blank=True, verbose_name="说明")),
                (
                    "scoring_rule",
                    models.TextField(
                        error_messages={"blank": "请填写评分标准（如何给分、扣分）。"},
                        help_text="评价人据以给分的标准，显示在评分表上，如：按时办结得满分，每逾期一次扣 2 分。",
                        verbose_name="评分标准",
                    ),
                ),
                (
                    "weight",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(
                                1, message="不能为 0，至少为 1。"
                            )
                        ],
                        verbose_name="权重",
                    ),
                ),
                (
                    "max_score",
                    models.PositiveSmallIntegerField(
                        default=100,
                        validators=[
                            django.core.validators.MinValueValidator(
                                1, message="不能为 0，至少为 1。"
                            )
                        ],
                        verbose_name="满分",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="顺序")),
                (
                    "indicator_set",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="indicators",
                        to="evaluation.indicatorset",
                        verbose_name="指标体系",
                    ),
                ),
            ],
            options={
                "verbose_name": "评价指标",
                "verbose_name_plural": "评价指标",
                "ordering": ["indicator_set_id", "order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalIndicator",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="指标")),
                ("description", models.TextField(blank=True, verbose_name="说明")),
                (
                    "scoring_rule",
                    models.TextField(
                        error_messages={"blank": "请填写评分标准（如何给分、扣分）。"},
                        help_text="评价人据以给分的标准，显示在评分表上，如：按时办结得满分，每逾期一次扣 2 分。",
                        verbose_name="评分标准",
                    ),
                ),
                (
                    "weight",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(
                                1, message="不能为 0，至少为 1。"
                            )
                        ],
                        verbose_name="权重",
                    ),
                ),
                (
                    "max_score",
                    models.PositiveSmallIntegerField(
                        default=100,
                        validators=[
                            django.core.validators.MinValueValidator(
                                1, message="不能为 0，至少为 1。"
                            )
                        ],
                        verbose_name="满分",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="顺序")),
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "indicator_set",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="evaluation.indicatorset",
                        verbose_name="指标体系",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 评价指标",
                "verbose_name_plural": "historical 评价指标",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalEvaluationRound",
            fields=[
                (
                    "process_ptr",
                    models.ForeignKey(
                        auto_created=True,
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        parent_link=True,
                        related_name="+",
                        to="viewflow.process",
                    ),
                ),
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "flow_class",
                    viewflow.workflow.fields.FlowReferenceField(
                        max_length=250, verbose_name="Flow"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("CANCELED", "Canceled"), ("DONE", "Done"), ("NEW", "New")],
                        default="NEW",
                        max_length=50,
                        verbose_name="Status",
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="Created"),
                ),
                ("finished", models.DateTimeField(blank=True, null=True, verbose_name="Finished")),
                ("seed_object_id", models.PositiveIntegerField(blank=True, null=True)),
                ("artifact_object_id", models.PositiveIntegerField(blank=True, null=True)),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                ("period_start", models.DateField(verbose_name="考核期起")),
                ("period_end", models.DateField(verbose_name="考核期止")),
                ("deadline", models.DateTimeField(verbose_name="评分截止时间")),
                (
                    "bundling_weight",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0.300"),
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("1")),
                        ],
                        verbose_name="互评结果权重",
                    ),
                ),
                (
                    "penalty_per_report",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("2.00"),
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="每件属实清单外事项扣分",
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("open", "评分中"),
                            ("closed", "已截止"),
                            ("published", "结果已公布"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="阶段",
                    ),
                ),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("indicators", "按指标评分"),
                            ("simple", "满意度评价（满意/基本满意/不满意）"),
                        ],
                        default="indicators",
                        max_length=16,
                        verbose_name="评分方式",
                    ),
                ),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="截止时间(实际)"),
                ),
                (
                    "published_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="公布时间"),
                ),
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
                    "artifact_content_type",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="contenttypes.contenttype",
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
                    "opened_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发起人",
                    ),
                ),
                (
                    "parent_task",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="viewflow.task",
                    ),
                ),
                (
                    "seed_content_type",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "department_set",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="evaluation.indicatorset",
                        verbose_name="部门评价乡镇(街道)指标体系",
                    ),
                ),
                (
                    "township_set",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="evaluation.indicatorset",
                        verbose_name="乡镇(街道)评价部门指标体系",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 评价轮次",
                "verbose_name_plural": "historical 评价轮次",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="evaluationround",
            name="department_set",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="evaluation.indicatorset",
                verbose_name="部门评价乡镇(街道)指标体系",
            ),
        ),
        migrations.AddField(
            model_name="evaluationround",
            name="township_set",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="evaluation.indicatorset",
                verbose_name="乡镇(街道)评价部门指标体系",
            ),
        ),
        migrations.CreateModel(
            name="RoundResult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "base_score",
                    models.DecimalField(decimal_places=2, max_digits=6, verbose_name="基础分"),
                ),
                (
                    "peer_mean",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=6,
                        null=True,
                        verbose_name="互评平均分",
                    ),
                ),
                ("sheets_received", models.PositiveIntegerField(verbose_name="收到评分表")),
                ("sheets_missing", models.PositiveIntegerField(verbose_name="缺交评分表")),
                (
                    "upheld_reports",
                    models.PositiveIntegerField(default=0, verbose_name="属实清单外事项"),
                ),
                (
                    "penalty",
                    models.DecimalField(
                        decimal_places=2, default=Decimal("0"), max_digits=6, verbose_name="扣分"
                    ),
                ),
                (
                    "total",
                    models.DecimalField(decimal_places=2, max_digits=6, verbose_name="综合得分"),
                ),
                ("rank", models.PositiveIntegerField(verbose_name="排名")),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="部门",
                    ),
                ),
                (
                    "evaluation_round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="results",
                        to="evaluation.evaluationround",
                        verbose_name="评价轮次",
                    ),
                ),
                (
                    "township",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="乡镇(街道)",
                    ),
                ),
            ],
            options={
                "verbose_name": "评价结果",
                "verbose_name_plural": "评价结果",
                "ordering": ["evaluation_round_id", "township_id", "rank"],
            },
        ),
        migrations.CreateModel(
            name="ScoreSheet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("township_to_department", "乡镇(街道)评价部门"),
                            ("department_to_township", "部门评价乡镇(街道)"),
                        ],
                        max_length=32,
                        verbose_name="评价方向",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "未填写"),
                            ("draft", "草稿"),
                            ("submitted", "已提交"),
                            ("missing", "逾期未交"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "total",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=6, null=True, verbose_name="得分"
                    ),
                ),
                (
                    "rating",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("satisfied", "满意"),
                            ("basically_satisfied", "基本满意"),
                            ("dissatisfied", "不满意"),
                        ],
                        help_text="满意度评价轮次的评价。",
                        max_length=24,
                        verbose_name="满意度",
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="评价意见")),
                (
                    "links",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="LinkKind 值的列表，开启轮次时记录。",
                        verbose_name="参评依据",
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="提交时间"),
                ),
                (
                    "evaluation_round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sheets",
                        to="evaluation.evaluationround",
                        verbose_name="评价轮次",
                    ),
                ),
                (
                    "prepared_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="填写人",
                    ),
                ),
                (
                    "ratee_department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="被评价方(部门)",
                    ),
                ),
                (
                    "ratee_township",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="被评价方(乡镇)",
                    ),
                ),
                (
                    "rater_department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="评价方(部门)",
                    ),
                ),
                (
                    "rater_township",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="评价方(乡镇)",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="提交人",
                    ),
                ),
            ],
            options={
                "verbose_name": "评分表",
                "verbose_name_plural": "评分表",
                "ordering": ["evaluation_round_id", "direction", "id"],
            },
        ),
        migrations.CreateModel(
            name="Score",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.DecimalField(decimal_places=2, max_digits=6, verbose_name="分值")),
                (
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="evaluation.indicator",
                        verbose_name="指标",
                    ),
                ),
                (
                    "sheet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scores",
                        to="evaluation.scoresheet",
                        verbose_name="评分表",
                    ),
                ),
            ],
            options={
                "verbose_name": "指标得分",
                "verbose_name_plural": "指标得分",
                "ordering": ["sheet_id", "indicator_id"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalScore",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("value", models.DecimalField(decimal_places=2, max_digits=6, verbose_name="分值")),
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "indicator",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="evaluation.indicator",
                        verbose_name="指标",
                    ),
                ),
                (
                    "sheet",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="evaluation.scoresheet",
                        verbose_name="评分表",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 指标得分",
                "verbose_name_plural": "historical 指标得分",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SheetFlag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("all_equal", "各项得分完全相同"),
                            ("outlier", "偏离其他评价方均值两倍标准差以上"),
                            ("late", "未按期提交"),
                        ],
                        max_length=16,
                        verbose_name="类型",
                    ),
                ),
                ("detail", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                (
                    "sheet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="flags",
                        to="evaluation.scoresheet",
                        verbose_name="评分表",
                    ),
                ),
            ],
            options={
                "verbose_name": "异常标记",
                "verbose_name_plural": "异常标记",
                "ordering": ["sheet_id", "kind"],
            },
        ),
        migrations.CreateModel(
            name="BaseScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "value",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="基础分",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="部门",
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="录入人",
                    ),
                ),
                (
                    "township",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="乡镇(街道)",
                    ),
                ),
                (
                    "evaluation_round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="base_scores",
                        to="evaluation.evaluationround",
                        verbose_name="评价轮次",
                    ),
                ),
            ],
            options={
                "verbose_name": "基础分",
                "verbose_name_plural": "基础分",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("department__isnull", True),
                            ("township__isnull", True),
                            _connector="XOR",
                        ),
                        name="evaluation_base_score_one_unit",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("department__isnull", False)),
                        fields=("evaluation_round", "department"),
                        name="evaluation_base_score_unique_department",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("township__isnull", False)),
                        fields=("evaluation_round", "township"),
                        name="evaluation_base_score_unique_township",
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(
                fields=("indicator_set", "name"), name="evaluation_indicator_unique_name"
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("weight__gte", 1)), name="evaluation_indicator_weight_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("max_score__gte", 1)),
                name="evaluation_indicator_max_score_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluationround",
            constraint=models.CheckConstraint(
                condition=models.Q(("period_start__lte", models.F("period_end"))),
                name="evaluation_round_period_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="roundresult",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("department__isnull", True), ("township__isnull", True), _connector="XOR"
                ),
                name="evaluation_result_one_unit",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoresheet",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("direction", "township_to_department"),
                        ("ratee_department__isnull", False),
                        ("ratee_township__isnull", True),
                        ("rater_department__isnull", True),
                        ("rater_township__isnull", False),
                    ),
                    models.Q(
                        ("direction", "department_to_township"),
                        ("ratee_department__isnull", True),
                        ("ratee_township__isnull", False),
                        ("rater_department__isnull", False),
                        ("rater_township__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="evaluation_sheet_parties_match_direction",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoresheet",
            constraint=models.UniqueConstraint(
                condition=models.Q(("direction", "township_to_department")),
                fields=("evaluation_round", "rater_township", "ratee_department"),
                name="evaluation_sheet_unique_township_rater",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoresheet",
            constraint=models.UniqueConstraint(
                condition=models.Q(("direction", "department_to_township")),
                fields=("evaluation_round", "rater_department", "ratee_township"),
                name="evaluation_sheet_unique_department_rater",
            ),
        ),
        migrations.AddConstraint(
            model_name="score",
            constraint=models.UniqueConstraint(
                fields=("sheet", "indicator"), name="evaluation_score_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="score",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__gte", 0)), name="evaluation_score_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="sheetflag",
            constraint=models.UniqueConstraint(
                fields=("sheet", "kind"), name="evaluation_flag_unique"
            ),
        ),
    ]
