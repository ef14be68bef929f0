"""The demo county's evaluation rounds (演示考核评价): last year's round, closed with
published results, and this year's round, open with some sheets submitted and some
drafts.

Everything goes through ``workflow.services.evaluating`` as the demo users: the county
office opens and closes the scoring, the assessment office (县考核办) enters the base
scores and publishes; the heads of the rater units
submit, staff save drafts. The demo logins cover only a few units, so every other rater
unit gets a head of its own (评分联络人, no password: not a login), created through
``organisations.services`` by the demo county administrator.

Last year's round is replayed: it is opened with a deadline in the future (the service
accepts no other), most sheets are submitted, then its deadline is moved to the past and
the flow's deadline timers are fired, as ``manage.py workflow_timers`` would have done,
so the two sheets left open become missing (逾期未交) with a late flag. A round that
already exists (same county and name) is left alone, so a re-run writes nothing. The
notices of the replayed year (fill in, deadline near, scoring closed) are removed
afterwards: only the publication of its results is news on the day the demo loads.
"""

import datetime
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from evaluation.models import EvaluationRound, Indicator, ScoreSheet
from evaluation.round_services import round_units
from organisations import services as org_services
from organisations.models import County, Membership, Role, User

from .evaluation_flow import EvaluationRoundFlow
from .models import Notification
from .services import evaluating
from .services.common import OPEN_STATUSES

COUNTY = "清河县"
PAST_ROUND = "2025年度双向互评"
CURRENT_ROUND = "2026年度双向互评"
# (rater, ratee) of last year's sheets left unsubmitted until the deadline passed.
PAST_MISSING = (("云岭乡", "县住房和城乡建设局"), ("县应急管理局", "云岭乡"))
# This year's sheets: submitted by these heads, drafts saved by these staff.
CURRENT_SUBMITTERS = ("chengguan_head", "zjj_head")
CURRENT_DRAFTS = ("qingshi_head", "yjj_staff")
RATER_PREFIX = "rater-"
ASSESSMENT = "kaohe"


@dataclass
class EvaluationReport:
    """What ``demo_evaluation_load`` did."""

    created: int = 0
    existing: int = 0


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _share(rater, ratee, indicator) -> Decimal:
    """A stable score share between 0.70 and 0.99 for one indicator of one sheet."""
    seed = zlib.crc32(f"{rater.pk}-{ratee.pk}-{indicator.pk}".encode())
    return Decimal(70 + seed % 30) / 100


def _scores(sheet: ScoreSheet, indicators: dict[int, list[Indicator]]) -> dict[int, Decimal]:
    set_id = (
        sheet.evaluation_round.township_set_id
        if sheet.rater_township_id
        else sheet.evaluation_round.department_set_id
    )
    return {
        i.pk: (i.max_score * _share(sheet.rater, sheet.ratee, i)).quantize(Decimal("0.01"))
        for i in indicators[set_id]
    }


def _heads(county: County, admin: User) -> dict[tuple[str, int], User]:
    """A head (负责人) of every township and department of ``county``: the demo login if
    there is one, else a rater head without a password, created here."""
    heads = {}
    for membership in Membership.objects.filter(
        county=county, role__in=[Role.TOWNSHIP_HEAD, Role.DEPARTMENT_HEAD]
    ).select_related("user"):
        key = (
            ("township", membership.township_id)
            if membership.township_id
            else ("department", membership.department_id)
        )
        heads.setdefault(key, membership.user)
    for kind, units, role in (
        ("township", county.townships.order_by("code"), Role.TOWNSHIP_HEAD),
        ("department", county.departments.order_by("code"), Role.DEPARTMENT_HEAD),
    ):
        for unit in units:
            if (kind, unit.pk) in heads:
                continue
            user = org_services.user_create(
                actor=admin,
                county=county,
                username=f"{RATER_PREFIX}{unit.code}".lower(),
                display_name=f"{unit.name}评分联络人",
                password=None,
            )
            unit_field = {kind: unit}
            org_services.membership_grant(
                actor=admin, user=user, role=role, county=county, **unit_field
            )
            heads[kind, unit.pk] = user
    return heads


def _head_of(heads, sheet: ScoreSheet) -> User:
    if sheet.rater_township_id:
        return heads["township", sheet.rater_township_id]
    return heads["department", sheet.rater_department_id]


def _open(county, office, name, period, deadline) -> EvaluationRound:
    return evaluating.evaluation_round_open(
        actor=office,
        county=county,
        name=name,
        period_start=period[0],
        period_end=period[1],
        deadline=deadline,
    )


def _sheets(evaluation_round):
    return list(
        ScoreSheet.objects.filter(evaluation_round=evaluation_round)
        .select_related("evaluation_round", "rater_township", "rater_department")
        .select_related("ratee_township", "ratee_department")
        .order_by("pk")
    )


def _indicators(evaluation_round) -> dict[int, list[Indicator]]:
    indicators = {}
    for set_id in (evaluation_round.township_set_id, evaluation_round.department_set_id):
        indicators[set_id] = list(
            Indicator.objects.filter(indicator_set_id=set_id).order_by("order", "pk")
        )
    return indicators


