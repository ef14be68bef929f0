"""Filters of the duty item list page (django-filter), scoped to the requesting user."""

import django_filters
from django.db.models import Q

from . import selectors
from .models import Category, DutyItem, DutyType, ItemStatus, Level

STATUS_ALL = "all"


class DutyItemFilter(django_filters.FilterSet):
    """Level, duty type, category, lead department, township and status filters.

    Department and township choices are limited to what the user may see; by default
    only items in force are listed.
    """

    level = django_filters.ChoiceFilter(
        label="清单层级", field_name="duty_list__level", choices=Level.choices
    )
    duty_type = django_filters.ChoiceFilter(label="履职类型", choices=DutyType.choices)
    category = django_filters.ChoiceFilter(label="领域类别", choices=Category.choices)
    lead_department = django_filters.ModelChoiceFilter(label="牵头部门", queryset=None)
    township = django_filters.ModelChoiceFilter(
        label="适用乡镇(街道)", queryset=None, method="filter_township"
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[*ItemStatus.choices, (STATUS_ALL, "全部")],
        empty_label="有效(默认)",
        method="filter_status",
    )

    class Meta:
        model = DutyItem
        fields = ["level", "duty_type", "category", "lead_department", "township", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        self.filters["lead_department"].queryset = selectors.department_filter_choices(user)
        self.filters["township"].queryset = selectors.township_filter_choices(user)

    def filter_township(self, queryset, name, value):
        """Items that apply to the township: to all units of its county, or by name."""
        applies = DutyItem.townships.through.objects.filter(township=value).values("dutyitem_id")
        return queryset.filter(duty_list__county_id=value.county_id).filter(
            Q(applies_to_all=True) | Q(pk__in=applies)
        )

    def filter_status(self, queryset, name, value):
        if value == STATUS_ALL:
            return queryset
        return queryset.filter(status=value)

    @property
    def qs(self):
        queryset = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("status")):
            queryset = queryset.filter(status=ItemStatus.IN_FORCE)
        return queryset
