"""/api/todo/, 催办, 转交 and deputies through the API: the answers in full, errors under
the body's fields, and hidden objects answering 404 (every call is also checked against
the schema by the suite's hook)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.fields import DateTimeField

from organisations import deputies
from workflow.models import TaskTransfer, Urge
from workflow.selectors import task_deadlines

from .conftest import client_for, database_state, file_request, forward, open_task

pytestmark = pytest.mark.django_db


def when(moment) -> str:
    """A moment as the API writes it."""
    return DateTimeField().to_representation(moment)


def actor(user) -> dict:
    return {"id": user.pk, "username": user.username, "name": user.display_name}


def consultation(world):
    process = file_request(world)
    forward(world, process)
    return process, open_task(process, "consult", township=world.townships[0].pk)


def test_the_todo_row_names_the_task_a_client_completes(world):
    process, task = consultation(world)
    deadline = task_deadlines([task])[task.pk]

    response = client_for(world.heads[0]).get("/api/todo/")

    assert response.status_code == 200
    assert response.json() == [
        {
            "task": task.pk,
            "flow": "准入申请",
            "number": process.label,
            "title": "新增事项：燃气安全入户排查",
            "step": "征求意见",
            "sender": f"周建华（{world.county.office_display_name}）",
            "sent_at": when(task.created),
            "deadline": when(deadline),
            "is_overdue": False,
            "finished": None,
            "url": f"/changerequest/{process.pk}/consult/{task.pk}/execute/",
        }
    ]


def test_what_the_user_filed_has_its_own_list(world):
    process = file_request(world)

    started = client_for(world.staff).get("/api/todo/started/")
    old_tab = client_for(world.staff).get("/api/todo/?tab=started")

    assert started.status_code == 200
    assert started.json() == [
        {
            "flow": "准入申请",
            "number": process.label,
            "title": "新增事项：燃气安全入户排查",
            "status": "办理中：形式审查",
            "created": when(process.created),
            "url": f"/changerequest/{process.pk}/",
        }
    ]
    assert (old_tab.status_code, old_tab.json()) == (400, {"tab": ["“started” 不是合法选项。"]})


def test_an_urge_is_answered_with_who_sent_it_and_a_second_one_is_refused(world):
    _, task = consultation(world)
    client = client_for(world.office)

    first = client.post(f"/api/tasks/{task.pk}/urge/", {"note": "请尽快答复。"}, format="json")
    before = database_state()
    second = client.post(f"/api/tasks/{task.pk}/urge/", {}, format="json")

    urge = Urge.objects.get()
    assert first.status_code == 201
    assert first.json() == {
        "id": urge.pk,
        "task": task.pk,
        "sent_by": actor(world.office),
        "sent_at": when(urge.sent_at),
        "recipient_count": 1,
        "note": "请尽快答复。",
    }
    # The rule is about the task, not a field of the body.
    assert second.status_code == 400
    assert list(second.json()) == ["non_field_errors"]
    assert second.json()["non_field_errors"][0].startswith("该任务已于 ")
    assert database_state() == before


def test_a_transfer_names_both_people_and_refuses_someone_outside_the_unit(world):
    _, task = consultation(world)
    client = client_for(world.heads[0])
    before = database_state()

    outsider = client.post(
        f"/api/tasks/{task.pk}/transfer/", {"to_user": world.heads[1].pk}, format="json"
    )
    assert database_state() == before
    response = client.post(
        f"/api/tasks/{task.pk}/transfer/",
        {"to_user": world.township_staff.pk, "reason": "请代为答复。"},
        format="json",
    )

    assert (outsider.status_code, outsider.json()) == (
        400,
        {"to_user": ["请选择本单位的其他在岗人员作为接收人。"]},
    )
    transfer = TaskTransfer.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": transfer.pk,
        "task": task.pk,
        "from_user": actor(world.heads[0]),
        "to_user": actor(world.township_staff),
        "reason": "请代为答复。",
        "created_at": when(transfer.created_at),
    }


def test_a_deputy_is_named_for_a_unit_listed_for_both_and_ended_by_its_principal(world):
    starts = timezone.now() + datetime.timedelta(hours=1)
    ends = starts + datetime.timedelta(days=3)
    body = {
        "unit": {"type": "township", "id": world.townships[0].pk},
        "deputy": world.township_staff.pk,
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "reason": "外出学习。",
    }
    principal = client_for(world.heads[0])

    created = principal.post("/api/deputyships/", body, format="json")
    listed = client_for(world.township_staff).get("/api/deputyships/")
    by_the_deputy = client_for(world.township_staff).post(
        f"/api/deputyships/{created.json()['id']}/end/"
    )
    ended = principal.post(f"/api/deputyships/{created.json()['id']}/end/")
    again = principal.post(f"/api/deputyships/{created.json()['id']}/end/")

    deputyship = deputies.deputyships_of(world.heads[0]).get()
    expected = {
        "id": deputyship.pk,
        "principal": actor(world.heads[0]),
        "deputy": actor(world.township_staff),
        "unit": {"type": "township", "id": world.townships[0].pk, "name": "城关街道"},
        "starts_at": when(starts),
        "ends_at": when(ends),
        "reason": "外出学习。",
        "ended_at": None,
    }
    assert (created.status_code, created.json()) == (201, expected)
    assert (listed.status_code, listed.json()) == (200, [expected])
    assert (by_the_deputy.status_code, by_the_deputy.json()) == (
        403,
        {"detail": "只有委托人本人可以结束委托。"},
    )
    assert (ended.status_code, ended.json()) == (
        200,
        {**expected, "ended_at": when(deputyship.ended_at)},
    )
    assert (again.status_code, again.json()) == (400, {"non_field_errors": ["该委托已经结束。"]})


def test_a_deputy_for_a_unit_the_user_does_not_head_is_a_403_and_nothing_is_written(world):
    now = timezone.now()
    body = {
        "unit": {"type": "township", "id": world.townships[1].pk},
        "deputy": world.township_staff.pk,
        "starts_at": now.isoformat(),
        "ends_at": (now + datetime.timedelta(days=1)).isoformat(),
        "reason": "外出学习。",
    }
    before = database_state()

    response = client_for(world.heads[0]).post("/api/deputyships/", body, format="json")

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "只有青石镇的负责人可以设置代理人。"},
    )
    assert database_state() == before


def test_a_deputyship_of_others_is_not_found(world):
    deputyship = deputies.deputyship_set(
        actor=world.heads[0],
        unit=world.townships[0],
        deputy=world.township_staff,
        starts_at=timezone.now(),
        ends_at=timezone.now() + datetime.timedelta(days=1),
        reason="外出学习。",
    )

    response = client_for(world.heads[1]).post(f"/api/deputyships/{deputyship.pk}/end/")

    assert (response.status_code, response.json()) == (404, {"detail": "没有该委托。"})


def test_only_a_consultation_answer_may_be_sent_as_a_form(world):
    process = file_request(world)
    task = open_task(process, "review")
    before = database_state()

    response = client_for(world.office).post(
        f"/api/tasks/{task.pk}/complete/",
        {
            "step": "review",
            "decision": "forward",
            "comment": "",
            "file": SimpleUploadedFile("a", b""),
        },
        format="multipart",
    )

    assert (response.status_code, response.json()) == (
        415,
        {"detail": "review 任务的办理意见请以 application/json 提交（仅征求意见可附盖章意见）。"},
    )
    assert database_state() == before


def test_who_may_receive_a_task_is_listed_for_whoever_may_hand_it_over(world):
    _, task = consultation(world)
    url = f"/api/tasks/{task.pk}/transfer/"

    head = client_for(world.heads[0]).get(url)
    office = client_for(world.office).get(url)
    other_head = client_for(world.heads[1]).get(url)

    # Besides the head itself, the township's users: its staff member.
    assert (head.status_code, head.json()) == (200, [actor(world.township_staff)])
    assert (office.status_code, office.json()) == (403, {"detail": "您无权办理该任务。"})
    assert (other_head.status_code, other_head.json()) == (404, {"detail": "没有该任务。"})


def test_a_head_finds_the_colleagues_it_may_name_deputy(world):
    head = client_for(world.heads[0]).get("/api/deputyships/candidates/")
    staff = client_for(world.township_staff).get("/api/deputyships/candidates/")

    assert (head.status_code, head.json()) == (
        200,
        [
            {
                "unit": {"type": "township", "id": world.townships[0].pk, "name": "城关街道"},
                "candidates": [actor(world.township_staff)],
            }
        ],
    )
    assert (staff.status_code, staff.json()) == (200, [])
