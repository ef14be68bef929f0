"""REST API of the duty lists (三张清单): the user's lists, their items now or as of a
date, one item with its history, and the lists' releases (发布版本) with their changes.

Every read goes through ``duty_lists.selectors`` / ``duty_lists.snapshots`` with the
same scoping as the pages: county and department users see their county's whole lists,
township users the items that apply to their township, nobody another county's. An
item, release or county outside the user's scope answers 404 like an unknown id
(``config.api_errors``). People are shown as actors (id, username, name).
"""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.reverse import reverse

from config.api_errors import not_found_when_hidden
from config.api_fields import ChoiceLabelField
from organisations.api import ActorSerializer, actor_data
from organisations.models import County, User, Village

from . import release_selectors, selectors, snapshots
from .filters import DutyItemFilter
from .models import (
    DutyItem,
    DutyList,
    DutyType,
    ItemKind,
    ItemStatus,
    Level,
    PrimaryResponsibility,
    Release,
    ReleaseChangeKind,
    local_responsibilities_label,
    primary_responsibility_label,
)
from .views import as_of_for_user

ERRORS = {
    400: OpenApiResponse(description="查询参数有误：按参数给出错误信息"),
    401: OpenApiResponse(description="未登录或令牌无效"),
}
NOT_FOUND_DESCRIPTION = "不存在，或不在本人的查看范围内（与不存在相同）"
NO_ITEM = "没有该事项。"
NO_RELEASE = "没有该发布版本。"
NO_COUNTY = "没有该县的清单。"
NO_LIST = "没有该清单。"


def actors_by_id(user_ids) -> dict[int, dict]:
    """``ActorSerializer`` data of each of ``user_ids`` (None left out), one query."""
    ids = sorted({pk for pk in user_ids if pk is not None})
    users = User.objects.filter(pk__in=ids).only("pk", "username", "display_name") if ids else []
    return {
        user.pk: {"id": user.pk, "username": user.username, "name": str(user)} for user in users
    }


nullable_actor_field = extend_schema_field(ActorSerializer(allow_null=True))


class UnitSerializer(serializers.Serializer):
    """A county, department or township: its id and name."""

    id = serializers.IntegerField(read_only=True, help_text="单位 id")
    name = serializers.CharField(read_only=True, help_text="单位名称")


class CategorySerializer(serializers.Serializer):
    """A county's domain category (领域类别)."""

    id = serializers.IntegerField(read_only=True, help_text="类别 id")
    code = serializers.CharField(read_only=True, help_text="类别代码（新事项编码的中段）")
    name = serializers.CharField(
        source="full_name", read_only=True, help_text="类别名称；二级类别为“一级／二级”"
    )


class CooperationSerializer(serializers.Serializer):
    """A cooperating department (协同部门) of an item and its duties in it."""

    id = serializers.IntegerField(read_only=True, help_text="部门 id")
    name = serializers.CharField(read_only=True, help_text="部门名称")
    responsibilities = serializers.CharField(read_only=True, help_text="协同职责")


def cooperation_data(item) -> list[dict]:
    """``CooperationSerializer`` data of a current item (cooperations prefetched)."""
    return [
        {
            "id": row.department_id,
            "name": row.department.name,
            "responsibilities": row.responsibilities,
        }
        for row in item.cooperations.all()
    ]


