"""The admission flow end to end, through the services, as the real users: every
change waits for the county leadership's decision (审定), which the county office
records in a decision batch before anything is published."""

from decimal import Decimal

import pytest
from django.core import mail
from viewflow.workflow.status import PROCESS

from duty_lists.models import DutyItem, ItemStatus, Release
from tests.decisions import decide, published_reason
from workflow import services
from workflow.models import ChangeKind, ConsultationAnswer, Notification, Outcome

from .conftest import add_fields, open_task

pytestmark = pytest.mark.django_db


def file_add(world, *, townships=None, applies_to_all=False, **fields):
    return services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.ADD,
        level="township",
        department=world.department,
        fields=add_fields(world.county, **fields),
        applies_to_all=applies_to_all,
        target_townships=world.townships if townships is None else townships,
        reasons="属地需要配合入户排查。",
    )


def publish_added_item(world) -> DutyItem:
    """File an add request, forward it, let every township accept, record the decision;
    return the item."""
    process = file_add(world)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    decide(world.office, process)
    return DutyItem.objects.get()


def forward(world, process):
    services.change_request_review(
        actor=world.office, task_id=open_task(process, "review").pk, decision="forward"
    )


def answer(world, process, index, decision, reason=""):
    township = world.townships[index]
    return services.consultation_answer(
        actor=world.heads[index],
        task_id=open_task(process, "consult", township=township.pk).pk,
        answer=decision,
        reason=reason,
    )


def test_all_accept_waits_for_decision_then_publishes_for_all_named_townships(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)

    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.NEW, Outcome.PENDING)
    assert open_task(process, "await_decision").status == "NEW"
    assert DutyItem.objects.count() == 0

    decide(world.office, process)

    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert process.outcome == Outcome.PUBLISHED
    assert process.published_under == "decision"
    item = process.published_item
    assert item.title == "燃气安全入户排查"
    assert item.applies_to_all is False
    assert sorted(t.name for t in item.townships.all()) == ["云岭乡", "城关街道", "青石镇"]
    record = item.history.get()
    assert record.history_user == world.office  # who recorded the decision
    assert record.history_change_reason == (
        f"依据县委常委会审定（清委办发〔2026〕12号）发布："
        f"新增事项申请 {process.number}（新增事项：燃气安全入户排查）"
    )
    release = Release.objects.get()
    assert (release.number, release.document_number, release.decided_by) == (
        1,
        "清委办发〔2026〕12号",
        "县委常委会",
    )
    assert list(release.changes.values_list("item_id", "kind")) == [(item.pk, "added")]
    assert (
        Notification.objects.filter(recipient=world.staff, subject__startswith="申请已发布").count()
        == 1
    )


def test_all_accept_of_whole_level_applies_to_all(county_world):
    world = county_world
    process = file_add(world, townships=[], applies_to_all=True)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    decide(world.office, process)

    item = DutyItem.objects.get(title="燃气安全入户排查")
    assert item.applies_to_all is True
    assert list(item.townships.all()) == []


def _rule(world, process, decisions, **kwargs):
    return services.change_request_rule(
        actor=world.office,
        task_id=open_task(process, "arbitrate").pk,
        decisions={f"township:{world.townships[i].pk}": d for i, d in decisions.items()},
        reasoning=kwargs.pop("reasoning", "经协调会研究决定。"),
        **kwargs,
    )


def test_contest_then_admit(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.ACCEPT)
    answer(world, process, 1, ConsultationAnswer.CONTEST, reason="缺少人员。")
    answer(world, process, 2, ConsultationAnswer.ACCEPT)
    assert (
        Notification.objects.filter(recipient=world.office, subject__contains="提出异议").count()
        == 1
    )

    _rule(world, process, {1: "admit"}, meeting_record="2026-05-06 协调会")
    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.NEW, Outcome.PENDING)
    assert open_task(process, "await_decision").status == "NEW"
    decide(world.office, process)

    process.refresh_from_db()
    assert process.outcome == Outcome.PUBLISHED
    item = process.published_item
    assert len(item.townships.all()) == 3
    record = item.history.get()
    assert record.history_user == world.office
    assert record.history_change_reason == published_reason(process)
    assert process.ruling.meeting_record == "2026-05-06 协调会"


