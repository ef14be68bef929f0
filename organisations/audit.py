"""Audit log of authentication events (登录、登录失败、锁定、退出), DESIGN §6 "Traced".

Receivers for Django's auth signals, connected in ``OrganisationsConfig.ready()``. Each
event is one line on the ``qingdan.audit`` logger with the username and the client
address; deployments route that logger to storage kept at least six months.
"""

import logging

from django.contrib.auth import get_user_model

audit_log = logging.getLogger("qingdan.audit")


def client_address(request) -> str:
    """The client address of ``request`` for the log: ``REMOTE_ADDR``, plus the
    ``X-Forwarded-For`` header (as sent, not trusted) when a proxy added one."""
    if request is None:
        return "-"
    address = request.META.get("REMOTE_ADDR") or "-"
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded:
        return f"{address} forwarded-for={forwarded!r}"
    return address


def log_login(sender, request, user, **kwargs) -> None:
    """Log a successful login."""
    audit_log.info("login: user=%r ip=%s", user.get_username(), client_address(request))


def log_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """Log a failed login with the username that was tried (never the password)."""
    username_field = get_user_model().USERNAME_FIELD
    username = credentials.get(username_field, credentials.get("username", ""))
    audit_log.warning("login failed: user=%r ip=%s", username, client_address(request))


def log_logout(sender, request, user, **kwargs) -> None:
    """Log a logout (``user`` is ``None`` when nobody was logged in)."""
    username = user.get_username() if user is not None else ""
    audit_log.info("logout: user=%r ip=%s", username, client_address(request))


def log_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    """Log a login refused or locked by django-axes after repeated failures
    (``ip_address`` is the client address the lockout counts)."""
    audit_log.warning(
        "login locked out: user=%r client=%s ip=%s",
        username,
        ip_address,
        client_address(request),
    )
