"""Who may file, see and act on change requests.

Rights come from the organisation permissions (``organisations.permissions``) that
memberships grant; this module answers them for processes and their tasks.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from duty_lists.models import DutyItem, ItemStatus
from duty_lists.selectors import applies_to_townships
from organisations import permissions as org_permissions
from organisations.models import County, Department, Township

from .models import ChangeKind, ChangeRequestProcess


def process_county(process) -> County:
    """The county of a (base or coerced) change request process."""
    if not isinstance(process, ChangeRequestProcess):
        process = process.coerced
    return process.county


def process_reviewer(process) -> County | Department:
    """The reviewing unit of a request (the permission object of its review and
    proposal tasks): its level's reviewing department, or its county (the county
    office)."""
    process = process if isinstance(process, ChangeRequestProcess) else process.coerced
    return process.reviewing_department or process.county


def reviewer_permission(activation) -> str:
    """Permission of the review and proposal (拟办意见) tasks: acting for the request's
    reviewing department, or being the county office when it has none."""
    if activation.process.coerced.reviewing_department_id:
        return "organisations.act_for_department"
    return "organisations.arbitrate_county"


def process_legality_reviewer(process) -> Department:
    """The department (司法局) that reviews the request's legality."""
    process = process if isinstance(process, ChangeRequestProcess) else process.coerced
    return process.legality_reviewer


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


def has_object_permission(user, perm: str, *, content_type_id: int, object_pk) -> bool:
    """``user.has_perm(perm, obj)`` for the object given by content type and primary key,
    without loading it; one query when the user holds the right itself (guardian
    always asks two: the user's own grants and its groups').

    Same answer as Django's and guardian's backends: False for anonymous and inactive
    users, True for active superusers, else True if the user or one of its groups
    holds ``perm`` ("app_label.codename", the codename being the permission's name on
    the object's content type) on that very object. Counties, departments and
    townships are answered from the user's scope (``organisations.permissions``),
    without a query once it is read.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model in org_permissions.SCOPED_MODELS:
        codename = perm.split(".", 1)[-1]
        return org_permissions.holds_on_pk(user, codename, model, object_pk)
    user_grants, group_grants = get_user_obj_perms_model(model), get_group_obj_perms_model(model)
    if not (user_grants.objects.is_generic() and group_grants.objects.is_generic()):
        # Direct foreign-key permission tables (none in this project): guardian's way.
        return user.has_perm(perm, model._default_manager.get(pk=object_pk))
    grant = {
        "permission__content_type_id": content_type_id,
        "permission__codename": perm.split(".", 1)[-1],
        "content_type_id": content_type_id,
        "object_pk": str(object_pk),
    }
    # Grants go to users (memberships); a group's grant is only looked for after that.
    if user_grants.objects.filter(user_id=user.pk, **grant).exists():
        return True
    return group_grants.objects.filter(group__user=user.pk, **grant).exists()


def _holds(user, perm: str, obj) -> bool:
    return has_object_permission(
        user,
        perm,
        content_type_id=ContentType.objects.get_for_model(obj).pk,
        object_pk=obj.pk,
    )


def can_act_for_department(user, department: Department) -> bool:
    return _holds(user, "organisations.act_for_department", department)


def can_act_for_township(user, township: Township) -> bool:
    return _holds(user, "organisations.act_for_township", township)


def can_file_request(
    user, *, kind: str, department: Department | None, township: Township | None, target_item
) -> bool:
    """True if ``user`` may file a request of ``kind`` on behalf of the given unit.

    Departments may file any kind; a township (its head) may ask to add an item for
    itself (乡镇申请新增, naming the proposed lead department) and to amend or withdraw
    an item in force that applies to it.
    """
    if department is not None:
        return can_act_for_department(user, department)
    if township is None or not can_act_for_township(user, township):
        return False
    if kind == ChangeKind.ADD:
        return True
    if target_item is None:
        return False
    return (
        target_item.status == ItemStatus.IN_FORCE
        and target_item.duty_list.county_id == township.county_id
        and DutyItem.objects.filter(applies_to_townships([township.pk]), pk=target_item.pk).exists()
    )


def can_arbitrate_process(user, process) -> bool:
    """True if ``user`` is the county office of the process's county."""
    return org_permissions.can_arbitrate_county(user, process_county(process))


