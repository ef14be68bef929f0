"""Items published into the same list at the same moment all land, each with its own code.

The last answers of *different* requests run under different process locks, so before
the list's row was locked each transaction picked the same next code: all but one
failed (a 500 from the unique constraint, or a 400 from ``full_clean``). Now every
addition to a list takes ``duty_lists.services.duty_list_lock`` first.

The last answer publishes at once where the county lets the county office publish
uncontested changes under its standing authorisation (常设授权), which every test here
turns on; under 审定 the decision batch publishes instead (``test_decisions``).

The threaded tests need PostgreSQL (see ``test_concurrency``); the conflict tests run on
every backend.
"""

import re

import pytest
from django.db import IntegrityError
from django.test import Client
from rest_framework.test import APIClient
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from duty_lists import services as duty_services
from duty_lists.models import DutyItem, DutyList, Level
from organisations.services import api_token_issue
from tests.factories import make_item
from workflow.models import (
    ChangeRequestProcess,
    Consultation,
    ConsultationAnswer,
    CountyWorkflowSettings,
    Outcome,
)

from .conftest import add_fields
from .test_concurrency import (
    accept,
    consult_task,
    execute_url,
    file_and_forward,
    requires_postgresql,
    simultaneously,
)

# Enough simultaneous publications that, without the lock, losing some is near certain
# (12 of 24 and 8 of 12 were lost in the reported runs).
PARALLEL = 8
# New codes follow the list's pattern: level, the category's code (平安法治: PA), number.
CODE = re.compile(r"XZ-PA-\d{4}")


@pytest.fixture(autouse=True)
def _standing_authorisation(county_world):
    """Uncontested requests are published by the county office at the last answer."""
    CountyWorkflowSettings.objects.create(
        county=county_world.county,
        standing_authorisation=True,
        standing_authorisation_reference="清委办〔2026〕3号",
    )


def waiting_for_last_answer(world, count: int) -> list[tuple[ChangeRequestProcess, Task]]:
    """``count`` add requests into the township list, each accepted by two of its three
    townships: returns each request with its last open consultation task."""
    pending = []
    for number in range(count):
        process = file_and_forward(world, title=f"燃气安全入户排查{number}")
        accept(world, process, 0)
        accept(world, process, 1)
        pending.append((process, consult_task(world, process, 2)))
    return pending


def published_codes(world) -> list[str]:
    return sorted(
        DutyItem.objects.filter(duty_list__county=world.county).values_list("code", flat=True)
    )


def assert_all_published(world, pending) -> None:
    """Every request is done and published its own item, each item with its own code."""
    for process, task in pending:
        process.refresh_from_db()
        task.refresh_from_db()
        assert (process.status, process.outcome, task.status) == (
            PROCESS.DONE,
            Outcome.PUBLISHED,
            STATUS.DONE,
        ), process.title
        item = process.published_item
        assert (item.title, item.history.count()) == (process.title, 1)
    codes = published_codes(world)
    assert codes == [f"XZ-PA-{number:04d}" for number in range(1, len(pending) + 1)]
    assert Task.objects.filter(status=STATUS.ERROR).count() == 0


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_additions_to_one_list_get_distinct_codes(county_world):
    world = county_world
    duty_list = duty_services.duty_list_for(world.county, Level.TOWNSHIP)

    def add(number):
        return duty_services.duty_item_create(
            actor=None,
            duty_list=duty_list,
            reason="测试并发录入",
            **{
                **add_fields(world.county, title=f"并发事项{number}"),
                "lead_department": world.department,
            },
        )

    outcomes = simultaneously(*(lambda number=number: add(number) for number in range(PARALLEL)))

    assert [type(outcome) for outcome in outcomes] == [DutyItem] * PARALLEL, outcomes
    assert len({outcome.code for outcome in outcomes}) == PARALLEL
    assert all(CODE.fullmatch(outcome.code) for outcome in outcomes)
    assert published_codes(world) == [f"XZ-PA-{n:04d}" for n in range(1, PARALLEL + 1)]
    assert DutyItem.history.filter(history_type="+").count() == PARALLEL


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_last_answers_of_several_requests_at_the_same_moment_all_publish(county_world):
    world = county_world
    pending = waiting_for_last_answer(world, PARALLEL)

    outcomes = simultaneously(
        *(
            lambda task=task: accept_last(world, task)
            for _process, task in pending  # one head answers every request
        )
    )

    assert [type(outcome) for outcome in outcomes] == [Consultation] * PARALLEL, outcomes
    assert_all_published(world, pending)


