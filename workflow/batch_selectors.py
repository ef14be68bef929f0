"""Reads of decision batches (审定批次): which batches and waiting requests a user may
see, what a request's decision says to a user, and what a batch on public notice
proposes (the only part of a batch the public sees).

Batches are the county office's working records: the county office and the county
administrators of the county see them; departments and townships see the decision on
their own requests (``decision_of``) and the releases it issued.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from viewflow.workflow.models import Task

from arbitration.models import BatchEntry, DecisionBatch, NoticeOpinion
from duty_lists.models import Level
from organisations import permissions as org_permissions
from organisations.models import County, Department, Township

from .models import ITEM_FIELDS, ChangeKind, ChangeRequestProcess
from .permissions import can_see_every_answer
from .services.common import OPEN_STATUSES


def _counties_of_office_or_admin(user) -> set[int]:
    counties = set(org_permissions.counties_arbitrated_by(user).values_list("pk", flat=True))
    counties.update(org_permissions.counties_administered_by(user).values_list("pk", flat=True))
    return counties


def batches_visible_to(user) -> QuerySet[DecisionBatch]:
    """Batches of the counties whose county office or administrator ``user`` is, and
    those its department prepared as a list's reviewing unit (every batch for a
    superuser, none for anyone else)."""
    if not user.is_authenticated:
        return DecisionBatch.objects.none()
    if user.is_superuser:
        return DecisionBatch.objects.all()
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    return DecisionBatch.objects.filter(
        Q(county_id__in=_counties_of_office_or_admin(user))
        | Q(reviewing_department_id__in=departments)
    )


def batch_list(user) -> QuerySet[DecisionBatch]:
    """The batches ``user`` may see, newest first, with what a list row shows (county,
    people, ``entry_count``, ``opinion_count``) in one query."""
    return (
        batches_visible_to(user)
        .select_related("county", "prepared_by", "recorded_by")
        .annotate(
            entry_count=Count("entries", distinct=True),
            opinion_count=Count("opinions", distinct=True),
        )
        .order_by("-prepared_at", "-pk")
    )


def batch_get(user, pk: int) -> DecisionBatch:
    """Batch ``pk``. Raises ``Http404`` if there is none, ``PermissionDenied`` if ``user``
    may not see it."""
    batch = (
        DecisionBatch.objects.select_related("county", "prepared_by", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404("没有该审定批次。")
    if not batches_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied("您无权查看该审定批次。")
    return batch


def batch_entries(batch: DecisionBatch) -> list[BatchEntry]:
    """The batch's requests in order, each with its request, answers, proposal and
    decisions preloaded (a fixed number of queries)."""
    return list(
        batch.entries.select_related(
            "process__county",
            "process__target_item",
            "process__lead_department",
            "process__initiator_department",
            "process__initiator_township",
            "process__ruling",
        )
        .prefetch_related(
            "process__consultations__township",
            "process__consultations__department",
            "process__ruling__decisions",
            "process__target_townships",
            "decisions__township",
            "decisions__department",
        )
        .order_by("pk")
    )


@dataclass(frozen=True)
class EntryParty:
    """One consulted party of a request in a batch: its answer, the county office's
    proposal for it (``None`` for a party that accepted) and the leadership's decision
    (``None`` before the decision is recorded)."""

    party: Township | Department
    party_key: str
    answer: str
    answer_label: str
    proposal: str | None
    proposal_label: str
    decision: str | None
    decision_label: str


def entry_parties(entry: BatchEntry) -> list[EntryParty]:
    """The parties of a batch entry loaded by ``batch_entries`` (no further query)."""
    from .services import party_key

    process = entry.process
    ruling = getattr(process, "ruling", None)
    proposals = {}
    if ruling is not None:
        proposals = {party_key(row): row for row in ruling.decisions.all()}
    decided = {party_key(row): row for row in entry.decisions.all()}
    rows = []
    for consultation in process.consultations.all():
        key = party_key(consultation)
        proposal, decision = proposals.get(key), decided.get(key)
        rows.append(
            EntryParty(
                party=consultation.party,
                party_key=key,
                answer=consultation.answer,
                answer_label=consultation.get_answer_display(),
                proposal=proposal.decision if proposal else None,
                proposal_label=proposal.get_decision_display() if proposal else "",
                decision=decision.decision if decision else None,
                decision_label=decision.get_decision_display() if decision else "",
            )
        )
    return rows


def batch_opinions(batch: DecisionBatch) -> list[NoticeOpinion]:
    """The public's opinions on the batch, oldest first."""
    return list(batch.opinions.select_related("entry").order_by("pk"))


def _reviewed_by(user) -> Q:
    """Requests whose reviewing unit ``user`` is: those without a reviewing department
    in the counties whose county office it is, those of its departments."""
    counties = sorted(org_permissions.county_ids_arbitrated_by(user))
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    return Q(county_id__in=counties, reviewing_department__isnull=True) | Q(
        reviewing_department_id__in=departments
    )


