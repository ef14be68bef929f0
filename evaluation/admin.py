"""Django admin for the evaluation indicator sets, read-only and scoped by county.

Indicator sets change only through ``evaluation.services``, which keep the weights
adding up to 100 and record the reason; the admin shows them (with their indicators and
history) to superusers and to the administrators of the set's county (see
``organisations.admin.CountyScopedMixin``).
"""

from django.contrib import admin

from organisations.admin import CountyScopedHistoryAdmin

from .models import Indicator, IndicatorSet

READ_ONLY = frozenset()


class IndicatorInline(admin.TabularInline):
    """The set's indicators, read-only (the parent admin checks the county scope)."""

    model = Indicator
    extra = 0
    can_delete = False
    show_change_link = False
    fields = ("order", "name", "description", "scoring_rule", "weight", "max_score")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndicatorSet)
class IndicatorSetAdmin(CountyScopedHistoryAdmin):
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("name", "direction", "county", "is_active", "created_at")
    list_filter = ("direction", "is_active", ("county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("county",)
    search_fields = ("name",)
    fields = ("county", "direction", "name", "is_active", "created_at")
    readonly_fields = fields
    inlines = (IndicatorInline,)
