"""Publication (发布) of a decided request to its county list, and rejection.

A request is published once the county leadership's decision on it is recorded in a
decision batch (审定批次, ``change_request_publish``), or, under a county's standing
authorisation, by the county office at the join when nobody contested it
(``change_request_publish_authorised``, which also issues the release).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from arbitration.models import BatchEntry, Decision, PartyDecision
from duty_lists import services as duty_services
from duty_lists.models import DutyItem, ItemStatus
from organisations.models import Township, Village

from .. import selectors
from ..deadlines import county_settings
from ..models import (
    COOPERATION_FIELD,
    ITEM_FIELDS,
    ChangeKind,
    ChangeRequestProcess,
    ConsultationAnswer,
    Outcome,
    PublicationBasis,
)
from . import filing, temporary
from .notifications import decided_text_changes, notify, release_notify

STANDING_REFERENCE_FALLBACK = "常设授权"


def admitted_and_rejected(
    process: ChangeRequestProcess, consultations=None
) -> tuple[set[str], set[str]]:
    """Party keys the change applies to, and those it does not apply to by decision.

    As proposed: a party that accepted, or that the proposal (拟办意见) admits, is
    admitted; one the proposal rejects is rejected. The county leadership's decision
    (审定, when recorded) then overrides per party: 修改后通过 admits it, 不予采纳 rejects
    it (for a withdrawal: the item stays for that party). ``consultations``: the
    process's answers when the caller has read them already.
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
    entry = _entry_of(process)
    if entry is not None:
        for row in entry.decisions.all():
            key = party_key(row)
            if row.decision == PartyDecision.AMENDED:
                admitted.add(key)
                rejected.discard(key)
            elif row.decision == PartyDecision.NOT_ADOPTED:
                admitted.discard(key)
                rejected.add(key)
    return admitted, rejected


def _ruling_of(process):
    try:
        return process.ruling
    except ChangeRequestProcess.ruling.RelatedObjectDoesNotExist:
        return None


def _entry_of(process) -> BatchEntry | None:
    try:
        return process.batch_entry
    except ChangeRequestProcess.batch_entry.RelatedObjectDoesNotExist:
        return None


def _township_ids(keys: set[str]) -> set[int]:
    return {int(key.split(":")[1]) for key in keys if key.startswith("township:")}


def _finish(
    process, outcome: str, item=None, *, note: str, consultations=None, body: str = ""
) -> None:
    process.outcome = outcome
    process.published_item = item
    process._history_user = None
    process._change_reason = note
    # Only the request's own table changes (viewflow's status is the End node's).
    process.save(update_fields=["outcome", "published_item", "published_under"])
    if consultations is None:
        consultations = list(process.consultations.all())
    recipients = selectors.users_of(
        initiator_of=process,
        reviewer_of=process,
        townships=[c.township_id for c in consultations if c.township_id],
        departments=[c.department_id for c in consultations if not c.township_id],
    )
    notify(recipients=recipients, subject=f"{note}：{process}", body=body, process=process)


@dataclass(frozen=True)
class Authority:
    """On whose authority a request is published: the history reason's opening words,
    who the records are attributed to, from which day the change takes effect."""

    basis: str
    reason: str
    recorded_by: object
    effective_on: datetime.date


def publication_reason(authority: Authority, process: ChangeRequestProcess) -> str:
    """The history reason of a published change: the authority, then the request, e.g.
    ``依据县委常委会审定（清委办发〔2026〕12号）发布：新增事项申请 SQ-2026-0007（新增事项：…）``."""
    request = f"{process.get_kind_display()}申请 {process.label}（{process.subject_line}）"
    return f"{authority.reason}：{request}"