def accept_last(world, task) -> Consultation:
    from workflow import services

    return services.consultation_answer(
        actor=world.heads[2], task_id=task.pk, answer=ConsultationAnswer.ACCEPT
    )


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_last_answers_posted_to_the_api_at_the_same_moment_all_publish(county_world):
    world = county_world
    pending = waiting_for_last_answer(world, PARALLEL)
    _, token_key = api_token_issue(user=world.heads[2])

    def post(task):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
        return client.post(
            f"/api/tasks/{task.pk}/complete/",
            {"step": "consult", "answer": "accept", "reason": ""},
            format="json",
        )

    responses = simultaneously(*(lambda task=task: post(task) for _process, task in pending))

    assert [response.status_code for response in responses] == [200] * PARALLEL, [
        getattr(response, "content", response) for response in responses
    ]
    assert sorted(response.json()["outcome"] for response in responses) == ["published"] * (
        PARALLEL
    )
    assert_all_published(world, pending)


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_last_answers_posted_through_the_forms_at_the_same_moment_all_publish(county_world):
    world = county_world
    pending = waiting_for_last_answer(world, PARALLEL)
    browser = Client()
    browser.force_login(world.heads[2])
    form = {"answer": ConsultationAnswer.ACCEPT, "reason": "", "counter_proposal": ""}

    def post(task):
        client = Client()
        client.cookies.update(browser.cookies)
        return client.post(execute_url(task), form)

    responses = simultaneously(*(lambda task=task: post(task) for _process, task in pending))

    assert [response.status_code for response in responses] == [302] * PARALLEL, responses
    assert_all_published(world, pending)


# --- a conflict the lock cannot prevent (every backend) --------------------------------

CONFLICT_MESSAGE = "提交的内容与他人同时保存的数据冲突，本次提交未生效，请刷新页面后重试。"


@pytest.fixture
def code_collision(monkeypatch, county_world):
    """The database refuses the published item with a unique violation.

    Stands in for a writer that does not take the list's lock: the code allocator
    hands out a code already used, and Django's own pre-check of the constraint is
    skipped, so the INSERT itself fails (a real ``IntegrityError`` from the database).
    """
    taken = make_item(county=county_world.county, code="XZ-PA-0001")
    monkeypatch.setattr(
        duty_services, "duty_item_next_code", lambda duty_list, category: taken.code
    )
    monkeypatch.setattr(DutyItem, "validate_constraints", lambda self, exclude=None: None)
    return taken


def world_state(world):
    return {
        "items": list(DutyItem.objects.order_by("pk").values_list("pk", "code", "title")),
        "item history": DutyItem.history.count(),
        "lists": DutyList.objects.count(),
        "consultations": list(Consultation.objects.order_by("pk").values_list("pk", "answer")),
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "status", "owner_id")),
        "outcomes": list(ChangeRequestProcess.objects.values_list("pk", "outcome")),
    }


@pytest.mark.django_db
def test_unique_violation_at_publication_is_a_409_on_the_api(county_world, code_collision):
    world = county_world
    [(process, task)] = waiting_for_last_answer(world, 1)
    before = world_state(world)
    _, token_key = api_token_issue(user=world.heads[2])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")

    response = client.post(
        f"/api/tasks/{task.pk}/complete/",
        {"step": "consult", "answer": "accept", "reason": ""},
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == {"detail": CONFLICT_MESSAGE}
    assert world_state(world) == before


@pytest.mark.django_db
def test_unique_violation_at_publication_shows_a_message_on_the_form(county_world, code_collision):
    world = county_world
    [(process, task)] = waiting_for_last_answer(world, 1)
    before = world_state(world)
    client = Client()
    client.force_login(world.heads[2])
    form = {"answer": ConsultationAnswer.ACCEPT, "reason": "", "counter_proposal": ""}

    response = client.post(execute_url(task), form)

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [CONFLICT_MESSAGE]
    assert CONFLICT_MESSAGE in response.content.decode()
    assert world_state(world) == before


@pytest.mark.django_db
def test_unique_violation_elsewhere_on_a_page_is_a_409_page(county_world, monkeypatch, client):
    """Pages without their own handling answer a 409 page, never a 500."""
    world = county_world
    client.force_login(world.staff)

    def refuse(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "x"')

    monkeypatch.setattr("workflow.views.notifications.notification_mark_read", refuse)
    response = client.post("/notifications/read/", {"all": "1"})

    assert response.status_code == 409
    assert CONFLICT_MESSAGE in response.content.decode()
