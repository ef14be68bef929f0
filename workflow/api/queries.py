"""Reads of the REST API: requests with their answers, ruling and trail, and the user's
open tasks, each scoped exactly as the web pages are and tuned to a fixed number of
queries.

The rules themselves live in ``workflow.permissions`` and ``workflow.selectors`` (one
place per rule, shared with the UI): ``change_requests_visible_to`` for requests,
``tasks_visible_to`` for tasks (another township's consultation task and its timers
stay hidden), ``consultation_list`` / ``ruling_of`` for whose answers and decisions a
user may read (the county office, administrators and the filing side read all; a
township only its own).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from viewflow.workflow.models import Task
from viewflow.workflow.nodes import StartHandle, View
from viewflow.workflow.status import STATUS

from .. import batch_selectors, permissions, selectors
from ..flows import ChangeRequestFlow
from ..models import ChangeRequestProcess
from ..nodes import DecisionWait

HUMAN = "HUMAN"
PARTY_KINDS = ("township", "department")

_REQUEST_RELATIONS = (
    "county",
    "initiator_department",
    "initiator_township",
    "target_item",
    "lead_department",
    "requested_by",
    "reviewed_by",
)


def task_party(task) -> tuple[str, int] | None:
    """``("township" | "department", pk)`` named by a consultation task's data, else None."""
    for kind in PARTY_KINDS:
        if isinstance(task.data, dict) and kind in task.data:
            return kind, task.data[kind]
    return None


def change_request_list(user) -> QuerySet[ChangeRequestProcess]:
    """Requests ``user`` may see, newest first, with what a list row shows: its county,
    filing unit and target item joined, the person who filed it loaded by id (one
    query for a page's rows and one for the people, whatever its length)."""
    # Joining everything a request refers to (nine tables) cost PostgreSQL 25-35 ms of
    # planning per list query; the row shows only these.
    return (
        permissions.change_requests_visible_to(user)
        .select_related("county", "initiator_department", "initiator_township", "target_item")
        .prefetch_related("requested_by")
        .order_by("-created", "-pk")
    )


def human_steps(flow_class) -> list:
    """The nodes of ``flow_class`` a person acts at: its start (the filer), its human
    tasks and the wait for the leadership's decision (审定); not its gateways, timers,
    automatic steps and ends."""
    return [
        node
        for node in flow_class.instance.nodes()
        if isinstance(node, StartHandle | View | DecisionWait)
    ]


def change_request_get(user, pk: int, *, human_only: bool = False) -> ChangeRequestProcess:
    """Return request ``pk`` as ``user`` may read it (with ``human_only``, its trail
    holds only the steps of ``human_steps``).

    The process carries ``attachment_list`` (its files), ``legality_review_list``,
    ``visible_decision`` (the leadership's decision, see ``decision_of``),
    ``visible_consultations``
    (the answers the user may read),
    ``visible_ruling`` (the ruling or None, with ``decisions_shown``), ``visible_trail``
    (the tasks the user may see, in order) and ``party_names`` (the names of the
    trail's consultation parties, keyed ``(kind, pk)``). Raises ``Http404`` if there is
    no such request and ``PermissionDenied`` if it exists but ``user`` may not see it.
    """
    process = (
        ChangeRequestProcess.objects.select_related(*_REQUEST_RELATIONS)
        .prefetch_related("target_townships")
        .filter(pk=pk)
        .first()
    )
    if process is None:
        raise Http404("没有该申请。")
    if not permissions.can_view_process(user, process):
        raise PermissionDenied("您无权查看该申请。")
    process.attachment_list = list(process.attachments.select_related("uploaded_by"))
    process.legality_review_list = list(
        process.legality_reviews.select_related("department", "reviewed_by")
    )
    process.visible_decision = batch_selectors.decision_of(user, process)
    process.visible_consultations = selectors.consultation_list(user, process)
    process.visible_ruling = selectors.ruling_of(user, process)
    trail = permissions.tasks_visible_to(
        user, Task.objects.filter(process_id=process.pk), flow_class=ChangeRequestFlow
    )
    if human_only:
        trail = trail.filter(flow_task__in=human_steps(ChangeRequestFlow))
    process.visible_trail = list(trail.select_related("owner").order_by("created", "pk"))
    process.party_names = selectors.party_names(process.visible_trail)
    return process


def open_task_list(user) -> QuerySet[Task]:
    """The open human tasks of the admission flow that ``user`` may do, oldest first.

    Like the inbox and queue pages: among the tasks the user may see, those assigned to
    the user, and the unassigned ones whose stored permission (and object) the user
    holds (viewflow's ``user_queue``). Each task has its request and owner joined.
    """
    visible = permissions.tasks_visible_to(
        user,
        Task.objects.filter(process__flow_class=ChangeRequestFlow),
        flow_class=ChangeRequestFlow,
    )
    queue = permissions.queued_tasks(user, visible, flow_class=ChangeRequestFlow).filter(
        status=STATUS.NEW
    )
    return (
        visible.filter(Q(owner_id=user.pk, status=STATUS.ASSIGNED) | Q(pk__in=queue.values("pk")))
        .filter(flow_task_type=HUMAN)
        .select_related(
            "owner",
            "process__changerequestprocess__target_item",
            "process__changerequestprocess__county",
        )
        .order_by("created", "pk")
    )
