"""Temporary items (临时事项): published with an end date through the admission flow,
withdrawn by the expiry timer (viewflow's timer sweep) the day after, with the reason
in the item's history and a notice to its departments and townships."""

import datetime

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.timers import fire_due_timers

from duty_lists import services as duty_services
from duty_lists.importing import lists_import
from duty_lists.models import DutyItem, ItemStatus
from tests.decisions import decide
from tests.duty_lists.import_world import qinghe, qinghe_file
from tests.factories import DepartmentFactory
from workflow.models import (
    ConsultationAnswer,
    Notification,
    TemporaryItemOutcome,
    TemporaryItemProcess,
)
from workflow.services import temporary
from workflow.temporary_flow import TemporaryItemFlow

from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db

EFFECTIVE = datetime.date(2027, 1, 1)
LAST_DAY = datetime.date(2027, 3, 31)


def publish_temporary_item(world, **fields) -> DutyItem:
    process = file_add(world, effective_date=EFFECTIVE, expires_on=LAST_DAY, **fields)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    decide(world.office, process)
    return DutyItem.objects.get()


def make_due(process: TemporaryItemProcess) -> None:
    Task.objects.filter(process=process, flow_task=TemporaryItemFlow.wait).update(
        scheduled=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )


def test_published_temporary_item_waits_for_the_end_of_its_last_day(county_world):
    item = publish_temporary_item(county_world)

    process = TemporaryItemProcess.objects.get()
    timer = Task.objects.get(process=process, flow_task=TemporaryItemFlow.wait)
    assert (process.item, process.expires_on, process.status) == (item, LAST_DAY, PROCESS.NEW)
    assert (item.expires_on, item.status) == (LAST_DAY, ItemStatus.IN_FORCE)
    assert timer.status == STATUS.SCHEDULED
    # 2027-04-01 00:00 China time.
    assert timer.scheduled == datetime.datetime(2027, 3, 31, 16, 0, tzinfo=datetime.UTC)
    # Not due yet: the sweep leaves it alone.
    assert fire_due_timers() == 0
    assert DutyItem.objects.get().status == ItemStatus.IN_FORCE


def test_temporary_item_expires_through_the_timer_with_its_reason_in_history(county_world):
    world = county_world
    cooperating = DepartmentFactory(county=world.county, name="县应急管理局")
    item = publish_temporary_item(
        world, cooperation=[(cooperating, "负责燃气事故的应急处置协调。")]
    )
    process = TemporaryItemProcess.objects.get()
    make_due(process)

    fire_due_timers()

    item.refresh_from_db()
    process.refresh_from_db()
    assert (item.status, item.withdrawn_date) == (
        ItemStatus.WITHDRAWN,
        datetime.date(2027, 4, 1),
    )
    assert (process.status, process.outcome) == (PROCESS.DONE, TemporaryItemOutcome.EXPIRED)
    latest = item.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        None,
        "临时事项有效期至2027-03-31，到期自动取消",
    )
    assert item.history.count() == 2
    told = set(
        Notification.objects.filter(subject=f"临时事项已到期取消：{item}").values_list(
            "recipient__username", flat=True
        )
    )
    expected = {world.office.username, world.staff.username}
    expected |= {head.username for head in world.heads}
    assert expected <= told


def test_a_changed_end_date_leaves_the_old_timer_without_effect(county_world):
    world = county_world
    item = publish_temporary_item(world)
    old = TemporaryItemProcess.objects.get()
    duty_services.duty_item_amend(
        actor=world.office, item=item, reason="延长有效期", expires_on=datetime.date(2027, 6, 30)
    )
    new = temporary.temporary_item_watch(DutyItem.objects.get())
    make_due(old)

    fire_due_timers()

    item.refresh_from_db()
    old.refresh_from_db()
    assert item.status == ItemStatus.IN_FORCE
    assert old.outcome == TemporaryItemOutcome.SUPERSEDED
    assert new.expires_on == datetime.date(2027, 6, 30)
    assert item.history.count() == 2  # added, extended; no withdrawal


def test_an_imported_temporary_item_gets_its_timer_and_expires():
    county = qinghe()
    lists_import(
        actor=None,
        county=county,
        content=qinghe_file(),
        file_name="清河县三张清单.xlsx",
        effective_date=datetime.date(2025, 7, 1),
        document_number="清委办发〔2025〕9号",
    )

    # The demo file's one temporary item: XZ-XF-0002, in force up to 2027-04-30.
    [process] = TemporaryItemProcess.objects.all()
    item = DutyItem.objects.get(code="XZ-XF-0002")
    assert (process.item, process.expires_on, process.status) == (
        item,
        datetime.date(2027, 4, 30),
        PROCESS.NEW,
    )
    # A second import of the same file changes nothing and starts no other timer.
    lists_import(
        actor=None,
        county=county,
        content=qinghe_file(),
        file_name="清河县三张清单.xlsx",
        effective_date=datetime.date(2025, 7, 1),
        document_number="清委办发〔2025〕9号",
    )
    assert TemporaryItemProcess.objects.count() == 1

    make_due(process)
    assert fire_due_timers() == 1

    item.refresh_from_db()
    assert (item.status, item.withdrawn_date) == (ItemStatus.WITHDRAWN, datetime.date(2027, 5, 1))
    latest = item.history.order_by("-history_id").first()
    assert latest.history_change_reason == "临时事项有效期至2027-04-30，到期自动取消"
