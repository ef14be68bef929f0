"""How the REST API answers errors raised by the services (and logs denials).

The services raise Django's exceptions; this handler turns them into DRF responses:

- ``django.core.exceptions.ValidationError`` → 400 with the field names it carries
  (``__all__`` becomes DRF's ``non_field_errors``);
- ``workflow.services.TaskNotOpen`` → 409 with its message (a second, late submit);
- ``django.db.IntegrityError`` (a write that collided with another one, e.g. on a unique
  constraint; the transaction was rolled back) → 409 ``CONFLICT_MESSAGE``, logged with
  its traceback to ``qingdan.workflow``;
- ``ObjectDoesNotExist`` (e.g. a task of another node) → 404;
- a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``RequestDataTooBig``) → 413, too many
  form fields or files and other ``SuspiciousOperation`` of the request → 400, in JSON
  like every other answer of the API (Django would answer an HTML page);
- ``PermissionDenied`` / ``Http404`` → 403 / 404 (DRF's own handling).

A service's ``ValidationError`` under a key the endpoint's body does not have (see
``config.api_errors.validated_body``) is answered under the body field its alias names,
else under ``non_field_errors``: every 400 names a documented field.

Every 401 and 403, and every 404 of an object hidden from the user
(``config.api_errors.NotVisible``), is written to the ``qingdan.audit`` log (DESIGN §6
"Traced").
"""

import logging

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from config.api_errors import DOCUMENTED_FIELDS, ERROR_ALIASES, NotVisible
from config.api_parsers import too_large_message

from ..services import TaskNotOpen
from ..services.common import CONFLICT_MESSAGE

audit_log = logging.getLogger("qingdan.audit")
logger = logging.getLogger("qingdan.workflow")


class PayloadTooLarge(exceptions.APIException):
    """413: the request body is larger than the API accepts."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "请求内容过大，未予处理。"
    default_code = "payload_too_large"


def _bad_request(exc: SuspiciousOperation) -> exceptions.APIException:
    """The JSON answer to a request Django refused while reading its body."""
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(too_large_message())
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ParseError("请求中的字段过多，未予处理。", code="too_many_fields")
    if isinstance(exc, TooManyFilesSent):
        return exceptions.ParseError("请求中的文件过多，未予处理。", code="too_many_files")
    return exceptions.ParseError("请求内容无效，未予处理。")


class Conflict(exceptions.APIException):
    """409: the task was already completed or closed."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "该任务已办理完毕或已关闭。"
    default_code = "task_not_open"


def validation_error_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """The messages of a Django ``ValidationError`` keyed by field name.

    Errors without a field (``__all__`` or a plain message list) go under DRF's
    ``NON_FIELD_ERRORS_KEY``.
    """
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
        for field, messages in error.message_dict.items()
    }


def documented_detail(request, detail: dict[str, list[str]]) -> dict[str, list[str]]:
    """``detail`` with each key the request's body does not have moved to its alias or to
    ``non_field_errors`` (messages kept in order); unchanged when the endpoint did not
    say which fields its body has."""
    fields = getattr(request, DOCUMENTED_FIELDS, None)
    if fields is None:
        return detail
    aliases = getattr(request, ERROR_ALIASES, {})
    documented: dict[str, list[str]] = {}
    for key, messages in detail.items():
        key = aliases.get(key, key)
        if key not in fields:
            key = api_settings.NON_FIELD_ERRORS_KEY
        documented.setdefault(key, []).extend(messages)
    return documented


def exception_handler(exc, context):
    """DRF exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

    Maps the services' exceptions as the module docstring says, then lets DRF build
    the response; logs every 401/403 and every hidden object's 404 with the user,
    method and path. Returns ``None`` (a 500) for anything else, like DRF.
    """
    if isinstance(exc, DjangoValidationError):
        detail = validation_error_detail(exc)
        exc = exceptions.ValidationError(documented_detail(context.get("request"), detail))
    elif isinstance(exc, TaskNotOpen):
        exc = Conflict(str(exc))
    elif isinstance(exc, IntegrityError):
        logger.warning("write refused by the database: %s", exc, exc_info=exc)
        exc = Conflict(CONFLICT_MESSAGE, code="conflict")
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, SuspiciousOperation):
        exc = _bad_request(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and (
        response.status_code in (status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN)
        or isinstance(exc, NotVisible)
    ):
        request = context.get("request")
        # The Django request's user: reading DRF's ``request.user`` here could run a
        # failing authentication again.
        user = getattr(getattr(request, "_request", request), "user", None)
        audit_log.warning(
            "api denied: status=%s user=%r %s %s",
            response.status_code,
            user.get_username() if user is not None and user.is_authenticated else "",
            getattr(request, "method", "-"),
            getattr(request, "path", "-"),
        )
    return response
