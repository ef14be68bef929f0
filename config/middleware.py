"""Request middleware of the project."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from organisations.audit import client_address

audit_log = logging.getLogger("qingdan.audit")


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
