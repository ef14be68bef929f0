"""The API of the 待办 (``GET /api/todo/``), the county office's reminders (催办:
``POST /api/tasks/<id>/urge/``, ``POST /api/evaluation-rounds/<id>/urge/``), handing
a task to a colleague (转交: ``POST /api/tasks/<id>/transfer/``) and deputies (委托:
``/api/deputyships/``). Each write calls the same service as the pages."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task

from evaluation.models import EvaluationRound
from organisations import deputies
from organisations.models import Department, Deputyship, Township, User
from organisations.text import clean_text

from .. import todo
from ..permissions import can_view_task
from ..services.handover import round_urge, task_transfer, task_urge
from .fields import IdField

NOT_YOURS = "您无权办理该任务。"


class TodoRowSerializer(serializers.Serializer):
    flow = serializers.CharField(help_text="准入申请 / 清单外事项 / 双向互评 / 审定")
    number = serializers.CharField(help_text="申请、报告或评分表的编号")
    title = serializers.CharField()
    step = serializers.CharField(help_text="待办理的环节")
    sender = serializers.CharField(help_text="来自（人员和单位）")
    sent_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True, help_text="办理期限，无期限为 null")
    is_overdue = serializers.BooleanField()
    finished = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text="办理页面")


class StartedRowSerializer(serializers.Serializer):
    flow = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    created = serializers.DateTimeField()
    url = serializers.CharField()


class TodoView(APIView):
    """待办 / 已办 / 我发起的 of the user, across every flow."""

    @extend_schema(
        summary="待办、已办、我发起的",
        description=(
            "tab=todo（默认）：等待本人办理的事项（准入申请、清单外事项、评分表、待审定申请），"
            "期限最近（已逾期）的在前；tab=done：本人已办；tab=started：本人发起的申请和报告。"
        ),
        parameters=[OpenApiParameter("tab", str, enum=["todo", "done", "started"])],
        responses={200: TodoRowSerializer(many=True)},
    )
    def get(self, request):
        tab = request.query_params.get("tab", "todo")
        if tab == "started":
            rows = todo.started_rows(request.user)
            return Response(StartedRowSerializer(rows, many=True).data)
        rows = todo.done_rows(request.user) if tab == "done" else todo.todo_rows(request.user)
        return Response(TodoRowSerializer(rows, many=True).data)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="催办说明（可选）"
    )


class UrgeSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task_id")
    sent_at = serializers.DateTimeField()
    recipient_count = serializers.IntegerField(help_text="通知人数（评分表按单位合并通知，记为 0）")
    note = serializers.CharField()


def _task(pk: int) -> Task:
    return get_object_or_404(Task.objects.select_related("process"), pk=pk)


class TaskUrgeView(APIView):
    @extend_schema(
        summary="催办征求意见",
        description="县委编办（或该申请的审查单位）催办一项未答复的征求意见；"
        "同一任务在间隔时间（默认 24 小时）内只能催办一次。",
        request=NoteSerializer,
        responses={201: UrgeSerializer},
    )
    def post(self, request, pk: int):
        task = _task(pk)
        if not can_view_task(request.user, task):
            raise PermissionDenied("您无权催办该任务。")
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        urge = task_urge(actor=request.user, task_id=task.pk, **serializer.validated_data)
        return Response(UrgeSerializer(urge).data, status=status.HTTP_201_CREATED)


class RoundUrgeView(APIView):
    @extend_schema(
        summary="催办评分表",
        description="县委编办催办本轮未提交的评分表（间隔时间内已催办的除外）。",
        request=NoteSerializer,
        responses={201: UrgeSerializer(many=True)},
    )
    def post(self, request, pk: int):
        get_object_or_404(EvaluationRound, pk=pk)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        urges = round_urge(actor=request.user, round_id=pk, **serializer.validated_data)
        return Response(UrgeSerializer(urges, many=True).data, status=status.HTTP_201_CREATED)


class TransferInputSerializer(serializers.Serializer):
    to_user = IdField(kind="用户", queryset=User.objects.filter(is_active=True))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class TransferSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task_id")
    from_user = serializers.IntegerField(source="from_user_id")
    to_user = serializers.IntegerField(source="to_user_id")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class TaskTransferView(APIView):
    @extend_schema(
        summary="转交任务",
        description="把本人可办理的一项准入申请任务转交给本单位的另一位同事办理。",
        request=TransferInputSerializer,
        responses={201: TransferSerializer},
    )
    def post(self, request, pk: int):
        task = _task(pk)
        node = task.flow_task
        if not can_view_task(request.user, task) or not (
            node.can_assign(request.user, task) or node.can_execute(request.user, task)
        ):
            raise PermissionDenied(NOT_YOURS)
        serializer = TransferInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transfer = task_transfer(
            actor=request.user,
            task_id=task.pk,
            to_user_id=serializer.validated_data["to_user"].pk,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class DeputyshipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputyship
        fields = [
            "id",
            "principal",
            "deputy",
            "township",
            "department",
            "starts_at",
            "ends_at",
            "reason",
            "ended_at",
        ]


class DeputyshipInputSerializer(serializers.Serializer):
    township = IdField(kind="乡镇(街道)", queryset=Township.objects.all(), required=False)
    department = IdField(kind="部门", queryset=Department.objects.all(), required=False)
    deputy = IdField(kind="用户", queryset=User.objects.filter(is_active=True))
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=200)

    def validate_reason(self, value):
        value = clean_text(value)
        if not value:
            raise serializers.ValidationError("请填写委托事由。")
        return value

    def validate(self, attrs):
        if bool(attrs.get("township")) == bool(attrs.get("department")):
            raise serializers.ValidationError({"township": "请指定一个乡镇(街道)或部门。"})
        return attrs


class DeputyshipListView(APIView):
    @extend_schema(
        summary="委托代理",
        description="本人设置的和本人代理的委托。",
        responses={200: DeputyshipSerializer(many=True)},
    )
    def get(self, request):
        rows = deputies.deputyships_of(request.user)
        return Response(DeputyshipSerializer(rows, many=True).data)

    @extend_schema(
        summary="设置代理人",
        description="乡镇(街道)或部门负责人委托本单位一名同事在一段时间内代为办理本单位的待办。",
        request=DeputyshipInputSerializer,
        responses={201: DeputyshipSerializer},
    )
    def post(self, request):
        serializer = DeputyshipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        deputyship = deputies.deputyship_set(
            actor=request.user,
            unit=data.get("township") or data.get("department"),
            deputy=data["deputy"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
        )
        return Response(DeputyshipSerializer(deputyship).data, status=status.HTTP_201_CREATED)


class DeputyshipEndView(APIView):
    @extend_schema(
        summary="结束委托",
        description="委托人提前结束一项委托。",
        request=None,
        responses={200: DeputyshipSerializer},
    )
    def post(self, request, pk: int):
        get_object_or_404(Deputyship, pk=pk)
        deputyship = deputies.deputyship_end(actor=request.user, deputyship_id=pk)
        return Response(DeputyshipSerializer(deputyship).data)