class DutyListSerializer(serializers.ModelSerializer):
    """One county list of one level."""

    name = serializers.CharField(source="__str__", read_only=True, help_text="清单名称")
    county = UnitSerializer(read_only=True, help_text="所属县")
    level_label = ChoiceLabelField("level", help_text="层级（中文）")
    items_url = serializers.SerializerMethodField(help_text="该清单现行事项的接口地址")

    class Meta:
        model = DutyList
        fields = ["id", "name", "county", "level", "level_label", "items_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_items_url(self, duty_list) -> str:
        url = reverse("api:item-list", request=self.context["request"])
        return f"{url}?county={duty_list.county_id}&level={duty_list.level}"


VILLAGE_KIND_HELP = "适用村(社区)类型：village 仅村 / community 仅社区；空为两者（村、网格清单）"
FUNDING_HELP = "经费金额（万元）；未填写为空"
LOCAL_HELP = "属地职责：乡镇(街道)职责 / 村(社区)职责 / 网格职责（按清单层级）"


class DutyItemSerializer(serializers.ModelSerializer):
    """An item as it stands now (现行事项)."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:item-detail", help_text="本事项的接口地址"
    )
    county = UnitSerializer(source="duty_list.county", read_only=True, help_text="所属县")
    level = serializers.ChoiceField(
        source="duty_list.level", choices=Level.choices, read_only=True, help_text="清单层级"
    )
    level_label = serializers.CharField(
        source="duty_list.get_level_display", read_only=True, help_text="清单层级（中文）"
    )
    item_kind_label = ChoiceLabelField("item_kind", help_text="事项类型（中文）")
    category = CategorySerializer(read_only=True, help_text="领域类别")
    category_label = serializers.CharField(
        source="category.full_name", read_only=True, help_text="领域类别（中文）"
    )
    duty_type_label = ChoiceLabelField("duty_type", help_text="履职类型（中文）")
    primary_responsibility_label = serializers.SerializerMethodField(
        help_text="主体责任（中文）：牵头部门，或本级属地单位"
    )
    status_label = ChoiceLabelField("status", help_text="状态（中文）")
    lead_department = UnitSerializer(read_only=True, help_text="牵头部门")
    cooperating_departments = serializers.SerializerMethodField(
        help_text="协同部门及各自的协同职责，按清单顺序"
    )
    local_responsibilities_label = serializers.SerializerMethodField(
        help_text="属地职责的名称，如“乡镇(街道)职责”“村(社区)职责”"
    )
    funding_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True, help_text=FUNDING_HELP
    )
    townships = UnitSerializer(
        many=True, read_only=True, help_text="适用乡镇(街道)；适用全部时为空"
    )
    villages = UnitSerializer(
        many=True, read_only=True, help_text="适用村(社区)（村、网格清单）；适用全部时为空"
    )
    village_kind = serializers.ChoiceField(
        choices=Village.Kind.choices, allow_blank=True, read_only=True, help_text=VILLAGE_KIND_HELP
    )

    class Meta:
        model = DutyItem
        fields = [
            "id",
            "url",
            "code",
            "title",
            "county",
            "level",
            "level_label",
            "item_kind",
            "item_kind_label",
            "category",
            "category_label",
            "duty_type",
            "duty_type_label",
            "primary_responsibility",
            "primary_responsibility_label",
            "lead_department",
            "department_responsibilities",
            "cooperating_departments",
            "local_responsibilities",
            "local_responsibilities_label",
            "basis",
            "accountability",
            "exemption",
            "work_requirements",
            "funding_amount",
            "funding_source",
            "staffing",
            "equipment",
            "remarks",
            "guidance_code",
            "applies_to_all",
            "townships",
            "villages",
            "village_kind",
            "effective_date",
            "expires_on",
            "status",
            "status_label",
            "withdrawn_date",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "local_responsibilities": {"help_text": LOCAL_HELP},
            "expires_on": {"help_text": "临时事项的有效期（最后一天）；长期事项为空"},
        }

    @extend_schema_field(CooperationSerializer(many=True))
    def get_cooperating_departments(self, item) -> list[dict]:
        return cooperation_data(item)

    def get_local_responsibilities_label(self, item) -> str:
        return local_responsibilities_label(item.duty_list.level)

    def get_primary_responsibility_label(self, item) -> str:
        return primary_responsibility_label(item.primary_responsibility, item.duty_list.level)


class ItemVersionSerializer(serializers.Serializer):
    """One recorded version of an item (历史版本), e.g. the one in force on a date."""

    id = serializers.IntegerField(source="item_id", read_only=True, help_text="事项 id")
    history_id = serializers.IntegerField(read_only=True, help_text="历史记录 id")
    history_date = serializers.DateTimeField(read_only=True, help_text="记录时间")
    history_user = serializers.SerializerMethodField(help_text="记录人；系统操作为空")
    change_reason = serializers.CharField(read_only=True, help_text="变更理由")
    code = serializers.CharField(read_only=True, help_text="事项编码")
    title = serializers.CharField(read_only=True, help_text="事项名称")
    level = serializers.ChoiceField(choices=Level.choices, read_only=True, help_text="清单层级")
    item_kind = serializers.ChoiceField(
        choices=ItemKind.choices, read_only=True, help_text="事项类型"
    )
    item_kind_label = serializers.CharField(read_only=True, help_text="事项类型（中文）")
    category = serializers.SerializerMethodField(help_text="领域类别")
    category_label = serializers.CharField(read_only=True, help_text="领域类别（中文）")
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
    lead_department = serializers.SerializerMethodField(help_text="牵头部门")
    department_responsibilities = serializers.CharField(read_only=True, help_text="部门职责")
    cooperating_departments = serializers.SerializerMethodField(
        help_text="协同部门及各自的协同职责，按清单顺序"
    )
    local_responsibilities = serializers.CharField(read_only=True, help_text=LOCAL_HELP)
    local_responsibilities_label = serializers.CharField(read_only=True, help_text="属地职责的名称")
    basis = serializers.CharField(read_only=True, help_text="实施依据")
    accountability = serializers.CharField(read_only=True, help_text="追责情形")
    exemption = serializers.CharField(read_only=True, help_text="免责情形")
    work_requirements = serializers.CharField(read_only=True, help_text="工作要求/时限")
    funding_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True, help_text=FUNDING_HELP
    )
    funding_source = serializers.CharField(read_only=True, help_text="经费来源；“无”为没有")
    staffing = serializers.CharField(read_only=True, help_text="人员保障；“无”为没有")
    equipment = serializers.CharField(read_only=True, help_text="装备保障；“无”为没有")
    remarks = serializers.CharField(read_only=True, help_text="备注")
    guidance_code = serializers.CharField(read_only=True, help_text="指导目录编码")
    applies_to_all = serializers.BooleanField(read_only=True, help_text="适用本级全部单位")
    township_ids = serializers.SerializerMethodField(help_text="适用乡镇(街道) id")
    township_names = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="适用乡镇(街道)名称"
    )
    village_ids = serializers.SerializerMethodField(help_text="适用村(社区) id")
    village_names = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="适用村(社区)名称"
    )
    village_kind = serializers.CharField(read_only=True, help_text=VILLAGE_KIND_HELP)
    applicability_label = serializers.CharField(
        read_only=True, help_text="适用范围：“全部”或乡镇、村(社区)名称"
    )
    effective_date = serializers.DateField(read_only=True, help_text="生效日期")
    expires_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="临时事项的有效期（最后一天）；长期事项为空"
    )
    status = serializers.ChoiceField(choices=ItemStatus.choices, read_only=True, help_text="状态")
    status_label = serializers.CharField(read_only=True, help_text="状态（中文）")
    withdrawn_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="取消日期；有效事项为空"
    )

    @nullable_actor_field
    def get_history_user(self, snapshot) -> dict | None:
        # The page's people are read in one go into the context (``actors_by_id``).
        return self.context["actors"].get(snapshot.history_user_id)

    @extend_schema_field(UnitSerializer(allow_null=True))
    def get_lead_department(self, snapshot) -> dict | None:
        if snapshot.lead_department_id is None:
            return None
        return {"id": snapshot.lead_department_id, "name": snapshot.lead_department_name}

    @extend_schema_field(CategorySerializer(allow_null=True))
    def get_category(self, snapshot) -> dict | None:
        if snapshot.category_id is None:
            return None
        return {
            "id": snapshot.category_id,
            "code": snapshot.category_code,
            "name": snapshot.category_label,
        }

    @extend_schema_field(CooperationSerializer(many=True))
    def get_cooperating_departments(self, snapshot) -> list[dict]:
        return [
            {
                "id": row.department_id,
                "name": row.department_name,
                "responsibilities": row.responsibilities,
            }
            for row in snapshot.cooperations
        ]

    def get_township_ids(self, snapshot) -> list[int]:
        return sorted(snapshot.township_ids)

    def get_village_ids(self, snapshot) -> list[int]:
        return sorted(snapshot.village_ids)


class FieldChangeSerializer(serializers.Serializer):
    """One field that differs from the previous version."""

    field = serializers.CharField(read_only=True, help_text="字段名")
    label = serializers.CharField(read_only=True, help_text="字段名称（中文）")
    old = serializers.CharField(read_only=True, help_text="原值（可读文本）")
    new = serializers.CharField(read_only=True, help_text="新值（可读文本）")


class HistoryEntrySerializer(serializers.Serializer):
    """One history record of an item: who, when, why, what changed."""

    history_id = serializers.IntegerField(read_only=True, help_text="历史记录 id")
    when = serializers.DateTimeField(read_only=True, help_text="记录时间")
    user = serializers.SerializerMethodField(help_text="记录人；系统操作为空")
    reason = serializers.CharField(read_only=True, help_text="变更理由")
    kind = serializers.CharField(read_only=True, help_text="变更类型：新增 / 修改 / 取消 / 删除")
    changes = FieldChangeSerializer(many=True, read_only=True, help_text="与上一版本的差异")
    version = ItemVersionSerializer(source="snapshot", read_only=True, help_text="该版本的内容")

    @nullable_actor_field
    def get_user(self, entry) -> dict | None:
        return self.context["actors"].get(entry.user_id)


class DutyItemDetailSerializer(DutyItemSerializer):
    """An item with its whole history, oldest first."""

    history = HistoryEntrySerializer(
        source="history_entries", many=True, read_only=True, help_text="历史记录，最早的在前"
    )

    class Meta(DutyItemSerializer.Meta):
        fields = [*DutyItemSerializer.Meta.fields, "history"]
        read_only_fields = fields


class AsOfQuerySerializer(serializers.Serializer):
    """Query of a list as of a date: county, level and date are all required."""

    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.all(), help_text="县 id")
    level = serializers.ChoiceField(choices=Level.choices, help_text="清单层级")
    as_of = serializers.DateField(help_text="日期 YYYY-MM-DD")


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.ModelChoiceFilter):
    """A unit or category chosen by id (typed for the schema; the page's filters are
    untyped)."""


class DutyItemApiFilter(DutyItemFilter):
    """The list page's filters plus the county; items in force unless ``status`` says.
    ``department`` (id) finds the items a department leads or works on; with
    ``department_role`` (lead / cooperating) only one of the two."""

    county = django_filters.ModelChoiceFilter(
        label="所属县", field_name="duty_list__county", queryset=County.objects.all()
    )
    township = IdFilter(label="适用乡镇(街道)", queryset=None, method="filter_township")
    category = IdFilter(label="领域类别", queryset=None, method="filter_category")
    department = IdFilter(label="参与部门(牵头或协同)", queryset=None, method="filter_department")

    class Meta(DutyItemFilter.Meta):
        fields = ["county", *DutyItemFilter.Meta.fields]


@extend_schema_view(
    list=extend_schema(
        summary="我可查看的清单",
        description="本人可查看的各县三张清单（乡镇用户为本县清单，其中只能看到适用于本乡镇的事项）。",
        responses={200: DutyListSerializer(many=True), **ERRORS},
    ),
)
class DutyListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """三张清单: the lists of the counties in which the user sees anything."""

    serializer_class = DutyListSerializer
    queryset = DutyList.objects.none()  # for the schema; see get_queryset
    filter_backends = []

    def get_queryset(self):
        counties = selectors.counties_of_user(self.request.user)
        return (
            DutyList.objects.filter(county__in=counties)
            .select_related("county")
            .order_by("county__code", "level")
        )


@extend_schema_view(
    list=extend_schema(
        summary="清单事项（现行或某日）",
        description=(
            "不带 as_of：本人可查看的现行事项，可按县、层级、事项类型、领域类别（含二级类别）、"
            "履职类型、牵头部门、参与部门（department：牵头或协同，department_role 可限定 "
            "lead 牵头 / cooperating 协同）、适用乡镇、临时事项、状态筛选（默认只列有效事项）。"
            "带 as_of=YYYY-MM-DD：该县该层级清单在当日的版本（须同时给出 county 和 level，"
            "其余筛选条件不适用），每行为一个历史版本。"
        ),
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description="查看某日的清单（YYYY-MM-DD），须同时给出 county 和 level",
            ),
            OpenApiParameter(
                "township",
                OpenApiTypes.INT,
                description="适用乡镇(街道) id：只列适用于该乡镇的事项",
            ),
            OpenApiParameter(
                "department",
                OpenApiTypes.INT,
                description="部门 id：只列该部门牵头或协同的事项",
            ),
            OpenApiParameter(
                "category",
                OpenApiTypes.INT,
                description="领域类别 id：只列该类别及其二级类别的事项",
            ),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="ItemOrVersion",
                serializers=[DutyItemSerializer, ItemVersionSerializer],
                resource_type_field_name=None,
                many=True,
            ),
            **ERRORS,
            404: OpenApiResponse(description=f"县{NOT_FOUND_DESCRIPTION}（as_of 查询）"),
        },
    ),
    retrieve=extend_schema(
        summary="事项详情与历史",
        description="一个事项的现行内容和全部历史记录（谁、何时、为何、改了什么）。",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="事项 id")
        ],
        responses={
            200: DutyItemDetailSerializer,
            **ERRORS,
            404: OpenApiResponse(description=f"事项{NOT_FOUND_DESCRIPTION}"),
        },
    ),
)
class DutyItemViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """清单事项: items now or as of a date, and one item with its history."""

    serializer_class = DutyItemSerializer
    filterset_class = DutyItemApiFilter
    queryset = DutyItem.objects.none()  # for the schema; see get_queryset
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.duty_item_list(self.request.user)

    def list(self, request):
        """Current items (filtered), or the snapshots of one list on ``as_of``."""
        if "as_of" not in request.query_params:
            return super().list(request)
        query = AsOfQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        with not_found_when_hidden(NO_COUNTY):
            versions = as_of_for_user(request.user, data["county"], data["level"], data["as_of"])
        page = self.paginate_queryset(versions)
        context = {"actors": actors_by_id(snapshot.history_user_id for snapshot in page)}
        return self.get_paginated_response(
            ItemVersionSerializer(page, many=True, context=context).data
        )

    def retrieve(self, request, pk=None):
        """One item (404 if unknown or outside the user's scope) with its history."""
        with not_found_when_hidden(NO_ITEM):
            item = selectors.duty_item_get(request.user, int(pk))
        item.history_entries = snapshots.item_history(item)
        context = {
            **self.get_serializer_context(),
            "actors": actors_by_id(entry.user_id for entry in item.history_entries),
        }
        return Response(DutyItemDetailSerializer(item, context=context).data)


class ReleaseListSerializer(serializers.ModelSerializer):
    """A release (发布版本) of a list: its number, 文号, body, dates."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:release-detail", help_text="本版本的接口地址"
    )
    list = serializers.SerializerMethodField(help_text="清单")
    published_by = serializers.SerializerMethodField(help_text="登记人；系统发布为空")
    change_count = serializers.IntegerField(read_only=True, help_text="变更事项数")

    class Meta:
        model = Release
        fields = [
            "id",
            "url",
            "list",
            "number",
            "document_number",
            "decided_by",
            "decided_on",
            "effective_date",
            "published_at",
            "published_by",
            "note",
            "change_count",
        ]
        read_only_fields = fields

    @extend_schema_field(DutyListSerializer)
    def get_list(self, release) -> dict:
        return DutyListSerializer(release.duty_list, context=self.context).data

    @nullable_actor_field
    def get_published_by(self, release) -> dict | None:
        if release.published_by_id is None:
            return None
        return actor_data(release.published_by)


class ReleasedVersionSerializer(serializers.Serializer):
    """One item a release changed: what it did, the version it issued and what changed
    since the previous release."""

    kind = serializers.ChoiceField(
        choices=ReleaseChangeKind.choices,
        read_only=True,
        help_text="added 新增 / amended 修改 / withdrawn 取消",
    )
    version = ItemVersionSerializer(source="after", read_only=True, help_text="本版本的事项内容")
    changes = FieldChangeSerializer(many=True, read_only=True, help_text="与上一版本相比的差异")


class ReleaseDetailSerializer(ReleaseListSerializer):
    """A release with its changes (as the user may see them)."""

    changes = ReleasedVersionSerializer(
        source="versions", many=True, read_only=True, help_text="本版本变更的事项"
    )

    class Meta(ReleaseListSerializer.Meta):
        fields = [*ReleaseListSerializer.Meta.fields, "changes"]
        read_only_fields = fields


class ReleaseQuerySerializer(serializers.Serializer):
    """Optional filter of the release list: one list."""

    list = serializers.PrimaryKeyRelatedField(
        queryset=DutyList.objects.select_related("county"),
        required=False,
        help_text="清单 id（见 /api/lists/）",
    )


@extend_schema_view(
    list=extend_schema(
        summary="发布版本",
        description="本人可查看的各县清单的发布版本（每次审定印发为一版），可按清单筛选。",
        parameters=[OpenApiParameter("list", OpenApiTypes.INT, description="清单 id")],
        responses={
            200: ReleaseListSerializer(many=True),
            **ERRORS,
            404: OpenApiResponse(description=f"清单{NOT_FOUND_DESCRIPTION}"),
        },
    ),
    retrieve=extend_schema(
        summary="发布版本详情",
        description=(
            "一个发布版本：文号、审定机关、日期，以及新增、修改、取消的事项（乡镇用户只能看到"
            "适用于本乡镇的事项）。"
        ),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="版本 id")
        ],
        responses={
            200: ReleaseDetailSerializer,
            **ERRORS,
            404: OpenApiResponse(description=f"版本{NOT_FOUND_DESCRIPTION}"),
        },
    ),
)
class ReleaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """发布版本: the releases of the user's lists, and one release with its changes."""

    serializer_class = ReleaseListSerializer
    queryset = Release.objects.none()  # for the schema; see get_queryset
    lookup_value_regex = r"\d+"
    filter_backends = []

    def get_queryset(self):
        query = ReleaseQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        with not_found_when_hidden(NO_LIST):
            return release_selectors.release_list(
                self.request.user, duty_list=query.validated_data.get("list")
            )

    def retrieve(self, request, pk=None):
        """One release (404 if unknown or outside the user's counties) with the changes
        the user may see."""
        with not_found_when_hidden(NO_RELEASE):
            release = release_selectors.release_get(request.user, int(pk))
        release.versions = release_selectors.release_versions(request.user, release)
        release.change_count = len(release.versions)
        context = {
            **self.get_serializer_context(),
            "actors": actors_by_id(version.after.history_user_id for version in release.versions),
        }
        return Response(ReleaseDetailSerializer(release, context=context).data)
