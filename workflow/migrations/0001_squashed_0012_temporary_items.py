"""The workflow schema as of 0012_temporary_items, in one step for new databases.

Databases that applied the original migrations keep them; Django uses this one only
where none of those it replaces has run. Their data steps had nothing to convert in a
new database, so they are not repeated here.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
import viewflow.workflow.fields
import workflow.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("workflow", "0001_initial"),
        ("workflow", "0002_attachment"),
        ("workflow", "0003_decision_settings"),
        ("workflow", "0004_legality_review_publication_basis"),
        ("workflow", "0005_reviewing_unit_per_level"),
        ("workflow", "0006_request_number"),
        ("workflow", "0007_stamped_reply"),
        ("workflow", "0008_transfer_urge"),
        ("workflow", "0009_item_fields"),
        ("workflow", "0010_item_fields_data"),
        ("workflow", "0011_item_fields_final"),
        ("workflow", "0012_temporary_items"),
    ]

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("duty_lists", "0001_squashed_0007_item_fields_final"),
        ("organisations", "0001_squashed_0007_assessment_office"),
        ("viewflow", "0015_task_scheduled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangeRequestProcess",
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
                (
                    "number",
                    models.CharField(
                        blank=True, db_index=True, max_length=20, verbose_name="申请编号"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("add", "新增事项"),
                            ("amend", "修改事项"),
                            ("withdraw", "取消事项"),
                        ],
                        max_length=16,
                        verbose_name="申请类型",
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
                        verbose_name="清单层级",
                    ),
                ),
                ("code", models.CharField(blank=True, max_length=32, verbose_name="事项编码")),
                ("title", models.CharField(blank=True, max_length=200, verbose_name="事项名称")),
                (
                    "item_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("duty", "履职事项"),
                            ("certificate", "证明事项"),
                            ("mechanism", "机制牌子"),
                        ],
                        max_length=16,
                        verbose_name="事项类型",
                    ),
                ),
                (
                    "duty_type",
                    models.CharField(
                        blank=True,
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
                        blank=True,
                        choices=[("department", "部门"), ("local", "属地")],
                        max_length=16,
                        verbose_name="主体责任",
                    ),
                ),
                (
                    "department_responsibilities",
                    models.TextField(blank=True, verbose_name="部门职责"),
                ),
                (
                    "cooperation",
                    models.JSONField(blank=True, default=list, verbose_name="协同部门及职责"),
                ),
                ("local_responsibilities", models.TextField(blank=True, verbose_name="属地职责")),
                ("basis", models.TextField(blank=True, verbose_name="实施依据")),
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
                    "effective_date",
                    models.DateField(blank=True, null=True, verbose_name="拟生效日期"),
                ),
                (
                    "expires_on",
                    models.DateField(blank=True, null=True, verbose_name="有效期至(临时事项)"),
                ),
                (
                    "applies_to_all",
                    models.BooleanField(default=False, verbose_name="适用本级全部单位"),
                ),
                (
                    "village_kind",
                    models.CharField(
                        blank=True,
                        choices=[("village", "村"), ("community", "社区")],
                        max_length=16,
                        verbose_name="适用村(社区)类型",
                    ),
                ),
                ("reasons", models.TextField(verbose_name="申请理由")),
                (
                    "review_decision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("forward", "通过审查，征求意见"),
                            ("return", "退回修改"),
                            ("reject", "不予受理"),
                        ],
                        max_length=16,
                        verbose_name="审查意见",
                    ),
                ),
                ("review_comment", models.TextField(blank=True, verbose_name="审查说明")),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("pending", "办理中"),
                            ("published", "已发布"),
                            ("rejected", "未准入"),
                            ("not_adopted", "审定不予采纳"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="办理结果",
                    ),
                ),
                (
                    "published_under",
                    models.CharField(
                        blank=True,
                        choices=[("decision", "县委县政府审定"), ("standing", "依常设授权")],
                        max_length=16,
                        verbose_name="发布依据",
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="duty_lists.category",
                        verbose_name="领域类别",
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
                    "initiator_department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="申请部门",
                    ),
                ),
                (
                    "initiator_township",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="申请乡镇(街道)",
                    ),
                ),
                (
                    "lead_department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="牵头部门",
                    ),
                ),
                (
                    "legality_reviewer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="合法性审查部门",
                    ),
                ),
                (
                    "published_item",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="duty_lists.dutyitem",
                        verbose_name="发布事项",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="申请人",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="审查人",
                    ),
                ),
                (
                    "reviewing_department",
                    models.ForeignKey(
                        blank=True,
                        help_text="为空时由县委编办审查。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="审查单位",
                    ),
                ),
                (
                    "target_item",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="duty_lists.dutyitem",
                        verbose_name="涉及事项",
                    ),
                ),
                (
                    "target_townships",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="涉及乡镇(街道)",
                    ),
                ),
                (
                    "target_villages",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="organisations.village",
                        verbose_name="适用村(社区)",
                    ),
                ),
            ],
            options={
                "verbose_name": "准入/调整申请",
                "verbose_name_plural": "准入/调整申请",
            },
            bases=("viewflow.process",),
        ),
        migrations.CreateModel(
            name="Attachment",
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
                        upload_to=workflow.models.attachment_upload_to,
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
                    "process",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="workflow.changerequestprocess",
                        verbose_name="申请",
                    ),
                ),
            ],
            options={
                "verbose_name": "附件",
                "verbose_name_plural": "附件",
                "ordering": ["process_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="Consultation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "answer",
                    models.CharField(
                        choices=[
                            ("accept", "同意"),
                            ("contest", "有异议"),
                            ("no_answer", "逾期未答复"),
                        ],
                        max_length=16,
                        verbose_name="意见",
                    ),
                ),
                ("reason", models.TextField(blank=True, verbose_name="理由")),
                ("counter_proposal", models.TextField(blank=True, verbose_name="修改建议")),
                ("answered_at", models.DateTimeField(auto_now_add=True, verbose_name="答复时间")),
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
                    "process",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consultations",
                        to="workflow.changerequestprocess",
                        verbose_name="申请",
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
                "verbose_name": "征求意见答复",
                "verbose_name_plural": "征求意见答复",
                "ordering": ["process_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="CountyWorkflowSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "consultation_days",
                    models.PositiveSmallIntegerField(
                        default=5, verbose_name="征求意见期限(工作日)"
                    ),
                ),
                (
                    "silence_is_consent",
                    models.BooleanField(default=False, verbose_name="逾期未答复视为同意"),
                ),
                (
                    "legality_review",
                    models.BooleanField(
                        default=False,
                        help_text="开启后，编办形式审查通过的申请先由合法性审查部门(司法局)审查，再征求意见。",
                        verbose_name="合法性审查",
                    ),
                ),
                (
                    "standing_authorisation",
                    models.BooleanField(
                        default=False,
                        help_text="开启后，征求意见无异议的申请由编办依县委县政府常设授权直接发布，不再等待审定，发布记录注明依常设授权。",
                        verbose_name="无异议事项依常设授权发布",
                    ),
                ),
                (
                    "standing_authorisation_reference",
                    models.CharField(
                        blank=True,
                        help_text="授权编办直接发布无异议事项的文件文号，如：清委办发〔2025〕3号；用作依常设授权发布的版本文号。",
                        max_length=100,
                        verbose_name="常设授权文件文号",
                    ),
                ),
                (
                    "notice_working_days",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="审定前在公开页面公示拟调整事项的工作日数；0 表示不公示。",
                        verbose_name="公示期(工作日)",
                    ),
                ),
                (
                    "public_pages",
                    models.BooleanField(
                        default=True,
                        help_text="关闭后，本县的公开页面不再显示任何内容。",
                        verbose_name="公开清单页面",
                    ),
                ),
                (
                    "county",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="workflow_settings",
                        to="organisations.county",
                        verbose_name="县",
                    ),
                ),
                (
                    "grid_list_reviewer",
                    models.ForeignKey(
                        blank=True,
                        help_text="对网格清单的事项申请进行形式审查、提出拟办意见、提请并登记审定的单位，通常为县网格化服务管理机构；不选则由县委编办办理。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="网格清单审查单位",
                    ),
                ),
                (
                    "legality_reviewer",
                    models.ForeignKey(
                        blank=True,
                        help_text="通常为县司法局。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="合法性审查部门",
                    ),
                ),
                (
                    "village_list_reviewer",
                    models.ForeignKey(
                        blank=True,
                        help_text="对村(社区)清单的事项申请进行形式审查、提出拟办意见、提请并登记审定的单位，如县委社会工作部、县委组织部、县民政局；不选则由县委编办办理。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="村(社区)清单审查单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "流程设置",
                "verbose_name_plural": "流程设置",
            },
        ),
        migrations.CreateModel(
            name="HistoricalAttachment",
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
                "verbose_name": "historical 附件",
                "verbose_name_plural": "historical 附件",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalChangeRequestProcess",
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
                (
                    "number",
                    models.CharField(
                        blank=True, db_index=True, max_length=20, verbose_name="申请编号"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("add", "新增事项"),
                            ("amend", "修改事项"),
                            ("withdraw", "取消事项"),
                        ],
                        max_length=16,
                        verbose_name="申请类型",
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
                        verbose_name="清单层级",
                    ),
                ),
                ("code", models.CharField(blank=True, max_length=32, verbose_name="事项编码")),
                ("title", models.CharField(blank=True, max_length=200, verbose_name="事项名称")),
                (
                    "item_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("duty", "履职事项"),
                            ("certificate", "证明事项"),
                            ("mechanism", "机制牌子"),
                        ],
                        max_length=16,
                        verbose_name="事项类型",
                    ),
                ),
                (
                    "duty_type",
                    models.CharField(
                        blank=True,
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
                        blank=True,
                        choices=[("department", "部门"), ("local", "属地")],
                        max_length=16,
                        verbose_name="主体责任",
                    ),
                ),
                (
                    "department_responsibilities",
                    models.TextField(blank=True, verbose_name="部门职责"),
                ),
                (
                    "cooperation",
                    models.JSONField(blank=True, default=list, verbose_name="协同部门及职责"),
                ),
                ("local_responsibilities", models.TextField(blank=True, verbose_name="属地职责")),
                ("basis", models.TextField(blank=True, verbose_name="实施依据")),
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
                    "effective_date",
                    models.DateField(blank=True, null=True, verbose_name="拟生效日期"),
                ),
                (
                    "expires_on",
                    models.DateField(blank=True, null=True, verbose_name="有效期至(临时事项)"),
                ),
                (
                    "applies_to_all",
                    models.BooleanField(default=False, verbose_name="适用本级全部单位"),
                ),
                (
                    "village_kind",
                    models.CharField(
                        blank=True,
                        choices=[("village", "村"), ("community", "社区")],
                        max_length=16,
                        verbose_name="适用村(社区)类型",
                    ),
                ),
                ("reasons", models.TextField(verbose_name="申请理由")),
                (
                    "review_decision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("forward", "通过审查，征求意见"),
                            ("return", "退回修改"),
                            ("reject", "不予受理"),
                        ],
                        max_length=16,
                        verbose_name="审查意见",
                    ),
                ),
                ("review_comment", models.TextField(blank=True, verbose_name="审查说明")),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("pending", "办理中"),
                            ("published", "已发布"),
                            ("rejected", "未准入"),
                            ("not_adopted", "审定不予采纳"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="办理结果",
                    ),
                ),
                (
                    "published_under",
                    models.CharField(
                        blank=True,
                        choices=[("decision", "县委县政府审定"), ("standing", "依常设授权")],
                        max_length=16,
                        verbose_name="发布依据",
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
                    "initiator_department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="申请部门",
                    ),
                ),
                (
                    "initiator_township",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.township",
                        verbose_name="申请乡镇(街道)",
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
                (
                    "legality_reviewer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="合法性审查部门",
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
                    "published_item",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="duty_lists.dutyitem",
                        verbose_name="发布事项",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="申请人",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="审查人",
                    ),
                ),
                (
                    "reviewing_department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="为空时由县委编办审查。",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="审查单位",
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
                    "target_item",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="duty_lists.dutyitem",
                        verbose_name="涉及事项",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 准入/调整申请",
                "verbose_name_plural": "historical 准入/调整申请",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalConsultation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "answer",
                    models.CharField(
                        choices=[
                            ("accept", "同意"),
                            ("contest", "有异议"),
                            ("no_answer", "逾期未答复"),
                        ],
                        max_length=16,
                        verbose_name="意见",
                    ),
                ),
                ("reason", models.TextField(blank=True, verbose_name="理由")),
                ("counter_proposal", models.TextField(blank=True, verbose_name="修改建议")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="答复时间"),
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
                "verbose_name": "historical 征求意见答复",
                "verbose_name_plural": "historical 征求意见答复",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalCountyWorkflowSettings",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "consultation_days",
                    models.PositiveSmallIntegerField(
                        default=5, verbose_name="征求意见期限(工作日)"
                    ),
                ),
                (
                    "silence_is_consent",
                    models.BooleanField(default=False, verbose_name="逾期未答复视为同意"),
                ),
                (
                    "legality_review",
                    models.BooleanField(
                        default=False,
                        help_text="开启后，编办形式审查通过的申请先由合法性审查部门(司法局)审查，再征求意见。",
                        verbose_name="合法性审查",
                    ),
                ),
                (
                    "standing_authorisation",
                    models.BooleanField(
                        default=False,
                        help_text="开启后，征求意见无异议的申请由编办依县委县政府常设授权直接发布，不再等待审定，发布记录注明依常设授权。",
                        verbose_name="无异议事项依常设授权发布",
                    ),
                ),
                (
                    "standing_authorisation_reference",
                    models.CharField(
                        blank=True,
                        help_text="授权编办直接发布无异议事项的文件文号，如：清委办发〔2025〕3号；用作依常设授权发布的版本文号。",
                        max_length=100,
                        verbose_name="常设授权文件文号",
                    ),
                ),
                (
                    "notice_working_days",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="审定前在公开页面公示拟调整事项的工作日数；0 表示不公示。",
                        verbose_name="公示期(工作日)",
                    ),
                ),
                (
                    "public_pages",
                    models.BooleanField(
                        default=True,
                        help_text="关闭后，本县的公开页面不再显示任何内容。",
                        verbose_name="公开清单页面",
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
                    "grid_list_reviewer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="对网格清单的事项申请进行形式审查、提出拟办意见、提请并登记审定的单位，通常为县网格化服务管理机构；不选则由县委编办办理。",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="网格清单审查单位",
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
                    "legality_reviewer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="通常为县司法局。",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="合法性审查部门",
                    ),
                ),
                (
                    "village_list_reviewer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="对村(社区)清单的事项申请进行形式审查、提出拟办意见、提请并登记审定的单位，如县委社会工作部、县委组织部、县民政局；不选则由县委编办办理。",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="村(社区)清单审查单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 流程设置",
                "verbose_name_plural": "historical 流程设置",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalLegalityReview",
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
                        choices=[("pass", "通过合法性审查"), ("return", "退回修改")],
                        max_length=16,
                        verbose_name="审查意见",
                    ),
                ),
                ("opinion", models.TextField(blank=True, verbose_name="审查说明")),
                (
                    "reviewed_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="审查时间"),
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
                        verbose_name="审查部门",
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
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="审查人",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 合法性审查",
                "verbose_name_plural": "historical 合法性审查",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalStampedReply",
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
                    "consultation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="workflow.consultation",
                        verbose_name="征求意见答复",
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
                "verbose_name": "historical 盖章意见",
                "verbose_name_plural": "historical 盖章意见",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTaskTransfer",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=200, verbose_name="转交说明")),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="转交时间"),
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
                    "from_user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="转交人",
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
                        to="viewflow.process",
                        verbose_name="流程",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="viewflow.task",
                        verbose_name="任务",
                    ),
                ),
                (
                    "to_user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="接收人",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 任务转交",
                "verbose_name_plural": "historical 任务转交",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalUrge",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "sent_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="催办时间"),
                ),
                ("recipient_count", models.PositiveIntegerField(verbose_name="通知人数")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="催办说明")),
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
                    "process",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="viewflow.process",
                        verbose_name="流程",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="催办人",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="viewflow.task",
                        verbose_name="任务",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 催办",
                "verbose_name_plural": "historical 催办",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Holiday",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(verbose_name="日期")),
                ("name", models.CharField(max_length=50, verbose_name="名称")),
                ("is_working_day", models.BooleanField(default=False, verbose_name="调休上班")),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="holidays",
                        to="organisations.county",
                        verbose_name="县",
                    ),
                ),
            ],
            options={
                "verbose_name": "节假日",
                "verbose_name_plural": "节假日",
                "ordering": ["county_id", "date"],
            },
        ),
        migrations.CreateModel(
            name="LegalityReview",
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
                        choices=[("pass", "通过合法性审查"), ("return", "退回修改")],
                        max_length=16,
                        verbose_name="审查意见",
                    ),
                ),
                ("opinion", models.TextField(blank=True, verbose_name="审查说明")),
                ("reviewed_at", models.DateTimeField(auto_now_add=True, verbose_name="审查时间")),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.department",
                        verbose_name="审查部门",
                    ),
                ),
                (
                    "process",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="legality_reviews",
                        to="workflow.changerequestprocess",
                        verbose_name="申请",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="审查人",
                    ),
                ),
            ],
            options={
                "verbose_name": "合法性审查",
                "verbose_name_plural": "合法性审查",
                "ordering": ["process_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject", models.CharField(max_length=200, verbose_name="标题")),
                ("body", models.TextField(blank=True, verbose_name="内容")),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="链接")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="已读时间")),
                (
                    "process",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="workflow.changerequestprocess",
                        verbose_name="相关申请",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="接收人",
                    ),
                ),
            ],
            options={
                "verbose_name": "通知",
                "verbose_name_plural": "通知",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="StampedReply",
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
                        upload_to=workflow.models.stamped_reply_upload_to,
                        verbose_name="文件",
                    ),
                ),
                ("original_name", models.CharField(max_length=255, verbose_name="原文件名")),
                ("content_type", models.CharField(max_length=100, verbose_name="文件类型")),
                ("size", models.PositiveBigIntegerField(verbose_name="大小(字节)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "consultation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stamped_reply",
                        to="workflow.consultation",
                        verbose_name="征求意见答复",
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
                "verbose_name": "盖章意见",
                "verbose_name_plural": "盖章意见",
            },
        ),
        migrations.CreateModel(
            name="TaskTransfer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=200, verbose_name="转交说明")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="转交时间")),
                (
                    "from_user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="转交人",
                    ),
                ),
                (
                    "process",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="viewflow.process",
                        verbose_name="流程",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="viewflow.task",
                        verbose_name="任务",
                    ),
                ),
                (
                    "to_user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="接收人",
                    ),
                ),
            ],
            options={
                "verbose_name": "任务转交",
                "verbose_name_plural": "任务转交",
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="TemporaryItemProcess",
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
                ("expires_on", models.DateField(verbose_name="有效期至")),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("waiting", "等待到期"),
                            ("expired", "已到期取消"),
                            ("superseded", "无需处理"),
                        ],
                        default="waiting",
                        max_length=16,
                        verbose_name="结果",
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
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="duty_lists.dutyitem",
                        verbose_name="临时事项",
                    ),
                ),
            ],
            options={
                "verbose_name": "临时事项到期",
                "verbose_name_plural": "临时事项到期",
            },
            bases=("viewflow.process",),
        ),
        migrations.CreateModel(
            name="Urge",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="催办时间")),
                ("recipient_count", models.PositiveIntegerField(verbose_name="通知人数")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="催办说明")),
                (
                    "process",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="viewflow.process",
                        verbose_name="流程",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="催办人",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="viewflow.task",
                        verbose_name="任务",
                    ),
                ),
            ],
            options={
                "verbose_name": "催办",
                "verbose_name_plural": "催办",
                "ordering": ["sent_at", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="changerequestprocess",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number", ""), _negated=True),
                fields=("county", "number"),
                name="workflow_request_number_unique_per_county",
            ),
        ),
        migrations.AddConstraint(
            model_name="consultation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("township__isnull", False)),
                fields=("process", "township"),
                name="consultation_once_per_township",
            ),
        ),
        migrations.AddConstraint(
            model_name="consultation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("process", "department"),
                name="consultation_once_per_department",
            ),
        ),
        migrations.AddConstraint(
            model_name="holiday",
            constraint=models.UniqueConstraint(
                fields=("county", "date"), name="holiday_unique_date"
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                fields=["recipient", "read_at"], name="workflow_no_recipie_c341a3_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="tasktransfer",
            index=models.Index(fields=["task", "to_user"], name="workflow_ta_task_id_dd03ee_idx"),
        ),
        migrations.AddIndex(
            model_name="temporaryitemprocess",
            index=models.Index(
                fields=["item", "expires_on"], name="workflow_te_item_id_61e4cf_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="urge",
            index=models.Index(fields=["task", "sent_at"], name="workflow_ur_task_id_8d33cc_idx"),
        ),
    ]
