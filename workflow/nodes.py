"""Flow nodes that viewflow 2.4's open-source edition lacks.

- ``PartySplit``: a parallel split that creates one branch per item of a data source
  (one consultation task per township). viewflow's own ``Split.Next`` ignores the
  documented ``data_source``; the inherited ``create_next`` already passes each item as
  the new task's ``data`` and gives each branch its own split token, so a following
  ``Join`` waits for all of them.
- ``PartyView``: a human task whose rights come from the party stored on the task
  (``task.data["township"]`` or ``task.data["department"]``), not from the process.
  viewflow's queue filters tasks by the stored permission object, so ``can_assign`` /
  ``can_execute`` / ``can_view`` check that same object: otherwise the inbox and the
  task URLs would disagree. Cancelling one of its tasks also disarms the task's other
  timers (see ``PartyViewActivation``).
- ``ScheduledTimer``: the timer boundary of ``TaskView.OnTimeout``: the same two rows as
  viewflow's, armed with one INSERT and disarmed together with one UPDATE.
- ``PartyJoin``: viewflow's Join without re-reading what it already knows.
- ``DecisionWait``: viewflow's Handle (a task completed by code) without undo/revive.

Each of them keeps viewflow's task rows, statuses and tokens exactly; they only skip
statements whose result the activation already holds (see each class).
"""

import datetime
from functools import update_wrapper

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow.nodes import TimerBoundary
from viewflow.workflow.nodes.join import JoinActivation
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_started
from viewflow.workflow.status import STATUS

from organisations.models import Department, Township

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
TOWNSHIP_PERMISSION = "organisations.act_for_township"
DEPARTMENT_PERMISSION = "organisations.act_for_department"


def wrap_service_task_view(node, origin_view):
    """Give a task view its (unstarted) activation; the service it calls does the rest.

    Unlike viewflow's own wrapper it neither locks nor starts the task: the workflow
    service completes the task under the flow lock, so the UI and the REST API share
    one code path, and a second submit gets a clear message instead of a bare 403.
    """

    def view(request, process_pk, task_pk, **kwargs):
        task = get_object_or_404(node.flow_class.task_class, pk=task_pk, process_id=process_pk)
        if task.flow_task != node:
            raise Http404("No task matches the given query.")
        if task.status not in OPEN_TASK_STATUSES and node.can_view(request.user, task):
            # Already done (e.g. by a colleague a moment ago): say so, don't 403.
            from .services.common import TaskNotOpen

            messages.warning(request, str(TaskNotOpen(task)))
            return redirect(node.flow_class.instance.reverse("process_detail", args=[process_pk]))
        if not (node.can_execute(request.user, task) or node.can_assign(request.user, task)):
            raise PermissionDenied
        request.activation = node.activation_class(task)
        return origin_view(request, process_pk=process_pk, task_pk=task_pk, **kwargs)

    update_wrapper(view, origin_view)
    return view


class TaskViewActivation(ViewActivation):
    """viewflow's view activation, plus taking an open task in one step."""

    @Activation.status.transition(
        source=STATUS.NEW,
        target=STATUS.STARTED,
        permission=lambda activation, user: activation.flow_task.can_assign(user, activation.task),
    )
    def take(self, user):
        """Assign the task to ``user`` and start it, without saving.

        For a service that completes the task in the same transaction: the completion
        saves owner, start and end in one UPDATE, where ``assign`` would write the row
        once more before it. Callers check ``can_assign`` first, as for ``assign``.
        """
        self.task.owner = user
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.task.started = timezone.now()


def _timer_due(activation) -> datetime.datetime:
    """When a timer task falls due: viewflow's rule (``TimerActivation.activate``)."""
    delay = activation.flow_task._delay
    if callable(delay):
        delay = delay(activation)
    if isinstance(delay, datetime.timedelta):
        delay = timezone.now() + delay
    if not isinstance(delay, datetime.datetime):
        raise ValueError(f"Timer delay must be a timedelta or datetime, got {delay!r}")
    return delay


