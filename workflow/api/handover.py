"""The API of the 待办 (``GET /api/todo/``, ``GET /api/todo/started/``), the county
office's reminders (催办: ``POST /api/tasks/<id>/urge/``,
``POST /api/evaluation-rounds/<id>/urge/``), handing a task to a colleague (转交:
``GET|POST /api/tasks/<id>/transfer/``, who may receive it and the hand-over) and
deputies (委托: ``/api/deputyships/``, ``/api/deputyships/candidates/``).

Each write calls the same service as the pages. A task, round or deputyship the user
may not see answers 404 like an unknown id; one the user sees but may not act on, 403
(``config.api_errors``). People are shown as actors (id, username, name).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task

from config.api_errors import get_visible, remember_body_fields, validated_body
from config.api_parsers import JSONParser
from evaluation import selectors as evaluation_selectors
from evaluation.models import EvaluationRound
from organisations import deputies
from organisations.api import ActorSerializer, actor_data
from organisations.models import Deputyship, User
from organisations.text import clean_text

from .. import todo
from ..flows import ChangeRequestFlow
from ..permissions import can_view_task
from ..services.handover import round_urge, task_transfer, task_urge, transfer_candidates
from .fields import IdField, UnitRefField
from .serializers import PartySerializer, party_data

NOT_YOURS = "您无权办理该任务。"
NO_TASK = "没有该任务。"
NO_ROUND = "没有该评价轮次。"
NO_DEPUTYSHIP = "没有该委托。"
ERRORS = {
    400: OpenApiResponse(
        description=(
            "请求内容有误：按字段给出错误信息（键为请求体中的字段名，与字段无关的为 "
            'non_field_errors，如间隔时间内已催办）；请求体无法解析时为 {"detail": …}'
        )
    ),
    401: OpenApiResponse(description="未登录或令牌无效"),
    403: OpenApiResponse(description="对象可查看，但无权进行该操作"),
    404: OpenApiResponse(description="对象不存在，或不在本人的查看范围内（与不存在相同）"),
}
CLOSED = {409: OpenApiResponse(description="任务已办理完毕或已关闭，本次操作未生效")}
TASK_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="任务 id")


@extend_schema_field(ActorSerializer)
class ActorField(serializers.Field):
    """A person, read only, shown as an actor (id, username, name)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return actor_data(value)


class TodoRowSerializer(serializers.Serializer):
    """One line of 待办 or 已办."""

    task = serializers.IntegerField(
        source="task_id",
        read_only=True,
        help_text="任务 id（准入申请的任务经 /api/tasks/{id}/complete/ 办理）",
    )
    flow = serializers.CharField(
        read_only=True, help_text="准入申请 / 清单外事项 / 双向互评 / 审定"
    )
    number = serializers.CharField(read_only=True, help_text="申请、报告或评分表的编号")
    title = serializers.CharField(read_only=True, help_text="事项")
    step = serializers.CharField(read_only=True, help_text="待办理的环节")
    sender = serializers.CharField(read_only=True, help_text="来自（人员和单位）")
    sent_at = serializers.DateTimeField(read_only=True, help_text="送达时间")
    deadline = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="办理期限；无期限为空"
    )
    is_overdue = serializers.BooleanField(read_only=True, help_text="已逾期（未办理且过了期限）")
    finished = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="办理完成时间；待办为空"
    )
    url = serializers.CharField(read_only=True, help_text="办理页面（站内路径）")


class StartedRowSerializer(serializers.Serializer):
    """One line of 我发起的."""

    flow = serializers.CharField(read_only=True, help_text="准入申请 / 清单外事项")
    number = serializers.CharField(read_only=True, help_text="申请编号或报告编号")
    title = serializers.CharField(read_only=True, help_text="事项")
    status = serializers.CharField(read_only=True, help_text="办理情况")
    created = serializers.DateTimeField(read_only=True, help_text="提出时间")
    url = serializers.CharField(read_only=True, help_text="详情页面（站内路径）")


class TodoQuerySerializer(serializers.Serializer):
    tab = serializers.ChoiceField(
        choices=[("todo", "待办"), ("done", "已办")],
        required=False,
        default="todo",
        help_text="todo 待办（默认）/ done 已办；我发起的见 /api/todo/started/",
    )


class TodoView(APIView):
    """待办 / 已办 of the user, across every flow."""

    @extend_schema(
        summary="待办、已办",
        description=(
            "tab=todo（默认）：等待本人办理的事项（准入申请、清单外事项、评分表、待审定申请），"
            "期限最近（已逾期）的在前；tab=done：本人已办，最近的在前。各最多 200 行。"
        ),
        parameters=[
            OpenApiParameter(
                "tab", OpenApiTypes.STR, enum=["todo", "done"], description="默认 todo"
            )
        ],
        responses={
            200: TodoRowSerializer(many=True),
            400: OpenApiResponse(description="查询参数有误：按参数给出错误信息"),
            401: ERRORS[401],
        },
    )
    def get(self, request):
        query = TodoQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["tab"] == "done":
            rows = todo.done_rows(request.user)
        else:
            rows = todo.todo_rows(request.user)
        return Response(TodoRowSerializer(rows, many=True).data)


