"""API endpoints of logging in and out (``POST /api/token/``, ``POST /api/logout/``), the
units a client may look up (``GET /api/units/``), and how every endpoint shows a person
(``ActorSerializer``).

Issuing a token is a login: it is protected by the login lockout (django-axes, through
``authenticate``) and throttled per client address and per username. Each call issues a
new token for the calling client; logging out revokes the token of that client only.
"""

import hashlib

from django.contrib.auth import logout, user_logged_in, user_logged_out
from django.core.cache import caches
from django.db.models import Q
from django.utils.connection import ConnectionProxy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from config.security import lockout_detail

from . import selectors, services
from .models import ApiToken, Department, Grid, Township, Village

# The counters must be seen by every worker process (settings: CACHES["shared"]).
shared_cache = ConnectionProxy(caches, "shared")


class TokenAddressRateThrottle(SimpleRateThrottle):
    """Limits token requests per client address (rate ``token_address``).

    The address is REMOTE_ADDR, or the one the trusted proxies report (``NUM_PROXIES``,
    set from ``QINGDAN_TRUSTED_PROXIES``): a client cannot choose it by sending its own
    X-Forwarded-For header.
    """

    scope = "token_address"
    cache = shared_cache

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenUsernameRateThrottle(SimpleRateThrottle):
    """Limits token requests per username tried (rate ``token_username``), from any
    address; requests without a username are left to the address throttle."""

    scope = "token_username"
    cache = shared_cache

    def get_cache_key(self, request, view):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        ident = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LockedOut(exceptions.APIException):
    """429: the username or the client address is locked after repeated failures."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(lockout_detail())


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="认证令牌，用于 `Authorization: Token <token>`")
    expires = serializers.DateTimeField(help_text="到期时间，此后须重新获取")


class TokenObtainView(APIView):
    """POST ``username`` and ``password`` → ``{"token": …, "expires": …}``, a new token
    for this client.

    A wrong password is a failed login (400, logged by ``authenticate`` and counted by
    the lockout); a locked username or address gets 429 with a Chinese message.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (TokenAddressRateThrottle, TokenUsernameRateThrottle)

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: IssuedTokenSerializer},
        summary="获取认证令牌",
        description=(
            "用用户名和密码换取一个新的认证令牌（每个客户端一个），"
            "有效期由部署配置（默认 30 天）；修改密码后失效；"
            "POST /api/logout/ 注销本客户端的令牌。连续登录失败达到次数后锁定（429）。"
        ),
    )
    def post(self, request, *args, **kwargs):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes marks the request when this attempt was refused or locked it.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut()
            raise exceptions.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token, key = services.api_token_issue(user=user)
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response(IssuedTokenSerializer({"token": key, "expires": token.expires}).data)


class LogoutView(APIView):
    """POST: end the calling client's login and answer 204.

    With a token, that token is revoked (the user's other clients keep theirs); with a
    login session, the session is logged out.
    """

    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses={204: None}, summary="注销本客户端的登录")
    def post(self, request, *args, **kwargs):
        if isinstance(request.auth, ApiToken):
            services.api_token_revoke(token=request.auth, reason="logout")
            user_logged_out.send(
                sender=type(request.user), request=request._request, user=request.user
            )
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActorSerializer(serializers.Serializer):
    """A person who acted (filed, reviewed, answered, recorded …): id, login name and
    display name."""

    id = serializers.IntegerField(read_only=True, help_text="用户 id")
    username = serializers.CharField(read_only=True, help_text="登录名")
    name = serializers.CharField(read_only=True, help_text="姓名（未填写时为登录名）")


def actor_data(user) -> dict | None:
    """``ActorSerializer`` data of ``user`` (None stays None)."""
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": str(user)}


UNIT_TYPES = [
    ("department", "部门"),
    ("township", "乡镇(街道)"),
    ("village", "村(社区)"),
    ("grid", "网格"),
]
# The units a request is filed for (``initiator``).
FILING_UNIT_TYPES = UNIT_TYPES[:2]
UNIT_KINDS = [*Township.Kind.choices, *Village.Kind.choices]


class UnitCountySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="县 id")
    name = serializers.CharField(read_only=True, help_text="县名称")


