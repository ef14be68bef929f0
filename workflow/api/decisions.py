"""REST API of decision batches (审定批次): list and read them, prepare one (提请审定),
record the county leadership's decision on it (登记审定结果, with the per-party
decisions), attach and download its documents (会议纪要).

Reads go through ``workflow.batch_selectors`` (the county office and the county
administrators of the county see a county's batches; for anyone else a batch answers
404 like an unknown id); writes call the same services as the pages
(``workflow.services.deciding``), which check the rights themselves.
"""

from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from arbitration.batch_services import notice_last_day
from arbitration.models import (
    BatchDocument,
    BatchDocumentKind,
    Decision,
    DecisionBatch,
    PartyDecision,
)
from config.api_errors import get_visible, not_found_when_hidden, validated_body
from config.api_fields import ChoiceLabelField
from duty_lists.api import UnitSerializer
from organisations.models import County

from .. import batch_selectors, services
from ..models import ChangeRequestProcess
from .fields import IdField
from .serializers import (
    AmendmentsSerializer,
    PartySerializer,
    actor_data,
    actor_field,
    nullable_actor_field,
    party_data,
)
from .views import ERRORS, NOT_FOUND

NO_BATCH = "没有该审定批次。"
NO_DOCUMENT = "没有该材料。"
BATCH_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="批次 id")
DOCUMENT_ID = OpenApiParameter(
    "document_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="材料 id"
)
STAGES = {"公示中": "notice", "待审定": "pending", "已审定": "decided"}


class BatchPartySerializer(serializers.Serializer):
    """One consulted party of a request in a batch: its answer, the county office's
    proposal for it and the leadership's decision."""

    party = PartySerializer(read_only=True, help_text="被征求意见单位")
    party_key = serializers.CharField(
        read_only=True, help_text="登记审定结果时使用的单位键：township:<id> 或 department:<id>"
    )
    answer = serializers.CharField(
        read_only=True, help_text="征求意见答复：accept / contest / no_answer"
    )
    proposal = serializers.ChoiceField(
        choices=Decision.choices,
        read_only=True,
        allow_null=True,
        help_text="拟办意见（有异议或逾期的单位）：admit / admit_amended / reject；同意的单位为空",
    )
    decision = serializers.ChoiceField(
        choices=PartyDecision.choices,
        read_only=True,
        allow_null=True,
        help_text=(
            "审定意见：as_proposed 按拟办意见 / amended 修改后通过 / not_adopted 不予采纳；"
            "未审定为空"
        ),
    )


class BatchEntrySerializer(serializers.Serializer):
    """One request of a batch (审定事项)."""

    request = serializers.IntegerField(read_only=True, help_text="申请 id")
    url = serializers.URLField(read_only=True, help_text="申请的接口地址")
    subject = serializers.CharField(read_only=True, help_text="申请摘要")
    kind = serializers.CharField(read_only=True, help_text="申请类型：add / amend / withdraw")
    outcome = serializers.CharField(read_only=True, help_text="申请办理结果")
    parties = BatchPartySerializer(many=True, read_only=True, help_text="逐单位的答复、拟办和审定")
    proposal_amendments = AmendmentsSerializer(read_only=True, help_text="拟办意见修改的事项内容")
    amendments = AmendmentsSerializer(read_only=True, help_text="审定修改后的事项内容")


class NoticeOpinionSerializer(serializers.Serializer):
    """An opinion the public sent during the notice period (公示意见)."""

    id = serializers.IntegerField(read_only=True)
    request = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="针对的申请 id；针对整批时为空"
    )
    name = serializers.CharField(read_only=True, help_text="姓名（可能为空）")
    contact = serializers.CharField(read_only=True, help_text="联系方式（可能为空）")
    text = serializers.CharField(read_only=True, help_text="意见内容")
    submitted_at = serializers.DateTimeField(read_only=True, help_text="提交时间")


class BatchDocumentSerializer(serializers.ModelSerializer):
    """A document of a batch: the meeting minutes or another file."""

    name = serializers.CharField(source="original_name", read_only=True, help_text="原文件名")
    kind_label = ChoiceLabelField("kind")
    uploaded_by = serializers.SerializerMethodField(help_text="上传人")
    download = serializers.SerializerMethodField(help_text="下载地址")

    class Meta:
        model = BatchDocument
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields

    @actor_field
    def get_uploaded_by(self, document) -> dict:
        return actor_data(document.uploaded_by)

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, document) -> str:
        return reverse(
            "api:decision-batch-document",
            args=[document.batch_id, document.pk],
            request=self.context["request"],
        )


