"""How the REST API answers errors raised by the services (and logs denials).

The services raise Django's exceptions; this handler turns them into DRF responses:

- ``django.core.exceptions.ValidationError`` → 400 with the field names it carries
  (``__all__`` becomes DRF's ``non_field_errors``);
- ``workflow.services.TaskNotOpen`` → 409 with its message (a second, late submit);
- ``ObjectDoesNotExist`` (e.g. a task of another node) → 404;
- ``PermissionDenied`` / ``Http404`` → 403 / 404 (DRF's own handling).

Every 401 and 403 is written to the ``qingdan.audit`` log (DESIGN §6 "Traced").
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from ..services import TaskNotOpen

audit_log = logging.getLogger("qingdan.audit")


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


def exception_handler(exc, context):
    """DRF exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

    Maps the services' exceptions as the module docstring says, then lets DRF build
    the response; logs every 401/403 with the user, method and path. Returns ``None``
    (a 500) for anything else, like DRF.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, TaskNotOpen):
        exc = Conflict(str(exc))
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code in (
        status.HTTP_401_UNAUTHORIZED,
        status.HTTP_403_FORBIDDEN,
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
