"""The temporary item flow (临时事项到期): the process graph only.

start (``temporary_item_watch`` starts one per item and end date) → wait until the end
of the item's last day (a ``flow.Timer`` fired by viewflow's ``workflow_timers``
dispatcher, like the consultation deadlines) → withdraw the item, with the reason in
its history → end.

Not mounted in the site: the item's history and the admin show what happened. Node
names are stored in task rows: keep them stable.
"""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock

from . import temporary_steps as steps
from .models import TemporaryItemProcess


class TemporaryItemFlow(flow.Flow):
    """临时事项到期

    A temporary item (临时事项) is in force up to its end date and withdrawn by itself
    the day after.
    """

    process_class = TemporaryItemProcess
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(steps.start).Annotation(title="登记临时事项").Next(this.wait)

    wait = flow.Timer(steps.expiry_moment).Annotation(title="等待到期").Next(this.expire)

    expire = flow.Function(steps.expire).Annotation(title="到期取消").Next(this.end)

    end = flow.End().Annotation(title="办结")

    def has_view_permission(self, user, obj=None):
        """Shown to superusers only (chart); an item's expiry is read in its history."""
        return user.is_authenticated and user.is_superuser

    def has_manage_permission(self, user, obj=None):
        """Only superusers manage (cancel, undo) processes by hand."""
        return user.is_authenticated and user.is_superuser
