"""Django admin for duty lists, items and categories, scoped by county, history visible.

Items change only through ``duty_lists.services`` (directly or by a published admission
process), which records the reason of every change; the admin shows each item, its
cooperating departments and its full history but offers no add, edit or delete.
A county administrator edits the county's categories (领域类别, two levels) here,
through ``category_save`` / ``category_delete``.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from organisations.admin import CountyScopedHistoryAdmin, CountyScopedMixin

from . import services
from .models import Category, DutyItem, DutyItemCooperation, DutyList, ItemStatus

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


@admin.register(Category)
class CategoryAdmin(CountyScopedHistoryAdmin):
    """A county's categories: its administrator adds and edits them (a sub-category names
    a top-level category of the same county) and deletes those nobody uses."""

    county_admin_writes = frozenset({"add", "change", "delete"})
    list_display = ("code", "full_name", "county", "position")
    list_filter = (("county", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("county", "parent")
    search_fields = ("code", "name", "county__name")
    fields = ("county", "parent", "code", "name", "position")

    @admin.display(description="类别名称", ordering="name")
    def full_name(self, obj):
        return obj.full_name

    def get_readonly_fields(self, request, obj=None):
        # Codes are in item codes already issued: fixed once used, like other codes.
        return ("county",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = self.get_queryset(request).filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.category_save(actor=request.user, category=obj)

    def delete_model(self, request, obj):
        try:
            services.category_delete(actor=request.user, category=obj)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            self.delete_model(request, category)


class CooperationInline(admin.TabularInline):
    """The item's cooperating departments, read-only (they change with the item)."""

    model = DutyItemCooperation
    fields = ("department", "responsibilities", "position")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
        "item_kind",
        "duty_type",
        ("category", admin.RelatedOnlyFieldListFilter),
        "status",
        ("duty_list__county", admin.RelatedOnlyFieldListFilter),
        ("lead_department", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("duty_list__county", "lead_department", "category__parent")
    search_fields = (
        "code",
        "title",
        "basis",
        "local_responsibilities",
        "lead_department__name",
        "guidance_code",
    )
    inlines = (CooperationInline,)
    fields = (
        "duty_list",
        "code",
        "title",
        "item_kind",
        "category",
        "duty_type",
        "primary_responsibility",
        "lead_department",
        "department_responsibilities",
        "local_responsibilities",
        "basis",
        "accountability",
        "exemption",
        "work_requirements",
        "funding_amount",
        "funding_source",
        "staffing",
        "equipment",
        "remarks",
        "guidance_code",
        "applies_to_all",
        "townships",
        "villages",
        "village_kind",
        "effective_date",
        "expires_on",
        "status",
        "withdrawn_date",
    )

    @admin.display(description="层级", ordering="duty_list__level")
    def level(self, obj):
        return obj.duty_list.get_level_display()

    @admin.display(description="所属县", ordering="duty_list__county__code")
    def county(self, obj):
        return obj.duty_list.county