class BatchReleaseSerializer(serializers.Serializer):
    """A release the batch issued."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.URLField(read_only=True, help_text="发布版本的接口地址")
    list = serializers.CharField(read_only=True, help_text="清单名称")
    number = serializers.IntegerField(read_only=True, help_text="版本号")


class DecisionBatchSerializer(serializers.ModelSerializer):
    """A decision batch as a list row."""

    url = serializers.SerializerMethodField(help_text="本批次的接口地址")
    county = UnitSerializer(read_only=True, help_text="所属县")
    stage = serializers.SerializerMethodField(
        help_text="notice 公示中 / pending 待审定 / decided 已审定"
    )
    stage_label = serializers.SerializerMethodField(help_text="状态（中文）")
    notice_last_day = serializers.SerializerMethodField(help_text="公示期最后一天；不公示为空")
    prepared_by = serializers.SerializerMethodField(help_text="提请人")
    recorded_by = serializers.SerializerMethodField(help_text="登记人；未审定为空")
    request_count = serializers.IntegerField(
        source="entry_count", read_only=True, help_text="申请数"
    )
    opinion_count = serializers.IntegerField(read_only=True, help_text="公示收到的意见数")

    class Meta:
        model = DecisionBatch
        fields = [
            "id",
            "url",
            "title",
            "county",
            "stage",
            "stage_label",
            "notice_starts_at",
            "notice_ends_at",
            "notice_last_day",
            "decided_by",
            "meeting",
            "meeting_date",
            "document_number",
            "effective_date",
            "prepared_by",
            "prepared_at",
            "recorded_by",
            "recorded_at",
            "request_count",
            "opinion_count",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, batch) -> str:
        return reverse(
            "api:decision-batch-detail", args=[batch.pk], request=self.context["request"]
        )

    def get_stage(self, batch) -> str:
        return STAGES[batch.stage_label(timezone.now())]

    def get_stage_label(self, batch) -> str:
        return batch.stage_label(timezone.now())

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_notice_last_day(self, batch):
        return notice_last_day(batch) if batch.has_notice else None

    @actor_field
    def get_prepared_by(self, batch) -> dict:
        return actor_data(batch.prepared_by)

    @nullable_actor_field
    def get_recorded_by(self, batch) -> dict | None:
        return actor_data(batch.recorded_by)


class DecisionBatchDetailSerializer(DecisionBatchSerializer):
    """A batch with its requests, the public's opinions, its documents and releases."""

    note = serializers.CharField(read_only=True, help_text="说明")
    entries = BatchEntrySerializer(source="entry_rows", many=True, read_only=True)
    opinions = NoticeOpinionSerializer(source="opinion_rows", many=True, read_only=True)
    documents = BatchDocumentSerializer(source="document_rows", many=True, read_only=True)
    releases = BatchReleaseSerializer(source="release_rows", many=True, read_only=True)

    class Meta(DecisionBatchSerializer.Meta):
        fields = [
            *DecisionBatchSerializer.Meta.fields,
            "note",
            "entries",
            "opinions",
            "documents",
            "releases",
        ]
        read_only_fields = fields


class DecisionBatchCreateSerializer(serializers.Serializer):
    """Input of ``POST /api/decision-batches/``: prepare a batch (提请审定)."""

    title = serializers.CharField(
        max_length=200, help_text="批次名称，如：2026年第二批清单调整事项"
    )
    requests = IdField(
        kind="申请",
        queryset=ChangeRequestProcess.objects.select_related("county"),
        many=True,
        help_text="待审定的申请 id（同一县）",
    )
    county = IdField(
        kind="县",
        queryset=County.objects.all(),
        required=False,
        help_text="县 id；省略时取申请所属县",
    )


class EntryDecisionSerializer(serializers.Serializer):
    """The leadership's decision on one request of the batch."""

    request = serializers.IntegerField(help_text="申请 id")
    decisions = serializers.DictField(
        child=serializers.ChoiceField(choices=PartyDecision.choices),
        help_text=(
            "逐单位审定意见：键为 parties 中的 party_key，值为 as_proposed 按拟办意见 / "
            "amended 修改后通过 / not_adopted 不予采纳"
        ),
    )
    amendments = AmendmentsSerializer(
        help_text=(
            "修改后的事项内容（只填写需要修改的字段）：有“修改后通过”时至少填写一项，"
            "否则为空对象 {}"
        )
    )


