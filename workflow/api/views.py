"""Endpoints of the admission flow: change requests and the user's tasks.

Thin by design: each write validates the body's shape, calls one workflow service (which
checks the user's rights under the flow's lock) and answers with the request as the user
may see it. Errors are mapped by ``workflow.api.errors.exception_handler``; a request or
task the user may not see answers 404 like an unknown id (``config.api_errors``).
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from config.api_errors import (
    get_visible,
    not_found_when_hidden,
    remember_body_fields,
    validated_body,
)
from config.api_parsers import JSONParser
from duty_lists.models import Level

from .. import permissions, selectors, services
from ..flows import ChangeRequestFlow
from ..models import Attachment, ChangeKind, ChangeRequestProcess, Outcome, StampedReply
from ..services.common import OPEN_STATUSES
from . import queries
from .serializers import (
    FILING_SERIALIZERS,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ChangeRequestDetailSerializer,
    ChangeRequestListSerializer,
    FilingKindSerializer,
)
from .task_serializers import (
    COMPLETION_SERIALIZERS,
    TASK_COMPLETION,
    CompletionStepSerializer,
    ConsultCompletionSerializer,
    ConsultUploadCompletionSerializer,
    TaskSerializer,
)

ERRORS = {
    400: OpenApiResponse(
        description=(
            "请求内容有误：按字段给出错误信息（键为请求体中的字段名，与字段无关的为 "
            'non_field_errors）；请求体无法解析时为 {"detail": …}'
        )
    ),
    401: OpenApiResponse(description="未登录或令牌无效"),
    403: OpenApiResponse(description="对象可查看，但无权进行该操作"),
}
NOT_FOUND = {404: OpenApiResponse(description="对象不存在，或不在本人的查看范围内（与不存在相同）")}
NOT_YOURS = "您无权办理该任务。"
NO_REQUEST = "没有该申请。"
NO_TASK = "没有该任务。"
NO_ATTACHMENT = "没有该附件。"
NO_STAMPED_REPLY = "没有该盖章意见。"
JSON_ONLY = "{node} 任务的办理意见请以 application/json 提交（仅征求意见可附盖章意见）。"
HUMAN = OpenApiParameter(
    "human",
    OpenApiTypes.BOOL,
    description=(
        "human=1：办理轨迹只列人办理的步骤（提出申请、审查、合法性审查、修改、征求意见、"
        "拟办意见、审定），不列网关、定时器和自动步骤"
    ),
)
REQUEST_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="申请 id")
TASK_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="任务 id")
ATTACHMENT_ID = OpenApiParameter(
    "attachment_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="附件 id"
)


def stamped_reply_readable(user, reply) -> bool:
    """True if ``user`` may read the answer that ``reply`` came with: the user sees the
    request and that party's answer is among those shown to them."""
    process = reply.consultation.process
    return permissions.can_view_process(user, process) and any(
        consultation.pk == reply.consultation_id
        for consultation in selectors.consultation_list(user, process)
    )


class ChangeRequestFilter(django_filters.FilterSet):
    """Filters of the request list: process status, outcome, kind and level."""

    status = django_filters.ChoiceFilter(choices=PROCESS.choices, label="流程状态")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label="办理结果")
    kind = django_filters.ChoiceFilter(choices=ChangeKind.choices, label="申请类型")
    level = django_filters.ChoiceFilter(choices=Level.choices, label="清单层级")

    class Meta:
        model = ChangeRequestProcess
        fields = ["status", "outcome", "kind", "level"]


def wants_human_steps(request) -> bool:
    """True if the query asks for the human steps of the trail only (``human=1``)."""
    return request.query_params.get("human", "").lower() in ("1", "true", "yes")


def request_detail_response(request, process_id: int, *, status_code=status.HTTP_200_OK):
    """The request ``process_id`` as ``request.user`` may see it (404 if hidden)."""
    with not_found_when_hidden(NO_REQUEST):
        process = queries.change_request_get(
            request.user, process_id, human_only=wants_human_steps(request)
        )
    context = {"request": request, "party_names": process.party_names}
    data = ChangeRequestDetailSerializer(process, context=context).data
    return Response(data, status=status_code)


