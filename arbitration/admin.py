"""Django admin for proposals (拟办意见), decision batches (审定批次) and off-list reports
(清单外事项报告): read-only, scoped by county, history visible.

Rulings are recorded only through ``arbitration.services`` from the arbitrate task of a
request, reports only through their flow's services; the admin shows them, their
per-party decisions, evidence files and history.
"""

from django.contrib import admin

from organisations.admin import CountyScopedHistoryAdmin, CountyScopedMixin

from .models import (
    BatchDocument,
    BatchEntry,
    BatchPartyDecision,
    DecisionBatch,
    NoticeOpinion,
    OffListReport,
    ReportEvidence,
    Ruling,
    RulingDecision,
)

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


class ReportEvidenceInline(admin.TabularInline):
    """The evidence files of a report, read-only (the report's admin checks the scope)."""

    model = ReportEvidence
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
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


@admin.register(OffListReport)
class OffListReportAdmin(CountyScopedHistoryAdmin):
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    date_hierarchy = "assigned_on"
    list_display = (
        "__str__",
        "township",
        "department",
        "assigned_on",
        "department_answer",
        "ruling",
        "county",
    )
    list_filter = (
        "ruling",
        "department_answer",
        "channel",
        ("county", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("county", "township", "department")
    search_fields = ("assignment", "channel_detail", "township__name", "department__name")
    exclude = ("data",)
    inlines = (ReportEvidenceInline,)


@admin.register(ReportEvidence)
class ReportEvidenceAdmin(CountyScopedHistoryAdmin):
    county_path = "report__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("original_name", "report", "content_type", "size", "uploaded_by")
    list_select_related = ("report", "uploaded_by")
    search_fields = ("original_name",)


class ReadOnlyInline(admin.TabularInline):
    """An inline shown read-only on a county-scoped parent (the parent checks the scope)."""

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


class BatchEntryInline(ReadOnlyInline):
    model = BatchEntry
    fields = ("process", "amended_title", "amended_local_responsibilities")
    readonly_fields = fields


class BatchDocumentInline(ReadOnlyInline):
    model = BatchDocument
    fields = ("kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


class NoticeOpinionInline(ReadOnlyInline):
    model = NoticeOpinion
    fields = ("submitted_at", "entry", "name", "contact", "text")
    readonly_fields = fields


@admin.register(DecisionBatch)
class DecisionBatchAdmin(CountyScopedHistoryAdmin):
    """Decision batches (审定批次), read-only: prepared and recorded through the
    "审定与发布" pages and the API, which publish what was decided."""

    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    date_hierarchy = "prepared_at"
    list_display = (
        "title",
        "county",
        "decided_by",
        "document_number",
        "meeting_date",
        "prepared_by",
        "recorded_by",
    )
    list_filter = (("county", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("county", "prepared_by", "recorded_by")
    search_fields = ("title", "document_number", "decided_by")
    inlines = (BatchEntryInline, BatchDocumentInline, NoticeOpinionInline)


@admin.register(BatchPartyDecision)
class BatchPartyDecisionAdmin(CountyScopedHistoryAdmin):
    county_path = "entry__batch__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("entry", "party", "decision")
    list_filter = ("decision", ("entry__batch__county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("entry__batch", "township", "department")

    @admin.display(description="单位")
    def party(self, obj):
        return obj.party


@admin.register(NoticeOpinion)
class NoticeOpinionAdmin(CountyScopedMixin, admin.ModelAdmin):
    """Opinions the public sent on notices (公示意见), read-only."""

    county_path = "batch__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("batch", "name", "submitted_at")
    list_filter = (("batch__county", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("batch",)
    search_fields = ("text", "name")
