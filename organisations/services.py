"""Writes to the organisation tree, users and memberships.

Every function takes the acting user (``actor``; ``None`` means the system itself, as in
management commands run by an operator), checks permissions, runs atomically and leaves
a django-simple-history record carrying the actor and a reason.
"""

import hashlib
import logging
import secrets

from axes import utils as axes_utils
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import permissions
from .models import (
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
    password_hash: str | None = None,
) -> User:
    """Create a login for a person of ``county``.

    ``password_hash`` (from ``make_password``) stands in for ``password`` when a loader
    gives many logins one password: hashing takes about half a second each.
    Returns the new user. Raises ``PermissionDenied`` if ``actor`` may not administer
    ``county`` and ``ValidationError`` (naming the field) for a bad or taken username.
    """
    _require_admin(actor, county)
    user = User(username=username, display_name=clean_text(display_name), email=email)
    if password_hash:
        user.password = password_hash
    elif password:
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
    village: Village | None = None,
    grid: Grid | None = None,
    reason: str = "",
) -> Membership:
    """Give ``user`` ``role`` in a unit of ``county``, idempotently: a department,
    township, village (村/社区) or grid, as the role requires, or none for a county role.

    Returns the (new or existing) membership. Adds the user to the role's group and
    assigns the role's guardian object permissions. Raises ``PermissionDenied`` if
    ``actor`` may not administer ``county``, ``ValidationError`` if the unit does not
    fit the role or belongs to another county.
    """
    _require_admin(actor, county)
    units = {"department": department, "township": township, "village": village, "grid": grid}
    if not permissions.role_unit_is_valid(role, **units):
        raise ValidationError({"role": f"角色“{Role(role).label}”与所选单位不匹配。"})
    unit = department or township or village or grid
    if unit is not None and permissions.unit_county_id(unit) != county.pk:
        raise ValidationError({"county": "所选单位不属于该县。"})
    membership = Membership.objects.filter(user=user, role=role, county=county, **units).first()
    if membership is None:
        membership = Membership(user=user, role=role, county=county, **units)
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


def _token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[ApiToken, str]:
    """Issue a new API token for one client of ``user`` (who has just proved their
    password), valid for ``settings.API_TOKEN_LIFETIME``.

    Returns the token row and its key; the key is shown to the client once and only its
    digest is stored. Deletes every expired token (of any user) and the user's tokens
    issued before a password change.
    """
    now = timezone.now()
    ApiToken.objects.filter(expires__lte=now).delete()
    credential_hash = user.get_session_auth_hash()
    ApiToken.objects.filter(user=user).exclude(credential_hash=credential_hash).delete()
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        digest=_token_digest(key),
        prefix=key[:8],
        user=user,
        created=now,
        expires=now + settings.API_TOKEN_LIFETIME,
        credential_hash=credential_hash,
    )
    audit_log.info(
        "api token issued: user=%r token=%s expires=%s",
        user.get_username(),
        token.prefix,
        token.expires.isoformat(),
    )
    return token, key


def api_token_get(*, key: str) -> ApiToken | None:
    """The token whose key is ``key`` (with its user), or ``None``."""
    return ApiToken.objects.select_related("user").filter(digest=_token_digest(key)).first()


def api_token_revoke(*, token: ApiToken, reason: str) -> None:
    """Revoke ``token`` (delete it) and write the audit log with ``reason``
    (``logout``, ``expired``)."""
    token.delete()
    audit_log.info(
        "api token revoked: user=%r token=%s reason=%s",
        token.user.get_username(),
        token.prefix,
        reason,
    )


def api_tokens_revoke_stale(*, user: User) -> int:
    """Revoke the tokens ``user`` was issued before their password last changed.

    Returns how many were deleted (and logged).
    """
    stale = ApiToken.objects.filter(user=user).exclude(credential_hash=user.get_session_auth_hash())
    count, _ = stale.delete()
    if count:
        audit_log.info(
            "api token revoked: user=%r tokens=%d reason=password changed",
            user.get_username(),
            count,
        )
    return count


def user_login_unlock(*, actor, user: User) -> int:
    """Lift the login lockout of ``user`` (django-axes' failed attempts for the username).

    Returns how many attempt records were deleted. Raises ``PermissionDenied`` unless
    ``permissions.can_unlock_user`` allows ``actor`` (``None``: an operator's command).
    The client addresses that tried are left locked; ``manage.py axes_reset_ip`` frees one.
    """
    if actor is not None and not permissions.can_unlock_user(actor, user):
        audit_log.warning("denied: %s may not unlock user %s", actor, user.get_username())
        raise PermissionDenied("您无权解除该用户的登录锁定。")
    count = axes_utils.reset(username=user.get_username())
    audit_log.info(
        "login unlocked: user=%r by %s attempts=%d",
        user.get_username(),
        actor.get_username() if actor is not None else "system",
        count,
    )
    return count


def _require_superuser(actor) -> None:
    if actor is None or actor.is_superuser:
        return
    audit_log.warning("denied: %s may not manage regions", actor)
    raise PermissionDenied("只有系统管理员可以管理市(省)级区域和查看人员。")


@transaction.atomic
def region_membership_grant(
    *, actor, user: User, region: Region, reason: str = ""
) -> RegionMembership:
    """Make ``user`` a 市(省)级查看人员 of ``region`` (idempotent): the user then reads
    the statistics of every county of the region. Returns the (new or existing) row.

    Raises ``PermissionDenied`` unless ``actor`` is a superuser (or ``None``, the
    system). Changes: one ``RegionMembership`` row with a history record.
    """
    _require_superuser(actor)
    membership = RegionMembership.objects.filter(user=user, region=region).first()
    if membership is None:
        membership = RegionMembership(user=user, region=region)
        membership.full_clean()
        membership._history_user = actor
        membership._change_reason = reason or "授予市(省)级查看权限"
        membership.save()
    permissions.forget_region_scope(user)
    audit_log.info("region membership granted: %s %s by %s", user, region, actor or "system")
    return membership


@transaction.atomic
def region_membership_revoke(*, actor, membership: RegionMembership, reason: str = "") -> None:
    """Remove a region membership. Raises ``PermissionDenied`` unless ``actor`` is a
    superuser (or ``None``). Changes: deletes the row with a history record."""
    _require_superuser(actor)
    membership._history_user = actor
    membership._change_reason = reason or "撤销市(省)级查看权限"
    membership.delete()
    permissions.forget_region_scope(membership.user)
    audit_log.info(
        "region membership revoked: %s %s by %s",
        membership.user,
        membership.region,
        actor or "system",
    )