def following_task_ids(task_class, task):
    """The ids of the tasks created after ``task`` (whose ``previous`` holds it), as a
    subquery over the link table alone (no query runs here): a task's boundary timers,
    or its successors. Filtering by ``previous=task`` instead joins the task table in a
    subquery, which PostgreSQL planned as a scan per row: seconds per sheet on a round
    of a thousand sheets."""
    links = task_class.previous.through.objects.filter(to_task_id=task.pk)
    return links.values("from_task_id")


class ScheduledTimer(TimerBoundary):
    """A timer boundary (``TaskView.OnTimeout``) armed and disarmed in bulk.

    viewflow arms a timer by inserting its task, then, in a savepoint, computing the
    due moment and updating the row (four statements besides the link to the host);
    when the host finishes, each boundary node reads its timers, loads each one's
    process and cancels it row by row. Here the row is inserted already scheduled,
    and the first timer node of a host cancels all of the host's still-armed timers
    in one UPDATE (same statuses and ``finished`` as viewflow's cancel, which leaves
    a started, i.e. firing, timer alone). Rows, statuses and moments are viewflow's.

    The savepoint only matters where a failure is recorded on the task instead of
    raised (a background context); there arming goes viewflow's way.
    """

    def _arm(self, host_activation):
        if not context.propagate_exception:
            return super()._arm(host_activation)
        task = self.flow_class.task_class(
            process=host_activation.process,
            flow_task=self,
            token=host_activation.task.token,
            status=STATUS.SCHEDULED,
        )
        task.data = {}
        task.scheduled = _timer_due(self.activation_class(task))
        task.save()
        task.previous.add(host_activation.task)

    def _on_host_finished(self, **signal_kwargs):
        host_task = signal_kwargs["task"]
        if host_task.flow_task != self._attached_to:
            return
        timers = [
            node for node in self._attached_to._boundary_events if isinstance(node, ScheduledTimer)
        ]
        if timers[0] is self:
            task_class = self.flow_class.task_class
            task_class._default_manager.filter(
                pk__in=following_task_ids(task_class, host_task),
                flow_task__in=timers,
                status__in=[STATUS.NEW, STATUS.SCHEDULED],
            ).update(status=STATUS.CANCELED, finished=timezone.now())


class TaskView(flow.View):
    """A human task whose form view calls a workflow service (see
    ``wrap_service_task_view``).

    Undo and revive are switched off: reviving a consultation after the Join fired would
    run the Join twice, and a completed decision is corrected by a new request.

    Rights are checked against the permission object stored on the task when it was
    created (what viewflow's queue filters by), without loading that object; timers
    attached with ``OnTimeout`` are ``ScheduledTimer`` nodes.
    """

    activation_class = TaskViewActivation
    undo_view_class = None
    revive_view_class = None

    def OnTimeout(self, delay, then, interrupting=True, title=None):
        """viewflow's ``OnTimeout`` (node ``<task>__timeout``, ``__timeout_2`` …) with a
        ``ScheduledTimer``."""
        boundary = ScheduledTimer(None, delay=delay, interrupting=interrupting).Next(then)
        if title is not None:
            boundary.Annotation(title=title)
        self._boundary_specs.append(("timeout", boundary))
        return self

    @property
    def view_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            wrap_service_task_view(self, self.view),
            name="execute",
        )

    def _holds_task_permission(self, user, task) -> bool:
        from .permissions import has_object_permission

        return has_object_permission(
            user,
            task.owner_permission,
            content_type_id=task.owner_permission_content_type_id,
            object_pk=task.owner_permission_obj_pk,
        )

    def can_assign(self, user, task):
        if task.owner_permission_obj_pk is None:
            return super().can_assign(user, task)
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        # As viewflow's: the right on the object, or the same right globally.
        return self._holds_task_permission(user, task) or user.has_perm(task.owner_permission)

    def can_view(self, user, task):
        from .permissions import can_view_process

        return user.is_authenticated and can_view_process(user, task.process.coerced)

    def get_available_actions(self, activation, user):
        """viewflow's actions of the task page, without a claim step: whoever may take
        an open task is offered 办理 (its form; the task becomes theirs when they
        submit it) instead of 认领."""
        offered = set()
        for transition in activation.get_available_transitions(user):
            slug, label = transition.slug, transition.label
            if slug in ("assign", "take", "start"):
                slug, label = "execute", "办理"
            if slug in offered:
                continue
            try:
                url = self.reverse(slug, args=[activation.process.pk, activation.task.pk])
            except NoReverseMatch:
                continue
            offered.add(slug)
            yield label, url


