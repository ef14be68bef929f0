"""Filters of the duty item list page (django-filter), scoped to the requesting user."""

import django_filters
from django.db.models import Q

from . import selectors
from .directory import DepartmentRole
from .models import DutyItem, DutyType, ItemKind, ItemStatus, Level

STATUS_ALL = "all"
TEMPORARY_CHOICES = [("yes", "临时事项"), ("no", "长期事项")]


class DutyItemFilter(django_filters.FilterSet):
    """Level, kind, duty type, category, departments, township and status filters.

    ``department`` finds the items a department leads or works on as a cooperating
    department (协同部门), ``department_role`` narrows that to one role. Department,
    category and township choices are limited to what the user may see; a category
    includes its sub-categories. By default only items in force are listed.
    """

    level = django_filters.ChoiceFilter(
        label="清单层级", field_name="duty_list__level", choices=Level.choices
    )
    item_kind = django_filters.ChoiceFilter(label="事项类型", choices=ItemKind.choices)
    duty_type = django_filters.ChoiceFilter(label="履职类型", choices=DutyType.choices)
    category = django_filters.ModelChoiceFilter(
        label="领域类别", queryset=None, method="filter_category"
    )
    lead_department = django_filters.ModelChoiceFilter(label="牵头部门", queryset=None)
    department = django_filters.ModelChoiceFilter(
        label="参与部门(牵头或协同)", queryset=None, method="filter_department"
    )
    department_role = django_filters.ChoiceFilter(
        label="部门角色", choices=DepartmentRole.choices, method="filter_department_role"
    )
    township = django_filters.ModelChoiceFilter(
        label="适用乡镇(街道)", queryset=None, method="filter_township"
    )
    temporary = django_filters.ChoiceFilter(
        label="临时事项", choices=TEMPORARY_CHOICES, method="filter_temporary"
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[*ItemStatus.choices, (STATUS_ALL, "全部")],
        empty_label="有效(默认)",
        method="filter_status",
    )

    class Meta:
        model = DutyItem
        fields = [
            "level",
            "item_kind",
            "duty_type",
            "category",
            "lead_department",
            "department",
            "department_role",
            "township",
            "temporary",
            "status",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        departments = selectors.department_filter_choices(user)
        self.filters["lead_department"].queryset = departments
        self.filters["department"].queryset = departments
        self.filters["category"].queryset = selectors.category_filter_choices(user)
        self.filters["township"].queryset = selectors.township_filter_choices(user)

    def filter_category(self, queryset, name, value):
        """Items of the category or of one of its sub-categories."""
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_department(self, queryset, name, value):
        """Items the department leads or works on (in the role chosen, if any)."""
        role = self.form.cleaned_data.get("department_role") or None
        return queryset.filter(selectors.department_role_q([value.pk], role))

    def filter_department_role(self, queryset, name, value):
        # Applied together with ``department`` (see ``filter_department``).
        return queryset

    def filter_township(self, queryset, name, value):
        """Items that apply to the township: to all units of its county, by name, or
        (village and grid lists) to one of its villages."""
        return queryset.filter(duty_list__county_id=value.county_id).filter(
            selectors.applies_to_townships([value.pk])
        )

    def filter_temporary(self, queryset, name, value):
        return queryset.filter(expires_on__isnull=value != "yes")

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
