"""The request page reads as a record: its number, one status, a log of the people's
steps with their names (no gateways, timers or raw ids), the flow chart inside a page
with a way back, and similarity as a percentage."""

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests.factories import make_item
from workflow import services
from workflow.models import ConsultationAnswer

from .conftest import open_task
from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db


def page_of(client, user, process):
    client.force_login(user)
    response = client.get(reverse("changerequest:process_detail", args=[process.pk]))
    assert response.status_code == 200
    return response


def test_the_log_shows_peoples_steps_with_their_names_only(county_world, client):
    world = county_world
    process = file_add(world, townships=world.townships[:2])
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.ACCEPT)

    response = page_of(client, world.office, process)

    steps = [(label, actor) for _, label, actor in response.context["task_list"]]
    assert steps == [
        ("提出申请", "王晓燕"),
        ("形式审查", "周建华"),
        ("征求意见（城关街道）", "城关街道负责人"),
        ("征求意见（青石镇）", ""),
    ]
    html = response.content.decode()
    assert 'data-task="consult__timeout"' not in html
    assert 'data-task="split_consultations"' not in html


def test_one_status_while_in_progress_and_after_the_end(county_world, client):
    world = county_world
    process = file_add(world, townships=world.townships[:1])

    filed = page_of(client, world.office, process)
    services.change_request_review(
        actor=world.office,
        task_id=open_task(process, "review").pk,
        decision="reject",
        comment="不属于乡镇职责范围。",
    )
    rejected = page_of(client, world.office, process)

    assert filed.context["request_status"] == "办理中（当前环节：形式审查）"
    assert rejected.context["request_status"] == "未准入"
    for response in (filed, rejected):
        html = response.content.decode()
        assert "流程状态" not in html
        assert "办理结果" not in html
        assert f'data-testid="request-number">{process.number}<' in html


def test_the_flow_chart_opens_in_a_page_with_a_way_back(county_world, client):
    world = county_world
    process = file_add(world, townships=world.townships[:1])
    detail = page_of(client, world.office, process)
    flow_url = reverse("changerequest:process_flow", args=[process.pk])
    assert f'href="{flow_url}"' in detail.content.decode()

    flow = client.get(flow_url)

    assert flow.status_code == 200
    html = flow.content.decode()
    assert f'src="{reverse("changerequest:process_chart", args=[process.pk])}"' in html
    back = reverse("changerequest:process_detail", args=[process.pk])
    assert f'href="{back}" data-testid="back-to-request"' in html
    client.force_login(world.other_office)
    assert client.get(flow_url).status_code == 403


def test_similar_items_show_their_similarity_as_a_percentage(county_world, client):
    world = county_world
    make_item(
        county=world.county,
        lead_department=world.department,
        title="燃气安全入户排查",
        local_responsibilities="配合开展入户排查，发现隐患及时报告。",
    )
    process = file_add(world, townships=world.townships[:1])
    task = open_task(process, "review")
    Task.objects.filter(pk=task.pk).update(owner=world.office, status=STATUS.ASSIGNED)
    client.force_login(world.office)

    response = client.get(reverse("changerequest:review:execute", args=[process.pk, task.pk]))

    (similar,) = response.context["similar"]
    assert similar.score == 0.91
    assert 'data-testid="similarity">91%<' in response.content.decode()
