"""The callables the temporary item flow's nodes point at (``temporary_flow``)."""

import datetime

from duty_lists.snapshots import end_of_day

from .services import temporary


def start(activation, *, fields: dict):
    """StartHandle callback: copy the item and its end date onto the new process."""
    for name, value in fields.items():
        setattr(activation.process, name, value)
    return activation.process


def expiry_moment(activation) -> datetime.datetime:
    """When the timer fires: the end of the item's last day (project time zone)."""
    return end_of_day(activation.process.coerced.expires_on)


def expire(activation) -> None:
    temporary.temporary_item_expire(process=activation.process.coerced)
