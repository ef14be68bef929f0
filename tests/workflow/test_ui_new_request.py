"""提出申请 (the new request page) and 我的申请 (the requests of the user's units).

The page calls ``change_request_file``: a good post starts a process waiting for the
county office's review; a bad one shows the service's errors on the fields they name
and writes nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from organisations import services as org_services
from organisations.models import Role
from tests.factories import SAFETY_LAW, DepartmentFactory, category_of, make_item, user_with_role
from workflow.flows import ChangeRequestFlow
from workflow.models import ChangeKind, ChangeRequestProcess, Notification

pytestmark = pytest.mark.django_db

NEW = reverse("changerequest:new")
MINE = reverse("changerequest:mine")


@pytest.fixture
def items(county_world):
    """Items of 清河县's township list led by the world's department: one for 城关街道
    only, one for 青石镇 only, one for all townships; and one led by another department."""
    world = county_world
    other = DepartmentFactory(county=world.county, name="县应急管理局")
    return {
        "chengguan": make_item(
            county=world.county,
            townships=[world.townships[0]],
            lead_department=world.department,
            title="违法建筑巡查",
        ),
        "qingshi": make_item(
            county=world.county,
            townships=[world.townships[1]],
            lead_department=world.department,
            title="矿山巡查",
        ),
        "everywhere": make_item(
            county=world.county, lead_department=world.department, title="燃气安全宣传"
        ),
        "other_department": make_item(county=world.county, lead_department=other, title="应急演练"),
    }


def written():
    """What filing writes: processes, tasks and notifications."""
    return Process.objects.count(), Task.objects.count(), Notification.objects.count()


def add_post(world, **overrides):
    data = {
        "kind": ChangeKind.ADD,
        "level": "township",
        "title": "燃气安全入户排查",
        "category": category_of(world.county, SAFETY_LAW).pk,
        "duty_type": "cooperating",
        "department_responsibilities": "负责燃气安全监管。",
        "local_responsibilities": "配合入户排查。",
        "basis": "《城镇燃气管理条例》",
        "funding_amount": "2",
        "funding_source": "县财政",
        "staffing": "无",
        "equipment": "无",
        "effective_date": "2026-07-01",
        "target_townships": [world.townships[0].pk, world.townships[1].pk],
        "reasons": "属地需要配合入户排查。",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_department_staff_files_a_new_item_and_lands_on_the_request(client, county_world):
    world = county_world
    client.force_login(world.staff)

    response = client.post(NEW, add_post(world))

    process = ChangeRequestProcess.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("changerequest:process_detail", args=[process.pk])
    assert (process.kind, process.title, process.level) == ("add", "燃气安全入户排查", "township")
    assert (process.initiator_department, process.lead_department) == (
        world.department,
        world.department,
    )
    assert process.requested_by == world.staff
    assert sorted(t.name for t in process.target_townships.all()) == ["城关街道", "青石镇"]
    review = Task.objects.get(process=process, flow_task=ChangeRequestFlow.review)
    assert review.status == STATUS.NEW
    assert Notification.objects.filter(recipient=world.office, process=process).count() == 1


def test_missing_item_fields_are_named_and_nothing_is_written(client, county_world):
    world = county_world
    client.force_login(world.staff)
    before = written()

    response = client.post(
        NEW,
        add_post(
            world,
            title="",
            category="",
            duty_type="",
            department_responsibilities="",
            basis="",
            effective_date="",
            target_townships=None,
        ),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert sorted(errors) == [
        "basis",
        "category",
        "department_responsibilities",
        "duty_type",
        "effective_date",
        "target_townships",
        "title",
    ]
    assert errors["title"] == ["请填写事项名称。"]
    body = response.content.decode()
    assert "请填写事项名称。" in body
    assert "请选择涉及的乡镇(街道)，或选择适用全部。" in body
    assert written() == before


def test_missing_reasons_is_a_field_error(client, county_world):
    world = county_world
    client.force_login(world.staff)
    before = written()

    response = client.post(NEW, add_post(world, reasons=""))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reasons"]
    assert written() == before


def test_department_may_only_change_the_items_it_leads(client, county_world, items):
    world = county_world
    client.force_login(world.staff)
    before = written()

    page = client.get(NEW)
    response = client.post(
        NEW,
        {
            "kind": ChangeKind.WITHDRAW,
            "target_item": items["other_department"].pk,
            "reasons": "不再需要。",
        },
    )

    choices = set(page.context["form"].fields["target_item"].queryset)
    assert choices == {items["chengguan"], items["qingshi"], items["everywhere"]}
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["target_item"]
    assert written() == before


def test_department_withdraws_an_item_it_leads(client, county_world, items):
    world = county_world
    client.force_login(world.staff)

    response = client.post(
        NEW,
        {"kind": ChangeKind.WITHDRAW, "target_item": items["qingshi"].pk, "reasons": "已无矿山。"},
    )

    process = ChangeRequestProcess.objects.get()
    assert response.status_code == 302
    assert (process.kind, process.target_item, process.level) == (
        "withdraw",
        items["qingshi"],
        "township",
    )
    assert [t.name for t in process.target_townships.all()] == ["青石镇"]


def test_township_head_is_offered_add_and_changes_of_its_items_only(client, county_world, items):
    client.force_login(county_world.heads[0])

    response = client.get(NEW)

    form = response.context["form"]
    assert response.status_code == 200
    assert [value for value, _ in form.fields["kind"].choices] == ["add", "amend", "withdraw"]
    assert set(form.fields["target_item"].queryset) == {
        items["chengguan"],
        items["everywhere"],
        items["other_department"],
    }
    # a township's addition applies to itself, a change keeps the item's scope: no
    # scope fields; the level and the proposed lead department are asked for an addition
    assert not {"unit", "applies_to_all", "target_townships"} & set(form.fields)
    assert {"level", "lead_department"} <= set(form.fields)


def test_township_head_asks_to_add_an_item_for_its_township(client, county_world):
    world = county_world
    client.force_login(world.heads[0])

    response = client.post(
        NEW, add_post(world, target_townships=None, lead_department=world.department.pk)
    )

    process = ChangeRequestProcess.objects.get()
    assert response.status_code == 302
    assert (process.kind, process.initiator_township, process.lead_department) == (
        "add",
        world.townships[0],
        world.department,
    )
    assert (process.applies_to_all, list(process.target_townships.all())) == (
        False,
        [world.townships[0]],
    )


def test_township_head_asks_to_amend_an_item_that_applies_to_it(client, county_world, items):
    world = county_world
    client.force_login(world.heads[0])

    response = client.post(
        NEW,
        {
            "kind": ChangeKind.AMEND,
            "target_item": items["everywhere"].pk,
            "local_responsibilities": "仅负责发现报告。",
            "reasons": "乡镇无执法权。",
        },
    )

    process = ChangeRequestProcess.objects.get()
    assert response.status_code == 302
    assert (process.initiator_township, process.initiator_department) == (world.townships[0], None)
    assert process.local_responsibilities == "仅负责发现报告。"
    assert process.title == "燃气安全宣传"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": ChangeKind.WITHDRAW, "item": "qingshi"}, "target_item"),
        ({"kind": ChangeKind.AMEND, "item": "qingshi"}, "target_item"),
    ],
)
def test_township_head_cannot_contest_other_items(client, county_world, items, data, field):
    client.force_login(county_world.heads[0])
    before = written()

    response = client.post(
        NEW, {"kind": data["kind"], "target_item": items[data["item"]].pk, "reasons": "理由"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert written() == before


def test_user_of_two_units_chooses_the_filing_unit(client, county_world, items):
    world = county_world
    org_services.membership_grant(
        actor=None,
        user=world.staff,
        role=Role.TOWNSHIP_HEAD,
        county=world.county,
        township=world.townships[1],
    )
    client.force_login(world.staff)
    before = written()

    page = client.get(NEW)
    response = client.post(NEW, {**add_post(world), "unit": f"township:{world.townships[1].pk}"})

    assert [label for _, label in page.context["form"].fields["unit"].choices] == [
        "—",
        "县住房和城乡建设局",
        "青石镇",
    ]
    # A township's addition applies to itself only and names its lead department.
    assert response.context["form"].errors == {
        "lead_department": ["请选择牵头部门。"],
        "target_townships": ["乡镇(街道)申请新增的事项只适用于本乡镇(街道)。"],
    }
    assert written() == before


@pytest.mark.parametrize("who", ["office", "township_staff"])
def test_users_who_cannot_file_are_refused(client, county_world, who):
    world = county_world
    user = (
        world.office if who == "office" else user_with_role(Role.TOWNSHIP_STAFF, world.townships[0])
    )
    client.force_login(user)
    before = written()

    assert client.get(NEW).status_code == 403
    assert client.post(NEW, add_post(world)).status_code == 403
    assert written() == before


def test_anonymous_user_is_sent_to_login(client, county_world):
    response = client.post(NEW, add_post(county_world))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Process.objects.count() == 0


def test_my_requests_lists_the_units_own_requests(client, county_world, items):
    world = county_world
    client.force_login(world.staff)
    client.post(NEW, add_post(world))
    client.force_login(world.heads[0])
    client.post(
        NEW,
        {"kind": ChangeKind.WITHDRAW, "target_item": items["chengguan"].pk, "reasons": "理由"},
    )
    colleague = user_with_role(Role.DEPARTMENT_STAFF, world.department)

    def listed(user):
        client.force_login(user)
        return [process.subject_line for process in client.get(MINE).context["object_list"]]

    assert listed(colleague) == ["新增事项：燃气安全入户排查"]
    assert listed(world.heads[0]) == ["取消事项：违法建筑巡查"]
    assert listed(world.heads[1]) == []
    assert listed(world.office) == []


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_attachments_are_filed_with_the_request_and_downloaded_by_its_readers(client, county_world):
    world = county_world
    client.force_login(world.staff)

    response = client.post(
        NEW,
        {
            **add_post(world),
            "attachments": [
                SimpleUploadedFile("实施方案.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
            ],
        },
    )

    process = ChangeRequestProcess.objects.get()
    assert response.status_code == 302
    attachments = list(process.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type) for a in attachments] == [
        ("实施方案.pdf", "application/pdf"),
        ("照片.png", "image/png"),
    ]
    page = client.get(reverse("changerequest:process_detail", args=[process.pk]))
    assert "实施方案.pdf" in page.content.decode()
    download = reverse("changerequest:attachment", args=[attachments[0].pk])
    client.force_login(world.heads[0])
    assert b"".join(client.get(download).streaming_content) == PDF
    client.force_login(world.other_office)
    assert client.get(download).status_code == 403


def test_attachment_of_a_wrong_kind_is_named_and_nothing_is_written(client, county_world, settings):
    world = county_world
    client.force_login(world.staff)
    before = written()

    response = client.post(
        NEW,
        {
            **add_post(world),
            "attachments": [
                SimpleUploadedFile("实施方案.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("说明.pdf", b"just text", content_type="application/pdf"),
            ],
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["attachments"]
    assert "说明.pdf" in errors["attachments"][0]
    assert written() == before
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))
