"""Public read endpoints under ``/api/public/`` (公开接口): no authentication, throttled per
client address (``DEFAULT_THROTTLE_RATES["public"]``), the same reads and the same
limits as the public pages (``public.selectors``): a county whose public pages are off
answers 404 everywhere, and nothing non-public is serialised (no users, reasons,
requests).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from duty_lists.directory import DepartmentRole, department_items
from duty_lists.models import DutyType, ItemKind, ItemStatus, Level, PrimaryResponsibility

from . import selectors
from .caching import MAX_AGE

NOT_PUBLISHED = OpenApiResponse(description="没有该县，或该县未公开清单；或没有该对象")
THROTTLED = OpenApiResponse(description="请求过于频繁，请稍后再试")
COUNTY_CODE = OpenApiParameter(
    "county_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="县(市、区)编码"
)


class PublicEndpoint(APIView):
    """Base of the public endpoints: anyone, throttled, cacheable for ``MAX_AGE``."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    # Counted per worker in the default (in-process) cache: a guard against scraping,
    # not a security boundary, and a shared database cache would cost six queries a
    # call. The token endpoint's login throttles use the shared store.
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "public"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response


class PublicCountySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="县(市、区)编码")
    name = serializers.CharField(read_only=True, help_text="名称")
    url = serializers.SerializerMethodField(help_text="本县公开接口地址")

    def get_url(self, county) -> str:
        return reverse("api:public-county", args=[county.code], request=self.context["request"])


class PublicReleaseSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="发布版本 id")
    number = serializers.IntegerField(read_only=True, help_text="版本号")
    document_number = serializers.CharField(read_only=True, help_text="文号")
    decided_by = serializers.CharField(read_only=True, help_text="审定机关")
    decided_on = serializers.DateField(read_only=True, help_text="审定日期")
    effective_date = serializers.DateField(read_only=True, help_text="施行日期")


class PublicCountyListSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, read_only=True, help_text="层级")
    level_label = serializers.CharField(read_only=True, help_text="层级（中文）")
    name = serializers.CharField(read_only=True, help_text="清单名称")
    item_count = serializers.IntegerField(read_only=True, help_text="现行事项数")
    latest_release = PublicReleaseSummarySerializer(
        read_only=True, allow_null=True, help_text="最近一次发布版本；尚未发布为空"
    )


class PublicUnitSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="编码")
    name = serializers.CharField(read_only=True, help_text="名称")


class PublicDirectorySerializer(PublicUnitSerializer):
    item_count = serializers.IntegerField(
        read_only=True, help_text="牵头或协同的现行事项数（部门目录）"
    )


class PublicCountyDetailSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="县(市、区)编码")
    name = serializers.CharField(read_only=True, help_text="名称")
    lists = PublicCountyListSerializer(many=True, read_only=True, help_text="现行三张清单")
    townships = PublicUnitSerializer(many=True, read_only=True, help_text="乡镇(街道)")
    departments = PublicDirectorySerializer(many=True, read_only=True, help_text="部门目录")
    notice_url = serializers.CharField(read_only=True, help_text="公示页面地址")


class PublicLeadDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, source="lead_department_id", help_text="id")
    name = serializers.CharField(read_only=True, source="lead_department_name", help_text="名称")


class PublicCooperationSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True, source="department_name", help_text="协同部门")
    responsibilities = serializers.CharField(read_only=True, help_text="协同职责")


