"""The same task completed twice: at the same moment (threads released by a barrier, on
PostgreSQL) or one submit after the other (every backend).

DESIGN §6: two people completing the same task, or one person double-submitting, gives
exactly one effect and a clear message to the other. The flow's ``SelectForUpdateLock``
serialises every transition of a process; ``run_human_task`` re-reads the task under
that lock, so the later of two submits finds it done and raises ``TaskNotOpen`` (whoever
it is: the task is assigned and completed in one transaction, so the loser never sees it
merely assigned to the winner, which would be a ``PermissionDenied``).

The threaded tests need real concurrent connections: pytest-django's SQLite test
database is a shared-cache in-memory database, where concurrent writers fail with
"database table is locked" instead of queueing. CI runs them on PostgreSQL.
"""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import get_resolver
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from arbitration.models import DecisionBatch
from duty_lists.models import DutyItem, Release
from organisations.models import Role
from tests.decisions import as_proposed, decide, prepare
from tests.factories import user_with_role
from workflow import services
from workflow.flows import ChangeRequestFlow
from workflow.models import (
    ChangeKind,
    ChangeRequestProcess,
    Consultation,
    ConsultationAnswer,
    Notification,
    Outcome,
)

from .conftest import add_fields, open_task

requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent connections and the PostgreSQL row lock; "
    "SQLite's shared-cache test database cannot run concurrent writers (CI runs these "
    "on PostgreSQL)",
)


def refusal_message(task) -> str:
    """What the later of two submits is told (``TaskNotOpen``)."""
    return f"该任务（#{task.pk}）已办理完毕或已关闭，本次提交未生效，请刷新页面查看最新状态。"


def simultaneously(*calls):
    """Run each call in its own thread, all released at the same moment by a barrier.

    Returns, in call order, what each call returned or the exception it raised. Every
    thread opens its database connection before the barrier (so the calls really
    overlap) and closes it at the end.
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            outcomes[index] = call()
        except Exception as error:  # the test asserts what was raised
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (lock wait?)"
    return outcomes


def file_and_forward(world, title: str = "燃气安全入户排查") -> ChangeRequestProcess:
    """An add request touching the three townships, forwarded to consultation."""
    process = file_request(world, title)
    services.change_request_review(
        actor=world.office, task_id=open_task(process, "review").pk, decision="forward"
    )
    return process


def file_request(world, title: str) -> ChangeRequestProcess:
    return services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.ADD,
        level="township",
        department=world.department,
        fields=add_fields(world.county, title=title),
        target_townships=world.townships,
        reasons="属地需要配合入户排查。",
    )


def consult_task(world, process, index: int) -> Task:
    return open_task(process, "consult", township=world.townships[index].pk)


def accept(world, process, index: int) -> Consultation:
    """The township's head accepts (one after the other)."""
    return accept_task(consult_task(world, process, index), actor=world.heads[index])


def accept_task(task, *, actor) -> Consultation:
    return services.consultation_answer(
        actor=actor, task_id=task.pk, answer=ConsultationAnswer.ACCEPT
    )


def execute_url(task) -> str:
    """The task's form URL (viewflow names its URLs once the URLconf is loaded)."""
    assert get_resolver().url_patterns
    return task.reverse("execute")


def shown_messages(response) -> tuple[list[str], list[str]]:
    """The levels and texts of the messages a response queued for the next page."""
    queued = list(get_messages(response.wsgi_request))
    return [m.level_tag for m in queued], [str(m.message) for m in queued]


def tasks_of(process, node_name: str):
    return Task.objects.filter(process=process, flow_task=getattr(ChangeRequestFlow, node_name))


def one_success_one_refusal(outcomes, success_type):
    """The single outcome of ``success_type`` and the single ``TaskNotOpen``."""
    successes = [o for o in outcomes if isinstance(o, success_type)]
    refusals = [o for o in outcomes if isinstance(o, services.TaskNotOpen)]
    assert (len(successes), len(refusals)) == (1, 1), outcomes
    return successes[0], refusals[0]


