"""审定: putting requests before the county leadership in a decision batch, public
notice (公示) of the batch, recording the leadership's decision, and the releases
(发布版本) it issues.

Every request that completes consultation (and its proposal, if contested) waits at
the flow's ``await_decision`` node. The county office gathers waiting requests into a
batch (``decision_batch_prepare``); with a notice period the batch is first shown on
the public notice page, where anyone may send an opinion (``notice_opinion_receive``).
When the leadership has decided, the office records it (``decision_batch_record``):
each request's waiting task is completed, so the flow publishes what was adopted,
effective on the batch's date, and each list touched gets one release under the
batch's 文号.
"""

import logging
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from arbitration import batch_services
from arbitration.models import BatchDocument, BatchDocumentKind, DecisionBatch, NoticeOpinion
from duty_lists import services as duty_services
from organisations import permissions as org_permissions
from organisations.models import County, Department

from .. import deadlines, selectors
from ..attachments import validate_attachment
from ..models import ChangeKind, ChangeRequestProcess, Consultation, Outcome
from .arbitrating import party_key
from .attachments import uploaded_file_save
from .common import OPEN_STATUSES, deny
from .notifications import notify
from .publishing import item_units, merge_units, release_notify

audit_log = logging.getLogger("qingdan.audit")


def batch_url(batch_pk: int) -> str:
    """The batch's page in the "审定与发布" application."""
    return reverse("decisions:detail", args=[batch_pk])


def _await_decision_node():
    from ..flows import ChangeRequestFlow

    return ChangeRequestFlow.await_decision


def _open_decision_tasks(process_ids) -> dict[int, Task]:
    """The open ``await_decision`` task of each of the given requests, by request id."""
    tasks = Task.objects.filter(
        process_id__in=list(process_ids),
        flow_task=_await_decision_node(),
        status__in=OPEN_STATUSES,
    )
    return {task.process_id: task for task in tasks}


def _locked_requests(process_ids) -> list[ChangeRequestProcess]:
    """The requests, locked (the flow's process row lock) in primary-key order."""
    return list(
        ChangeRequestProcess.objects.select_for_update()
        .filter(pk__in=list(process_ids))
        .select_related("county")
        .order_by("pk")
    )


@transaction.atomic
def decision_batch_prepare(
    *, actor, county: County, title: str, requests: list[ChangeRequestProcess]
) -> DecisionBatch:
    """Put requests of ``county`` that wait for the leadership's decision into a new batch
    (提请审定); when the county has a notice period (``notice_working_days``), the batch
    goes on public notice (公示) from now to the end of that many working days.

    The requests' reviewing unit prepares it and later records the decision: the county
    office, or the village or grid list's reviewing department; one batch holds the
    requests of one reviewing unit. Returns the batch. Raises ``PermissionDenied``
    (logged) unless ``actor`` is that reviewing unit; ``ValidationError`` on
    ``requests`` when they have different reviewing units, or one does not wait for a
    decision, is of another county or already in a batch (``title`` when missing);
    nothing is written then. Changes: the batch and its entries, notifications to the
    filing units.
    """
    reviewers = {request.reviewing_department_id for request in requests}
    if len(reviewers) > 1:
        raise ValidationError(
            {"requests": "同一审定批次只能包含由同一审查单位办理的申请（县委编办或同一审查部门）。"}
        )
    department_id = next(iter(reviewers), None)
    if not org_permissions.can_act_as_reviewer(
        actor, county_id=county.pk, department_id=department_id
    ):
        raise deny(actor, "提请审定这些事项")
    locked = _locked_requests(request.pk for request in requests)
    waiting = _open_decision_tasks(process.pk for process in locked)
    not_waiting = [f"#{p.pk}" for p in locked if p.pk not in waiting]
    if not_waiting:
        raise ValidationError({"requests": f"以下申请当前不在待审定环节：{'、'.join(not_waiting)}"})
    days = deadlines.county_settings(county).notice_working_days
    period = deadlines.notice_period(county, timezone.now(), days) if days else None
    batch = batch_services.decision_batch_create(
        actor=actor,
        county=county,
        reviewing_department=Department.objects.get(pk=department_id) if department_id else None,
        title=title,
        processes=locked,
        notice_starts_at=period.starts_at if period else None,
        notice_ends_at=period.ends_at if period else None,
    )
    body = f"公示期至{period.last_day:%Y-%m-%d}，公示期满后提请审定。" if period else "等待审定。"
    for process in locked:
        notify(
            recipients=selectors.users_of_initiator(process),
            subject=f"申请已提请审定：{process}",
            body=f"{batch.title}：{body}",
            process=process,
        )
    return batch


