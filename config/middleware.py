"""Request middleware of the project."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

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
