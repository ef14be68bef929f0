"""The off-list report flow end to end through its services: filing, the department's
answer, each ruling (upheld, dismissed, converted into an admission request)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from arbitration.models import OffListReport, ReportEvidence
from arbitration.selectors import upheld_reports_by_department
from tests.arbitration.world import (
    ASSIGNED_ON,
    ASSIGNMENT,
    CONVERSION,
    answer,
    conversion,
    file_report,
    make_world,
    open_task,
    pdf,
    rule,
)
from tests.factories import category_of
from workflow.flows import ChangeRequestFlow
from workflow.models import ChangeRequestProcess, Notification
from workflow.offlist_flow import OffListReportFlow
from workflow.services import TaskNotOpen, reporting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def subjects_of(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("subject", flat=True)
    )


def history_of(report) -> list[tuple[str, str | None]]:
    return [
        (row.history_change_reason, row.history_user.username if row.history_user else None)
        for row in report.history.order_by("history_id")
    ]


def test_filing_starts_the_process_with_an_answer_task_for_the_department(world):
    report = file_report(world, evidence=[pdf()])

    report = OffListReport.objects.get(pk=report.pk)
    assert report.status == PROCESS.NEW
    assert (report.county, report.township, report.department) == (
        world.county,
        world.township,
        world.department,
    )
    assert (report.assignment, report.assigned_on, report.channel) == (
        ASSIGNMENT,
        ASSIGNED_ON,
        "document",
    )
    assert report.reported_by == world.head
    assert report.answer_remind_at < report.answer_due_at
    task = open_task(report, "answer")
    assert task.data == {"department": world.department.pk}
    assert task.status == STATUS.NEW
    assert task.owner_permission == "organisations.act_for_department"
    timers = Task.objects.filter(process=report, flow_task_type="TIMER")
    assert sorted((t.flow_task.name, t.scheduled) for t in timers) == [
        ("answer__timeout", report.answer_remind_at),
        ("answer__timeout_2", report.answer_due_at),
    ]
    assert list(ReportEvidence.objects.filter(report=report).values_list("original_name")) == [
        ("交办通知.pdf",)
    ]
    assert subjects_of(world.staff) == [f"待答复：城关街道报告清单外事项 #{report.pk}"]
    assert subjects_of(world.department_head) == subjects_of(world.staff)
    assert subjects_of(world.other_staff) == []
    assert history_of(report) == [("报告清单外事项", world.head.username)]


def test_upheld_report_counts_against_the_department(world):
    report = file_report(world)

    answer(world, report, "dispute", "属于部门法定职责。")
    report.refresh_from_db()
    assert (report.department_answer, report.answered_by) == ("dispute", world.staff)
    assert open_task(report, "rule").status == STATUS.NEW
    assert subjects_of(world.office) == [
        f"待裁定：清单外事项报告 #{report.pk}（县住房和城乡建设局已答复）"
    ]
    # The answer closed the deadline's timers with it.
    assert set(
        Task.objects.filter(process=report, flow_task_type="TIMER").values_list("status", flat=True)
    ) == {STATUS.CANCELED}

    ruled = rule(world, report, "upheld", "交办事项不在清单内。")

    assert ruled.status == PROCESS.DONE
    assert (ruled.ruling, ruled.ruling_reasoning, ruled.ruled_by) == (
        "upheld",
        "交办事项不在清单内。",
        world.office,
    )
    assert ruled.admission_request is None
    assert upheld_reports_by_department(
        county_ids=[world.county.pk], start=ASSIGNED_ON, end=ASSIGNED_ON
    ) == {world.department.pk: 1}
    expected = f"清单外事项报告 #{report.pk} 已裁定：属实（清单外交办成立）"
    assert subjects_of(world.head)[-1] == expected
    assert subjects_of(world.township_staff)[-1] == expected
    assert subjects_of(world.staff)[-1] == expected
    assert history_of(ruled) == [
        ("报告清单外事项", world.head.username),
        ("部门答复：有异议", world.staff.username),
        ("裁定：属实（清单外交办成立）", world.office.username),
        ("流程办结", world.office.username),
    ]


def test_withdrawn_demand_is_still_ruled_and_may_be_dismissed(world):
    report = file_report(world)
    answer(world, report, "withdraw", "已撤回交办通知。")

    ruled = rule(world, report, "dismissed", "部门已撤回，不再计入。")

    assert (ruled.status, ruled.department_answer, ruled.ruling) == (
        PROCESS.DONE,
        "withdraw",
        "dismissed",
    )
    assert (
        upheld_reports_by_department(
            county_ids=[world.county.pk], start=ASSIGNED_ON, end=ASSIGNED_ON
        )
        == {}
    )


def test_conversion_starts_a_prefilled_admission_request_waiting_for_review(world):
    report = file_report(world)
    answer(world, report, "admission", "同意按准入程序申请。")

    ruled = rule(
        world, report, "converted", "应按准入程序办理。", admission_fields=conversion(world.county)
    )

    assert ruled.status == PROCESS.DONE
    request = ChangeRequestProcess.objects.get()
    assert ruled.admission_request == request
    assert request.status == PROCESS.NEW
    assert request.flow_class == ChangeRequestFlow
    assert (request.kind, request.level, request.county) == ("add", "township", world.county)
    assert (request.initiator_department, request.lead_department) == (
        world.department,
        world.department,
    )
    assert request.initiator_township is None
    assert request.requested_by == world.office
    assert list(request.target_townships.all()) == [world.township]
    assert request.title == "自建房结构安全排查"
    assert request.local_responsibilities == ASSIGNMENT
    assert request.department_responsibilities == CONVERSION["department_responsibilities"]
    assert request.basis == CONVERSION["basis"]
    assert request.category == category_of(world.county)
    assert (request.funding_amount, request.funding_source, request.staffing) == (
        Decimal("3.5"),
        "县财政排查经费",
        "无",
    )
    assert str(request.effective_date) == "2027-01-01"
    assert request.reasons.startswith(f"依据清单外事项报告 #{report.pk}：城关街道报告")
    review = Task.objects.get(process=request, flow_task=ChangeRequestFlow.review)
    assert review.status == STATUS.NEW
    assert history_of(ruled)[-3:] == [
        ("裁定：转为事项准入申请", world.office.username),
        (f"转入事项准入申请 {request.number}", world.office.username),
        ("流程办结", world.office.username),
    ]
    # The county office is asked to review the new request; the department is told
    # that its report was converted into it.
    assert f"待审查：{request}" in subjects_of(world.office)
    assert f"待审查：由清单外事项报告 #{report.pk} 转入的申请 {request.number}" in subjects_of(
        world.staff
    )


@pytest.mark.parametrize("actor_name", ["staff", "head", "other_office"])
def test_filing_on_a_ruling_authority_is_for_the_county_office_only(world, actor_name):
    """The entry point a conversion files through refuses anyone but that county's office."""
    from django.core.exceptions import PermissionDenied

    from workflow.models import ChangeRequestProcess
    from workflow.services.filing import change_request_file_by_ruling

    with pytest.raises(PermissionDenied):
        change_request_file_by_ruling(
            actor=getattr(world, actor_name),
            county=world.county,
            department=world.department,
            fields={"title": "自建房结构安全排查", **CONVERSION},
            target_townships=[world.township],
            reasons="依据裁定",
            change_reason="依据裁定提出申请",
        )
    assert not ChangeRequestProcess.objects.exists()


