"""Two rules every API endpoint follows, whichever app it lives in.

**A foreign object is not found.** An object outside the user's scope (another county's,
or one of the own county the user may not see) answers 404 exactly like an id that does
not exist, so that a client cannot tell the two apart. A 403 is kept for an object the
user may see but may not act on. The web pages keep their 403. ``NotVisible`` is the
404 of a hidden object: the exception handler writes it to the audit log like a 403.

**Each 400 names a documented field.** An endpoint validates its body with
``validated_body``, which remembers the body's fields on the request; the exception
handler then files a service's error under a field the body does not have (e.g. a rule
about the object's state) as ``non_field_errors``, after applying the endpoint's
aliases (a nested field's error under the body field that holds it).
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions

DOCUMENTED_FIELDS = "documented_fields"
ERROR_ALIASES = "error_aliases"


class NotVisible(exceptions.NotFound):
    """404 for an object that exists outside the user's scope (logged as a denial)."""


@contextmanager
def not_found_when_hidden(message: str) -> Iterator[None]:
    """Run a scoped read so that a hidden object and an unknown id answer alike.

    A ``PermissionDenied`` raised inside (the object exists, the user may not see it)
    becomes ``NotVisible(message)``; an ``Http404`` becomes ``NotFound(message)``.
    Wrap only the read: a denial of an action on a visible object must stay a 403.
    """
    try:
        yield
    except PermissionDenied as error:
        raise NotVisible(message) from error
    except Http404 as error:
        raise exceptions.NotFound(message) from error


def get_visible(queryset, pk, message: str, *, visible=None):
    """``queryset.get(pk=pk)``; ``NotFound(message)`` if there is no such row and
    ``NotVisible(message)`` if ``visible`` (a queryset of the rows the user may see, or
    a predicate on the row) leaves it out."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise exceptions.NotFound(message)
    if visible is None:
        return row
    hidden = (
        not visible.filter(pk=row.pk).exists() if hasattr(visible, "filter") else not visible(row)
    )
    if hidden:
        raise NotVisible(message)
    return row


def validated_body(request, serializer_class, *, aliases: Mapping[str, str] | None = None):
    """Validate ``request.data`` with ``serializer_class`` (a 400 naming each bad field)
    and remember the body's fields (and ``aliases``: a service's error key → the body
    field it belongs to) for the exception handler. Returns the valid serializer."""
    serializer = serializer_class(data=request.data)
    remember_body_fields(request, serializer.fields, aliases=aliases)
    serializer.is_valid(raise_exception=True)
    return serializer


def remember_body_fields(request, fields, *, aliases: Mapping[str, str] | None = None) -> None:
    """Record the names of the body's fields (none for an endpoint without a body)."""
    setattr(request, DOCUMENTED_FIELDS, frozenset(fields))
    setattr(request, ERROR_ALIASES, dict(aliases or {}))