class StartedView(APIView):
    """我发起的: the requests and reports the user filed."""

    @extend_schema(
        summary="我发起的",
        description="本人提出的准入申请和清单外事项报告及其办理情况，最近的在前（各最多 200 行）。",
        responses={200: StartedRowSerializer(many=True), 401: ERRORS[401]},
    )
    def get(self, request):
        rows = todo.started_rows(request.user)
        return Response(StartedRowSerializer(rows, many=True).data)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="催办说明（可选）"
    )


class UrgeSerializer(serializers.Serializer):
    """A recorded reminder (催办)."""

    id = serializers.IntegerField(read_only=True, help_text="催办 id")
    task = serializers.IntegerField(source="task_id", read_only=True, help_text="被催办的任务 id")
    sent_by = ActorField(help_text="催办人")
    sent_at = serializers.DateTimeField(read_only=True, help_text="催办时间")
    recipient_count = serializers.IntegerField(
        read_only=True, help_text="通知人数（评分表按单位合并通知，记为 0）"
    )
    note = serializers.CharField(read_only=True, help_text="催办说明；未填为空字符串")


def _visible_task(request, pk) -> Task:
    return get_visible(
        Task.objects.select_related("process"),
        pk,
        NO_TASK,
        visible=lambda row: can_view_task(request.user, row),
    )


class TaskUrgeView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="催办征求意见",
        description=(
            "县委编办（或该申请的审查单位）催办一项未答复的征求意见；同一任务在间隔时间"
            "（默认 24 小时）内只能催办一次（400，non_field_errors）。看不到的任务 404，"
            "可查看但无权催办 403，已答复 409。"
        ),
        parameters=[TASK_ID],
        request=NoteSerializer,
        responses={201: UrgeSerializer, **ERRORS, **CLOSED},
    )
    def post(self, request, pk: int):
        task = _visible_task(request, pk)
        body = validated_body(request, NoteSerializer)
        urge = task_urge(actor=request.user, task_id=task.pk, **body.validated_data)
        return Response(UrgeSerializer(urge).data, status=status.HTTP_201_CREATED)


class RoundUrgeView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="催办评分表",
        description=(
            "县委编办催办本轮未提交的评分表（间隔时间内已催办的除外），每张评分表记一条催办；"
            "没有可催办的评分表时 400（non_field_errors）。"
        ),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="轮次 id")
        ],
        request=NoteSerializer,
        responses={201: UrgeSerializer(many=True), **ERRORS},
    )
    def post(self, request, pk: int):
        get_visible(
            EvaluationRound.objects.all(),
            pk,
            NO_ROUND,
            visible=evaluation_selectors.rounds_visible_to(request.user),
        )
        body = validated_body(request, NoteSerializer)
        urges = round_urge(actor=request.user, round_id=pk, **body.validated_data)
        return Response(UrgeSerializer(urges, many=True).data, status=status.HTTP_201_CREATED)


class TransferInputSerializer(serializers.Serializer):
    to_user = IdField(
        kind="用户",
        queryset=User.objects.filter(is_active=True),
        help_text="接收人的用户 id（本单位的其他在岗人员）",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="转交说明（可选）"
    )


class TransferSerializer(serializers.Serializer):
    """A task handed to a colleague (转交)."""

    id = serializers.IntegerField(read_only=True, help_text="转交 id")
    task = serializers.IntegerField(source="task_id", read_only=True, help_text="任务 id")
    from_user = ActorField(help_text="转交人")
    to_user = ActorField(help_text="接收人")
    reason = serializers.CharField(read_only=True, help_text="转交说明；未填为空字符串")
    created_at = serializers.DateTimeField(read_only=True, help_text="转交时间")


def _transferable_task(request, pk) -> Task:
    """The task ``pk`` if the user may hand it over: 404 if the user does not see it or
    it is not a human task of the admission flow, 403 if the user may not do it."""
    task = _visible_task(request, pk)
    node = task.flow_task
    if node is None or node.flow_class is not ChangeRequestFlow or node.task_type != "HUMAN":
        raise NotFound(NO_TASK)
    if not (node.can_assign(request.user, task) or node.can_execute(request.user, task)):
        raise PermissionDenied(NOT_YOURS)
    return task


