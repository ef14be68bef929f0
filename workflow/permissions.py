"""Who may file, see and act on change requests.

Rights come from the organisation permissions (``organisations.permissions``) that
memberships grant; this module answers them for processes and their tasks.
"""

from django.db.models import Q, QuerySet

from duty_lists.models import DutyItem, ItemStatus
from organisations import permissions as org_permissions
from organisations.models import County, Department, Township

from .models import ChangeKind, ChangeRequestProcess


def process_county(process) -> County:
    """The county of a (base or coerced) change request process."""
    if not isinstance(process, ChangeRequestProcess):
        process = process.coerced
    return process.county


def process_initiator(process):
    """The department or township that filed the request (for revise task rights)."""
    process = process if isinstance(process, ChangeRequestProcess) else process.coerced
    return process.initiator


def initiator_permission(activation) -> str:
    """Permission to revise a returned request: acting for the filing unit."""
    process = activation.process.coerced
    if process.initiator_department_id:
        return "organisations.act_for_department"
    return "organisations.act_for_township"


def can_act_for_department(user, department: Department) -> bool:
    return user.is_authenticated and user.has_perm("organisations.act_for_department", department)


def can_act_for_township(user, township: Township) -> bool:
    return user.is_authenticated and user.has_perm("organisations.act_for_township", township)


def can_file_request(
    user, *, kind: str, department: Department | None, township: Township | None, target_item
) -> bool:
    """True if ``user`` may file a request of ``kind`` on behalf of the given unit.

    Departments may file any kind; a township (its head) may only ask to amend or
    withdraw an item in force that applies to it.
    """
    if department is not None:
        return can_act_for_department(user, department)
    if township is None or not can_act_for_township(user, township):
        return False
    if kind == ChangeKind.ADD or target_item is None:
        return False
    return (
        target_item.status == ItemStatus.IN_FORCE
        and target_item.duty_list.county_id == township.county_id
        and (target_item.applies_to_all or target_item.townships.filter(pk=township.pk).exists())
    )


def can_arbitrate_process(user, process) -> bool:
    """True if ``user`` is the county office of the process's county."""
    return org_permissions.can_arbitrate_county(user, process_county(process))


def can_revise_process(user, process) -> bool:
    """True if ``user`` may edit and resubmit a request returned for revision."""
    initiator = process_initiator(process)
    if isinstance(initiator, Department):
        return can_act_for_department(user, initiator)
    return can_act_for_township(user, initiator)


def change_requests_visible_to(user) -> QuerySet[ChangeRequestProcess]:
    """Requests ``user`` may see.

    County office and county administrators: every request of their county.
    Department users: their department's requests and those naming it lead department.
    Township users: requests they filed, requests that touch their township (target
    townships, or an item applying to all townships of their county), and nothing else.
    """
    if not user.is_authenticated:
        return ChangeRequestProcess.objects.none()
    if user.is_superuser:
        return ChangeRequestProcess.objects.all()
    whole = set(org_permissions.counties_administered_by(user).values_list("pk", flat=True))
    whole.update(org_permissions.counties_arbitrated_by(user).values_list("pk", flat=True))
    departments = list(org_permissions.departments_acted_for_by(user).values_list("pk", flat=True))
    townships = list(org_permissions.townships_visible_to(user).values_list("pk", "county_id"))
    township_ids = [pk for pk, _ in townships]
    township_counties = {county for _, county in townships}
    condition = Q(county_id__in=whole)
    condition |= Q(initiator_department_id__in=departments) | Q(lead_department_id__in=departments)
    condition |= Q(initiator_township_id__in=township_ids)
    condition |= Q(target_townships__in=township_ids)
    condition |= Q(applies_to_all=True, county_id__in=township_counties)
    matching = ChangeRequestProcess.objects.filter(condition).values("pk")
    return ChangeRequestProcess.objects.filter(pk__in=matching)


def can_view_process(user, process) -> bool:
    """True if ``user`` may see the request (see ``change_requests_visible_to``)."""
    return change_requests_visible_to(user).filter(pk=process.pk).exists()


def items_township_may_contest(township: Township) -> QuerySet[DutyItem]:
    """Items in force that apply to ``township`` (what it may ask to amend/withdraw)."""
    named = DutyItem.townships.through.objects.filter(township=township).values("dutyitem_id")
    return DutyItem.objects.filter(
        duty_list__county_id=township.county_id, status=ItemStatus.IN_FORCE
    ).filter(Q(applies_to_all=True) | Q(pk__in=named))


def has_any_role(user) -> bool:
    """True if ``user`` holds any membership (or is a superuser)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.memberships.exists()
