"""Recording the county leadership's decision (审定) in tests, through the services, as
the county office would: prepare a batch of the waiting requests, then record the
decision with a body, a meeting date and a 文号."""

from django.utils import timezone

from workflow import services
from workflow.models import Consultation
from workflow.services import party_key

DECIDED_BY = "县委常委会"
DOCUMENT_NUMBER = "清委办发〔2026〕12号"


def party_keys(process) -> list[str]:
    """The party keys of a request's consulted parties, in answer order."""
    return [party_key(c) for c in Consultation.objects.filter(process=process).order_by("pk")]


def prepare(office, *processes, title="2026年第一批清单调整事项"):
    """Put ``processes`` (of one county) into a new batch as ``office``."""
    return services.decision_batch_prepare(
        actor=office, county=processes[0].county, title=title, requests=list(processes)
    )


def as_proposed(*processes) -> dict:
    """Every party of every request: 按拟办意见."""
    return {p.pk: dict.fromkeys(party_keys(p), "as_proposed") for p in processes}


def record(
    office,
    batch,
    *,
    decisions=None,
    amendments=None,
    decided_by=DECIDED_BY,
    document_number=DOCUMENT_NUMBER,
    meeting_date=None,
    effective_date=None,
    minutes=None,
):
    """Record the decision on ``batch`` as ``office``: every party as proposed unless
    ``decisions`` (request id → {party key: decision}) says otherwise; dated today."""
    processes = [entry.process for entry in batch.entries.select_related("process")]
    chosen = as_proposed(*processes)
    for process_id, parties in (decisions or {}).items():
        chosen[process_id].update(parties)
    today = timezone.localdate()
    return services.decision_batch_record(
        actor=office,
        batch=batch,
        decided_by=decided_by,
        meeting="2026年第12次常委会会议",
        meeting_date=meeting_date or today,
        document_number=document_number,
        effective_date=effective_date or today,
        decisions=chosen,
        amendments=amendments,
        minutes=minutes,
    )


def decide(office, *processes, **kwargs):
    """Prepare a batch of ``processes`` and record the decision at once (for a county
    without a notice period). Returns the batch."""
    return record(office, prepare(office, *processes), **kwargs)


def published_reason(process, *, decided_by=DECIDED_BY, document_number=DOCUMENT_NUMBER) -> str:
    """The history reason of a request published by a recorded decision."""
    return (
        f"依据{decided_by}审定（{document_number}）发布："
        f"{process.get_kind_display()}申请 {process.number}（{process.subject_line}）"
    )
