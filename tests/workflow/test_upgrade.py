"""Requests that were running when the decision chain (审定) was introduced finish under
the new graph.

Viewflow stores each task's node as ``<app>/<module>.<Flow>.<node>`` and resolves it
against the code that runs today. Here a request is driven by the previous graph (the
flow as it stood before 审定: publication right after the join or the ruling, no
legality review, no wait for the decision) up to a point where it waits for a person;
then "the code is upgraded": its rows are pointed at today's ``ChangeRequestFlow``,
exactly as the old rows name it, and the request is finished by today's services.
"""

import pytest
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

import workflow.flows
from duty_lists.models import DutyItem, Release
from tests.decisions import decide, published_reason
from workflow import flow_steps, permissions, services
from workflow.flows import ChangeRequestFlow
from workflow.models import ChangeRequestProcess, ConsultationAnswer, Outcome
from workflow.nodes import If, PartyJoin, PartySplit, PartyView, TaskView
from workflow.views import tasks as task_views

from .conftest import open_task
from .test_admission_flow import file_add

pytestmark = pytest.mark.django_db


class PreviousChangeRequestFlow(flow.Flow):
    """The admission flow as it stood before 审定 (same node names and meanings)."""

    __module__ = "workflow.flows"

    process_class = ChangeRequestProcess
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(flow_steps.start_process).Next(this.review)
    review = (
        TaskView(task_views.ReviewTaskView.as_view())
        .Permission("organisations.arbitrate_county", obj=permissions.process_county)
        .Next(this.check_review)
    )
    check_review = (
        flow.Switch()
        .Case(this.consult_split, flow_steps.is_forwarded)
        .Case(this.revise, flow_steps.is_returned)
        .Default(this.mark_rejected)
    )
    revise = (
        TaskView(task_views.ReviseTaskView.as_view())
        .Permission(permissions.initiator_permission, obj=permissions.process_initiator)
        .Next(this.review)
    )
    consult_split = PartySplit(flow_steps.consultation_parties).Next(this.consult)
    consult = (
        PartyView(task_views.ConsultTaskView.as_view())
        .OnTimeout(flow_steps.reminder_due, this.remind, interrupting=False)
        .OnTimeout(flow_steps.deadline_due, this.close_silent)
        .Next(this.join_consult)
    )
    remind = flow.Function(flow_steps.send_reminder).Next(this.reminded)
    reminded = flow.End()
    close_silent = flow.Function(flow_steps.record_silence).Next(this.join_consult)
    join_consult = PartyJoin().Next(this.check_contested)
    check_contested = If(flow_steps.has_contested_party).Then(this.arbitrate).Else(this.publish)
    arbitrate = (
        TaskView(task_views.ArbitrateTaskView.as_view())
        .Permission("organisations.arbitrate_county", obj=permissions.process_county)
        .Next(this.publish)
    )
    publish = flow.Function(flow_steps.publish).Next(this.end)
    mark_rejected = flow.Function(flow_steps.reject).Next(this.rejected)
    end = flow.End()
    rejected = flow.End()


PreviousChangeRequestFlow.__qualname__ = "PreviousChangeRequestFlow"


@pytest.fixture
def previous_code(monkeypatch):
    """Run with the previous graph: requests are filed into it, as before the upgrade."""
    monkeypatch.setattr(
        workflow.flows, "PreviousChangeRequestFlow", PreviousChangeRequestFlow, raising=False
    )
    monkeypatch.setattr(workflow.flows, "ChangeRequestFlow", PreviousChangeRequestFlow)
    return monkeypatch


def upgrade(monkeypatch, process) -> None:
    """Deploy today's code: the rows of ``process`` now name today's flow, as the rows
    written before the upgrade do."""
    assert Process.objects.get(pk=process.pk).flow_class is PreviousChangeRequestFlow
    monkeypatch.setattr(workflow.flows, "ChangeRequestFlow", ChangeRequestFlow)
    Process.objects.filter(pk=process.pk).update(flow_class=ChangeRequestFlow)
    for task in Task.objects.filter(process_id=process.pk):
        Task.objects.filter(pk=task.pk).update(
            flow_task=getattr(ChangeRequestFlow, task.flow_task.name)
        )


