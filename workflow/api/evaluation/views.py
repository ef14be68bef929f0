"""Endpoints of the evaluation API (see ``workflow.api.evaluation``)."""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api_errors import get_visible, remember_body_fields, validated_body
from evaluation import results, selectors
from evaluation.models import EvaluationRound, Indicator, ScoreSheet, SheetState
from organisations import permissions as org_permissions
from workflow.services import evaluating

from .serializers import (
    BaseScoresSerializer,
    EvaluationRoundSerializer,
    RoundOpenSerializer,
    RoundResultsSerializer,
    ScoreSheetDetailSerializer,
    ScoreSheetSerializer,
    SheetDraftSerializer,
    SheetSubmitSerializer,
    results_payload,
)

ERRORS = {
    400: OpenApiResponse(
        description=(
            "请求内容有误：按字段给出错误信息（与字段无关的为 non_field_errors，如评分已截止）"
        )
    ),
    401: OpenApiResponse(description="未登录或令牌无效"),
    403: OpenApiResponse(description="对象可查看，但无权进行该操作"),
    404: OpenApiResponse(description="对象不存在，或不在本人的查看范围内（与不存在相同）"),
}
NO_ROUND = "没有该评价轮次。"
NO_SHEET = "没有该评分表。"
CONFLICT = {409: OpenApiResponse(description="评分表已提交或任务已办结，本次提交未生效")}
ROUND_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="轮次 id")
SHEET_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="评分表 id")


def _scoped_get(visible, pk, message: str):
    """Row ``pk`` of ``visible`` (the rows the user may see); 404 with ``message`` if it
    does not exist or lies outside the user's scope."""
    return get_visible(visible.model.objects.all(), pk, message, visible=visible)


def _round_get(user, pk) -> EvaluationRound:
    return _scoped_get(selectors.rounds_visible_to(user), pk, NO_ROUND)


def _sheet_get(user, pk) -> ScoreSheet:
    return _scoped_get(selectors.sheets_visible_to(user), pk, NO_SHEET)


def _round_response(request, pk, *, status_code=status.HTTP_200_OK) -> Response:
    data = EvaluationRoundSerializer(_round_get(request.user, pk)).data
    return Response(data, status=status_code)


