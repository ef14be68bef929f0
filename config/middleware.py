"""Request middleware of the project."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from organisations.audit import client_address

audit_log = logging.getLogger("qingdan.audit")
logger = logging.getLogger("qingdan.workflow")


class PreferredLanguageMiddleware:
    """Activate the language the user chose (cookie set by ``/i18n/setlang/``), else
    ``LANGUAGE_CODE``.

    Unlike Django's ``LocaleMiddleware`` it ignores the browser's Accept-Language:
    the system is Chinese by default, whatever the browser, and English on request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class SessionTimeoutMiddleware:
    """End a login after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and in any
    case ``SESSION_MAX_LIFETIME`` seconds after it began.

    The session keeps when the login began and when the user was last seen. "Last seen"
    is rewritten only when it is at least ``touch_interval`` old, so an active user's
    session is saved about once a minute rather than on every request; the idle timeout
    is therefore exact to within that interval. An ended login is flushed (like a
    logout), written to the audit log, and the user is told why on the login page.
    """

    LOGIN_AT = "qingdan_login_at"
    SEEN_AT = "qingdan_seen_at"
    IDLE_MESSAGE = "您已长时间未操作，为保护账户安全已自动退出，请重新登录。"
    LIFETIME_MESSAGE = "登录已超过最长有效时间，为保护账户安全已自动退出，请重新登录。"

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def touch_interval() -> int:
        """Seconds between two writes of "last seen": a tenth of the idle timeout, at
        most a minute."""
        return max(1, min(60, settings.SESSION_IDLE_TIMEOUT // 10))

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request, int(time.time()))
        return self.get_response(request)

    @classmethod
    def start_clock(cls, sender, request, user, **kwargs) -> None:
        """``user_logged_in`` receiver: a login into a session starts both clocks (saved
        with the login itself, so the next request writes nothing). Logins that are not
        into the session (an API token being issued) are left alone."""
        session = getattr(request, "session", None)
        if session is None or session.get(SESSION_KEY) != str(user.pk):
            return
        session[cls.LOGIN_AT] = session[cls.SEEN_AT] = int(time.time())

    def _check(self, request, now: int) -> None:
        session = request.session
        login_at = session.get(self.LOGIN_AT)
        seen_at = session.get(self.SEEN_AT)
        if login_at is None or seen_at is None:
            # A session from before this middleware: start counting now.
            session[self.LOGIN_AT] = session[self.SEEN_AT] = now
            return
        if now - login_at >= settings.SESSION_MAX_LIFETIME:
            self._end(request, "lifetime", self.LIFETIME_MESSAGE)
        elif now - seen_at >= settings.SESSION_IDLE_TIMEOUT:
            self._end(request, "idle", self.IDLE_MESSAGE)
        elif now - seen_at >= self.touch_interval():
            session[self.SEEN_AT] = now

    @staticmethod
    def _end(request, reason: str, message: str) -> None:
        audit_log.info(
            "session expired: user=%r reason=%s ip=%s",
            request.user.get_username(),
            reason,
            client_address(request),
        )
        request.session.flush()
        request.user = AnonymousUser()
        messages.info(request, message)


class ApiBodyMiddleware:
    """Refuse, in JSON, an API write whose body the API will not read: a JSON or form
    body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413) or a JSON body nested deeper than
    ``config.api_parsers.MAX_JSON_DEPTH`` (400), on every ``/api/`` write, whether or
    not its view reads the body (an action such as "close" ignores it otherwise).

    Without it Django answered an oversized body with its HTML error page and Python's
    decoder a deep one with ``RecursionError`` (a 500). Multipart bodies are left to
    Django's parser, which counts their fields but not their files (attachments may be
    larger); the API's exception handler turns its refusal into JSON.
    """

    WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith("/api/")
            and request.method in self.WRITE_METHODS
            and request.content_type != "multipart/form-data"
        ):
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def refusal(request) -> JsonResponse | None:
        """The JSON answer refusing ``request``'s body, or ``None`` to let it through."""
        from config.api_parsers import TOO_DEEP_MESSAGE, json_depth_exceeds, too_large_message

        try:
            body = request.body
        except RequestDataTooBig:
            return JsonResponse({"detail": too_large_message()}, status=413)
        if request.content_type != "application/json":
            return None
        try:
            text = body.decode(request.encoding or settings.DEFAULT_CHARSET, errors="replace")
        except LookupError:
            # Not a text encoding (e.g. bz2_codec): the API's parser refuses it with a 400.
            return None
        if json_depth_exceeds(text):
            return JsonResponse({"detail": TOO_DEEP_MESSAGE}, status=400)
        return None


class WriteConflictMiddleware:
    """Answer a write the database refused (``IntegrityError``: it collided with another
    write, e.g. on a unique constraint) with a 409 and a Chinese message instead of a
    500: JSON ``{"detail": …}`` under ``/api/``, a short page elsewhere.

    The transaction was rolled back whole, so nothing was written. The error is logged
    with its traceback to ``qingdan.workflow``. Pages and API views that handle it
    themselves (e.g. the task forms) never get here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        from workflow.services.common import CONFLICT_MESSAGE

        logger.warning("write refused by the database: %s", exception, exc_info=exception)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": CONFLICT_MESSAGE}, status=409)
        return render(
            request,
            "qingdan/conflict.html",
            {"message": CONFLICT_MESSAGE, "back": _same_site_referer(request)},
            status=409,
        )


def _same_site_referer(request) -> str:
    """The page the user came from when it is on this site, else ``/``."""
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"