def test_contest_then_admit_with_amendments(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.CONTEST, reason="职责边界不清。")
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    answer(world, process, 2, ConsultationAnswer.ACCEPT)

    _rule(
        world,
        process,
        {0: "admit_amended"},
        amendments={"local_responsibilities": "仅负责发现报告，不承担执法。"},
    )
    decide(world.office, process)

    item = DutyItem.objects.get(title="燃气安全入户排查")
    assert item.local_responsibilities == "仅负责发现报告，不承担执法。"
    assert item.department_responsibilities == "负责燃气安全监管和隐患整改执法。"
    assert len(item.townships.all()) == 3


def test_contest_then_reject_leaves_township_out(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.ACCEPT)
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    answer(world, process, 2, ConsultationAnswer.CONTEST, reason="山区乡无燃气管网。")

    _rule(world, process, {2: "reject"})
    decide(world.office, process)

    item = DutyItem.objects.get(title="燃气安全入户排查")
    assert sorted(t.name for t in item.townships.all()) == ["城关街道", "青石镇"]


def test_single_township_contest_rejected_publishes_nothing(county_world):
    world = county_world
    process = file_add(world, townships=[county_world.townships[2]])
    forward(world, process)
    answer(world, process, 2, ConsultationAnswer.CONTEST, reason="无燃气管网。")

    _rule(world, process, {2: "reject"})
    decide(world.office, process)

    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert process.outcome == Outcome.REJECTED
    assert process.published_item is None
    assert DutyItem.objects.count() == 0
    assert Release.objects.count() == 0


def test_return_for_revision_edit_and_forward(county_world):
    world = county_world
    process = file_add(world)
    services.change_request_review(
        actor=world.office,
        task_id=open_task(process, "review").pk,
        decision="return",
        comment="请补充实施依据条款。",
    )
    assert Notification.objects.filter(recipient=world.staff, subject__contains="退回").count() == 1

    services.change_request_revise(
        actor=world.staff,
        task_id=open_task(process, "revise").pk,
        fields={"basis": "《城镇燃气管理条例》第四十一条"},
    )
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    decide(world.office, process)

    item = DutyItem.objects.get(title="燃气安全入户排查")
    assert item.basis == "《城镇燃气管理条例》第四十一条"


def test_reject_at_review_ends_the_request(county_world):
    world = county_world
    process = file_add(world)
    services.change_request_review(
        actor=world.office,
        task_id=open_task(process, "review").pk,
        decision="reject",
        comment="与现有事项重复。",
    )

    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert process.outcome == Outcome.REJECTED
    assert DutyItem.objects.count() == 0
    assert (
        Notification.objects.filter(
            recipient=world.staff, subject__startswith="申请不予受理"
        ).count()
        == 1
    )


def test_withdraw_by_department_after_all_accept(county_world):
    world = county_world
    item = publish_added_item(world)

    withdrawal = services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.WITHDRAW,
        department=world.department,
        target_item=item,
        reasons="职责已上收。",
    )
    forward(world, withdrawal)
    for index in range(3):
        answer(world, withdrawal, index, ConsultationAnswer.ACCEPT)
    decide(world.office, withdrawal, document_number="清委办发〔2026〕20号")

    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN
    assert item.history.first().history_change_reason == published_reason(
        withdrawal, document_number="清委办发〔2026〕20号"
    )
    assert list(Release.objects.values_list("number", "document_number")) == [
        (1, "清委办发〔2026〕12号"),
        (2, "清委办发〔2026〕20号"),
    ]
    assert list(Release.objects.get(number=2).changes.values_list("kind", flat=True)) == [
        "withdrawn"
    ]


