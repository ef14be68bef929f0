"""API endpoints of logging in and out: ``POST /api/token/`` and ``POST /api/logout/``.

Issuing a token is a login: it is protected by the login lockout (django-axes, through
``authenticate``) and throttled per client address and per username. Each call issues a
new token for the calling client; logging out revokes the token of that client only.
"""

import hashlib

from django.contrib.auth import logout, user_logged_in, user_logged_out
from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from config.security import lockout_detail

from . import services
from .models import ApiToken

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