def _past_round(county, office, heads) -> None:
    now = timezone.now()
    evaluation_round = _open(
        county,
        office,
        PAST_ROUND,
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        now + datetime.timedelta(days=1),
    )
    indicators = _indicators(evaluation_round)
    for sheet in _sheets(evaluation_round):
        if (sheet.rater.name, sheet.ratee.name) in PAST_MISSING:
            continue
        evaluating.score_sheet_submit(
            actor=_head_of(heads, sheet), sheet_id=sheet.pk, scores=_scores(sheet, indicators)
        )
    # Time passes: the deadline (15 January, 18:00 China time) is over and the timer
    # sweep closes the sheets still open as missing.
    deadline = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)
    EvaluationRound.objects.filter(pk=evaluation_round.pk).update(deadline=deadline)
    hosts = Task.objects.filter(
        process=evaluation_round,
        flow_task=EvaluationRoundFlow.fill_sheet,
        status__in=OPEN_STATUSES,
    )
    # Timer ids from the link table alone: a join with the task table inside the
    # UPDATE was planned as a scan per row by PostgreSQL on fresh tables.
    host_ids = list(hosts.values_list("pk", flat=True))
    links = Task.previous.through.objects.filter(to_task_id__in=host_ids)
    timer_ids = list(links.values_list("from_task_id", flat=True))
    Task.objects.filter(pk__in=timer_ids).update(scheduled=deadline)
    fire_due_timers()
    evaluating.evaluation_round_close(actor=office, round_id=evaluation_round.pk)
    # The scoring closed, the assessment office enters the comprehensive assessment's
    # results as base scores and publishes.
    assessment = _user(ASSESSMENT)
    department_ids, township_ids = round_units(evaluation_round)
    evaluating.base_scores_set(
        actor=assessment,
        round_id=evaluation_round.pk,
        department_scores={
            d.pk: Decimal(82 + zlib.crc32(d.code.encode()) % 14)
            for d in county.departments.filter(pk__in=department_ids)
        },
        township_scores={
            t.pk: Decimal(80 + zlib.crc32(t.code.encode()) % 16)
            for t in county.townships.filter(pk__in=township_ids)
        },
    )
    evaluating.evaluation_round_publish(actor=assessment, round_id=evaluation_round.pk)
    _forget_replayed_notices(evaluation_round)


def _forget_replayed_notices(evaluation_round: EvaluationRound) -> int:
    """Remove the in-app notices the replay of a past round left behind, except that
    its results are published: "please fill in", "the deadline is near" and "the scoring
    closed" were news in January, not on the day the demo loads, and would sit in the
    users' notifications as tasks to do for a round long published. Returns the number
    removed."""
    name = evaluation_round.name
    subjects = [
        f"请填写评分表：{name}",
        f"评分表即将截止：{name}",
        f"评分已截止，请录入基础分并公布结果：{name}",
    ]
    removed, _ = Notification.objects.filter(subject__in=subjects).delete()
    return removed


def _current_round(county, office) -> None:
    evaluation_round = _open(
        county,
        office,
        CURRENT_ROUND,
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        timezone.now() + datetime.timedelta(days=21),
    )
    indicators = _indicators(evaluation_round)
    sheets = _sheets(evaluation_round)
    for username in CURRENT_SUBMITTERS + CURRENT_DRAFTS:
        user = _user(username)
        membership = user.memberships.get()
        unit_id = membership.township_id or membership.department_id
        own = [
            s
            for s in sheets
            if unit_id == (s.rater_township_id if membership.township_id else s.rater_department_id)
        ]
        # Half of a submitter's sheets are submitted, the next two saved as drafts.
        for index, sheet in enumerate(own[: max(2, len(own) // 2)]):
            scores = _scores(sheet, indicators)
            if username in CURRENT_SUBMITTERS and index % 3 != 2:
                evaluating.score_sheet_submit(actor=user, sheet_id=sheet.pk, scores=scores)
            elif index < 4:
                partial = dict(list(scores.items())[:2])
                evaluating.score_sheet_save_draft(
                    actor=user, sheet_id=sheet.pk, scores=partial, comment="初评，待负责人审核。"
                )


def demo_evaluation_load() -> EvaluationReport:
    """Create the demo county's two evaluation rounds if they are not there yet.

    Returns how many rounds were created and how many already existed. Raises what the
    services raise (``PermissionDenied``, ``ValidationError``) if the demo users or
    units do not fit; the caller's transaction then writes nothing.
    """
    report = EvaluationReport()
    county = County.objects.get(name=COUNTY)
    office = _user("office")
    heads = None
    for name, build in ((PAST_ROUND, "past"), (CURRENT_ROUND, "current")):
        if EvaluationRound.objects.filter(county=county, name=name).exists():
            report.existing += 1
            continue
        if build == "past":
            heads = heads or _heads(county, _user("admin"))
            _past_round(county, office, heads)
        else:
            _current_round(county, office)
        report.created += 1
    return report