class OrganisationUnitSerializer(serializers.Serializer):
    """A unit a client may name by id: a department or township (申请单位, 交办部门 …),
    or the village or grid a village-level user works in."""

    type = serializers.ChoiceField(
        choices=UNIT_TYPES,
        read_only=True,
        help_text="department 部门 / township 乡镇(街道) / village 村(社区) / grid 网格",
    )
    id = serializers.IntegerField(read_only=True, help_text="单位 id")
    code = serializers.CharField(read_only=True, help_text="单位编码")
    name = serializers.CharField(read_only=True, help_text="单位名称")
    kind = serializers.ChoiceField(
        choices=UNIT_KINDS,
        read_only=True,
        allow_null=True,
        help_text="乡镇(街道)或村(社区)的类型；部门和网格为空",
    )
    township = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="村(社区)、网格所属乡镇(街道) id；其他为空"
    )
    village = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="网格所属村(社区) id；其他为空"
    )
    county = UnitCountySerializer(read_only=True, help_text="所属县")


def unit_row(unit) -> dict:
    """``OrganisationUnitSerializer`` data of a Department, Township, Village or Grid
    (the path to its county loaded)."""
    township = village = None
    if isinstance(unit, Grid):
        village = unit.village
        township = village.township
        county = township.county
    elif isinstance(unit, Village):
        township = unit.township
        county = township.county
    else:
        county = unit.county
    return {
        "type": UNIT_TYPE_OF[type(unit)],
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "kind": getattr(unit, "kind", None),
        "township": None if township is None else township.pk,
        "village": None if village is None else village.pk,
        "county": {"id": county.pk, "name": county.name},
    }


UNIT_TYPE_OF = {Department: "department", Township: "township", Village: "village", Grid: "grid"}


class UnitQuerySerializer(serializers.Serializer):
    """Filters of ``GET /api/units/``."""

    type = serializers.ChoiceField(choices=UNIT_TYPES, required=False, help_text="单位类型")
    county = serializers.IntegerField(required=False, min_value=1, help_text="县 id")
    kind = serializers.ChoiceField(
        choices=UNIT_KINDS, required=False, help_text="乡镇(街道)或村(社区)类型（只列这些单位）"
    )
    q = serializers.CharField(required=False, max_length=100, help_text="名称或编码包含的文字")


@extend_schema(
    summary="可选用的单位",
    description=(
        "本人可以按 id 引用的单位：县委编办、县级管理员和部门用户为本县（各县）全部部门和"
        "乡镇(街道)；乡镇(街道)用户为本县全部部门和本乡镇(街道)；村(社区)书记、主任为本县"
        "全部部门、所属乡镇(街道)和本村(社区)（经乡镇报告清单外事项时填写 village）；网格员"
        "另有本网格及其村(社区)。依次列部门、乡镇(街道)、村(社区)、网格，各按县和编码排序；"
        "可按类型、县、类型细分（乡镇、村社区类型）和名称筛选。"
    ),
    parameters=[
        OpenApiParameter("type", OpenApiTypes.STR, enum=[v for v, _ in UNIT_TYPES]),
        OpenApiParameter("county", OpenApiTypes.INT, description="县 id"),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=[v for v, _ in UNIT_KINDS]),
        OpenApiParameter("q", OpenApiTypes.STR, description="名称或编码包含的文字"),
    ],
    responses={
        200: OrganisationUnitSerializer(many=True),
        400: OpenApiResponse(description="查询参数有误：按参数给出错误信息"),
        401: OpenApiResponse(description="未登录或令牌无效"),
    },
)
class UnitViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """单位: the units the user may name (scoped like the organisation tree, plus a
    village-level user's own village or grid)."""

    serializer_class = OrganisationUnitSerializer
    queryset = Department.objects.none()  # for the schema; see list
    filter_backends = []

    def list(self, request):
        """One page of units, departments first; a query per type of unit whatever the
        page size (besides reading the user's scope)."""
        query = UnitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        user = request.user
        by_type = {
            "department": (selectors.departments_listed_for(user), "county_id"),
            "township": (selectors.townships_listed_for(user), "county_id"),
            "village": (selectors.villages_listed_for(user), "township__county_id"),
            "grid": (selectors.grids_listed_for(user), "village__township__county_id"),
        }
        units = []
        for unit_type, (rows, county_path) in by_type.items():
            if filters.get("type", unit_type) != unit_type:
                continue
            if "county" in filters:
                rows = rows.filter(**{county_path: filters["county"]})
            if "kind" in filters:
                if unit_type not in ("township", "village"):
                    continue
                rows = rows.filter(kind=filters["kind"])
            if "q" in filters:
                text = filters["q"]
                rows = rows.filter(Q(name__icontains=text) | Q(code__icontains=text))
            units += list(rows)
        page = self.paginate_queryset(units)
        return self.get_paginated_response([unit_row(unit) for unit in page])
