"""The one 待办 across every flow: what waits for whom, its deadline, the header badge,
the landing page after login, 已办 and 我发起的, and the constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from organisations.models import Role
from tests.factories import user_with_role
from workflow import services, todo
from workflow.flows import ChangeRequestFlow
from workflow.models import ConsultationAnswer

from .conftest import open_task
from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db

DEADLINE = ChangeRequestFlow.consult__timeout_2


def consulting(world):
    process = file_add(world)
    forward(world, process)
    return process


def test_consultation_waits_for_the_township_head_with_its_deadline(county_world):
    world = county_world
    process = consulting(world)
    task = open_task(process, "consult", township=world.townships[0].pk)
    deadline = Task.objects.get(previous=task, flow_task=DEADLINE).scheduled

    rows = todo.todo_rows(world.heads[0])

    assert [(r.flow, r.number, r.title, r.step) for r in rows] == [
        ("准入申请", process.number, "新增事项：燃气安全入户排查", "征求意见")
    ]
    row = rows[0]
    assert row.sender == "周建华（清河县委编办）"
    assert row.deadline == deadline
    assert row.is_overdue is False
    assert row.url == f"/changerequest/{process.pk}/consult/{task.pk}/execute/"
    assert todo.todo_count(world.heads[0]) == 1
    # Another township's head and the other county see nothing of it.
    assert todo.todo_count(world.other_head) == 0
    assert todo.todo_rows(world.other_office) == []


def test_review_waits_for_the_county_office_and_leaves_it_when_done(county_world):
    world = county_world
    process = file_add(world)
    rows = todo.todo_rows(world.office)
    assert [(r.step, r.sender, r.deadline) for r in rows] == [
        ("形式审查", "王晓燕（县住房和城乡建设局）", None)
    ]
    forward(world, process)
    assert todo.todo_count(world.office) == 0
    done = todo.done_rows(world.office)
    assert [(r.step, r.number) for r in done] == [("形式审查", process.number)]
    assert done[0].finished is not None


def test_an_overdue_consultation_is_marked_overdue(county_world):
    world = county_world
    process = consulting(world)
    task = open_task(process, "consult", township=world.townships[1].pk)
    past = timezone.now() - datetime.timedelta(hours=1)
    Task.objects.filter(previous=task, flow_task=DEADLINE).update(scheduled=past)
    [row] = todo.todo_rows(world.heads[1])
    assert row.is_overdue is True
    assert row.deadline == past


def test_waiting_for_decision_is_the_county_office_s_todo(county_world):
    world = county_world
    process = consulting(world)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    rows = todo.todo_rows(world.office)
    assert [(r.flow, r.step, r.url) for r in rows] == [
        ("审定", "待提请审定", reverse("decisions:new"))
    ]
    # The department that filed is not the one to gather it.
    assert todo.todo_count(world.staff) == 0


def test_started_lists_what_the_user_filed(county_world):
    world = county_world
    process = consulting(world)
    rows = todo.started_rows(world.staff)
    assert [(r.flow, r.number, r.status) for r in rows] == [
        ("准入申请", process.number, "办理中：征求意见")
    ]
    assert todo.started_rows(world.heads[0]) == []


def test_page_shows_the_rows_and_the_badge(client, county_world):
    world = county_world
    consulting(world)
    client.force_login(world.heads[0])
    response = client.get("/todo/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="todo-count">1<' in html
    assert "新增事项：燃气安全入户排查" in html
    assert "来自 周建华（清河县委编办）" in html
    assert html.count('data-testid="todo-row"') == 1


def test_login_lands_on_todo():
    from django.conf import settings

    assert settings.LOGIN_REDIRECT_URL == "/todo/"


def test_todo_page_runs_a_constant_number_of_queries(
    client, county_world, django_assert_max_num_queries
):
    world = county_world
    office = world.office
    client.force_login(office)
    file_add(world)
    with django_assert_max_num_queries(TODO_PAGE_QUERIES):
        assert client.get("/todo/").status_code == 200
    for _ in range(4):
        file_add(world)
    with django_assert_max_num_queries(TODO_PAGE_QUERIES):
        response = client.get("/todo/")
    assert response.content.decode().count('data-testid="todo-row"') == 5


TODO_PAGE_QUERIES = 8


def test_staff_of_a_township_sees_no_consultation_to_answer(county_world):
    world = county_world
    consulting(world)
    staff = user_with_role(Role.TOWNSHIP_STAFF, world.townships[0])
    assert todo.todo_count(staff) == 0


def test_answering_removes_it(county_world):
    world = county_world
    process = consulting(world)
    services.consultation_answer(
        actor=world.heads[0],
        task_id=open_task(process, "consult", township=world.townships[0].pk).pk,
        answer=ConsultationAnswer.ACCEPT,
    )
    assert todo.todo_count(world.heads[0]) == 0
    assert todo.todo_count(world.heads[1]) == 1


def test_off_list_report_waits_for_the_department_then_the_county_office(db):
    from tests.arbitration import world as report_world

    world = report_world.make_world()
    report = report_world.file_report(world)

    rows = todo.todo_rows(world.staff)
    assert [(r.flow, r.number, r.step, r.sender) for r in rows] == [
        ("清单外事项", f"报告 #{report.pk}", "部门答复", f"张丽华（{world.township.name}）")
    ]
    assert rows[0].url == f"/reports/{report.pk}/answer/"
    assert rows[0].deadline is not None
    assert todo.todo_count(world.other_staff) == 0
    assert todo.todo_count(world.office) == 0

    report_world.answer(world, report)
    rows = todo.todo_rows(world.office)
    assert [(r.flow, r.step, r.url) for r in rows] == [
        ("清单外事项", "县委编办裁定", f"/reports/{report.pk}/rule/")
    ]
    assert todo.todo_count(world.staff) == 0
    assert [r.number for r in todo.started_rows(world.head)] == [f"报告 #{report.pk}"]


def test_score_sheets_wait_for_the_rater_unit(db):
    from evaluation.models import ScoreSheet
    from tests.evaluation.round_factories import evaluation_world, open_round

    world = evaluation_world(with_round=False)
    evaluation_round = open_round(world, name="2026年度双向互评")
    township = world.townships[0]
    sheets = ScoreSheet.objects.filter(evaluation_round=evaluation_round, rater_township=township)
    rows = todo.todo_rows(world.township_head)
    assert sorted(r.number for r in rows) == sorted(f"评分表 #{s.pk}" for s in sheets)
    assert {(r.flow, r.step, r.deadline) for r in rows} == {
        ("双向互评", "填写评分表", evaluation_round.deadline)
    }
    assert rows[0].title.startswith("2026年度双向互评：评价")


def test_the_badge_count_looks_each_kind_of_task_up_by_its_index(county_world):
    """What waits for a user is looked up by owner, by queue (permission and object:
    ``workflow_task_queue_idx``) and by step (``workflow_task_step_idx``), not by walking
    every open task. SQLite plans without statistics (nothing runs ANALYZE), so its plan
    is the one production gets; PostgreSQL plans by the table's statistics, so there the
    indexes are checked to exist on the right columns."""
    world = county_world
    consulting(world)
    assert todo.todo_count(world.heads[0]) == 1
    if connection.vendor != "sqlite":
        indexes = _index_columns("viewflow_task")
        assert indexes["workflow_task_queue_idx"] == (
            "owner_permission, owner_permission_obj_pk, owner_id, status"
        )
        assert indexes["workflow_task_step_idx"] == "flow_task, status"
        return
    # A township head's consultations wait in its township's queue.
    assert "workflow_task_queue_idx" in _plan(todo.todo_tasks(world.heads[0]))
    # The county office also gathers the requests waiting for the decision, by step.
    office_plan = _plan(todo.todo_tasks(world.office))
    assert "workflow_task_queue_idx" in office_plan
    assert "workflow_task_step_idx" in office_plan


def _plan(queryset) -> str:
    """SQLite's plan for ``queryset``, as text."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


def _index_columns(table: str) -> dict[str, str]:
    """``{index name: its columns joined by ", "}`` of ``table`` (PostgreSQL)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: ", ".join(details["columns"])
        for name, details in constraints.items()
        if details["index"]
    }
