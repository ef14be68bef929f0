"""Recording decision batches (审定批次): preparing one, the county leadership's
decision on it, and the public's opinions during its notice period (公示).

These write the arbitration records only. The workflow services around them
(``workflow.services.deciding``) choose which requests may go into a batch, check each
request's parties, and complete the requests' waiting tasks so that what was adopted
is published.
"""

import datetime
import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from organisations import permissions as org_permissions
from organisations.models import County, Department, Township
from organisations.text import clean_text

from .models import (
    AMENDABLE_FIELDS,
    BatchEntry,
    BatchPartyDecision,
    DecisionBatch,
    NoticeOpinion,
    PartyDecision,
)
from .services import amended_field_values, amendments_clean

audit_log = logging.getLogger("qingdan.audit")

MAX_TITLE_LENGTH = 200
MAX_OPINION_LENGTH = 1000
MIN_OPINION_LENGTH = 5
MAX_NAME_LENGTH = 50
MAX_CONTACT_LENGTH = 100
# A tag, a comment or a declaration: an opinion is plain text.
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")


def notice_last_day(batch: DecisionBatch) -> datetime.date:
    """The last day (project time zone) of a batch's notice period."""
    ends = timezone.localtime(batch.notice_ends_at) - datetime.timedelta(microseconds=1)
    return ends.date()


def _require_reviewer(actor, county: County, department_id: int | None, what: str) -> None:
    """Raise ``PermissionDenied`` (logged) unless ``actor`` is the reviewing unit: the
    department ``department_id``, or the county office of ``county`` when it is None."""
    if not org_permissions.can_act_as_reviewer(
        actor, county_id=county.pk, department_id=department_id
    ):
        audit_log.warning("denied: %s may not %s in county %s", actor, what, county.code)
        raise PermissionDenied(f"您无权{what}。")


@transaction.atomic
def decision_batch_create(
    *,
    actor,
    county: County,
    title: str,
    processes: list,
    notice_starts_at: datetime.datetime | None = None,
    notice_ends_at: datetime.datetime | None = None,
    reviewing_department: Department | None = None,
) -> DecisionBatch:
    """Prepare a batch of ``county``'s requests for the leadership's decision (提请审定).

    ``processes`` are change requests of ``county`` not yet in a batch (the caller
    checks they wait for a decision), all reviewed by ``reviewing_department`` (a
    village or grid list's reviewing department; ``None``: the county office);
    ``notice_starts_at``/``notice_ends_at`` give the public notice period, or are both
    ``None``. Returns the batch. Raises ``PermissionDenied`` (logged) unless ``actor``
    is that reviewing unit, ``ValidationError`` naming the field; nothing is written
    then. Changes: the batch and one entry per request, with history records.
    """
    department_id = reviewing_department.pk if reviewing_department is not None else None
    _require_reviewer(actor, county, department_id, "提请审定这些事项")
    title = clean_text(title)
    errors = {}
    if not title:
        errors["title"] = "请填写批次名称。"
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = f"批次名称不超过{MAX_TITLE_LENGTH}个字。"
    if not processes:
        errors["requests"] = "请至少选择一项待审定的申请。"
    foreign = [f"#{p.pk}" for p in processes if p.county_id != county.pk]
    if foreign:
        errors["requests"] = f"以下申请不属于{county.name}：{'、'.join(foreign)}"
    taken = sorted(
        BatchEntry.objects.filter(process__in=[p.pk for p in processes]).values_list(
            "process_id", flat=True
        )
    )
    if taken:
        errors["requests"] = f"以下申请已在其他审定批次中：{'、'.join(f'#{pk}' for pk in taken)}"
    elsewhere = [f"#{p.pk}" for p in processes if p.reviewing_department_id != department_id]
    if elsewhere:
        errors["requests"] = f"以下申请由其他审查单位办理，不能放入本批次：{'、'.join(elsewhere)}"
    if (notice_starts_at is None) != (notice_ends_at is None):
        raise ValueError("a notice period needs both its start and its end")
    if errors:
        raise ValidationError(errors)
    batch = DecisionBatch(
        county=county,
        reviewing_department=reviewing_department,
        title=title,
        prepared_by=actor,
        notice_starts_at=notice_starts_at,
        notice_ends_at=notice_ends_at,
    )
    batch._history_user = actor
    batch._change_reason = "提请审定" + ("并公示" if notice_ends_at else "")
    batch.save()
    for process in sorted(processes, key=lambda p: p.pk):
        entry = BatchEntry(batch=batch, process=process)
        entry._history_user = actor
        entry.save()
    audit_log.info(
        "decision batch %s prepared by %s with %d request(s)", batch.pk, actor, len(processes)
    )
    return batch


