"""Consultation (征求意见): a party's answer, the reminder, and silence at the deadline."""

from django.core.exceptions import ValidationError

from organisations.text import clean_text

from .. import selectors
from ..attachments import original_name, validate_stamped_reply
from ..deadlines import county_settings
from ..models import Consultation, ConsultationAnswer, StampedReply
from ..nodes import party_ids, party_of_task
from .attachments import uploaded_file_save
from .common import run_human_task
from .notifications import notify, notify_about_task

# The record's foreign keys come from rows the service already holds under the process
# lock (the process, the task's party, the acting user): ``full_clean`` would re-read
# each of them to prove it exists.
_KNOWN_ROWS = ["process", "township", "department", "answered_by"]


def _record(*, process, party_ids: dict, answer: str, reason: str, counter_proposal: str, actor):
    consultation = Consultation(
        process=process,
        **party_ids,
        answer=answer,
        reason=reason,
        counter_proposal=counter_proposal,
        answered_by=actor,
    )
    # Fields and choices as usual; the one-answer-per-party constraints (which a
    # field exclusion would skip) separately.
    consultation.full_clean(exclude=_KNOWN_ROWS, validate_constraints=False)
    consultation.validate_constraints()
    consultation._history_user = actor
    consultation.save()
    return consultation


def _party_recipients(task_data: dict, **also) -> list:
    ids = party_ids(task_data)
    return selectors.users_of(
        townships=[ids["township_id"]] if ids["township_id"] else [],
        departments=[ids["department_id"]] if ids["department_id"] else [],
        **also,
    )


def consultation_answer(
    *,
    actor,
    task_id: int,
    answer: str,
    reason: str = "",
    counter_proposal: str = "",
    stamped_reply=None,
) -> Consultation:
    """A consulted party (township head, or lead department) accepts or contests,
    optionally with its stamped letter (``stamped_reply``, 盖章意见: an uploaded PDF or
    image, checked by content like any attachment).

    Returns the recorded answer. Raises ``ValidationError`` (contesting needs a
    reason; a refused file names itself on ``stamped_reply``), ``PermissionDenied`` if
    ``actor`` may not act for the task's party, ``TaskNotOpen`` if the task is closed;
    nothing is written then (a stored file whose transaction rolls back afterwards stays
    on disk unreferenced).
    """
    if answer not in (ConsultationAnswer.ACCEPT, ConsultationAnswer.CONTEST):
        raise ValidationError({"answer": "请选择“同意”或“有异议”。"})
    reason, counter_proposal = clean_text(reason), clean_text(counter_proposal)
    if answer == ConsultationAnswer.CONTEST and not reason:
        raise ValidationError({"reason": "提出异议时请说明理由。"})
    if stamped_reply is not None:
        # Before the task is touched: a refused file leaves everything as it was.
        validate_stamped_reply(stamped_reply)

    def work(activation):
        process = activation.process.coerced
        consultation = _record(
            process=process,
            party_ids=party_ids(activation.task.data),
            answer=answer,
            reason=reason,
            counter_proposal=counter_proposal,
            actor=actor,
        )
        if stamped_reply is not None:
            uploaded_file_save(
                StampedReply(consultation=consultation),
                stamped_reply,
                actor=actor,
                reason=f"盖章意见：{original_name(stamped_reply)}",
                exclude=("file", "consultation"),
                validate=validate_stamped_reply,
            )
        if answer == ConsultationAnswer.CONTEST:
            lines = [f"理由：{reason}"]
            if counter_proposal:
                lines.append(f"修改建议：{counter_proposal}")
            notify(
                recipients=selectors.users_of(reviewer_of=process, initiator_of=process),
                subject=f"{party_of_task(activation.task)}对申请提出异议：{process}",
                body="\n".join(lines),
                process=process,
            )
        return consultation

    return run_human_task(actor=actor, task_id=task_id, node_name="consult", work=work)


def consultation_remind(*, timer_task) -> int:
    """Remind the party of a consultation one working day before its deadline: those
    who may answer get a link to the task, its staff the request's page.

    Called by the flow's non-interrupting timer. Returns the number of people told.
    """
    host = timer_task.previous.get()
    process = host.process.coerced
    return notify_about_task(
        host,
        recipients=_party_recipients(host.data),
        subject=f"征求意见即将到期：{process}",
        body="请在截止时间前答复，逾期将按规定处理。",
    )


def consultation_close_silent(*, timer_task) -> Consultation:
    """Record a consultation whose deadline passed without an answer.

    Silence counts as acceptance when the county says so, otherwise as "no answer",
    which sends the party to arbitration. Returns the recorded answer.
    """
    host = timer_task.previous.get()
    party = party_of_task(host)
    process = host.process.coerced
    if county_settings(process.county).silence_is_consent:
        answer, reason = ConsultationAnswer.ACCEPT, "逾期未答复，按本县规定视为同意。"
    else:
        answer, reason = ConsultationAnswer.NO_ANSWER, "逾期未答复。"
    consultation = _record(
        process=process,
        party_ids=party_ids(host.data),
        answer=answer,
        reason=reason,
        counter_proposal="",
        actor=None,
    )
    notify(
        recipients=_party_recipients(host.data, reviewer_of=process),
        subject=f"征求意见已逾期：{process}（{party}）",
        body=reason,
        process=process,
    )
    return consultation
