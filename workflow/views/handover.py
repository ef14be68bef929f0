"""What the request page shows of its open tasks: each one's deadline, whether the
user may urge it (催办) or hand it over (转交), and the trail of reminders and
hand-overs."""

from django.utils import timezone

from .. import selectors
from ..models import TaskTransfer, Urge
from ..permissions import can_arbitrate_process, can_review_process
from ..services.handover import URGEABLE_NODES

OPEN = {"NEW", "ASSIGNED", "STARTED"}


def handover_context(user, process, tasks, names) -> dict:
    """Context of ``workflow/todo/_open_tasks.html`` for ``process`` and the ``tasks``
    the user may see (three queries: deadlines, reminders, hand-overs).

    ``open_tasks``: ``(task, label, deadline, is_overdue, may_urge, may_transfer)`` of
    each open human task; ``handover_trail``: ``(moment, text)`` of each reminder and
    hand-over, oldest first.
    """
    from ..viewsets import task_label

    open_tasks = [t for t in tasks if t.flow_task_type == "HUMAN" and t.status in OPEN]
    deadlines = selectors.task_deadlines(open_tasks)
    may_urge = can_arbitrate_process(user, process) or can_review_process(user, process)
    now = timezone.now()
    rows = []
    for task in open_tasks:
        node = task.flow_task
        deadline = deadlines.get(task.pk)
        rows.append(
            (
                task,
                task_label(task, names),
                deadline,
                deadline is not None and deadline <= now,
                may_urge and node.name in URGEABLE_NODES,
                node.can_assign(user, task) or node.can_execute(user, task),
            )
        )
    visible = {task.pk for task in tasks}
    trail = [
        (urge.sent_at, f"{urge.sent_by} 催办任务 #{urge.task_id}（通知 {urge.recipient_count} 人）")
        for urge in Urge.objects.filter(process_id=process.pk).select_related("sent_by")
        if urge.task_id in visible
    ]
    trail += [
        (
            row.created_at,
            f"{row.from_user} 将任务 #{row.task_id} 转交给 {row.to_user}"
            + (f"：{row.reason}" if row.reason else ""),
        )
        for row in TaskTransfer.objects.filter(process_id=process.pk).select_related(
            "from_user", "to_user"
        )
        if row.task_id in visible
    ]
    return {"open_tasks": rows, "handover_trail": sorted(trail, key=lambda entry: entry[0])}
