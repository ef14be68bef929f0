"""The pages of the 待办: no claim step on a task page, the deadline on the consultation
form and the request page, 催办 and 转交 buttons, the deputies page, and the round's
reminder button; each write through its service."""

import datetime
import json

import pytest
from django.utils import timezone

from organisations.models import Deputyship, Role
from tests.factories import user_with_role
from workflow.models import Notification, TaskTransfer, Urge

from .conftest import open_task
from .test_admission_flow import file_add, forward

pytestmark = pytest.mark.django_db


@pytest.fixture
def consulting(county_world):
    world = county_world
    world.process = file_add(world)
    forward(world, world.process)
    world.task = open_task(world.process, "consult", township=world.townships[0].pk)
    world.township_staff = user_with_role(
        Role.TOWNSHIP_STAFF, world.townships[0], display_name="城关经办人"
    )
    return world


def test_task_page_offers_to_do_it_without_a_claim(client, consulting):
    world = consulting
    client.force_login(world.heads[0])
    url = f"/changerequest/{world.process.pk}/consult/{world.task.pk}/"
    # The task's link and viewflow's claim page both lead straight to the form.
    for page in (url, f"{url}assign/"):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, f"{url}execute/")
    html = client.get(f"{url}execute/").content.decode()
    assert "认领" not in html
    # The detail page offers 办理, not 认领.
    html = client.get(f"{url}detail/").content.decode()
    assert "认领" not in html
    assert f'href="{url}execute/"' in html


def test_consultation_form_shows_its_deadline(client, consulting):
    world = consulting
    client.force_login(world.heads[0])
    response = client.get(f"/changerequest/{world.process.pk}/consult/{world.task.pk}/execute/")
    html = response.content.decode()
    timer = world.task.leading.get(flow_task__endswith="consult__timeout_2")
    due = timezone.localtime(timer.scheduled)
    assert f'data-testid="task-deadline">{due:%Y-%m-%d %H:%M}<' in html
    # Opening the form does not take the task: a colleague may still open and answer it.
    world.task.refresh_from_db()
    assert world.task.owner is None


def test_request_page_shows_deadlines_and_lets_the_office_urge(client, consulting):
    world = consulting
    client.force_login(world.office)
    page = f"/changerequest/{world.process.pk}/"
    html = client.get(page).content.decode()
    assert html.count('data-testid="open-task-deadline"') == 3
    assert html.count('data-testid="urge"') == 3

    response = client.post(f"/todo/tasks/{world.task.pk}/urge/")
    assert response.status_code == 302
    assert response["Location"] == page
    assert Urge.objects.get().task_id == world.task.pk
    html = client.get(page).content.decode()
    assert "周建华 催办任务" in html

    # The second within 24 hours is refused with a message, nothing recorded.
    client.post(f"/todo/tasks/{world.task.pk}/urge/")
    assert Urge.objects.count() == 1


def test_a_township_head_sees_no_urge_button_and_is_refused(client, consulting):
    world = consulting
    client.force_login(world.heads[0])
    html = client.get(f"/changerequest/{world.process.pk}/").content.decode()
    assert 'data-testid="urge"' not in html
    assert 'data-testid="transfer-link"' in html
    assert client.post(f"/todo/tasks/{world.task.pk}/urge/").status_code == 403
    assert Urge.objects.count() == 0


def test_transfer_page_hands_the_task_to_a_colleague(client, consulting):
    world = consulting
    client.force_login(world.heads[0])
    url = f"/todo/tasks/{world.task.pk}/transfer/"
    html = client.get(url).content.decode()
    assert json.dumps("城关经办人")[1:-1] in html
    assert json.dumps("青石镇负责人")[1:-1] not in html
    response = client.post(url, {"to_user": world.township_staff.pk, "reason": "请代为答复"})
    assert response.status_code == 302
    transfer = TaskTransfer.objects.get()
    assert (transfer.to_user, transfer.reason) == (world.township_staff, "请代为答复")
    # The receiver opens and answers it.
    client.force_login(world.township_staff)
    execute = f"/changerequest/{world.process.pk}/consult/{world.task.pk}/execute/"
    assert client.get(execute).status_code == 200
    response = client.post(execute, {"answer": "accept"})
    assert response.status_code == 302
    world.task.refresh_from_db()
    assert world.task.status == "DONE"


def test_transfer_page_refuses_who_may_not_do_the_task(client, consulting):
    world = consulting
    for user in (world.heads[1], world.office, world.township_staff):
        client.force_login(user)
        assert client.get(f"/todo/tasks/{world.task.pk}/transfer/").status_code == 403


def test_deputies_page_sets_and_ends_a_deputy(client, consulting):
    world = consulting
    client.force_login(world.heads[0])
    now = timezone.localtime()
    response = client.post(
        "/todo/deputies/",
        {
            "unit": f"township:{world.townships[0].pk}",
            "deputy": world.township_staff.pk,
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "休假",
        },
    )
    assert response.status_code == 302
    deputyship = Deputyship.objects.get()
    assert (deputyship.principal, deputyship.deputy) == (world.heads[0], world.township_staff)
    client.force_login(world.township_staff)
    html = client.get("/todo/").content.decode()
    assert html.count('data-testid="todo-row"') == 1
    assert "设置代理人" not in client.get("/todo/deputies/").content.decode()
    assert client.post(f"/todo/deputies/{deputyship.pk}/end/").status_code == 403
    client.force_login(world.heads[0])
    client.post(f"/todo/deputies/{deputyship.pk}/end/")
    deputyship.refresh_from_db()
    assert deputyship.ended_at is not None


def test_staff_may_not_set_a_deputy(client, consulting):
    world = consulting
    client.force_login(world.township_staff)
    assert client.post("/todo/deputies/", {"reason": "x"}).status_code == 403
    assert Deputyship.objects.count() == 0


def test_round_page_urges_unfilled_sheets():
    from tests.evaluation.round_factories import evaluation_world, open_round

    world = evaluation_world(with_round=False)
    evaluation_round = open_round(world)
    from django.test import Client

    client = Client()
    client.force_login(world.office)
    html = client.get(f"/evaluation/rounds/{evaluation_round.pk}/").content.decode()
    assert 'data-testid="urge-sheets"' in html
    Notification.objects.all().delete()
    response = client.post(f"/todo/rounds/{evaluation_round.pk}/urge/")
    assert response.status_code == 302
    open_sheets = evaluation_round.sheets.count()
    assert Urge.objects.count() == open_sheets
    assert Notification.objects.filter(subject="催办：2026年度双向互评 评分表").count() > 0
    # Again at once: nothing more to urge.
    client.post(f"/todo/rounds/{evaluation_round.pk}/urge/")
    assert Urge.objects.count() == open_sheets
    client.force_login(world.township_head)
    assert client.post(f"/todo/rounds/{evaluation_round.pk}/urge/").status_code == 403
