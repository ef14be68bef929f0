"""Read-side assembly of an evaluation round for pages, the Excel export and the API.

``audience_of`` says which counties a user sees whole (county office, assessment
office, county administrator) and which departments and townships the user belongs to. From it:

- ``round_results`` builds the department × township heat maps (both directions), the
  rankings, the missing sheets and the flagged sheets of one round;
- ``round_progress`` counts the sheets of each rater by state (the county office's view
  of a running round).

Both run a fixed number of queries whatever the size of the round: the round's sheets,
flags and results are each read in one query and arranged in Python, and what a unit's
user may not see is dropped there. A unit's user sees the sheets its unit filled and,
once the round is published, its unit's own result; never who rated its unit how
(``evaluation.permissions.sheet_scope``), nothing of another county.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from organisations import permissions as org_permissions
from organisations.models import Department, Township

from .models import (
    Direction,
    EvaluationRound,
    FlagKind,
    RoundResult,
    RoundStage,
    ScoreSheet,
    SheetFlag,
    SheetState,
)
from .permissions import county_ids_evaluated_whole_by
from .round_services import round_results_compute

NOT_PUBLISHED = "本轮评价结果尚未公布。"
NOT_VISIBLE = "您无权查看该评价轮次。"
_SHEET_FIELDS = (
    "pk",
    "direction",
    "rater_township_id",
    "rater_department_id",
    "ratee_township_id",
    "ratee_department_id",
    "state",
    "total",
)


@dataclass(frozen=True)
class Audience:
    """What a user sees of the evaluation: whole counties and the user's own units.

    ``all_counties`` is set for superusers. ``departments`` and ``townships`` map the
    ids of the user's units to their county ids.
    """

    all_counties: bool = False
    counties: frozenset[int] = frozenset()
    departments: dict[int, int] = field(default_factory=dict)
    townships: dict[int, int] = field(default_factory=dict)

    def sees_county(self, county_id: int) -> bool:
        """True if the user sees everything of ``county_id`` (its county office, assessment
        office or administrator)."""
        return self.all_counties or county_id in self.counties

    def sees_round(self, county_id: int) -> bool:
        """True if the user sees a round of ``county_id`` at all (whole, or through a unit)."""
        return (
            self.sees_county(county_id)
            or county_id in self.departments.values()
            or county_id in self.townships.values()
        )

    def county_ids(self) -> set[int]:
        """The ids of every county the user sees a round of (not meaningful for superusers)."""
        return set(self.counties) | set(self.departments.values()) | set(self.townships.values())

    def round_scope(self) -> Q:
        """The Q selecting the rounds the user may see."""
        if self.all_counties:
            return Q()
        return Q(county_id__in=sorted(self.county_ids()))

    def sheet_scope(self) -> Q:
        """The Q selecting the score sheets the user may see: every sheet of a whole
        county, and the sheets the user's units fill."""
        if self.all_counties:
            return Q()
        return (
            Q(evaluation_round__county_id__in=sorted(self.counties))
            | Q(rater_department_id__in=sorted(self.departments))
            | Q(rater_township_id__in=sorted(self.townships))
        )

    def fills(self, sheet: dict) -> bool:
        """True if one of the user's units is the rater of ``sheet`` (a values() row)."""
        return (
            sheet["rater_department_id"] in self.departments
            or sheet["rater_township_id"] in self.townships
        )


def audience_of(user) -> Audience:
    """The ``Audience`` of ``user``; anonymous users see nothing.

    Reads the user's scope (``organisations.permissions.unit_scope``, kept on the user
    object) and the counties of its departments and townships: at most three queries.
    """
    if not user.is_authenticated:
        return Audience()
    if user.is_superuser:
        return Audience(all_counties=True)
    return Audience(
        counties=county_ids_evaluated_whole_by(user),
        departments=dict(org_permissions.department_counties_acted_for_by(user)),
        townships=dict(org_permissions.township_counties_visible_to(user)),
    )


def visible_round_get(audience: Audience, round_id: int) -> EvaluationRound:
    """The round ``round_id`` with its county, if ``audience`` may see it.

    Raises ``EvaluationRound.DoesNotExist`` for an unknown round and ``PermissionDenied``
    for a round of a county the audience has no part in.
    """
    evaluation_round = EvaluationRound.objects.select_related("county").get(pk=round_id)
    if not audience.sees_round(evaluation_round.county_id):
        raise PermissionDenied(NOT_VISIBLE)
    return evaluation_round


