"""The county office imports the demo county's approved lists in a real browser."""

import pytest

from duty_lists.models import DutyItem
from organisations.models import Role
from tests.duty_lists.import_world import QINGHE_FILE, qinghe
from tests.factories import DEFAULT_PASSWORD, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_uploads_the_demo_file_previews_confirms_and_sees_the_items(
    page, live_server, log_in
):
    county = qinghe()
    user_with_role(Role.COUNTY_OFFICE, county, username="office", display_name="周建华")

    log_in("office", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/lists/import/")
    page.set_input_files("input[name=file]", str(QINGHE_FILE))
    page.fill("input[name=document_number]", "清委办发〔2025〕9号")
    page.fill("input[name=effective_date]", "2025-07-01")
    page.click("[data-testid=import-preview-button]")

    sheets = page.locator("[data-testid=import-sheets] tbody tr")
    sheets.first.wait_for()
    assert [sheets.nth(i).inner_text().split("\t") for i in range(sheets.count())] == [
        ["乡镇(街道)", "乡镇(街道)", "—", "32"],
        ["村(社区)", "村(社区)", "—", "19"],
        ["网格", "网格", "—", "12"],
    ]
    lists = page.locator("[data-testid=import-lists] tbody tr")
    assert lists.first.inner_text().split("\t") == ["乡镇(街道)", "32", "0", "0", "0", "0"]
    assert DutyItem.objects.count() == 0

    page.click("[data-testid=import-confirm]")
    page.wait_for_url("**/lists/?level=township")

    assert "已按清委办发〔2025〕9号导入" in page.content()
    table_text = page.locator("table.vf-list__table").inner_text()
    assert "违法建设巡查、制止和报告" in table_text
    assert DutyItem.objects.count() == 63
