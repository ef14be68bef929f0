"""The evaluation round flow end to end, through the services, as the real users."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.timers import fire_due_timers

from evaluation.models import EvaluationRound, RoundResult, ScoreSheet
from tests.evaluation.round_world import (
    OPEN,
    build_world,
    indicator_ids,
    let_deadline_pass,
    open_round,
    reminder_timer_node,
    sheet_of,
    sheet_tasks,
    submit,
)
from workflow.evaluation_flow import EvaluationRoundFlow
from workflow.models import Notification
from workflow.services import TaskNotOpen, evaluating

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_opening_creates_one_sheet_task_per_pair_and_tells_each_unit_once(world):
    evaluation_round = open_round(world)

    pairs = sorted(
        (s.direction, str(s.rater), str(s.ratee), s.state)
        for s in ScoreSheet.objects.filter(evaluation_round=evaluation_round)
    )
    t2d, d2t = "township_to_department", "department_to_township"
    assert pairs == sorted(
        [
            (t2d, "城关街道", "县住房和城乡建设局", "pending"),
            (t2d, "城关街道", "县应急管理局", "pending"),
            (t2d, "青石镇", "县住房和城乡建设局", "pending"),
            (t2d, "云岭乡", "县住房和城乡建设局", "pending"),
        ]
        + [
            (d2t, "县住房和城乡建设局", "城关街道", "pending"),
            (d2t, "县住房和城乡建设局", "青石镇", "pending"),
            (d2t, "县住房和城乡建设局", "云岭乡", "pending"),
            (d2t, "县应急管理局", "城关街道", "pending"),
        ]
    )
    tasks = sheet_tasks(evaluation_round)
    assert tasks.count() == 8
    assert {t.status for t in tasks} == {STATUS.NEW}
    sheet = sheet_of(evaluation_round, world.t1, world.b)
    task = tasks.get(data__sheet=sheet.pk)
    assert task.data == {"sheet": sheet.pk, "township": world.t1.pk}
    assert task.owner_permission == "organisations.act_for_township"
    # Each unit's head and staff get one notice, whatever its number of sheets.
    notices = Notification.objects.filter(subject="请填写评分表：2025年度双向互评")
    assert notices.count() == 10  # 3 townships × 2 users + 2 departments × 2 users
    t1_head = world.township_heads[world.t1.pk]
    assert notices.get(recipient=t1_head).body.endswith("本单位共有 2 张评分表待填写。")
    assert evaluation_round.history.get().history_user == world.office
    assert evaluation_round.opened_by == world.office
    assert set(evaluation_round.data) == {"remind_at", "due_at"}


def test_round_from_opening_to_published_results(world, client):
    evaluation_round = open_round(world)
    staff = world.township_staff[world.t1.pk]
    ids = indicator_ids(world.township_set)
    sheet = sheet_of(evaluation_round, world.t1, world.a)
    # Staff prepare a draft, the head submits it as is.
    draft = evaluating.score_sheet_save_draft(
        actor=staff, sheet_id=sheet.pk, scores={ids[0]: Decimal("90")}, comment="总体较好"
    )
    assert (draft.state, draft.prepared_by, draft.total) == ("draft", staff, None)
    with pytest.raises(PermissionDenied):
        evaluating.score_sheet_submit(actor=staff, sheet_id=sheet.pk)
    submitted = evaluating.score_sheet_submit(
        actor=world.township_heads[world.t1.pk], sheet_id=sheet.pk, scores={ids[1]: 8}
    )
    assert (submitted.state, submitted.total, submitted.comment) == (
        "submitted",
        Decimal("86.00"),
        "总体较好",
    )
    assert sheet_tasks(evaluation_round).get(data__sheet=sheet.pk).status == STATUS.DONE
    reasons = list(submitted.history.values_list("history_change_reason", "history_user"))
    assert reasons == [
        ("提交评分表", world.township_heads[world.t1.pk].pk),
        ("保存评分表草稿", staff.pk),
        ("开启评价轮次", world.office.pk),
    ]
    # Closing before every sheet is in is refused.
    with pytest.raises(ValidationError, match="暂不能结束评分"):
        evaluating.evaluation_round_close(actor=world.office, round_id=evaluation_round.pk)
    for rater, ratee in [
        (world.t1, world.b),
        (world.t2, world.a),
        (world.t3, world.a),
        *[(world.a, t) for t in world.townships],
        (world.b, world.t1),
    ]:
        values = ["80", "8"] if rater in world.townships else ["70", "7"]
        submit(world, evaluation_round, rater, ratee, values)
    close_task = Task.objects.get(process=evaluation_round, flow_task=EvaluationRoundFlow.close)
    assert close_task.status == STATUS.NEW
    assert Task.objects.filter(process=evaluation_round, status__in=OPEN).count() == 1
    assert not Task.objects.filter(process=evaluation_round, status=STATUS.SCHEDULED).exists()
    with pytest.raises(PermissionDenied):
        evaluating.evaluation_round_close(actor=world.other_office, round_id=evaluation_round.pk)
    with pytest.raises(PermissionDenied):
        evaluating.evaluation_round_close(actor=world.assessment, round_id=evaluation_round.pk)
    # The county office ends the scoring; the assessment office is told.
    evaluating.evaluation_round_close(actor=world.office, round_id=evaluation_round.pk)
    with pytest.raises(TaskNotOpen):
        evaluating.evaluation_round_close(actor=world.office, round_id=evaluation_round.pk)
    assert RoundResult.objects.filter(evaluation_round=evaluation_round).count() == 0
    called = Notification.objects.get(
        subject="评分已截止，请录入基础分并公布结果：2025年度双向互评"
    )
    assert (called.recipient, called.url) == (
        world.assessment,
        f"/evaluation/rounds/{evaluation_round.pk}/",
    )
    publish_task = Task.objects.get(process=evaluation_round, flow_task=EvaluationRoundFlow.publish)
    assert (publish_task.status, publish_task.owner_permission) == (
        STATUS.NEW,
        "organisations.assess_county",
    )
    # The assessment office enters the base scores (after the close) and publishes.
    evaluating.base_scores_set(
        actor=world.assessment,
        round_id=evaluation_round.pk,
        department_scores={world.a.pk: 90, world.b.pk: 80},
        township_scores={t.pk: 85 for t in world.townships},
    )

    published = evaluating.evaluation_round_publish(
        actor=world.assessment, round_id=evaluation_round.pk
    )

    assert (published.stage, published.published_at is not None) == ("published", True)
    process = EvaluationRound.objects.get(pk=evaluation_round.pk)
    assert process.status == PROCESS.DONE
    done = Task.objects.filter(process=process, status=STATUS.DONE)
    assert sorted({t.flow_task.name for t in done}) == [
        "close",
        "end",
        "fill_sheet",
        "join_sheets",
        "open_sheets",
        "publish",
        "start",
    ]
    assert list(process.history.values_list("stage", "history_change_reason", "history_user")) == [
        ("published", "流程结束", world.assessment.pk),
        ("published", "公布评价结果", world.assessment.pk),
        ("closed", "结束评分", world.office.pk),
        ("open", "开启评价轮次", world.office.pk),
    ]
    assert RoundResult.objects.filter(evaluation_round=evaluation_round).count() == 5
    assert set(RoundResult.history.values_list("history_user", "history_change_reason")) == {
        (world.assessment.pk, "计算评价结果")
    }
    told = Notification.objects.filter(subject="考核评价结果已公布：2025年度双向互评")
    assert told.count() == 10
    assert told.filter(recipient__in=[world.office, world.assessment]).count() == 0
    assert set(told.values_list("url", flat=True)) == {
        f"/evaluation/rounds/{evaluation_round.pk}/results/"
    }
    client.force_login(world.township_staff[world.t2.pk])
    assert client.get(f"/evaluation/rounds/{evaluation_round.pk}/results/").status_code == 200


def test_deadline_closes_open_sheets_as_missing_and_the_round_waits_for_nobody(world):
    evaluation_round = open_round(world)
    submit(world, evaluation_round, world.t1, world.a, ["90", "8"])

    assert let_deadline_pass(evaluation_round) == 7

    states = ScoreSheet.objects.filter(evaluation_round=evaluation_round).values_list(
        "state", flat=True
    )
    assert sorted(states) == ["missing"] * 7 + ["submitted"]
    assert Task.objects.get(
        process=evaluation_round, flow_task=EvaluationRoundFlow.close
    ).status == (STATUS.NEW)
    assert not Task.objects.filter(process=evaluation_round, status=STATUS.SCHEDULED).exists()
    assert Task.objects.filter(process=evaluation_round, status=STATUS.ERROR).count() == 0


def test_reminder_tells_each_unit_with_open_sheets_once(world):
    evaluation_round = open_round(world)
    submit(world, evaluation_round, world.t1, world.a, ["90", "8"])
    Task.objects.filter(
        process=evaluation_round, flow_task=reminder_timer_node(), status=STATUS.SCHEDULED
    ).update(scheduled=evaluation_round.created - datetime.timedelta(days=1))

    assert fire_due_timers() == 7

    reminders = Notification.objects.filter(subject="评分表即将截止：2025年度双向互评")
    # Every unit has an open sheet left (T1 still owes B): 5 units × 2 users.
    assert reminders.count() == 10
    t1_head = world.township_heads[world.t1.pk]
    assert reminders.get(recipient=t1_head).body.startswith("本单位尚有 1 张评分表未提交")
    assert sheet_tasks(evaluation_round).filter(status=STATUS.NEW).count() == 7


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent connections and the PostgreSQL row lock; SQLite's shared-cache "
    "test database cannot run concurrent writers (CI runs this on PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_one_sheet_submitted_twice_at_the_same_moment_takes_effect_once():
    from .test_concurrency import simultaneously

    world = build_world()
    evaluation_round = open_round(world)
    sheet = sheet_of(evaluation_round, world.t1, world.a)
    ids = indicator_ids(world.township_set)
    head = world.township_heads[world.t1.pk]
    history = ScoreSheet.history.filter(id=sheet.pk).count()

    outcomes = simultaneously(
        *(
            lambda values=values: evaluating.score_sheet_submit(
                actor=head, sheet_id=sheet.pk, scores=dict(zip(ids, values, strict=True))
            )
            for values in (["90", "8"], ["60", "6"])
        )
    )

    successes = [o for o in outcomes if isinstance(o, ScoreSheet)]
    refusals = [o for o in outcomes if isinstance(o, TaskNotOpen)]
    assert (len(successes), len(refusals)) == (1, 1), outcomes
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total) == ("submitted", successes[0].total)
    assert ScoreSheet.history.filter(id=sheet.pk).count() == history + 1
    assert sorted(sheet.scores.values_list("value", flat=True)) == sorted(
        successes[0].scores.values_list("value", flat=True)
    )
    assert sheet.scores.count() == 2
    task = sheet_tasks(evaluation_round).get(data__sheet=sheet.pk)
    assert (task.status, task.owner_id) == (STATUS.DONE, head.pk)
    join = Task.objects.get(process=evaluation_round, flow_task=EvaluationRoundFlow.join_sheets)
    assert list(join.previous.all()) == [task]