@dataclass(frozen=True)
class SheetCell:
    """One sheet as a cell of the heat map: its state, total and flag labels."""

    sheet_id: int
    state: str
    total: Decimal | None
    flags: tuple[str, ...] = ()
    colour: str = ""

    @property
    def state_label(self) -> str:
        return SheetState(self.state).label


@dataclass(frozen=True)
class HeatRow:
    """One department's row: its scores of each township (``given``, department →
    township) and each township's score of it (``received``, township → department),
    in the order of ``RoundResults.townships``; ``None`` where there is no sheet."""

    department: Department
    given: list[SheetCell | None]
    received: list[SheetCell | None]


@dataclass(frozen=True)
class RankRow:
    """One unit's bundled result (a ``RoundResult`` with its unit's name)."""

    name: str
    kind: str  # "department" or "township"
    unit_id: int
    base_score: Decimal
    peer_mean: Decimal | None
    sheets_received: int
    sheets_missing: int
    upheld_reports: int
    penalty: Decimal
    total: Decimal
    rank: int


@dataclass(frozen=True)
class SheetNote:
    """A sheet in the lists of missing and flagged sheets."""

    sheet_id: int
    direction: str
    rater: str
    ratee: str
    state: str
    flags: tuple[tuple[str, str], ...] = ()  # (label, detail)

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label

    @property
    def state_label(self) -> str:
        return SheetState(self.state).label


@dataclass
class RoundResults:
    """Everything the results page, the export and the API show of one round."""

    evaluation_round: EvaluationRound
    is_whole: bool
    departments: list[Department]
    townships: list[Township]
    rows: list[HeatRow]
    department_ranking: list[RankRow]
    township_ranking: list[RankRow]
    department_count: int
    township_count: int
    missing: list[SheetNote]
    flagged: list[SheetNote]
    score_range: tuple[Decimal, Decimal] | None
    # A closed round not yet published: rankings computed from the base scores so far
    # (``is_preview``), or why they cannot be (``preview_note``, e.g. base scores lacking).
    is_preview: bool = False
    preview_note: str = ""

    @property
    def is_published(self) -> bool:
        return self.evaluation_round.stage == RoundStage.PUBLISHED


def may_see_results(audience: Audience, evaluation_round: EvaluationRound) -> bool:
    """True if ``audience`` may open the results of ``evaluation_round``: its county
    office or administrator at any stage, the county's units once it is published."""
    if audience.sees_county(evaluation_round.county_id):
        return True
    return evaluation_round.stage == RoundStage.PUBLISHED and audience.sees_round(
        evaluation_round.county_id
    )


def heat_colour(value: Decimal | None, low: Decimal, high: Decimal) -> str:
    """A CSS background for ``value`` on a red (``low``) → green (``high``) scale."""
    if value is None:
        return ""
    share = Decimal("0.5") if high <= low else (value - low) / (high - low)
    hue = int(round(float(share) * 120))
    return f"hsl({hue}, 65%, 82%)"


