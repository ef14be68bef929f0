"""Input fields shared by the API's serializers."""

from rest_framework import serializers

from organisations.text import invalid_ids_message


class IdField(serializers.PrimaryKeyRelatedField):
    """A related object given by its integer id (``kind`` names it in messages, e.g.
    ``乡镇(街道)``).

    DRF's own field handed the value to the database lookup, which turned ``1.5`` into
    1: this one accepts only an integer or a string of ASCII digits and refuses
    anything else (``1.5``, ``"1.5"``, ``true``, ``"1e0"``) with a 400 naming the field.
    An id that does not exist reads like one of another county (``invalid_ids_message``).
    """

    default_error_messages = {
        "not_integer": "{kind} id 应为整数，“{value}”无效。",
        "does_not_exist": "{message}",
    }

    def __init__(self, *, kind: str, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        is_integer = isinstance(data, int) and not isinstance(data, bool)
        is_digits = isinstance(data, str) and data.isascii() and data.isdigit()
        if not (is_integer or is_digits):
            self.fail("not_integer", kind=self.kind, value=data)
        try:
            return self.get_queryset().get(pk=int(data))
        except self.get_queryset().model.DoesNotExist:
            self.fail("does_not_exist", message=invalid_ids_message(self.kind, [int(data)]))
