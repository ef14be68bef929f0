"""The bundled results (捆绑考核结果) and anomaly flags of a round, as pure functions.

Nothing here touches the database: the callers (``evaluation.round_services``) read plain
rows, call these functions and write what they return. All arithmetic is exact
(``fractions.Fraction`` over ``Decimal`` inputs); a figure is rounded once, when it is
returned, to two decimals, half away from zero (四舍五入).

Rules (DESIGN §4.3, issue 4 item 4):

- **Sheet total**: Σ value / max_score · weight over the indicators of the set; the
  weights add up to 100, so a total is out of 100.
- **Peer mean** of a unit: the mean of the stored (two-decimal) totals of the
  *submitted* sheets about it. Missing sheets are counted (``sheets_missing``) and left
  out of the mean, never counted as zero. Flagged sheets still count: a flag asks for a
  second look, it does not reject the sheet.
- **Result**: (1 − w) · base + w · peer mean − penalty_per_report · upheld reports
  (departments only; townships have no penalty), from the exact mean (the stored
  ``peer_mean`` is that mean rounded). A unit without any submitted sheet about it
  has no peer mean (``None``) and the result is its base score minus its penalty
  (as if the peers had agreed with the county office).
- **Rank**: per kind of unit in a round, by the rounded result, highest first;
  equal results share a rank and the next rank skips (1, 2, 2, 4).
- **All-equal flag** (各项得分完全相同): a sheet of at least two indicators where every
  value is the same share of its indicator's maximum (so same raw values when the
  maxima agree, and e.g. 8/10 and 80/100 too).
- **Outlier flag** (偏离两倍标准差): a submitted sheet whose total differs from the mean
  of the *other* submitted sheets about the same ratee by more than twice their
  *sample* standard deviation (n − 1), compared exactly as squares. Needs at least
  three other sheets; when the others all agree (deviation 0) any difference flags.
- **Late flag** (未按期提交): a sheet whose deadline passed without submission.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .models import FlagKind

TWO_PLACES = Decimal("0.01")
# Fewest other submitted sheets about a ratee for the outlier test to be meaningful.
OUTLIER_MIN_OTHERS = 3


def round_half_up(value: Fraction | Decimal) -> Decimal:
    """``value`` rounded to two decimals, halves away from zero, as a ``Decimal``."""
    value = Fraction(value)
    sign = -1 if value < 0 else 1
    hundredths = (abs(value) * 100 * 2 + 1) // 2
    return (Decimal(sign * hundredths) / 100).quantize(TWO_PLACES)


@dataclass(frozen=True)
class IndicatorSpec:
    """What the computation needs of an indicator: its id, weight and maximum score."""

    pk: int
    weight: int
    max_score: int


def sheet_total(values: Mapping[int, Decimal], indicators: Iterable[IndicatorSpec]) -> Decimal:
    """The total (out of 100) of a sheet scoring every one of ``indicators``.

    ``values`` maps indicator id → value. Returns Σ value / max · weight rounded to two
    decimals. Raises ``KeyError`` if an indicator has no value.
    """
    exact = sum(
        (Fraction(values[spec.pk]) / spec.max_score * spec.weight for spec in indicators),
        Fraction(0),
    )
    return round_half_up(exact)


def all_equal_share(
    values: Mapping[int, Decimal], indicators: list[IndicatorSpec]
) -> Fraction | None:
    """The common share of the maximum when every indicator got the same share, else None.

    ``None`` too for fewer than two indicators (nothing to compare).
    """
    shares = {Fraction(values[spec.pk]) / spec.max_score for spec in indicators}
    if len(indicators) < 2 or len(shares) != 1:
        return None
    return shares.pop()


@dataclass(frozen=True)
class SheetRow:
    """One sheet as the round computation reads it.

    ``ratee`` is ``("department", pk)`` or ``("township", pk)``; ``total`` is the stored
    total of a submitted sheet, ``None`` otherwise.
    """

    pk: int
    ratee: tuple[str, int]
    is_submitted: bool
    total: Decimal | None


@dataclass(frozen=True)
class UnitResult:
    """A unit's bundled result, as ``RoundResult`` stores it."""

    unit: tuple[str, int]
    base_score: Decimal
    peer_mean: Decimal | None
    sheets_received: int
    sheets_missing: int
    upheld_reports: int
    penalty: Decimal
    total: Decimal
    rank: int


@dataclass(frozen=True)
class Flag:
    """An anomaly flag of one sheet, as ``SheetFlag`` stores it."""

    sheet: int
    kind: str
    detail: str