def _is_batch_reviewer(user, batch: DecisionBatch) -> bool:
    return org_permissions.can_act_as_reviewer(
        user, county_id=batch.county_id, department_id=batch.reviewing_department_id
    )


def _entry_decisions(batch: DecisionBatch, decisions: dict, amendments: dict) -> list:
    """Resolve the per-request, per-party decisions given by request id and party key
    against the batch's requests and their consulted parties; returns
    ``batch_services.EntryDecision`` rows. Raises ``ValidationError`` on ``decisions``
    naming each request or party missing or unknown."""
    entries = list(batch.entries.select_related("process").order_by("pk"))
    by_process = {entry.process_id: entry for entry in entries}
    decisions = {int(key): value for key, value in (decisions or {}).items()}
    amendments = {int(key): value for key, value in (amendments or {}).items()}
    problems = []
    unknown = sorted(set(decisions) - set(by_process))
    if unknown:
        problems.append(f"以下申请不在本批次中：{'、'.join(f'#{pk}' for pk in unknown)}")
    consultations = defaultdict(list)
    for consultation in (
        Consultation.objects.filter(process_id__in=list(by_process))
        .select_related("township", "department")
        .order_by("pk")
    ):
        consultations[consultation.process_id].append(consultation)
    resolved = []
    for process_id, entry in by_process.items():
        given = decisions.get(process_id) or {}
        parties = {party_key(c): c.party for c in consultations[process_id]}
        missing = [str(party) for key, party in parties.items() if not given.get(key)]
        extra = sorted(set(given) - set(parties))
        name = entry.process.label
        if missing:
            problems.append(f"申请 {name}：请对以下单位作出审定：{'、'.join(missing)}")
        if extra:
            problems.append(f"申请 {name}：以下单位不在审定范围内：{'、'.join(extra)}")
        resolved.append(
            batch_services.EntryDecision(
                entry=entry,
                decisions=[(party, given.get(key, "")) for key, party in parties.items()],
                amendments=amendments.get(process_id) or {},
                amendable=entry.process.kind != ChangeKind.WITHDRAW,
            )
        )
    if problems:
        raise ValidationError({"decisions": problems})
    return resolved


@transaction.atomic
def decision_batch_record(
    *,
    actor,
    batch: DecisionBatch,
    decided_by: str,
    meeting_date,
    document_number: str,
    effective_date,
    decisions: dict,
    amendments: dict | None = None,
    meeting: str = "",
    note: str = "",
    minutes=None,
) -> DecisionBatch:
    """Record the county leadership's decision on ``batch`` and publish what it adopted.

    ``decisions`` maps each request id of the batch to ``{party key: decision}`` for
    every consulted party (``party_key``; decisions ``as_proposed`` 按拟办意见 /
    ``amended`` 修改后通过 / ``not_adopted`` 不予采纳); ``amendments`` maps a request id to
    its amended item text (title, department_responsibilities, local_responsibilities,
    resources), needed when a party of it is ``amended``; ``minutes`` is an optional
    uploaded file (会议纪要, checked by content like any attachment).

    Then, in the same transaction: each request's ``await_decision`` task is completed
    (in request order, under the flow lock), which publishes the adopted change with a
    history reason naming the body, the 文号 and the request; each list touched gets
    one release (``release_publish``) with the batch's 文号, body, dates; the filing
    and consulted units get the decision, and every unit whose items changed gets the
    release. Returns the batch. Raises ``PermissionDenied`` (logged) unless ``actor``
    is the batch's reviewing unit (its reviewing department, or the county office of
    its county), ``ValidationError`` naming the field
    (``decisions`` and ``amendments`` name the request and party; ``minutes`` a refused
    file; ``__all__`` a batch already decided or still on notice); nothing is written
    then.
    """
    if not _is_batch_reviewer(actor, batch):
        raise deny(actor, "登记该批次的审定结果")
    if minutes is not None:
        try:
            validate_attachment(minutes)
        except ValidationError as error:
            raise ValidationError({"minutes": error.message_dict["attachments"]}) from error
    process_ids = list(batch.entries.values_list("process_id", flat=True))
    now = timezone.now()
    entry_decisions = _entry_decisions(batch, decisions, amendments)
    batch = batch_services.decision_batch_record(
        actor=actor,
        batch=batch,
        decided_by=decided_by,
        meeting=meeting,
        meeting_date=meeting_date,
        document_number=document_number,
        effective_date=effective_date,
        note=note,
        entries=entry_decisions,
        now=now,
    )
    processes = _locked_requests(process_ids)
    waiting = _open_decision_tasks(process_ids)
    stale = [f"#{p.pk}" for p in processes if p.pk not in waiting]
    if stale:
        raise ValidationError({"__all__": f"以下申请已不在待审定环节：{'、'.join(stale)}"})
    before = {p.pk: item_units(p.target_item) for p in processes if p.target_item_id is not None}
    node = _await_decision_node()
    for process in processes:
        node.run(waiting[process.pk])
    _issue_releases(batch, process_ids, before)
    if minutes is not None:
        _store_document(actor=actor, batch=batch, uploaded_file=minutes)
    return batch