def may_prepare_batches(user) -> bool:
    """True if ``user`` may prepare decision batches somewhere: it is a county office,
    or its department is the reviewing unit of a request (a village or grid list's)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or org_permissions.county_ids_arbitrated_by(user):
        return True
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    return (
        bool(departments)
        and ChangeRequestProcess.objects.filter(reviewing_department_id__in=departments).exists()
    )


def requests_awaiting_decision(user, county: County | None = None):
    """Requests whose reviewing unit ``user`` is (the county office, or a village or
    grid list's reviewing department) that wait for the leadership's decision and are
    in no batch yet, oldest first."""
    from .flows import ChangeRequestFlow

    if not user.is_authenticated:
        return ChangeRequestProcess.objects.none()
    waiting = Task.objects.filter(
        flow_task=ChangeRequestFlow.await_decision, status__in=OPEN_STATUSES
    ).values("process_id")
    requests = ChangeRequestProcess.objects.filter(
        _reviewed_by(user), pk__in=waiting, batch_entry__isnull=True
    )
    if county is not None:
        requests = requests.filter(county=county)
    return requests.select_related("county", "initiator_department", "initiator_township").order_by(
        "pk"
    )


def decision_of(user, process: ChangeRequestProcess) -> BatchEntry | None:
    """The leadership's decision on a request as ``user`` may read it: the batch entry
    with its batch and ``decisions_shown`` (every party's for the county office, the
    administrators and the filing side; the user's own party's otherwise), or ``None``
    while the request is in no batch."""
    entry = BatchEntry.objects.filter(process=process).select_related("batch").first()
    if entry is None:
        return None
    decisions = entry.decisions.select_related("township", "department")
    if not can_see_every_answer(user, process):
        decisions = decisions.filter(
            Q(township_id__in=org_permissions.townships_visible_to(user).values("pk"))
            | Q(department_id__in=org_permissions.departments_acted_for_by(user).values("pk"))
        )
    entry.decisions_shown = list(decisions)
    return entry


@dataclass(frozen=True)
class ProposedChange:
    """What a request of a batch on notice proposes, in words the public reads: the kind,
    the list, the item (its code once it exists), the proposed text (after the county
    office's proposal) and where it would apply; for an amendment also the text now in
    force (``current``), for the fields that change; for an addition the proposed date
    it takes effect (the decision's own date if that is later)."""

    entry_id: int
    kind: str
    kind_label: str
    level_label: str
    code: str
    title: str
    lead_department: str
    fields: tuple[tuple[str, str], ...]
    current: tuple[tuple[str, str, str], ...]
    applicability: str
    effective_date: datetime.date | None


_PUBLIC_FIELDS = (
    ("department_responsibilities", "部门职责"),
    ("local_responsibilities", "属地职责"),
    ("basis", "实施依据"),
    ("work_requirements", "工作要求/时限"),
    ("funding_source", "经费来源"),
    ("staffing", "人员保障"),
    ("equipment", "装备保障"),
)


def _township_keys(keys: set[str]) -> set[int]:
    return {int(key.split(":")[1]) for key in keys if key.startswith("township:")}


def proposed_changes(batch: DecisionBatch) -> list[ProposedChange]:
    """The changes a batch proposes, for its public notice: one per request the county
    office proposes to adopt for at least one party (a request proposed for rejection
    changes nothing and is not shown). No names of people, answers or reasoning. A fixed
    number of queries whatever the number of requests."""
    from .services.publishing import admitted_and_rejected

    townships = list(
        Township.objects.filter(county_id=batch.county_id)
        .order_by("code")
        .values_list("pk", "name")
    )
    every_township = {pk for pk, _ in townships}

    def names(ids) -> str:
        return "、".join(name for pk, name in townships if pk in ids)

    changes = []
    for entry in batch_entries(batch):
        process = entry.process
        admitted, rejected = admitted_and_rejected(process, process.consultations.all())
        values = {name: getattr(process, name) for name in ITEM_FIELDS}
        ruling = getattr(process, "ruling", None)
        if ruling is not None:
            values.update(ruling.amendments())
        item = process.target_item
        if process.initiator_township_id:
            if f"department:{process.lead_department_id}" not in admitted:
                continue
            scope = process.initiator_township.name
            if process.kind == ChangeKind.WITHDRAW:
                scope = f"{scope}不再适用该事项"
        elif process.kind == ChangeKind.WITHDRAW:
            kept = _township_keys(rejected)
            scope = "取消该事项" if not kept else f"保留适用于{names(kept)}，其余不再适用"
        else:
            chosen = _township_keys(admitted)
            if not chosen:
                continue
            whole = process.applies_to_all and chosen == every_township
            scope = "本级全部乡镇(街道)" if whole else names(chosen)
        current = ()
        if item is not None and process.kind == ChangeKind.AMEND:
            current = tuple(
                (label, getattr(item, name), values[name])
                for name, label in (("title", "事项名称"), *_PUBLIC_FIELDS)
                if getattr(item, name) != values[name]
            )
        lead = values.get("lead_department")
        changes.append(
            ProposedChange(
                entry_id=entry.pk,
                kind=process.kind,
                kind_label=ChangeKind(process.kind).label,
                level_label=Level(process.level).label,
                code=item.code if item is not None else "",
                title=values["title"] or (item.title if item is not None else ""),
                lead_department=lead.name if isinstance(lead, Department) else "",
                fields=tuple(
                    (label, values[name])
                    for name, label in _PUBLIC_FIELDS
                    if values[name] and process.kind == ChangeKind.ADD
                ),
                current=current,
                applicability=scope,
                effective_date=values["effective_date"] if process.kind == ChangeKind.ADD else None,
            )
        )
    return changes


def public_notices(county: County) -> list[DecisionBatch]:
    """The county's batches put on public notice that have started, newest first, for
    the public notice page (those already decided included, marked by their state)."""
    return list(
        DecisionBatch.objects.filter(
            county=county, notice_starts_at__isnull=False, notice_starts_at__lte=timezone.now()
        ).order_by("-notice_starts_at", "-pk")
    )
