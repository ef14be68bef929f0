"""Deadlines in working days (工作日): weekends and county holidays are skipped,
weekend make-up days (调休上班) count as working days."""

import datetime

from django.utils import timezone

from organisations.models import County

from .models import CountyWorkflowSettings, Holiday

# A deadline falls due at the end of its last working day, local time.
END_OF_WORKING_DAY = datetime.time(17, 30)


def county_settings(county: County) -> CountyWorkflowSettings:
    """The county's workflow settings (defaults: 5 working days, silence contests)."""
    found = CountyWorkflowSettings.objects.filter(county=county).first()
    return found or CountyWorkflowSettings(county=county)


def _calendar(county: County, start: datetime.date, days: int) -> tuple[set, set]:
    horizon = start + datetime.timedelta(days=days * 3 + 30)
    rows = Holiday.objects.filter(county=county, date__gt=start, date__lte=horizon)
    holidays = {row.date for row in rows if not row.is_working_day}
    make_up = {row.date for row in rows if row.is_working_day}
    return holidays, make_up


def is_working_day(day: datetime.date, holidays: set, make_up: set) -> bool:
    """True if ``day`` is a working day given the county's calendar sets."""
    if day in make_up:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(county: County, start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted).

    ``days=0`` returns ``start``. Raises ``ValueError`` for a negative count.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    holidays, make_up = _calendar(county, start, days)
    day = start
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays, make_up):
            remaining -= 1
    return day


def consultation_due(county: County, opened_at: datetime.datetime) -> datetime.datetime:
    """When a consultation opened at ``opened_at`` falls due (aware datetime)."""
    days = county_settings(county).consultation_days
    local_start = timezone.localtime(opened_at).date()
    due_day = add_working_days(county, local_start, days)
    return timezone.make_aware(datetime.datetime.combine(due_day, END_OF_WORKING_DAY))


def consultation_reminder(county: County, opened_at: datetime.datetime) -> datetime.datetime:
    """When to remind: one working day before the deadline (aware datetime)."""
    days = county_settings(county).consultation_days
    local_start = timezone.localtime(opened_at).date()
    remind_day = add_working_days(county, local_start, max(days - 1, 0))
    return timezone.make_aware(datetime.datetime.combine(remind_day, datetime.time(9, 0)))
