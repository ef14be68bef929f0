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
"""

from functools import update_wrapper

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation
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


class TaskView(flow.View):
    """A human task whose form view calls a workflow service (see
    ``wrap_service_task_view``).

    Undo and revive are switched off: reviving a consultation after the Join fired would
    run the Join twice, and a completed decision is corrected by a new request.
    """

    undo_view_class = None
    revive_view_class = None

    @property
    def view_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            wrap_service_task_view(self, self.view),
            name="execute",
        )

    def can_view(self, user, task):
        from .permissions import can_view_process

        return user.is_authenticated and can_view_process(user, task.process.coerced)


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


def party_permission(task_data: dict) -> str:
    """The object permission that lets a user act for the task's party."""
    return TOWNSHIP_PERMISSION if "township" in task_data else DEPARTMENT_PERMISSION


class PartyViewActivation(flow.View.activation_class):
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
        armed = self.flow_class.task_class._default_manager.filter(
            process=self.process, previous=self.task
        ).exclude(status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED, STATUS.ERROR])
        for task in armed:
            activation = task.flow_task.activation_class(task)
            # The firing timer itself is already started and stays as it is.
            if activation.cancel.can_proceed():
                activation.cancel()


class PartyView(TaskView):
    """A human task that only the users of one party (township or department) may take."""

    activation_class = PartyViewActivation

    def calc_owner_permission(self, activation):
        return party_permission(activation.task.data)

    def calc_owner_permission_obj(self, activation):
        return party_of_task(activation.task)

    def _holds_party_permission(self, user, task) -> bool:
        if user is None or not user.is_authenticated:
            return False
        return user.has_perm(task.owner_permission, task.owner_permission_obj)

    def can_assign(self, user, task):
        return task.owner_id is None and self._holds_party_permission(user, task)

    def can_execute(self, user, task):
        return task.owner_id == getattr(user, "pk", None) and self._holds_party_permission(
            user, task
        )

    def can_view(self, user, task):
        if self._holds_party_permission(user, task):
            return True
        from .permissions import can_arbitrate_process

        return can_arbitrate_process(user, task.process.coerced)