def publication_problems(process, office) -> list[str]:
    """What is wrong with a process that should wait for 审定 and, once ``office``
    records the decision, have published its item exactly once."""
    waiting = list(tasks_of(process, "await_decision").values_list("status", flat=True))
    if waiting != [STATUS.NEW]:
        return [f"await_decision: {waiting!r} (expected {[STATUS.NEW]!r})"]
    decide(office, process)
    process.refresh_from_db()
    problems = []
    observed = {
        "process": (process.status, process.outcome),
        "join_consult": list(tasks_of(process, "join_consult").values_list("status", flat=True)),
        "await_decision": list(
            tasks_of(process, "await_decision").values_list("status", flat=True)
        ),
        "publish": list(tasks_of(process, "publish").values_list("status", flat=True)),
        "end": list(tasks_of(process, "end").values_list("status", flat=True)),
        "consultations": Consultation.objects.filter(process=process).count(),
        "items": DutyItem.objects.filter(title=process.title).count(),
        "item history": DutyItem.history.filter(title=process.title).count(),
        "published notices": Notification.objects.filter(
            recipient_id=process.requested_by_id, process=process, subject__startswith="申请已发布"
        ).count(),
        "error tasks": Task.objects.filter(process=process, status=STATUS.ERROR).count(),
    }
    expected = {
        "process": (PROCESS.DONE, Outcome.PUBLISHED),
        "join_consult": [STATUS.DONE],
        "await_decision": [STATUS.DONE],
        "publish": [STATUS.DONE],
        "end": [STATUS.DONE],
        "consultations": 3,
        "items": 1,
        "item history": 1,
        "published notices": 1,
        "error tasks": 0,
    }
    for key, value in expected.items():
        if observed[key] != value:
            problems.append(f"{key}: {observed[key]!r} (expected {value!r})")
    return problems


def second_head(world, index: int):
    """Another head of the same township: both may answer its consultation."""
    return user_with_role(Role.TOWNSHIP_HEAD, world.townships[index], display_name="副职负责人")


def second_office_user(world):
    return user_with_role(Role.COUNTY_OFFICE, world.county, display_name="李明")


# --- at the same moment (PostgreSQL) --------------------------------------------------

# Each double submit is raced this often, on a fresh request each time (without the lock
# every round of them went wrong in the scratch runs).
ROUNDS = 3


@requires_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["same_user", "two_heads_of_the_township"])
def test_simultaneous_answers_to_one_consultation_take_effect_once(county_world, who):
    world = county_world
    first = world.heads[0]
    second = first if who == "same_user" else second_head(world, 0)
    for round_ in range(ROUNDS):
        process = file_and_forward(world, title=f"燃气安全入户排查{round_}")
        task = consult_task(world, process, 0)
        notices = Notification.objects.count()

        outcomes = simultaneously(
            lambda task=task: accept_task(task, actor=first),
            lambda task=task: accept_task(task, actor=second),
        )

        consultation, refusal = one_success_one_refusal(outcomes, Consultation)
        assert str(refusal) == refusal_message(task)
        assert list(Consultation.objects.filter(process=process)) == [consultation]
        assert consultation.history.count() == 1
        task.refresh_from_db()
        assert (task.status, task.owner_id) == (STATUS.DONE, consultation.answered_by_id)
        assert consultation.answered_by_id in {first.pk, second.pk}
        join = tasks_of(process, "join_consult").get()
        assert (join.status, list(join.previous.all())) == (STATUS.STARTED, [task])
        assert tasks_of(process, "consult").filter(status=STATUS.NEW).count() == 2
        assert Notification.objects.count() == notices  # an acceptance tells nobody
        # The process is intact: the other two answers publish it exactly once.
        accept(world, process, 1)
        accept(world, process, 2)
        assert publication_problems(process, world.office) == []