class PublicItemSerializer(serializers.Serializer):
    """An item's public fields (a version of it, e.g. the one in force today)."""

    id = serializers.IntegerField(source="item_id", read_only=True, help_text="事项 id")
    code = serializers.CharField(read_only=True, help_text="事项编码")
    title = serializers.CharField(read_only=True, help_text="事项名称")
    level = serializers.SerializerMethodField(help_text="清单层级")
    item_kind = serializers.ChoiceField(
        choices=ItemKind.choices, read_only=True, help_text="事项类型"
    )
    item_kind_label = serializers.CharField(read_only=True, help_text="事项类型（中文）")
    category = serializers.CharField(source="category_code", read_only=True, help_text="类别代码")
    category_label = serializers.CharField(
        read_only=True, help_text="类别（二级类别为“一级／二级”）"
    )
    duty_type = serializers.ChoiceField(
        choices=DutyType.choices, read_only=True, help_text="履职类型"
    )
    duty_type_label = serializers.CharField(read_only=True, help_text="履职类型（中文）")
    primary_responsibility = serializers.ChoiceField(
        choices=PrimaryResponsibility.choices, read_only=True, help_text="主体责任"
    )
    primary_responsibility_label = serializers.CharField(
        read_only=True, help_text="主体责任（中文）"
    )
    lead_department = PublicLeadDepartmentSerializer(
        source="*", read_only=True, help_text="牵头部门"
    )
    department_responsibilities = serializers.CharField(read_only=True, help_text="部门职责")
    cooperating_departments = PublicCooperationSerializer(
        source="cooperations", many=True, read_only=True, help_text="协同部门及职责"
    )
    local_responsibilities = serializers.CharField(
        read_only=True, help_text="乡镇(街道)/村(社区)/网格职责"
    )
    local_responsibilities_label = serializers.CharField(
        read_only=True, help_text="属地职责的名称，如“乡镇(街道)职责”"
    )
    basis = serializers.CharField(read_only=True, help_text="实施依据")
    accountability = serializers.CharField(read_only=True, help_text="追责情形")
    exemption = serializers.CharField(read_only=True, help_text="免责情形")
    work_requirements = serializers.CharField(read_only=True, help_text="工作要求/时限")
    funding_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="经费金额（万元）",
    )
    funding_source = serializers.CharField(read_only=True, help_text="经费来源")
    staffing = serializers.CharField(read_only=True, help_text="人员保障")
    equipment = serializers.CharField(read_only=True, help_text="装备保障")
    resources = serializers.CharField(
        source="resources_text", read_only=True, help_text="配套保障（经费/人员/装备，文字）"
    )
    remarks = serializers.CharField(read_only=True, help_text="备注")
    guidance_code = serializers.CharField(read_only=True, help_text="指导目录编码")
    applies_to_all = serializers.BooleanField(read_only=True, help_text="适用本级全部单位")
    township_names = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="适用乡镇(街道)；适用全部时为空"
    )
    village_names = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="适用村(社区)（村、网格清单）；适用全部时为空",
    )
    village_kind = serializers.CharField(
        read_only=True, help_text="只适用于村（village）或社区（community）；空为两者"
    )
    applies_label = serializers.SerializerMethodField(help_text="适用范围（文字）")
    effective_date = serializers.DateField(read_only=True, help_text="生效日期")
    expires_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="临时事项的有效期至；长期事项为空"
    )
    status = serializers.ChoiceField(choices=ItemStatus.choices, read_only=True, help_text="状态")
    status_label = serializers.CharField(read_only=True, help_text="状态（中文）")
    withdrawn_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="取消日期；有效事项为空"
    )

    def _level(self, snapshot) -> str:
        return self.context["levels"][snapshot.duty_list_id]

    @extend_schema_field(serializers.ChoiceField(choices=Level.choices))
    def get_level(self, snapshot) -> str:
        return self._level(snapshot)

    def get_applies_label(self, snapshot) -> str:
        return selectors.applies_label(snapshot, self._level(snapshot))


class PublicFieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(read_only=True, help_text="字段名")
    label = serializers.CharField(read_only=True, help_text="字段名称（中文）")
    old = serializers.CharField(read_only=True, help_text="原内容")
    new = serializers.CharField(read_only=True, help_text="新内容")


class PublicReleaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="发布版本 id")
    number = serializers.IntegerField(read_only=True, help_text="版本号")
    document_number = serializers.CharField(read_only=True, help_text="文号")


class PublicHistorySerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True, help_text="变更日期")
    kind = serializers.CharField(read_only=True, help_text="新增 / 修改 / 取消")
    changes = PublicFieldChangeSerializer(many=True, read_only=True, help_text="变更的字段")
    release = PublicReleaseRefSerializer(
        read_only=True, allow_null=True, help_text="印发该变更的发布版本；未以文号发布为空"
    )


class PublicItemDetailSerializer(serializers.Serializer):
    item = PublicItemSerializer(source="current", read_only=True, help_text="事项的现行内容")
    in_force_today = serializers.BooleanField(read_only=True, help_text="今天是否有效")
    history = PublicHistorySerializer(many=True, read_only=True, help_text="变更记录，最早的在前")


class PublicReleaseSerializer(PublicReleaseSummarySerializer):
    level = serializers.ChoiceField(
        source="duty_list.level", choices=Level.choices, read_only=True, help_text="清单层级"
    )
    added = serializers.IntegerField(read_only=True, help_text="新增事项数")
    amended = serializers.IntegerField(read_only=True, help_text="修改事项数")
    withdrawn = serializers.IntegerField(read_only=True, help_text="取消事项数")
    url = serializers.SerializerMethodField(help_text="本版本接口地址")

    def get_url(self, release) -> str:
        return reverse(
            "api:public-release",
            args=[release.duty_list.county.code, release.pk],
            request=self.context["request"],
        )


class PublicReleaseChangeSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True, help_text="变更类型：added / amended / withdrawn")
    kind_label = serializers.CharField(read_only=True, help_text="变更类型（中文）")
    item_id = serializers.IntegerField(read_only=True, help_text="事项 id")
    code = serializers.CharField(read_only=True, help_text="事项编码（该版本）")
    title = serializers.CharField(read_only=True, help_text="事项名称（该版本）")
    lead_department_name = serializers.CharField(read_only=True, help_text="牵头部门")


class PublicReleaseDetailSerializer(PublicReleaseSummarySerializer):
    level = serializers.ChoiceField(
        source="duty_list.level", choices=Level.choices, read_only=True, help_text="清单层级"
    )
    note = serializers.CharField(read_only=True, help_text="说明")
    changes = PublicReleaseChangeSerializer(
        source="public_changes", many=True, read_only=True, help_text="本版本调整的事项"
    )


class PublicMatchSerializer(serializers.Serializer):
    item = PublicItemSerializer(read_only=True, help_text="事项")
    covers = serializers.BooleanField(read_only=True, help_text="是否包含全部关键词")
    fields = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="找到关键词的字段"
    )
    level_label = serializers.CharField(read_only=True, help_text="所在清单")
    applies_label = serializers.CharField(read_only=True, help_text="适用范围（文字）")
    applies_to_township = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="是否适用于所选乡镇(街道)；未选为空"
    )


class PublicSearchSerializer(serializers.Serializer):
    query = serializers.CharField(read_only=True, help_text="查询内容")
    keywords = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="关键词（规范化后）"
    )
    township = PublicUnitSerializer(read_only=True, allow_null=True, help_text="所选乡镇(街道)")
    is_covered = serializers.BooleanField(read_only=True, help_text="是否在清单上")
    covering = PublicMatchSerializer(many=True, read_only=True, help_text="涵盖这件事的事项")
    elsewhere = PublicMatchSerializer(
        many=True, read_only=True, help_text="涵盖这件事但不适用于所选乡镇(街道)的事项"
    )
    near = PublicMatchSerializer(
        many=True, read_only=True, help_text="没有事项包含全部关键词时，内容相近的事项"
    )


def _levels(lists) -> dict[int, str]:
    return {entry.duty_list.pk: entry.level for entry in lists}


class CountyListView(PublicEndpoint):
    """公开清单的县(市、区)."""

    @extend_schema(
        summary="公开清单的县(市、区)",
        responses={200: PublicCountySerializer(many=True), 429: THROTTLED},
    )
    def get(self, request):
        counties = selectors.public_counties()
        serializer = PublicCountySerializer(counties, many=True, context={"request": request})
        return Response(serializer.data)


class CountyDetailView(PublicEndpoint):
    """One county: its lists in force, townships, department directory, 公示 address."""

    @extend_schema(
        summary="县(市、区)的现行清单、乡镇(街道)和部门目录",
        parameters=[COUNTY_CODE],
        responses={200: PublicCountyDetailSerializer, 404: NOT_PUBLISHED, 429: THROTTLED},
    )
    def get(self, request, county_code):
        county = selectors.public_county_get(county_code)
        lists = selectors.lists_in_force(county)
        latest = selectors.latest_releases(county)
        data = {
            "code": county.code,
            "name": county.name,
            "lists": [
                {
                    "level": entry.level,
                    "level_label": entry.level_label,
                    "name": entry.title,
                    "item_count": len(entry.items),
                    "latest_release": latest.get(entry.duty_list.pk),
                }
                for entry in lists
            ],
            "townships": selectors.county_townships(county),
            "departments": [
                {"code": e.department.code, "name": e.department.name, "item_count": e.item_count}
                for e in selectors.county_directory(county, lists)
            ],
            "notice_url": f"/public/{county.code}/notice/",
        }
        return Response(PublicCountyDetailSerializer(data).data)