def round_results(audience: Audience, evaluation_round: EvaluationRound) -> RoundResults:
    """The heat maps, rankings, missing and flagged sheets of ``evaluation_round`` as
    ``audience`` may see them.

    Raises ``PermissionDenied`` if ``may_see_results`` is false. Runs five queries
    whatever the round's size (sheets, flags, results, departments, townships); for a
    closed, unpublished round seen whole, the results are a preview computed from the
    base scores so far (``RoundResults.is_preview``), in two more (base scores, upheld
    reports; two more again to name the units lacking a base score).
    """
    if not may_see_results(audience, evaluation_round):
        if audience.sees_round(evaluation_round.county_id):
            raise PermissionDenied(NOT_PUBLISHED)
        raise PermissionDenied(NOT_VISIBLE)
    whole = audience.sees_county(evaluation_round.county_id)
    sheets = list(
        ScoreSheet.objects.filter(evaluation_round=evaluation_round)
        .order_by("pk")
        .values(*_SHEET_FIELDS)
    )
    if not whole:
        sheets = [s for s in sheets if audience.fills(s)]
    flags = defaultdict(list)
    for sheet_id, kind, detail in (
        SheetFlag.objects.filter(sheet__evaluation_round=evaluation_round)
        .order_by("sheet_id", "kind")
        .values_list("sheet_id", "kind", "detail")
    ):
        flags[sheet_id].append((FlagKind(kind).label, detail))
    results = list(
        RoundResult.objects.filter(evaluation_round=evaluation_round).values(
            "department_id",
            "township_id",
            "base_score",
            "peer_mean",
            "sheets_received",
            "sheets_missing",
            "upheld_reports",
            "penalty",
            "total",
            "rank",
        )
    )
    is_preview, preview_note = False, ""
    if whole and not results and evaluation_round.stage == RoundStage.CLOSED:
        # Closed but not yet published: the results as the base scores entered so far
        # give them, computed here and not stored (the assessment office checks them
        # before it publishes).
        try:
            results = _preview(evaluation_round, sheets)
            is_preview = True
        except ValidationError as error:
            preview_note = "；".join(error.messages)
    counts = Counter("department" if r["department_id"] else "township" for r in results)
    if not whole:
        results = [
            r
            for r in results
            if r["department_id"] in audience.departments or r["township_id"] in audience.townships
        ]
    # The map's rows and columns: the units of the sheets and results shown, so a
    # department user gets its own row, a township user its own column.
    department_ids = {r["department_id"] for r in results if r["department_id"]}
    township_ids = {r["township_id"] for r in results if r["township_id"]}
    for sheet in sheets:
        department_ids.add(sheet["rater_department_id"] or sheet["ratee_department_id"])
        township_ids.add(sheet["rater_township_id"] or sheet["ratee_township_id"])
    departments = list(
        Department.objects.filter(
            county_id=evaluation_round.county_id, pk__in=sorted(department_ids)
        ).order_by("code")
    )
    townships = list(
        Township.objects.filter(
            county_id=evaluation_round.county_id, pk__in=sorted(township_ids)
        ).order_by("code")
    )
    names = {("department", d.pk): d.name for d in departments}
    names.update({("township", t.pk): t.name for t in townships})
    data = _assemble(
        evaluation_round=evaluation_round,
        audience=audience,
        whole=whole,
        sheets=sheets,
        flags=flags,
        results=results,
        departments=departments,
        townships=townships,
        names=names,
        counts=counts,
    )
    data.is_preview, data.preview_note = is_preview, preview_note
    return data


def _preview(evaluation_round: EvaluationRound, sheets: list[dict]) -> list[dict]:
    """The round's results computed from ``sheets`` (values() rows) and the base scores
    entered so far, as ``RoundResult`` values() rows. Two queries; raises
    ``ValidationError`` listing the units without a base score."""
    rows = [
        (
            s["pk"],
            s["rater_department_id"],
            s["ratee_department_id"],
            s["rater_township_id"],
            s["ratee_township_id"],
            s["state"],
            s["total"],
        )
        for s in sheets
    ]
    return [
        {
            "department_id": r.unit[1] if r.unit[0] == "department" else None,
            "township_id": r.unit[1] if r.unit[0] == "township" else None,
            "base_score": r.base_score,
            "peer_mean": r.peer_mean,
            "sheets_received": r.sheets_received,
            "sheets_missing": r.sheets_missing,
            "upheld_reports": r.upheld_reports,
            "penalty": r.penalty,
            "total": r.total,
            "rank": r.rank,
        }
        for r in round_results_compute(evaluation_round, rows)
    ]


def _unit_name(names: dict, sheet: dict, role: str) -> str:
    if sheet[f"{role}_department_id"]:
        return names.get(("department", sheet[f"{role}_department_id"]), "")
    return names.get(("township", sheet[f"{role}_township_id"]), "")


