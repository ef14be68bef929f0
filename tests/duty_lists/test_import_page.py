"""导入清单 page: upload, preview (dry run), confirm."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from duty_lists.importing import lists_import
from duty_lists.models import DutyItem
from tests.factories import county_office_user, department_staff, township_head

from .import_world import edited, qinghe, qinghe_file, set_cell

pytestmark = pytest.mark.django_db


def _upload(client, content, **fields):
    data = {
        "action": "preview",
        "file": SimpleUploadedFile("清河县三张清单.xlsx", content),
        "document_number": "清委办发〔2025〕9号",
        "effective_date": "2025-07-01",
        **fields,
    }
    return client.post(reverse("lists:import"), data)


def test_office_previews_then_confirms_and_the_items_are_written(client):
    county = qinghe()
    client.force_login(county_office_user(county))

    menu = client.get(reverse("lists:releases")).content.decode()
    assert f'data-testid="menu-import" href="{reverse("lists:import")}"' not in menu
    assert f'href="{reverse("lists:import")}" data-testid="menu-import"' in menu

    preview = _upload(client, qinghe_file())

    assert preview.status_code == 200
    result = preview.context["result"]
    assert [(s.name, s.items) for s in result.sheets] == [
        ("乡镇(街道)", 31),
        ("村(社区)", 17),
        ("网格", 12),
    ]
    assert [len(plan.added) for plan in result.lists] == [31, 17, 12]
    assert DutyItem.objects.count() == 0
    html = preview.content.decode()
    assert 'data-testid="import-confirm"' in html

    confirmed = client.post(
        reverse("lists:import"), {"action": "confirm", "token": preview.context["token"]}
    )

    assert confirmed.status_code == 302
    assert confirmed.url == f"{reverse('lists:index')}?level=township"
    assert DutyItem.objects.count() == 60
    assert set(DutyItem.history.values_list("history_change_reason", flat=True)) == {
        "清委办发〔2025〕9号"
    }
    # The preview's file is used once.
    again = client.post(
        reverse("lists:import"), {"action": "confirm", "token": preview.context["token"]}
    )
    assert again.status_code == 302
    assert DutyItem.history.count() == 60


def test_bad_file_shows_every_issue_and_writes_nothing(client):
    county = qinghe()
    client.force_login(county_office_user(county))

    response = _upload(client, edited(set_cell("乡镇(街道)", "D9", "安全生产")))

    assert response.status_code == 400
    [issue] = response.context["issues"]
    assert (issue.sheet, issue.row, issue.column, issue.letter) == ("乡镇(街道)", 9, "类别", "D")
    assert "文件有 1 处错误，未导入任何数据" in response.content.decode()
    assert DutyItem.objects.count() == 0


def test_confirm_is_refused_when_the_lists_changed_after_the_preview(client):
    county = qinghe()
    office = county_office_user(county)
    client.force_login(office)
    preview = _upload(client, qinghe_file())
    # Someone else imports a different version meanwhile.
    other = edited(set_cell("乡镇(街道)", "C4", "违法建设巡查和报告"))
    lists_import(
        actor=office,
        county=county,
        content=other,
        file_name="x.xlsx",
        effective_date=preview.context["result"].lists[0].added[0].effective_date,
        document_number="清委办发〔2025〕8号",
    )

    response = client.post(
        reverse("lists:import"), {"action": "confirm", "token": preview.context["token"]}
    )

    assert response.status_code == 302
    assert DutyItem.objects.get(code="XZ-ZJ-0001").title == "违法建设巡查和报告"
    assert DutyItem.history.count() == 60


@pytest.mark.parametrize("who", ["department", "township"])
def test_other_roles_may_not_import(client, who):
    county = qinghe()
    user = (
        department_staff(county.departments.first())
        if who == "department"
        else township_head(county.townships.first())
    )
    client.force_login(user)

    assert client.get(reverse("lists:import")).status_code == 403
    assert _upload(client, qinghe_file()).status_code == 403
    assert 'data-testid="menu-import"' not in client.get(reverse("lists:releases")).content.decode()
    assert DutyItem.objects.count() == 0


def test_template_download_lists_every_column(client):
    county = qinghe()
    client.force_login(county_office_user(county))

    response = client.get(reverse("lists:import_template"))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["填写说明", "乡镇(街道)", "村(社区)", "网格"]
    assert [cell.value for cell in workbook["村(社区)"][1]] == [
        "序号",
        "事项编码",
        "事项名称",
        "类别",
        "履职类型",
        "牵头部门",
        "部门职责",
        "村(社区)职责",
        "实施依据",
        "配套保障",
        "备注",
        "适用乡镇",
        "生效日期",
    ]
