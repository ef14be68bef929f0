"""REST API of off-list reports (清单外事项报告): list and read the reports the user may
see, file one, the department's answer, the county office's ruling, evidence download.

Reads go through ``arbitration.report_selectors`` (the pages' scope); writes call the
services of ``workflow.services.reporting``, which check the user's rights themselves.
Errors are mapped by ``workflow.api.errors.exception_handler``: 400 naming the field,
401 anonymous, 403 denied on a report the user may see, 404 unknown or not visible,
409 the task is already done.
"""

import django_filters
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse
from viewflow.workflow.models import Task

from arbitration import report_selectors
from arbitration.models import (
    Channel,
    DepartmentAnswer,
    OffListReport,
    ReportEvidence,
    ReportRuling,
)
from arbitration.report_permissions import can_answer_report, can_rule_report
from arbitration.report_services import GIVEN_ANSWERS
from config.api_errors import not_found_when_hidden, validated_body
from config.api_parsers import JSONParser
from duty_lists.api import UnitSerializer
from duty_lists.models import Category, DutyType
from organisations.models import Department, Township, Village

from ..offlist_flow import OffListReportFlow
from ..services import TaskNotOpen, reporting
from ..services.common import OPEN_STATUSES, deny
from .errors import Conflict
from .fields import IdField, tag_field
from .serializers import ActorSerializer, actor_data, actor_field, nullable_actor_field
from .views import ERRORS, NOT_FOUND

NO_REPORT = "没有该清单外事项报告。"
REPORT_STEPS = [("answer", "待答复"), ("rule", "待裁定"), ("done", "已办结")]
NO_EVIDENCE = "没有该证明材料。"
CONFLICT = {409: OpenApiResponse(description="该环节已办理完毕，本次提交未生效")}
REPORT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="报告 id")
EVIDENCE_ID = OpenApiParameter(
    "evidence_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="证明材料 id"
)


class ReportFilter(django_filters.FilterSet):
    """Filters of the report list: ruling, the department's answer, channel, units."""

    ruling = django_filters.ChoiceFilter(choices=ReportRuling.choices, label="裁定结果")
    department_answer = django_filters.ChoiceFilter(
        choices=DepartmentAnswer.choices, label="部门答复"
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label="交办渠道")
    department = django_filters.NumberFilter(field_name="department_id", label="交办部门 id")
    township = django_filters.NumberFilter(field_name="township_id", label="报告乡镇(街道) id")

    class Meta:
        model = OffListReport
        fields = ["ruling", "department_answer", "channel", "department", "township"]


class ReportSerializer(serializers.ModelSerializer):
    """A report as the user may see it (list row and detail)."""

    url = serializers.SerializerMethodField(help_text="本报告的接口地址")
    county = UnitSerializer(read_only=True, help_text="所属县")
    township = UnitSerializer(read_only=True, help_text="报告乡镇(街道)")
    village = UnitSerializer(
        read_only=True, allow_null=True, help_text="经乡镇(街道)报告的村(社区)；乡镇自行报告时为空"
    )
    department = UnitSerializer(read_only=True, help_text="交办部门")
    reported_by = serializers.SerializerMethodField(help_text="报告人")
    answered_by = serializers.SerializerMethodField(help_text="答复人；未答复或逾期时为空")
    ruled_by = serializers.SerializerMethodField(help_text="裁定人；未裁定时为空")
    step = serializers.SerializerMethodField(
        help_text="办理环节：answer 待答复 / rule 待裁定 / done 已办结"
    )
    department_answer = serializers.ChoiceField(
        choices=DepartmentAnswer.choices,
        allow_blank=True,
        read_only=True,
        help_text="部门答复；未答复时为空字符串",
    )
    ruling = serializers.ChoiceField(
        choices=ReportRuling.choices,
        allow_blank=True,
        read_only=True,
        help_text="裁定结果；未裁定时为空字符串",
    )

    class Meta:
        model = OffListReport
        fields = [
            "id",
            "url",
            "status",
            "step",
            "county",
            "township",
            "village",
            "department",
            "assignment",
            "assigned_on",
            "channel",
            "channel_detail",
            "reported_by",
            "created",
            "answer_due_at",
            "department_answer",
            "department_reason",
            "answered_by",
            "answered_at",
            "ruling",
            "ruling_reasoning",
            "ruled_by",
            "ruled_at",
            "admission_request",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, report) -> str:
        return reverse("api:report-detail", args=[report.pk], request=self.context.get("request"))

    @actor_field
    def get_reported_by(self, report) -> dict:
        return actor_data(report.reported_by)

    @nullable_actor_field
    def get_answered_by(self, report) -> dict | None:
        return actor_data(report.answered_by)

    @nullable_actor_field
    def get_ruled_by(self, report) -> dict | None:
        return actor_data(report.ruled_by)

    @extend_schema_field(serializers.ChoiceField(choices=REPORT_STEPS))
    def get_step(self, report) -> str:
        if report.ruling:
            return "done"
        return "rule" if report.department_answer else "answer"


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file of a report (证明材料)."""

    download = serializers.SerializerMethodField(help_text="下载地址")

    class Meta:
        model = ReportEvidence
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "download"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, evidence) -> str:
        return reverse(
            "api:report-evidence",
            args=[evidence.report_id, evidence.pk],
            request=self.context.get("request"),
        )


class TrailEntrySerializer(serializers.Serializer):
    """One entry of a report's trail (history record)."""

    at = serializers.DateTimeField(read_only=True, help_text="时间")
    user = ActorSerializer(read_only=True, allow_null=True, help_text="操作人；系统操作为空")
    reason = serializers.CharField(read_only=True, allow_null=True, help_text="记录")