def _issue_releases(batch: DecisionBatch, process_ids, before: dict) -> list:
    """One release per list the batch's published requests touched; each release's
    units are told. Returns the releases."""
    published = (
        ChangeRequestProcess.objects.filter(pk__in=process_ids, outcome=Outcome.PUBLISHED)
        .select_related("published_item__duty_list__county")
        .order_by("pk")
    )
    by_list = defaultdict(list)
    for process in published:
        by_list[process.published_item.duty_list].append(process)
    releases = []
    for duty_list, processes in sorted(by_list.items(), key=lambda pair: pair[0].pk):
        items = {process.published_item.pk: process.published_item for process in processes}
        # Written on the authority of the recorded decision, whose recorder's right
        # (the county office or the list's reviewing department) is already checked.
        release = duty_services.release_publish(
            actor=None,
            recorded_by=batch.recorded_by,
            duty_list=duty_list,
            items=items.values(),
            document_number=batch.document_number,
            decided_by=batch.decided_by,
            decided_on=batch.meeting_date,
            effective_date=batch.effective_date,
            note=f"{batch.title}：" + "、".join(f"申请 {p.label}" for p in processes),
        )
        units = merge_units(
            *(before.get(p.pk) for p in processes),
            *(item_units(item) for item in items.values()),
        )
        release_notify(release, units=units)
        releases.append(release)
    batch.releases.add(*releases)
    return releases


def _store_document(*, actor, batch: DecisionBatch, uploaded_file, kind=BatchDocumentKind.MINUTES):
    document = BatchDocument(batch=batch, kind=kind)
    uploaded_file_save(
        document,
        uploaded_file,
        actor=actor,
        reason=f"上传{BatchDocumentKind(kind).label}：{uploaded_file.name}",
        exclude=("file", "batch"),
    )
    audit_log.info(
        "batch document added: %s (%s) to decision batch %s by %s",
        document.file.name,
        document.content_type,
        batch.pk,
        actor,
    )
    return document


@transaction.atomic
def batch_document_add(
    *, actor, batch: DecisionBatch, uploaded_file, kind: str = BatchDocumentKind.MINUTES
) -> BatchDocument:
    """Attach a file to a batch: the meeting minutes (会议纪要, often issued after the
    meeting) or another document, at any time.

    Returns the document. Raises ``PermissionDenied`` (logged) unless ``actor`` is the
    batch's reviewing unit, ``ValidationError`` on ``file`` for a refused file or on
    ``kind``; nothing is written then.
    """
    if not _is_batch_reviewer(actor, batch):
        raise deny(actor, "为审定批次上传材料")
    if kind not in BatchDocumentKind.values:
        raise ValidationError({"kind": "请选择材料类型。"})
    try:
        return _store_document(actor=actor, batch=batch, uploaded_file=uploaded_file, kind=kind)
    except ValidationError as error:
        detail = error.message_dict
        raise ValidationError({"file": detail.get("attachments", error.messages)}) from error


@transaction.atomic
def notice_opinion_receive(
    *, batch: DecisionBatch, entry_id: int | None, name: str, contact: str, text: str
) -> NoticeOpinion:
    """Record an opinion the public sent on a batch under notice and tell the batch's
    reviewing unit (the county office or its reviewing department; 站内通知 and mail).

    ``entry_id`` names the request the opinion is about (``None``: the batch as a
    whole). Returns the opinion. Raises ``ValidationError`` naming the field (see
    ``batch_services.notice_opinion_submit``); nothing is written then.
    """
    entry = None
    if entry_id is not None:
        entry = batch.entries.select_related("process").filter(pk=entry_id).first()
        if entry is None:
            raise ValidationError({"entry": "所选事项不在本次公示中。"})
    opinion = batch_services.notice_opinion_submit(
        batch=batch, entry=entry, name=name, contact=contact, text=text, now=timezone.now()
    )
    about = f"（{entry.process}）" if entry is not None else ""
    sender = opinion.name or "匿名"
    notify(
        recipients=(
            selectors.users_of_department(batch.reviewing_department_id)
            if batch.reviewing_department_id
            else selectors.users_of_county_office(batch.county_id)
        ),
        subject=f"公示收到意见：{batch.title}{about}",
        body=f"{sender}：{opinion.text}",
        url=batch_url(batch.pk),
        process=entry.process if entry is not None else None,
    )
    return opinion