# No savepoint of its own: the flow's publish step already runs it in one, and a
# failure here rolls back to that (or, called alone, the whole transaction).
@transaction.atomic(savepoint=False)
def change_request_publish(*, process: ChangeRequestProcess) -> DutyItem | None:
    """Apply the county leadership's recorded decision (审定) on a request to its list,
    as one history record naming the decision's 文号 and the request.

    Only what was adopted is published: the item applies to exactly the parties the
    change was adopted for (see ``admitted_and_rejected``); the proposal's amended text
    replaces the request's, the leadership's amended text replaces both. A new item takes
    effect on the batch's effective date (or the proposed date, if later); a withdrawal
    on that date. Returns the new or changed item, or ``None`` when nothing was adopted
    (the request is then marked 审定不予采纳, or 未准入 when the leadership followed a
    proposal admitting nobody). Called by the flow's publish step, after the batch that
    decides the request completed its ``await_decision`` task; raises ``LookupError``
    if the request is in no batch.
    """
    entry = _entry_of(process)
    if entry is None:
        raise LookupError(f"申请 {process.label} 尚未审定，不能发布。")
    batch = entry.batch
    authority = Authority(
        basis=PublicationBasis.DECISION,
        reason=f"依据{batch.decided_by}审定（{batch.document_number}）发布",
        recorded_by=batch.recorded_by,
        effective_on=batch.effective_date,
    )
    item = _publish(process, authority)
    if item is None:
        not_adopted = any(
            row.decision == PartyDecision.NOT_ADOPTED for row in entry.decisions.all()
        )
        outcome = Outcome.NOT_ADOPTED if not_adopted else Outcome.REJECTED
        _finish(
            process,
            outcome,
            note="申请审定不予采纳" if not_adopted else "申请未获准入",
            body=f"{batch.decided_by}审定（{batch.document_number}），清单不作调整。",
        )
    else:
        decided = (
            f"依据{batch.decided_by}审定（{batch.document_number}），"
            f"自{batch.effective_date:%Y-%m-%d}起施行：{item}"
        )
        changes = decided_text_changes(process, ruling=_ruling_of(process), entry=entry)
        _finish(
            process,
            Outcome.PUBLISHED,
            item,
            note="申请已发布",
            body="\n".join(part for part in (decided, changes) if part),
        )
    return item


@transaction.atomic(savepoint=False)
def change_request_publish_authorised(*, process: ChangeRequestProcess) -> DutyItem | None:
    """Publish an uncontested request under the county's standing authorisation
    (依常设授权发布), without a decision batch, and issue it as a release of its list.

    The release's 文号 is the standing authorisation's own (``CountyWorkflowSettings.
    standing_authorisation_reference``), its body the county office "（依常设授权）",
    dated today; the history reason and the request (``published_under``) record the
    authorisation. Returns the new or changed item, or ``None`` when nothing applied
    (e.g. the item was withdrawn meanwhile). Called by the flow's publish_authorised
    step. Changes: the item and its history record, one release, the request's outcome,
    notifications.
    """
    reference = (
        county_settings(process.county).standing_authorisation_reference.strip()
        or STANDING_REFERENCE_FALLBACK
    )
    today = timezone.localdate()
    authority = Authority(
        basis=PublicationBasis.STANDING,
        reason=f"依常设授权发布（{reference}）",
        recorded_by=process.reviewed_by,
        effective_on=today,
    )
    before = item_units(process.target_item) if process.target_item_id else None
    item = _publish(process, authority)
    if item is None:
        _finish(process, Outcome.REJECTED, note="申请未获准入")
        return None
    _finish(
        process,
        Outcome.PUBLISHED,
        item,
        note="申请已发布",
        body=f"依常设授权（{reference}）发布：{item}",
    )
    release = duty_services.release_publish(
        actor=None,
        duty_list=item.duty_list,
        items=[item],
        document_number=reference,
        decided_by=f"{process.county.office_display_name}（依常设授权）",
        decided_on=today,
        effective_date=today,
        note=f"依常设授权发布：{process.get_kind_display()}申请 {process.label}",
        recorded_by=process.reviewed_by,
    )
    release_notify(release, units=merge_units(before, item_units(item)))
    return item


def _publish(process, authority: Authority) -> DutyItem | None:
    """Write the adopted change of ``process`` on ``authority``; returns the item or
    ``None`` when nothing was adopted."""
    ruling = _ruling_of(process)
    entry = _entry_of(process)
    consultations = list(process.consultations.all())
    admitted, rejected = admitted_and_rejected(process, consultations)
    recorded_by = authority.recorded_by
    reason = publication_reason(authority, process)
    values = {name: getattr(process, name) for name in ITEM_FIELDS}
    values[COOPERATION_FIELD] = filing.request_cooperations(process)
    if ruling is not None:
        values.update(ruling.amendments())
    if entry is not None:
        values.update(entry.amendments())
    county_townships = set(
        Township.objects.filter(county_id=process.county_id).values_list("pk", flat=True)
    )
    process.published_under = authority.basis

    if process.initiator_township_id:
        item = _publish_township_request(
            process, admitted, values, reason, recorded_by, authority.effective_on
        )
    else:
        item = _publish_department_request(
            process,
            admitted,
            rejected,
            values,
            reason,
            recorded_by,
            county_townships,
            authority.effective_on,
        )
    if item is None:
        process.published_under = ""
    else:
        # A temporary item (or one whose end date changed) gets its expiry timer.
        temporary.temporary_item_watch(item)
    return item


