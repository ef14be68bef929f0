"""Consultation deadlines in working days, and the reminder and deadline timers fired by
``manage.py workflow_timers`` through the real flow."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from duty_lists.models import DutyItem
from organisations.models import Role
from tests.decisions import decide
from tests.factories import CountyFactory, user_with_role
from workflow import services
from workflow.deadlines import (
    CHINA_TIME,
    add_working_days,
    consultation_due,
    consultation_reminder,
    consultation_schedule,
)
from workflow.flows import ChangeRequestFlow
from workflow.models import (
    ChangeKind,
    Consultation,
    ConsultationAnswer,
    CountyWorkflowSettings,
    Holiday,
    Notification,
    Outcome,
)

from .conftest import open_task
from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db

D = datetime.date
# The boundary timers viewflow names after their host node; the names are stored in
# task rows, so renaming them would orphan the timers of running requests.
REMINDER = ChangeRequestFlow.consult__timeout
DEADLINE = ChangeRequestFlow.consult__timeout_2
# Friday 25 September 2026, 10:00 in the county: the moment consultations open below.
OPENED = datetime.datetime(2026, 9, 25, 10, 0, tzinfo=CHINA_TIME)
NO_TIMERS_FIRED = "0 timer(s) fired, 0 process(es) started, 0 condition(s) fired\n"


def china(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CHINA_TIME)


def national_day_calendar(county):
    """Test calendar for the 2026 National Day week: 1–8 October off, Sunday
    27 September and Saturday 10 October worked instead."""
    for day in range(1, 9):
        Holiday.objects.create(county=county, date=D(2026, 10, day), name="国庆节、中秋节")
    Holiday.objects.create(county=county, date=D(2026, 9, 27), name="调休上班", is_working_day=True)
    Holiday.objects.create(
        county=county, date=D(2026, 10, 10), name="调休上班", is_working_day=True
    )


@pytest.fixture
def calendar_county():
    county = CountyFactory(name="日历县")
    national_day_calendar(county)
    return county


class Clock:
    """The clock of the system under test (django.utils.timezone.now), set by hand."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(OPENED)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def world(county_world, clock):
    """The flow's county with the National Day calendar, consultations opening at OPENED."""
    national_day_calendar(county_world.county)
    return county_world


def fire_timers() -> str:
    out = io.StringIO()
    call_command("workflow_timers", stdout=out)
    return out.getvalue()


def timers(process, node, township=None):
    tasks = Task.objects.filter(process=process, flow_task=node)
    if township is not None:
        tasks = tasks.filter(previous__data__township=township.pk)
    return tasks


def make_due(tasks) -> None:
    """Move timers' moments into the past, as if their time had come."""
    tasks.update(scheduled=timezone.now() - datetime.timedelta(minutes=1))


def consult_task(world, process, index) -> Task:
    return Task.objects.get(
        process=process,
        flow_task=ChangeRequestFlow.consult,
        data__township=world.townships[index].pk,
    )


def subjects_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


# --- working days -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 9, 25), 0, D(2026, 9, 25)),
        (D(2026, 9, 25), 1, D(2026, 9, 27)),  # Saturday skipped, make-up Sunday counts
        (D(2026, 9, 25), 2, D(2026, 9, 28)),
        (D(2026, 9, 25), 4, D(2026, 9, 30)),
        (D(2026, 9, 25), 5, D(2026, 10, 9)),  # 1–8 October skipped
        (D(2026, 9, 25), 6, D(2026, 10, 10)),  # make-up Saturday counts
        (D(2026, 9, 25), 7, D(2026, 10, 12)),  # ordinary Sunday 11 October skipped
        (D(2026, 9, 30), 1, D(2026, 10, 9)),
        (D(2026, 10, 3), 1, D(2026, 10, 9)),  # counted from inside the holiday
        (D(2026, 10, 9), 1, D(2026, 10, 10)),
    ],
)
def test_add_working_days_follows_the_county_calendar(calendar_county, start, days, expected):
    assert add_working_days(calendar_county, start, days) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 9, 25), 1, D(2026, 9, 28)),
        (D(2026, 9, 25), 5, D(2026, 10, 2)),
        (D(2026, 10, 9), 1, D(2026, 10, 12)),
    ],
)
def test_another_countys_calendar_is_not_used(calendar_county, start, days, expected):
    other = CountyFactory(name="无日历县")

    assert add_working_days(other, start, days) == expected