@requires_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["same_user", "two_office_users"])
def test_simultaneous_reviews_forward_once(county_world, who):
    world = county_world
    first = world.office
    second = first if who == "same_user" else second_office_user(world)
    for round_ in range(ROUNDS):
        process = file_request(world, title=f"燃气安全入户排查{round_}")
        task = open_task(process, "review")

        outcomes = simultaneously(
            *(
                lambda actor=actor, task=task: services.change_request_review(
                    actor=actor, task_id=task.pk, decision="forward"
                )
                for actor in (first, second)
            )
        )

        _none, refusal = one_success_one_refusal(outcomes, type(None))
        assert str(refusal) == refusal_message(task)
        task.refresh_from_db()
        assert task.status == STATUS.DONE
        assert task.owner_id in {first.pk, second.pk}
        process.refresh_from_db()
        assert process.reviewed_by_id == task.owner_id
        assert list(process.history.values_list("history_change_reason", flat=True)) == [
            "形式审查：通过审查，征求意见",
            "提出申请",
        ]
        assert tasks_of(process, "check_review").get().status == STATUS.DONE
        assert tasks_of(process, "consult_split").get().status == STATUS.DONE
        assert sorted(tasks_of(process, "consult").values_list("data__township", "status")) == [
            (township.pk, STATUS.NEW) for township in world.townships
        ]
        for index in range(3):
            accept(world, process, index)
        assert publication_problems(process, world.office) == []


