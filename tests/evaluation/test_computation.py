"""The pure computation: totals, rounding, means, penalties, ranks and flags."""

from decimal import Decimal
from fractions import Fraction

import pytest

from evaluation import computation as c

D = Decimal
T2D = [c.IndicatorSpec(1, 60, 100), c.IndicatorSpec(2, 40, 10)]


def sheet(pk, ratee, total):
    return c.SheetRow(pk, ratee, total is not None, None if total is None else D(total))


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(1, 3), D("0.33")),
        (Fraction(2, 3), D("0.67")),
        (Fraction(1, 200), D("0.01")),  # 0.005 → 0.01: halves away from zero
        (Fraction(-1, 200), D("-0.01")),
        (Fraction(12345, 1000), D("12.35")),
    ],
)
def test_round_half_up(value, rounded):
    assert c.round_half_up(value) == rounded


def test_sheet_total_is_weighted_share_of_each_maximum():
    # 33/100·60 + 7/10·40 = 19.8 + 28 = 47.80; 33.33/100·60 = 19.998 → 47.998 → 48.00
    assert c.sheet_total({1: D("33"), 2: D("7")}, T2D) == D("47.80")
    assert c.sheet_total({1: D("33.33"), 2: D("7")}, T2D) == D("48.00")


def test_all_equal_means_the_same_share_of_every_maximum():
    assert c.all_equal_share({1: D("80"), 2: D("8")}, T2D) == Fraction(4, 5)
    assert c.all_equal_share({1: D("8"), 2: D("8")}, T2D) is None  # same raw, not share
    assert c.all_equal_share({1: D("80")}, T2D[:1]) is None  # one indicator: nothing to compare


def test_mean_of_thirds_is_exact_then_rounded_once():
    # Department 1: totals 80.00, 80.00, 81.00 → mean 241/3 = 80.333…; one missing.
    # w = 0.3, base 90, one upheld report at 2.00:
    # 0.7·90 + 0.3·241/3 − 2 = 63 + 24.1 − 2 = 85.10 (exact); peer_mean shown 80.33.
    # Department 2: no submitted sheet → peer mean None, total = base 70 − 0 = 70.00.
    sheets = [
        sheet(1, ("department", 1), "80.00"),
        sheet(2, ("department", 1), "80.00"),
        sheet(3, ("department", 1), "81.00"),
        sheet(4, ("department", 1), None),
        sheet(5, ("department", 2), None),
    ]
    results = c.unit_results(
        sheets=sheets,
        base_scores={("department", 1): D("90"), ("department", 2): D("70")},
        upheld_reports={1: 1},
        bundling_weight=D("0.300"),
        penalty_per_report=D("2.00"),
    )
    assert results == [
        c.UnitResult(("department", 1), D("90.00"), D("80.33"), 3, 1, 1, D("2.00"), D("85.10"), 1),
        c.UnitResult(("department", 2), D("70.00"), None, 0, 1, 0, D("0.00"), D("70.00"), 2),
    ]


def test_equal_results_share_a_rank_and_the_next_rank_skips():
    # Townships: base 80, 90, 80, 70 with w = 0 → totals 80, 90, 80, 70 → ranks 2, 1, 2, 4.
    results = c.unit_results(
        sheets=[],
        base_scores={("township", pk): D(v) for pk, v in [(1, 80), (2, 90), (3, 80), (4, 70)]},
        upheld_reports={},
        bundling_weight=D("0"),
        penalty_per_report=D("2"),
    )
    assert {r.unit[1]: r.rank for r in results} == {1: 2, 2: 1, 3: 2, 4: 4}


def test_outlier_is_two_sample_deviations_from_the_other_raters():
    # Ratee d1: 80, 82, 78, 20. For 20 the others are 80, 82, 78: mean 80, sample
    # s² = (0 + 4 + 4)/2 = 4, s = 2; |20 − 80| = 60 > 4 → flagged. For 80 the others
    # 82, 78, 20: mean 60, s² = (484 + 324 + 1600)/2 = 1204, |80 − 60| = 20 < 2·34.7.
    flags = c.outlier_flags(
        [sheet(pk, ("department", 1), t) for pk, t in [(1, "80"), (2, "82"), (3, "78"), (4, "20")]]
    )
    assert flags == [
        c.Flag(4, "outlier", "得分 20，其他 3 个评价方均值 80.00，偏差 60.00 超过两倍标准差")
    ]


def test_outlier_boundary_uses_the_sample_deviation():
    # Others 78, 80, 82: sample s = 2 (population would be 1.63). 84 is 4 = 2·s away:
    # not more than two deviations, not flagged; 84.01 is.
    base = [(1, "78"), (2, "80"), (3, "82")]
    at_boundary = c.outlier_flags([sheet(pk, ("t", 1), t) for pk, t in [*base, (4, "84")]])
    beyond = c.outlier_flags([sheet(pk, ("t", 1), t) for pk, t in [*base, (4, "84.01")]])
    assert [f.sheet for f in at_boundary] == []
    assert [f.sheet for f in beyond] == [4]


def test_no_outlier_test_with_fewer_than_three_other_sheets():
    rows = [sheet(pk, ("t", 1), t) for pk, t in [(1, "90"), (2, "90"), (3, "10"), (4, None)]]
    assert c.outlier_flags(rows) == []
