"""The evaluation rounds of the ``bench_pages.py`` data set (see ``bench.pages_data``):
last year's round of every county, published, and this year's round of the bench
county, open."""

import datetime
from decimal import Decimal

from .pages_data import BATCH, office_username


def open_current_round(county, office) -> None:
    """This year's round of the bench county, opened by its office through the
    service (its sheets, sheet tasks and their timers are the flow's own)."""
    from django.utils import timezone

    from evaluation import services as evaluation_services
    from evaluation.models import Direction
    from workflow.services.evaluating import evaluation_round_open

    today = timezone.localdate()
    for direction, indicators in (
        (Direction.TOWNSHIP_TO_DEPARTMENT, [("履行主体责任", 60), ("服务态度", 40)]),
        (Direction.DEPARTMENT_TO_TOWNSHIP, [("配合履职", 70), ("信息报送", 30)]),
    ):
        evaluation_services.indicator_set_create(
            actor=None,
            county=county,
            direction=direction,
            name=f"{today.year}年度{Direction(direction).label}",
            indicators=[
                {"name": name, "weight": weight, "scoring_rule": f"{name}：按完成情况给分。"}
                for name, weight in indicators
            ],
        )
    evaluation_round_open(
        actor=office,
        county=county,
        name=f"{today.year}年度双向互评",
        period_start=datetime.date(today.year, 1, 1),
        period_end=today,
        deadline=timezone.now() + datetime.timedelta(days=20),
    )


def build_rounds(builder) -> None:
    """Last year's round of every county, published: every township rates every
    department and back, ~3 % of the sheets missing, base scores for all, results and
    flags by the close step's own code. The bench county also gets this year's round
    (``open_current_round``) and comes last, so that its published round marks a
    finished build."""
    from django.db import transaction
    from django.utils import timezone
    from viewflow.workflow.status import PROCESS

    from evaluation import computation
    from evaluation import services as evaluation_services
    from evaluation.models import (
        BaseScore,
        Direction,
        EvaluationRound,
        RoundStage,
        Score,
        ScoreSheet,
        SheetState,
    )
    from evaluation.round_services import round_results_store
    from workflow.evaluation_flow import EvaluationRoundFlow

    rng = builder.rng
    year = timezone.localdate().year - 1
    period = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    closed = datetime.datetime(year + 1, 1, 20, 17, 30, tzinfo=timezone.get_default_timezone())
    indicators = {
        Direction.TOWNSHIP_TO_DEPARTMENT: [
            ("履行主体责任", 30, 100), ("业务指导", 20, 100), ("清单外事项", 20, 10),
            ("工作协同", 15, 10), ("服务态度", 15, 100),
        ],
        Direction.DEPARTMENT_TO_TOWNSHIP: [
            ("配合履职", 50, 100), ("信息报送", 30, 100), ("整改落实", 20, 10),
        ],
    }  # fmt: skip
    for county in sorted(builder.counties, key=lambda c: c == builder.bench_county):
        office = builder.users[office_username(county.code)]
        if county == builder.bench_county:
            open_current_round(county, office)
        with transaction.atomic():
            sets = {
                direction: evaluation_services.indicator_set_create(
                    actor=None,
                    county=county,
                    direction=direction,
                    name=f"{year}年度{Direction(direction).label}",
                    indicators=[
                        {
                            "name": name,
                            "weight": weight,
                            "max_score": maximum,
                            "scoring_rule": f"{name}：按完成情况给分。",
                        }
                        for name, weight, maximum in spec
                    ],
                )
                for direction, spec in indicators.items()
            }
            evaluation_round = EvaluationRound(
                flow_class=EvaluationRoundFlow,
                status=PROCESS.DONE,
                finished=closed,
                county=county,
                name=f"{year}年度双向互评",
                period_start=period[0],
                period_end=period[1],
                township_set=sets[Direction.TOWNSHIP_TO_DEPARTMENT],
                department_set=sets[Direction.DEPARTMENT_TO_TOWNSHIP],
                deadline=closed,
                stage=RoundStage.CLOSED,
                opened_by=office,
                closed_at=closed,
            )
            evaluation_round.save()
            departments = builder.departments_of[county.pk]
            townships = builder.townships_of[county.pk]
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
                specs = [
                    computation.IndicatorSpec(i.pk, i.weight, i.max_score)
                    for i in sets[direction].indicators.all()
                ]
                for rater in raters:
                    for ratee in ratees:
                        scores = None
                        if rng.random() >= 0.03:
                            scores = {
                                s.pk: Decimal(rng.randint(s.max_score * 6 // 10, s.max_score))
                                for s in specs
                            }
                        sheets.append(
                            ScoreSheet(
                                evaluation_round=evaluation_round,
                                direction=direction,
                                state=SheetState.SUBMITTED if scores else SheetState.MISSING,
                                total=computation.sheet_total(scores, specs) if scores else None,
                                submitted_at=closed - datetime.timedelta(days=5)
                                if scores
                                else None,
                                **{rater_key: rater, ratee_key: ratee},
                            )
                        )
                        values.append(scores)
            sheets = ScoreSheet.objects.bulk_create(sheets, batch_size=BATCH)
            Score.objects.bulk_create(
                (
                    Score(sheet=sheet, indicator_id=pk, value=value)
                    for sheet, scores in zip(sheets, values, strict=True)
                    if scores
                    for pk, value in scores.items()
                ),
                batch_size=BATCH * 2,
            )
            BaseScore.objects.bulk_create(
                [
                    BaseScore(
                        evaluation_round=evaluation_round,
                        value=rng.randint(70, 100),
                        entered_by=office,
                        **{kind: unit},
                    )
                    for kind, units in (("department", departments), ("township", townships))
                    for unit in units
                ]
            )
            round_results_store(evaluation_round=evaluation_round, actor=office)
            evaluation_round.stage = RoundStage.PUBLISHED
            evaluation_round.published_at = closed + datetime.timedelta(days=10)
            evaluation_round._history_user = office
            evaluation_round._change_reason = "公布评价结果"
            evaluation_round.save()
