"""Django admin for the organisation tree, users and memberships, scoped by county.

A superuser sees everything. Any other staff user sees only rows of the counties where
they hold ``organisations.administer_county`` (the county administrator role): the
changelists, search, filters, foreign-key choices and object URLs of other counties are
closed to them (an object of another county answers 403, and the attempt is logged).
Memberships are granted and revoked through ``organisations.services`` so that groups
and guardian object permissions follow them.
"""

import logging

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from . import permissions, services
from .models import (
    MEMBERSHIP_UNIT_FIELDS,
    ApiToken,
    County,
    Department,
    Grid,
    Membership,
    Region,
    RegionMembership,
    Role,
    Township,
    User,
    Village,
)

audit_log = logging.getLogger("qingdan.audit")

ALL_WRITES = frozenset({"add", "change", "delete"})


class CountyScopedMixin:
    """ModelAdmin mixin limiting a non-superuser to the counties they administer.

    ``county_path`` is the ORM path from the model to its ``County``. Which writes the
    admin offers is declared per model: ``superuser_writes`` for superusers,
    ``county_admin_writes`` for county administrators (each a set of "add", "change",
    "delete"). Viewing needs only the county right; Django's global model permissions
    are not consulted, because the right is held per county.
    """

    county_path = "county"
    superuser_writes = ALL_WRITES
    county_admin_writes = frozenset({"add", "change"})

    def administered_county_ids(self, request) -> frozenset[int]:
        """Primary keys of the counties ``request.user`` administers (cached per request)."""
        ids = getattr(request, "_qingdan_administered_county_ids", None)
        if ids is None:
            ids = frozenset(
                permissions.counties_administered_by(request.user).values_list("pk", flat=True)
            )
            request._qingdan_administered_county_ids = ids
        return ids

    def scope_filter(self, county_ids) -> Q:
        """The filter keeping rows of the given counties."""
        return Q(**{f"{self.county_path}__in": county_ids})

    def county_id_of(self, obj) -> int | None:
        """The primary key of the county ``obj`` belongs to."""
        *path, last = self.county_path.split("__")
        for name in path:
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return getattr(obj, f"{last}_id", None)

    def is_in_scope(self, request, obj=None) -> bool:
        """True if ``request.user`` may see ``obj`` (or, without ``obj``, this model)."""
        if request.user.is_superuser:
            return True
        county_ids = self.administered_county_ids(request)
        if obj is None:
            return bool(county_ids)
        return self.county_id_of(obj) in county_ids

    def may_write(self, request, action: str, obj=None) -> bool:
        allowed = self.superuser_writes if request.user.is_superuser else self.county_admin_writes
        return action in allowed and self.is_in_scope(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(self.scope_filter(self.administered_county_ids(request)))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not request.user.is_superuser and self._exists(object_id, from_field):
            audit_log.warning(
                "denied: %r may not open %s %r in admin",
                request.user.get_username(),
                self.model._meta.label,
                object_id,
            )
            raise PermissionDenied
        return obj

    def _exists(self, object_id, from_field) -> bool:
        opts = self.model._meta
        field = opts.pk if from_field is None else opts.get_field(from_field)
        try:
            value = field.to_python(object_id)
        except ValidationError:
            return False
        return self.model._default_manager.filter(**{field.name: value}).exists()

    def has_module_permission(self, request):
        return self.is_in_scope(request)

    def has_view_permission(self, request, obj=None):
        return self.is_in_scope(request, obj)

    def has_add_permission(self, request):
        return self.may_write(request, "add")

    def has_change_permission(self, request, obj=None):
        return self.may_write(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_write(request, "delete", obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            scoped = self._scoped_choices(db_field, request)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            scoped = self._scoped_choices(db_field, request)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _scoped_choices(self, db_field, request):
        # A choice list must not offer another county's rows: use the related model's
        # own scoped admin queryset when it has one.
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, CountyScopedMixin):
            return related_admin.get_queryset(request)
        return None


class CountyScopedHistoryAdmin(CountyScopedMixin, SimpleHistoryAdmin):
    """County-scoped admin for models tracked by django-simple-history."""

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        # Codes are the stable keys that imports match on.
        has_code = any(field.name == "code" for field in self.model._meta.fields)
        if (
            has_code
            and obj is not None
            and not request.user.is_superuser
            and "code" not in readonly
        ):
            readonly += ("code",)
        return readonly


@admin.register(County)
class CountyAdmin(CountyScopedHistoryAdmin):
    superuser_writes = ALL_WRITES
    county_admin_writes = frozenset({"change"})
    list_display = ("code", "name", "office_name")
    search_fields = ("code", "name")

    def scope_filter(self, county_ids) -> Q:
        return Q(pk__in=county_ids)

    def county_id_of(self, obj) -> int | None:
        return obj.pk


@admin.register(Department)
class DepartmentAdmin(CountyScopedHistoryAdmin):
    list_display = ("code", "name", "county")
    list_filter = (("county", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("county",)
    search_fields = ("code", "name")


@admin.register(Township)
class TownshipAdmin(CountyScopedHistoryAdmin):
    list_display = ("code", "name", "kind", "county")
    list_filter = ("kind", ("county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("county",)
    search_fields = ("code", "name")


@admin.register(Village)
class VillageAdmin(CountyScopedHistoryAdmin):
    county_path = "township__county"
    list_display = ("code", "name", "kind", "township", "county")
    list_filter = ("kind", ("township__county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("township__county",)
    search_fields = ("code", "name", "township__name")
    autocomplete_fields = ("township",)

    @admin.display(description="所属县", ordering="township__county__code")
    def county(self, obj):
        return obj.township.county


@admin.register(Grid)
class GridAdmin(CountyScopedHistoryAdmin):
    county_path = "village__township__county"
    list_display = ("code", "name", "village", "township")
    list_filter = (("village__township__county", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("village__township",)
    search_fields = ("code", "name", "village__name")
    autocomplete_fields = ("village",)
    show_full_result_count = False

    @admin.display(description="所属乡镇(街道)", ordering="village__township__code")
    def township(self, obj):
        return obj.village.township


@admin.register(User)
class UserAdmin(CountyScopedMixin, DjangoUserAdmin):
    """Users; a county administrator sees the users holding a role in their county.

    A county administrator may edit a user's name, e-mail, active flag and password only
    if every role of that user lies in counties they administer and the user is not a
    superuser; groups and permissions follow memberships and are not edited here.
    """

    superuser_writes = ALL_WRITES
    county_admin_writes = frozenset({"change"})
    list_display = ("username", "display_name", "email", "is_active", "is_staff", "last_login")
    actions = ["unlock_login"]

    @admin.action(description="解除所选用户的登录锁定", permissions=["change"])
    def unlock_login(self, request, queryset):
        """Lift the login lockout of the selected users (``services.user_login_unlock``)."""
        unlocked = []
        for user in queryset:
            try:
                services.user_login_unlock(actor=request.user, user=user)
            except PermissionDenied:
                self.message_user(
                    request, f"您无权解除用户 {user.username} 的登录锁定。", level="error"
                )
            else:
                unlocked.append(user.username)
        if unlocked:
            self.message_user(request, f"已解除登录锁定：{'、'.join(unlocked)}。")

    search_fields = ("username", "display_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "个人信息",
            {"fields": ("display_name", "first_name", "last_name", "email", "dingtalk_userid")},
        ),
        (
            "权限",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    county_admin_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "email", "dingtalk_userid")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )

    def scope_filter(self, county_ids) -> Q:
        return Q(pk__in=Membership.objects.filter(county__in=county_ids).values("user_id"))

    def is_in_scope(self, request, obj=None) -> bool:
        if obj is None or request.user.is_superuser:
            return super().is_in_scope(request, obj)
        county_ids = self.administered_county_ids(request)
        return obj.memberships.filter(county__in=county_ids).exists()

    def may_write(self, request, action: str, obj=None) -> bool:
        if not super().may_write(request, action, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        # A county administrator must not take over a superuser or a user who also
        # holds roles in a county they do not administer.
        county_ids = self.administered_county_ids(request)
        return not obj.is_superuser and not obj.memberships.exclude(county__in=county_ids).exists()

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.county_admin_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return ("username", "last_login", "date_joined")
        return super().get_readonly_fields(request, obj)


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "role", "county", "department", "township", "village", "grid")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        county = cleaned.get("county")
        units = {name: cleaned.get(name) for name in MEMBERSHIP_UNIT_FIELDS}
        unit_errors = any(name in self.errors for name in MEMBERSHIP_UNIT_FIELDS)
        if role and not unit_errors and not permissions.role_unit_is_valid(role, **units):
            raise ValidationError(
                f"角色“{Role(role).label}”与所选单位不匹配：部门角色选部门，"
                "乡镇(街道)角色选乡镇(街道)，村(社区)角色选村(社区)，网格员选网格，"
                "县级角色都不选。"
            )
        for name, unit in units.items():
            if (
                unit is not None
                and county is not None
                and permissions.unit_county_id(unit) != county.pk
            ):
                self.add_error(name, "所选单位不属于该县。")
        return cleaned


@admin.register(Membership)
class MembershipAdmin(CountyScopedHistoryAdmin):
    """Roles of users in units; granted and revoked through ``organisations.services``.

    A membership is never edited in place (its guardian permissions would go stale):
    revoke it and grant the new one.
    """

    form = MembershipAdminForm
    superuser_writes = frozenset({"add", "delete"})
    county_admin_writes = frozenset({"add", "delete"})
    list_display = (
        "user",
        "role",
        "county",
        "department",
        "township",
        "village",
        "grid",
        "created_at",
    )
    list_filter = ("role", ("county", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "county", "department", "township", "village", "grid")
    search_fields = (
        "user__username",
        "user__display_name",
        "department__name",
        "township__name",
        "village__name",
        "grid__name",
    )
    autocomplete_fields = ("user", "department", "township", "village", "grid")

    def save_model(self, request, obj, form, change):
        membership = services.membership_grant(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            county=obj.county,
            department=obj.department,
            township=obj.township,
            village=obj.village,
            grid=obj.grid,
            reason="管理后台授予",
        )
        obj.pk = membership.pk
        obj.created_at = membership.created_at

    def delete_model(self, request, obj):
        services.membership_revoke(actor=request.user, membership=obj, reason="管理后台撤销")

    def delete_queryset(self, request, queryset):
        for membership in queryset.order_by("pk"):
            self.delete_model(request, membership)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens, for superusers: see who holds one until when, and revoke (delete) it."""

    list_display = ("prefix", "user", "created", "expires")
    list_select_related = ("user",)
    search_fields = ("user__username", "prefix")
    readonly_fields = ("prefix", "user", "created", "expires")
    fields = readonly_fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def delete_model(self, request, obj):
        services.api_token_revoke(token=obj, reason=f"revoked by {request.user.get_username()}")

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            self.delete_model(request, token)


class SuperuserOnlyMixin:
    """Regions span counties: only superusers see and manage them."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Region)
class RegionAdmin(SuperuserOnlyMixin, SimpleHistoryAdmin):
    """Regions (市/省) and their counties."""

    list_display = ("code", "name")
    search_fields = ("code", "name")
    filter_horizontal = ("counties",)


@admin.register(RegionMembership)
class RegionMembershipAdmin(SuperuserOnlyMixin, SimpleHistoryAdmin):
    """市(省)级查看人员, granted and revoked through ``organisations.services``; never
    edited in place."""

    list_display = ("user", "region", "created_at")
    list_select_related = ("user", "region")
    autocomplete_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and obj is None

    def save_model(self, request, obj, form, change):
        membership = services.region_membership_grant(
            actor=request.user, user=obj.user, region=obj.region, reason="管理后台授予"
        )
        obj.pk = membership.pk
        obj.created_at = membership.created_at

    def delete_model(self, request, obj):
        services.region_membership_revoke(actor=request.user, membership=obj, reason="管理后台撤销")

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "region").order_by("pk"):
            self.delete_model(request, membership)
