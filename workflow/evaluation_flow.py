"""The evaluation round flow (双向互评、捆绑考核): the process graph only.

start (``evaluation_round_open`` starts it and creates the sheets) → one sheet task per
sheet in parallel, for the rater unit's users, each with a reminder one working day
before the round's deadline and, at the deadline, closing the sheet as missing → join
→ the county office (编办) ends the scoring (flags computed) → the county assessment
office (考核办) enters or imports the base scores and publishes the results (computed
then) → end. Node names stay as they were (``close``, ``publish``): they are stored.

Not registered in the viewflow site (its stock pages are not scoped); the evaluation
app's own pages and API call ``workflow.services.evaluating``. Node names are stored
in task rows: keep them stable.
"""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock

from evaluation.models import EvaluationRound
from evaluation.selectors import rounds_visible_to

from . import evaluation_steps as steps
from .nodes import PartyJoin, PartySplit, PartyView


class EvaluationRoundFlow(flow.Flow):
    """考核评价轮次

    A county's two-way evaluation for one period: linked townships and departments
    score each other, the county office ends the scoring, the assessment office
    bundles the results with its base scores and publishes them.
    """

    process_class = EvaluationRound
    # A real row lock: sheet submissions and the deadline sweep meet at the Join.
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(steps.start_round).Annotation(title="发起评价").Next(this.open_sheets)

    open_sheets = (
        PartySplit(steps.sheet_branches).Annotation(title="分发评分表").Next(this.fill_sheet)
    )

    fill_sheet = (
        PartyView(steps.task_page)
        .Annotation(title="填写评分表")
        .OnTimeout(steps.reminder_due, this.remind, interrupting=False, title="到期提醒")
        .OnTimeout(steps.deadline_due, this.mark_missing, title="逾期")
        .Next(this.join_sheets)
    )

    remind = flow.Function(steps.send_reminder).Annotation(title="发送提醒").Next(this.reminded)
    reminded = flow.End().Annotation(title="提醒已发出")

    mark_missing = (
        flow.Function(steps.mark_missing).Annotation(title="记录缺交").Next(this.join_sheets)
    )

    join_sheets = PartyJoin().Annotation(title="汇总评分表").Next(this.close)

    close = (
        steps.RoundTaskView(steps.task_page)
        .Annotation(title="结束评分")
        .Permission("organisations.arbitrate_county", obj=steps.round_county)
        .Next(this.publish)
    )

    publish = (
        steps.RoundTaskView(steps.task_page)
        .Annotation(title="录入基础分并公布结果")
        .Permission("organisations.assess_county", obj=steps.round_county)
        .Next(this.end)
    )

    end = flow.End().Annotation(title="办结")

    def has_view_permission(self, user, obj=None):
        """Users of the county's units see its rounds; a round only if visible."""
        if obj is None:
            return user.is_authenticated and rounds_visible_to(user).exists()
        return rounds_visible_to(user).filter(pk=obj.pk).exists()

    def has_manage_permission(self, user, obj=None):
        """Only superusers manage (cancel, undo) rounds by hand."""
        return user.is_authenticated and user.is_superuser
