"""A whole round computed through the services, against figures worked out by hand.

The world (``round_world``): departments A (住建局) and B (应急局); townships T1 城关街道,
T2 青石镇, T3 云岭乡. Township → department set: 依单履职 weight 60 / max 100, 响应及时
weight 40 / max 10. Department → township set: 配合职责履行到位 70 / 100, 协作态度 30 / 10.
Bundling weight w = 0.3 (default), penalty 2.50 per upheld report.

Sheet totals (Σ value / max · weight):
  T1→A  90, 8   → 54 + 32     = 86.00
  T2→A  80, 8   → 48 + 32     = 80.00   all-equal: 80 % of each maximum (flagged, counts)
  T3→A  —                                missing (deadline passed): late flag, not in mean
  T1→B  75, 9   → 45 + 36     = 81.00
  A→T1  85, 7   → 59.5 + 21   = 80.50
  A→T2  92, 9   → 64.4 + 27   = 91.40
  A→T3  60, 10  → 42 + 30     = 72.00
  B→T1  77, 8   → 53.9 + 24   = 77.90
(B leads no item of T2 or T3: those pairs have no sheet either way.)
Base scores: A 90, B 85, T1 88, T2 92, T3 80. Upheld reports of A in the period: 1
(another upheld one before the period and a dismissed one do not count).
  A:  mean (86 + 80) / 2 = 83.00; 0.7·90 + 0.3·83 − 2.50 = 63 + 24.9 − 2.5 = 85.40 → rank 1
  B:  mean 81.00;                 0.7·85 + 0.3·81        = 59.5 + 24.3    = 83.80 → rank 2
  T1: mean (80.5 + 77.9) / 2 = 79.20; 0.7·88 + 0.3·79.2 = 61.6 + 23.76  = 85.36 → rank 2
  T2: mean 91.40;                     0.7·92 + 0.3·91.4 = 64.4 + 27.42  = 91.82 → rank 1
  T3: mean 72.00;                     0.7·80 + 0.3·72   = 56 + 21.6     = 77.60 → rank 3
No outlier: no ratee has four submitted sheets.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from arbitration.models import OffListReport
from evaluation.models import RoundResult, ScoreSheet, SheetFlag
from workflow.services import evaluating

from .round_world import build_world, let_deadline_pass, open_round, sheet_of, submit

pytestmark = pytest.mark.django_db

SCORES = [
    ("t1", "a", ["90", "8"]),
    ("t2", "a", ["80", "8"]),
    ("t1", "b", ["75", "9"]),
    ("a", "t1", ["85", "7"]),
    ("a", "t2", ["92", "9"]),
    ("a", "t3", ["60", "10"]),
    ("b", "t1", ["77", "8"]),
]


def report(world, *, assigned_on, ruling):
    """An off-list report row against department A (the penalty's input)."""
    from workflow.offlist_flow import OffListReportFlow

    return OffListReport.objects.create(
        flow_class=OffListReportFlow,
        county=world.county,
        township=world.t1,
        department=world.a,
        reported_by=world.township_heads[world.t1.pk],
        assignment="要求乡镇代为开展燃气执法检查",
        assigned_on=assigned_on,
        channel="phone",
        ruling=ruling,
    )


def run_round(world):
    evaluation_round = open_round(world, penalty_per_report=Decimal("2.50"))
    for rater, ratee, values in SCORES:
        submit(world, evaluation_round, getattr(world, rater), getattr(world, ratee), values)
    missing = sheet_of(evaluation_round, world.t3, world.a)
    assert let_deadline_pass(evaluation_round, missing) == 1
    report(world, assigned_on=datetime.date(2025, 6, 1), ruling="upheld")
    report(world, assigned_on=datetime.date(2024, 12, 31), ruling="upheld")
    report(world, assigned_on=datetime.date(2025, 7, 1), ruling="dismissed")
    evaluating.evaluation_round_close(actor=world.office, round_id=evaluation_round.pk)
    evaluating.base_scores_set(
        actor=world.assessment,
        round_id=evaluation_round.pk,
        department_scores={world.a.pk: Decimal("90"), world.b.pk: Decimal("85")},
        township_scores={
            world.t1.pk: Decimal("88"),
            world.t2.pk: Decimal("92"),
            world.t3.pk: Decimal("80"),
        },
    )
    evaluating.evaluation_round_publish(actor=world.assessment, round_id=evaluation_round.pk)
    return evaluation_round


def test_bundled_results_match_the_hand_calculation():
    world = build_world()
    evaluation_round = run_round(world)

    totals = {
        (str(s.rater), str(s.ratee)): (s.state, s.total)
        for s in ScoreSheet.objects.filter(evaluation_round=evaluation_round).select_related(
            "rater_township", "rater_department", "ratee_township", "ratee_department"
        )
    }
    assert totals[("城关街道", "县住房和城乡建设局")] == ("submitted", Decimal("86.00"))
    assert totals[("青石镇", "县住房和城乡建设局")] == ("submitted", Decimal("80.00"))
    assert totals[("云岭乡", "县住房和城乡建设局")] == ("missing", None)
    assert totals[("县住房和城乡建设局", "城关街道")] == ("submitted", Decimal("80.50"))
    assert totals[("县应急管理局", "城关街道")] == ("submitted", Decimal("77.90"))

    rows = {
        str(r.department or r.township): (
            r.base_score,
            r.peer_mean,
            r.sheets_received,
            r.sheets_missing,
            r.upheld_reports,
            r.penalty,
            r.total,
            r.rank,
        )
        for r in RoundResult.objects.filter(evaluation_round=evaluation_round).select_related(
            "department", "township"
        )
    }
    d = Decimal
    assert rows == {
        "县住房和城乡建设局": (d("90.00"), d("83.00"), 2, 1, 1, d("2.50"), d("85.40"), 1),
        "县应急管理局": (d("85.00"), d("81.00"), 1, 0, 0, d("0.00"), d("83.80"), 2),
        "城关街道": (d("88.00"), d("79.20"), 2, 0, 0, d("0.00"), d("85.36"), 2),
        "青石镇": (d("92.00"), d("91.40"), 1, 0, 0, d("0.00"), d("91.82"), 1),
        "云岭乡": (d("80.00"), d("72.00"), 1, 0, 0, d("0.00"), d("77.60"), 3),
    }
    flags = sorted(
        (str(f.sheet.rater), str(f.sheet.ratee), f.kind, f.detail)
        for f in SheetFlag.objects.filter(sheet__evaluation_round=evaluation_round)
    )
    assert flags == [
        ("云岭乡", "县住房和城乡建设局", "late", "截止时间前未提交，按缺交处理"),
        ("青石镇", "县住房和城乡建设局", "all_equal", "各项指标得分均为满分的 80.00%"),
    ]
    evaluation_round.refresh_from_db()
    assert evaluation_round.stage == "published"
    assert evaluation_round.closed_at is not None


def test_publication_without_every_base_score_names_the_missing_units_and_writes_nothing():
    world = build_world()
    evaluation_round = open_round(world)
    for rater, ratee, values in SCORES:
        submit(world, evaluation_round, getattr(world, rater), getattr(world, ratee), values)
    let_deadline_pass(evaluation_round)
    # The scoring closes without any base score: they are the assessment office's.
    evaluating.evaluation_round_close(actor=world.office, round_id=evaluation_round.pk)
    evaluating.base_scores_set(
        actor=world.assessment,
        round_id=evaluation_round.pk,
        department_scores={world.a.pk: Decimal("90")},
        township_scores={world.t2.pk: Decimal("92")},
    )
    flags = SheetFlag.objects.count()

    with pytest.raises(ValidationError) as raised:
        evaluating.evaluation_round_publish(actor=world.assessment, round_id=evaluation_round.pk)

    assert raised.value.message_dict == {
        "base_scores": ["以下单位尚未录入基础分：县应急管理局、城关街道、云岭乡（共 3 个）。"]
    }
    evaluation_round.refresh_from_db()
    assert (evaluation_round.stage, evaluation_round.published_at) == ("closed", None)
    assert RoundResult.objects.count() == 0
    assert SheetFlag.objects.count() == flags
