"""Reads for the change request flow: who is consulted, deadlines, contested parties,
who is told, and scoped lists of requests and tasks."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from organisations.models import Membership, Role, Township

from . import deadlines
from .models import ChangeRequestProcess, Consultation, ConsultationAnswer


def consulted_townships(process: ChangeRequestProcess) -> list[Township]:
    """The townships a department's request touches: all of the county's when it
    applies to all units of the level, else the named ones."""
    if process.applies_to_all:
        return list(Township.objects.filter(county_id=process.county_id).order_by("code"))
    return list(process.target_townships.order_by("code"))


def consultation_parties(process: ChangeRequestProcess) -> list[dict]:
    """The task data of each consultation: the lead department when a township filed
    the request, else one item per touched township."""
    if process.initiator_township_id:
        return [{"department": process.lead_department_id}]
    return [{"township": township.pk} for township in consulted_townships(process)]


def consultation_deadline_at(process: ChangeRequestProcess) -> datetime.datetime:
    """Deadline of a consultation opened now (working days, county calendar)."""
    return deadlines.consultation_due(process.county, timezone.now())


def consultation_reminder_at(process: ChangeRequestProcess) -> datetime.datetime:
    """Reminder moment of a consultation opened now: one working day before the deadline."""
    return deadlines.consultation_reminder(process.county, timezone.now())


def contested_consultations(process: ChangeRequestProcess) -> QuerySet[Consultation]:
    """Answers that send the request to arbitration: contested or unanswered."""
    return process.consultations.filter(
        answer__in=[ConsultationAnswer.CONTEST, ConsultationAnswer.NO_ANSWER]
    ).select_related("township", "department")


def users_of_county_office(county_id: int):
    """Users who are the county office (县委编办) of the county."""
    return _members(county_id=county_id, role__in=[Role.COUNTY_OFFICE])


def users_of_township(township_id: int):
    """Heads and staff of a township (heads answer; staff are kept informed)."""
    return _members(township_id=township_id, role__in=[Role.TOWNSHIP_HEAD, Role.TOWNSHIP_STAFF])


def users_of_department(department_id: int):
    """Staff and heads of a department."""
    return _members(
        department_id=department_id, role__in=[Role.DEPARTMENT_STAFF, Role.DEPARTMENT_HEAD]
    )


def users_of_initiator(process: ChangeRequestProcess):
    if process.initiator_department_id:
        return users_of_department(process.initiator_department_id)
    return users_of_township(process.initiator_township_id)


def _members(**conditions):
    memberships = Membership.objects.filter(**conditions).select_related("user")
    seen, users = set(), []
    for membership in memberships.order_by("user_id"):
        if membership.user_id not in seen and membership.user.is_active:
            seen.add(membership.user_id)
            users.append(membership.user)
    return users
