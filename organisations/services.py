"""Writes to the organisation tree, users and memberships.

Every function takes the acting user (``actor``; ``None`` means the system itself, as in
management commands run by an operator), checks permissions, runs atomically and leaves
a django-simple-history record carrying the actor and a reason.
"""

import logging

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import permissions
from .models import County, Department, Membership, Role, Township, User
from .text import clean_text

audit_log = logging.getLogger("qingdan.audit")


def _require_admin(actor, county: County) -> None:
    if actor is None:
        return
    if not permissions.can_administer_county(actor, county):
        audit_log.warning("denied: %s may not administer county %s", actor, county.code)
        raise PermissionDenied("您无权管理该县的组织机构和用户。")


def role_group(role: str) -> Group:
    """Return the Django group mirroring ``role``, creating it on first use."""
    group, _ = Group.objects.get_or_create(name=Role(role).label)
    return group


@transaction.atomic
def user_create(
    *,
    actor,
    county: County,
    username: str,
    display_name: str,
    password: str | None,
    email: str = "",
) -> User:
    """Create a login for a person of ``county``.

    Returns the new user. Raises ``PermissionDenied`` if ``actor`` may not administer
    ``county`` and ``ValidationError`` (naming the field) for a bad or taken username.
    """
    _require_admin(actor, county)
    user = User(username=username, display_name=clean_text(display_name), email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user._history_user = actor
    user.save()
    audit_log.info("user created: %s by %s", username, actor or "system")
    return user


@transaction.atomic
def membership_grant(
    *,
    actor,
    user: User,
    role: str,
    county: County,
    department: Department | None = None,
    township: Township | None = None,
    reason: str = "",
) -> Membership:
    """Give ``user`` ``role`` in a unit of ``county``, idempotently.

    Returns the (new or existing) membership. Adds the user to the role's group and
    assigns the role's guardian object permissions. Raises ``PermissionDenied`` if
    ``actor`` may not administer ``county``, ``ValidationError`` if the unit does not
    fit the role or belongs to another county.
    """
    _require_admin(actor, county)
    if not permissions.role_unit_is_valid(role, department=department, township=township):
        raise ValidationError({"role": f"角色“{Role(role).label}”与所选单位不匹配。"})
    unit = department or township
    if unit is not None and unit.county_id != county.pk:
        raise ValidationError({"county": "所选单位不属于该县。"})
    membership = Membership.objects.filter(
        user=user, role=role, county=county, department=department, township=township
    ).first()
    if membership is None:
        membership = Membership(
            user=user, role=role, county=county, department=department, township=township
        )
        membership.full_clean()
        membership._history_user = actor
        membership._change_reason = reason or "授予角色"
        membership.save()
    user.groups.add(role_group(role))
    permissions.grant_membership_permissions(membership)
    if role == Role.COUNTY_ADMIN and not user.is_staff:
        # County administrators use the (county-scoped) Django admin.
        user.is_staff = True
        user._history_user = actor
        user.save(update_fields=["is_staff"])
    audit_log.info(
        "membership granted: %s %s %s by %s", user, role, membership.unit, actor or "system"
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership, reason: str = "") -> None:
    """Remove a membership and the rights only it implied.

    Raises ``PermissionDenied`` if ``actor`` may not administer the membership's county.
    Changes: deletes the row (with a history record), drops the group if no other
    membership of the user has that role, removes object permissions no longer implied.
    """
    _require_admin(actor, membership.county)
    user = membership.user
    membership._history_user = actor
    membership._change_reason = reason or "撤销角色"
    membership.delete()
    if not Membership.objects.filter(user=user, role=membership.role).exists():
        user.groups.remove(role_group(membership.role))
        if membership.role == Role.COUNTY_ADMIN and not user.is_superuser:
            user.is_staff = False
            user._history_user = actor
            user.save(update_fields=["is_staff"])
    permissions.revoke_membership_permissions(membership)
    audit_log.info("membership revoked: %s %s by %s", user, membership.role, actor or "system")