def test_long_closure_beyond_the_first_calendar_window(calendar_county):
    # 90 days off in a row: the calendar is read past its first 60-day window.
    for offset in range(90):
        Holiday.objects.get_or_create(
            county=calendar_county,
            date=D(2027, 1, 1) + datetime.timedelta(days=offset),
            defaults={"name": "停工"},
        )

    assert add_working_days(calendar_county, D(2026, 12, 31), 1) == D(2027, 4, 1)


def test_negative_day_count_is_refused(calendar_county):
    with pytest.raises(ValueError, match="negative"):
        add_working_days(calendar_county, D(2026, 9, 25), -1)


def test_calendar_without_working_days_is_refused(calendar_county):
    county = CountyFactory(name="全年放假县")
    Holiday.objects.bulk_create(
        Holiday(county=county, date=D(2026, 1, 1) + datetime.timedelta(days=n), name="假")
        for n in range(4 * 366)
    )

    with pytest.raises(ValueError, match="没有足够的工作日"):
        add_working_days(county, D(2026, 1, 1), 1)


# --- consultation deadline and reminder ---------------------------------------------


def test_consultation_due_and_reminder_default_five_working_days(calendar_county):
    due = consultation_due(calendar_county, OPENED)
    remind = consultation_reminder(calendar_county, OPENED)

    assert due == china(2026, 10, 9, 17, 30)
    assert remind == china(2026, 9, 30, 9, 0)
    assert due.utcoffset() == datetime.timedelta(hours=8)
    assert due == datetime.datetime(2026, 10, 9, 9, 30, tzinfo=datetime.UTC)
    assert remind == datetime.datetime(2026, 9, 30, 1, 0, tzinfo=datetime.UTC)


def test_opening_day_is_the_county_day_not_the_utc_day(calendar_county):
    # 23:00 on Thursday 24 September in the county is still Thursday there.
    opened = datetime.datetime(2026, 9, 24, 15, 0, tzinfo=datetime.UTC)

    schedule = consultation_schedule(calendar_county, opened)

    assert schedule.due_at == china(2026, 9, 30, 17, 30)
    assert schedule.remind_at == china(2026, 9, 29, 9, 0)


def test_county_setting_changes_the_period(calendar_county):
    CountyWorkflowSettings.objects.create(county=calendar_county, consultation_days=3)

    schedule = consultation_schedule(calendar_county, china(2026, 9, 30, 16, 0))

    assert schedule.due_at == china(2026, 10, 12, 17, 30)
    assert schedule.remind_at == china(2026, 10, 10, 9, 0)  # the make-up Saturday


def test_one_day_period_reminds_on_the_morning_of_the_deadline(calendar_county):
    CountyWorkflowSettings.objects.create(county=calendar_county, consultation_days=1)

    schedule = consultation_schedule(calendar_county, OPENED)

    assert schedule.due_at == china(2026, 9, 27, 17, 30)
    assert schedule.remind_at == china(2026, 9, 27, 9, 0)


@pytest.mark.parametrize("days", [0, 31])
def test_settings_refuse_a_period_out_of_range(calendar_county, days):
    settings = CountyWorkflowSettings(county=calendar_county, consultation_days=days)

    with pytest.raises(ValidationError) as raised:
        settings.full_clean()

    assert raised.value.message_dict == {"consultation_days": ["征求意见期限应为1至30个工作日。"]}