def test_conversion_without_item_fields_names_them_and_changes_nothing(world):
    report = file_report(world)
    answer(world, report)
    task = open_task(report, "rule")

    with pytest.raises(ValidationError) as error:
        rule(world, report, "converted", "应按准入程序办理。", admission_fields={"basis": " "})

    assert set(error.value.message_dict) == {
        "category",
        "duty_type",
        "department_responsibilities",
        "basis",
        "effective_date",
        # 费随事转: a conversion is a department's addition.
        "funding_source",
        "staffing",
        "equipment",
    }
    report.refresh_from_db()
    assert (report.ruling, report.status) == ("", PROCESS.NEW)
    task.refresh_from_db()
    assert (task.status, task.owner_id) == (STATUS.NEW, None)
    assert ChangeRequestProcess.objects.count() == 0


def test_second_answer_is_refused_as_task_not_open(world):
    report = file_report(world)
    task_id = open_task(report, "answer").pk
    answer(world, report)

    with pytest.raises(TaskNotOpen):
        reporting.report_answer(
            actor=world.department_head, task_id=task_id, answer="withdraw", reason="撤回。"
        )

    report.refresh_from_db()
    assert (report.department_answer, report.answered_by) == ("dispute", world.staff)


def test_answer_task_id_must_be_an_answer_task(world):
    report = file_report(world)
    answer(world, report)

    with pytest.raises(Task.DoesNotExist):
        reporting.report_answer(
            actor=world.office,
            task_id=open_task(report, "rule").pk,
            answer="withdraw",
            reason="撤回。",
        )


def test_node_names_are_stable():
    assert [node.name for node in OffListReportFlow.instance.nodes()] == [
        "answer",
        "check_converted",
        "convert",
        "end",
        "join_answer",
        "record_no_answer",
        "remind",
        "reminded",
        "route_to_department",
        "rule",
        "start",
        "answer__timeout",
        "answer__timeout_2",
    ]


def test_schedule_is_computed_at_filing_from_working_days(world, monkeypatch):
    import datetime

    from workflow.deadlines import CHINA_TIME

    # Friday 25 September 2026, 10:00: five working days later is Friday 2 October.
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 9, 25, 10, 0, tzinfo=CHINA_TIME)
    )
    report = file_report(world)

    assert report.answer_due_at == datetime.datetime(2026, 10, 2, 17, 30, tzinfo=CHINA_TIME)
    assert report.answer_remind_at == datetime.datetime(2026, 10, 1, 9, 0, tzinfo=CHINA_TIME)