@extend_schema_view(
    list=extend_schema(
        summary="我可查看的申请",
        description="本人可查看的准入/调整申请（按单位和县范围限定），可按状态、结果、类型筛选。",
        responses={200: ChangeRequestListSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="申请详情与办理轨迹",
        description=(
            "申请内容、审查意见、征求意见答复（乡镇只能看到本乡镇的答复）、裁定与办理轨迹。"
            "不在本人查看范围内的申请与不存在的申请一样返回 404。"
        ),
        parameters=[REQUEST_ID, HUMAN],
        responses={200: ChangeRequestDetailSerializer, **ERRORS, **NOT_FOUND},
    ),
    create=extend_schema(
        summary="提出申请",
        description=(
            "以部门或乡镇(街道)（initiator）名义提出新增、修改或取消事项的申请，进入清单审查"
            "单位（县委编办，或县里为村(社区)、网格清单指定的审查部门）形式审查。请求体按申请"
            "类型 kind 区分：add 新增（事项各项内容必填）、amend 修改（只给出要修改的内容）、"
            "withdraw 取消。乡镇可申请新增本乡镇的事项（须指定牵头部门 lead_department，征求"
            "该部门意见），或修改、取消适用于本乡镇的事项。"
        ),
        request=PolymorphicProxySerializer(
            component_name="RequestFiling",
            serializers=FILING_SERIALIZERS,
            resource_type_field_name="kind",
        ),
        responses={201: ChangeRequestDetailSerializer, **ERRORS},
    ),
)
class ChangeRequestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """准入/调整申请: list, read and file change requests."""

    serializer_class = ChangeRequestListSerializer
    filterset_class = ChangeRequestFilter
    queryset = ChangeRequestProcess.objects.none()  # for the schema; see get_queryset
    lookup_value_regex = r"\d+"
    # A filing body holds an object (initiator) and lists: JSON only (files: attachments).
    parser_classes = [JSONParser]

    def get_queryset(self):
        return queries.change_request_list(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return FilingKindSerializer
        if self.action == "retrieve":
            return ChangeRequestDetailSerializer
        if self.action == "attachments":
            return AttachmentUploadSerializer
        return ChangeRequestListSerializer

    def retrieve(self, request, pk=None):
        """One request as the user may see it (404 if unknown or not visible)."""
        return request_detail_response(request, int(pk))

    def create(self, request):
        """File a request through ``services.change_request_file``: the body of its
        ``kind`` (a 400 naming ``kind`` when it is missing or unknown)."""
        kind = validated_body(request, FilingKindSerializer).validated_data["kind"]
        serializer = validated_body(request, FILING_SERIALIZERS[kind])
        process = services.change_request_file(actor=request.user, **serializer.service_arguments())
        response = request_detail_response(request, process.pk, status_code=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:request-detail", args=[process.pk], request=request)
        return response

    @extend_schema(
        summary="上传附件",
        description=(
            "为办理中的申请上传一个附件（multipart/form-data，字段 file）。"
            "申请单位和县委编办可上传（可查看该申请的其他用户为 403）；文件类型按内容判断。"
        ),
        parameters=[REQUEST_ID],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="attachments",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def attachments(self, request, pk=None):
        """Attach one file through ``services.attachment_add`` (which checks the rights)."""
        process = get_visible(
            ChangeRequestProcess.objects.all(),
            pk,
            NO_REQUEST,
            visible=lambda row: permissions.can_view_process(request.user, row),
        )
        # The service names the form's field (attachments); here the file is "file".
        upload = validated_body(
            request, AttachmentUploadSerializer, aliases={"attachments": "file"}
        )
        attachment = services.attachment_add(
            actor=request.user, process=process, uploaded_file=upload.validated_data["file"]
        )
        data = AttachmentSerializer(attachment, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载附件",
        description="下载申请的一个附件（原文件名）；可查看该申请的用户均可下载。",
        parameters=[REQUEST_ID, ATTACHMENT_ID],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **ERRORS,
            **NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>\d+)",
        url_name="attachment",
    )
    def attachment(self, request, pk=None, attachment_pk=None):
        """One attachment's file, for whoever may see the request (404 for others)."""
        attachment = get_visible(
            Attachment.objects.select_related("process").filter(process_id=pk),
            attachment_pk,
            NO_ATTACHMENT,
            visible=lambda row: permissions.can_view_process(request.user, row.process),
        )
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )

    @extend_schema(
        summary="删除附件",
        description=(
            "删除办理中申请的一个附件（如退回修改时替换材料）；申请单位和审查单位可删除。"
            "删除记入附件的历史记录。"
        ),
        parameters=[REQUEST_ID, ATTACHMENT_ID],
        request=None,
        responses={204: None, **ERRORS, **NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"attachments/(?P<attachment_pk>\d+)/remove",
        url_name="attachment-remove",
    )
    def attachment_remove(self, request, pk=None, attachment_pk=None):
        """Remove one attachment through ``services.attachment_remove`` (which checks the
        rights); 404 for an attachment of another request or of a request the user may
        not see, 403 for who sees it but may not remove its files."""
        attachment = get_visible(
            Attachment.objects.select_related("process").filter(process_id=pk),
            attachment_pk,
            NO_ATTACHMENT,
            visible=lambda row: permissions.can_view_process(request.user, row.process),
        )
        # No body: the service's error on its form field is not about a field sent here.
        remember_body_fields(request, ())
        services.attachment_remove(actor=request.user, attachment_id=attachment.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="下载盖章意见",
        description="下载被征求意见单位随答复上传的盖章意见；可查看该单位答复的用户均可下载。",
        parameters=[
            REQUEST_ID,
            OpenApiParameter(
                "reply_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="盖章意见 id"
            ),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **ERRORS,
            **NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"stamped-replies/(?P<reply_pk>\d+)",
        url_name="stamped-reply",
    )
    def stamped_reply(self, request, pk=None, reply_pk=None):
        """One stamped reply's file, for whoever may read that party's answer (404 for
        others, like an unknown id)."""
        reply = get_visible(
            StampedReply.objects.select_related("consultation__process").filter(
                consultation__process_id=pk
            ),
            reply_pk,
            NO_STAMPED_REPLY,
            visible=lambda row: stamped_reply_readable(request.user, row),
        )
        return FileResponse(
            reply.file.open("rb"),
            as_attachment=True,
            filename=reply.original_name,
            content_type=reply.content_type,
        )


@extend_schema_view(
    list=extend_schema(
        summary="我的待办任务",
        description=(
            "本人的待办：已分配给本人的任务，以及本人有权认领的任务（县委编办的审查、拟办意见；"
            "司法局的合法性审查；乡镇负责人的本乡镇征求意见；申请单位的退回修改）。"
            "等待县委县政府审定的申请不在待办中，见 /api/decision-batches/。"
        ),
        responses={200: TaskSerializer(many=True), **ERRORS},
    ),
)
class TaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """待办任务: the user's open tasks, and completing one."""

    serializer_class = TaskSerializer
    queryset = Task.objects.none()  # for the schema; see get_queryset
    lookup_value_regex = r"\d+"
    filter_backends = []
    parser_classes = [JSONParser]

    def get_queryset(self):
        return queries.open_task_list(self.request.user)

    def list(self, request):
        """One page of open tasks; the parties of the page are read in one go."""
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "party_names": selectors.party_names(page)}
        return self.get_paginated_response(TaskSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary="办理任务",
        description=(
            "按任务节点提交办理意见，请求体的 step 为任务的 node：review 形式审查（decision, "
            "comment）、review_legality 合法性审查（decision, opinion）、revise 修改后重新提交"
            "（事项字段、applies_to_all、target_townships、reasons）、consult 征求意见（answer, "
            "reason, counter_proposal）、arbitrate 拟办意见（decisions, reasoning, "
            "meeting_record, amendments）。征求意见可改以 multipart/form-data 提交，"
            "并以 stamped_reply 附盖章意见（PDF 或图片）。不在本人查看范围内的任务返回 404，"
            "可查看但无权办理的返回 403，已办结的返回 409。"
        ),
        parameters=[TASK_ID],
        request={
            "application/json": TASK_COMPLETION,
            "multipart/form-data": ConsultUploadCompletionSerializer,
        },
        responses={
            200: ChangeRequestDetailSerializer,
            **ERRORS,
            **NOT_FOUND,
            409: OpenApiResponse(description="任务已办理完毕或已关闭，本次提交未生效"),
            415: OpenApiResponse(description="以 multipart/form-data 办理征求意见以外的任务"),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[JSONParser, parsers.MultiPartParser],
    )
    def complete(self, request, pk=None):
        """Complete a task with the body of its node; answers with its request."""
        user = request.user
        task = get_visible(
            Task.objects.select_related("process").filter(
                process__flow_class=ChangeRequestFlow, flow_task_type=queries.HUMAN
            ),
            pk,
            NO_TASK,
            visible=lambda row: permissions.can_view_task(user, row),
        )
        node = task.flow_task
        serializer_class = COMPLETION_SERIALIZERS.get(getattr(node, "name", None))
        if serializer_class is None:
            return Response({"detail": "该任务不能通过接口办理。"}, status.HTTP_404_NOT_FOUND)
        # A task the user may not see is a 404 (above: another county, another
        # township's consultation), a closed one a 409, one the user may not take a
        # 403, all before the body is read. The service checks the rights again under
        # the flow's lock.
        if task.status not in OPEN_STATUSES:
            raise services.TaskNotOpen(task)
        if not (node.can_execute(user, task) or node.can_assign(user, task)):
            raise PermissionDenied(NOT_YOURS)
        step = validated_body(request, CompletionStepSerializer).validated_data["step"]
        if step != node.name:
            remember_body_fields(request, serializer_class().fields)
            raise exceptions.ValidationError(
                {
                    "step": [
                        f"该任务的节点为 {node.name}（{node.task_title}），请按 {node.name} 填写。"
                    ]
                }
            )
        if request.content_type.startswith("multipart/form-data"):
            # Only a consultation's answer carries a file (the stamped letter).
            if serializer_class is not ConsultCompletionSerializer:
                raise exceptions.UnsupportedMediaType(
                    request.content_type, detail=JSON_ONLY.format(node=node.name)
                )
            serializer_class = ConsultUploadCompletionSerializer
        serializer = validated_body(request, serializer_class)
        serializer.submit(actor=user, task_id=task.pk)
        return request_detail_response(request, task.process_id)
