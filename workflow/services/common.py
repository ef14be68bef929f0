"""Shared machinery of the workflow services: running one human task atomically under
the flow's process lock, with the acting user's rights checked by the service itself
(viewflow's activation API checks none)."""

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

audit_log = logging.getLogger("qingdan.audit")

OPEN_STATUSES = {STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED}

# What a user is told when the database refused a write that collided with another
# one (an ``IntegrityError``, e.g. a unique constraint): nothing was written.
CONFLICT_MESSAGE = "提交的内容与他人同时保存的数据冲突，本次提交未生效，请刷新页面后重试。"


class TaskNotOpen(Exception):
    """The task was already completed or closed (e.g. a second, simultaneous submit)."""

    def __init__(self, task):
        self.task = task
        super().__init__(
            f"该任务（#{task.pk}）已办理完毕或已关闭，本次提交未生效，请刷新页面查看最新状态。"
        )


def deny(actor, what: str) -> PermissionDenied:
    """Log a denied action and return the exception to raise."""
    audit_log.warning("denied: %s may not %s", actor, what)
    return PermissionDenied(f"您无权{what}。")


def run_human_task(*, actor, task_id: int, node_name: str, work: Callable[[Any], Any]) -> Any:
    """Complete one open human task of a flow as ``actor``.

    Under the flow's lock (a row lock on the process) and in one transaction: re-read
    the task, check it is the expected node and still open, assign it to ``actor`` if
    unassigned (when ``actor`` may take it), check ``actor`` may execute it, call
    ``work(activation)`` for the domain writes, then complete the task and activate the
    next nodes. Returns what ``work`` returns.

    Raises ``Task.DoesNotExist`` for an unknown task, ``PermissionDenied`` (logged) when
    ``actor`` may not act, ``TaskNotOpen`` when the task is already done; nothing is
    written then.
    """
    process_id, node = Task.objects.values_list("process_id", "flow_task").get(pk=task_id)
    if node is None or node.name != node_name:
        raise Task.DoesNotExist(f"task {task_id} is not a {node_name} task")
    with node.flow_class.lock(process_id), transaction.atomic():
        # The flow's own process row comes in the same query (the activation reads it).
        task = Task.objects.select_related(_process_path(node.flow_class.process_class)).get(
            pk=task_id
        )
        if task.status not in OPEN_STATUSES:
            raise TaskNotOpen(task)
        activation = node.activation_class(task)
        if task.owner_id is None:
            if not node.can_assign(actor, task):
                raise deny(actor, f"办理任务 #{task_id}")
            # Whoever may take an open task may execute it once it is theirs
            # (``can_execute`` repeats the ``can_assign`` check on the new owner).
            if hasattr(activation, "take"):
                # Assigned and started in memory, saved once on completion.
                activation.take(actor)
            else:
                activation.assign(actor)
        elif not node.can_execute(actor, task):
            raise deny(actor, f"办理任务 #{task_id}")
        if task.status != STATUS.STARTED:
            activation.start(None)
        result = work(activation)
        activation.execute()
        return result


def _process_path(process_class) -> str:
    """``select_related`` path from a task to its flow's process subclass row."""
    path, model = ["process"], process_class
    while (link := model._meta.get_ancestor_link(Process)) is not None:
        path.insert(1, link.remote_field.get_accessor_name())
        model = link.remote_field.model
    return "__".join(path)
