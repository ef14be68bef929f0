"""``GET /api/me/``: who the caller is, its memberships, and what it may do where.

A client reads it once after logging in to find the ids it needs (the unit to file a
request for, the county of a round, …) without trying and failing. Every right is read
from the same permission functions the services check, so what this says is what the
server allows; the lists are the units (or counties) each right holds on.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from organisations import permissions as org_permissions
from organisations.api import UNIT_TYPE_OF, UNIT_TYPES
from organisations.models import County, Department, Grid, Membership, Role, Township, Village

from .. import permissions
from ..models import ChangeKind, CountyWorkflowSettings

# A membership's or a right's unit: the county itself, or one of the units.
ME_UNIT_TYPES = [("county", "县"), *UNIT_TYPES]


class MeUnitSerializer(serializers.Serializer):
    """A unit: a county, a department or a township."""

    type = serializers.ChoiceField(
        choices=ME_UNIT_TYPES,
        read_only=True,
        help_text=(
            "county 县 / department 部门 / township 乡镇(街道) / village 村(社区) / grid 网格"
        ),
    )
    id = serializers.IntegerField(read_only=True, help_text="单位 id")
    name = serializers.CharField(read_only=True, help_text="单位名称")
    county = serializers.IntegerField(read_only=True, help_text="所属县 id（县本身为其 id）")


class MembershipSerializer(serializers.Serializer):
    """One role of the user in one unit (任职)."""

    role = serializers.ChoiceField(choices=Role.choices, read_only=True, help_text="角色")
    role_label = serializers.CharField(read_only=True, help_text="角色（中文）")
    unit = MeUnitSerializer(read_only=True, help_text="任职单位（县级角色为县）")


class CountyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="县 id")
    code = serializers.CharField(read_only=True, help_text="县编码")
    name = serializers.CharField(read_only=True, help_text="县名称")
    whole_lists = serializers.BooleanField(
        read_only=True, help_text="是否可查看该县全部清单（否：只看适用于本乡镇的事项）"
    )


class FilingRightSerializer(serializers.Serializer):
    """A unit the user may file change requests for, and which kinds."""

    unit = MeUnitSerializer(read_only=True, help_text="可作为申请单位（initiator）的单位")
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ChangeKind.choices),
        read_only=True,
        help_text=(
            "可提出的申请类型（乡镇可申请新增只适用于本乡镇的事项，修改、取消适用于本乡镇的事项）"
        ),
    )


class RightsSerializer(serializers.Serializer):
    """What the user may do, and where."""

    file_requests_for = FilingRightSerializer(
        many=True, read_only=True, help_text="可以其名义提出准入/调整申请的单位"
    )
    report_off_list_for = MeUnitSerializer(
        many=True,
        read_only=True,
        help_text="可以其名义报告清单外事项的乡镇(街道)和村(社区)（村(社区)经所属乡镇报告）",
    )
    answer_consultations_for = MeUnitSerializer(
        many=True,
        read_only=True,
        help_text="可答复征求意见的单位（乡镇(街道)负责人；乡镇申请时牵头部门的用户）",
    )
    answer_reports_for = MeUnitSerializer(
        many=True, read_only=True, help_text="可答复清单外事项报告的部门"
    )
    review_legality_for = MeUnitSerializer(
        many=True, read_only=True, help_text="担任本县合法性审查部门的本人所在部门"
    )
    prepare_score_sheets_for = MeUnitSerializer(
        many=True, read_only=True, help_text="可填写（保存草稿）评分表的单位"
    )
    submit_score_sheets_for = MeUnitSerializer(
        many=True, read_only=True, help_text="可提交评分表的单位（单位负责人）"
    )
    county_office_of = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=(
            "本人为其县委编办的县 id：形式审查、拟办意见、提请审定、登记审定、发起和截止"
            "评价轮次及催办、裁定清单外事项报告"
        ),
    )
    assessment_office_of = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="本人为其县考核办的县 id：录入和导入评价轮次的基础分、公布评价结果",
    )
    administers = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="本人为其县级管理员的县 id"
    )
    is_county_office = serializers.BooleanField(read_only=True, help_text="是否为县委编办用户")
    is_assessment_office = serializers.BooleanField(read_only=True, help_text="是否为县考核办用户")
    is_county_admin = serializers.BooleanField(read_only=True, help_text="是否为县级管理员")
    is_superuser = serializers.BooleanField(read_only=True, help_text="是否为超级用户")


class MeSerializer(serializers.Serializer):
    """The calling user."""

    id = serializers.IntegerField(read_only=True, help_text="用户 id")
    username = serializers.CharField(read_only=True, help_text="登录名")
    name = serializers.CharField(read_only=True, help_text="姓名（未填写时为登录名）")
    memberships = MembershipSerializer(many=True, read_only=True, help_text="任职")
    counties = CountyRefSerializer(
        many=True, read_only=True, help_text="本人可查看清单的县（按编码排序）"
    )
    rights = RightsSerializer(read_only=True, help_text="可办理的事项及其单位")


def unit_data(unit) -> dict:
    """``MeUnitSerializer`` data of a County, Department, Township, Village or Grid (a
    village's township, a grid's village and township loaded)."""
    if isinstance(unit, County):
        return {"type": "county", "id": unit.pk, "name": unit.name, "county": unit.pk}
    if isinstance(unit, Grid):
        county_id = unit.village.township.county_id
    elif isinstance(unit, Village):
        county_id = unit.township.county_id
    else:
        county_id = unit.county_id
    kind = UNIT_TYPE_OF[type(unit)]
    return {"type": kind, "id": unit.pk, "name": unit.name, "county": county_id}


def me_data(user) -> dict:
    """``MeSerializer`` data of ``user``: a fixed number of queries (the user's grant
    rows once, then one per kind of unit)."""
    memberships = list(
        Membership.objects.filter(user_id=user.pk)
        .select_related(
            "county", "department", "township", "village__township", "grid__village__township"
        )
        .order_by("county__code", "role", "pk")
    )
    whole_ids = org_permissions.county_ids_visible_to(user)
    township_counties = org_permissions.township_counties_visible_to(user)
    counties = County.objects.filter(pk__in=sorted(whole_ids | set(township_counties.values())))
    departments = list(org_permissions.departments_acted_for_by(user).order_by("county_id", "code"))
    heads_of = permissions.townships_acted_for_by(user)
    townships = list(
        Township.objects.filter(pk__in=sorted(township_counties)).order_by("county_id", "code")
    )
    reviewer_ids = set(
        CountyWorkflowSettings.objects.filter(
            legality_review=True, legality_reviewer__in=[d.pk for d in departments]
        ).values_list("legality_reviewer_id", flat=True)
    )
    # The services let only a unit's head submit its sheets (a membership, not a grant).
    head_units = {
        (Department if m.role == Role.DEPARTMENT_HEAD else Township, m.unit.pk)
        for m in memberships
        if m.role in (Role.DEPARTMENT_HEAD, Role.TOWNSHIP_HEAD)
    }
    office_of = sorted(org_permissions.county_ids_arbitrated_by(user))
    assessment_of = sorted(org_permissions.county_ids_assessed_by(user))
    administers = sorted(org_permissions.county_ids_administered_by(user))
    department_rows = [unit_data(d) for d in departments]
    head_rows = [unit_data(t) for t in heads_of]
    # A village's secretary or director reports through its township (``village``).
    village_rows = [
        unit_data(village)
        for village in Village.objects.filter(
            pk__in=sorted(org_permissions.village_ids_acted_for_by(user))
        )
        .select_related("township")
        .order_by("township__county_id", "code")
    ]
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": str(user),
        "memberships": [
            {"role": m.role, "role_label": m.get_role_display(), "unit": unit_data(m.unit)}
            for m in memberships
        ],
        "counties": [
            {"id": c.pk, "code": c.code, "name": c.name, "whole_lists": c.pk in whole_ids}
            for c in counties.order_by("code")
        ],
        "rights": {
            "file_requests_for": [
                {"unit": row, "kinds": list(ChangeKind.values)} for row in department_rows
            ]
            + [{"unit": row, "kinds": list(ChangeKind.values)} for row in head_rows],
            "report_off_list_for": [*head_rows, *village_rows],
            "answer_consultations_for": [*head_rows, *department_rows],
            "answer_reports_for": department_rows,
            "review_legality_for": [unit_data(d) for d in departments if d.pk in reviewer_ids],
            "prepare_score_sheets_for": [*department_rows, *(unit_data(t) for t in townships)],
            "submit_score_sheets_for": [
                unit_data(unit)
                for unit in [*departments, *townships]
                if (type(unit), unit.pk) in head_units
            ],
            "county_office_of": office_of,
            "assessment_office_of": assessment_of,
            "administers": administers,
            "is_county_office": bool(office_of),
            "is_assessment_office": bool(assessment_of),
            "is_county_admin": bool(administers),
            "is_superuser": user.is_superuser,
        },
    }


class MeView(APIView):
    """``GET /api/me/``: the calling user, its memberships and rights."""

    @extend_schema(
        summary="当前用户",
        description=(
            "当前用户的 id、登录名、姓名、任职，可查看清单的县，以及可办理的事项和对应单位"
            "（可以哪个单位名义提出申请、报告清单外事项、答复、填写或提交评分表，是否为县委"
            "编办、县考核办或县级管理员）。其中的单位 id 可直接用于其他接口；"
            "全部单位见 /api/units/。"
        ),
        responses={200: MeSerializer, 401: OpenApiResponse(description="未登录或令牌无效")},
    )
    def get(self, request):
        return Response(MeSerializer(me_data(request.user)).data)
