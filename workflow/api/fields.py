"""Input fields shared by the API's serializers."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.api import FILING_UNIT_TYPES
from organisations.models import Department, Township
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


def tag_field(value: str, label: str) -> serializers.ChoiceField:
    """A required field whose only valid value is ``value``: the discriminator of one
    variant of a body (a task's ``step``, a request's ``kind``). In the schema it is a
    one-value enum, so a generated client fills it in by itself."""
    value = str(value)  # a TextChoices member becomes its plain value
    field_class = extend_schema_field({"type": "string", "enum": [value]})(
        type("TagField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=[(value, label)], help_text=f"{value}：{label}")


UNIT_MODELS = {"department": (Department, "部门"), "township": (Township, "乡镇(街道)")}


class UnitIdSerializer(serializers.Serializer):
    """The schema of ``UnitRefField``: a unit named by its type and id."""

    type = serializers.ChoiceField(
        choices=FILING_UNIT_TYPES,
        help_text="单位类型：department 部门 / township 乡镇(街道)",
    )
    id = serializers.IntegerField(help_text="单位 id（见 /api/units/）")


@extend_schema_field(UnitIdSerializer)
class UnitRefField(serializers.Field):
    """A department or township given as ``{"type": "department" | "township", "id": N}``
    (the shape the API answers with, without the name).

    Every problem is one message under the field itself: a value that is not such an
    object, an id that is not an integer (like ``IdField``), or an id that does not
    exist (read like one of another county, ``invalid_ids_message``). Returns the
    Department or Township.
    """

    default_error_messages = {
        "invalid": "请以含 type（department 或 township）和 id 两项的对象给出单位。",
        "not_integer": "{kind} id 应为整数，“{value}”无效。",
        "does_not_exist": "{message}",
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict) or set(data) != {"type", "id"}:
            self.fail("invalid")
        entry = UNIT_MODELS.get(data["type"]) if isinstance(data["type"], str) else None
        if entry is None:
            self.fail("invalid")
        model, kind = entry
        value = data["id"]
        is_integer = isinstance(value, int) and not isinstance(value, bool)
        is_digits = isinstance(value, str) and value.isascii() and value.isdigit()
        if not (is_integer or is_digits):
            self.fail("not_integer", kind=kind, value=value)
        unit = model.objects.select_related("county").filter(pk=int(value)).first()
        if unit is None:
            self.fail("does_not_exist", message=invalid_ids_message(kind, [int(value)]))
        return unit

    def to_representation(self, value):
        kind = "township" if isinstance(value, Township) else "department"
        return {"type": kind, "id": value.pk}
