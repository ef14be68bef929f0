"""Benchmark the evaluation round: a province's results computed, and one round opened.

Set up (bulk inserts, not timed): 90 counties × 35 departments × 15 townships, one
round per county with both directions' sheets (every township rates every department,
every department every township: 1,050 sheets per county, 94,500 in all), each sheet
submitted with scores (5 indicators township → department, 3 the other way) and its
total, except about 3 % closed as missing; base scores for every unit; one upheld
off-list report per county.

Timed, on the same database in the same run:

- **results**: ``evaluation.round_services.round_results_store`` for every county's round,
  the code the close step runs (read the sheets, compute means, penalties, ranks and
  outlier/late flags, write ``RoundResult`` with history rows and ``SheetFlag``), one
  transaction per round as in the service;
- **baseline**: one plain aggregate query over the same sheets (mean and count of the
  submitted totals per ratee), fetched in full;
- **open**: ``workflow.services.evaluating.evaluation_round_open`` for a 35 × 15 county
  whose 35 departments each lead an item applying to every township (1,050 sheets and
  sheet tasks, each with its reminder and deadline timer), as its county office.

Run: ``.venv/bin/python bench/bench_evaluation.py [--counties 90]``. Without
``DATABASE_URL`` it uses a throwaway SQLite file; with it the given (throwaway)
database is migrated and used.
"""

import argparse
import datetime
import os
import random
import secrets
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENTS = 35
TOWNSHIPS = 15
T2D = [(30, 100), (20, 100), (20, 10), (15, 10), (15, 100)]  # (weight, max) per indicator
D2T = [(50, 100), (30, 100), (20, 10)]


def setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class StatementCounter:
    """Counts the SQL statements sent while installed (``connection.execute_wrapper``)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def build_province(counties: int, rng: random.Random):
    """Insert the province's organisation, sets, rounds, sheets, scores and base scores."""
    from django.db import transaction
    from django.utils import timezone

    from arbitration.models import OffListReport
    from evaluation import computation
    from evaluation.models import (
        BaseScore,
        Direction,
        EvaluationRound,
        Indicator,
        IndicatorSet,
        Score,
        ScoreSheet,
        SheetState,
    )
    from organisations.models import County, Department, Township, User
    from workflow.evaluation_flow import EvaluationRoundFlow
    from workflow.offlist_flow import OffListReportFlow

    actor = User.objects.create_superuser("bench", password=secrets.token_urlsafe(12))
    with transaction.atomic():
        county_rows = County.objects.bulk_create(
            County(code=f"C{c:03d}", name=f"测试{c}县") for c in range(counties)
        )
        Department.objects.bulk_create(
            Department(county=county, code=f"{county.code}-D{d:02d}", name=f"第{d}局")
            for county in county_rows
            for d in range(DEPARTMENTS)
        )
        Township.objects.bulk_create(
            Township(county=county, code=f"{county.code}-T{t:02d}", name=f"第{t}镇", kind="town")
            for county in county_rows
            for t in range(TOWNSHIPS)
        )
    rounds = []
    period = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    for county in county_rows:
        with transaction.atomic():
            sets = {}
            for direction, spec in (
                (Direction.TOWNSHIP_TO_DEPARTMENT, T2D),
                (Direction.DEPARTMENT_TO_TOWNSHIP, D2T),
            ):
                indicator_set = IndicatorSet.objects.create(
                    county=county, direction=direction, name=str(direction)
                )
                indicators = Indicator.objects.bulk_create(
                    Indicator(
                        indicator_set=indicator_set,
                        name=f"指标{i}",
                        weight=weight,
                        max_score=maximum,
                        order=i,
                    )
                    for i, (weight, maximum) in enumerate(spec)
                )
                sets[direction] = (indicator_set, indicators)
            evaluation_round = EvaluationRound(
                flow_class=EvaluationRoundFlow,
                county=county,
                name="2025年度",
                period_start=period[0],
                period_end=period[1],
                township_set=sets[Direction.TOWNSHIP_TO_DEPARTMENT][0],
                department_set=sets[Direction.DEPARTMENT_TO_TOWNSHIP][0],
                deadline=timezone.now() + datetime.timedelta(days=5),
                opened_by=actor,
            )
            evaluation_round.save()
            rounds.append(evaluation_round)
            departments = list(Department.objects.filter(county=county).order_by("pk"))
            townships = list(Township.objects.filter(county=county).order_by("pk"))
            sheets, values = [], []
            for direction, raters, ratees, rater_key, ratee_key in (
                (
                    Direction.TOWNSHIP_TO_DEPARTMENT,
                    townships,
                    departments,
                    "rater_township",
                    "ratee_department",
                ),
                (
                    Direction.DEPARTMENT_TO_TOWNSHIP,
                    departments,
                    townships,
                    "rater_department",
                    "ratee_township",
                ),
            ):
                indicators = sets[direction][1]
                specs = [computation.IndicatorSpec(i.pk, i.weight, i.max_score) for i in indicators]
                for rater in raters:
                    for ratee in ratees:
                        missing = rng.random() < 0.03
                        scores = {
                            i.pk: Decimal(rng.randint(i.max_score * 6 // 10, i.max_score))
                            for i in indicators
                        }
                        sheets.append(
                            ScoreSheet(
                                evaluation_round=evaluation_round,
                                direction=direction,
                                state=SheetState.MISSING if missing else SheetState.SUBMITTED,
                                total=None if missing else computation.sheet_total(scores, specs),
                                **{rater_key: rater, ratee_key: ratee},
                            )
                        )
                        values.append(None if missing else scores)
            sheets = ScoreSheet.objects.bulk_create(sheets, batch_size=2000)
            Score.objects.bulk_create(
                (
                    Score(sheet=sheet, indicator_id=pk, value=value)
                    for sheet, scores in zip(sheets, values, strict=True)
                    if scores
                    for pk, value in scores.items()
                ),
                batch_size=5000,
            )
            BaseScore.objects.bulk_create(
                [
                    BaseScore(
                        evaluation_round=evaluation_round,
                        department=d,
                        value=rng.randint(70, 100),
                        entered_by=actor,
                    )
                    for d in departments
                ]
                + [
                    BaseScore(
                        evaluation_round=evaluation_round,
                        township=t,
                        value=rng.randint(70, 100),
                        entered_by=actor,
                    )
                    for t in townships
                ]
            )
            OffListReport(
                flow_class=OffListReportFlow,
                county=county,
                township=townships[0],
                department=departments[0],
                reported_by=actor,
                assignment="清单外交办",
                assigned_on=datetime.date(2025, 6, 1),
                channel="phone",
                ruling="upheld",
            ).save()
    return actor, rounds


def time_results(rounds, actor) -> tuple[float, int]:
    from django.db import connection, transaction

    from evaluation.round_services import round_results_store

    counter = StatementCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        for evaluation_round in rounds:
            with transaction.atomic():
                round_results_store(evaluation_round=evaluation_round, actor=actor)
    return time.perf_counter() - started, counter.count


def time_baseline(rounds) -> tuple[float, int]:
    from django.db.models import Avg, Count

    from evaluation.models import ScoreSheet, SheetState

    started = time.perf_counter()
    rows = list(
        ScoreSheet.objects.filter(
            evaluation_round__in=[r.pk for r in rounds], state=SheetState.SUBMITTED
        )
        .values("evaluation_round", "ratee_department", "ratee_township")
        .annotate(mean=Avg("total"), count=Count("pk"))
    )
    return time.perf_counter() - started, len(rows)


def time_open(rng: random.Random) -> tuple[float, int, int]:
    """Open one 35 × 15 round through the service as the county office."""
    from django.db import connection
    from django.utils import timezone

    from duty_lists import services as duty_services
    from evaluation import services as evaluation_services
    from evaluation.models import Direction, ScoreSheet
    from organisations import services as org_services
    from organisations.models import County, Department, Role, Township, User
    from workflow.services import evaluating

    county = County.objects.create(code="OPEN", name="开启测试县")
    departments = Department.objects.bulk_create(
        Department(county=county, code=f"OPEN-D{d:02d}", name=f"第{d}局")
        for d in range(DEPARTMENTS)
    )
    Township.objects.bulk_create(
        Township(county=county, code=f"OPEN-T{t:02d}", name=f"第{t}镇", kind="town")
        for t in range(TOWNSHIPS)
    )
    duty_list = duty_services.duty_list_for(county, "township")
    category = duty_list.county.categories.get(code="CX")
    for number, department in enumerate(departments):
        duty_services.duty_item_create(
            actor=None,
            duty_list=duty_list,
            reason="基准测试",
            code=f"XZ-{number:04d}",
            title=f"事项{number}",
            category=category,
            duty_type="cooperating",
            lead_department=department,
            department_responsibilities="组织实施",
            local_responsibilities="配合",
            basis="测试",
            applies_to_all=True,
            effective_date=datetime.date(2024, 1, 1),
        )
    for direction, spec in (
        (Direction.TOWNSHIP_TO_DEPARTMENT, T2D),
        (Direction.DEPARTMENT_TO_TOWNSHIP, D2T),
    ):
        evaluation_services.indicator_set_create(
            actor=None,
            county=county,
            direction=direction,
            name=str(direction),
            indicators=[
                {"name": f"指标{i}", "scoring_rule": "按标准评分", "weight": w, "max_score": m}
                for i, (w, m) in enumerate(spec)
            ],
        )
    office = User.objects.create_user("open-office", password=secrets.token_urlsafe(12))
    org_services.membership_grant(actor=None, user=office, role=Role.COUNTY_OFFICE, county=county)
    counter = StatementCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        evaluation_round = evaluating.evaluation_round_open(
            actor=office,
            county=county,
            name="2025年度",
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 12, 31),
            deadline=timezone.now() + datetime.timedelta(days=10),
        )
    elapsed = time.perf_counter() - started
    return (
        elapsed,
        counter.count,
        ScoreSheet.objects.filter(evaluation_round=evaluation_round).count(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counties", type=int, default=90)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(Path(workdir))
        from django.db import connection

        rng = random.Random(20250101)
        started = time.perf_counter()
        actor, rounds = build_province(args.counties, rng)
        from evaluation.models import Score, ScoreSheet

        print(
            f"setup ({connection.vendor}): {args.counties} rounds, "
            f"{ScoreSheet.objects.count():,} sheets, {Score.objects.count():,} scores "
            f"in {time.perf_counter() - started:.1f} s (not timed)"
        )
        baseline, groups = time_baseline(rounds)
        results, statements = time_results(rounds, actor)
        from evaluation.models import RoundResult, SheetFlag

        print(
            f"results: {results:.2f} s for {len(rounds)} rounds "
            f"({RoundResult.objects.count():,} results, {SheetFlag.objects.count():,} flags, "
            f"{statements:,} statements); target < 10 s"
        )
        print(f"baseline (one aggregate query, {groups:,} groups): {baseline:.3f} s")
        print(f"ratio results / baseline: {results / baseline:.1f}")
        opened, open_statements, sheets = time_open(rng)
        print(
            f"open one {DEPARTMENTS} × {TOWNSHIPS} round: {opened:.2f} s "
            f"({sheets:,} sheets and tasks, {open_statements:,} statements)"
        )


if __name__ == "__main__":
    main()