class ReportDetailSerializer(ReportSerializer):
    """A report with its evidence and trail."""

    evidence = serializers.SerializerMethodField(help_text="证明材料")
    trail = serializers.SerializerMethodField(help_text="办理记录")

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "evidence", "trail"]
        read_only_fields = fields

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, report) -> list[dict]:
        files = report.evidence.order_by("pk")
        return EvidenceSerializer(files, many=True, context=self.context).data

    @extend_schema_field(TrailEntrySerializer(many=True))
    def get_trail(self, report) -> list[dict]:
        rows = report.history.select_related("history_user").order_by("history_id")
        return [
            {
                "at": row.history_date,
                "user": actor_data(row.history_user),
                "reason": row.history_change_reason,
            }
            for row in rows
        ]


class ReportFileSerializer(serializers.Serializer):
    """Input of ``POST /api/reports/``: a township head reports an off-list assignment,
    or a village's secretary or director through its township."""

    township = IdField(
        kind="乡镇(街道)",
        queryset=Township.objects.select_related("county"),
        required=False,
        allow_null=True,
        help_text="报告乡镇(街道) id（村(社区)报告时可省略，取其所属乡镇(街道)）",
    )
    village = IdField(
        kind="村(社区)",
        queryset=Village.objects.select_related("township__county"),
        required=False,
        allow_null=True,
        help_text="报告村(社区) id：村(社区)书记、主任经所属乡镇(街道)报告时填写",
    )
    department = IdField(
        kind="部门",
        queryset=Department.objects.all(),
        help_text="交办部门 id（须为本县部门）",
    )
    assignment = serializers.CharField(allow_blank=True, help_text="交办事项内容（不能为空）")
    assigned_on = serializers.DateField(help_text="交办日期 YYYY-MM-DD（不晚于今天）")
    channel = serializers.ChoiceField(choices=Channel.choices, help_text="交办渠道")
    channel_detail = serializers.CharField(
        required=False, allow_blank=True, help_text="渠道说明（文号、会议名称等）"
    )
    evidence = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="证明材料（multipart/form-data 时可上传多个文件）",
    )


class ReportAnswerSerializer(serializers.Serializer):
    """Input of ``POST /api/reports/{id}/answer/``: the department's answer."""

    answer = serializers.ChoiceField(
        choices=[(value, DepartmentAnswer(value).label) for value in GIVEN_ANSWERS],
        help_text="withdraw 撤回交办要求 / admission 启动事项准入申请 / dispute 有异议",
    )
    reason = serializers.CharField(allow_blank=True, help_text="答复理由（不能为空）")


class ReportRuleSerializer(serializers.Serializer):
    """Input of ``POST /api/reports/{id}/rule/`` when the report is upheld or dismissed."""

    ruling = serializers.ChoiceField(
        choices=[
            (ReportRuling.UPHELD.value, ReportRuling.UPHELD.label),
            (ReportRuling.DISMISSED.value, ReportRuling.DISMISSED.label),
        ],
        help_text="upheld 属实（计入部门考核）/ dismissed 不成立",
    )
    reasoning = serializers.CharField(allow_blank=True, help_text="裁定理由（不能为空）")

    def admission_fields(self) -> dict:
        """The item fields of the admission request the ruling starts (none here)."""
        return {}


