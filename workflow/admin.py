"""Django admin for change requests and their records, scoped by county.

Requests, answers, notifications and attachments are read-only here: they change only
through the workflow services, which check rights and record the reason. A county
administrator edits the county's procedure settings and its holiday calendar (节假日与
调休), and sees only rows of the counties they administer (see
``organisations.admin.CountyScopedMixin``).

viewflow registers its own process and task admin, which shows every county's
processes to any staff user holding the model permission; it is replaced here by
read-only, county-scoped versions.
"""

from django.contrib import admin
from django.db.models import Q
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task

from organisations.admin import CountyScopedHistoryAdmin, CountyScopedMixin

from .models import (
    ITEM_FIELDS,
    Attachment,
    ChangeRequestProcess,
    Consultation,
    CountyWorkflowSettings,
    Holiday,
    LegalityReview,
    Notification,
    TemporaryItemProcess,
)

READ_ONLY = frozenset()


class ReadOnlyInline(admin.TabularInline):
    """An inline shown read-only on a county-scoped parent (the parent checks the scope)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConsultationInline(ReadOnlyInline):
    model = Consultation
    fields = ("township", "department", "answer", "reason", "counter_proposal", "answered_by")
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(ChangeRequestProcess)
class ChangeRequestProcessAdmin(CountyScopedHistoryAdmin):
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    date_hierarchy = "created"
    list_display = (
        "pk",
        "__str__",
        "county",
        "level",
        "initiator",
        "status",
        "outcome",
        "created",
    )
    list_display_links = ("pk", "__str__")
    list_filter = (
        "kind",
        "level",
        "status",
        "outcome",
        ("county", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = (
        "county",
        "target_item",
        "initiator_department",
        "initiator_township",
    )
    search_fields = ("title", "code", "reasons", "initiator_department__name")
    fields = (
        "county",
        "kind",
        "level",
        "status",
        "outcome",
        "created",
        "finished",
        "requested_by",
        "initiator_department",
        "initiator_township",
        "target_item",
        *ITEM_FIELDS,
        "cooperation",
        "applies_to_all",
        "target_townships",
        "target_villages",
        "village_kind",
        "reasons",
        "review_decision",
        "review_comment",
        "reviewed_by",
        "legality_reviewer",
        "published_item",
        "published_under",
    )
    readonly_fields = ("status", "created", "finished")
    inlines = (ConsultationInline, AttachmentInline)

    @admin.display(description="申请单位")
    def initiator(self, obj):
        return obj.initiator


@admin.register(TemporaryItemProcess)
class TemporaryItemProcessAdmin(CountyScopedMixin, admin.ModelAdmin):
    """临时事项到期: each temporary item's wait for its end date, read-only."""

    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("pk", "item", "expires_on", "county", "status", "outcome", "created")
    list_filter = ("status", "outcome", ("county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("county", "item")
    search_fields = ("item__code", "item__title")
    fields = ("county", "item", "expires_on", "status", "outcome", "created", "finished")
    readonly_fields = fields


@admin.register(Consultation)
class ConsultationAdmin(CountyScopedHistoryAdmin):
    county_path = "process__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("process", "party", "answer", "answered_by", "answered_at")
    list_filter = ("answer", ("process__county", admin.RelatedOnlyFieldListFilter))
    list_select_related = (
        "process__county",
        "process__target_item",
        "township",
        "department",
        "answered_by",
    )
    search_fields = ("process__title", "township__name", "department__name", "reason")

    @admin.display(description="征求对象")
    def party(self, obj):
        return obj.party


@admin.register(LegalityReview)
class LegalityReviewAdmin(CountyScopedHistoryAdmin):
    """Legality reviews (合法性审查), read-only: written by the review task only."""

    county_path = "process__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("process", "department", "decision", "reviewed_by", "reviewed_at")
    list_filter = ("decision", ("process__county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("process__target_item", "department", "reviewed_by")
    search_fields = ("process__title", "opinion")


@admin.register(CountyWorkflowSettings)
class CountyWorkflowSettingsAdmin(CountyScopedHistoryAdmin):
    """A county's procedure settings (consultation period, silence rule, legality review,
    standing authorisation, public notice, public pages), edited by its administrator."""

    county_admin_writes = frozenset({"add", "change"})
    list_display = (
        "county",
        "consultation_days",
        "silence_is_consent",
        "legality_review",
        "standing_authorisation",
        "notice_working_days",
        "public_pages",
    )
    list_select_related = ("county",)


@admin.register(Holiday)
class HolidayAdmin(CountyScopedMixin, admin.ModelAdmin):
    """A county's holidays and weekend make-up days (调休上班), skipped or counted when
    deadlines are reckoned in working days."""

    county_admin_writes = frozenset({"add", "change", "delete"})
    date_hierarchy = "date"
    list_display = ("date", "weekday", "name", "is_working_day", "county")
    list_filter = ("is_working_day", ("county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("county",)
    search_fields = ("name",)

    @admin.display(description="星期")
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()]


@admin.register(Notification)
class NotificationAdmin(CountyScopedMixin, admin.ModelAdmin):
    """In-app notifications; a county administrator sees those about the county's
    requests and those sent to users holding a role in the county."""

    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = ("subject", "recipient", "process", "created_at", "read_at")
    list_filter = (("process__county", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("recipient", "process__target_item")
    search_fields = ("subject", "recipient__username", "recipient__display_name")

    def scope_filter(self, county_ids) -> Q:
        about_county = Q(process__county__in=county_ids)
        to_county_user = Q(process__isnull=True, recipient__memberships__county__in=county_ids)
        matching = Notification.objects.filter(about_county | to_county_user).values("pk")
        return Q(pk__in=matching)

    def is_in_scope(self, request, obj=None) -> bool:
        if obj is None or request.user.is_superuser:
            return super().is_in_scope(request, obj)
        county_ids = self.administered_county_ids(request)
        return Notification.objects.filter(self.scope_filter(county_ids), pk=obj.pk).exists()


@admin.register(Attachment)
class AttachmentAdmin(CountyScopedHistoryAdmin):
    county_path = "process__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_display = (
        "original_name",
        "process",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )
    list_filter = ("content_type", ("process__county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("process__target_item", "uploaded_by")
    search_fields = ("original_name", "process__title")
    # The stored name is shown, not linked: files are served only through scoped views.
    fields = (
        "process",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "stored_name",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = ("stored_name", "uploaded_at")

    @admin.display(description="存储文件名")
    def stored_name(self, obj):
        return obj.file.name


class ScopedTaskInline(ReadOnlyInline, viewflow_admin.TaskInline):
    pass


if admin.site.is_registered(Process):
    admin.site.unregister(Process)
if admin.site.is_registered(Task):
    admin.site.unregister(Task)


@admin.register(Process)
class ScopedProcessAdmin(CountyScopedMixin, viewflow_admin.ProcessAdmin):
    """viewflow's process admin, read-only and limited to the administered counties
    (a process of a flow without a county is shown to superusers only)."""

    county_path = "changerequestprocess__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    inlines = [ScopedTaskInline]


@admin.register(Task)
class ScopedTaskAdmin(CountyScopedMixin, viewflow_admin.TaskAdmin):
    """viewflow's task admin, read-only and limited to the administered counties."""

    county_path = "process__changerequestprocess__county"
    superuser_writes = READ_ONLY
    county_admin_writes = READ_ONLY
    list_select_related = ("process", "owner")