def test_make_up_day_must_be_a_weekend_day(calendar_county):
    holiday = Holiday(county=calendar_county, date=D(2026, 9, 28), name="调休", is_working_day=True)

    with pytest.raises(ValidationError) as raised:
        holiday.full_clean()

    assert raised.value.message_dict == {"is_working_day": ["调休上班日应为周六或周日。"]}


# --- timers through the flow ----------------------------------------------------------


def test_timer_node_names_are_stable():
    assert (REMINDER.name, REMINDER._interrupting) == ("consult__timeout", False)
    assert (DEADLINE.name, DEADLINE._interrupting) == ("consult__timeout_2", True)


def test_forwarding_arms_a_reminder_and_a_deadline_per_township(world):
    process = file_add(world)
    forward(world, process)

    for index, township in enumerate(world.townships):
        host = consult_task(world, process, index)
        armed = Task.objects.filter(process=process, previous=host).order_by("flow_task")
        assert [(t.flow_task, t.status, t.scheduled) for t in armed] == [
            (REMINDER, STATUS.SCHEDULED, china(2026, 9, 30, 9, 0)),
            (DEADLINE, STATUS.SCHEDULED, china(2026, 10, 9, 17, 30)),
        ], township.name
        assert host.status == STATUS.NEW


def test_timers_fire_at_their_computed_moments(world, clock):
    process = file_add(world)
    forward(world, process)

    clock.moment = china(2026, 9, 30, 8, 59)
    assert fire_timers() == NO_TIMERS_FIRED
    clock.moment = china(2026, 9, 30, 9, 0)
    assert fire_timers().startswith("3 timer(s) fired")
    clock.moment = china(2026, 10, 9, 17, 29)
    assert fire_timers() == NO_TIMERS_FIRED
    clock.moment = china(2026, 10, 9, 17, 30)
    assert fire_timers().startswith("3 timer(s) fired")

    assert sorted(Consultation.objects.values_list("answer", flat=True)) == ["no_answer"] * 3
    assert open_task(process, "arbitrate").status == STATUS.NEW


def test_reminder_tells_the_township_and_leaves_its_task_open(world):
    staff = user_with_role(Role.TOWNSHIP_STAFF, world.townships[0])
    process = file_add(world)
    forward(world, process)
    make_due(timers(process, REMINDER, world.townships[0]))

    assert fire_timers().startswith("1 timer(s) fired")

    subject = f"征求意见即将到期：{process.number} 新增事项：燃气安全入户排查"
    opened = f"请答复征求意见：{process.number} 新增事项：燃气安全入户排查"  # when it opened
    assert subjects_of(world.heads[0]) == [subject, opened]
    assert subjects_of(staff) == [subject]
    assert subjects_of(world.heads[1]) == [opened]
    # The head, who answers, is led to the task; the staff to the request's page.
    task = consult_task(world, process, 0)
    reminders = Notification.objects.filter(subject=subject)
    assert dict(reminders.values_list("recipient__username", "url")) == {
        world.heads[0].username: f"/changerequest/{process.pk}/consult/{task.pk}/execute/",
        staff.username: f"/changerequest/{process.pk}/",
    }
    assert consult_task(world, process, 0).status == STATUS.NEW
    assert timers(process, REMINDER, world.townships[0]).get().status == STATUS.DONE
    assert timers(process, DEADLINE, world.townships[0]).get().status == STATUS.SCHEDULED
    process.refresh_from_db()
    assert process.status == PROCESS.NEW
    assert not Consultation.objects.exists()

    # The township can still answer, and a second sweep sends nothing more.
    assert fire_timers() == NO_TIMERS_FIRED
    answer(world, process, 0, ConsultationAnswer.ACCEPT)
    assert subjects_of(world.heads[0]) == [subject, opened]


