"""导入清单 page: upload, preview (dry run), confirm."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from duty_lists.importing import lists_import
from duty_lists.models import Category, DutyItem
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
        ("乡镇(街道)", 32),
        ("村(社区)", 19),
        ("网格", 12),
    ]
    assert [len(plan.added) for plan in result.lists] == [32, 19, 12]
    assert DutyItem.objects.count() == 0
    html = preview.content.decode()
    assert 'data-testid="import-confirm"' in html

    confirmed = client.post(
        reverse("lists:import"), {"action": "confirm", "token": preview.context["token"]}
    )

    assert confirmed.status_code == 302
    assert confirmed.url == f"{reverse('lists:index')}?level=township"
    assert DutyItem.objects.count() == 63
    assert set(DutyItem.history.values_list("history_change_reason", flat=True)) == {
        "清委办发〔2025〕9号"
    }
    # The preview's file is used once.
    again = client.post(
        reverse("lists:import"), {"action": "confirm", "token": preview.context["token"]}
    )
    assert again.status_code == 302
    assert DutyItem.history.count() == 63


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
    assert DutyItem.history.count() == 63


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
        "主体责任",
        "牵头部门",
        "部门职责",
        "协同部门(及职责)",
        "村(社区)职责",
        "实施依据",
        "追责情形",
        "免责情形",
        "工作要求/时限",
        "配套保障",
        "备注",
        "指导目录编码",
        "适用乡镇",
        "适用村(社区)",
        "村(社区)类型",
        "生效日期",
        "有效期至",
    ]
    # The township list has no applicability by village.
    township_headers = [cell.value for cell in workbook["乡镇(街道)"][1]]
    assert "适用村(社区)" not in township_headers
    assert "村(社区)类型" not in township_headers
    # The instructions name every column, the parts of 配套保障 in columns of their own too.
    documented = [row[0].value for row in workbook["填写说明"].iter_rows(min_row=2, max_row=27)]
    assert documented == [
        "序号",
        "事项编码",
        "事项名称",
        "类别",
        "履职类型",
        "主体责任",
        "牵头部门",
        "部门职责",
        "协同部门(及职责)",
        "乡镇(街道)职责、村(社区)职责、网格职责",
        "实施依据",
        "追责情形",
        "免责情形",
        "工作要求/时限",
        "配套保障",
        "经费金额(万元)",
        "经费来源",
        "人员保障",
        "装备保障",
        "备注",
        "指导目录编码",
        "适用乡镇",
        "适用村(社区)",
        "村(社区)类型",
        "生效日期",
        "有效期至",
    ]
    # Drop-down lists: the county's categories, the level's duty types and item kinds.
    validations = {
        str(v.sqref): v.formula1 for v in workbook["村(社区)"].data_validations.dataValidation
    }
    assert validations == {
        "D2:D2000": '"党的建设,经济发展,城乡建设,平安法治,生态环保,公共服务,社会事务,综合保障"',
        "E2:E2000": '"基本履职,配合履职,不应承担事项,证明事项,机制牌子"',
        "F2:F2000": '"牵头部门,村(社区)"',
        "T2:T2000": '"村,社区"',
    }


def test_template_lists_the_countys_own_categories(client):
    county = qinghe()
    lists_import(
        actor=None,
        county=county,
        content=qinghe_file(),
        file_name="清河县三张清单.xlsx",
        effective_date=datetime.date(2025, 7, 1),
        document_number="清委办发〔2025〕9号",
    )
    safety = Category.objects.get(county=county, code="PA")
    Category.objects.create(county=county, parent=safety, code="PAXF", name="消防安全", position=41)
    client.force_login(county_office_user(county))

    response = client.get(reverse("lists:import_template"))

    sheet = load_workbook(io.BytesIO(response.content))["乡镇(街道)"]
    [categories] = [v for v in sheet.data_validations.dataValidation if str(v.sqref) == "D2:D2000"]
    assert categories.formula1 == (
        '"党的建设,经济发展,城乡建设,平安法治,平安法治／消防安全,生态环保,公共服务,社会事务,综合保障"'
    )