class ReportConversionSerializer(ReportRuleSerializer):
    """Input of ``POST /api/reports/{id}/rule/`` converting the report into an admission
    request (``ruling`` converted): the item fields the report lacks."""

    ruling = tag_field(ReportRuling.CONVERTED, ReportRuling.CONVERTED.label)
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="事项名称（默认取交办内容首行）"
    )
    category = IdField(
        kind="领域类别", queryset=Category.objects.all(), help_text="领域类别 id（本县的类别）"
    )
    duty_type = serializers.ChoiceField(choices=DutyType.choices, help_text="履职类型")
    department_responsibilities = serializers.CharField(
        allow_blank=True, help_text="部门职责（不能为空）"
    )
    local_responsibilities = serializers.CharField(
        required=False, allow_blank=True, help_text="乡镇(街道)职责（默认取交办内容）"
    )
    basis = serializers.CharField(allow_blank=True, help_text="实施依据（不能为空）")
    # 费随事转: the request is the department's addition, so its 配套保障 is stated.
    funding_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="经费金额（万元）；经费来源不是“无”时必填，为“无”时不填",
    )
    funding_source = serializers.CharField(
        allow_blank=True, max_length=200, help_text="经费来源（不能为空；没有的填“无”）"
    )
    staffing = serializers.CharField(
        allow_blank=True, help_text="人员保障（不能为空；没有的填“无”）"
    )
    equipment = serializers.CharField(
        allow_blank=True, help_text="装备保障（不能为空；没有的填“无”）"
    )
    effective_date = serializers.DateField(help_text="拟生效日期 YYYY-MM-DD")
    remarks = serializers.CharField(
        required=False, allow_blank=True, help_text="备注（写入申请的事项备注）"
    )

    def admission_fields(self) -> dict:
        names = set(self.fields) - {"ruling", "reasoning"}
        return {name: value for name, value in self.validated_data.items() if name in names}


# The body of a ruling for each ``ruling``: a conversion carries the item's fields.
RULE_SERIALIZERS: dict[str, type[ReportRuleSerializer]] = {
    ReportRuling.UPHELD.value: ReportRuleSerializer,
    ReportRuling.DISMISSED.value: ReportRuleSerializer,
    ReportRuling.CONVERTED.value: ReportConversionSerializer,
}


class RulingKindSerializer(serializers.Serializer):
    """The discriminator of a ruling body, read before the body itself."""

    ruling = serializers.ChoiceField(
        choices=ReportRuling.choices,
        help_text="upheld 属实 / dismissed 不成立 / converted 转为事项准入申请",
    )


def _open_task(report: OffListReport, node) -> Task:
    """The report's open task of ``node``; raises ``TaskNotOpen`` (409) when that step is
    done, ``Conflict`` (409) when the report has not reached it."""
    tasks = Task.objects.filter(process_id=report.pk, flow_task=node).order_by("-pk")
    task = next((t for t in tasks if t.status in OPEN_STATUSES), None)
    if task is None:
        last = tasks.first()
        if last is None:
            raise Conflict("该报告尚未进入这一办理环节。")
        raise TaskNotOpen(last)
    return task


