"""Client addresses behind proxies and the lockout answer of the login protection.

Both are named in settings (``AXES_CLIENT_IP_CALLABLE``, ``AXES_LOCKOUT_CALLABLE``).
"""

import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

LOCKED_OUT_MESSAGE = "登录失败次数过多，该用户名或本机地址已被暂时锁定。"


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or, behind ``QINGDAN_TRUSTED_PROXIES``
    proxies, the address that the outermost trusted proxy appended to X-Forwarded-For.

    Computed as Django REST framework does with ``NUM_PROXIES`` (set to the same
    value), so the login lockout and the API throttles agree on who the client is.
    Entries that a client wrote into X-Forwarded-For itself are never used.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = settings.QINGDAN_TRUSTED_PROXIES
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = forwarded.split(",")
    return addresses[-min(proxies, len(addresses))].strip()


def cooloff_minutes() -> int | None:
    """Minutes a lockout lasts, rounded up; ``None`` when only an administrator unlocks."""
    cooloff = settings.AXES_COOLOFF_TIME
    if not cooloff:
        return None
    return math.ceil(cooloff.total_seconds() / 60)


def lockout_detail() -> str:
    """The Chinese explanation of a lockout: for how long, and who can unlock."""
    minutes = cooloff_minutes()
    if minutes is None:
        return f"{LOCKED_OUT_MESSAGE}请联系系统管理员解锁。"
    return f"{LOCKED_OUT_MESSAGE}请 {minutes} 分钟后再试，或联系系统管理员解锁。"


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a login refused by django-axes (HTTP 429).

    API paths get JSON ``{"detail": …}``; the login pages a Chinese page that says how
    long the lockout lasts and that an administrator can lift it.
    """
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_detail()}, status=status)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": cooloff_minutes(),
        "detail": lockout_detail(),
    }
    return render(request, "registration/locked_out.html", context, status=status)
