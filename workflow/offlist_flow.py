"""The off-list assignment report flow (清单外事项报告): the process graph only.

file (a service starts the process) → the department answers (one task for that
department, reminded one working day before its deadline; when the deadline passes the
answer is recorded as "逾期未答复" and the report goes on to the same join) → the county
office rules: upheld / dismissed / converted → for a conversion, an admission request
pre-filled from the report is started → end.

The flow is not mounted in the site (viewflow's stock pages are unscoped): the
"清单外事项" application (``reports_app``) holds the pages. Node names are stored in task
rows: keep them stable.
"""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock

from arbitration.models import OffListReport
from arbitration.report_permissions import can_view_report

from . import offlist_steps
from .nodes import If, PartySplit, PartyView, TaskView
from .permissions import may_use_reports


class OffListReportFlow(flow.Flow):
    """清单外事项报告

    A township (or a village, through its township) reports that a department asked it
    to do something not on its lists; the department answers, the county office rules.
    """

    process_class = OffListReport
    # A real row lock: a double submit must give exactly one effect (DESIGN §7).
    lock_impl = SelectForUpdateLock(nowait=False)

    start = (
        flow.StartHandle(offlist_steps.start_report)
        .Annotation(title="报告清单外事项")
        .Next(this.route_to_department)
    )

    route_to_department = (
        PartySplit(offlist_steps.answering_department)
        .Annotation(title="送交部门")
        .Next(this.answer)
    )

    answer = (
        PartyView(offlist_steps.task_page)
        .Annotation(title="部门答复")
        .OnTimeout(offlist_steps.reminder_due, this.remind, interrupting=False, title="到期提醒")
        .OnTimeout(offlist_steps.deadline_due, this.record_no_answer, title="逾期")
        .Next(this.join_answer)
    )

    remind = (
        flow.Function(offlist_steps.send_reminder).Annotation(title="发送提醒").Next(this.reminded)
    )
    reminded = flow.End().Annotation(title="提醒已发出")

    record_no_answer = (
        flow.Function(offlist_steps.record_no_answer)
        .Annotation(title="记录逾期未答复")
        .Next(this.join_answer)
    )

    join_answer = flow.Join().Annotation(title="汇总答复").Next(this.rule)

    rule = (
        TaskView(offlist_steps.task_page)
        .Annotation(title="县委编办裁定")
        .Permission("organisations.arbitrate_county", obj=offlist_steps.report_county)
        .Next(this.check_converted)
    )

    check_converted = (
        If(offlist_steps.is_converted)
        .Annotation(title="是否转为准入申请")
        .Then(this.convert)
        .Else(this.end)
    )

    convert = flow.Function(offlist_steps.convert).Annotation(title="启动准入申请").Next(this.end)

    end = flow.End().Annotation(title="办结")

    def has_view_permission(self, user, obj=None):
        """Reports are read through ``reports_visible_to``; the flow itself is shown
        (chart) to anyone who works with reports."""
        if obj is None:
            return may_use_reports(user)
        return can_view_report(user, offlist_steps.report_of(obj))

    def has_manage_permission(self, user, obj=None):
        """Only superusers manage (cancel, undo) processes by hand."""
        return user.is_authenticated and user.is_superuser
