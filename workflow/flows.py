"""The admission and adjustment flow (事项准入/动态调整): the process graph only.

propose (a service starts the process) → review by the county office, or by the
village or grid list's reviewing department where the county names one (forward /
return for revision, looping back to the filer / reject) → when the county has legality review
on, the reviewing department (司法局) checks legality (pass / return for revision) → one
consultation task per affected township in parallel (or the lead department, when a
township filed the request), each with a reminder one working day before its deadline
and a "no answer" closing when it passes → join → if a party contested or stayed
silent, the reviewing unit writes its proposed ruling (拟办意见) party by party → every
request then waits for the county leadership's decision (审定), which the reviewing
unit records in a decision batch (审定批次) → publish what was adopted → end. Under a
county's standing authorisation an uncontested request is published by the county
office at the join, without a batch.

Node names are stored in task rows: keep them stable. ``arbitrate`` (now titled
拟办意见) and ``publish`` keep their names and meaning; a process that waited at
``arbitrate`` or in consultation under the earlier graph (where ``publish`` followed
directly) continues into ``await_decision``.
"""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock

from . import flow_steps, permissions
from .models import ChangeRequestProcess
from .nodes import DecisionWait, If, PartyJoin, PartySplit, PartyView, TaskView
from .views import tasks as task_views


class ChangeRequestFlow(flow.Flow):
    """事项准入/调整申请

    A county department (or a township, for items that apply to it) asks to add, amend
    or withdraw a duty on a county list.
    """

    process_class = ChangeRequestProcess
    # A real row lock: without it two simultaneous answers can both miss the Join.
    lock_impl = SelectForUpdateLock(nowait=False)

    start = (
        flow.StartHandle(flow_steps.start_process).Annotation(title="提出申请").Next(this.review)
    )

    # Review and proposal go to the request's reviewing unit: the county office, or the
    # village or grid list's reviewing department where the county names one.
    review = (
        TaskView(task_views.ReviewTaskView.as_view())
        .Annotation(title="形式审查")
        .Permission(permissions.reviewer_permission, obj=permissions.process_reviewer)
        .onCreate(flow_steps.announce_review)
        .Next(this.check_review)
    )

    check_review = (
        flow.Switch()
        .Annotation(title="审查结论")
        .Case(this.review_legality, flow_steps.is_forwarded_for_legality_review)
        .Case(this.consult_split, flow_steps.is_forwarded)
        .Case(this.revise, flow_steps.is_returned)
        .Default(this.mark_rejected)
    )

    review_legality = (
        TaskView(task_views.LegalityReviewTaskView.as_view())
        .Annotation(title="合法性审查")
        .Permission("organisations.act_for_department", obj=permissions.process_legality_reviewer)
        .onCreate(flow_steps.announce_legality_review)
        .Next(this.check_legality)
    )

    check_legality = (
        If(flow_steps.is_legal)
        .Annotation(title="合法性审查结论")
        .Then(this.consult_split)
        .Else(this.revise)
    )

    revise = (
        TaskView(task_views.ReviseTaskView.as_view())
        .Annotation(title="修改后重新提交")
        .Permission(permissions.initiator_permission, obj=permissions.process_initiator)
        .onCreate(flow_steps.announce_revision)
        .Next(this.review)
    )

    consult_split = (
        PartySplit(flow_steps.consultation_parties)
        .Annotation(title="分别征求意见")
        .Next(this.consult)
    )

    consult = (
        PartyView(task_views.ConsultTaskView.as_view())
        .Annotation(title="征求意见")
        .OnTimeout(flow_steps.reminder_due, this.remind, interrupting=False, title="到期提醒")
        .OnTimeout(flow_steps.deadline_due, this.close_silent, title="逾期")
        .onCreate(flow_steps.announce_consultation)
        .Next(this.join_consult)
    )

    remind = (
        flow.Function(flow_steps.send_reminder).Annotation(title="发送提醒").Next(this.reminded)
    )
    reminded = flow.End().Annotation(title="提醒已发出")

    close_silent = (
        flow.Function(flow_steps.record_silence)
        .Annotation(title="记录逾期未答复")
        .Next(this.join_consult)
    )

    join_consult = PartyJoin().Annotation(title="汇总意见").Next(this.check_contested)

    check_contested = (
        If(flow_steps.has_contested_party)
        .Annotation(title="是否有异议")
        .Then(this.arbitrate)
        .Else(this.check_standing_authorisation)
    )

    # The county office's proposed ruling (拟办意见); the node keeps its first name.
    arbitrate = (
        TaskView(task_views.ArbitrateTaskView.as_view())
        .Annotation(title="拟办意见")
        .Permission(permissions.reviewer_permission, obj=permissions.process_reviewer)
        .onCreate(flow_steps.announce_proposal)
        .Next(this.await_decision)
    )

    check_standing_authorisation = (
        If(flow_steps.is_standing_authorised)
        .Annotation(title="是否依常设授权发布")
        .Then(this.publish_authorised)
        .Else(this.await_decision)
    )

    # Completed by code when the county office records the batch that decides it.
    await_decision = DecisionWait().Annotation(title="审定").Next(this.publish)

    publish = flow.Function(flow_steps.publish).Annotation(title="发布").Next(this.end)

    publish_authorised = (
        flow.Function(flow_steps.publish_authorised)
        .Annotation(title="依常设授权发布")
        .Next(this.end)
    )

    mark_rejected = (
        flow.Function(flow_steps.reject).Annotation(title="不予受理").Next(this.rejected)
    )

    end = flow.End().Annotation(title="办结")
    rejected = flow.End().Annotation(title="结束")

    def has_view_permission(self, user, obj=None):
        """Anyone with a county, department or township role sees the application
        (scoped); a process only if visible."""
        if obj is None:
            return permissions.has_county_role(user)
        return permissions.can_view_process(user, obj)

    def has_manage_permission(self, user, obj=None):
        """Only superusers manage (cancel, undo) processes by hand."""
        return user.is_authenticated and user.is_superuser