@pytest.mark.parametrize(
    ("decision", "expected_townships"),
    [("admit", ["云岭乡", "城关街道", "青石镇"]), ("reject", ["云岭乡", "青石镇"])],
)
def test_silent_township_goes_to_arbitration_and_the_ruling_decides(
    world, decision, expected_townships
):
    process = file_add(world)
    forward(world, process)
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    answer(world, process, 2, ConsultationAnswer.ACCEPT)
    silent = world.townships[0]
    make_due(timers(process, REMINDER, silent))
    fire_timers()
    make_due(timers(process, DEADLINE, silent))

    assert fire_timers().startswith("1 timer(s) fired")

    assert consult_task(world, process, 0).status == STATUS.CANCELED
    consultation = Consultation.objects.get(township=silent)
    assert (consultation.answer, consultation.reason, consultation.answered_by) == (
        ConsultationAnswer.NO_ANSWER,
        "逾期未答复。",
        None,
    )
    assert consultation.history.count() == 1
    overdue = f"征求意见已逾期：{process.number} 新增事项：燃气安全入户排查（城关街道）"
    assert overdue in subjects_of(world.heads[0])
    assert overdue in subjects_of(world.office)
    arbitrate = open_task(process, "arbitrate")
    assert arbitrate.status == STATUS.NEW
    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.NEW, Outcome.PENDING)

    services.change_request_rule(
        actor=world.office,
        task_id=arbitrate.pk,
        decisions={f"township:{silent.pk}": decision},
        reasoning="逾期未答复，经研究决定。",
    )
    assert open_task(process, "await_decision").status == STATUS.NEW
    decide(world.office, process)

    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.DONE, Outcome.PUBLISHED)
    item = DutyItem.objects.get(title="燃气安全入户排查")
    assert sorted(t.name for t in item.townships.all()) == expected_townships
    assert not Task.objects.filter(process=process, finished__isnull=True).exists()


def test_deadline_before_the_reminder_still_reaches_the_join(world):
    # The dispatcher was down past both moments and only the deadline is due: the
    # reminder must be disarmed with the cancelled task, or the Join waits for it forever.
    process = file_add(world, townships=world.townships[:2])
    forward(world, process)
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    make_due(timers(process, DEADLINE, world.townships[0]))

    assert fire_timers().startswith("1 timer(s) fired")

    assert timers(process, REMINDER, world.townships[0]).get().status == STATUS.CANCELED
    assert open_task(process, "arbitrate").status == STATUS.NEW
    make_due(Task.objects.filter(process=process, flow_task_type="TIMER"))
    assert fire_timers() == NO_TIMERS_FIRED
    assert not [s for s in subjects_of(world.heads[0]) if s.startswith("征求意见即将到期")]


def test_silence_counts_as_consent_when_the_county_says_so(world):
    CountyWorkflowSettings.objects.create(county=world.county, silence_is_consent=True)
    process = file_add(world)
    forward(world, process)
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    answer(world, process, 2, ConsultationAnswer.ACCEPT)
    make_due(timers(process, DEADLINE, world.townships[0]))

    assert fire_timers().startswith("1 timer(s) fired")

    consultation = Consultation.objects.get(township=world.townships[0])
    assert (consultation.answer, consultation.reason) == (
        ConsultationAnswer.ACCEPT,
        "逾期未答复，按本县规定视为同意。",
    )
    # Nobody contested: no proposal, straight to the leadership's decision.
    assert not Task.objects.filter(process=process, flow_task=ChangeRequestFlow.arbitrate).exists()
    assert open_task(process, "await_decision").status == STATUS.NEW
    decide(world.office, process)
    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.DONE, Outcome.PUBLISHED)
    assert sorted(t.name for t in process.published_item.townships.all()) == [
        "云岭乡",
        "城关街道",
        "青石镇",
    ]