@dataclass(frozen=True)
class TouchedUnits:
    """TouchedUnits whose lists a change touched: departments, and townships (``None``: every
    township of the county, for an item that applies to all)."""

    county_id: int
    department_ids: frozenset[int]
    township_ids: frozenset[int] | None


def item_units(item: DutyItem) -> TouchedUnits:
    """The lead and cooperating departments and the townships ``item`` applies to now
    (by name, or through a named village)."""
    townships = None
    if not item.applies_to_all:
        townships = frozenset(t.pk for t in item.townships.all()) | frozenset(
            item.villages.values_list("township_id", flat=True)
        )
    departments = frozenset({item.lead_department_id}) | frozenset(
        item.cooperations.values_list("department_id", flat=True)
    )
    return TouchedUnits(item.duty_list.county_id, departments, townships)


def merge_units(*units: TouchedUnits | None) -> TouchedUnits:
    """The union of several ``TouchedUnits`` of one county (``None`` entries are skipped)."""
    present = [u for u in units if u is not None]
    departments = frozenset().union(*(u.department_ids for u in present))
    if any(u.township_ids is None for u in present):
        townships = None
    else:
        townships = frozenset().union(*(u.township_ids for u in present))
    return TouchedUnits(present[0].county_id, departments, townships)


def _withdrawal_date(item: DutyItem, effective_on: datetime.date) -> datetime.date:
    return max(effective_on, item.effective_date)


def _narrow_or_withdraw(
    item: DutyItem, keep: set[int], *, reason: str, recorded_by, effective_on: datetime.date
) -> DutyItem:
    """Keep ``item`` only where it applies within the townships ``keep`` (named
    townships, or every one for an item of all units, and named villages of them);
    withdraw it if nothing remains."""
    if item.applies_to_all:
        townships = list(Township.objects.filter(pk__in=sorted(keep)))
    else:
        townships = [t for t in item.townships.all() if t.pk in keep]
    villages = [v for v in item.villages.all() if v.township_id in keep]
    if not townships and not villages:
        return duty_services.duty_item_withdraw(
            actor=None,
            item=item,
            reason=reason,
            withdrawn_date=_withdrawal_date(item, effective_on),
            recorded_by=recorded_by,
        )
    return duty_services.duty_item_amend(
        actor=None,
        item=item,
        reason=reason,
        applies_to_all=False,
        townships=townships,
        villages=villages,
        recorded_by=recorded_by,
    )


def _changed_fields(item: DutyItem, values: dict) -> dict:
    """The item fields of ``values`` that differ from ``item``'s (not the cooperating
    departments: see ``_changed_cooperations``)."""
    return {
        name: value
        for name, value in values.items()
        if name != COOPERATION_FIELD and getattr(item, name) != value
    }


def _changed_cooperations(item: DutyItem, values: dict):
    """The cooperating departments of ``values`` when they differ from ``item``'s, else
    ``None`` (unchanged)."""
    wanted = values.get(COOPERATION_FIELD)
    if wanted is None:
        return None
    current = filing.item_cooperations(item)
    same = [(d.pk, text) for d, text in wanted] == [(d.pk, text) for d, text in current]
    return None if same else wanted


def _admitted_villages(process, admitted_townships: set[int]) -> list[Village]:
    """The request's named villages that lie in an admitted township."""
    return list(process.target_villages.filter(township_id__in=sorted(admitted_townships)))