@extend_schema_view(
    list=extend_schema(
        summary="我可查看的评价轮次",
        description="本人所在县的评价轮次（县委编办、县级管理员、部门和乡镇用户），新的在前。",
        responses={200: EvaluationRoundSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="评价轮次详情",
        parameters=[ROUND_ID],
        responses={200: EvaluationRoundSerializer, **ERRORS},
    ),
    create=extend_schema(
        summary="发起评价",
        description="县委编办发起本县的评价轮次：生成评分表并通知各评价单位。",
        request=RoundOpenSerializer,
        responses={201: EvaluationRoundSerializer, **ERRORS},
    ),
)
class EvaluationRoundViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """评价轮次: list, read, open, enter base scores, close, publish, results."""

    serializer_class = EvaluationRoundSerializer
    queryset = EvaluationRound.objects.none()  # for the schema; see get_queryset
    lookup_value_regex = r"\d+"
    filterset_fields = ["stage"]

    def get_queryset(self):
        return selectors.rounds_visible_to(self.request.user)

    def get_serializer_class(self):
        return {
            "create": RoundOpenSerializer,
            "base_scores": BaseScoresSerializer,
            "results": RoundResultsSerializer,
        }.get(self.action, EvaluationRoundSerializer)

    def retrieve(self, request, pk=None):
        """One round (404 if unknown or outside the user's counties)."""
        return _round_response(request, pk)

    def create(self, request):
        """Open a round through ``evaluating.evaluation_round_open``."""
        body = validated_body(request, RoundOpenSerializer)
        values = {k: v for k, v in body.validated_data.items() if v is not None}
        evaluation_round = evaluating.evaluation_round_open(actor=request.user, **values)
        return _round_response(request, evaluation_round.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="录入基础分",
        description="县委编办录入本轮各单位的基础分（0～100），评分截止前可修改。",
        parameters=[ROUND_ID],
        request=BaseScoresSerializer,
        responses={200: EvaluationRoundSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="base-scores")
    def base_scores(self, request, pk=None):
        """Set base scores through ``evaluating.base_scores_set``."""
        _round_get(request.user, pk)
        body = validated_body(request, BaseScoresSerializer)
        evaluating.base_scores_set(
            actor=request.user,
            round_id=int(pk),
            department_scores=body.validated_data.get("department_scores", {}),
            township_scores=body.validated_data.get("township_scores", {}),
        )
        return _round_response(request, pk)

    @extend_schema(
        summary="截止评分并计算结果",
        description="全部评分表已提交或逾期后，县委编办截止评分，计算综合得分和异常标记。",
        parameters=[ROUND_ID],
        request=None,
        responses={200: EvaluationRoundSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the round through ``evaluating.evaluation_round_close``."""
        _round_get(request.user, pk)
        remember_body_fields(request, ())
        evaluating.evaluation_round_close(actor=request.user, round_id=int(pk))
        return _round_response(request, pk)

    @extend_schema(
        summary="公布评价结果",
        parameters=[ROUND_ID],
        request=None,
        responses={200: EvaluationRoundSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the results through ``evaluating.evaluation_round_publish``."""
        _round_get(request.user, pk)
        remember_body_fields(request, ())
        evaluating.evaluation_round_publish(actor=request.user, round_id=int(pk))
        return _round_response(request, pk)

    @extend_schema(
        summary="评价结果",
        description=(
            "热力图（两个方向的评分表得分）、部门和乡镇(街道)排名、缺交和异常标记的评分表。"
            "县委编办在公布前即可查看全县；部门和乡镇(街道)在公布后只看到本单位的结果和"
            "本单位填写的评分表，公布前为 403。"
        ),
        parameters=[ROUND_ID],
        responses={200: RoundResultsSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """The round's results, scoped like the results page."""
        evaluation_round = _round_get(request.user, pk)
        data = results.round_results(results.audience_of(request.user), evaluation_round)
        return Response(RoundResultsSerializer(results_payload(data)).data)


@extend_schema_view(
    list=extend_schema(
        summary="我可查看的评分表",
        description=(
            "部门和乡镇(街道)用户：本单位填写的评分表；县委编办和县级管理员：本县全部评分表。"
            "可按轮次（round）和状态（state）筛选；mine=1 只列本人单位填写的。"
        ),
        parameters=[
            OpenApiParameter("round", OpenApiTypes.INT, description="轮次 id"),
            OpenApiParameter("state", OpenApiTypes.STR, enum=SheetState.values),
            OpenApiParameter("mine", OpenApiTypes.BOOL, description="只列本单位填写的"),
        ],
        responses={200: ScoreSheetSerializer(many=True), **ERRORS},
    ),
)
class ScoreSheetViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """评分表: list, read, save a draft, submit."""

    serializer_class = ScoreSheetSerializer
    queryset = ScoreSheet.objects.none()  # for the schema; see get_queryset
    lookup_value_regex = r"\d+"
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        sheets = selectors.sheets_visible_to(user).order_by("evaluation_round_id", "pk")
        params = self.request.query_params
        if params.get("round", "").isdigit():
            sheets = sheets.filter(evaluation_round_id=int(params["round"]))
        if params.get("state") in SheetState.values:
            sheets = sheets.filter(state=params["state"])
        if params.get("mine") in ("1", "true"):
            sheets = sheets.filter(
                Q(rater_department_id__in=sorted(org_permissions.department_ids_acted_for_by(user)))
                | Q(rater_township_id__in=sorted(org_permissions.township_ids_visible_to(user)))
            )
        return sheets

    def get_serializer_class(self):
        if self.action == "draft":
            return SheetDraftSerializer
        if self.action == "submit":
            return SheetSubmitSerializer
        if self.action == "retrieve":
            return ScoreSheetDetailSerializer
        return ScoreSheetSerializer

    def _detail(self, request, pk) -> Response:
        sheet = _sheet_get(request.user, pk)
        evaluation_round = sheet.evaluation_round
        set_id = (
            evaluation_round.township_set_id
            if sheet.rater_township_id
            else evaluation_round.department_set_id
        )
        indicators = Indicator.objects.filter(indicator_set_id=set_id).order_by("order", "pk")
        data = ScoreSheetDetailSerializer(sheet, context={"indicators": indicators}).data
        return Response(data)

    @extend_schema(
        summary="评分表详情",
        description="评分表的指标（权重、满分）、已填分值和评价意见。",
        parameters=[SHEET_ID],
        responses={200: ScoreSheetDetailSerializer, **ERRORS},
    )
    def retrieve(self, request, pk=None):
        """One sheet (404 if unknown or outside the user's scope)."""
        return self._detail(request, pk)

    def _write(self, request, pk, service, body_class, **extra) -> Response:
        _sheet_get(request.user, pk)
        body = validated_body(request, body_class)
        service(
            actor=request.user,
            sheet_id=int(pk),
            scores=body.validated_data.get("scores", {}),
            comment=body.validated_data.get("comment", extra.get("comment")),
        )
        return self._detail(request, pk)

    @extend_schema(
        summary="保存评分表草稿",
        description="本单位经办人或负责人保存草稿（可只填部分指标）；评分截止后不能保存。",
        parameters=[SHEET_ID],
        request=SheetDraftSerializer,
        responses={200: ScoreSheetDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        """Save a draft through ``evaluating.score_sheet_save_draft``."""
        return self._write(
            request, pk, evaluating.score_sheet_save_draft, SheetDraftSerializer, comment=""
        )

    @extend_schema(
        summary="提交评分表",
        description=(
            "本单位负责人提交评分表（与已保存的草稿合并后，每项指标都须有分值）。"
            "已提交的评分表再次提交返回 409。"
        ),
        parameters=[SHEET_ID],
        request=SheetSubmitSerializer,
        responses={200: ScoreSheetDetailSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit through ``evaluating.score_sheet_submit``."""
        return self._write(
            request, pk, evaluating.score_sheet_submit, SheetSubmitSerializer, comment=None
        )
