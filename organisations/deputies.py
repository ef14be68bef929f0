"""Deputies (委托/代理): a township or department head names a colleague of the same
unit who holds the head's task rights for a period, e.g. during leave.

The rights themselves come from the ``Deputyship`` row whenever a user's scope is read
(``organisations.permissions._deputy_grants``): nothing is granted or revoked here, so
they start and end with the period. Writes check the actor's rights, run atomically and
leave a history record with the actor and a reason.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import permissions
from .models import Department, Deputyship, Membership, Role, Township, User
from .text import clean_text

audit_log = logging.getLogger("qingdan.audit")

# The longest period one deputyship may cover; a longer absence is a change of roles.
MAX_PERIOD = datetime.timedelta(days=180)
HEAD_ROLES = {Township: Role.TOWNSHIP_HEAD, Department: Role.DEPARTMENT_HEAD}
COLLEAGUE_ROLES = {
    Township: (Role.TOWNSHIP_HEAD, Role.TOWNSHIP_STAFF),
    Department: (Role.DEPARTMENT_HEAD, Role.DEPARTMENT_STAFF),
}


def _unit_lookup(unit: Township | Department) -> dict:
    return {type(unit)._meta.model_name: unit}


def is_head_of(user, unit: Township | Department) -> bool:
    """True if ``user`` holds the head role (乡镇(街道)负责人 / 部门负责人) of ``unit``."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user_id=user.pk, role=HEAD_ROLES[type(unit)], **_unit_lookup(unit)
    ).exists()


def colleagues_of(user, unit: Township | Department) -> QuerySet[User]:
    """Active users other than ``user`` with a head or staff role in ``unit``, by
    username (who may be named deputy, or be handed a task)."""
    members = Membership.objects.filter(
        role__in=COLLEAGUE_ROLES[type(unit)], **_unit_lookup(unit)
    ).values("user_id")
    return (
        User.objects.filter(pk__in=members, is_active=True).exclude(pk=user.pk).order_by("username")
    )


def headed_units(user) -> list[Township | Department]:
    """The townships and departments ``user`` heads, townships first, by code."""
    if not user.is_authenticated:
        return []
    memberships = Membership.objects.filter(
        user_id=user.pk, role__in=[Role.TOWNSHIP_HEAD, Role.DEPARTMENT_HEAD]
    ).select_related("township", "department")
    units = {membership.township or membership.department for membership in memberships}
    return sorted(units, key=lambda unit: (isinstance(unit, Department), unit.code))


def deputyships_of(user) -> QuerySet[Deputyship]:
    """Deputyships ``user`` gave or holds, newest first, with people and unit joined."""
    if not user.is_authenticated:
        return Deputyship.objects.none()
    return (
        Deputyship.objects.filter(Q(principal_id=user.pk) | Q(deputy_id=user.pk))
        .select_related("principal", "deputy", "township", "department", "created_by")
        .order_by("-starts_at", "-pk")
    )


def deputies_in_force(*, principal_ids, unit: Township | Department) -> list[User]:
    """Active deputies of the given principals for ``unit`` whose period runs now (one
    query): they are told of the unit's tasks like the heads they stand in for."""
    if not principal_ids:
        return []
    rows = (
        permissions.active_deputyships()
        .filter(principal_id__in=sorted(principal_ids), **_unit_lookup(unit))
        .select_related("deputy")
        .order_by("deputy_id")
    )
    return list({row.deputy_id: row.deputy for row in rows if row.deputy.is_active}.values())


@transaction.atomic
def deputyship_set(
    *,
    actor,
    unit: Township | Department,
    deputy: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str,
) -> Deputyship:
    """The head ``actor`` names ``deputy`` (a colleague of ``unit``) to hold its task
    rights for ``unit`` from ``starts_at`` (a moment already past counts from now) until
    ``ends_at``.

    Returns the new deputyship. Raises ``PermissionDenied`` (logged) when ``actor`` is not
    a head of ``unit``; ``ValidationError`` naming the field for a deputy outside the
    unit, an empty reason, an end not after the start or in the past, or a period over
    ``MAX_PERIOD``. Nothing is written then.
    """
    if not is_head_of(actor, unit):
        audit_log.warning("denied: %s may not set a deputy for %s", actor, unit)
        raise PermissionDenied(f"只有{unit}的负责人可以设置代理人。")
    now = timezone.now()
    errors = {}
    reason = clean_text(reason)
    if not reason:
        errors["reason"] = "请填写委托事由。"
    if deputy.pk == actor.pk or not colleagues_of(actor, unit).filter(pk=deputy.pk).exists():
        errors["deputy"] = f"代理人须是{unit}的其他在岗人员。"
    starts_at = max(starts_at, now)
    if ends_at <= starts_at:
        errors["ends_at"] = "结束时间须晚于开始时间和当前时间。"
    elif ends_at - starts_at > MAX_PERIOD:
        errors["ends_at"] = f"委托期限最长 {MAX_PERIOD.days} 天。"
    if errors:
        raise ValidationError(errors)
    deputyship = Deputyship(
        principal=actor,
        deputy=deputy,
        county_id=unit.county_id,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason[:200],
        created_by=actor,
        **_unit_lookup(unit),
    )
    deputyship.full_clean(exclude=["principal", "deputy", "county", "created_by"])
    deputyship._history_user = actor
    deputyship._change_reason = f"设置代理人：{reason}"
    deputyship.save()
    permissions.forget_unit_scope(deputy)
    audit_log.info(
        "deputy set: %s for %s at %s from %s until %s", deputy, actor, unit, starts_at, ends_at
    )
    return deputyship


@transaction.atomic
def deputyship_end(*, actor, deputyship_id: int) -> Deputyship:
    """End a deputyship now (the head returned early); its principal ends it.

    Returns the deputyship. Raises ``Deputyship.DoesNotExist`` for an unknown one,
    ``PermissionDenied`` (logged) when ``actor`` is not its principal, ``ValidationError``
    when it has already ended; nothing is written then.
    """
    deputyship = Deputyship.objects.select_for_update().get(pk=deputyship_id)
    if not actor.is_authenticated or deputyship.principal_id != actor.pk:
        audit_log.warning("denied: %s may not end deputyship #%s", actor, deputyship_id)
        raise PermissionDenied("只有委托人本人可以结束委托。")
    now = timezone.now()
    if deputyship.ended_at is not None or deputyship.ends_at <= now:
        raise ValidationError({"deputyship": "该委托已经结束。"})
    deputyship.ended_at = now
    deputyship._history_user = actor
    deputyship._change_reason = "提前结束委托"
    deputyship.save(update_fields=["ended_at"])
    permissions.forget_unit_scope(deputyship.deputy)
    audit_log.info("deputy ended: #%s by %s", deputyship.pk, actor)
    return deputyship
