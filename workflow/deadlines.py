"""Deadlines in working days (工作日): weekends and county holidays are skipped,
weekend make-up days (调休上班) count as working days.

Every county keeps its calendar in ``Holiday`` rows (the county administrator enters
the State Council's holiday arrangement, plus local days off, each year). Deadlines are
counted and fall due in China Standard Time, whatever timezone is active.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from organisations.models import County

from .models import CountyWorkflowSettings, Holiday

CHINA_TIME = ZoneInfo("Asia/Shanghai")
# A deadline falls due at the end of its last working day; a reminder goes out at the
# start of a working day, local time.
START_OF_WORKING_DAY = datetime.time(9, 0)
END_OF_WORKING_DAY = datetime.time(17, 30)
# How far the calendar is read at a time, and the most days a count may run over
# (a county calendar without any working day must not loop forever).
_CALENDAR_WINDOW = datetime.timedelta(days=60)
_MAX_SPAN = datetime.timedelta(days=3 * 366)


def county_settings(county: County) -> CountyWorkflowSettings:
    """The county's workflow settings (unsaved defaults when it has none: 5 working
    days, silence goes to arbitration), or those a flow step remembered on this very
    ``County`` instance (``remember_county_settings``)."""
    remembered = county.__dict__.get(_REMEMBERED)
    if remembered is not None:
        return remembered
    found = CountyWorkflowSettings.objects.filter(county=county).first()
    return found or CountyWorkflowSettings(county=county)


_REMEMBERED = "_workflow_settings"


def remember_county_settings(county: County, settings: CountyWorkflowSettings) -> None:
    """Let the flow steps that follow in the same transaction read ``settings`` from this
    ``County`` instance instead of querying again.

    For an instance that lives no longer than one service call (the county of a process
    loaded under the flow lock): the county office's review reads the settings for the
    legality route, and the consultation split it triggers, on the same process and
    county, reads them again for every deadline.
    """
    county.__dict__[_REMEMBERED] = settings


def is_working_day(day: datetime.date, holidays: set, make_up: set) -> bool:
    """True if ``day`` is a working day given the county's calendar sets."""
    if day in make_up:
        return True
    return day.weekday() < 5 and day not in holidays


class _Calendar:
    """A county's holidays and make-up days, read window by window as a count needs them."""

    def __init__(self, county: County, first: datetime.date):
        self.county = county
        self.first = first
        self.loaded_until = first - datetime.timedelta(days=1)
        self.holidays: set[datetime.date] = set()
        self.make_up: set[datetime.date] = set()

    def is_working_day(self, day: datetime.date) -> bool:
        if day - self.first > _MAX_SPAN:
            raise ValueError(f"{self.county} 的日历在 {self.first} 之后三年内没有足够的工作日")
        while day > self.loaded_until:
            until = self.loaded_until + _CALENDAR_WINDOW
            rows = Holiday.objects.filter(
                county=self.county, date__gt=self.loaded_until, date__lte=until
            ).values_list("date", "is_working_day")
            for date, working in rows:
                (self.make_up if working else self.holidays).add(date)
            self.loaded_until = until
        return is_working_day(day, self.holidays, self.make_up)


def _working_days_after(calendar: _Calendar, start: datetime.date, days: int):
    day = start
    found = []
    while len(found) < days:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            found.append(day)
    return found


def add_working_days(county: County, start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted).

    ``days=0`` returns ``start``. Raises ``ValueError`` for a negative count, or when
    the county's calendar has no working day left within three years.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return start
    return _working_days_after(_Calendar(county, start), start, days)[-1]


@dataclass(frozen=True)
class ConsultationSchedule:
    """When a consultation's reminder goes out and when it falls due (aware datetimes)."""

    remind_at: datetime.datetime
    due_at: datetime.datetime


def consultation_schedule(county: County, opened_at: datetime.datetime) -> ConsultationSchedule:
    """Reminder and deadline of a consultation opened at ``opened_at``.

    The deadline is 17:30 (China time) of the N-th working day after the opening day,
    N being the county's ``consultation_days`` (at least 1). The reminder is 9:00 of
    the working day before the deadline's day; for a one-day period (where that day
    would be the opening day or earlier) it is 9:00 of the deadline's day. Either way
    it comes after the opening and before the deadline.
    """
    days = max(county_settings(county).consultation_days, 1)
    start = opened_at.astimezone(CHINA_TIME).date()
    working = _working_days_after(_Calendar(county, start), start, days)
    remind_day = working[-2] if days > 1 else working[-1]
    return ConsultationSchedule(
        remind_at=datetime.datetime.combine(remind_day, START_OF_WORKING_DAY, tzinfo=CHINA_TIME),
        due_at=datetime.datetime.combine(working[-1], END_OF_WORKING_DAY, tzinfo=CHINA_TIME),
    )


def consultation_due(county: County, opened_at: datetime.datetime) -> datetime.datetime:
    """When a consultation opened at ``opened_at`` falls due (aware, China time)."""
    return consultation_schedule(county, opened_at).due_at


def consultation_reminder(county: County, opened_at: datetime.datetime) -> datetime.datetime:
    """When to remind the consulted party: one working day before the deadline
    (aware, China time; see ``consultation_schedule``)."""
    return consultation_schedule(county, opened_at).remind_at


@dataclass(frozen=True)
class NoticePeriod:
    """A public notice period (公示期): from its opening until midnight (China time)
    ending its last working day; ``last_day`` is that day."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    last_day: datetime.date


def notice_period(county: County, opened_at: datetime.datetime, days: int) -> NoticePeriod:
    """The notice period of ``days`` working days opened at ``opened_at``.

    The opening day is not counted (as for consultations); the notice stays open to
    the end of the ``days``-th working day after it, so the public has every one of
    those days in full. Raises ``ValueError`` for fewer than one day.
    """
    if days < 1:
        raise ValueError("a notice period has at least one working day")
    start = opened_at.astimezone(CHINA_TIME).date()
    last_day = _working_days_after(_Calendar(county, start), start, days)[-1]
    ends_at = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=CHINA_TIME
    )
    return NoticePeriod(starts_at=opened_at, ends_at=ends_at, last_day=last_day)