@dataclass
class EntryDecision:
    """The leadership's decision on one request of a batch: one ``PartyDecision`` per
    consulted party, and the amended item text when a party is 修改后通过."""

    entry: BatchEntry
    decisions: list[tuple[Township | Department, str]]
    amendments: dict[str, str] = field(default_factory=dict)
    amendable: bool = True


@transaction.atomic
def decision_batch_record(
    *,
    actor,
    batch: DecisionBatch,
    decided_by: str,
    meeting_date: datetime.date | None,
    document_number: str,
    effective_date: datetime.date | None,
    entries: list[EntryDecision],
    now: datetime.datetime,
    meeting: str = "",
    note: str = "",
) -> DecisionBatch:
    """Record what the county leadership decided on ``batch`` (登记审定结果).

    ``decided_by`` is the body that decided (审定机关), ``document_number`` the 文号 the
    lists are issued under, ``effective_date`` the day they take effect; ``entries``
    holds the decision of every request of the batch. The batch row is locked first, so
    of two simultaneous recordings exactly one succeeds. Returns the batch. Raises
    ``PermissionDenied`` (logged) unless ``actor`` is the batch's reviewing unit (its
    reviewing department, or the county office of its county); ``ValidationError``
    naming the field (``decisions`` / ``amendments`` name the request and party) when a
    value is missing or bad, the batch is already decided or its notice period still
    runs at ``now``; nothing is written then. Changes: the batch, the entries' amended
    text, one decision row per party, history records.
    """
    _require_reviewer(actor, batch.county, batch.reviewing_department_id, "登记该批次的审定结果")
    batch = DecisionBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.is_decided:
        recorded = timezone.localtime(batch.recorded_at)
        raise ValidationError(
            {"__all__": f"该批次已于{recorded:%Y-%m-%d %H:%M}登记审定结果，不能重复登记。"}
        )
    if not batch.may_be_decided(now):
        raise ValidationError(
            {"__all__": f"公示期至{notice_last_day(batch):%Y-%m-%d}，期满后方可登记审定结果。"}
        )
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    decided_by, document_number = clean_text(decided_by), clean_text(document_number)
    if not decided_by:
        error("decided_by", "请填写审定机关，如县委常委会、县政府常务会议。")
    if meeting_date is None:
        error("meeting_date", "请填写会议日期。")
    elif meeting_date > timezone.localdate(now):
        error("meeting_date", "会议日期不能晚于今天。")
    if not document_number:
        error("document_number", "请填写印发文号，如清委办发〔2026〕12号。")
    if effective_date is None:
        error("effective_date", "请填写生效日期。")
    elif meeting_date is not None and effective_date < meeting_date:
        error("effective_date", "生效日期不能早于会议日期。")
    expected = {entry.pk for entry in batch.entries.all()}
    given = {decision.entry.pk for decision in entries}
    if given != expected:
        missing = sorted(expected - given)
        error("decisions", f"请对本批次的每项申请作出审定：缺少 {_entry_names(missing)}。")
    cleaned = [_clean_entry(decision, error) for decision in entries]
    if errors:
        raise ValidationError(errors)
    batch.decided_by = decided_by
    batch.meeting = clean_text(meeting)
    batch.meeting_date = meeting_date
    batch.document_number = document_number
    batch.effective_date = effective_date
    batch.note = clean_text(note)
    batch.recorded_by = actor
    batch.recorded_at = now
    batch.full_clean(exclude=["county", "prepared_by", "recorded_by", "reviewing_department"])
    batch._history_user = actor
    batch._change_reason = f"登记审定结果：{decided_by}（{document_number}）"
    batch.save()
    for decision, amendments in cleaned:
        entry = decision.entry
        for name, value in amended_field_values(amendments).items():
            setattr(entry, name, value)
        entry._history_user = actor
        entry.save()
        for party, value in decision.decisions:
            row = BatchPartyDecision(
                entry=entry,
                township=party if isinstance(party, Township) else None,
                department=party if isinstance(party, Department) else None,
                decision=value,
            )
            row._history_user = actor
            row.save()
    audit_log.info(
        "decision batch %s recorded by %s: %s (%s)", batch.pk, actor, decided_by, document_number
    )
    return batch


