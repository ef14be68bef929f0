"""Serializer fields shared by the apps' APIs."""

from django.utils.encoding import force_str
from rest_framework import serializers


class ChoiceLabelField(serializers.CharField):
    """The label of a model choice field's value, read-only: what
    ``get_<name>_display()`` returns (the value itself when it is not a choice).

    ``ChoiceLabelField("duty_type")`` on a ``ModelSerializer`` reads ``duty_type`` and maps
    it through the model field's choices. A ``source="get_duty_type_display"`` field gives
    the same text, but DRF inspects the signature of a callable source for every object
    it serializes, a noticeable part of a 50-row page.
    """

    def __init__(self, choice_field: str, **kwargs):
        kwargs["read_only"] = True
        kwargs["source"] = choice_field
        self.choice_field = choice_field
        self.labels: dict = {}
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        model = parent.Meta.model
        self.labels = dict(model._meta.get_field(self.choice_field).flatchoices)

    def to_representation(self, value):
        return force_str(self.labels.get(value, value))