class PartySplitActivation(SplitActivation):
    """Adds one ``(node, item)`` branch per item of the split's data source."""

    @Activation.status.super()
    def activate(self):
        items = list(self.flow_task._data_source(self))
        for node, _cond, _source in self.flow_task._branches:
            self.next_tasks.extend((node, item) for item in items)
        if not self.next_tasks:
            raise FlowRuntimeError(f"{self.flow_task.name}: no party to consult")


class PartySplit(flow.Split):
    """Parallel split with one branch per party returned by ``data_source(activation)``."""

    activation_class = PartySplitActivation

    def __init__(self, data_source, **kwargs):
        super().__init__(**kwargs)
        self._data_source = data_source

    def _resolve(self, instance):
        super()._resolve(instance)
        self._data_source = this.resolve(instance, self._data_source)

    def _ready(self):
        super()._ready()
        for node, _cond, _source in self._activate_next:
            node._multi_instance = True


def party_of_task(task) -> Township | Department:
    """The township or department a consultation task belongs to.

    Raises ``KeyError`` if the task carries neither.
    """
    if "township" in task.data:
        return Township.objects.get(pk=task.data["township"])
    return Department.objects.get(pk=task.data["department"])


def party_ids(task_data: dict) -> dict[str, int | None]:
    """``{"township_id": …, "department_id": …}`` of a consultation task (one is None)."""
    return {
        "township_id": task_data.get("township"),
        "department_id": None if "township" in task_data else task_data["department"],
    }


def party_permission(task_data: dict) -> str:
    """The object permission that lets a user act for the task's party."""
    return TOWNSHIP_PERMISSION if "township" in task_data else DEPARTMENT_PERMISSION


class PartyViewActivation(TaskViewActivation):
    """Cancelling a party's task also cancels its still-armed boundary timers.

    viewflow disarms a task's boundary events when the task *finishes*, but not when
    it is cancelled, and an interrupting timer cancels its host. When the deadline
    fires before the reminder (the dispatcher was down, or both fell due in one
    sweep), the reminder stayed scheduled: the Join waited for it forever and the
    township was reminded of a consultation already closed.
    """

    @Activation.status.super()
    def cancel(self):
        super().cancel.original()
        task_class = self.flow_class.task_class
        armed = task_class._default_manager.filter(
            pk__in=following_task_ids(task_class, self.task)
        ).exclude(status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED, STATUS.ERROR])
        for task in armed:
            activation = task.flow_task.activation_class(task)
            # The firing timer itself is already started and stays as it is.
            if activation.cancel.can_proceed():
                activation.cancel()


def was_handed(user, task) -> bool:
    """True if ``task`` was handed to ``user`` by a colleague (转交, ``TaskTransfer``):
    the receiver does that one task even without the unit's right to act in general."""
    from .models import TaskTransfer

    return TaskTransfer.objects.filter(task_id=task.pk, to_user_id=user.pk).exists()


class PartyView(TaskView):
    """A human task that only the users of one party (township or department) may take."""

    activation_class = PartyViewActivation

    def calc_owner_permission(self, activation):
        return party_permission(activation.task.data)

    def calc_owner_permission_obj(self, activation):
        # Only the content type and primary key are stored on the task: a reference by
        # pk spares loading the party for every task the split creates.
        data = activation.task.data
        if "township" in data:
            return Township(pk=data["township"])
        return Department(pk=data["department"])

    def _holds_party_permission(self, user, task) -> bool:
        if user is None or not user.is_authenticated:
            return False
        return self._holds_task_permission(user, task)

    def can_assign(self, user, task):
        return task.owner_id is None and self._holds_party_permission(user, task)

    def can_execute(self, user, task):
        if task.owner_id is None or task.owner_id != getattr(user, "pk", None):
            return False
        return self._holds_party_permission(user, task) or was_handed(user, task)

    def can_view(self, user, task):
        if self._holds_party_permission(user, task):
            return True
        from .permissions import can_arbitrate_process, can_review_process

        process = task.process.coerced
        return can_arbitrate_process(user, process) or can_review_process(user, process)


