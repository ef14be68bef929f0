"""The arbitration schema as of 0009_structured_amendments_final, in one step for new databases.

Databases that applied the original migrations keep them; Django uses this one only
where none of those it replaces has run. Their data steps had nothing to convert in a
new database, so they are not repeated here.
"""

import arbitration.models
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
import viewflow.workflow.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("arbitration", "0001_initial"),
        ("arbitration", "0002_initial"),
        ("arbitration", "0003_offlistreport"),
        ("arbitration", "0004_offlist_schedule_evidence"),
        ("arbitration", "0005_decision_batches"),
        ("arbitration", "0006_village_reports_and_batch_reviewer"),
        ("arbitration", "0007_structured_amendments"),
        ("arbitration", "0008_structured_amendments_data"),
        ("arbitration", "0009_structured_amendments_final"),
    ]

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("duty_lists", "0001_squashed_0007_item_fields_final"),
        ("organisations", "0001_squashed_0007_assessment_office"),
        ("viewflow", "0015_task_scheduled"),
        ("workflow", "0001_squashed_0012_temporary_items"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BatchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "amended_title",
                    models.CharField(blank=True, max_length=200, verbose_name="审定修改后事项名称"),
                ),
                (
                    "amended_department_responsibilities",
                    models.TextField(blank=True, verbose_name="审定修改后部门职责"),
                ),
                (
                    "amended_local_responsibilities",
                    models.TextField(blank=True, verbose_name="审定修改后属地职责"),
                ),
                (
                    "amended_funding_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        verbose_name="审定修改后经费金额(万元)",
                    ),
                ),
                (
                    "amended_funding_source",
                    models.CharField(blank=True, max_length=200, verbose_name="审定修改后经费来源"),
                ),
                (
                    "amended_staffing",
                    models.TextField(blank=True, verbose_name="审定修改后人员保障"),
                ),
                (
                    "amended_equipment",
                    models.TextField(blank=True, verbose_name="审定修改后装备保障"),
                ),
                ("amended_remarks", models.TextField(blank=True, verbose_name="审定修改后备注")),
                (
                    "process",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="batch_entry",
                        to="workflow.changerequestprocess",
                        verbose_name="申请",
                    ),
                ),
            ],
            options={
                "verbose_name": "审定事项",
                "verbose_name_plural": "审定事项",
                "ordering": ["batch_id", "id"],
            },
            bases=(arbitration.models.AmendedTextMixin, models.Model),
        ),
        migrations.CreateModel(
            name="BatchPartyDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("as_proposed", "按拟办意见"),
                            ("amended", "修改后通过"),
                            ("not_adopted", "不予采纳"),
                        ],
                        max_length=16,
                        verbose_name="审定意见",
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
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions",
                        to="arbitration.batchentry",
                        verbose_name="审定事项",
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
                "verbose_name": "审定意见",
                "verbose_name_plural": "审定意见",
                "ordering": ["entry_id", "id"],
            },
            bases=(arbitration.models.PartyDecisionMixin, models.Model),
        ),
        migrations.CreateModel(
            name="DecisionBatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="批次名称")),
                ("prepared_at", models.DateTimeField(auto_now_add=True, verbose_name="提请时间")),
                (
                    "notice_starts_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="公示开始时间"),
                ),
                (
                    "notice_ends_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="公示截止时间"),
                ),
                (
                    "decided_by",
                    models.CharField(
                        blank=True,
                        help_text="如：县委常委会、县政府常务会议",
                        max_length=100,
                        verbose_name="审定机关",
                    ),
                ),
                ("meeting", models.CharField(blank=True, max_length=200, verbose_name="会议名称")),
                ("meeting_date", models.DateField(blank=True, null=True, verbose_name="会议日期")),
                (
                    "document_number",
                    models.CharField(blank=True, max_length=100, verbose_name="文号"),
                ),
                (
                    "effective_date",
                    models.DateField(blank=True, null=True, verbose_name="生效日期"),
                ),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                (
                    "recorded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="登记时间"),
                ),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.county",
                        verbose_name="县",
                    ),
                ),
                (
                    "prepared_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="提请人",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "releases",
                    models.ManyToManyField(
                        blank=True,
                        related_name="decision_batches",
                        to="duty_lists.release",
                        verbose_name="发布版本",
                    ),
                ),
                (
                    "reviewing_department",
                    models.ForeignKey(
                        blank=True,
                        help_text="为空时由县委编办提请和登记。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="审查单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "审定批次",
                "verbose_name_plural": "审定批次",
                "ordering": ["-prepared_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="batchentry",
            name="batch",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="arbitration.decisionbatch",
                verbose_name="审定批次",
            ),
        ),
        migrations.CreateModel(
            name="BatchDocument",
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
                        choices=[("minutes", "会议纪要"), ("other", "其他材料")],
                        default="minutes",
                        max_length=16,
                        verbose_name="材料类型",
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=255,
                        upload_to=arbitration.models.batch_document_upload_to,
                        verbose_name="文件",
                    ),
                ),
                ("original_name", models.CharField(max_length=255, verbose_name="原文件名")),
                ("content_type", models.CharField(max_length=100, verbose_name="文件类型")),
                ("size", models.PositiveBigIntegerField(verbose_name="大小(字节)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="arbitration.decisionbatch",
                        verbose_name="审定批次",
                    ),
                ),
            ],
            options={
                "verbose_name": "审定材料",
                "verbose_name_plural": "审定材料",
                "ordering": ["batch_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalBatchDocument",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("minutes", "会议纪要"), ("other", "其他材料")],
                        default="minutes",
                        max_length=16,
                        verbose_name="材料类型",
                    ),
                ),
                ("file", models.TextField(max_length=255, verbose_name="文件")),
                ("original_name", models.CharField(max_length=255, verbose_name="原文件名")),
                ("content_type", models.CharField(max_length=100, verbose_name="文件类型")),
                ("size", models.PositiveBigIntegerField(verbose_name="大小(字节)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                (
                    "uploaded_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="上传时间"),
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
                    "batch",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="arbitration.decisionbatch",
                        verbose_name="审定批次",
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
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 审定材料",
                "verbose_name_plural": "historical 审定材料",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalBatchEntry",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "amended_title",
                    models.CharField(blank=True, max_length=200, verbose_name="审定修改后事项名称"),
                ),
                (
                    "amended_department_responsibilities",
                    models.TextField(blank=True, verbose_name="审定修改后部门职责"),
                ),
                (
                    "amended_local_responsibilities",
                    models.TextField(blank=True, verbose_name="审定修改后属地职责"),
                ),
                (
                    "amended_funding_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        verbose_name="审定修改后经费金额(万元)",
                    ),
                ),
                (
                    "amended_funding_source",
                    models.CharField(blank=True, max_length=200, verbose_name="审定修改后经费来源"),
                ),
                (
                    "amended_staffing",
                    models.TextField(blank=True, verbose_name="审定修改后人员保障"),
                ),
                (
                    "amended_equipment",
                    models.TextField(blank=True, verbose_name="审定修改后装备保障"),
                ),
                ("amended_remarks", models.TextField(blank=True, verbose_name="审定修改后备注")),
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
                    "batch",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="arbitration.decisionbatch",
                        verbose_name="审定批次",
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
                    "process",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="workflow.changerequestprocess",
                        verbose_name="申请",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 审定事项",
                "verbose_name_plural": "historical 审定事项",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalBatchPartyDecision",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("as_proposed", "按拟办意见"),
                            ("amended", "修改后通过"),
                            ("not_adopted", "不予采纳"),
                        ],
                        max_length=16,
                        verbose_name="审定意见",
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
                    "entry",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="arbitration.batchentry",
                        verbose_name="审定事项",
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
                "verbose_name": "historical 审定意见",
                "verbose_name_plural": "historical 审定意见",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDecisionBatch",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="批次名称")),
                (
                    "prepared_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="提请时间"),
                ),
                (
                    "notice_starts_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="公示开始时间"),
                ),
                (
                    "notice_ends_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="公示截止时间"),
                ),
                (
                    "decided_by",
                    models.CharField(
                        blank=True,
                        help_text="如：县委常委会、县政府常务会议",
                        max_length=100,
                        verbose_name="审定机关",
                    ),
                ),
                ("meeting", models.CharField(blank=True, max_length=200, verbose_name="会议名称")),
                ("meeting_date", models.DateField(blank=True, null=True, verbose_name="会议日期")),
                (
                    "document_number",
                    models.CharField(blank=True, max_length=100, verbose_name="文号"),
                ),
                (
                    "effective_date",
                    models.DateField(blank=True, null=True, verbose_name="生效日期"),
                ),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                (
                    "recorded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="登记时间"),
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
                        verbose_name="县",
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
                        verbose_name="提请人",
                    ),
                ),
                (
                    "recorded_by",
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
                (
                    "reviewing_department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="为空时由县委编办提请和登记。",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="审查单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 审定批次",
                "verbose_name_plural": "historical 审定批次",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalOffListReport",
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
                ("assignment", models.TextField(verbose_name="交办事项内容")),
                ("assigned_on", models.DateField(verbose_name="交办日期")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("document", "发文"),
                            ("meeting", "会议部署"),
                            ("phone", "电话"),
                            ("message", "微信/短信/工作群"),
                            ("verbal", "口头交办"),
                            ("other", "其他"),
                        ],
                        max_length=16,
                        verbose_name="交办渠道",
                    ),
                ),
                (
                    "channel_detail",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="渠道说明(文号、会议名称等)"
                    ),
                ),
                (
                    "department_answer",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("withdraw", "撤回交办要求"),
                            ("admission", "启动事项准入申请"),
                            ("dispute", "有异议"),
                            ("no_answer", "逾期未答复"),
                        ],
                        max_length=16,
                        verbose_name="部门答复",
                    ),
                ),
                ("department_reason", models.TextField(blank=True, verbose_name="答复理由")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="答复时间"),
                ),
                (
                    "ruling",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("upheld", "属实（清单外交办成立）"),
                            ("dismissed", "不成立"),
                            ("converted", "转为事项准入申请"),
                        ],
                        max_length=16,
                        verbose_name="裁定结果",
                    ),
                ),
                ("ruling_reasoning", models.TextField(blank=True, verbose_name="裁定理由")),
                ("ruled_at", models.DateTimeField(blank=True, null=True, verbose_name="裁定时间")),
                (
                    "answer_remind_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="答复提醒时间"),
                ),
                (
                    "answer_due_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="答复截止时间"),
                ),
                (
                    "admission_fields",
                    models.JSONField(blank=True, default=dict, verbose_name="转入申请的事项内容"),
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
                    "admission_request",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="workflow.changerequestprocess",
                        verbose_name="转入的准入申请",
                    ),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="答复人",
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
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="交办部门",
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
                    "reported_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="报告人",
                    ),
                ),
                (
                    "ruled_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="裁定人",
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
                    "township",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="报告乡镇(街道)",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.village",
                        verbose_name="报告村(社区)",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 清单外事项报告",
                "verbose_name_plural": "historical 清单外事项报告",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRuling",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "ruled_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="拟办时间"),
                ),
                ("reasoning", models.TextField(verbose_name="拟办理由")),
                ("meeting_record", models.TextField(blank=True, verbose_name="协调会记录")),
                (
                    "amended_title",
                    models.CharField(blank=True, max_length=200, verbose_name="修改后事项名称"),
                ),
                (
                    "amended_department_responsibilities",
                    models.TextField(blank=True, verbose_name="修改后部门职责"),
                ),
                (
                    "amended_local_responsibilities",
                    models.TextField(blank=True, verbose_name="修改后属地职责"),
                ),
                (
                    "amended_funding_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        verbose_name="修改后经费金额(万元)",
                    ),
                ),
                (
                    "amended_funding_source",
                    models.CharField(blank=True, max_length=200, verbose_name="修改后经费来源"),
                ),
                ("amended_staffing", models.TextField(blank=True, verbose_name="修改后人员保障")),
                ("amended_equipment", models.TextField(blank=True, verbose_name="修改后装备保障")),
                ("amended_remarks", models.TextField(blank=True, verbose_name="修改后备注")),
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
                        verbose_name="县",
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
                    "process",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="workflow.changerequestprocess",
                        verbose_name="申请",
                    ),
                ),
                (
                    "ruled_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="拟办人",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 拟办意见",
                "verbose_name_plural": "historical 拟办意见",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="NoticeOpinion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(blank=True, max_length=50, verbose_name="姓名")),
                ("contact", models.CharField(blank=True, max_length=100, verbose_name="联系方式")),
                ("text", models.TextField(max_length=1000, verbose_name="意见内容")),
                ("submitted_at", models.DateTimeField(auto_now_add=True, verbose_name="提交时间")),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="opinions",
                        to="arbitration.decisionbatch",
                        verbose_name="审定批次",
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="opinions",
                        to="arbitration.batchentry",
                        verbose_name="针对事项",
                    ),
                ),
            ],
            options={
                "verbose_name": "公示意见",
                "verbose_name_plural": "公示意见",
                "ordering": ["batch_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="OffListReport",
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
                ("assignment", models.TextField(verbose_name="交办事项内容")),
                ("assigned_on", models.DateField(verbose_name="交办日期")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("document", "发文"),
                            ("meeting", "会议部署"),
                            ("phone", "电话"),
                            ("message", "微信/短信/工作群"),
                            ("verbal", "口头交办"),
                            ("other", "其他"),
                        ],
                        max_length=16,
                        verbose_name="交办渠道",
                    ),
                ),
                (
                    "channel_detail",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="渠道说明(文号、会议名称等)"
                    ),
                ),
                (
                    "department_answer",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("withdraw", "撤回交办要求"),
                            ("admission", "启动事项准入申请"),
                            ("dispute", "有异议"),
                            ("no_answer", "逾期未答复"),
                        ],
                        max_length=16,
                        verbose_name="部门答复",
                    ),
                ),
                ("department_reason", models.TextField(blank=True, verbose_name="答复理由")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="答复时间"),
                ),
                (
                    "ruling",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("upheld", "属实（清单外交办成立）"),
                            ("dismissed", "不成立"),
                            ("converted", "转为事项准入申请"),
                        ],
                        max_length=16,
                        verbose_name="裁定结果",
                    ),
                ),
                ("ruling_reasoning", models.TextField(blank=True, verbose_name="裁定理由")),
                ("ruled_at", models.DateTimeField(blank=True, null=True, verbose_name="裁定时间")),
                (
                    "answer_remind_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="答复提醒时间"),
                ),
                (
                    "answer_due_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="答复截止时间"),
                ),
                (
                    "admission_fields",
                    models.JSONField(blank=True, default=dict, verbose_name="转入申请的事项内容"),
                ),
                (
                    "admission_request",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflow.changerequestprocess",
                        verbose_name="转入的准入申请",
                    ),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="答复人",
                    ),
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
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="交办部门",
                    ),
                ),
                (
                    "reported_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="报告人",
                    ),
                ),
                (
                    "ruled_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="裁定人",
                    ),
                ),
                (
                    "township",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="报告乡镇(街道)",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.village",
                        verbose_name="报告村(社区)",
                    ),
                ),
            ],
            options={
                "verbose_name": "清单外事项报告",
                "verbose_name_plural": "清单外事项报告",
            },
            bases=("viewflow.process",),
        ),
        migrations.CreateModel(
            name="HistoricalReportEvidence",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("file", models.TextField(max_length=255, verbose_name="文件")),
                ("original_name", models.CharField(max_length=255, verbose_name="原文件名")),
                ("content_type", models.CharField(max_length=100, verbose_name="文件类型")),
                ("size", models.PositiveBigIntegerField(verbose_name="大小(字节)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                (
                    "uploaded_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="上传时间"),
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="arbitration.offlistreport",
                        verbose_name="报告",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 清单外事项证明材料",
                "verbose_name_plural": "historical 清单外事项证明材料",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ReportEvidence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=255,
                        upload_to=arbitration.models.evidence_upload_to,
                        verbose_name="文件",
                    ),
                ),
                ("original_name", models.CharField(max_length=255, verbose_name="原文件名")),
                ("content_type", models.CharField(max_length=100, verbose_name="文件类型")),
                ("size", models.PositiveBigIntegerField(verbose_name="大小(字节)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence",
                        to="arbitration.offlistreport",
                        verbose_name="报告",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
            ],
            options={
                "verbose_name": "清单外事项证明材料",
                "verbose_name_plural": "清单外事项证明材料",
                "ordering": ["report_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="Ruling",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ruled_at", models.DateTimeField(auto_now_add=True, verbose_name="拟办时间")),
                ("reasoning", models.TextField(verbose_name="拟办理由")),
                ("meeting_record", models.TextField(blank=True, verbose_name="协调会记录")),
                (
                    "amended_title",
                    models.CharField(blank=True, max_length=200, verbose_name="修改后事项名称"),
                ),
                (
                    "amended_department_responsibilities",
                    models.TextField(blank=True, verbose_name="修改后部门职责"),
                ),
                (
                    "amended_local_responsibilities",
                    models.TextField(blank=True, verbose_name="修改后属地职责"),
                ),
                (
                    "amended_funding_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        verbose_name="修改后经费金额(万元)",
                    ),
                ),
                (
                    "amended_funding_source",
                    models.CharField(blank=True, max_length=200, verbose_name="修改后经费来源"),
                ),
                ("amended_staffing", models.TextField(blank=True, verbose_name="修改后人员保障")),
                ("amended_equipment", models.TextField(blank=True, verbose_name="修改后装备保障")),
                ("amended_remarks", models.TextField(blank=True, verbose_name="修改后备注")),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.county",
                        verbose_name="县",
                    ),
                ),
                (
                    "process",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ruling",
                        to="workflow.changerequestprocess",
                        verbose_name="申请",
                    ),
                ),
                (
                    "ruled_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="拟办人",
                    ),
                ),
            ],
            options={
                "verbose_name": "拟办意见",
                "verbose_name_plural": "拟办意见",
                "ordering": ["-ruled_at"],
            },
            bases=(arbitration.models.AmendedTextMixin, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRulingDecision",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("admit", "准入"),
                            ("admit_amended", "修改后准入"),
                            ("reject", "不予准入"),
                        ],
                        max_length=16,
                        verbose_name="拟办结果",
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
                (
                    "ruling",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="arbitration.ruling",
                        verbose_name="拟办意见",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 拟办结果",
                "verbose_name_plural": "historical 拟办结果",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="RulingDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("admit", "准入"),
                            ("admit_amended", "修改后准入"),
                            ("reject", "不予准入"),
                        ],
                        max_length=16,
                        verbose_name="拟办结果",
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
                    "ruling",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions",
                        to="arbitration.ruling",
                        verbose_name="拟办意见",
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
                "verbose_name": "拟办结果",
                "verbose_name_plural": "拟办结果",
                "ordering": ["ruling_id", "id"],
            },
            bases=(arbitration.models.PartyDecisionMixin, models.Model),
        ),
        migrations.AddIndex(
            model_name="decisionbatch",
            index=models.Index(
                fields=["county", "recorded_at"], name="arbitration_county__92179f_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="offlistreport",
            index=models.Index(
                fields=["county", "ruling", "assigned_on"], name="arbitration_county__46b936_idx"
            ),
        ),
    ]