class DecisionBatchRecordSerializer(serializers.Serializer):
    """Input of ``POST /api/decision-batches/{id}/record/``: the leadership's decision."""

    decided_by = serializers.CharField(
        allow_blank=True, max_length=100, help_text="审定机关，如：县委常委会、县政府常务会议"
    )
    meeting = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text="会议名称"
    )
    meeting_date = serializers.DateField(help_text="会议日期（不晚于今天）")
    document_number = serializers.CharField(
        allow_blank=True, max_length=100, help_text="印发文号，如：清委办发〔2026〕12号"
    )
    effective_date = serializers.DateField(help_text="生效日期（不早于会议日期）")
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="说明")
    entries = EntryDecisionSerializer(many=True, help_text="每项申请的审定意见")


class BatchDocumentUploadSerializer(serializers.Serializer):
    """Input of ``POST /api/decision-batches/{id}/documents/`` (multipart)."""

    file = serializers.FileField(
        help_text="PDF、Word(.docx)、Excel(.xlsx) 或图片，不超过 10 MB；按文件内容判断类型"
    )
    kind = serializers.ChoiceField(
        choices=BatchDocumentKind.choices,
        default=BatchDocumentKind.MINUTES,
        help_text="minutes 会议纪要 / other 其他材料",
    )


def batch_detail(request, batch: DecisionBatch) -> dict:
    """The ``DecisionBatchDetailSerializer`` data of ``batch`` (read by the caller)."""
    entries = batch_selectors.batch_entries(batch)
    batch.entry_count = len(entries)
    opinions = batch_selectors.batch_opinions(batch)
    batch.opinion_count = len(opinions)
    batch.entry_rows = [
        {
            "request": entry.process_id,
            "url": reverse("api:request-detail", args=[entry.process_id], request=request),
            "subject": str(entry.process),
            "kind": entry.process.kind,
            "outcome": entry.process.outcome,
            "parties": [
                {
                    "party": party_data(row.party),
                    "party_key": row.party_key,
                    "answer": row.answer,
                    "proposal": row.proposal,
                    "decision": row.decision,
                }
                for row in batch_selectors.entry_parties(entry)
            ],
            "proposal_amendments": (
                entry.process.ruling.amendments() if hasattr(entry.process, "ruling") else {}
            ),
            "amendments": entry.amendments(),
        }
        for entry in entries
    ]
    batch.opinion_rows = [
        {
            "id": opinion.pk,
            "request": opinion.entry.process_id if opinion.entry_id else None,
            "name": opinion.name,
            "contact": opinion.contact,
            "text": opinion.text,
            "submitted_at": opinion.submitted_at,
        }
        for opinion in opinions
    ]
    batch.document_rows = list(batch.documents.select_related("uploaded_by").order_by("pk"))
    releases = batch.releases.select_related("duty_list__county")
    batch.release_rows = [
        {
            "id": release.pk,
            "url": reverse("api:release-detail", args=[release.pk], request=request),
            "list": str(release.duty_list),
            "number": release.number,
        }
        for release in releases.order_by("duty_list__level")
    ]
    return DecisionBatchDetailSerializer(batch, context={"request": request}).data


