"""Publication (发布) of a decided request to its county list, and rejection."""

from django.db import transaction
from django.utils import timezone

from arbitration.models import Decision
from duty_lists import services as duty_services
from duty_lists.models import DutyItem, ItemStatus
from organisations.models import Township

from .. import selectors
from ..models import ITEM_FIELDS, ChangeKind, ChangeRequestProcess, ConsultationAnswer, Outcome
from .notifications import notify


def admitted_and_rejected(
    process: ChangeRequestProcess, consultations=None
) -> tuple[set[str], set[str]]:
    """Party keys admitted (accepted, or admitted by ruling) and rejected by ruling.

    ``consultations``: the process's answers when the caller has read them already.
    """
    from .arbitrating import party_key

    admitted, rejected = set(), set()
    if consultations is None:
        consultations = process.consultations.all()
    for consultation in consultations:
        if consultation.answer == ConsultationAnswer.ACCEPT:
            admitted.add(party_key(consultation))
    ruling = _ruling_of(process)
    if ruling is not None:
        for row in ruling.decisions.all():
            key = (
                f"township:{row.township_id}"
                if row.township_id
                else (f"department:{row.department_id}")
            )
            (rejected if row.decision == Decision.REJECT else admitted).add(key)
    return admitted, rejected


def _ruling_of(process):
    try:
        return process.ruling
    except ChangeRequestProcess.ruling.RelatedObjectDoesNotExist:
        return None


def _township_ids(keys: set[str]) -> set[int]:
    return {int(key.split(":")[1]) for key in keys if key.startswith("township:")}


def _finish(process, outcome: str, item=None, *, note: str, consultations=None) -> None:
    process.outcome = outcome
    process.published_item = item
    process._history_user = None
    process._change_reason = note
    # Only the request's own table changes (viewflow's status is the End node's).
    process.save(update_fields=["outcome", "published_item"])
    if consultations is None:
        consultations = list(process.consultations.all())
    recipients = selectors.users_of(
        initiator_of=process,
        county_offices=[process.county_id],
        townships=[c.township_id for c in consultations if c.township_id],
        departments=[c.department_id for c in consultations if not c.township_id],
    )
    notify(recipients=recipients, subject=f"{note}：{process}", process=process)


# No savepoint of its own: the flow's publish step already runs it in one, and a
# failure here rolls back to that (or, called alone, the whole transaction).
@transaction.atomic(savepoint=False)
def change_request_publish(*, process: ChangeRequestProcess) -> DutyItem | None:
    """Apply a decided request to its list, as one history record naming the request.

    Only what was admitted is published: the item applies to exactly the townships
    that accepted or were admitted by ruling; a ruling's amended text replaces the
    proposal's. Returns the new or changed item, or ``None`` when nothing was admitted
    (the request is then marked not admitted). Called by the flow's publish step.
    """
    ruling = _ruling_of(process)
    consultations = list(process.consultations.all())
    admitted, rejected = admitted_and_rejected(process, consultations)
    recorded_by = ruling.ruled_by if ruling else process.reviewed_by
    reason = f"依据{process.get_kind_display()}申请 #{process.pk}（{process}）发布"
    values = {name: getattr(process, name) for name in ITEM_FIELDS}
    if ruling is not None:
        values.update(ruling.amendments())
    county_townships = set(
        Township.objects.filter(county_id=process.county_id).values_list("pk", flat=True)
    )

    if process.initiator_township_id:
        item = _publish_township_request(process, admitted, values, reason, recorded_by)
    else:
        item = _publish_department_request(
            process, admitted, rejected, values, reason, recorded_by, county_townships
        )
    if item is None:
        _finish(process, Outcome.REJECTED, note="申请未获准入", consultations=consultations)
    else:
        _finish(process, Outcome.PUBLISHED, item, note="申请已发布", consultations=consultations)
    return item


def _withdrawal_date(item: DutyItem):
    return max(timezone.localdate(), item.effective_date)


def _narrow_or_withdraw(item: DutyItem, remaining, *, reason: str, recorded_by) -> DutyItem:
    """Keep ``item`` only for the ``remaining`` townships; withdraw it if none remain."""
    remaining = list(remaining)
    if not remaining:
        return duty_services.duty_item_withdraw(
            actor=None,
            item=item,
            reason=reason,
            withdrawn_date=_withdrawal_date(item),
            recorded_by=recorded_by,
        )
    return duty_services.duty_item_amend(
        actor=None,
        item=item,
        reason=reason,
        applies_to_all=False,
        townships=remaining,
        recorded_by=recorded_by,
    )


def _changed_fields(item: DutyItem, values: dict) -> dict:
    return {name: value for name, value in values.items() if getattr(item, name) != value}


def _publish_department_request(
    process, admitted, rejected, values, reason, recorded_by, county_townships
):
    admitted_townships = _township_ids(admitted)
    if process.kind == ChangeKind.WITHDRAW:
        # Townships whose objection the ruling upheld keep the item.
        kept = Township.objects.filter(pk__in=_township_ids(rejected))
        return _narrow_or_withdraw(
            process.target_item, kept, reason=reason, recorded_by=recorded_by
        )
    if not admitted_townships:
        return None
    applies_to_all = process.applies_to_all and admitted_townships == county_townships
    townships = [] if applies_to_all else Township.objects.filter(pk__in=admitted_townships)
    if process.kind == ChangeKind.ADD:
        # An empty code gets the list's next free one, under the list's lock.
        duty_list = duty_services.duty_list_for(process.county, process.level)
        return duty_services.duty_item_create(
            actor=None,
            duty_list=duty_list,
            reason=reason,
            townships=townships,
            recorded_by=recorded_by,
            applies_to_all=applies_to_all,
            **values,
        )
    item = process.target_item
    return duty_services.duty_item_amend(
        actor=None,
        item=item,
        reason=reason,
        applies_to_all=applies_to_all,
        townships=townships,
        recorded_by=recorded_by,
        **_changed_fields(item, values),
    )


def _publish_township_request(process, admitted, values, reason, recorded_by):
    department_key = f"department:{process.lead_department_id}"
    if department_key not in admitted:
        return None
    item = process.target_item
    if item.status != ItemStatus.IN_FORCE:
        return None
    if process.kind == ChangeKind.AMEND:
        return duty_services.duty_item_amend(
            actor=None,
            item=item,
            reason=reason,
            recorded_by=recorded_by,
            **_changed_fields(item, values),
        )
    # Withdrawal asked by a township: the item no longer applies to that township.
    if item.applies_to_all:
        remaining = Township.objects.filter(county_id=process.county_id)
    else:
        remaining = item.townships.all()
    return _narrow_or_withdraw(
        item,
        remaining.exclude(pk=process.initiator_township_id),
        reason=reason,
        recorded_by=recorded_by,
    )


@transaction.atomic(savepoint=False)
def change_request_reject(*, process: ChangeRequestProcess) -> None:
    """Mark a request rejected at review (不予受理) and tell the filer."""
    _finish(process, Outcome.REJECTED, note="申请不予受理")