def _publish_department_request(
    process, admitted, rejected, values, reason, recorded_by, county_townships, effective_on
):
    admitted_townships = _township_ids(admitted)
    if process.target_item_id and process.target_item.status != ItemStatus.IN_FORCE:
        # Withdrawn meanwhile (e.g. by another request of the same batch).
        return None
    if process.kind == ChangeKind.WITHDRAW:
        # Townships whose objection was upheld keep the item.
        return _narrow_or_withdraw(
            process.target_item,
            _township_ids(rejected),
            reason=reason,
            recorded_by=recorded_by,
            effective_on=effective_on,
        )
    if not admitted_townships:
        return None
    applies_to_all = process.applies_to_all and admitted_townships == county_townships
    named = set(process.target_townships.values_list("pk", flat=True))
    if applies_to_all:
        townships, villages = [], []
    elif process.applies_to_all:
        townships, villages = Township.objects.filter(pk__in=admitted_townships), []
    else:
        # Named townships as named; named villages of admitted townships stay by name.
        townships = Township.objects.filter(pk__in=admitted_townships & named)
        villages = _admitted_villages(process, admitted_townships)
    cooperations = values.pop(COOPERATION_FIELD)
    if process.kind == ChangeKind.ADD:
        return _create_item(
            process,
            values,
            applies_to_all=applies_to_all,
            townships=townships,
            villages=villages,
            cooperations=cooperations,
            reason=reason,
            recorded_by=recorded_by,
            effective_on=effective_on,
        )
    item = process.target_item
    changed_cooperations = _changed_cooperations(item, {COOPERATION_FIELD: cooperations})
    return duty_services.duty_item_amend(
        actor=None,
        item=item,
        reason=reason,
        applies_to_all=applies_to_all,
        townships=townships,
        villages=villages,
        cooperations=changed_cooperations,
        recorded_by=recorded_by,
        village_kind=process.village_kind,
        **_changed_fields(item, values),
    )


def _create_item(
    process,
    values,
    *,
    applies_to_all,
    townships,
    villages,
    cooperations,
    reason,
    recorded_by,
    effective_on,
) -> DutyItem:
    """Create the item an addition adopted, on the request's list, with its cooperating
    departments and (village and grid lists) named villages and village kind."""
    # The decision takes effect on its date; a later proposed date is kept.
    proposed = values.get("effective_date")
    values["effective_date"] = max(proposed, effective_on) if proposed else effective_on
    # An empty code gets the list's next free one, under the list's lock.
    duty_list = duty_services.duty_list_for(process.county, process.level)
    return duty_services.duty_item_create(
        actor=None,
        duty_list=duty_list,
        reason=reason,
        townships=townships,
        villages=villages,
        cooperations=cooperations,
        recorded_by=recorded_by,
        applies_to_all=applies_to_all,
        village_kind=process.village_kind,
        **values,
    )


def _publish_township_request(process, admitted, values, reason, recorded_by, effective_on):
    department_key = f"department:{process.lead_department_id}"
    if department_key not in admitted:
        return None
    if process.kind == ChangeKind.ADD:
        # A township's own addition (乡镇申请新增) applies to that township.
        cooperations = values.pop(COOPERATION_FIELD)
        return _create_item(
            process,
            values,
            applies_to_all=False,
            townships=list(process.target_townships.all()),
            villages=list(process.target_villages.all()),
            cooperations=cooperations,
            reason=reason,
            recorded_by=recorded_by,
            effective_on=effective_on,
        )
    item = process.target_item
    if item.status != ItemStatus.IN_FORCE:
        return None
    if process.kind == ChangeKind.AMEND:
        return duty_services.duty_item_amend(
            actor=None,
            item=item,
            reason=reason,
            recorded_by=recorded_by,
            cooperations=_changed_cooperations(item, values),
            **_changed_fields(item, values),
        )
    # Withdrawal asked by a township: the item no longer applies to that township.
    if item.applies_to_all:
        where = set(
            Township.objects.filter(county_id=process.county_id).values_list("pk", flat=True)
        )
    else:
        where = {t.pk for t in item.townships.all()} | {v.township_id for v in item.villages.all()}
    return _narrow_or_withdraw(
        item,
        where - {process.initiator_township_id},
        reason=reason,
        recorded_by=recorded_by,
        effective_on=effective_on,
    )


@transaction.atomic(savepoint=False)
def change_request_reject(*, process: ChangeRequestProcess) -> None:
    """Mark a request rejected at review (不予受理) and tell the filer."""
    _finish(process, Outcome.REJECTED, note="申请不予受理")
