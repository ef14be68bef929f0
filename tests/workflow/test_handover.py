"""催办 (the county office reminds a party of its open consultation, at most once per
interval), 转交 (a head hands its task to a colleague, who does it) and deputies doing
the head's tasks during the period."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from organisations import deputies
from organisations import permissions as org_permissions
from organisations.models import Role
from tests.factories import user_with_role
from workflow import services, todo
from workflow.models import Consultation, ConsultationAnswer, Notification, TaskTransfer, Urge
from workflow.services.common import TaskNotOpen
from workflow.services.handover import task_transfer, task_urge

from .conftest import open_task
from .test_admission_flow import file_add, forward

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    world.process = process
    world.task = open_task(process, "consult", township=world.townships[0].pk)
    world.township_staff = user_with_role(
        Role.TOWNSHIP_STAFF, world.townships[0], display_name="城关经办人"
    )
    return world


def test_county_office_urges_an_open_consultation_and_its_head_hears(consultation):
    world = consultation
    Notification.objects.all().delete()
    urge = task_urge(actor=world.office, task_id=world.task.pk, note="请今天答复")

    assert (urge.task_id, urge.sent_by, urge.recipient_count, urge.note) == (
        world.task.pk,
        world.office,
        1,
        "请今天答复",
    )
    [notice] = Notification.objects.all()
    assert notice.recipient == world.heads[0]
    assert notice.subject == f"催办：{world.process}（城关街道）"
    assert notice.body.startswith("清河县委编办催办：请尽快办理征求意见。\n办理期限：")
    assert notice.body.endswith("说明：请今天答复")
    assert notice.url == f"/changerequest/{world.process.pk}/consult/{world.task.pk}/execute/"
    assert urge.history.get().history_user == world.office


def test_a_second_urge_within_the_interval_is_refused(consultation):
    world = consultation
    first = task_urge(actor=world.office, task_id=world.task.pk)
    with pytest.raises(ValidationError) as error:
        task_urge(actor=world.office, task_id=world.task.pk)
    sent = f"{timezone.localtime(first.sent_at):%Y-%m-%d %H:%M}"
    assert error.value.message_dict == {
        "task": [f"该任务已于 {sent} 催办过，24 小时内不能重复催办。"]
    }
    assert Urge.objects.count() == 1
    # Once the interval has passed it may be urged again.
    Urge.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=25))
    task_urge(actor=world.office, task_id=world.task.pk)
    assert Urge.objects.count() == 2


@override_settings(QINGDAN_URGE_INTERVAL_HOURS=2)
def test_the_interval_is_configurable(consultation):
    world = consultation
    task_urge(actor=world.office, task_id=world.task.pk)
    Urge.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=3))
    task_urge(actor=world.office, task_id=world.task.pk)
    assert Urge.objects.count() == 2


@pytest.mark.parametrize("who", ["staff", "other_office", "head_1"])
def test_only_the_county_office_urges(consultation, who):
    world = consultation
    actor = world.heads[1] if who == "head_1" else getattr(world, who)
    with pytest.raises(PermissionDenied):
        task_urge(actor=actor, task_id=world.task.pk)
    assert Urge.objects.count() == 0


def test_an_answered_consultation_cannot_be_urged(consultation):
    world = consultation
    services.consultation_answer(
        actor=world.heads[0], task_id=world.task.pk, answer=ConsultationAnswer.ACCEPT
    )
    with pytest.raises(TaskNotOpen):
        task_urge(actor=world.office, task_id=world.task.pk)


def test_head_hands_the_consultation_to_its_staff_who_answers_it(consultation):
    world = consultation
    Notification.objects.all().delete()
    transfer = task_transfer(
        actor=world.heads[0],
        task_id=world.task.pk,
        to_user_id=world.township_staff.pk,
        reason="请代为答复",
    )
    world.task.refresh_from_db()
    assert (world.task.owner, world.task.status) == (world.township_staff, "ASSIGNED")
    assert (transfer.from_user, transfer.to_user, transfer.reason) == (
        world.heads[0],
        world.township_staff,
        "请代为答复",
    )
    [notice] = Notification.objects.all()
    assert notice.recipient == world.township_staff
    assert notice.subject == f"城关街道负责人转交给您：征求意见：{world.process}"
    # It waits in the receiver's 待办 now, not in the head's.
    assert [row.step for row in todo.todo_rows(world.township_staff)] == ["征求意见"]
    assert todo.todo_count(world.heads[0]) == 0

    consultation = services.consultation_answer(
        actor=world.township_staff, task_id=world.task.pk, answer=ConsultationAnswer.ACCEPT
    )
    assert consultation.answered_by == world.township_staff
    # The head may no longer answer: the task is its colleague's.
    assert Consultation.objects.count() == 1


def test_transfer_goes_only_to_a_colleague_of_the_task_s_unit(consultation):
    world = consultation
    for receiver in (world.heads[1], world.staff, world.heads[0]):
        with pytest.raises(ValidationError) as error:
            task_transfer(actor=world.heads[0], task_id=world.task.pk, to_user_id=receiver.pk)
        assert error.value.message_dict == {"to_user": ["请选择本单位的其他在岗人员作为接收人。"]}
    assert TaskTransfer.objects.count() == 0


def test_only_who_may_do_the_task_hands_it_over(consultation):
    world = consultation
    for actor in (world.township_staff, world.heads[1], world.office):
        with pytest.raises(PermissionDenied):
            task_transfer(actor=actor, task_id=world.task.pk, to_user_id=world.township_staff.pk)
    world.task.refresh_from_db()
    assert world.task.owner is None


def test_the_receiver_cannot_do_another_task_of_the_township(consultation):
    world = consultation
    task_transfer(actor=world.heads[0], task_id=world.task.pk, to_user_id=world.township_staff.pk)
    other = file_add(world)
    forward(world, other)
    other_task = open_task(other, "consult", township=world.townships[0].pk)
    with pytest.raises(PermissionDenied):
        services.consultation_answer(
            actor=world.township_staff, task_id=other_task.pk, answer=ConsultationAnswer.ACCEPT
        )


def test_deputy_answers_the_head_s_consultation_during_the_period(consultation, monkeypatch):
    world = consultation
    now = timezone.now()
    deputies.deputyship_set(
        actor=world.heads[0],
        unit=world.townships[0],
        deputy=world.township_staff,
        starts_at=now,
        ends_at=now + datetime.timedelta(days=2),
        reason="休假",
    )
    org_permissions.forget_unit_scope(world.township_staff)
    assert [row.step for row in todo.todo_rows(world.township_staff)] == ["征求意见"]
    # The deputy is told of reminders like the head.
    Notification.objects.all().delete()
    task_urge(actor=world.office, task_id=world.task.pk)
    assert sorted(n.recipient.pk for n in Notification.objects.all()) == sorted(
        [world.heads[0].pk, world.township_staff.pk]
    )
    consultation = services.consultation_answer(
        actor=world.township_staff, task_id=world.task.pk, answer=ConsultationAnswer.ACCEPT
    )
    assert consultation.answered_by == world.township_staff


def test_deputy_s_rights_end_with_the_period(consultation, monkeypatch):
    world = consultation
    now = timezone.now()
    deputies.deputyship_set(
        actor=world.heads[0],
        unit=world.townships[0],
        deputy=world.township_staff,
        starts_at=now,
        ends_at=now + datetime.timedelta(days=2),
        reason="休假",
    )
    later = now + datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    staff = world.township_staff
    org_permissions.forget_unit_scope(staff)
    assert todo.todo_count(staff) == 0
    with pytest.raises(PermissionDenied):
        services.consultation_answer(
            actor=staff, task_id=world.task.pk, answer=ConsultationAnswer.ACCEPT
        )
    assert Consultation.objects.count() == 0
