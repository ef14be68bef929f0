"""Who may see or do what with organisation units.

This is the only module of the app that talks to django-guardian. Object permissions
are granted from memberships by ``organisations.services``; these functions answer
"may this user …?" and "which rows may this user see?".
"""

from django.db.models import QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import (
    COUNTY_ROLES,
    DEPARTMENT_ROLES,
    TOWNSHIP_ROLES,
    County,
    Department,
    Membership,
    Role,
    Township,
)

# Object permissions implied by each role, keyed by the kind of object they sit on.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.DEPARTMENT_STAFF: {
        "county": ("organisations.view_county_lists",),
        "department": ("organisations.act_for_department",),
    },
    Role.DEPARTMENT_HEAD: {
        "county": ("organisations.view_county_lists",),
        "department": ("organisations.act_for_department",),
    },
    Role.TOWNSHIP_HEAD: {
        "township": ("organisations.view_township_items", "organisations.act_for_township"),
    },
    Role.TOWNSHIP_STAFF: {
        "township": ("organisations.view_township_items",),
    },
    Role.COUNTY_OFFICE: {
        "county": ("organisations.view_county_lists", "organisations.arbitrate_county"),
    },
    Role.COUNTY_ADMIN: {
        "county": ("organisations.view_county_lists", "organisations.administer_county"),
    },
}


def _membership_targets(membership: Membership) -> dict[str, object]:
    return {
        "county": membership.county,
        "department": membership.department,
        "township": membership.township,
    }


def permissions_of_membership(membership: Membership) -> list[tuple[str, object]]:
    """Return the ``(permission, object)`` pairs a membership implies."""
    targets = _membership_targets(membership)
    pairs = []
    for target_kind, perms in ROLE_PERMISSIONS[membership.role].items():
        target = targets[target_kind]
        if target is not None:
            pairs.extend((perm, target) for perm in perms)
    return pairs


def grant_membership_permissions(membership: Membership) -> None:
    """Assign the membership's object permissions to its user (idempotent)."""
    for perm, target in permissions_of_membership(membership):
        assign_perm(perm, membership.user, target)


def revoke_membership_permissions(membership: Membership) -> None:
    """Remove the membership's object permissions unless another membership implies them.

    Call after the membership row has been deleted.
    """
    still_implied = set()
    for other in Membership.objects.filter(user=membership.user).select_related(
        "county", "department", "township"
    ):
        still_implied.update(
            (perm, type(obj), obj.pk) for perm, obj in permissions_of_membership(other)
        )
    for perm, target in permissions_of_membership(membership):
        if (perm, type(target), target.pk) not in still_implied:
            remove_perm(perm, membership.user, target)


def can_administer_county(user, county: County) -> bool:
    """True if ``user`` may manage ``county``'s organisation, users and lists."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_perm("organisations.administer_county", county)


def can_arbitrate_county(user, county: County) -> bool:
    """True if ``user`` is the county office (县委编办) of ``county``."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_perm("organisations.arbitrate_county", county)


def counties_visible_to(user) -> QuerySet[County]:
    """Counties whose whole lists ``user`` may read (county and department roles)."""
    if not user.is_authenticated:
        return County.objects.none()
    if user.is_superuser:
        return County.objects.all()
    return get_objects_for_user(
        user, "organisations.view_county_lists", klass=County, accept_global_perms=False
    )


def counties_administered_by(user) -> QuerySet[County]:
    """Counties whose organisation, users and lists ``user`` may manage (county admins).

    Superusers administer every county; anonymous users none. Global (non-object)
    grants of ``administer_county`` are ignored: the right is per county.
    """
    if not user.is_authenticated:
        return County.objects.none()
    if user.is_superuser:
        return County.objects.all()
    return get_objects_for_user(
        user, "organisations.administer_county", klass=County, accept_global_perms=False
    )


def townships_visible_to(user) -> QuerySet[Township]:
    """Townships ``user`` may see as a township user (their own unit(s) only)."""
    if not user.is_authenticated:
        return Township.objects.none()
    return get_objects_for_user(
        user, "organisations.view_township_items", klass=Township, accept_global_perms=False
    )


def departments_acted_for_by(user) -> QuerySet[Department]:
    """Departments ``user`` may act for (department staff and heads)."""
    if not user.is_authenticated:
        return Department.objects.none()
    return get_objects_for_user(
        user, "organisations.act_for_department", klass=Department, accept_global_perms=False
    )


def role_unit_is_valid(role: str, *, department, township) -> bool:
    """True if the unit arguments fit ``role`` (see ``Membership``'s check constraint)."""
    if role in DEPARTMENT_ROLES:
        return department is not None and township is None
    if role in TOWNSHIP_ROLES:
        return township is not None and department is None
    if role in COUNTY_ROLES:
        return department is None and township is None
    return False


def counties_arbitrated_by(user) -> QuerySet[County]:
    """Counties whose county office (县委编办) ``user`` belongs to; superusers: all."""
    if not user.is_authenticated:
        return County.objects.none()
    if user.is_superuser:
        return County.objects.all()
    return get_objects_for_user(
        user, "organisations.arbitrate_county", klass=County, accept_global_perms=False
    )


def can_unlock_user(actor, user) -> bool:
    """Whether ``actor`` may lift the login lockout of ``user``: a superuser always; a
    county administrator for a non-superuser all of whose roles lie in counties they
    administer (the rule for editing that user in the admin)."""
    if actor.is_superuser:
        return True
    if user.is_superuser:
        return False
    county_ids = set(counties_administered_by(actor).values_list("pk", flat=True))
    user_county_ids = set(user.memberships.values_list("county_id", flat=True))
    return bool(user_county_ids) and user_county_ids <= county_ids
