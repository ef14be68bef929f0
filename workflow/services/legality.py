"""The legality review (合法性审查) of a forwarded request by the county's reviewing
department (usually 司法局)."""

from django.core.exceptions import ValidationError

from .. import selectors
from ..models import LegalityDecision, LegalityReview
from .common import run_human_task
from .notifications import notify


def legality_review(*, actor, task_id: int, decision: str, opinion: str = "") -> LegalityReview:
    """Record the reviewing department's conclusion on a request's legality.

    ``decision`` is pass (the request goes to consultation; the opinion is optional) or
    return (back to the filer for revision; the opinion, saying what is unlawful or
    lacks a legal basis, is required; the revised request goes through the county
    office's review and this review again). Returns the review record. Raises
    ``ValidationError`` naming the field, ``PermissionDenied`` (logged) unless ``actor``
    acts for the reviewing department, ``TaskNotOpen``; nothing is written then.
    Changes: one review record with its history, the task, notifications to the county
    office (and the filer, when passed; a returned request's filer is told by
    its revision task).
    """
    if decision not in LegalityDecision.values:
        raise ValidationError({"decision": "请选择合法性审查意见。"})
    opinion = (opinion or "").strip()
    if decision == LegalityDecision.RETURN and not opinion:
        raise ValidationError({"opinion": "退回修改时，请写明不合法或缺少依据之处。"})

    def work(activation):
        process = activation.process.coerced
        review = LegalityReview(
            process=process,
            department_id=process.legality_reviewer_id,
            decision=decision,
            opinion=opinion,
            reviewed_by=actor,
        )
        review.full_clean(exclude=["process", "department", "reviewed_by"])
        review._history_user = actor
        review.save()
        outcome = "通过" if decision == LegalityDecision.PASS else "退回修改"
        # Passed, the filer hears it too; returned, it hears from its revision task.
        recipients = selectors.users_of(
            reviewer_of=process,
            initiator_of=process if decision == LegalityDecision.PASS else None,
        )
        notify(
            recipients=recipients,
            subject=f"合法性审查{outcome}：{process}",
            body=opinion,
            process=process,
        )
        return review

    return run_human_task(actor=actor, task_id=task_id, node_name="review_legality", work=work)