class PartyJoinActivation(JoinActivation):
    """viewflow's Join activation without its repeated reads.

    viewflow loads the waiting join task without its process (two more queries for the
    process and its subclass row, which the arriving branch already holds), and asks
    ``is_done`` twice per arrival (before completing and again inside the transition)
    and the token prefixes a third time when completing. Nothing changes between these
    checks within one activation, so each is read once.
    """

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """viewflow's ``JoinActivation.create``, giving a waiting join task the
        arriving branch's process instead of reading it again."""
        task_class = flow_task.flow_class.task_class
        tasks = list(
            task_class._default_manager.filter(
                flow_task=flow_task,
                process_id=prev_activation.process.pk,
                status__in=[STATUS.NEW, STATUS.STARTED],
            )[:2]
        )
        if len(tasks) > 1:
            raise FlowRuntimeError("More than one join instance for process found")
        if tasks:
            task = tasks[0]
        else:
            if token.is_split_token():
                token = token.get_base_split_token()
            task = task_class(process=prev_activation.process, flow_task=flow_task, token=token)
            task.data = data if data is not None else {}
            task.seed = seed
            task.save()
        task.process = prev_activation.process
        task.previous.add(prev_activation.task)
        return cls(task)

    def __init__(self, task, *args, **kwargs):
        self._prefixes = None
        self._done = None
        super().__init__(task, *args, **kwargs)

    # Incoming tasks read per query while looking for two that are not cancelled.
    PREFIX_CHUNK = 16

    def _join_token_prefixes(self):
        """The split-token prefixes of the non-cancelled incoming tasks, as viewflow
        computes them, read from the newest arrivals back until two such tasks are seen.

        viewflow reads every incoming task at every arrival: quadratic in the branches of
        a split (a round's thousand score sheets), about 15 ms per arrival at the end.
        Every earlier arrival passed this same check, so the tasks that arrived before
        share one prefix: a second prefix can only come from the newest, and comparing it
        with one earlier task finds it. The link rows' ids come first, then the tasks by
        primary key, because PostgreSQL planned viewflow's join of the two tables as a
        scan per incoming task when the tables had no statistics yet."""
        if self._prefixes is None:
            task_class = self.flow_class.task_class
            incoming = list(
                task_class.previous.through.objects.filter(from_task_id=self.task.pk)
                .order_by("-pk")
                .values_list("to_task_id", flat=True)
            )
            prefixes, seen = set(), 0
            for start in range(0, len(incoming), self.PREFIX_CHUNK):
                rows = (
                    task_class._default_manager.filter(
                        pk__in=incoming[start : start + self.PREFIX_CHUNK]
                    )
                    .exclude(status__in=[STATUS.CANCELED, STATUS.REVIVED])
                    .values_list("pk", "token")
                )
                for pk, token in rows:
                    prefixes.add(token.get_common_split_prefix(self.task.token, pk))
                    seen += 1
                if seen >= 2:
                    break
            self._prefixes = prefixes
        return self._prefixes

    def is_done(self):
        if self._done is None:
            self._done = super().is_done()
        return self._done


class PartyJoin(flow.Join):
    """``flow.Join`` with ``PartyJoinActivation``: waits for every branch of a split."""

    activation_class = PartyJoinActivation


class If(flow.If):
    """viewflow's If gate whose chart edges are labelled in the user's language
    (viewflow writes a fixed English "yes"/"no")."""

    def _outgoing(self):
        yield Edge(
            src=self,
            dst=self._on_true,
            edge_class="cond_true",
            label=pgettext_lazy("flow chart edge", "yes"),
        )
        yield Edge(
            src=self,
            dst=self._on_false,
            edge_class="cond_false",
            label=pgettext_lazy("flow chart edge", "no"),
        )


class DecisionWait(flow.Handle):
    """A request waiting for the county leadership's decision (审定): a task completed by
    code (``Handle.run``) when the county office records the decision batch holding the
    request. Undo and revive are switched off: a recorded decision is corrected by a new
    request, not by re-running the wait."""

    undo_view_class = None
    revive_view_class = None
