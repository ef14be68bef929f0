"""``config.api_fields.ChoiceLabelField`` answers what ``get_<field>_display()`` does."""

import pytest
from rest_framework import serializers

from config.api_fields import ChoiceLabelField
from duty_lists.models import DutyItem, DutyType, ItemStatus
from tests.factories import CountyFactory, make_item

pytestmark = pytest.mark.django_db


class ItemLabels(serializers.ModelSerializer):
    duty_type_label = ChoiceLabelField("duty_type")
    status_label = ChoiceLabelField("status")

    class Meta:
        model = DutyItem
        fields = ["duty_type_label", "status_label"]


def test_labels_are_the_display_values_of_the_model_fields():
    item = make_item(county=CountyFactory(), duty_type=DutyType.TAKEN_BACK)

    data = ItemLabels(item).data

    assert data == {
        "duty_type_label": item.get_duty_type_display(),
        "status_label": item.get_status_display(),
    }
    assert data["status_label"] == str(ItemStatus.IN_FORCE.label)


def test_a_value_outside_the_choices_is_shown_as_it_is():
    item = DutyItem(duty_type="unknown_kind", status=ItemStatus.WITHDRAWN)

    data = ItemLabels(item).data

    assert data["duty_type_label"] == item.get_duty_type_display() == "unknown_kind"
    assert data["status_label"] == str(ItemStatus.WITHDRAWN.label)
    assert ItemLabels().fields["status_label"].read_only