def test_amend_by_department(county_world):
    world = county_world
    item = publish_added_item(world)

    amendment = services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.AMEND,
        department=world.department,
        target_item=item,
        fields={"funding_amount": Decimal("5")},
        target_townships=world.townships[:2],
        reasons="经费调整，云岭乡无管网不再适用。",
    )
    forward(world, amendment)
    answer(world, amendment, 0, ConsultationAnswer.ACCEPT)
    answer(world, amendment, 1, ConsultationAnswer.ACCEPT)
    decide(world.office, amendment)

    item.refresh_from_db()
    assert item.funding_amount == Decimal("5")
    assert sorted(t.name for t in item.townships.all()) == ["城关街道", "青石镇"]
    assert item.history.count() == 2


def test_township_initiated_withdrawal_is_consulted_with_lead_department(county_world):
    world = county_world
    item = publish_added_item(world)

    request = services.change_request_file(
        actor=world.heads[2],
        county=world.county,
        kind=ChangeKind.WITHDRAW,
        township=world.townships[2],
        target_item=item,
        reasons="本乡无燃气管网。",
    )
    forward(world, request)
    task = open_task(request, "consult", department=world.department.pk)
    services.consultation_answer(actor=world.staff, task_id=task.pk, answer="accept")
    decide(world.office, request)

    item.refresh_from_db()
    assert item.status == ItemStatus.IN_FORCE
    assert sorted(t.name for t in item.townships.all()) == ["城关街道", "青石镇"]
    request.refresh_from_db()
    assert request.outcome == Outcome.PUBLISHED


def test_mail_goes_after_commit_to_users_with_addresses(
    county_world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = county_world
    world.office.email = "office@example.org"
    world.office.save()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        process = file_add(world)
    assert mail.outbox == []  # nothing leaves before the commit

    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["office@example.org"]]
    assert (
        mail.outbox[0].subject == f"[清单管理] 待审查：{process.number} 新增事项：燃气安全入户排查"
    )


def _expire_consultation(process, township):
    """Make the deadline of a township's consultation due and run the timer dispatcher."""
    from django.core.management import call_command
    from django.utils import timezone
    from viewflow.workflow.models import Task

    from workflow.flows import ChangeRequestFlow

    host = open_task(process, "consult", township=township.pk)
    timer = Task.objects.get(
        process=process, flow_task=ChangeRequestFlow.consult__timeout_2, previous=host
    )
    Task.objects.filter(pk=timer.pk).update(scheduled=timezone.now() - timezone.timedelta(1))
    call_command("workflow_timers")


def test_mixed_answers_and_ruling_apply_to_exactly_admitted_townships(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.ACCEPT)
    answer(world, process, 1, ConsultationAnswer.CONTEST, reason="需要配套经费。")
    _expire_consultation(process, world.townships[2])

    silent = process.consultations.get(township=world.townships[2])
    assert silent.answer == ConsultationAnswer.NO_ANSWER
    _rule(world, process, {1: "admit", 2: "reject"})
    decide(world.office, process)

    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert process.outcome == Outcome.PUBLISHED
    assert sorted(t.name for t in process.published_item.townships.all()) == [
        "城关街道",
        "青石镇",
    ]
    ruling = process.ruling
    assert sorted((d.township.name, d.decision) for d in ruling.decisions.all()) == [
        ("云岭乡", "reject"),
        ("青石镇", "admit"),
    ]


def test_department_withdrawal_keeps_item_where_objection_upheld(county_world):
    world = county_world
    item = publish_added_item(world)

    withdrawal = services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.WITHDRAW,
        department=world.department,
        target_item=item,
        reasons="拟取消该事项。",
    )
    forward(world, withdrawal)
    answer(world, withdrawal, 0, ConsultationAnswer.ACCEPT)
    answer(world, withdrawal, 1, ConsultationAnswer.ACCEPT)
    answer(world, withdrawal, 2, ConsultationAnswer.CONTEST, reason="本乡仍需保留。")
    _rule(world, withdrawal, {2: "reject"})
    decide(world.office, withdrawal)

    item.refresh_from_db()
    assert item.status == ItemStatus.IN_FORCE
    assert [t.name for t in item.townships.all()] == ["云岭乡"]
