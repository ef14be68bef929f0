"""The callables the change request flow's nodes point at.

Each condition reads the process; each Function step calls one service. Kept apart from
``flows.py`` so the flow module only declares the graph.
"""

import logging

from django.db import transaction

from . import selectors
from .deadlines import county_settings
from .models import LegalityDecision, ReviewDecision
from .services import consultation, notifications, publishing

logger = logging.getLogger("qingdan.workflow")


def start_process(activation, *, fields: dict):
    """StartHandle callback: copy the filed request's fields onto the new process and
    record the filer (``requested_by``) as the owner of the start task, so that the
    trail's first step names who filed. Returns the process."""
    for name, value in fields.items():
        setattr(activation.process, name, value)
    # A StartHandle runs without a request: viewflow leaves its task without an owner.
    activation.task.owner = fields.get("requested_by")
    return activation.process


# Each human task, when it opens, tells the people it is meant for (``onCreate``).


def announce_review(activation) -> None:
    notifications.review_opened(activation.task)


def announce_legality_review(activation) -> None:
    notifications.legality_review_opened(activation.task)


def announce_revision(activation) -> None:
    notifications.revision_opened(activation.task)


def announce_consultation(activation) -> None:
    notifications.consultation_opened(activation.task)


def announce_proposal(activation) -> None:
    notifications.proposal_opened(activation.task)


def is_forwarded(activation) -> bool:
    return activation.process.coerced.review_decision == ReviewDecision.FORWARD


def is_returned(activation) -> bool:
    return activation.process.coerced.review_decision == ReviewDecision.RETURN


def is_forwarded_for_legality_review(activation) -> bool:
    """True if the forwarded request goes to the legality review first (the county
    office's review named the county's reviewing department)."""
    process = activation.process.coerced
    return (
        process.review_decision == ReviewDecision.FORWARD
        and process.legality_reviewer_id is not None
    )


def is_legal(activation) -> bool:
    """True if the request's latest legality review passed it."""
    review = activation.process.coerced.legality_reviews.order_by("-pk").first()
    return review is not None and review.decision == LegalityDecision.PASS


def consultation_parties(activation) -> list[dict]:
    """One ``{"township": pk}`` / ``{"department": pk}`` item per party to consult."""
    return selectors.consultation_parties(activation.process.coerced)


def reminder_due(activation):
    """When the reminder timer of a consultation task fires."""
    return selectors.consultation_reminder_at(activation.process.coerced)


def deadline_due(activation):
    """When the deadline timer of a consultation task fires."""
    return selectors.consultation_deadline_at(activation.process.coerced)


def remind_best_effort(send, activation) -> None:
    """Run the reminder ``send(timer_task=…)`` of a reminder step in a savepoint.

    A reminder is a courtesy: if it fails (mail backend down, bad data), the failure is
    logged and the step still completes, because an errored step would stay open in
    its branch and the Join would wait for it forever. Changes what ``send`` changes,
    or nothing.
    """
    timer_task = activation.task.previous.get()
    try:
        with transaction.atomic():
            send(timer_task=timer_task)
    except Exception:
        logger.exception(
            "reminder of task %s (process %s) failed", timer_task.pk, timer_task.process_id
        )


def send_reminder(activation) -> None:
    remind_best_effort(consultation.consultation_remind, activation)


def record_silence(activation) -> None:
    consultation.consultation_close_silent(timer_task=activation.task.previous.get())


def has_contested_party(activation) -> bool:
    return selectors.contested_consultations(activation.process.coerced).exists()


def is_standing_authorised(activation) -> bool:
    """True if the county lets the county office publish uncontested requests itself."""
    return county_settings(activation.process.coerced.county).standing_authorisation


def publish(activation) -> None:
    publishing.change_request_publish(process=activation.process.coerced)


def publish_authorised(activation) -> None:
    publishing.change_request_publish_authorised(process=activation.process.coerced)


def reject(activation) -> None:
    publishing.change_request_reject(process=activation.process.coerced)