def previous_task(process, node_name: str, **data) -> Task:
    tasks = Task.objects.filter(
        process=process,
        flow_task=getattr(PreviousChangeRequestFlow, node_name),
        status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
    )
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    return tasks.get()


def answer(world, process, index, decision, reason="", lookup=open_task):
    township = world.townships[index]
    services.consultation_answer(
        actor=world.heads[index],
        task_id=lookup(process, "consult", township=township.pk).pk,
        answer=decision,
        reason=reason,
    )


def test_a_request_waiting_for_the_ruling_finishes_through_the_decision(
    county_world, previous_code
):
    world = county_world
    process = file_add(world)
    services.change_request_review(
        actor=world.office, task_id=previous_task(process, "review").pk, decision="forward"
    )
    answer(world, process, 0, ConsultationAnswer.ACCEPT, lookup=previous_task)
    answer(world, process, 1, ConsultationAnswer.CONTEST, "缺少人员。", lookup=previous_task)
    answer(world, process, 2, ConsultationAnswer.ACCEPT, lookup=previous_task)
    assert previous_task(process, "arbitrate").status == STATUS.NEW

    upgrade(previous_code, process)
    services.change_request_rule(
        actor=world.office,
        task_id=open_task(process, "arbitrate").pk,
        decisions={f"township:{world.townships[1].pk}": "admit"},
        reasoning="经协调会研究。",
    )

    # Under today's procedure the ruling is a proposal: nothing is published yet.
    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.NEW, Outcome.PENDING)
    assert DutyItem.objects.count() == 0
    decide(world.office, process)

    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.DONE, Outcome.PUBLISHED)
    assert process.published_item.history.get().history_change_reason == published_reason(process)
    assert Release.objects.get().changes.count() == 1
    names = list(
        Task.objects.filter(process=process).order_by("pk").values_list("flow_task", flat=True)
    )
    assert [node.name for node in names][-5:] == [
        "check_contested",
        "arbitrate",
        "await_decision",
        "publish",
        "end",
    ]
    assert (
        not Task.objects.filter(process=process, finished__isnull=True)
        .exclude(status=STATUS.CANCELED)
        .exists()
    )


def test_a_request_in_consultation_finishes_through_the_decision(county_world, previous_code):
    world = county_world
    process = file_add(world)
    services.change_request_review(
        actor=world.office, task_id=previous_task(process, "review").pk, decision="forward"
    )
    answer(world, process, 0, ConsultationAnswer.ACCEPT, lookup=previous_task)

    upgrade(previous_code, process)
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    answer(world, process, 2, ConsultationAnswer.ACCEPT)

    assert open_task(process, "await_decision").status == STATUS.NEW
    assert DutyItem.objects.count() == 0
    decide(world.office, process)

    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.DONE, Outcome.PUBLISHED)
    assert sorted(t.name for t in process.published_item.townships.all()) == [
        "云岭乡",
        "城关街道",
        "青石镇",
    ]


def test_a_request_returned_for_revision_finishes_through_the_decision(county_world, previous_code):
    world = county_world
    process = file_add(world)
    services.change_request_review(
        actor=world.office,
        task_id=previous_task(process, "review").pk,
        decision="return",
        comment="请补充实施依据条款。",
    )
    assert previous_task(process, "revise").status == STATUS.NEW

    upgrade(previous_code, process)
    services.change_request_revise(
        actor=world.staff,
        task_id=open_task(process, "revise").pk,
        fields={"basis": "《城镇燃气管理条例》第四十一条"},
    )
    services.change_request_review(
        actor=world.office, task_id=open_task(process, "review").pk, decision="forward"
    )
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    decide(world.office, process)

    process.refresh_from_db()
    assert process.outcome == Outcome.PUBLISHED
    assert process.published_item.basis == "《城镇燃气管理条例》第四十一条"
