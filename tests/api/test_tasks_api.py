"""/api/tasks/: whose tasks are listed, completion bodies and their errors, fixed query
counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflow.models import ConsultationAnswer

from .conftest import answer, client_for, database_state, file_request, forward, open_task

pytestmark = pytest.mark.django_db


def _tasks(user) -> list[tuple[str, int]]:
    response = client_for(user).get("/api/tasks/")
    assert response.status_code == 200
    return [(row["node"], row["process"]) for row in response.json()["results"]]


def test_each_user_lists_only_the_tasks_they_may_do(world):
    waiting = file_request(world, title="待审查")
    consulting = file_request(world, title="征求意见中")
    forward(world, consulting)
    answer(world, consulting, 0, ConsultationAnswer.ACCEPT)

    assert _tasks(world.office) == [("review", waiting.pk)]
    assert _tasks(world.heads[0]) == []
    assert _tasks(world.heads[1]) == [("consult", consulting.pk)]
    assert _tasks(world.heads[2]) == [("consult", consulting.pk)]
    for user in (
        world.heads[3],
        world.township_staff,
        world.staff,
        world.other_staff,
        world.county_admin,
        world.other_office,
        world.other_county_head,
        world.other_county_staff,
    ):
        assert _tasks(user) == []


def test_task_row_names_the_request_and_the_party(world):
    process = file_request(world)
    forward(world, process)
    task = open_task(process, "consult", township=world.townships[2].pk)

    [row] = client_for(world.heads[2]).get("/api/tasks/").json()["results"]

    assert row == {
        "id": task.pk,
        "node": "consult",
        "title": "征求意见",
        "status": "NEW",
        "process": process.pk,
        "subject": "新增事项：燃气安全入户排查",
        "kind": "add",
        "county": {"id": world.county.pk, "name": "清河县"},
        "party": {"type": "township", "id": world.townships[2].pk, "name": "云岭乡"},
        "owner": None,
        "created": row["created"],
        "links": {
            "complete": f"http://testserver/api/tasks/{task.pk}/complete/",
            "request": f"http://testserver/api/requests/{process.pk}/",
            "page": f"/changerequest/{process.pk}/consult/{task.pk}/execute/",
        },
    }


@pytest.mark.parametrize(
    ("node", "body", "errors"),
    [
        ("review", {"decision": "maybe", "comment": ""}, ["decision"]),
        ("review", {"decision": "return", "comment": ""}, ["comment"]),
        ("review", {"decision": "return"}, ["comment"]),
        ("consult", {"answer": "contest", "reason": " "}, ["reason"]),
        ("consult", {"answer": "no_answer", "reason": ""}, ["answer"]),
        ("consult", {"answer": "accept"}, ["reason"]),
        (
            "arbitrate",
            {"decisions": {}, "reasoning": "研究决定。", "amendments": {}},
            ["decisions"],
        ),
        (
            "arbitrate",
            {"decisions": {"township:1": "perhaps"}, "reasoning": "", "amendments": {}},
            ["decisions"],
        ),
        ("arbitrate", {"decisions": "admit"}, ["amendments", "decisions", "reasoning"]),
        (
            "arbitrate",
            {"decisions": {"township:1": "admit_amended"}, "reasoning": "研究决定。"},
            ["amendments"],
        ),
    ],
)
def test_bad_completion_body_is_a_400_naming_the_field(world, node, body, errors):
    process = file_request(world)
    if node != "review":
        forward(world, process)
    if node == "arbitrate":
        answer(world, process, 0, ConsultationAnswer.CONTEST, reason="缺少人员。")
        answer(world, process, 1, ConsultationAnswer.ACCEPT)
        answer(world, process, 2, ConsultationAnswer.ACCEPT)
    data = {"township": world.townships[0].pk} if node == "consult" else {}
    task = open_task(process, node, **data)
    actor = world.heads[0] if node == "consult" else world.office
    before = database_state()

    body = {"step": node, **body}

    response = client_for(actor).post(f"/api/tasks/{task.pk}/complete/", body, format="json")

    assert response.status_code == 400
    assert sorted(response.json()) == errors
    assert database_state() == before


def test_ruling_must_cover_every_contested_township(world):
    process = file_request(world)
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.CONTEST, reason="缺少人员。")
    answer(world, process, 1, ConsultationAnswer.CONTEST, reason="没有管网。")
    answer(world, process, 2, ConsultationAnswer.ACCEPT)
    task = open_task(process, "arbitrate")
    body = {
        "step": "arbitrate",
        "decisions": {f"township:{world.townships[0].pk}": "admit"},
        "reasoning": "研究决定。",
        "amendments": {},
    }

    response = client_for(world.office).post(f"/api/tasks/{task.pk}/complete/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"decisions": ["请对以下单位提出拟办意见：青石镇"]}


def test_unknown_task_and_non_human_task_are_404(world):
    process = file_request(world)
    start = process.task_set.get(flow_task_type="START")
    client = client_for(world.office)

    assert client.post("/api/tasks/999999/complete/", {}, format="json").status_code == 404
    assert client.post(f"/api/tasks/{start.pk}/complete/", {}, format="json").status_code == 404


def test_done_task_is_409_for_whoever_may_see_it_and_404_for_others(world):
    process = file_request(world)
    forward(world, process)
    task = open_task(process, "consult", township=world.townships[0].pk)
    url = f"/api/tasks/{task.pk}/complete/"
    accept = {"step": "consult", "answer": "accept", "reason": ""}
    assert client_for(world.heads[0]).post(url, accept, format="json").status_code == 200
    before = database_state()

    again = client_for(world.heads[0]).post(
        url, {"step": "consult", "answer": "contest", "reason": "改主意"}, format="json"
    )
    visible_to = client_for(world.office).post(url, accept, format="json")
    stranger = client_for(world.heads[1]).post(url, accept, format="json")

    assert again.status_code == 409
    assert again.json() == {
        "detail": (
            f"该任务（#{task.pk}）已办理完毕或已关闭，本次提交未生效，请刷新页面查看最新状态。"
        )
    }
    assert visible_to.status_code == 409
    # Another township's consultation is not visible to it: like an unknown task.
    assert (stranger.status_code, stranger.json()) == (404, {"detail": "没有该任务。"})
    assert database_state() == before


def _queries(user, url) -> int:
    client = client_for(user)
    client.get(url)  # warm per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_task_list_runs_the_same_queries_for_10_and_50_processes(world):
    def add(count):
        for index in range(count):
            process = file_request(world)
            if index % 2:
                forward(world, process)

    add(10)
    readers = (world.office, world.heads[0], world.staff)
    at_10 = [_queries(user, "/api/tasks/") for user in readers]
    add(40)

    at_50 = [_queries(user, "/api/tasks/") for user in readers]

    assert at_50 == at_10
    assert all(count <= most for count, most in zip(at_10, (7, 9, 6), strict=True)), at_10
    assert len(client_for(world.office).get("/api/tasks/").json()["results"]) == 25
    assert len(client_for(world.heads[0]).get("/api/tasks/").json()["results"]) == 25