@extend_schema_view(
    list=extend_schema(
        summary="审定批次",
        description="本人所在县（县委编办、县级管理员）的审定批次，最新的在前。",
        responses={200: DecisionBatchSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="审定批次详情",
        description="批次的申请（逐单位的答复、拟办意见、审定意见）、公示意见、会议纪要等材料和发布版本。",
        parameters=[BATCH_ID],
        responses={200: DecisionBatchDetailSerializer, **ERRORS, **NOT_FOUND},
    ),
    create=extend_schema(
        summary="提请审定",
        description=(
            "县委编办把本县待审定的申请编为一个批次；本县设有公示期时，批次即在公开页面公示，"
            "公示期满后方可登记审定结果。"
        ),
        request=DecisionBatchCreateSerializer,
        responses={201: DecisionBatchDetailSerializer, **ERRORS},
    ),
)
class DecisionBatchViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """审定批次: list, read, prepare, record, documents."""

    serializer_class = DecisionBatchSerializer
    queryset = DecisionBatch.objects.none()  # for the schema; see get_queryset
    lookup_value_regex = r"\d+"
    filter_backends = []

    def get_queryset(self):
        return batch_selectors.batch_list(self.request.user)

    def get_serializer_class(self):
        return {
            "create": DecisionBatchCreateSerializer,
            "retrieve": DecisionBatchDetailSerializer,
            "record": DecisionBatchRecordSerializer,
            "documents": BatchDocumentUploadSerializer,
        }.get(self.action, DecisionBatchSerializer)

    def retrieve(self, request, pk=None):
        """One batch (404 if unknown or outside the user's counties)."""
        with not_found_when_hidden(NO_BATCH):
            batch = batch_selectors.batch_get(request.user, int(pk))
        return Response(batch_detail(request, batch))

    def create(self, request):
        """Prepare a batch through ``services.decision_batch_prepare``."""
        serializer = validated_body(request, DecisionBatchCreateSerializer)
        data = serializer.validated_data
        requests = data["requests"]
        county = data.get("county") or (requests[0].county if requests else None)
        if county is None:
            raise exceptions.ValidationError({"requests": ["请至少选择一项待审定的申请。"]})
        batch = services.decision_batch_prepare(
            actor=request.user, county=county, title=data["title"], requests=requests
        )
        response = Response(batch_detail(request, batch), status=status.HTTP_201_CREATED)
        response["Location"] = reverse(
            "api:decision-batch-detail", args=[batch.pk], request=request
        )
        return response

    def _visible_batch(self, request, pk) -> DecisionBatch:
        """Batch ``pk`` with its county; 404 if unknown or hidden from the user."""
        return get_visible(
            DecisionBatch.objects.select_related("county"),
            pk,
            NO_BATCH,
            visible=batch_selectors.batches_visible_to(request.user),
        )

    @extend_schema(
        summary="登记审定结果",
        description=(
            "登记县委、县政府对本批次的审定：审定机关、会议、日期、印发文号、生效日期，以及每项"
            "申请、每个单位的审定意见。登记后各申请即按审定结果发布，所涉清单各生成一个发布版本。"
            "公示期未满或已登记时返回 400。"
        ),
        parameters=[BATCH_ID],
        request=DecisionBatchRecordSerializer,
        responses={200: DecisionBatchDetailSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record the decision through ``services.decision_batch_record`` (404 for a batch
        the user may not see, 403 from the service for one it may only read)."""
        batch = self._visible_batch(request, pk)
        # The per-request decisions and amendments are parts of ``entries``.
        serializer = validated_body(
            request,
            DecisionBatchRecordSerializer,
            aliases={"decisions": "entries", "amendments": "entries"},
        )
        data = serializer.validated_data
        services.decision_batch_record(
            actor=request.user,
            batch=batch,
            decided_by=data["decided_by"],
            meeting=data["meeting"],
            meeting_date=data["meeting_date"],
            document_number=data["document_number"],
            effective_date=data["effective_date"],
            note=data["note"],
            decisions={row["request"]: row["decisions"] for row in data["entries"]},
            amendments={row["request"]: row.get("amendments") or {} for row in data["entries"]},
        )
        batch = batch_selectors.batch_get(request.user, batch.pk)
        return Response(batch_detail(request, batch))

    @extend_schema(
        summary="上传批次材料",
        description="为批次上传会议纪要或其他材料（multipart/form-data，字段 file、kind）。",
        parameters=[BATCH_ID],
        request={"multipart/form-data": BatchDocumentUploadSerializer},
        responses={201: BatchDocumentSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="documents",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def documents(self, request, pk=None):
        """Attach a file through ``services.batch_document_add``."""
        batch = self._visible_batch(request, pk)
        upload = validated_body(request, BatchDocumentUploadSerializer)
        document = services.batch_document_add(
            actor=request.user,
            batch=batch,
            uploaded_file=upload.validated_data["file"],
            kind=upload.validated_data["kind"],
        )
        data = BatchDocumentSerializer(document, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载批次材料",
        description="下载批次的一份材料（原文件名）；可查看该批次的用户均可下载。",
        parameters=[BATCH_ID, DOCUMENT_ID],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **ERRORS,
            **NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<document_pk>\d+)",
        url_name="document",
    )
    def document(self, request, pk=None, document_pk=None):
        """One document's file, for whoever may see the batch (404 for others)."""
        document = get_visible(
            BatchDocument.objects.filter(batch_id=pk),
            document_pk,
            NO_DOCUMENT,
            visible=lambda row: (
                batch_selectors.batches_visible_to(request.user).filter(pk=row.batch_id).exists()
            ),
        )
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
