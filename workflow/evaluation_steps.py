"""The callables and node classes the evaluation round flow points at.

Kept apart from ``evaluation_flow.py`` so the flow module only declares the graph.
Each condition or timer reads the process; each Function step calls one service.
The reminder and deadline moments are computed once, when the round opens, and kept in
the process's ``data`` (``remind_at``/``due_at``, ISO 8601): the 2 × (number of sheets)
timers each read them from the process row already loaded, without a query.
"""

import datetime

from django.http import Http404
from django.utils.dateparse import parse_datetime

from evaluation import permissions as evaluation_permissions
from evaluation.models import EvaluationRound, ScoreSheet
from evaluation.round_services import round_sheets_create

from .deadlines import CHINA_TIME, START_OF_WORKING_DAY, is_working_day
from .flow_steps import remind_best_effort
from .models import Holiday
from .nodes import TaskView
from .services import evaluating

# How far back from the deadline the calendar is read to find the working day before it.
_CALENDAR_WINDOW = datetime.timedelta(days=60)


def round_schedule(
    county, opened_at: datetime.datetime, deadline: datetime.datetime
) -> dict[str, str]:
    """The round's timer moments, as stored in the process data.

    ``due_at`` is the deadline itself. ``remind_at`` is 9:00 (China time) of the
    county's last working day before the deadline's day (weekends and ``Holiday`` rows
    skipped, make-up days counted); when that is not after the opening (a deadline
    less than a working day away), it is halfway between the opening and the deadline.
    One query.
    """
    last_day = deadline.astimezone(CHINA_TIME).date()
    calendar = Holiday.objects.filter(
        county=county, date__gte=last_day - _CALENDAR_WINDOW, date__lt=last_day
    ).values_list("date", "is_working_day")
    holidays = {date for date, working in calendar if not working}
    make_up = {date for date, working in calendar if working}
    day = last_day - datetime.timedelta(days=1)
    while day > last_day - _CALENDAR_WINDOW and not is_working_day(day, holidays, make_up):
        day -= datetime.timedelta(days=1)
    remind_at = datetime.datetime.combine(day, START_OF_WORKING_DAY, tzinfo=CHINA_TIME)
    if remind_at <= opened_at:
        remind_at = opened_at + (deadline - opened_at) / 2
    return {"remind_at": remind_at.isoformat(), "due_at": deadline.isoformat()}


def start_round(activation, *, fields: dict, pairs, actor) -> EvaluationRound:
    """StartHandle callback: fill in and save the round, then create its sheets; the
    start task's owner is ``actor`` (who opened the round). Returns the round.

    The process is saved here (the sheets need its id) with the opening's history
    record; viewflow saves it once more right after, without a second record.
    """
    activation.task.owner = actor
    process = activation.process
    for name, value in fields.items():
        setattr(process, name, value)
    process._history_user = actor
    process._change_reason = "开启评价轮次"
    process.save()
    process.skip_history_when_saving = True
    round_sheets_create(evaluation_round=process, pairs=pairs, actor=actor)
    return process


def sheet_branches(activation) -> list[dict]:
    """The data of each sheet task: ``{"sheet": id, "township": rater}`` or
    ``{"department": rater}`` (the rater unit's users act on it). One query."""
    rows = ScoreSheet.objects.filter(evaluation_round_id=activation.process.pk).order_by("pk")
    return [
        {"sheet": pk, "township": township}
        if township is not None
        else {"sheet": pk, "department": department}
        for pk, township, department in rows.values_list("pk", "rater_township", "rater_department")
    ]


def reminder_due(activation) -> datetime.datetime:
    """When a sheet's reminder timer fires (computed at opening)."""
    return parse_datetime(activation.process.data["remind_at"])


def deadline_due(activation) -> datetime.datetime:
    """When a sheet's deadline timer fires: the round's deadline."""
    return parse_datetime(activation.process.data["due_at"])


def send_reminder(activation) -> None:
    remind_best_effort(evaluating.score_sheet_remind, activation)


def mark_missing(activation) -> None:
    evaluating.score_sheet_close_missing(timer_task=activation.task.previous.get())


def round_county(process):
    """The county of a (base or coerced) round process (permission object of the
    county office's and the assessment office's tasks)."""
    if not isinstance(process, EvaluationRound):
        process = process.coerced
    return process.county


def task_page(request, **kwargs):
    """The evaluation's task pages are the evaluation app's own (its URLs); the flow is
    not registered in the viewflow site, so this is never routed."""
    raise Http404("请在考核评价页面办理。")


class RoundTaskView(TaskView):
    """A county office (close) or assessment office (publish) task of a round; visible
    to both offices of the round's county."""

    def can_view(self, user, task):
        if not user.is_authenticated:
            return False
        county = round_county(task.process)
        return evaluation_permissions.can_run_rounds(
            user, county
        ) or evaluation_permissions.can_assess_rounds(user, county)