def _number(value: Fraction | Decimal) -> str:
    return f"{round_half_up(value):f}"


def unit_results(
    *,
    sheets: Iterable[SheetRow],
    base_scores: Mapping[tuple[str, int], Decimal],
    upheld_reports: Mapping[int, int],
    bundling_weight: Decimal,
    penalty_per_report: Decimal,
) -> list[UnitResult]:
    """The result of every unit of ``base_scores`` (the round's units), ranked.

    ``upheld_reports`` maps department id → upheld off-list reports in the period.
    Returns one ``UnitResult`` per unit, departments first, each kind ranked on its
    own (see the module docstring for the rules).
    """
    received: dict[tuple[str, int], list[int]] = defaultdict(list)
    missing: dict[tuple[str, int], int] = defaultdict(int)
    for sheet in sheets:
        if sheet.is_submitted:
            received[sheet.ratee].append(_hundredths(sheet.total))
        else:
            missing[sheet.ratee] += 1
    weight = Fraction(bundling_weight)
    unranked = []
    for unit, base in base_scores.items():
        totals = received.get(unit, [])
        reports = upheld_reports.get(unit[1], 0) if unit[0] == "department" else 0
        penalty = Fraction(penalty_per_report) * reports
        mean = Fraction(sum(totals), 100 * len(totals)) if totals else None
        peer = Fraction(base) if mean is None else mean
        exact = (1 - weight) * Fraction(base) + weight * peer - penalty
        unranked.append(
            {
                "unit": unit,
                "base_score": Decimal(base).quantize(TWO_PLACES),
                "peer_mean": None if mean is None else round_half_up(mean),
                "sheets_received": len(totals),
                "sheets_missing": missing.get(unit, 0),
                "upheld_reports": reports,
                "penalty": round_half_up(penalty),
                "total": round_half_up(exact),
            }
        )
    results = []
    for kind in ("department", "township"):
        rows = sorted(
            (row for row in unranked if row["unit"][0] == kind),
            key=lambda row: (-row["total"], row["unit"][1]),
        )
        for row in rows:
            rank = 1 + sum(other["total"] > row["total"] for other in rows)
            results.append(UnitResult(**row, rank=rank))
    return results


def _hundredths(total: Decimal) -> int:
    """A two-decimal total as a whole number of hundredths (exact)."""
    return int(total.scaleb(2))


def outlier_flags(sheets: Iterable[SheetRow]) -> list[Flag]:
    """Outlier flags of the submitted ``sheets`` (see the module docstring), by sheet id.

    Exact in whole hundredths: with ``x`` a sheet's total, ``r`` and ``q`` the sum and
    the sum of squares of the ``n`` others, the test |x − r/n| > 2·s, s² being the
    others' sample variance (q − r²/n)/(n − 1), is (n·x − r)²·(n − 1) > 4·n·(n·q − r²).
    """
    by_ratee: dict[tuple[str, int], list[SheetRow]] = defaultdict(list)
    for sheet in sheets:
        if sheet.is_submitted:
            by_ratee[sheet.ratee].append(sheet)
    flags = []
    for rows in by_ratee.values():
        n = len(rows) - 1
        if n < OUTLIER_MIN_OTHERS:
            continue
        totals = [_hundredths(row.total) for row in rows]
        grand, squares = sum(totals), sum(t * t for t in totals)
        for row, x in zip(rows, totals, strict=True):
            r, q = grand - x, squares - x * x
            if (n * x - r) ** 2 * (n - 1) > 4 * n * (n * q - r * r):
                mean = Fraction(r, 100 * n)
                flags.append(
                    Flag(
                        sheet=row.pk,
                        kind=FlagKind.OUTLIER,
                        detail=(
                            f"得分 {row.total}，其他 {n} 个评价方均值 {_number(mean)}，"
                            f"偏差 {_number(abs(Fraction(x, 100) - mean))} 超过两倍标准差"
                        ),
                    )
                )
    return sorted(flags, key=lambda flag: flag.sheet)


def all_equal_flag(sheet_pk: int, share: Fraction) -> Flag:
    """The all-equal flag of a sheet whose indicators all got ``share`` of their maximum."""
    return Flag(
        sheet=sheet_pk,
        kind=FlagKind.ALL_EQUAL,
        detail=f"各项指标得分均为满分的 {_number(share * 100)}%",
    )


def late_flag(sheet_pk: int) -> Flag:
    """The flag of a sheet not submitted by the deadline."""
    return Flag(sheet=sheet_pk, kind=FlagKind.LATE, detail="截止时间前未提交，按缺交处理")