class ItemListView(PublicEndpoint):
    """Items in force today, of one level and/or one township or department."""

    pagination_class = PageNumberPagination

    @extend_schema(
        summary="现行清单事项",
        description=(
            "今天有效的清单事项，可按层级（level）、乡镇(街道)编码（township，只列适用于该乡镇的"
            "事项）或部门编码（department，只列该部门牵头或协同的事项；role=lead 只列牵头、"
            "role=cooperating 只列协同）筛选。"
        ),
        parameters=[
            COUNTY_CODE,
            OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values, description="层级"),
            OpenApiParameter("township", OpenApiTypes.STR, description="乡镇(街道)编码"),
            OpenApiParameter("department", OpenApiTypes.STR, description="部门编码"),
            OpenApiParameter(
                "role",
                OpenApiTypes.STR,
                enum=DepartmentRole.values,
                description="部门角色：lead 牵头 / cooperating 协同（与 department 一起用）",
            ),
            OpenApiParameter("page", OpenApiTypes.INT, description="页码"),
        ],
        responses={200: PublicItemSerializer(many=True), 404: NOT_PUBLISHED, 429: THROTTLED},
    )
    def get(self, request, county_code):
        county = selectors.public_county_get(county_code)
        level = request.query_params.get("level")
        if level:
            selectors.county_list_get(county, level)
        lists = selectors.lists_in_force(
            county, levels=(level,) if level else selectors.LEVEL_ORDER
        )
        if request.query_params.get("township"):
            township = selectors.township_get(county, request.query_params["township"])
            lists = selectors.township_lists(lists, township)
        items = [item for entry in lists for item in entry.items]
        if request.query_params.get("department"):
            department = selectors.department_get(county, request.query_params["department"])
            role = request.query_params.get("role") or None
            if role is not None and role not in DepartmentRole.values:
                return Response({"role": ["部门角色应为 lead 或 cooperating。"]}, status=400)
            items = [entry.item for entry in department_items(items, department.pk, role)]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        serializer = PublicItemSerializer(page, many=True, context={"levels": _levels(lists)})
        return paginator.get_paginated_response(serializer.data)


class ItemDetailView(PublicEndpoint):
    """One item's public fields and public change history."""

    @extend_schema(
        summary="事项详情与变更记录",
        parameters=[
            COUNTY_CODE,
            OpenApiParameter(
                "item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="事项 id"
            ),
        ],
        responses={200: PublicItemDetailSerializer, 404: NOT_PUBLISHED, 429: THROTTLED},
    )
    def get(self, request, county_code, item_id):
        county = selectors.public_county_get(county_code)
        item = selectors.public_item(selectors.item_get(county, item_id))
        context = {"levels": {item.duty_list.pk: item.duty_list.level}}
        return Response(PublicItemDetailSerializer(item, context=context).data)


class ReleaseListView(PublicEndpoint):
    """The county's releases, newest first."""

    @extend_schema(
        summary="发布版本",
        parameters=[COUNTY_CODE],
        responses={200: PublicReleaseSerializer(many=True), 404: NOT_PUBLISHED, 429: THROTTLED},
    )
    def get(self, request, county_code):
        county = selectors.public_county_get(county_code)
        releases = selectors.county_releases(county)
        serializer = PublicReleaseSerializer(releases, many=True, context={"request": request})
        return Response(serializer.data)


class ReleaseDetailView(PublicEndpoint):
    """One release with the items it added, amended and withdrew."""

    @extend_schema(
        summary="发布版本详情",
        parameters=[
            COUNTY_CODE,
            OpenApiParameter(
                "release_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="发布版本 id"
            ),
        ],
        responses={200: PublicReleaseDetailSerializer, 404: NOT_PUBLISHED, 429: THROTTLED},
    )
    def get(self, request, county_code, release_id):
        county = selectors.public_county_get(county_code)
        release = selectors.release_get(county, release_id)
        release.public_changes = selectors.release_changes(release)
        return Response(PublicReleaseDetailSerializer(release).data)


class SearchView(PublicEndpoint):
    """这件事在清单上吗？"""

    @extend_schema(
        summary="这件事在清单上吗？",
        description=(
            "在现行三张清单的事项编码、名称、部门职责、协同部门及职责、属地职责、实施依据和备注中"
            "查找（不区分全角半角和大小写，多个关键词用空格分开）。给出 township 时，回答该"
            "乡镇(街道)适用的事项。"
        ),
        parameters=[
            COUNTY_CODE,
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="关键词"),
            OpenApiParameter("township", OpenApiTypes.STR, description="乡镇(街道)编码"),
        ],
        responses={
            200: PublicSearchSerializer,
            400: OpenApiResponse(description="没有给出关键词"),
            404: NOT_PUBLISHED,
            429: THROTTLED,
        },
    )
    def get(self, request, county_code):
        county = selectors.public_county_get(county_code)
        query = request.query_params.get("q", "").strip()[:100]
        if not query:
            return Response({"q": ["请输入要查的事情。"]}, status=400)
        township = None
        if request.query_params.get("township"):
            township = selectors.township_get(county, request.query_params["township"])
        lists = selectors.lists_in_force(county)
        result = selectors.search(lists, query, township)
        context = {"levels": _levels(lists)}
        data = {
            "query": result.query,
            "keywords": list(result.keywords),
            "township": township,
            "is_covered": result.is_covered,
            "covering": result.covering,
            "elsewhere": result.elsewhere,
            "near": result.near,
        }
        return Response(PublicSearchSerializer(data, context=context).data)