def can_review_process(user, process) -> bool:
    """True if ``user`` is the request's reviewing unit: a user of its reviewing
    department, or the county office when it has none (see ``process_reviewer``)."""
    process = process if isinstance(process, ChangeRequestProcess) else process.coerced
    return org_permissions.can_act_as_reviewer(
        user, county_id=process.county_id, department_id=process.reviewing_department_id
    )


def can_revise_process(user, process) -> bool:
    """True if ``user`` may edit and resubmit a request returned for revision."""
    initiator = process_initiator(process)
    if isinstance(initiator, Department):
        return can_act_for_department(user, initiator)
    return can_act_for_township(user, initiator)


def change_requests_visible_to(user) -> QuerySet[ChangeRequestProcess]:
    """Requests ``user`` may see.

    County office and county administrators: every request of their county.
    Department users: their department's requests, those naming it lead department,
    those it reviews for legality (司法局) and those it reviews as its list's reviewing
    unit (e.g. 县委社会工作部 for the village list).
    Township users: requests they filed, requests that touch their township (target
    townships, or an item applying to all townships of their county), and nothing else.
    """
    if not user.is_authenticated:
        return ChangeRequestProcess.objects.none()
    if user.is_superuser:
        return ChangeRequestProcess.objects.all()
    whole = sorted(org_permissions.county_ids_seen_whole_by(user))
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    townships = org_permissions.township_counties_visible_to(user)
    township_ids = sorted(townships)
    township_counties = sorted(set(townships.values()))
    condition = Q(county_id__in=whole)
    condition |= Q(initiator_department_id__in=departments) | Q(lead_department_id__in=departments)
    condition |= Q(initiator_township_id__in=township_ids)
    condition |= Q(legality_reviewer_id__in=departments)
    condition |= Q(reviewing_department_id__in=departments)
    # An uncorrelated IN over the m2m table instead of a join: no duplicate rows to
    # wrap away, and PostgreSQL can hash it whatever its row estimates are.
    touched = ChangeRequestProcess.target_townships.through.objects.filter(
        township_id__in=township_ids
    ).values("changerequestprocess_id")
    condition |= Q(pk__in=touched)
    touched_villages = ChangeRequestProcess.target_villages.through.objects.filter(
        village__township_id__in=township_ids
    ).values("changerequestprocess_id")
    condition |= Q(pk__in=touched_villages)
    condition |= Q(applies_to_all=True, county_id__in=township_counties)
    return ChangeRequestProcess.objects.filter(condition)


def can_view_process(user, process) -> bool:
    """True if ``user`` may see the request (see ``change_requests_visible_to``)."""
    return change_requests_visible_to(user).filter(pk=process.pk).exists()


def items_township_may_contest(township: Township) -> QuerySet[DutyItem]:
    """Items in force that apply to ``township`` (what it may ask to amend/withdraw)."""
    return DutyItem.objects.filter(
        duty_list__county_id=township.county_id, status=ItemStatus.IN_FORCE
    ).filter(applies_to_townships([township.pk]))


def has_any_role(user) -> bool:
    """True if ``user`` holds any membership (or is a superuser)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or org_permissions.has_membership(user)


def has_county_role(user) -> bool:
    """True if ``user`` holds a county, department or township role (or is a
    superuser): the roles that work with change requests. Village users and grid
    workers only read their own lists (and a village reports off-list demands). No
    query once the user's scope is read."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(
        org_permissions.county_ids_visible_to(user) or org_permissions.township_ids_visible_to(user)
    )


def may_use_reports(user) -> bool:
    """True if ``user`` works with off-list reports: a county, department or township
    role, or a village's secretary or director (who reports through its township)."""
    return has_county_role(user) or bool(org_permissions.village_ids_acted_for_by(user))


def townships_acted_for_by(user) -> list[Township]:
    """Townships ``user`` may act for (answer consultations, file requests): heads only."""
    if not user.is_authenticated:
        return []
    return list(Township.objects.filter(pk__in=sorted(township_ids_acted_for_by(user))))


def township_ids_acted_for_by(user) -> list[int]:
    """Ids of ``townships_acted_for_by(user)``, from the user's scope."""
    if not user.is_authenticated or not user.is_active:
        return []
    acted_for = org_permissions.township_ids_visible_to(user)
    if not user.is_superuser:
        acted_for &= org_permissions.unit_scope(user).ids(Township, "act_for_township")
    return sorted(acted_for)