# Without the lock about one round in four loses the Join here (measured on PostgreSQL
# 15), so 20 rounds let a missing lock slip through in well under 1% of runs.
RACE_ROUNDS = 20


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_last_two_answers_at_the_same_moment_fire_the_join_once(county_world):
    """Without the row lock each transaction sees the other's task still open, so
    neither fires the Join (DESIGN §7: lost in 5–7 runs of 10)."""
    world = county_world
    failures = {}
    for round_ in range(RACE_ROUNDS):
        process = file_and_forward(world, title=f"燃气安全入户排查{round_}")
        accept(world, process, 0)
        last_two = [consult_task(world, process, index) for index in (1, 2)]

        outcomes = simultaneously(
            *(
                lambda task=task, head=head: accept_task(task, actor=head)
                for task, head in zip(last_two, world.heads[1:], strict=True)
            )
        )

        problems = [repr(o) for o in outcomes if not isinstance(o, Consultation)]
        problems += publication_problems(process, world.office)
        if problems:
            failures[round_] = problems
    assert failures == {}, f"{len(failures)} of {RACE_ROUNDS} rounds went wrong"


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_batch_recorded_twice_at_the_same_moment_publishes_once(county_world):
    """Two county office users record the same decision at once: the batch row lock lets
    one through; the other is told it was recorded, and nothing happens twice."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    world = county_world
    second = second_office_user(world)
    for round_ in range(ROUNDS):
        process = file_and_forward(world, title=f"燃气安全入户排查{round_}")
        for index in range(3):
            accept(world, process, index)
        batch = prepare(world.office, process, title=f"第{round_}批")
        releases = Release.objects.count()

        def record(actor, batch=batch, process=process, number=round_ + 12):
            today = timezone.localdate()
            return services.decision_batch_record(
                actor=actor,
                batch=batch,
                decided_by="县委常委会",
                meeting_date=today,
                document_number=f"清委办发〔2026〕{number}号",
                effective_date=today,
                decisions=as_proposed(process),
            )

        outcomes = simultaneously(lambda: record(world.office), lambda: record(second))

        recorded = [o for o in outcomes if isinstance(o, DecisionBatch)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert (len(recorded), len(refused)) == (1, 1), outcomes
        assert "不能重复登记" in refused[0].messages[0]
        process.refresh_from_db()
        assert (process.status, process.outcome) == (PROCESS.DONE, Outcome.PUBLISHED)
        assert DutyItem.history.filter(title=process.title).count() == 1
        assert tasks_of(process, "publish").get().status == STATUS.DONE
        assert Release.objects.count() == releases + 1
        assert batch.entries.get().decisions.count() == 3


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_consult_form_posted_twice_at_the_same_moment_takes_effect_once(county_world):
    world = county_world
    head = world.heads[0]
    process = file_and_forward(world)
    task = consult_task(world, process, 0)
    url = execute_url(task)
    clients = [Client(), Client()]  # one browser session, the form sent twice
    clients[0].force_login(head)
    clients[1].cookies.update(clients[0].cookies)
    form = {"answer": ConsultationAnswer.ACCEPT, "reason": "", "counter_proposal": ""}

    responses = simultaneously(
        *(lambda client=client: client.post(url, form) for client in clients)
    )

    assert [response.status_code for response in responses] == [302, 302]
    assert {response.url for response in responses} == {responses[0].url}
    shown = sorted(shown_messages(response) for response in responses)
    assert [levels for levels, _texts in shown] == [["success"], ["warning"]]
    (_, [success]), (_, [warning]) = shown
    assert success.startswith("意见已提交。")  # followed by a link to the request
    assert warning == refusal_message(task)
    consultation = Consultation.objects.get(process=process)
    assert (consultation.township, consultation.answered_by) == (world.townships[0], head)
    join = tasks_of(process, "join_consult").get()
    assert list(join.previous.all()) == [task]


# --- one after the other (every backend) ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["same_user", "two_heads_of_the_township"])
def test_second_answer_to_a_done_consultation_is_refused_and_changes_nothing(county_world, who):
    world = county_world
    process = file_and_forward(world)
    task = consult_task(world, process, 0)
    first = world.heads[0]
    second = first if who == "same_user" else second_head(world, 0)
    consultation = accept_task(task, actor=first)
    tasks_before = list(Task.objects.filter(process=process).values_list("pk", "status", "owner"))
    notices = Notification.objects.count()

    with pytest.raises(services.TaskNotOpen) as refused:
        services.consultation_answer(
            actor=second, task_id=task.pk, answer=ConsultationAnswer.CONTEST, reason="人员不足。"
        )

    assert str(refused.value) == refusal_message(task)
    assert list(Consultation.objects.filter(process=process)) == [consultation]
    assert consultation.answer == ConsultationAnswer.ACCEPT
    assert (
        list(Task.objects.filter(process=process).values_list("pk", "status", "owner"))
        == tasks_before
    )
    assert Notification.objects.count() == notices


@pytest.mark.django_db
def test_second_review_of_a_forwarded_request_is_refused_and_changes_nothing(county_world):
    world = county_world
    process = file_request(world, "燃气安全入户排查")
    task = open_task(process, "review")
    services.change_request_review(actor=world.office, task_id=task.pk, decision="forward")
    tasks_before = list(Task.objects.filter(process=process).values_list("pk", "status", "owner"))

    with pytest.raises(services.TaskNotOpen, match=f"#{task.pk}"):
        services.change_request_review(
            actor=world.office, task_id=task.pk, decision="reject", comment="重复。"
        )

    process.refresh_from_db()
    assert (process.review_decision, process.review_comment) == ("forward", "")
    assert process.history.count() == 2
    assert (
        list(Task.objects.filter(process=process).values_list("pk", "status", "owner"))
        == tasks_before
    )


@pytest.mark.django_db
def test_consult_form_posted_again_shows_done_message_and_changes_nothing(county_world, client):
    world = county_world
    process = file_and_forward(world)
    task = consult_task(world, process, 0)
    client.force_login(world.heads[0])
    url = execute_url(task)
    form = {"answer": ConsultationAnswer.ACCEPT, "reason": "", "counter_proposal": ""}
    first = client.post(url, form, follow=True)  # the page after it shows the message
    tasks_before = list(Task.objects.filter(process=process).values_list("pk", "status", "owner"))

    second = client.post(url, form)

    assert [code for _url, code in first.redirect_chain] == [302]
    assert [str(m.message).split()[0] for m in first.context["messages"]] == ["意见已提交。"]
    assert second.status_code == 302
    assert shown_messages(second) == (["warning"], [refusal_message(task)])
    assert Consultation.objects.filter(process=process).count() == 1
    assert (
        list(Task.objects.filter(process=process).values_list("pk", "status", "owner"))
        == tasks_before
    )