def _assemble(
    *,
    evaluation_round,
    audience,
    whole,
    sheets,
    flags,
    results,
    departments,
    townships,
    names,
    counts,
) -> RoundResults:
    totals = {s["pk"]: s["total"] for s in sheets if s["state"] == SheetState.SUBMITTED}
    low, high = (min(totals.values()), max(totals.values())) if totals else (None, None)
    cells = {}
    colours = {None: ""}  # totals repeat: each colour is computed once
    for sheet in sheets:
        total = totals.get(sheet["pk"])
        own_flags = flags.get(sheet["pk"], [])
        if total not in colours:
            colours[total] = heat_colour(total, low, high)
        cell = SheetCell(
            sheet_id=sheet["pk"],
            state=sheet["state"],
            total=total,
            flags=tuple(label for label, _ in own_flags),
            colour=colours[total],
        )
        if sheet["direction"] == Direction.TOWNSHIP_TO_DEPARTMENT:
            key = ("received", sheet["ratee_department_id"], sheet["rater_township_id"])
        else:
            key = ("given", sheet["rater_department_id"], sheet["ratee_township_id"])
        cells[key] = cell
    rows = [
        HeatRow(
            department=department,
            given=[cells.get(("given", department.pk, t.pk)) for t in townships],
            received=[cells.get(("received", department.pk, t.pk)) for t in townships],
        )
        for department in departments
    ]
    department_ranking, township_ranking = [], []
    for result in sorted(results, key=lambda r: (r["rank"], r["total"])):
        kind = "department" if result["department_id"] else "township"
        unit_id = result["department_id"] or result["township_id"]
        if (kind, unit_id) not in names:
            continue
        row = RankRow(
            name=names[kind, unit_id], kind=kind, unit_id=unit_id, **_result_values(result)
        )
        (department_ranking if kind == "department" else township_ranking).append(row)
    missing, flagged = [], []
    for sheet in sheets:
        if sheet["state"] != SheetState.MISSING and sheet["pk"] not in flags:
            continue
        note = SheetNote(
            sheet_id=sheet["pk"],
            direction=sheet["direction"],
            rater=_unit_name(names, sheet, "rater"),
            ratee=_unit_name(names, sheet, "ratee"),
            state=sheet["state"],
            flags=tuple(flags.get(sheet["pk"], ())),
        )
        if sheet["state"] == SheetState.MISSING:
            missing.append(note)
        if note.flags:
            flagged.append(note)
    return RoundResults(
        evaluation_round=evaluation_round,
        is_whole=whole,
        departments=departments,
        townships=townships,
        rows=rows,
        department_ranking=department_ranking,
        township_ranking=township_ranking,
        department_count=counts["department"],
        township_count=counts["township"],
        missing=missing,
        flagged=flagged,
        score_range=(low, high) if low is not None else None,
    )


def _result_values(result: dict) -> dict:
    return {
        key: result[key]
        for key in (
            "base_score",
            "peer_mean",
            "sheets_received",
            "sheets_missing",
            "upheld_reports",
            "penalty",
            "total",
            "rank",
        )
    }


@dataclass(frozen=True)
class RaterProgress:
    """How far one rater is with its sheets of a round."""

    kind: str  # "department" or "township"
    unit_id: int
    name: str
    submitted: int
    draft: int
    pending: int
    missing: int

    @property
    def total(self) -> int:
        return self.submitted + self.draft + self.pending + self.missing


def round_progress(evaluation_round: EvaluationRound) -> list[RaterProgress]:
    """Every rater of ``evaluation_round`` with its sheets counted by state: townships
    first, then departments, each in code order. Three queries whatever the size; the
    caller checks that the user sees the whole county."""
    counts: dict[tuple[str, int], Counter] = defaultdict(Counter)
    for township_id, department_id, state in ScoreSheet.objects.filter(
        evaluation_round=evaluation_round
    ).values_list("rater_township_id", "rater_department_id", "state"):
        key = ("township", township_id) if township_id else ("department", department_id)
        counts[key][state] += 1
    township_ids = sorted(pk for kind, pk in counts if kind == "township")
    department_ids = sorted(pk for kind, pk in counts if kind == "department")
    units = [
        ("township", t)
        for t in Township.objects.filter(pk__in=township_ids).order_by("code").only("name")
    ] + [
        ("department", d)
        for d in Department.objects.filter(pk__in=department_ids).order_by("code").only("name")
    ]
    return [
        RaterProgress(
            kind=kind,
            unit_id=unit.pk,
            name=unit.name,
            submitted=counts[kind, unit.pk][SheetState.SUBMITTED],
            draft=counts[kind, unit.pk][SheetState.DRAFT],
            pending=counts[kind, unit.pk][SheetState.PENDING],
            missing=counts[kind, unit.pk][SheetState.MISSING],
        )
        for kind, unit in units
    ]
