"""A village (村/社区) reports an off-list demand through its township: its secretary
or director files the report, which is the township's report marked as coming from
that village; the township's users see it and are told, the department answers and
the county office rules as for any report. Nobody else reports in the village's name,
and other villages do not see it."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from arbitration.models import OffListReport
from arbitration.report_permissions import reports_visible_to
from organisations.models import Role
from tests.api.conftest import client_for
from tests.arbitration.world import (
    ASSIGNED_ON,
    ASSIGNMENT,
    answer,
    database_state,
    make_world,
    pdf,
    rule,
)
from tests.factories import GridFactory, VillageFactory, make_item, user_with_role
from workflow.models import Notification
from workflow.services import reporting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """The off-list world, plus 北门社区 (城关街道) with its secretary and a grid
    worker, and 青石村 (青石镇) with its secretary."""
    world = make_world()
    beimen = VillageFactory(township=world.township, name="北门社区")
    qingshi_village = VillageFactory(township=world.other_township, name="青石村")
    return SimpleNamespace(
        **vars(world),
        beimen=beimen,
        qingshi_village=qingshi_village,
        village_head=user_with_role(Role.VILLAGE_HEAD, beimen, display_name="北门书记"),
        other_village_head=user_with_role(Role.VILLAGE_HEAD, qingshi_village),
        gridder=user_with_role(Role.GRID_WORKER, GridFactory(village=beimen)),
    )


def file_village_report(world, *, actor=None, village=None, township=None, **overrides):
    values = {
        "assignment": ASSIGNMENT,
        "assigned_on": ASSIGNED_ON,
        "channel": "meeting",
        "channel_detail": "社区工作例会",
    }
    values.update(overrides)
    return reporting.report_file(
        actor=actor or world.village_head,
        village=village or world.beimen,
        township=township,
        department=world.department,
        **values,
    )


def subjects_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def test_a_village_reports_through_its_township(world):
    report = file_village_report(world, evidence=[pdf()])

    report = OffListReport.objects.get(pk=report.pk)
    assert (report.township, report.village, report.department, report.reported_by) == (
        world.township,
        world.beimen,
        world.department,
        world.village_head,
    )
    assert subjects_of(world.staff) == [f"待答复：城关街道（北门社区）报告清单外事项 #{report.pk}"]
    assert subjects_of(world.head) == [f"北门社区报告清单外事项 #{report.pk}"]
    assert subjects_of(world.township_staff) == subjects_of(world.head)
    assert subjects_of(world.other_head) == []


def test_the_village_report_is_answered_and_ruled_like_any_report(world):
    report = file_village_report(world)

    answer(world, report)
    rule(world, report, ruling="upheld")

    report.refresh_from_db()
    assert (report.department_answer, report.ruling) == ("dispute", "upheld")


def test_who_sees_a_village_report(world):
    report = file_village_report(world)
    township_report = reporting.report_file(
        actor=world.head,
        township=world.township,
        department=world.department,
        assignment=ASSIGNMENT,
        assigned_on=ASSIGNED_ON,
        channel="document",
    )

    def seen(user):
        return set(reports_visible_to(user))

    assert seen(world.village_head) == {report}
    assert seen(world.head) == {report, township_report}
    assert seen(world.township_staff) == {report, township_report}
    assert seen(world.staff) == {report, township_report}
    assert seen(world.office) == {report, township_report}
    assert seen(world.other_village_head) == set()
    assert seen(world.gridder) == set()
    assert seen(world.other_head) == set()
    assert seen(world.other_office) == set()


@pytest.mark.parametrize("who", ["other_village_head", "gridder", "head", "staff", "office"])
def test_only_the_villages_head_reports_in_its_name(world, who):
    before = database_state()

    with pytest.raises(PermissionDenied):
        file_village_report(world, actor=getattr(world, who))

    assert database_state() == before


def test_a_village_reports_only_through_its_own_township(world):
    before = database_state()

    with pytest.raises(ValidationError) as refused:
        file_village_report(world, township=world.other_township)

    assert refused.value.message_dict == {"township": ["村(社区)只能通过所属乡镇(街道)报告。"]}
    assert database_state() == before


def test_the_village_head_adds_evidence_to_its_report(world):
    report = file_village_report(world)

    evidence = reporting.report_evidence_add(
        actor=world.village_head, report=report, uploaded_file=pdf("会议记录.pdf")
    )

    assert evidence.original_name == "会议记录.pdf"
    with pytest.raises(PermissionDenied):
        reporting.report_evidence_add(
            actor=world.other_village_head, report=report, uploaded_file=pdf()
        )


def test_the_village_head_files_on_the_report_page(world, client):
    make_item(
        county=world.county,
        level="village",
        townships=[world.township],
        lead_department=world.department,
        title="自建房安全隐患排查",
        local_responsibilities="村(社区)配合开展自建房结构安全排查，发现隐患及时报告。",
    )
    make_item(
        county=world.county,
        level="village",
        townships=[world.other_township],
        lead_department=world.department,
        title="自建房结构安全排查建档",
    )
    client.force_login(world.village_head)
    page = client.get(reverse("reports:new"))
    data = {
        "village": world.beimen.pk,
        "department": world.department.pk,
        "assignment": "要求社区开展自建房结构安全排查并逐户建档。",
        "assigned_on": "2026-09-01",
        "channel": "meeting",
        "channel_detail": "社区工作例会",
    }

    checked = client.post(reverse("reports:new"), {**data, "check": "1"})
    filed = client.post(reverse("reports:new"), data)

    assert set(page.context["form"].fields) >= {"village", "department", "assignment"}
    assert "township" not in page.context["form"].fields
    assert [entry.item.title for entry in checked.context["similar"]] == ["自建房安全隐患排查"]
    report = OffListReport.objects.get()
    assert filed.status_code == 302
    assert filed.url == reverse("reports:detail", args=[report.pk])
    assert (report.township, report.village) == (world.township, world.beimen)
    detail = client.get(filed.url)
    assert "城关街道（北门社区报告）" in detail.content.decode()


def test_another_villages_id_on_the_page_is_refused(world, client):
    client.force_login(world.village_head)
    before = database_state()

    response = client.post(
        reverse("reports:new"),
        {
            "village": world.qingshi_village.pk,
            "department": world.department.pk,
            "assignment": ASSIGNMENT,
            "assigned_on": "2026-09-01",
            "channel": "meeting",
        },
    )

    assert response.status_code == 403
    assert database_state() == before


@pytest.mark.parametrize(("who", "status"), [("gridder", 403), ("village_head", 200)])
def test_grid_workers_have_no_report_pages(world, client, who, status):
    client.force_login(getattr(world, who))

    assert client.get(reverse("reports:index")).status_code == status
    assert client.get(reverse("reports:new")).status_code == status


def test_a_village_reports_through_the_api(world):
    response = client_for(world.village_head).post(
        "/api/reports/",
        {
            "village": world.beimen.pk,
            "department": world.department.pk,
            "assignment": ASSIGNMENT,
            "assigned_on": "2026-09-01",
            "channel": "meeting",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["township"]["name"], body["village"]["name"]) == ("城关街道", "北门社区")
    listed = client_for(world.other_village_head).get("/api/reports/").json()
    assert listed["results"] == []
