"""Consultation (征求意见): a party's answer, the reminder, and silence at the deadline."""

from django.core.exceptions import ValidationError

from organisations.models import Department, Township

from .. import selectors
from ..deadlines import county_settings
from ..models import Consultation, ConsultationAnswer
from ..nodes import party_of_task
from .common import run_human_task
from .notifications import notify


def _users_of_party(party):
    if isinstance(party, Township):
        return selectors.users_of_township(party.pk)
    return selectors.users_of_department(party.pk)


def _record(*, process, party, answer: str, reason: str, counter_proposal: str, actor):
    consultation = Consultation(
        process=process,
        township=party if isinstance(party, Township) else None,
        department=party if isinstance(party, Department) else None,
        answer=answer,
        reason=reason,
        counter_proposal=counter_proposal,
        answered_by=actor,
    )
    consultation.full_clean()
    consultation._history_user = actor
    consultation.save()
    return consultation


def consultation_answer(
    *, actor, task_id: int, answer: str, reason: str = "", counter_proposal: str = ""
) -> Consultation:
    """A consulted party (township head, or lead department) accepts or contests.

    Returns the recorded answer. Raises ``ValidationError`` (contesting needs a
    reason), ``PermissionDenied`` if ``actor`` may not act for the task's party,
    ``TaskNotOpen`` if the task is closed; nothing is written then.
    """
    if answer not in (ConsultationAnswer.ACCEPT, ConsultationAnswer.CONTEST):
        raise ValidationError({"answer": "请选择“同意”或“有异议”。"})
    if answer == ConsultationAnswer.CONTEST and not reason.strip():
        raise ValidationError({"reason": "提出异议时请说明理由。"})

    def work(activation):
        process = activation.process.coerced
        party = party_of_task(activation.task)
        consultation = _record(
            process=process,
            party=party,
            answer=answer,
            reason=reason.strip(),
            counter_proposal=counter_proposal.strip(),
            actor=actor,
        )
        if answer == ConsultationAnswer.CONTEST:
            notify(
                recipients=selectors.users_of_county_office(process.county_id),
                subject=f"{party}对申请提出异议：{process}",
                body=reason,
                process=process,
            )
        return consultation

    return run_human_task(actor=actor, task_id=task_id, node_name="consult", work=work)


def consultation_remind(*, timer_task) -> int:
    """Remind the party of a consultation one working day before its deadline.

    Called by the flow's non-interrupting timer. Returns the number of people told.
    """
    host = timer_task.previous.get()
    party = party_of_task(host)
    process = host.process.coerced
    return notify(
        recipients=_users_of_party(party),
        subject=f"征求意见即将到期：{process}",
        body="请在截止时间前答复，逾期将按规定处理。",
        process=process,
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
        process=process, party=party, answer=answer, reason=reason, counter_proposal="", actor=None
    )
    notify(
        recipients=[*_users_of_party(party), *selectors.users_of_county_office(process.county_id)],
        subject=f"征求意见已逾期：{process}（{party}）",
        body=reason,
        process=process,
    )
    return consultation
