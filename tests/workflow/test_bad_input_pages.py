"""Bad input through the pages and the services underneath them: a title of blanks and
invisible characters, a non-integer id. Each is a form error on its field, and nothing
is written; text is cleaned of invisible characters wherever it is stored."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from arbitration.models import OffListReport
from duty_lists import services as duty_services
from duty_lists.models import DutyItem
from organisations.text import clean_text
from tests.arbitration.world import make_world
from tests.factories import make_item
from workflow import services
from workflow.models import ChangeRequestProcess, Consultation, ConsultationAnswer, Notification

from .conftest import add_fields, open_task
from .test_concurrency import execute_url, file_and_forward
from .test_ui_new_request import NEW, add_post

pytestmark = pytest.mark.django_db

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff \u3000\u00ad\u202e"
EMPTY_TITLE = "事项名称不能为空，也不能只包含空白或不可见字符。"


def written():
    return {
        "processes": Process.objects.count(),
        "tasks": Task.objects.count(),
        "notifications": Notification.objects.count(),
        "items": DutyItem.objects.count(),
        "item history": DutyItem.history.count(),
        "consultations": Consultation.objects.count(),
        "reports": OffListReport.objects.count(),
    }


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        (INVISIBLE, ""),
        ("\u200b燃气\u200d安全\ufeff排查\u3000", "燃气安全排查"),
        ("  第一行  \r\n第二行\u200b\t\r\n", "第一行\n第二行"),
        ("\x00名称\x07", "名称"),
        ("制表\t保留", "制表\t保留"),
        (None, ""),
    ],
)
def test_clean_text_removes_invisible_and_control_characters(text, cleaned):
    assert clean_text(text) == cleaned


def test_new_request_page_refuses_an_invisible_title(client, county_world):
    world = county_world
    client.force_login(world.staff)
    before = written()

    response = client.post(NEW, add_post(world, title=INVISIBLE))

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["请填写事项名称。"]
    assert written() == before


def test_new_request_page_refuses_a_non_integer_township_id(client, county_world):
    world = county_world
    client.force_login(world.staff)
    before = written()

    response = client.post(NEW, add_post(world, target_townships=[f"{world.townships[0].pk}.5"]))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["target_townships"]
    assert written() == before


def test_filed_text_is_stored_without_invisible_characters(county_world):
    world = county_world
    process = services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind="add",
        level="township",
        department=world.department,
        fields={
            **add_fields(world.county),
            "title": "\u200b燃气安全\u200c入户排查\u3000",
            "basis": " 《城镇燃气管理条例》\ufeff",
        },
        target_townships=world.townships,
        reasons="\u2060属地需要配合。\u200b",
    )

    process.refresh_from_db()
    assert (process.title, process.basis, process.reasons) == (
        "燃气安全入户排查",
        "《城镇燃气管理条例》",
        "属地需要配合。",
    )


def test_amendment_may_not_empty_a_required_field(county_world):
    world = county_world
    item = make_item(county=world.county, lead_department=world.department)
    before = written()

    with pytest.raises(ValidationError) as refused:
        services.change_request_file(
            actor=world.staff,
            county=world.county,
            kind="amend",
            department=world.department,
            target_item=item,
            fields={"title": INVISIBLE},
            applies_to_all=True,
            reasons="更名",
        )

    assert refused.value.message_dict == {"title": ["请填写事项名称。"]}
    assert written() == before


def test_item_service_refuses_an_invisible_title_and_cleans_the_others(county_world):
    world = county_world
    before = written()

    with pytest.raises(ValidationError) as refused:
        make_item(county=world.county, title=INVISIBLE, basis="\u200b")
    item = make_item(
        county=world.county,
        code="\u200bXZ-T-0001\u200b",
        title="\u200b燃气安全\u2060排查 ",
        remarks=INVISIBLE,
    )

    assert refused.value.message_dict == {
        "title": [EMPTY_TITLE],
        "basis": ["实施依据不能为空，也不能只包含空白或不可见字符。"],
    }
    item.refresh_from_db()
    assert (item.code, item.title, item.remarks) == ("XZ-T-0001", "燃气安全排查", "")
    assert written()["items"] == before["items"] + 1


def test_amending_an_item_to_an_invisible_title_is_refused(county_world):
    world = county_world
    item = make_item(county=world.county, title="燃气安全排查")
    before = written()
    with pytest.raises(ValidationError) as refused:
        duty_services.duty_item_amend(actor=None, item=item, reason="更名", title=INVISIBLE)

    assert refused.value.message_dict == {"title": [EMPTY_TITLE]}
    item.refresh_from_db()
    assert item.title == "燃气安全排查"
    assert written() == before


def test_contest_with_an_invisible_reason_is_a_form_error(client, county_world):
    world = county_world
    process = file_and_forward(world)
    task = open_task(process, "consult", township=world.townships[0].pk)
    client.force_login(world.heads[0])
    before = written()

    response = client.post(
        execute_url(task),
        {"answer": ConsultationAnswer.CONTEST, "reason": INVISIBLE, "counter_proposal": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["提出异议时请说明理由。"]
    assert written() == before


def test_report_page_refuses_a_non_integer_township_id(client):
    world = make_world()
    client.force_login(world.head)
    before = written()

    response = client.post(
        reverse("reports:new"),
        {
            "township": f"{world.township.pk}.5",
            "department": world.department.pk,
            "assignment": "要求街道开展自建房排查。",
            "assigned_on": "2026-09-01",
            "channel": "document",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["township"]
    assert written() == before


def test_report_page_refuses_an_invisible_assignment(client):
    world = make_world()
    client.force_login(world.head)
    before = written()

    response = client.post(
        reverse("reports:new"),
        {
            "township": world.township.pk,
            "department": world.department.pk,
            "assignment": INVISIBLE,
            "assigned_on": "2026-09-01",
            "channel": "document",
            "channel_detail": "",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["assignment"] == ["请填写交办事项内容。"]
    assert written() == before
    assert ChangeRequestProcess.objects.count() == 0
