"""Django admin for duty lists and items: read-only, scoped by county, history visible.

Items change only through ``duty_lists.services`` (directly or by a published admission
process), which records the reason of every change; the admin shows each item and its
full history but offers no add, edit or delete.
"""

from django.contrib import admin
from django.db.models import Count, Q

from organisations.admin import CountyScopedHistoryAdmin, CountyScopedMixin

from .models import DutyItem, DutyList, ItemStatus

READ_ONLY = frozenset()


@admin.register(DutyList)
class DutyListAdmin(CountyScopedMixin, admin.ModelAdmin):
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("__str__", "county", "level", "items_in_force")
    list_filter = ("level", ("county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("county",)
    search_fields = ("county__name", "county__code")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(in_force_count=Count("items", filter=Q(items__status=ItemStatus.IN_FORCE)))
        )

    @admin.display(description="有效事项数", ordering="in_force_count")
    def items_in_force(self, obj):
        return obj.in_force_count


@admin.register(DutyItem)
class DutyItemAdmin(CountyScopedHistoryAdmin):
    county_path = "duty_list__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = (
        "code",
        "title",
        "level",
        "county",
        "category",
        "duty_type",
        "lead_department",
        "status",
        "effective_date",
    )
    list_filter = (
        "duty_list__level",
        "duty_type",
        "category",
        "status",
        ("duty_list__county", admin.RelatedOnlyFieldListFilter),
        ("lead_department", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("duty_list__county", "lead_department")
    search_fields = ("code", "title", "basis", "local_responsibilities", "lead_department__name")
    fields = (
        "duty_list",
        "code",
        "title",
        "category",
        "duty_type",
        "lead_department",
        "department_responsibilities",
        "local_responsibilities",
        "basis",
        "resources",
        "applies_to_all",
        "townships",
        "effective_date",
        "status",
        "withdrawn_date",
    )

    @admin.display(description="层级", ordering="duty_list__level")
    def level(self, obj):
        return obj.duty_list.get_level_display()

    @admin.display(description="所属县", ordering="duty_list__county__code")
    def county(self, obj):
        return obj.duty_list.county
