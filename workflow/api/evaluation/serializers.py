"""Wire formats of the evaluation API: rounds, sheets with their scores, results.

Input serializers only check shapes and types; the rules (ranges, who may act, deadline)
stay in ``workflow.services.evaluating``, whose ``ValidationError`` the API returns as
a 400 naming the field or indicator.
"""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from evaluation import results
from evaluation.models import (
    Direction,
    EvaluationRound,
    Indicator,
    IndicatorSet,
    Rating,
    RoundMode,
    ScoreSheet,
    SheetState,
)
from evaluation.round_services import RATING_CHOICES
from organisations.models import County, Township

from ..fields import IdField, tag_field
from ..list_import import ImportIssueSerializer


class UnitRefSerializer(serializers.Serializer):
    """A department or township taking part in a round."""

    type = serializers.ChoiceField(
        choices=[("department", "部门"), ("township", "乡镇(街道)")], read_only=True
    )
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


def unit_data(unit) -> dict:
    """``UnitRefSerializer`` data of a Department or Township."""
    kind = "township" if isinstance(unit, Township) else "department"
    return {"type": kind, "id": unit.pk, "name": unit.name}


unit_field = extend_schema_field(UnitRefSerializer)


class EvaluationRoundSerializer(serializers.ModelSerializer):
    """An evaluation round (评价轮次)."""

    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = EvaluationRound
        fields = [
            "id",
            "name",
            "county",
            "county_name",
            "period_start",
            "period_end",
            "deadline",
            "bundling_weight",
            "penalty_per_report",
            "township_set",
            "department_set",
            "stage",
            "mode",
            "closed_at",
            "published_at",
        ]
        read_only_fields = fields


class RoundOpenSerializer(serializers.Serializer):
    """Open a round: the service checks the county office's right and every rule."""

    county = IdField(kind="县", queryset=County.objects.all(), help_text="县 id")
    name = serializers.CharField(max_length=100)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    deadline = serializers.DateTimeField(help_text="评分截止时间（含时区）")
    bundling_weight = serializers.DecimalField(
        max_digits=4, decimal_places=3, required=False, help_text="互评结果权重，默认 0.3"
    )
    penalty_per_report = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, help_text="每件属实清单外事项扣分"
    )
    township_set = IdField(
        kind="指标体系", queryset=IndicatorSet.objects.all(), required=False, allow_null=True
    )
    department_set = IdField(
        kind="指标体系", queryset=IndicatorSet.objects.all(), required=False, allow_null=True
    )
    mode = serializers.ChoiceField(
        choices=RoundMode.choices,
        required=False,
        help_text=(
            "评分方式：indicators 按指标评分，simple 满意度评价（满意/基本满意/不满意）；"
            "不填时沿用本县上一轮的方式"
        ),
        error_messages={"invalid_choice": "评分方式“{input}”无效，应为 indicators 或 simple。"},
    )


class BaseScoresSerializer(serializers.Serializer):
    """Base scores (0–100) by unit id; units left out keep theirs."""

    department_scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        required=False,
        help_text="部门 id → 基础分",
    )
    township_scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        required=False,
        help_text="乡镇(街道) id → 基础分",
    )


class BaseScoreImportSerializer(serializers.Serializer):
    """Input of ``POST /api/evaluation-rounds/{id}/base-scores/import/`` (multipart)."""

    file = serializers.FileField(
        help_text="基础分文件（.xlsx，版式同基础分模板：单位类型、单位编码、单位名称、基础分）"
    )


class BaseScoreImportResultSerializer(serializers.Serializer):
    """What an import did: the round and how many units' base scores changed."""

    round = EvaluationRoundSerializer()
    changed = serializers.IntegerField(help_text="基础分新录入或有变化的单位数")