@extend_schema_view(
    list=extend_schema(
        summary="我可查看的清单外事项报告",
        description=(
            "乡镇看到本乡镇的报告，部门看到涉及本部门的报告，县委编办和县级管理员看到本县全部报告。"
            "可按裁定结果、部门答复、交办渠道、部门、乡镇筛选。"
        ),
        responses={200: ReportSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="清单外事项报告详情与办理记录",
        parameters=[REPORT_ID],
        responses={200: ReportDetailSerializer, **ERRORS, **NOT_FOUND},
    ),
    create=extend_schema(
        summary="报告清单外事项",
        description=(
            "乡镇(街道)负责人报告部门交办的清单外事项（JSON，或 multipart/form-data 附证明材料）。"
            "报告送交办部门答复。"
        ),
        request={
            "application/json": ReportFileSerializer,
            "multipart/form-data": ReportFileSerializer,
        },
        responses={201: ReportDetailSerializer, **ERRORS},
    ),
)
class ReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """清单外事项报告: list, read, file, answer, rule, download evidence."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    queryset = OffListReport.objects.none()  # for the schema; see get_queryset
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, parsers.MultiPartParser, parsers.FormParser]

    def get_queryset(self):
        return report_selectors.report_list(self.request.user)

    def get_serializer_class(self):
        return {
            "create": ReportFileSerializer,
            "retrieve": ReportDetailSerializer,
            "answer": ReportAnswerSerializer,
            "rule": RulingKindSerializer,
        }.get(self.action, ReportSerializer)

    def _report(self, request, pk: int) -> OffListReport:
        """Report ``pk`` as the user may see it (404 if unknown or hidden)."""
        with not_found_when_hidden(NO_REPORT):
            return report_selectors.report_get(request.user, pk)

    def _detail(self, request, pk: int, status_code=status.HTTP_200_OK) -> Response:
        report = self._report(request, pk)
        data = ReportDetailSerializer(report, context={"request": request}).data
        return Response(data, status=status_code)

    def retrieve(self, request, pk=None):
        """One report as the user may see it (404 if unknown or not visible)."""
        return self._detail(request, int(pk))

    def create(self, request):
        """File a report through ``services.reporting.report_file``."""
        serializer = validated_body(request, ReportFileSerializer)
        data = serializer.validated_data
        evidence = request.FILES.getlist("evidence") if request.FILES else []
        report = reporting.report_file(
            actor=request.user,
            township=data.get("township"),
            village=data.get("village"),
            department=data["department"],
            assignment=data["assignment"],
            assigned_on=data["assigned_on"],
            channel=data["channel"],
            channel_detail=data.get("channel_detail", ""),
            evidence=evidence,
        )
        response = self._detail(request, report.pk, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:report-detail", args=[report.pk], request=request)
        return response

    @extend_schema(
        summary="部门答复",
        description="交办部门答复报告：撤回交办要求、启动事项准入申请或有异议，并说明理由。",
        parameters=[REPORT_ID],
        request=ReportAnswerSerializer,
        responses={200: ReportDetailSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The department's answer (403 before 409: only its users learn it is done)."""
        report = self._report(request, int(pk))
        if not can_answer_report(request.user, report):
            raise deny(request.user, f"答复清单外事项报告 #{report.pk}")
        task = _open_task(report, OffListReportFlow.answer)
        serializer = validated_body(request, ReportAnswerSerializer)
        reporting.report_answer(actor=request.user, task_id=task.pk, **serializer.validated_data)
        return self._detail(request, report.pk)

    @extend_schema(
        summary="县委编办裁定",
        description=(
            "裁定报告：属实（计入部门考核）、不成立，或转为事项准入申请"
            "（须补充领域类别、履职类型、部门职责、实施依据、配套保障（经费来源、人员、装备）、"
            "拟生效日期）。请求体按 ruling 区分。"
        ),
        parameters=[REPORT_ID],
        request=PolymorphicProxySerializer(
            component_name="ReportRuling",
            serializers=RULE_SERIALIZERS,
            resource_type_field_name="ruling",
        ),
        responses={200: ReportDetailSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def rule(self, request, pk=None):
        """The county office's ruling (403 before 409, like ``answer``); the body of its
        ``ruling``."""
        report = self._report(request, int(pk))
        if not can_rule_report(request.user, report):
            raise deny(request.user, f"裁定清单外事项报告 #{report.pk}")
        task = _open_task(report, OffListReportFlow.rule)
        ruling = validated_body(request, RulingKindSerializer).validated_data["ruling"]
        serializer = validated_body(request, RULE_SERIALIZERS[ruling])
        reporting.report_rule(
            actor=request.user,
            task_id=task.pk,
            ruling=serializer.validated_data["ruling"],
            reasoning=serializer.validated_data["reasoning"],
            admission_fields=serializer.admission_fields(),
        )
        return self._detail(request, report.pk)

    @extend_schema(
        summary="下载证明材料",
        parameters=[REPORT_ID, EVIDENCE_ID],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **ERRORS,
            **NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_pk>\d+)",
        url_name="evidence",
    )
    def evidence(self, request, pk=None, evidence_pk=None):
        """One evidence file, for whoever may see the report (404 for others)."""
        with not_found_when_hidden(NO_EVIDENCE):
            evidence = report_selectors.evidence_get(request.user, int(pk), int(evidence_pk))
        return FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.original_name,
            content_type=evidence.content_type,
        )
