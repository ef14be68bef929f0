"""Bad input and wrong users: a clear message naming the field or indicator, and
nothing written."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task

from evaluation.models import EvaluationRound, Score, ScoreSheet, SheetFlag
from workflow.services import evaluating

from .round_world import (
    build_world,
    indicator_ids,
    let_deadline_pass,
    open_round,
    sheet_of,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def snapshot():
    """Everything a refused sheet action must leave as it was."""
    return (
        list(ScoreSheet.objects.order_by("pk").values_list("pk", "state", "total", "comment")),
        list(Score.objects.order_by("pk").values_list("pk", "value")),
        ScoreSheet.history.count(),
        Score.history.count(),
        SheetFlag.objects.count(),
        list(Task.objects.order_by("pk").values_list("pk", "status", "owner")),
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["101", "8"], "指标“依单履职”：分值不能超过满分 100（现为 101）。"),
        (["90", "10.5"], "指标“响应及时”：分值不能超过满分 10（现为 10.5）。"),
        (["-1", "8"], "指标“依单履职”：分值不能小于 0（现为 -1）。"),
        (["九十", "8"], "指标“依单履职”：“九十”不是有效的数字。"),
        (["NaN", "8"], "指标“依单履职”：“NaN”不是有效的数字。"),
        (["90.123", "8"], "指标“依单履职”：分值最多保留两位小数（现为 90.123）。"),
    ],
)
def test_bad_score_is_refused_naming_the_indicator_and_nothing_is_saved(world, values, message):
    evaluation_round = open_round(world)
    ids = indicator_ids(world.township_set)
    sheet = sheet_of(evaluation_round, world.t1, world.a)
    before = snapshot()

    with pytest.raises(ValidationError) as raised:
        evaluating.score_sheet_submit(
            actor=world.township_heads[world.t1.pk],
            sheet_id=sheet.pk,
            scores=dict(zip(ids, values, strict=True)),
        )

    assert raised.value.message_dict == {"scores": [message]}
    assert snapshot() == before


def test_incomplete_sheet_names_each_unscored_indicator(world):
    evaluation_round = open_round(world)
    ids = indicator_ids(world.township_set)
    sheet = sheet_of(evaluation_round, world.t1, world.a)
    evaluating.score_sheet_save_draft(
        actor=world.township_staff[world.t1.pk], sheet_id=sheet.pk, scores={ids[0]: 90}
    )
    before = snapshot()

    with pytest.raises(ValidationError) as raised:
        evaluating.score_sheet_submit(actor=world.township_heads[world.t1.pk], sheet_id=sheet.pk)

    assert raised.value.message_dict == {"scores": ["指标“响应及时”：请填写分值。"]}
    assert snapshot() == before


def test_indicator_of_another_set_is_refused(world):
    evaluation_round = open_round(world)
    foreign = indicator_ids(world.department_set)[0]
    sheet = sheet_of(evaluation_round, world.t1, world.a)

    with pytest.raises(ValidationError) as raised:
        evaluating.score_sheet_save_draft(
            actor=world.township_staff[world.t1.pk], sheet_id=sheet.pk, scores={foreign: 5}
        )

    assert raised.value.message_dict == {
        "scores": [f"指标（编号 {foreign}）不属于本评分表的指标体系。"]
    }


def test_sheet_submitted_after_the_deadline_is_refused_and_nothing_saved(world):
    evaluation_round = open_round(world)
    sheet = sheet_of(evaluation_round, world.t1, world.a)
    EvaluationRound.objects.filter(pk=evaluation_round.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    before = snapshot()

    with pytest.raises(ValidationError) as raised:
        submit(world, evaluation_round, world.t1, world.a, ["90", "8"])

    [message] = raised.value.message_dict["deadline"]
    assert message.startswith("评分已于 ")
    assert message.endswith(" 截止，评分表未保存。")
    assert snapshot() == before
    with pytest.raises(ValidationError, match="截止，评分表未保存"):
        evaluating.score_sheet_save_draft(
            actor=world.township_staff[world.t1.pk], sheet_id=sheet.pk, scores={}
        )


def test_sheet_submitted_after_the_round_closed_is_refused_and_nothing_saved(world):
    evaluation_round = open_round(world)
    let_deadline_pass(evaluation_round)
    evaluating.evaluation_round_close(actor=world.office, round_id=evaluation_round.pk)
    before = snapshot()

    with pytest.raises(ValidationError) as raised:
        submit(world, evaluation_round, world.t1, world.a, ["90", "8"])

    assert raised.value.message_dict == {"deadline": ["本轮评价已结束评分，评分表未保存。"]}
    assert snapshot() == before


def test_second_submit_is_refused_with_task_not_open(world):
    evaluation_round = open_round(world)
    submit(world, evaluation_round, world.t1, world.a, ["90", "8"])
    before = snapshot()

    with pytest.raises(evaluating.TaskNotOpen, match="已办理完毕或已关闭"):
        submit(world, evaluation_round, world.t1, world.a, ["10", "1"])

    assert snapshot() == before


@pytest.mark.parametrize(
    "who", ["anonymous", "township_staff", "other_township_head", "department_staff", "office"]
)
def test_only_the_rater_units_head_submits(world, who, caplog):
    evaluation_round = open_round(world)
    actor = {
        "anonymous": AnonymousUser(),
        "township_staff": world.township_staff[world.t1.pk],
        "other_township_head": world.township_heads[world.t2.pk],
        "department_staff": world.department_staff[world.a.pk],
        "office": world.office,
    }[who]
    before = snapshot()

    with caplog.at_level(logging.WARNING, logger="qingdan.audit"), pytest.raises(PermissionDenied):
        submit(world, evaluation_round, world.t1, world.a, ["90", "8"], actor=actor)

    assert snapshot() == before
    assert "may not 提交评分表" in caplog.text


def test_department_staff_drafts_and_only_the_department_head_submits(world):
    evaluation_round = open_round(world)
    sheet = sheet_of(evaluation_round, world.a, world.t1)
    ids = indicator_ids(world.department_set)
    staff, head = world.department_staff[world.a.pk], world.department_heads[world.a.pk]
    evaluating.score_sheet_save_draft(
        actor=staff, sheet_id=sheet.pk, scores={ids[0]: 80, ids[1]: 8}
    )
    with pytest.raises(PermissionDenied):
        evaluating.score_sheet_submit(actor=staff, sheet_id=sheet.pk)
    with pytest.raises(PermissionDenied):
        evaluating.score_sheet_save_draft(
            actor=world.department_staff[world.b.pk], sheet_id=sheet.pk, scores={}
        )

    done = evaluating.score_sheet_submit(actor=head, sheet_id=sheet.pk)

    assert (done.state, done.total, done.submitted_by) == ("submitted", Decimal("80.00"), head)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": " "}, "name", "请填写轮次名称。"),
        (
            {"period_start": datetime.date(2025, 12, 31), "period_end": datetime.date(2025, 1, 1)},
            "period_end",
            "考核期截止日期不能早于起始日期。",
        ),
        (
            {"deadline": timezone.now() - datetime.timedelta(hours=1)},
            "deadline",
            "评分截止时间必须晚于当前时间。",
        ),
        (
            {"bundling_weight": Decimal("1.2")},
            "bundling_weight",
            "互评结果权重应在 0 到 1 之间，最多三位小数（现为 1.2）。",
        ),
        (
            {"penalty_per_report": Decimal("-1")},
            "penalty_per_report",
            "每件扣分应在 0 到 999.99 之间，最多两位小数（现为 -1）。",
        ),
    ],
)
def test_bad_round_is_refused_naming_the_field(world, overrides, field, message):
    with pytest.raises(ValidationError) as raised:
        open_round(world, **overrides)

    assert raised.value.message_dict == {field: [message]}
    assert EvaluationRound.objects.count() == 0
    assert ScoreSheet.objects.count() == 0


def test_set_of_the_wrong_direction_is_refused(world):
    with pytest.raises(ValidationError) as raised:
        open_round(world, township_set=world.department_set)

    assert raised.value.message_dict == {
        "township_set": ["请选择“乡镇(街道)评价部门”方向的指标体系。"]
    }


@pytest.mark.parametrize("who", ["other_office", "admin", "township_head"])
def test_only_the_county_office_opens_a_round(world, who):
    actor = {
        "other_office": world.other_office,
        "admin": world.admin,
        "township_head": world.township_heads[world.t1.pk],
    }[who]

    with pytest.raises(PermissionDenied):
        open_round(world, actor=actor)

    assert EvaluationRound.objects.count() == 0


def test_base_score_for_an_unknown_unit_or_out_of_range_is_named(world):
    evaluation_round = open_round(world)

    with pytest.raises(ValidationError) as raised:
        evaluating.base_scores_set(
            actor=world.assessment,
            round_id=evaluation_round.pk,
            department_scores={999999: 80, world.a.pk: 101},
            township_scores={world.t1.pk: "abc"},
        )

    assert raised.value.message_dict == {
        "department_scores": [
            "部门（编号 999999）不是本轮的参评单位。",
            f"部门（编号 {world.a.pk}）的基础分：分值不能超过满分 100（现为 101）。",
        ],
        "township_scores": [f"乡镇(街道)（编号 {world.t1.pk}）的基础分：“abc”不是有效的数字。"],
    }
    assert evaluation_round.base_scores.count() == 0
