"""Authentication of API clients by ``Authorization: Token <key>`` (DRF's scheme),
against ``ApiToken`` rows that expire and die with a password change."""

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from . import services
from .models import ApiToken


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token authentication over ``organisations.ApiToken``.

    ``authenticate`` returns ``(user, token)``; it raises ``AuthenticationFailed`` (401)
    for an unknown key, an inactive user, an expired token and a token issued before the
    user's password last changed. Expired and stale tokens are deleted when presented.
    """

    model = ApiToken

    def authenticate_credentials(self, key):
        token = services.api_token_get(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.expires <= timezone.now():
            services.api_token_revoke(token=token, reason="expired")
            raise exceptions.AuthenticationFailed("认证令牌已过期，请重新获取。")
        if not constant_time_compare(token.credential_hash, user.get_session_auth_hash()):
            services.api_tokens_revoke_stale(user=user)
            raise exceptions.AuthenticationFailed("密码已修改，认证令牌已失效，请重新获取。")
        return user, token
