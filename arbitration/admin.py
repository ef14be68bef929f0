"""Django admin for rulings (裁定): read-only, scoped by county, history visible.

Rulings are recorded only through ``arbitration.services`` from the arbitrate task of a
request; the admin shows them, their per-party decisions and their history.
"""

from django.contrib import admin

from organisations.admin import CountyScopedHistoryAdmin

from .models import Ruling, RulingDecision

READ_ONLY = frozenset()


class RulingDecisionInline(admin.TabularInline):
    """The decisions of a ruling, read-only (the ruling's admin checks the scope)."""

    model = RulingDecision
    fields = ("township", "department", "decision")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ruling)
class RulingAdmin(CountyScopedHistoryAdmin):
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    date_hierarchy = "ruled_at"
    list_display = ("__str__", "process", "county", "ruled_by", "ruled_at")
    list_filter = (("county", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("county", "process__target_item", "ruled_by")
    search_fields = ("reasoning", "meeting_record", "process__title")
    inlines = (RulingDecisionInline,)


@admin.register(RulingDecision)
class RulingDecisionAdmin(CountyScopedHistoryAdmin):
    county_path = "ruling__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("ruling", "party", "decision", "county")
    list_filter = ("decision", ("ruling__county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("ruling__county", "township", "department")
    search_fields = ("township__name", "department__name")

    @admin.display(description="单位")
    def party(self, obj):
        return obj.township or obj.department

    @admin.display(description="县", ordering="ruling__county__code")
    def county(self, obj):
        return obj.ruling.county
