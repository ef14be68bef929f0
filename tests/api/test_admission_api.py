"""A whole admission driven only through the REST API, as the real users."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from duty_lists.models import DutyItem
from workflow.models import ChangeRequestProcess, Consultation, Outcome

from .conftest import OPEN, add_body, client_for

pytestmark = pytest.mark.django_db


def open_human_tasks() -> list[tuple[int, str]]:
    tasks = Task.objects.filter(status__in=OPEN, flow_task_type="HUMAN").order_by("pk")
    return [(task.pk, task.flow_task.name) for task in tasks]


def my_tasks(user) -> list[dict]:
    response = client_for(user).get("/api/tasks/")
    assert response.status_code == 200
    return response.json()["results"]


def complete(user, task_id: int, body: dict):
    return client_for(user).post(f"/api/tasks/{task_id}/complete/", body, format="json")


def test_admission_from_filing_to_published_item(world):
    # The department files the request.
    response = client_for(world.staff).post("/api/requests/", add_body(world), format="json")
    assert response.status_code == 201
    filed = response.json()
    process_id = filed["id"]
    assert response["Location"] == f"http://testserver/api/requests/{process_id}/"
    assert filed["status"] == "NEW"
    assert filed["outcome"] == "pending"
    assert filed["kind"] == "add"
    assert filed["initiator"] == {
        "type": "department",
        "id": world.department.pk,
        "name": "县住房和城乡建设局",
    }
    assert filed["lead_department"] == {"id": world.department.pk, "name": "县住房和城乡建设局"}
    assert [t["name"] for t in filed["target_townships"]] == ["城关街道", "青石镇", "云岭乡"]
    assert [(step["node"], step["status"]) for step in filed["trail"]] == [
        ("start", "DONE"),
        ("review", "NEW"),
    ]

    # The county office finds the review in its tasks and forwards it.
    [review] = my_tasks(world.office)
    assert review["node"] == "review"
    assert review["title"] == "形式审查"
    assert review["process"] == process_id
    assert review["party"] is None
    assert review["links"]["complete"] == f"http://testserver/api/tasks/{review['id']}/complete/"
    assert review["links"]["page"] == f"/changerequest/{process_id}/review/{review['id']}/execute/"
    response = complete(world.office, review["id"], {"decision": "forward"})
    assert response.status_code == 200
    assert response.json()["review_decision"] == "forward"

    # Each consulted township head sees exactly its own consultation task.
    answers = {0: ("accept", ""), 1: ("contest", "本镇没有燃气管网，无法排查。"), 2: ("accept", "")}
    for index, (decision, reason) in answers.items():
        [task] = my_tasks(world.heads[index])
        township = world.townships[index]
        assert task["node"] == "consult"
        assert task["party"] == {"type": "township", "id": township.pk, "name": township.name}
        response = complete(world.heads[index], task["id"], {"answer": decision, "reason": reason})
        assert response.status_code == 200
        seen = response.json()["consultations"]
        assert [(c["party"]["name"], c["answer"]) for c in seen] == [(township.name, decision)]
    assert my_tasks(world.heads[3]) == []

    # One township contested: the county office rules on it.
    [arbitrate] = my_tasks(world.office)
    assert arbitrate["node"] == "arbitrate"
    detail = client_for(world.office).get(f"/api/requests/{process_id}/").json()
    contested = [c["party_key"] for c in detail["consultations"] if c["answer"] == "contest"]
    assert contested == [f"township:{world.townships[1].pk}"]
    response = complete(
        world.office,
        arbitrate["id"],
        {
            "decisions": {contested[0]: "admit_amended"},
            "reasoning": "经协调会研究，青石镇仅负责发现报告。",
            "meeting_record": "2026-05-06 县委编办协调会",
            "amendments": {"local_responsibilities": "仅负责发现报告，不承担入户排查。"},
        },
    )
    assert response.status_code == 200
    ruled = response.json()
    assert ruled["status"] == "DONE"
    assert ruled["outcome"] == "published"
    assert ruled["ruling"]["reasoning"] == "经协调会研究，青石镇仅负责发现报告。"
    assert ruled["ruling"]["meeting_record"] == "2026-05-06 县委编办协调会"
    assert ruled["ruling"]["amendments"] == {
        "local_responsibilities": "仅负责发现报告，不承担入户排查。"
    }
    assert [(d["party"]["name"], d["decision"]) for d in ruled["ruling"]["decisions"]] == [
        ("青石镇", "admit_amended")
    ]
    assert [step["node"] for step in ruled["trail"] if step["type"] == "HUMAN"] == [
        "review",
        "consult",
        "consult",
        "consult",
        "arbitrate",
    ]
    assert ruled["trail"][-1]["node"] == "end"
    assert {step["owner"] for step in ruled["trail"] if step["node"] == "consult"} == {
        "城关街道负责人",
        "青石镇负责人",
        "云岭乡负责人",
    }

    # The published item is on the list, with the ruling's text and its history.
    process = ChangeRequestProcess.objects.get(pk=process_id)
    assert process.status == PROCESS.DONE
    assert process.outcome == Outcome.PUBLISHED
    item = DutyItem.objects.get(title="燃气安全入户排查")
    assert ruled["published_item"] == item.pk
    listed = client_for(world.heads[1]).get("/api/items/").json()
    assert [(row["id"], row["local_responsibilities"]) for row in listed["results"]] == [
        (item.pk, "仅负责发现报告，不承担入户排查。")
    ]
    assert client_for(world.heads[3]).get("/api/items/").json()["results"] == []
    detail = client_for(world.staff).get(f"/api/items/{item.pk}/").json()
    assert [t["name"] for t in detail["townships"]] == ["城关街道", "青石镇", "云岭乡"]
    [entry] = detail["history"]
    assert entry["kind"] == "新增"
    assert entry["user"] == "周建华"
    assert entry["reason"] == f"依据新增事项申请 #{process_id}（新增事项：燃气安全入户排查）发布"
    assert Consultation.objects.filter(process=process).count() == 3
    assert my_tasks(world.office) == []


def test_all_accept_publishes_without_arbitration(world):
    response = client_for(world.staff).post("/api/requests/", add_body(world), format="json")
    process_id = response.json()["id"]
    [review] = my_tasks(world.office)
    complete(world.office, review["id"], {"decision": "forward"})
    for index in range(3):
        [task] = my_tasks(world.heads[index])
        assert complete(world.heads[index], task["id"], {"answer": "accept"}).status_code == 200

    detail = client_for(world.staff).get(f"/api/requests/{process_id}/").json()
    assert detail["outcome"] == "published"
    assert detail["ruling"] is None
    assert my_tasks(world.office) == []


def test_return_for_revision_then_revise_through_the_api(world):
    response = client_for(world.staff).post("/api/requests/", add_body(world), format="json")
    process_id = response.json()["id"]
    [review] = my_tasks(world.office)
    response = complete(
        world.office, review["id"], {"decision": "return", "comment": "请补充实施依据条款。"}
    )
    assert response.status_code == 200
    assert response.json()["review_comment"] == "请补充实施依据条款。"

    [revise] = my_tasks(world.staff)
    assert revise["node"] == "revise"
    response = complete(
        world.staff,
        revise["id"],
        {"basis": "《城镇燃气管理条例》第四十一条", "target_townships": [world.townships[0].pk]},
    )
    assert response.status_code == 200
    revised = response.json()
    assert revised["basis"] == "《城镇燃气管理条例》第四十一条"
    assert revised["title"] == "燃气安全入户排查"
    assert [t["name"] for t in revised["target_townships"]] == ["城关街道"]
    [review] = my_tasks(world.office)
    assert review["node"] == "review"
    assert review["process"] == process_id


def test_second_completion_of_a_task_is_a_conflict(world):
    client_for(world.staff).post("/api/requests/", add_body(world), format="json")
    [review] = my_tasks(world.office)
    assert complete(world.office, review["id"], {"decision": "forward"}).status_code == 200
    consult_tasks = open_human_tasks()
    assert [name for _, name in consult_tasks] == ["consult"] * 3

    response = complete(world.office, review["id"], {"decision": "reject", "comment": "重复"})

    assert response.status_code == 409
    assert "已办理完毕或已关闭" in response.json()["detail"]
    assert open_human_tasks() == consult_tasks
    assert ChangeRequestProcess.objects.get().review_decision == "forward"
