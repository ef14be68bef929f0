"""Reads for the change request flow: who is consulted, deadlines, contested parties,
who is told, and scoped lists of requests and tasks."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from viewflow.workflow.models import Task

from arbitration.models import Ruling
from duty_lists.models import DutyItem, ItemStatus
from evaluation.links import DOMAIN_SOURCES, linked_pairs
from evaluation.models import LinkKind
from organisations import permissions as org_permissions
from organisations.models import Department, Membership, Role, Township, User

from . import deadlines
from .models import ChangeRequestProcess, Consultation, ConsultationAnswer, Notification
from .permissions import (
    can_see_every_answer,
    change_requests_visible_to,
    items_township_may_contest,
)


def consulted_townships(process: ChangeRequestProcess) -> list[Township]:
    """The townships a department's request touches: all of the county's when it
    applies to all units of the level, else the named ones and those of the named
    villages (village and grid lists)."""
    if process.applies_to_all:
        return list(Township.objects.filter(county_id=process.county_id).order_by("code"))
    villages = process.target_villages.values("township_id")
    return list(
        Township.objects.filter(
            Q(pk__in=process.target_townships.values("pk")) | Q(pk__in=villages)
        ).order_by("code")
    )


def consultation_parties(process: ChangeRequestProcess) -> list[dict]:
    """The task data of each consultation: the lead department when a township filed
    the request, else one item per touched township."""
    if process.initiator_township_id:
        return [{"department": process.lead_department_id}]
    return [{"township": township.pk} for township in consulted_townships(process)]


def consultation_schedule(process: ChangeRequestProcess) -> deadlines.ConsultationSchedule:
    """Reminder and deadline of a consultation of ``process`` opened now.

    A schedule depends only on the county's calendar and the opening day (China time),
    so it is kept on the process instance for that day: the split opens every
    consultation of a request, and arms two timers each, on one instance in one
    transaction, and reads the county's settings and holidays once for all of them.
    """
    opened_at = timezone.now()
    key = (process.county_id, opened_at.astimezone(deadlines.CHINA_TIME).date())
    kept = getattr(process, "_consultation_schedule", None)
    if kept is None or kept[0] != key:
        kept = (key, deadlines.consultation_schedule(process.county, opened_at))
        process._consultation_schedule = kept
    return kept[1]


def consultation_deadline_at(process: ChangeRequestProcess) -> datetime.datetime:
    """Deadline of a consultation opened now (working days, county calendar)."""
    return consultation_schedule(process).due_at


def consultation_reminder_at(process: ChangeRequestProcess) -> datetime.datetime:
    """Reminder moment of a consultation opened now: one working day before the deadline."""
    return consultation_schedule(process).remind_at


def contested_consultations(process: ChangeRequestProcess) -> QuerySet[Consultation]:
    """Answers that send the request to arbitration: contested or unanswered."""
    return process.consultations.filter(
        answer__in=[ConsultationAnswer.CONTEST, ConsultationAnswer.NO_ANSWER]
    ).select_related("township", "department")


def users_of_county_office(county_id: int):
    """Users who are the county office (县委编办) of the county."""
    return _members(county_id=county_id, role__in=[Role.COUNTY_OFFICE])


def users_of_reviewer(process: ChangeRequestProcess):
    """Users of the request's reviewing unit: the staff and heads of its reviewing
    department (a village or grid list's), or the county office when it has none."""
    if process.reviewing_department_id:
        return users_of_department(process.reviewing_department_id)
    return users_of_county_office(process.county_id)


def reviewer_name(process: ChangeRequestProcess) -> str:
    """The name of the request's reviewing unit (its department, or the county office)."""
    if process.reviewing_department_id:
        return process.reviewing_department.name
    return process.county.office_display_name


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


def users_of(
    *, county_offices=(), townships=(), departments=(), initiator_of=None, reviewer_of=None
) -> list:
    """Active users of all the given units, each once, in one query: the county office
    of each county in ``county_offices``, heads and staff of each township and each
    department (as ``users_of_county_office`` / ``users_of_township`` /
    ``users_of_department``), the filing unit of ``initiator_of`` and the reviewing
    unit of ``reviewer_of`` (see ``users_of_reviewer``)."""
    townships, departments = set(townships), set(departments)
    county_offices = set(county_offices)
    if reviewer_of is not None:
        if reviewer_of.reviewing_department_id:
            departments.add(reviewer_of.reviewing_department_id)
        else:
            county_offices.add(reviewer_of.county_id)
    if initiator_of is not None:
        if initiator_of.initiator_department_id:
            departments.add(initiator_of.initiator_department_id)
        else:
            townships.add(initiator_of.initiator_township_id)
    condition = Q(pk__in=[])
    if county_offices:
        condition |= Q(county_id__in=county_offices, role=Role.COUNTY_OFFICE)
    if townships:
        condition |= Q(
            township_id__in=townships, role__in=[Role.TOWNSHIP_HEAD, Role.TOWNSHIP_STAFF]
        )
    if departments:
        condition |= Q(
            department_id__in=departments,
            role__in=[Role.DEPARTMENT_STAFF, Role.DEPARTMENT_HEAD],
        )
    return _members(condition)


def task_actors(task) -> list:
    """Active users a human task is meant for: its owner once it has one, else the
    members of the unit its permission object names whose role carries that permission
    (a township's heads for its consultation, a department's staff and heads, the county
    office for a review). Superusers and grants outside the roles are left out: a task
    is not addressed to them. Returns ``[]`` for a task without a permission."""
    if task.owner_id:
        return [task.owner] if task.owner.is_active else []
    if not task.owner_permission or task.owner_permission_obj_pk is None:
        return []
    kind = ContentType.objects.get_for_id(task.owner_permission_content_type_id).model
    return unit_actors(kind, int(task.owner_permission_obj_pk), task.owner_permission)


def unit_actors(kind: str, unit_pk: int, permission: str) -> list:
    """Active users whose role in unit ``unit_pk`` of ``kind`` ("township",
    "department", "county" …) carries ``permission``, and the deputies in force of those
    of them who head a township or department (委托期间的代理人), by id; one query."""
    roles = [
        role
        for role, grants in org_permissions.ROLE_PERMISSIONS.items()
        if permission in grants.get(kind, ())
    ]
    members = Membership.objects.filter(**{f"{kind}_id": unit_pk}, role__in=roles).values("user_id")
    condition = Q(pk__in=members)
    if kind in ("township", "department"):
        deputies = org_permissions.active_deputyships().filter(
            **{f"{kind}_id": unit_pk}, principal_id__in=members
        )
        condition |= Q(pk__in=deputies.values("deputy_id"))
    return list(User.objects.filter(condition, is_active=True).order_by("pk"))


def _members(*conditions, **lookups):
    memberships = Membership.objects.filter(*conditions, **lookups).select_related("user")
    seen, users = set(), []
    for membership in memberships.order_by("user_id"):
        if membership.user_id not in seen and membership.user.is_active:
            seen.add(membership.user_id)
            users.append(membership.user)
    return users


def change_request_list(user) -> QuerySet[ChangeRequestProcess]:
    """The requests ``user`` may see, with what a list row shows joined in."""
    return change_requests_visible_to(user).select_related(
        "initiator_department", "initiator_township", "target_item"
    )


def change_requests_filed_by_units_of(user) -> QuerySet[ChangeRequestProcess]:
    """Requests filed by the departments or townships ``user`` belongs to (我的申请)."""
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    townships = sorted(org_permissions.township_ids_visible_to(user))
    return change_request_list(user).filter(
        Q(initiator_department_id__in=departments) | Q(initiator_township_id__in=townships)
    )


def with_open_step(requests: QuerySet[ChangeRequestProcess]) -> QuerySet[ChangeRequestProcess]:
    """Annotate each request with ``open_step``: the step (node) of its oldest open
    human task, or of its wait for the leadership's decision (审定, a task completed by
    code), or ``None`` (one subquery, not a query per row)."""
    open_step = (
        Task.objects.filter(
            process_id=OuterRef("pk"),
            flow_task_type__in=["HUMAN", "FUNCTION"],
            finished__isnull=True,
        )
        .order_by("created")
        .values("flow_task")[:1]
    )
    return requests.annotate(open_step=Subquery(open_step))


def task_rows(tasks: QuerySet) -> QuerySet:
    """A task queryset with its request and owner joined in (one query per page)."""
    return tasks.select_related("process__changerequestprocess", "owner")


def party_names(tasks) -> dict[tuple[str, int], str]:
    """Names of the parties of consultation tasks, keyed ``("township", pk)`` /
    ``("department", pk)``: two queries at most, whatever the number of tasks."""
    wanted: dict[str, set[int]] = {"township": set(), "department": set()}
    for task in tasks:
        for kind, pks in wanted.items():
            if isinstance(task.data, dict) and kind in task.data:
                pks.add(task.data[kind])
    names = {}
    for kind, model in (("township", Township), ("department", Department)):
        if wanted[kind]:
            rows = model.objects.filter(pk__in=wanted[kind]).values_list("pk", "name")
            names.update({(kind, pk): name for pk, name in rows})
    return names


def consultation_list(user, process: ChangeRequestProcess) -> list[Consultation]:
    """The answers of a request that ``user`` may read: all of them for the county
    office, administrators and the filing side; otherwise only the user's own party's.
    Each comes with its stamped reply (盖章意见), if any."""
    consultations = process.consultations.select_related(
        "township", "department", "answered_by", "stamped_reply"
    )
    if not can_see_every_answer(user, process):
        consultations = consultations.filter(
            Q(township_id__in=sorted(org_permissions.township_ids_visible_to(user)))
            | Q(department_id__in=sorted(org_permissions.department_ids_acted_for_by(user)))
        )
    return list(consultations)


def ruling_of(user, process: ChangeRequestProcess):
    """The ruling of a request with the decisions ``user`` may read (``decisions_shown``),
    or ``None`` when the request has not been ruled on."""
    ruling = Ruling.objects.filter(process=process).select_related("ruled_by").first()
    if ruling is None:
        return None
    decisions = ruling.decisions.select_related("township", "department")
    if not can_see_every_answer(user, process):
        decisions = decisions.filter(
            Q(township_id__in=sorted(org_permissions.township_ids_visible_to(user)))
            | Q(department_id__in=sorted(org_permissions.department_ids_acted_for_by(user)))
        )
    ruling.decisions_shown = list(decisions)
    return ruling


def notification_list(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first, with their request joined in."""
    return Notification.objects.filter(recipient_id=user.pk).select_related("process")


def unread_notification_count(user) -> int:
    """How many of the user's notifications are unread (0 for anonymous users)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def filing_units(user) -> list[Department | Township]:
    """The units on whose behalf ``user`` may file requests (提出申请), in a stable
    order: the departments it works in (staff or head), then the townships it heads.
    Taken from its memberships, so a superuser without one files for nobody."""
    if not user.is_authenticated:
        return []
    memberships = (
        Membership.objects.filter(
            user_id=user.pk,
            role__in=[Role.DEPARTMENT_STAFF, Role.DEPARTMENT_HEAD, Role.TOWNSHIP_HEAD],
        )
        .select_related("department__county", "township__county")
        .order_by("id")
    )
    units, seen = [], set()
    for membership in memberships:
        unit = membership.department or membership.township
        key = (type(unit).__name__, unit.pk)
        if unit is not None and key not in seen:
            seen.add(key)
            units.append(unit)
    return sorted(units, key=lambda unit: not isinstance(unit, Department))


def items_unit_may_change(unit: Department | Township) -> QuerySet[DutyItem]:
    """Items in force a unit may ask to amend or withdraw: a department the items it
    leads, a township the items that apply to it."""
    if isinstance(unit, Township):
        items = items_township_may_contest(unit)
    else:
        items = DutyItem.objects.filter(lead_department=unit, status=ItemStatus.IN_FORCE)
    return items.select_related("duty_list").order_by("code")


@dataclass(frozen=True)
class RequestDetails:
    """What a request proposes, in words, for its pages (a few queries)."""

    item_kind_label: str
    category_label: str
    primary_label: str
    local_label: str
    cooperation: str
    resources: tuple[str, ...]
    applicability: str
    expires_on: datetime.date | None


def request_details(process: ChangeRequestProcess) -> RequestDetails:
    """The proposed item of ``process`` in words: its category's full name, who carries
    主体责任, the name of the local duties for its level and type, the cooperating
    departments ("部门：职责" lines), 配套保障 lines and the applicability. Four queries
    at most."""
    from duty_lists import applicability
    from duty_lists.columns import cooperation_text, resources_of
    from duty_lists.models import (
        ItemKind,
        default_primary_responsibility,
        local_responsibilities_label,
        primary_responsibility_label,
    )

    from .services.filing import request_cooperations

    level = process.level or "township"
    primary = process.primary_responsibility or (
        default_primary_responsibility(process.duty_type) if process.duty_type else ""
    )
    kind = process.item_kind or ItemKind.DUTY
    return RequestDetails(
        item_kind_label=str(ItemKind(kind).label),
        category_label=process.category.full_name if process.category_id else "—",
        primary_label=primary_responsibility_label(primary, level) or "—",
        local_label=local_responsibilities_label(level),
        cooperation=cooperation_text(
            (department.name, duties) for department, duties in request_cooperations(process)
        ),
        resources=tuple(resources_of(process).lines()),
        applicability=applicability.short_label(
            applies_to_all=process.applies_to_all,
            township_names=[t.name for t in process.target_townships.order_by("code")],
            village_names=[v.name for v in process.target_villages.order_by("code")],
            village_kind=process.village_kind,
        ),
        expires_on=process.expires_on,
    )


# --- evaluation ------------------------------------------------------------------------


def request_links(county, start: datetime.date, end: datetime.date) -> set:
    """``{(department_id, township_id)}`` of the county's change requests filed from
    ``start`` to ``end`` (China time dates): the lead department with every township
    the request touches (named, of its named villages, all of the county, or the filing
    township). Three queries.
    """
    requests = list(
        ChangeRequestProcess.objects.filter(
            county=county,
            created__date__gte=start,
            created__date__lte=end,
            lead_department__isnull=False,
        ).values_list("pk", "lead_department", "applies_to_all", "initiator_township")
    )
    named = ChangeRequestProcess.target_townships.through.objects.filter(
        changerequestprocess_id__in=[row[0] for row in requests]
    ).values_list("changerequestprocess_id", "township_id")
    # A village-level request touches the townships of its villages.
    village_townships = ChangeRequestProcess.target_villages.through.objects.filter(
        changerequestprocess_id__in=[row[0] for row in requests]
    ).values_list("changerequestprocess_id", "village__township_id")
    touched = defaultdict(set)
    for process_id, township in [*named, *village_townships]:
        touched[process_id].add(township)
    every = None
    links = set()
    for pk, department, applies_to_all, initiator in requests:
        townships = set(touched[pk]) | ({initiator} if initiator else set())
        if applies_to_all:
            if every is None:
                every = set(county.townships.values_list("pk", flat=True))
            townships |= every
        links.update((department, township) for township in townships)
    return links


def evaluation_links(county, start: datetime.date, end: datetime.date) -> dict:
    """The department–township pairs of ``county`` linked in the period, which rate each
    other in an evaluation round of that period: ``{(department_id, township_id): link
    kinds}`` (``evaluation.links.linked_pairs`` over the domain's sources and the
    change requests, ``request_links``). The one place that says which pairs are linked,
    in both directions."""
    return linked_pairs(
        county=county,
        period_start=start,
        period_end=end,
        sources={**DOMAIN_SOURCES, LinkKind.REQUEST: request_links},
    )


def _deadline_nodes() -> list:
    """The interrupting timers (the deadlines) of every flow's human tasks."""
    from .evaluation_flow import EvaluationRoundFlow
    from .flows import ChangeRequestFlow
    from .nodes import ScheduledTimer
    from .offlist_flow import OffListReportFlow

    return [
        node
        for flow_class in (ChangeRequestFlow, OffListReportFlow, EvaluationRoundFlow)
        for node in flow_class.instance.nodes()
        if isinstance(node, ScheduledTimer) and node._interrupting
    ]


def task_deadlines(tasks) -> dict[int, datetime.datetime]:
    """``{task id: deadline}`` of the given tasks that have a deadline timer (a
    consultation, a department's answer, a score sheet): when that timer is scheduled
    to close the task. One query, none for no tasks."""
    ids = sorted({task.pk for task in tasks})
    if not ids:
        return {}
    links = Task.previous.through.objects.filter(
        to_task_id__in=ids, from_task__flow_task__in=_deadline_nodes()
    ).values_list("to_task_id", "from_task__scheduled")
    return {pk: scheduled for pk, scheduled in links if scheduled is not None}
