"""REST API of the statistics (统计分析): ``/api/stats/<figure>/`` answers the same
tables as the page ``/stats/<figure>/``, scoped the same way
(``stats.permissions.stats_county_ids``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import NotVisible
from organisations.models import County

from .figures import FIGURES, FIGURES_BY_KEY
from .permissions import stats_county_ids
from .selectors import StatsScope, stats_scope

NO_COUNTY = "没有该县(市、区)的统计。"


class CountySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="县 id")
    name = serializers.CharField(help_text="县名")


class TableSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="表标识")
    title = serializers.CharField(help_text="表名")
    columns = serializers.ListField(child=serializers.CharField(), help_text="列名")
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text="各行，每行与列名一一对应（数值或文字）",
    )
    note = serializers.CharField(help_text="口径说明")


class FigureSerializer(serializers.Serializer):
    figure = serializers.CharField(help_text="统计标识")
    title = serializers.CharField(help_text="统计名称")
    counties = CountySerializer(many=True, help_text="统计范围内的县(市、区)")
    tables = TableSerializer(many=True)


class StatsQuerySerializer(serializers.Serializer):
    county = serializers.IntegerField(required=False, min_value=1, help_text="只看该县（县 id）")


class StatsFigureView(APIView):
    """One statistic's tables, for the county office and 市(省)级查看人员."""

    @extend_schema(
        summary="统计分析",
        description=(
            "与统计页面相同的数据表。县委编办看本县；市(省)级查看人员看所辖各县，可用 county "
            "筛选一个县。其他角色无权查看（403）；county 不在查看范围内的与不存在的一样返回 404。"
        ),
        parameters=[
            OpenApiParameter(
                "figure",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=[figure.key for figure in FIGURES],
                description="统计：" + "；".join(f"{f.key} {f.title}" for f in FIGURES),
            ),
            OpenApiParameter("county", OpenApiTypes.INT, description="只看该县（县 id）"),
        ],
        responses={
            200: FigureSerializer,
            401: OpenApiResponse(description="未登录或令牌无效"),
            400: OpenApiResponse(description="查询参数有误：按参数给出错误信息"),
            403: OpenApiResponse(description="无权查看统计"),
            404: OpenApiResponse(description="没有该统计，或没有该县（不在查看范围内的县相同）"),
        },
    )
    def get(self, request, figure):
        chosen = FIGURES_BY_KEY.get(figure)
        if chosen is None:
            raise NotFound("没有该统计。")
        county_ids = stats_county_ids(request.user)
        if not county_ids:
            raise PermissionDenied("您无权查看统计分析。")
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = stats_scope(county_ids)
        county_id = query.validated_data.get("county")
        if county_id is not None:
            if county_id not in scope.counties:
                if County.objects.filter(pk=county_id).exists():
                    raise NotVisible(NO_COUNTY)
                raise NotFound(NO_COUNTY)
            scope = StatsScope(counties={county_id: scope.counties[county_id]}, now=scope.now)
        tables = chosen.compute(scope)
        body = {
            "figure": chosen.key,
            "title": chosen.title,
            "counties": [{"id": pk, "name": name} for pk, name in scope.counties.items()],
            "tables": [
                {
                    "key": table.key,
                    "title": table.title,
                    "columns": list(table.columns),
                    "rows": table.rows,
                    "note": table.note,
                }
                for table in tables
            ],
        }
        return Response(FigureSerializer(body).data)