def _party_access(user) -> Q:
    """Condition on consultation (party) tasks that ``user`` may view: its own party's
    tasks, every party task of a county whose office it is, and those of the requests
    its department reviews (``PartyView.can_view``)."""
    townships = [str(pk) for pk in township_ids_acted_for_by(user)]
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    arbitrated = sorted(org_permissions.county_ids_arbitrated_by(user))
    arbitrated_requests = ChangeRequestProcess.objects.filter(
        Q(county_id__in=arbitrated) | Q(reviewing_department_id__in=departments)
    )
    return (
        Q(owner_permission="organisations.act_for_township", owner_permission_obj_pk__in=townships)
        | Q(
            owner_permission="organisations.act_for_department",
            owner_permission_obj_pk__in=[str(pk) for pk in departments],
        )
        | Q(process_id__in=arbitrated_requests.values("pk"))
        # A task handed to the user (转交) is the user's, whatever its party.
        | Q(owner_id=user.pk)
    )


def tasks_visible_to(user, tasks: QuerySet, *, flow_class) -> QuerySet:
    """The part of ``tasks`` (a Task queryset of ``flow_class``) that ``user`` may see.

    A task is visible when its request is (``change_requests_visible_to``), except a
    consultation task of another party and the tasks of its branch (its reminder and
    deadline timers, which share the branch token): those only the party itself and the
    county office see. Superusers see every task; anonymous users none.
    """
    from .nodes import PartyView

    if not user.is_authenticated:
        return tasks.none()
    if user.is_superuser:
        return tasks
    visible_processes = change_requests_visible_to(user).values("pk")
    tasks = tasks.filter(process_id__in=visible_processes)
    party_nodes = [node for node in flow_class.instance.nodes() if isinstance(node, PartyView)]
    if not party_nodes:
        return tasks
    # Branch tokens ("<split token>/<split task pk>_<n>") are unique across processes,
    # so the hidden branches are fetched once and excluded by token: a correlated
    # EXISTS per task row made PostgreSQL scan the task table once per row.
    hidden_tokens = list(
        flow_class.task_class._default_manager.filter(
            process_id__in=visible_processes, flow_task__in=party_nodes
        )
        .exclude(_party_access(user))
        .values_list("token", flat=True)
    )
    return tasks.exclude(token__in=hidden_tokens) if hidden_tokens else tasks


def queued_tasks(user, tasks: QuerySet, *, flow_class) -> QuerySet:
    """viewflow's queue (``user_queue``) of ``tasks`` for ``user``: the human tasks of
    ``flow_class`` that are unowned or the user's, or whose stored permission the user
    holds globally or on the stored object.

    viewflow reads the user's object permissions grant by grant (a query for each
    grant's permission and content type) unless it finds them kept on the user object;
    they are handed to it from the user's scope (``organisations.permissions``), read
    once per request, in its own "app_label.codename_objectpk" form.
    """
    if user.is_authenticated and not hasattr(user, _VIEWFLOW_OBJECT_PERMISSIONS):
        setattr(
            user,
            _VIEWFLOW_OBJECT_PERMISSIONS,
            {
                f"{app_label}.{codename}_{object_pk}"
                for app_label, codename, object_pk in org_permissions.object_grants(user)
            },
        )
    return tasks.user_queue(user, flow_class=flow_class)


# Where viewflow's TaskQuerySet.user_queue keeps a user's object permissions (2.4).
_VIEWFLOW_OBJECT_PERMISSIONS = "_viewflow_per_object_perm_cache"


def can_view_task(user, task) -> bool:
    """True if ``user`` may see ``task`` (see ``tasks_visible_to``)."""
    flow_class = task.flow_task.flow_class
    visible = tasks_visible_to(
        user, flow_class.task_class._default_manager.filter(pk=task.pk), flow_class=flow_class
    )
    return visible.exists()


def can_see_every_answer(user, process: ChangeRequestProcess) -> bool:
    """True if ``user`` may read every consulted party's answer and ruling of a request:
    the county office and administrators of its county, its reviewing unit, and the
    filing unit (and the lead department of a department's request). Others see their
    own party's only."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or org_permissions.can_arbitrate_county(user, process.county):
        return True
    if can_review_process(user, process):
        return True
    if org_permissions.can_administer_county(user, process.county):
        return True
    if process.initiator_township_id:
        return can_act_for_township(user, process.initiator_township)
    departments = {process.initiator_department_id, process.lead_department_id} - {None}
    return bool(departments & org_permissions.department_ids_acted_for_by(user))
