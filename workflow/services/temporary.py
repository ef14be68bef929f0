"""Temporary items (临时事项): watching their end dates and withdrawing them.

An item with an end date (``DutyItem.expires_on``) gets one ``TemporaryItemFlow``
process per end date; its timer fires at the end of that day (viewflow's
``workflow_timers`` dispatcher) and withdraws the item, the history naming the reason.
Every path that publishes or imports items calls ``temporary_item_watch`` for them
(publication; an import of lists through ``watch_imported_items``);
``temporary_items_watch`` catches up a whole county.
"""

import logging

from django.db import transaction
from django.urls import reverse
from viewflow.workflow.status import PROCESS

from duty_lists import services as duty_services
from duty_lists.models import DutyItem, ItemStatus
from organisations.models import County

from .. import selectors
from ..models import TemporaryItemOutcome, TemporaryItemProcess
from .notifications import notify

audit_log = logging.getLogger("qingdan.audit")


def _flow():
    from ..temporary_flow import TemporaryItemFlow

    return TemporaryItemFlow


def temporary_item_watch(item: DutyItem) -> TemporaryItemProcess | None:
    """Make sure the timer of ``item``'s end date runs: start a process when the item is
    in force with an end date and no waiting process has that date. Returns the new
    process, or ``None`` when there was nothing to start. A process waiting for an
    older date stays; when it fires it finds the date changed and does nothing.
    Changes: a process and its timer task.
    """
    if item.status != ItemStatus.IN_FORCE or item.expires_on is None:
        return None
    waiting = TemporaryItemProcess.objects.filter(
        item=item, expires_on=item.expires_on, status=PROCESS.NEW
    )
    if waiting.exists():
        return None
    return _flow().start.run(
        fields={
            "county_id": item.duty_list.county_id,
            "item": item,
            "expires_on": item.expires_on,
        }
    )


@transaction.atomic
def temporary_items_watch(county: County | None = None) -> int:
    """``temporary_item_watch`` for every temporary item in force (of ``county``, or of
    every county). Returns how many processes were started."""
    items = DutyItem.objects.filter(status=ItemStatus.IN_FORCE, expires_on__isnull=False)
    if county is not None:
        items = items.filter(duty_list__county=county)
    started = 0
    for item in items.select_related("duty_list").order_by("pk"):
        started += temporary_item_watch(item) is not None
    return started


def watch_imported_items(sender, *, county: County, items, **kwargs) -> None:
    """Receiver of ``duty_lists.importing.lists_imported``: ``temporary_item_watch``
    for each item an import wrote, inside the import's transaction. Changes: a process
    and its timer task per temporary item in force without one."""
    for item in items:
        temporary_item_watch(item)


def temporary_item_expire(*, process: TemporaryItemProcess) -> None:
    """The timer's step: withdraw the process's item if it is still in force with the
    end date the process waited for (``duty_services.duty_item_expire``), and tell its
    lead and cooperating departments, the county office and the townships it applied
    to. Changes: the item and its history record, the process's outcome,
    notifications; only the outcome when the item was withdrawn or its end date
    changed meanwhile."""
    item = duty_services.duty_item_expire(item=process.item, expires_on=process.expires_on)
    process.outcome = (
        TemporaryItemOutcome.SUPERSEDED if item is None else TemporaryItemOutcome.EXPIRED
    )
    process.save(update_fields=["outcome"])
    if item is None:
        return
    departments = {
        item.lead_department_id,
        *item.cooperations.values_list("department_id", flat=True),
    }
    townships = () if item.applies_to_all else item.townships.values_list("pk", flat=True)
    notify(
        recipients=selectors.users_of(
            county_offices=[item.duty_list.county_id],
            departments=departments,
            townships=list(townships),
        ),
        subject=f"临时事项已到期取消：{item}",
        body=duty_services.expiry_reason(process.expires_on),
        url=reverse("lists:detail", kwargs={"pk": item.pk}),
    )