class BaseScoreImportErrorSerializer(serializers.Serializer):
    """A refused base-score import: ``file`` lists each problem as a sentence, ``issues``
    the same problems with their places (as the lists import answers)."""

    file = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="文件的问题，每处一条"
    )
    issues = ImportIssueSerializer(
        many=True, required=False, help_text="与 file 相同的问题，含工作表、行和列"
    )
    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="与字段无关的错误"
    )
    detail = serializers.CharField(
        required=False, help_text="请求体无法解析时的说明（此时没有其他键）"
    )


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator of a sheet with its scoring rule (评分标准)."""

    class Meta:
        model = Indicator
        fields = ["id", "name", "description", "scoring_rule", "weight", "max_score"]


class ScoreSheetSerializer(serializers.ModelSerializer):
    """A score sheet as a list row (评分表)."""

    rater = serializers.SerializerMethodField()
    ratee = serializers.SerializerMethodField()
    round_name = serializers.CharField(source="evaluation_round.name", read_only=True)
    mode = serializers.ChoiceField(
        source="evaluation_round.mode",
        choices=RoundMode.choices,
        read_only=True,
        help_text=(
            "评分方式（轮次的）：indicators 按指标评分，保存和提交时填 scores；"
            "simple 满意度评价，填 rating"
        ),
    )
    rating = serializers.SerializerMethodField(
        help_text="满意度评价的评价；按指标评分的评分表和尚未选择时为空"
    )

    class Meta:
        model = ScoreSheet
        fields = [
            "id",
            "evaluation_round",
            "round_name",
            "direction",
            "rater",
            "ratee",
            "state",
            "mode",
            "rating",
            "total",
            "submitted_at",
        ]
        read_only_fields = fields

    @unit_field
    def get_rater(self, sheet) -> dict:
        return unit_data(sheet.rater)

    @unit_field
    def get_ratee(self, sheet) -> dict:
        return unit_data(sheet.ratee)

    @extend_schema_field(serializers.ChoiceField(choices=Rating.choices, allow_null=True))
    def get_rating(self, sheet) -> str | None:
        return sheet.rating or None


class ScoreSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(read_only=True, help_text="指标 id")
    value = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)


class ScoreSheetDetailSerializer(ScoreSheetSerializer):
    """A score sheet with its indicators, scores and comment (a simple-mode sheet has
    neither indicators nor scores)."""

    indicators = serializers.SerializerMethodField(
        help_text="指标及其评分标准、权重和满分；满意度评价的评分表为空列表"
    )
    scores = serializers.SerializerMethodField(help_text="已填的分值；满意度评价的评分表为空列表")

    class Meta(ScoreSheetSerializer.Meta):
        fields = [*ScoreSheetSerializer.Meta.fields, "comment", "indicators", "scores"]
        read_only_fields = fields

    @extend_schema_field(IndicatorSerializer(many=True))
    def get_indicators(self, sheet) -> list:
        return IndicatorSerializer(self.context["indicators"], many=True).data

    @extend_schema_field(ScoreSerializer(many=True))
    def get_scores(self, sheet) -> list:
        rows = sheet.scores.order_by("indicator_id").values_list("indicator_id", "value")
        # Through the serializer: values are decimal strings, as the schema says.
        return ScoreSerializer(
            [{"indicator": indicator, "value": value} for indicator, value in rows], many=True
        ).data


RATING_HELP = (
    "满意度：satisfied 满意（100 分）/ basically_satisfied 基本满意（60 分）/ "
    "dissatisfied 不满意（0 分）"
)


def _rating_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Rating.choices,
        error_messages={"invalid_choice": f"满意度“{{input}}”无效，应为{RATING_CHOICES}之一。"},
        **kwargs,
    )


def _scores_field(**kwargs) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2), **kwargs
    )


class SheetBodySerializer(serializers.Serializer):
    """Base of the sheet bodies: ``mode`` names the round's scoring mode (the
    discriminator), ``comment`` is the optional 评价意见."""

    comment = serializers.CharField(required=False, allow_blank=True, help_text="评价意见")


class IndicatorsDraftSerializer(SheetBodySerializer):
    """A draft of a sheet scored by indicators: scores merged over the saved ones."""

    mode = tag_field(RoundMode.INDICATORS, "按指标评分")
    scores = _scores_field(
        required=False,
        help_text="指标 id → 分值（0 至该指标满分，最多两位小数）；省略时保留已保存的分值",
    )


class SimpleDraftSerializer(SheetBodySerializer):
    """A draft of a simple-mode sheet (满意度评价)."""

    mode = tag_field(RoundMode.SIMPLE, "满意度评价")
    rating = _rating_field(required=False, help_text=f"{RATING_HELP}；省略时保留已保存的")


class IndicatorsSubmitSerializer(SheetBodySerializer):
    """A submission of a sheet scored by indicators: the scores are merged over the
    saved draft, and then every indicator must have one; ``{}`` submits the draft as
    saved."""

    mode = tag_field(RoundMode.INDICATORS, "按指标评分")
    scores = _scores_field(
        help_text=(
            "指标 id → 分值（0 至该指标满分，最多两位小数），与已保存的草稿合并后每项指标都须"
            "有分值；草稿已填全时可为空对象 {}"
        ),
    )


class SimpleSubmitSerializer(SheetBodySerializer):
    """A submission of a simple-mode sheet: its one answer."""

    mode = tag_field(RoundMode.SIMPLE, "满意度评价")
    rating = _rating_field(help_text=RATING_HELP)


# The bodies of each scoring mode (= their ``mode``), to save a draft and to submit.
DRAFT_SERIALIZERS = {
    RoundMode.INDICATORS.value: IndicatorsDraftSerializer,
    RoundMode.SIMPLE.value: SimpleDraftSerializer,
}
SUBMIT_SERIALIZERS = {
    RoundMode.INDICATORS.value: IndicatorsSubmitSerializer,
    RoundMode.SIMPLE.value: SimpleSubmitSerializer,
}


class SheetModeSerializer(serializers.Serializer):
    """The discriminator of a sheet body, read before the body itself."""

    mode = serializers.ChoiceField(
        choices=RoundMode.choices,
        help_text="评分表所在轮次的评分方式（即评分表的 mode）",
        error_messages={"invalid_choice": "评分方式“{input}”无效，应为 indicators 或 simple。"},
    )


SHEET_DRAFT = PolymorphicProxySerializer(
    component_name="SheetDraft", serializers=DRAFT_SERIALIZERS, resource_type_field_name="mode"
)
SHEET_SUBMIT = PolymorphicProxySerializer(
    component_name="SheetSubmit", serializers=SUBMIT_SERIALIZERS, resource_type_field_name="mode"
)


class CellSerializer(serializers.Serializer):
    sheet = serializers.IntegerField(source="sheet_id")
    department = serializers.IntegerField()
    township = serializers.IntegerField()
    state = serializers.ChoiceField(choices=SheetState.choices)
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())


class RankSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    name = serializers.CharField()
    rank = serializers.IntegerField()
    base_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    peer_mean = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    sheets_received = serializers.IntegerField()
    sheets_missing = serializers.IntegerField()
    upheld_reports = serializers.IntegerField()
    penalty = serializers.DecimalField(max_digits=6, decimal_places=2)
    total = serializers.DecimalField(max_digits=6, decimal_places=2)


class NoteSerializer(serializers.Serializer):
    sheet = serializers.IntegerField(source="sheet_id")
    direction = serializers.ChoiceField(choices=Direction.choices)
    rater = serializers.CharField()
    ratee = serializers.CharField()
    state = serializers.ChoiceField(choices=SheetState.choices)
    flags = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_flags(self, note) -> list:
        return [{"kind": label, "detail": detail} for label, detail in note.flags]


class RoundResultsSerializer(serializers.Serializer):
    """A round's results as the user may see them (``evaluation.results``)."""

    round = EvaluationRoundSerializer(source="evaluation_round")
    is_whole = serializers.BooleanField(
        help_text="true：县委编办、县考核办或县级管理员视图（全县）；false：本单位视图"
    )
    is_preview = serializers.BooleanField(
        help_text=(
            "true：评分已截止、尚未公布，排名为按已录入基础分计算的预览（未保存）；"
            "false：已公布的结果，或尚无排名"
        )
    )
    preview_note = serializers.CharField(
        help_text="评分已截止但不能预览排名的原因（如缺少哪些单位的基础分）；否则为空字符串"
    )
    departments = UnitRefSerializer(many=True)
    townships = UnitRefSerializer(many=True)
    township_to_department = CellSerializer(many=True, help_text="乡镇评价部门的评分表得分")
    department_to_township = CellSerializer(many=True, help_text="部门评价乡镇的评分表得分")
    department_ranking = RankSerializer(many=True)
    township_ranking = RankSerializer(many=True)
    department_count = serializers.IntegerField()
    township_count = serializers.IntegerField()
    missing = NoteSerializer(many=True)
    flagged = NoteSerializer(many=True)


def results_payload(data: results.RoundResults) -> dict:
    """The ``RoundResultsSerializer`` input of ``data``: heat maps as lists of cells."""
    cells = {"received": [], "given": []}
    for row in data.rows:
        for attribute in cells:
            for township, cell in zip(data.townships, getattr(row, attribute), strict=True):
                if cell is not None:
                    cells[attribute].append(
                        {
                            "sheet_id": cell.sheet_id,
                            "department": row.department.pk,
                            "township": township.pk,
                            "state": cell.state,
                            "total": cell.total,
                            "flags": list(cell.flags),
                        }
                    )
    return {
        "evaluation_round": data.evaluation_round,
        "is_whole": data.is_whole,
        "is_preview": data.is_preview,
        "preview_note": data.preview_note,
        "departments": [unit_data(d) for d in data.departments],
        "townships": [unit_data(t) for t in data.townships],
        "township_to_department": cells["received"],
        "department_to_township": cells["given"],
        "department_ranking": data.department_ranking,
        "township_ranking": data.township_ranking,
        "department_count": data.department_count,
        "township_count": data.township_count,
        "missing": data.missing,
        "flagged": data.flagged,
    }