def test_silence_as_consent_still_arbitrates_a_contest(world):
    CountyWorkflowSettings.objects.create(county=world.county, silence_is_consent=True)
    process = file_add(world)
    forward(world, process)
    answer(world, process, 1, ConsultationAnswer.CONTEST, reason="缺少人员。")
    answer(world, process, 2, ConsultationAnswer.ACCEPT)
    make_due(timers(process, DEADLINE, world.townships[0]))
    fire_timers()

    assert open_task(process, "arbitrate").status == STATUS.NEW
    contested = Consultation.objects.exclude(answer=ConsultationAnswer.ACCEPT)
    assert [c.township.name for c in contested] == ["青石镇"]


def test_answers_before_the_deadline_disarm_every_timer(world):
    process = file_add(world)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.NEW, Outcome.PENDING)
    assert open_task(process, "await_decision").status == STATUS.NEW
    armed = Task.objects.filter(process=process, flow_task_type="TIMER")
    assert sorted(armed.values_list("status", flat=True)) == [STATUS.CANCELED] * 6
    notifications = Notification.objects.count()

    make_due(armed)
    assert fire_timers() == NO_TIMERS_FIRED

    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.NEW, Outcome.PENDING)
    assert Notification.objects.count() == notifications
    assert Consultation.objects.count() == 3


def test_answered_township_is_neither_reminded_nor_closed(world):
    process = file_add(world)
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.ACCEPT)
    make_due(timers(process, REMINDER))

    assert fire_timers().startswith("2 timer(s) fired")

    reminded = Notification.objects.filter(subject__startswith="征求意见即将到期")
    assert sorted(n.recipient.username for n in reminded) == sorted(
        [world.heads[1].username, world.heads[2].username]
    )
    make_due(timers(process, DEADLINE))
    assert fire_timers().startswith("2 timer(s) fired")
    answers = dict(Consultation.objects.values_list("township__name", "answer"))
    assert answers == {"城关街道": "accept", "青石镇": "no_answer", "云岭乡": "no_answer"}


def test_lead_department_is_reminded_and_closed_on_a_township_request(world):
    process = file_add(world)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    decide(world.office, process)
    request = services.change_request_file(
        actor=world.heads[2],
        county=world.county,
        kind=ChangeKind.WITHDRAW,
        township=world.townships[2],
        target_item=DutyItem.objects.get(),
        reasons="本乡无燃气管网。",
    )
    forward(world, request)
    make_due(timers(request, REMINDER))
    fire_timers()

    assert f"征求意见即将到期：{request}" in subjects_of(world.staff)
    make_due(timers(request, DEADLINE))
    fire_timers()
    consultation = Consultation.objects.get(process=request)
    assert (consultation.department, consultation.answer) == (
        world.department,
        ConsultationAnswer.NO_ANSWER,
    )
    assert open_task(request, "arbitrate").status == STATUS.NEW


def test_a_failing_reminder_is_logged_and_does_not_hold_up_the_request(world, monkeypatch, caplog):
    """A reminder is a courtesy: when sending it fails (mail server down, a bug), the
    failure is logged, the timer is done, and the request goes on once everyone answers."""
    from workflow.services import consultation

    def broken(**kwargs):
        raise RuntimeError("mail server unreachable")

    process = file_add(world)
    forward(world, process)
    monkeypatch.setattr(consultation, "consultation_remind", broken)
    make_due(timers(process, REMINDER, world.townships[0]))

    fire_timers()

    assert timers(process, REMINDER, world.townships[0]).get().status == STATUS.DONE
    assert Task.objects.get(process=process, flow_task=ChangeRequestFlow.remind).status == (
        STATUS.DONE
    )
    assert "mail server unreachable" in caplog.text
    assert subjects_of(world.heads[0]) == [
        f"请答复征求意见：{process.number} 新增事项：燃气安全入户排查"
    ]
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    assert open_task(process, "await_decision").status == STATUS.NEW
    decide(world.office, process)
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert process.coerced.outcome == "published"
