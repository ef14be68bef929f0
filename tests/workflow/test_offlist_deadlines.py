"""The answer's reminder and deadline timers of the off-list report flow, fired by
``manage.py workflow_timers`` through the real flow."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from tests.arbitration.world import answer, file_report, make_world, open_task, rule
from workflow.models import Notification
from workflow.offlist_flow import OffListReportFlow

pytestmark = pytest.mark.django_db

REMINDER = OffListReportFlow.answer__timeout
DEADLINE = OffListReportFlow.answer__timeout_2


@pytest.fixture
def world():
    return make_world()


def fire_timers() -> str:
    out = io.StringIO()
    call_command("workflow_timers", stdout=out)
    return out.getvalue()


def timer(report, node) -> Task:
    return Task.objects.get(process=report, flow_task=node)


def make_due(task) -> None:
    Task.objects.filter(pk=task.pk).update(scheduled=timezone.now() - datetime.timedelta(minutes=1))


def subjects_of(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("subject", flat=True)
    )


def test_nothing_fires_before_its_time(world):
    report = file_report(world)

    assert fire_timers().startswith("0 timer(s) fired")
    assert open_task(report, "answer").status == STATUS.NEW


def test_reminder_tells_the_department_and_leaves_the_answer_open(world):
    report = file_report(world)
    make_due(timer(report, REMINDER))

    assert fire_timers().startswith("1 timer(s) fired")

    assert timer(report, REMINDER).status == STATUS.DONE
    assert open_task(report, "answer").status == STATUS.NEW
    assert timer(report, DEADLINE).status == STATUS.SCHEDULED
    expected = f"答复即将到期：清单外事项报告 #{report.pk}"
    assert subjects_of(world.staff)[-1] == expected
    assert subjects_of(world.department_head)[-1] == expected
    assert expected not in subjects_of(world.head)
    # The department can still answer after the reminder.
    answer(world, report)
    report.refresh_from_db()
    assert report.department_answer == "dispute"


def test_deadline_records_no_answer_and_escalates_to_the_county_office(world):
    report = file_report(world)
    answer_task = open_task(report, "answer")
    make_due(timer(report, DEADLINE))

    assert fire_timers().startswith("1 timer(s) fired")

    answer_task.refresh_from_db()
    assert answer_task.status == STATUS.CANCELED
    # The reminder that had not fired yet is disarmed with its host.
    assert timer(report, REMINDER).status == STATUS.CANCELED
    report.refresh_from_db()
    assert (report.department_answer, report.answered_by) == ("no_answer", None)
    assert report.department_reason == "部门在答复期限内未答复。"
    assert open_task(report, "rule").status == STATUS.NEW
    expected = f"逾期未答复，待裁定：清单外事项报告 #{report.pk}（县住房和城乡建设局）"
    assert subjects_of(world.office)[-1] == expected
    assert subjects_of(world.staff)[-1] == expected
    assert report.history.order_by("-history_id").first().history_change_reason == (
        "答复期限届满：逾期未答复"
    )
    # The timers fire once only.
    assert fire_timers().startswith("0 timer(s) fired")

    ruled = rule(world, report, "upheld", "部门逾期未答复，交办事项不在清单内。")
    assert (ruled.status, ruled.ruling) == (PROCESS.DONE, "upheld")


def test_both_timers_due_in_one_sweep_leave_one_rule_task(world):
    report = file_report(world)
    make_due(timer(report, REMINDER))
    make_due(timer(report, DEADLINE))

    fire_timers()

    report.refresh_from_db()
    assert report.department_answer == "no_answer"
    assert Task.objects.filter(process=report, flow_task=OffListReportFlow.rule).count() == 1
    assert not Task.objects.filter(
        process=report, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).exists()