def _entry_names(entry_ids) -> str:
    # The request number (申请编号) of each entry, in filing order.
    processes = (
        BatchEntry.objects.filter(pk__in=entry_ids)
        .order_by("process_id")
        .values_list("process_id", "process__number")
    )
    return "、".join(f"申请 {number or f'#{pk}'}" for pk, number in processes)


def _clean_entry(decision: EntryDecision, error) -> tuple[EntryDecision, dict[str, str]]:
    """Check one request's decisions; report problems through ``error``. Returns the
    decision with its cleaned amendments."""
    name = f"申请 {decision.entry.process.number or f'#{decision.entry.process_id}'}"
    amendments, problems = amendments_clean(decision.amendments)
    unknown = sorted(key for key, message in problems.items() if key not in AMENDABLE_FIELDS)
    if unknown:
        error("amendments", f"{name}：审定不能修改这些字段：{'、'.join(unknown)}。")
    for key, message in problems.items():
        if key in AMENDABLE_FIELDS:
            error("amendments", f"{name}：{message}")
    for party, value in decision.decisions:
        if value not in PartyDecision.values:
            error("decisions", f"{name}：请选择对“{party}”的审定意见。")
    amended = any(value == PartyDecision.AMENDED for _, value in decision.decisions)
    if amended and not decision.amendable:
        error("decisions", f"{name}：取消事项的申请不能“修改后通过”。")
    elif amended and not amendments:
        error("amendments", f"{name}：选择“修改后通过”时，请填写修改后的事项内容。")
    if amendments and not amended:
        error("amendments", f"{name}：只有“修改后通过”的申请才能修改事项内容。")
    return decision, amendments


@transaction.atomic
def notice_opinion_submit(
    *,
    batch: DecisionBatch,
    entry: BatchEntry | None,
    name: str,
    contact: str,
    text: str,
    now: datetime.datetime,
) -> NoticeOpinion:
    """Record an opinion the public sent on a batch under notice (公示意见).

    Name and contact are optional. The text is plain text of 5 to 1,000 characters
    (markup is refused, control characters dropped). Returns the opinion. Raises
    ``ValidationError`` naming the field, or on ``__all__`` when the notice is not open
    at ``now`` or ``entry`` is not of the batch; nothing is written then.
    """
    batch = DecisionBatch.objects.select_for_update().get(pk=batch.pk)
    if not batch.notice_is_open(now):
        raise ValidationError({"__all__": "该公示不在公示期内，不能再提交意见。"})
    if entry is not None and entry.batch_id != batch.pk:
        raise ValidationError({"entry": "所选事项不在本次公示中。"})
    values = {"name": clean_text(name), "contact": clean_text(contact), "text": clean_text(text)}
    errors = {}
    limits = {"name": MAX_NAME_LENGTH, "contact": MAX_CONTACT_LENGTH, "text": MAX_OPINION_LENGTH}
    labels = {"name": "姓名", "contact": "联系方式", "text": "意见内容"}
    for key, limit in limits.items():
        if len(values[key]) > limit:
            errors[key] = f"{labels[key]}不超过{limit}个字（现为{len(values[key])}个字）。"
        elif _MARKUP.search(values[key]):
            errors[key] = f"{labels[key]}请使用纯文字，不能包含网页标记（< >）。"
    if "text" not in errors and len(values["text"]) < MIN_OPINION_LENGTH:
        errors["text"] = f"请填写意见内容（至少{MIN_OPINION_LENGTH}个字）。"
    if errors:
        raise ValidationError(errors)
    opinion = NoticeOpinion.objects.create(batch=batch, entry=entry, **values)
    audit_log.info("notice opinion %s received on decision batch %s", opinion.pk, batch.pk)
    return opinion
