"""A whole admission driven only through the REST API, as the real users: filing,
review, consultation, the county office's proposal, and the county leadership's
decision (审定) recorded in a decision batch, which publishes the item and issues the
release."""

import pytest
from django.utils import timezone
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
    response = complete(
        world.office, review["id"], {"step": "review", "decision": "forward", "comment": ""}
    )
    assert response.status_code == 200
    assert response.json()["review_decision"] == "forward"

    # Each consulted township head sees exactly its own consultation task.
    answers = {0: ("accept", ""), 1: ("contest", "本镇没有燃气管网，无法排查。"), 2: ("accept", "")}
    for index, (decision, reason) in answers.items():
        [task] = my_tasks(world.heads[index])
        township = world.townships[index]
        assert task["node"] == "consult"
        assert task["party"] == {"type": "township", "id": township.pk, "name": township.name}
        response = complete(
            world.heads[index],
            task["id"],
            {"step": task["node"], "answer": decision, "reason": reason},
        )
        assert response.status_code == 200
        seen = response.json()["consultations"]
        assert [(c["party"]["name"], c["answer"]) for c in seen] == [(township.name, decision)]
    assert my_tasks(world.heads[3]) == []

    # One township contested: the county office writes its proposal (拟办意见).
    [arbitrate] = my_tasks(world.office)
    assert arbitrate["node"] == "arbitrate"
    assert arbitrate["title"] == "拟办意见"
    detail = client_for(world.office).get(f"/api/requests/{process_id}/").json()
    contested = [c["party_key"] for c in detail["consultations"] if c["answer"] == "contest"]
    assert contested == [f"township:{world.townships[1].pk}"]
    response = complete(
        world.office,
        arbitrate["id"],
        {
            "step": arbitrate["node"],
            "decisions": {contested[0]: "admit_amended"},
            "reasoning": "经协调会研究，青石镇仅负责发现报告。",
            "meeting_record": "2026-05-06 县委编办协调会",
            "amendments": {"local_responsibilities": "仅负责发现报告，不承担入户排查。"},
        },
    )
    assert response.status_code == 200
    proposed = response.json()
    assert (proposed["status"], proposed["outcome"], proposed["decision"]) == (
        "NEW",
        "pending",
        None,
    )
    assert proposed["ruling"]["reasoning"] == "经协调会研究，青石镇仅负责发现报告。"
    assert proposed["ruling"]["meeting_record"] == "2026-05-06 县委编办协调会"
    assert proposed["ruling"]["amendments"] == {
        "local_responsibilities": "仅负责发现报告，不承担入户排查。"
    }
    assert [(d["party"]["name"], d["decision"]) for d in proposed["ruling"]["decisions"]] == [
        ("青石镇", "admit_amended")
    ]
    assert (proposed["trail"][-1]["node"], proposed["trail"][-1]["status"]) == (
        "await_decision",
        "NEW",
    )
    assert DutyItem.objects.count() == 0
    assert my_tasks(world.office) == []

    # The county office puts it before the county leadership (提请审定) …
    office = client_for(world.office)
    assert office.get("/api/decision-batches/").json()["results"] == []
    response = office.post(
        "/api/decision-batches/",
        {"title": "2026年第一批清单调整事项", "requests": [process_id]},
        format="json",
    )
    assert response.status_code == 201
    batch = response.json()
    assert response["Location"] == f"http://testserver/api/decision-batches/{batch['id']}/"
    assert (batch["stage"], batch["notice_ends_at"], batch["request_count"]) == (
        "pending",
        None,
        1,
    )
    [entry] = batch["entries"]
    assert [(p["party"]["name"], p["answer"], p["proposal"]) for p in entry["parties"]] == [
        ("城关街道", "accept", None),
        ("青石镇", "contest", "admit_amended"),
        ("云岭乡", "accept", None),
    ]

    # … and records its decision: 县委常委会 adopted it as proposed.
    today = timezone.localdate().isoformat()
    response = office.post(
        f"/api/decision-batches/{batch['id']}/record/",
        {
            "decided_by": "县委常委会",
            "meeting": "2026年第12次常委会会议",
            "meeting_date": today,
            "document_number": "清委办发〔2026〕12号",
            "effective_date": today,
            "entries": [
                {
                    "request": process_id,
                    "decisions": {p["party_key"]: "as_proposed" for p in entry["parties"]},
                    "amendments": {},
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    decided = response.json()
    office_actor = {"id": world.office.pk, "username": world.office.username, "name": "周建华"}
    assert (decided["stage"], decided["document_number"], decided["recorded_by"]) == (
        "decided",
        "清委办发〔2026〕12号",
        office_actor,
    )
    assert [(r["list"], r["number"]) for r in decided["releases"]] == [
        ("清河县乡镇(街道)履行职责事项清单", 1)
    ]

    ruled = office.get(f"/api/requests/{process_id}/").json()
    assert ruled["status"] == "DONE"
    assert ruled["outcome"] == "published"
    assert ruled["published_under"] == "decision"
    assert ruled["decision"]["document_number"] == "清委办发〔2026〕12号"
    assert [(d["party"]["name"], d["decision"]) for d in ruled["decision"]["decisions"]] == [
        ("城关街道", "as_proposed"),
        ("青石镇", "as_proposed"),
        ("云岭乡", "as_proposed"),
    ]
    assert [step["node"] for step in ruled["trail"] if step["type"] == "HUMAN"] == [
        "review",
        "consult",
        "consult",
        "consult",
        "arbitrate",
    ]
    assert [step["node"] for step in ruled["trail"][-3:]] == ["await_decision", "publish", "end"]
    assert [step["owner"]["name"] for step in ruled["trail"] if step["node"] == "consult"] == [
        "城关街道负责人",
        "青石镇负责人",
        "云岭乡负责人",
    ]
    # The first step names the filer.
    assert (ruled["trail"][0]["node"], ruled["trail"][0]["owner"]) == (
        "start",
        {"id": world.staff.pk, "username": world.staff.username, "name": "王晓燕"},
    )

    # The published item is on the list, with the proposal's text and its history.
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
    assert entry["user"] == office_actor
    assert entry["reason"] == (
        f"依据县委常委会审定（清委办发〔2026〕12号）发布："
        f"新增事项申请 {process.number}（新增事项：燃气安全入户排查）"
    )
    assert Consultation.objects.filter(process=process).count() == 3
    assert my_tasks(world.office) == []

    # The release of the list, with what it changed.
    [release] = client_for(world.heads[1]).get("/api/releases/").json()["results"]
    assert (release["number"], release["document_number"], release["change_count"]) == (
        1,
        "清委办发〔2026〕12号",
        1,
    )
    changes = client_for(world.heads[1]).get(release["url"]).json()["changes"]
    assert [(c["kind"], c["version"]["id"], c["version"]["title"]) for c in changes] == [
        ("added", item.pk, "燃气安全入户排查")
    ]


def test_all_accept_goes_to_the_decision_without_a_proposal(world):
    response = client_for(world.staff).post("/api/requests/", add_body(world), format="json")
    process_id = response.json()["id"]
    [review] = my_tasks(world.office)
    complete(world.office, review["id"], {"step": "review", "decision": "forward", "comment": ""})
    for index in range(3):
        [task] = my_tasks(world.heads[index])
        assert (
            complete(
                world.heads[index],
                task["id"],
                {"step": "consult", "answer": "accept", "reason": ""},
            ).status_code
            == 200
        )

    detail = client_for(world.staff).get(f"/api/requests/{process_id}/").json()
    assert (detail["outcome"], detail["ruling"], detail["decision"]) == ("pending", None, None)
    assert detail["trail"][-1]["node"] == "await_decision"
    assert my_tasks(world.office) == []
    response = client_for(world.office).post(
        "/api/decision-batches/",
        {"title": "2026年第一批清单调整事项", "requests": [process_id]},
        format="json",
    )
    batch = response.json()
    today = timezone.localdate().isoformat()
    parties = [p["party_key"] for p in batch["entries"][0]["parties"]]
    response = client_for(world.office).post(
        f"/api/decision-batches/{batch['id']}/record/",
        {
            "decided_by": "县政府常务会议",
            "meeting_date": today,
            "document_number": "清政办发〔2026〕8号",
            "effective_date": today,
            "entries": [
                {
                    "request": process_id,
                    "decisions": dict.fromkeys(parties, "as_proposed"),
                    "amendments": {},
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 200

    detail = client_for(world.staff).get(f"/api/requests/{process_id}/").json()
    assert (detail["outcome"], detail["decision"]["decided_by"]) == ("published", "县政府常务会议")


def test_return_for_revision_then_revise_through_the_api(world):
    response = client_for(world.staff).post("/api/requests/", add_body(world), format="json")
    process_id = response.json()["id"]
    [review] = my_tasks(world.office)
    response = complete(
        world.office,
        review["id"],
        {"step": "review", "decision": "return", "comment": "请补充实施依据条款。"},
    )
    assert response.status_code == 200
    assert response.json()["review_comment"] == "请补充实施依据条款。"

    [revise] = my_tasks(world.staff)
    assert revise["node"] == "revise"
    response = complete(
        world.staff,
        revise["id"],
        {
            "step": "revise",
            "basis": "《城镇燃气管理条例》第四十一条",
            "target_townships": [world.townships[0].pk],
        },
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
    assert (
        complete(
            world.office, review["id"], {"step": "review", "decision": "forward", "comment": ""}
        ).status_code
        == 200
    )
    consult_tasks = open_human_tasks()
    assert [name for _, name in consult_tasks] == ["consult"] * 3

    response = complete(
        world.office, review["id"], {"step": "review", "decision": "reject", "comment": "重复"}
    )

    assert response.status_code == 409
    assert "已办理完毕或已关闭" in response.json()["detail"]
    assert open_human_tasks() == consult_tasks
    assert ChangeRequestProcess.objects.get().review_decision == "forward"