class TaskTransferView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="可转交的同事",
        description="本人可办理的一项准入申请任务可以转交给的同事（该任务所属单位的其他在岗人员）。",
        parameters=[TASK_ID],
        responses={200: ActorSerializer(many=True), **ERRORS},
    )
    def get(self, request, pk: int):
        task = _transferable_task(request, pk)
        people = [user for user in transfer_candidates(task) if user.pk != request.user.pk]
        return Response([actor_data(user) for user in people])

    @extend_schema(
        summary="转交任务",
        description=(
            "把本人可办理的一项准入申请任务转交给本单位的另一位同事办理。看不到的任务 404，"
            "可查看但无权办理 403，已办结 409。"
        ),
        parameters=[TASK_ID],
        request=TransferInputSerializer,
        responses={201: TransferSerializer, **ERRORS, **CLOSED},
    )
    def post(self, request, pk: int):
        task = _transferable_task(request, pk)
        body = validated_body(request, TransferInputSerializer).validated_data
        transfer = task_transfer(
            actor=request.user,
            task_id=task.pk,
            to_user_id=body["to_user"].pk,
            reason=body.get("reason", ""),
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class DeputyshipSerializer(serializers.Serializer):
    """A deputyship (委托代理)."""

    id = serializers.IntegerField(read_only=True, help_text="委托 id")
    principal = ActorField(help_text="委托人")
    deputy = ActorField(help_text="代理人")
    unit = serializers.SerializerMethodField(help_text="代理办理待办的单位")
    starts_at = serializers.DateTimeField(read_only=True, help_text="开始时间")
    ends_at = serializers.DateTimeField(read_only=True, help_text="结束时间")
    reason = serializers.CharField(read_only=True, help_text="委托事由")
    ended_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="提前结束的时间；未提前结束为空"
    )

    @extend_schema_field(PartySerializer)
    def get_unit(self, deputyship) -> dict:
        return party_data(deputyship.township or deputyship.department)


class DeputyshipInputSerializer(serializers.Serializer):
    unit = UnitRefField(help_text="代理办理待办的单位：本人任负责人的乡镇(街道)或部门")
    deputy = IdField(
        kind="用户",
        queryset=User.objects.filter(is_active=True),
        help_text="代理人的用户 id（本单位的其他在岗人员）",
    )
    starts_at = serializers.DateTimeField(help_text="开始时间（已过的从现在起算）")
    ends_at = serializers.DateTimeField(help_text="结束时间（最长 180 天）")
    reason = serializers.CharField(max_length=200, help_text="委托事由")

    def validate_reason(self, value):
        value = clean_text(value)
        if not value:
            raise serializers.ValidationError("请填写委托事由。")
        return value


class DeputyshipListView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="委托代理",
        description="本人设置的和本人代理的委托，开始时间最近的在前。",
        responses={200: DeputyshipSerializer(many=True), 401: ERRORS[401]},
    )
    def get(self, request):
        rows = deputies.deputyships_of(request.user)
        return Response(DeputyshipSerializer(rows, many=True).data)

    @extend_schema(
        summary="设置代理人",
        description=(
            "乡镇(街道)或部门负责人委托本单位一名同事在一段时间内代为办理本单位的待办；"
            "不是该单位负责人的 403。"
        ),
        request=DeputyshipInputSerializer,
        responses={201: DeputyshipSerializer, **ERRORS},
    )
    def post(self, request):
        data = validated_body(request, DeputyshipInputSerializer).validated_data
        deputyship = deputies.deputyship_set(
            actor=request.user,
            unit=data["unit"],
            deputy=data["deputy"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
        )
        return Response(DeputyshipSerializer(deputyship).data, status=status.HTTP_201_CREATED)


class DeputyCandidatesSerializer(serializers.Serializer):
    """A unit the user heads and the colleagues who may stand in for the user there."""

    unit = PartySerializer(read_only=True, help_text="本人任负责人的乡镇(街道)或部门")
    candidates = serializers.ListField(
        child=ActorField(), read_only=True, help_text="可设为代理人的同事（本单位其他在岗人员）"
    )


class DeputyCandidatesView(APIView):
    @extend_schema(
        summary="可设的代理人",
        description="本人任负责人的每个乡镇(街道)或部门，及其可设为代理人的同事；不是负责人的为空列表。",
        responses={200: DeputyCandidatesSerializer(many=True), 401: ERRORS[401]},
    )
    def get(self, request):
        rows = [
            {
                "unit": party_data(unit),
                "candidates": list(deputies.colleagues_of(request.user, unit)),
            }
            for unit in deputies.headed_units(request.user)
        ]
        return Response(DeputyCandidatesSerializer(rows, many=True).data)


class DeputyshipEndView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="结束委托",
        description=(
            "委托人提前结束一项委托。只有委托人和代理人能看到该委托（其他人 404），"
            "代理人不能结束（403）；已结束的 400（non_field_errors）。"
        ),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="委托 id")
        ],
        request=None,
        responses={200: DeputyshipSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        get_visible(
            Deputyship.objects.all(),
            pk,
            NO_DEPUTYSHIP,
            visible=deputies.deputyships_of(request.user),
        )
        remember_body_fields(request, ())
        deputyship = deputies.deputyship_end(actor=request.user, deputyship_id=pk)
        return Response(DeputyshipSerializer(deputyship).data)
