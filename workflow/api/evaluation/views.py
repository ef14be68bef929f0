"""Endpoints of the evaluation API (see ``workflow.api.evaluation``)."""

from django.db.models import Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api_errors import get_visible, remember_body_fields, validated_body
from config.api_parsers import JSONParser
from evaluation import base_score_import, export, permissions, results, selectors
from evaluation.models import EvaluationRound, Indicator, RoundMode, ScoreSheet, SheetState
from organisations import permissions as org_permissions
from workflow.services import evaluating
from workflow.services.common import deny

from .serializers import (
    DRAFT_SERIALIZERS,
    SHEET_DRAFT,
    SHEET_SUBMIT,
    SUBMIT_SERIALIZERS,
    BaseScoreImportErrorSerializer,
    BaseScoreImportResultSerializer,
    BaseScoreImportSerializer,
    BaseScoresSerializer,
    EvaluationRoundSerializer,
    RoundOpenSerializer,
    RoundResultsSerializer,
    ScoreSheetDetailSerializer,
    ScoreSheetSerializer,
    SheetModeSerializer,
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
JSON_ONLY = {415: OpenApiResponse(description="请求体不是 application/json")}
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
    """评价轮次: list, read, open (编办), close the scoring (编办), enter or import base
    scores and publish (考核办), results."""

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
            "base_scores_import": BaseScoreImportSerializer,
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
        description=(
            "县考核办录入本轮各参评单位在全县综合考核中的基础分（0～100），"
            "结果公布前可修改；县委编办不能录入。"
        ),
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
        summary="截止评分",
        description=(
            "全部评分表已提交或逾期后，县委编办截止评分，计算异常标记，并通知县考核办"
            "录入基础分、公布结果。"
        ),
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
        summary="计算并公布评价结果",
        description=(
            "评分截止后，县考核办按已录入的基础分计算综合得分并公布；"
            "有参评单位未录入基础分时返回 400 并列出这些单位。县委编办不能公布。"
        ),
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
        summary="导入基础分（Excel）",
        description=(
            "县考核办上传基础分文件（multipart/form-data，字段 file；.xlsx，版式同"
            "“下载基础分模板”）。先检查整个文件：任何一行有误时返回 400，"
            "file 下逐条列出“工作表、行、列：问题”，issues 给出同样的问题及其工作表、行和列"
            "（与清单导入相同），不写入任何数据；"
            "文件无误时在一个事务中写入，返回本轮信息和有变化的单位数 changed。"
        ),
        parameters=[ROUND_ID],
        request={"multipart/form-data": BaseScoreImportSerializer},
        responses={
            200: BaseScoreImportResultSerializer,
            **ERRORS,
            400: OpenApiResponse(
                response=BaseScoreImportErrorSerializer,
                description=(
                    "请求或文件有误：文件有误时 file 下每处问题一条，issues 给出同样的问题"
                    "及其工作表、行和列；本轮结果已公布等为 non_field_errors"
                ),
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="base-scores/import",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def base_scores_import(self, request, pk=None):
        """Import base scores through ``evaluating.base_scores_import``."""
        _round_get(request.user, pk)
        body = validated_body(request, BaseScoreImportSerializer)
        try:
            changed = evaluating.base_scores_import(
                actor=request.user, round_id=int(pk), uploaded_file=body.validated_data["file"]
            )
        except evaluating.BaseScoresRefused as refused:
            errors = {"file": refused.message_dict["file"], "issues": refused.issues}
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        data = EvaluationRoundSerializer(_round_get(request.user, pk)).data
        return Response({"round": data, "changed": changed})

    @extend_schema(
        summary="下载基础分模板",
        description="本轮参评单位的基础分导入模板（.xlsx，已录入的基础分已填入），仅县考核办可下载。",
        parameters=[ROUND_ID],
        responses={(200, export.CONTENT_TYPE): OpenApiTypes.BINARY, **ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="base-scores/template")
    def base_scores_template(self, request, pk=None):
        """The round's base-score template (``evaluation.base_score_import``)."""
        evaluation_round = _round_get(request.user, pk)
        if not permissions.can_assess_rounds(request.user, evaluation_round.county):
            raise exceptions.PermissionDenied("只有本县县考核办可以下载基础分模板。")
        response = HttpResponse(
            base_score_import.base_score_template(evaluation_round),
            content_type=export.CONTENT_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="base-scores-{pk}.xlsx"'
        return response

    @extend_schema(
        summary="评价结果",
        description=(
            "热力图（两个方向的评分表得分）、部门和乡镇(街道)排名、缺交和异常标记的评分表。"
            "县委编办、县考核办和县级管理员在公布前即可查看全县（评分截止后为按已录入基础分"
            "计算的预览）；部门和乡镇(街道)在公布后只看到本单位的结果和"
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
        # A simple-mode sheet is one answer: no indicators to score (as on its page).
        indicators = (
            Indicator.objects.none()
            if evaluation_round.is_simple
            else Indicator.objects.filter(indicator_set_id=set_id).order_by("order", "pk")
        )
        data = ScoreSheetDetailSerializer(sheet, context={"indicators": indicators}).data
        return Response(data)

    @extend_schema(
        summary="评分表详情",
        description=(
            "评分表的评分方式（mode）、指标（评分标准、权重、满分）、已填分值或满意度，"
            "以及评价意见。"
        ),
        parameters=[SHEET_ID],
        responses={200: ScoreSheetDetailSerializer, **ERRORS},
    )
    def retrieve(self, request, pk=None):
        """One sheet (404 if unknown or outside the user's scope)."""
        return self._detail(request, pk)

    def _write(self, request, pk, service, bodies, *, comment, allowed, what) -> Response:
        """Check that the user may write the sheet (``allowed(user, sheet)``, else 403
        naming ``what``) before reading the body, then validate the body of the sheet's
        mode (``bodies``: mode → serializer) and call ``service`` (which checks again,
        under its lock); a body of the other mode is a 400 under ``mode``."""
        sheet = _sheet_get(request.user, pk)
        if not allowed(request.user, sheet):
            raise deny(request.user, f"{what} #{sheet.pk}")
        mode = sheet.evaluation_round.mode
        sent = validated_body(request, SheetModeSerializer).validated_data["mode"]
        if sent != mode:
            remember_body_fields(request, bodies[mode]().fields)
            label = RoundMode(mode).label
            raise exceptions.ValidationError(
                {"mode": [f"本轮的评分方式为 {mode}（{label}），请按 {mode} 填写。"]}
            )
        data = validated_body(request, bodies[mode]).validated_data
        service(
            actor=request.user,
            sheet_id=int(pk),
            scores=data.get("scores", {}),
            comment=data.get("comment", comment),
            rating=data.get("rating"),
        )
        return self._detail(request, pk)

    @extend_schema(
        summary="保存评分表草稿",
        description=(
            "本单位经办人或负责人保存草稿，请求体的 mode 为评分表的 mode：indicators 按指标"
            "评分（scores，可只填部分指标）、simple 满意度评价（rating）；"
            "mode 与本轮不符时返回 400。评分截止后不能保存。"
        ),
        parameters=[SHEET_ID],
        request={"application/json": SHEET_DRAFT},
        responses={200: ScoreSheetDetailSerializer, **ERRORS, **JSON_ONLY},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def draft(self, request, pk=None):
        """Save a draft through ``evaluating.score_sheet_save_draft``."""
        return self._write(
            request,
            pk,
            evaluating.score_sheet_save_draft,
            DRAFT_SERIALIZERS,
            comment="",
            allowed=permissions.can_prepare_sheet,
            what="填写评分表",
        )

    @extend_schema(
        summary="提交评分表",
        description=(
            "本单位负责人提交评分表，请求体的 mode 为评分表的 mode：indicators 按指标评分"
            "（scores 与已保存的草稿合并后，每项指标都须有分值）、simple 满意度评价"
            "（rating）。已提交的评分表再次提交返回 409。"
        ),
        parameters=[SHEET_ID],
        request={"application/json": SHEET_SUBMIT},
        responses={200: ScoreSheetDetailSerializer, **ERRORS, **CONFLICT, **JSON_ONLY},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def submit(self, request, pk=None):
        """Submit through ``evaluating.score_sheet_submit``."""
        return self._write(
            request,
            pk,
            evaluating.score_sheet_submit,
            SUBMIT_SERIALIZERS,
            comment=None,
            allowed=permissions.can_submit_sheet,
            what="提交评分表",
        )
