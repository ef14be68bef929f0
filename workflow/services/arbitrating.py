"""The reviewing unit's proposed ruling (拟办意见) on a request's contested and silent
parties, which the county leadership then decides on (审定). The reviewing unit is the
county office, or the village or grid list's reviewing department."""

from django.core.exceptions import ValidationError

from arbitration import services as arbitration_services
from arbitration.models import Ruling

from .. import selectors
from .common import run_human_task
from .notifications import proposal_recorded


def party_key(consultation) -> str:
    """A stable form key for a consulted party: ``township:<pk>`` or ``department:<pk>``."""
    if consultation.township_id:
        return f"township:{consultation.township_id}"
    return f"department:{consultation.department_id}"


def change_request_rule(
    *,
    actor,
    task_id: int,
    decisions: dict[str, str],
    reasoning: str,
    meeting_record: str = "",
    amendments: dict[str, str] | None = None,
) -> Ruling:
    """Propose a ruling (拟办意见) on every contested or silent party of a request; the
    request then waits for the county leadership's decision (审定).

    ``decisions`` maps each party key (``party_key``) to admit / admit_amended / reject.
    Returns the proposal (a ``Ruling``); the filer is told it. Raises
    ``ValidationError`` when a contested party has no decision or an unknown party is
    named, ``PermissionDenied`` or ``TaskNotOpen``; nothing is written then.
    """

    def work(activation):
        process = activation.process.coerced
        contested = {party_key(c): c.party for c in selectors.contested_consultations(process)}
        missing = [str(party) for key, party in contested.items() if not decisions.get(key)]
        unknown = sorted(set(decisions) - set(contested))
        errors = {}
        if missing:
            errors["decisions"] = f"请对以下单位提出拟办意见：{'、'.join(missing)}"
        if unknown:
            errors["decisions"] = f"以下单位不在拟办范围内：{'、'.join(unknown)}"
        if errors:
            raise ValidationError(errors)
        ruling = arbitration_services.ruling_record(
            actor=actor,
            county=process.county,
            process=process,
            decisions=[(party, decisions[key]) for key, party in contested.items()],
            reasoning=reasoning,
            meeting_record=meeting_record,
            amendments=amendments,
            reviewing_department=process.reviewing_department,
        )
        proposal_recorded(process, ruling)
        return ruling

    return run_human_task(actor=actor, task_id=task_id, node_name="arbitrate", work=work)
