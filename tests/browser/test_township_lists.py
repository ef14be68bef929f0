"""A township head reads the lists in a real browser."""

import pytest

from duty_lists import services as duty_services
from organisations.models import Role
from tests.factories import (
    DEFAULT_PASSWORD,
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    make_item,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_head_sees_own_items_and_opens_history(page, live_server, log_in):
    county = CountyFactory(name="清河县")
    department = DepartmentFactory(county=county, name="县住房和城乡建设局")
    chengguan = TownshipFactory(county=county, name="城关街道")
    qingshi = TownshipFactory(county=county, name="青石镇")
    office = user_with_role(Role.COUNTY_OFFICE, county, display_name="周建华")
    user_with_role(Role.TOWNSHIP_HEAD, chengguan, username="chengguan_head")
    everywhere = make_item(
        county=county, lead_department=department, title="违法建设巡查", code="XZ-ZJ-0001"
    )
    make_item(
        county=county,
        lead_department=department,
        townships=[chengguan],
        title="燃气安全入户排查",
        code="XZ-ZJ-0002",
    )
    make_item(
        county=county,
        lead_department=department,
        townships=[qingshi],
        title="森林防火巡查",
        code="XZ-ZJ-0003",
    )
    make_item(county=CountyFactory(name="白沙县"), title="白沙县河道巡查")
    duty_services.duty_item_amend(
        actor=office,
        item=everywhere,
        reason="采纳城关街道意见",
        local_responsibilities="负责日常巡查和发现报告，不承担拆除。",
    )

    # Users land on their 待办; the lists are one menu away.
    log_in("chengguan_head", DEFAULT_PASSWORD, "/lists/")
    page.click("text=乡镇(街道)清单")
    page.wait_for_url("**/lists/?level=township")

    rows = page.locator("table.vf-list__table tbody tr")
    assert rows.count() == 2
    table_text = page.locator("table.vf-list__table").inner_text()
    assert "违法建设巡查" in table_text
    assert "燃气安全入户排查" in table_text
    assert "森林防火巡查" not in table_text
    assert "白沙县河道巡查" not in table_text
    assert page.get_by_test_id("item-count").inner_text() == "共 2 项"

    page.click("text=违法建设巡查")
    page.wait_for_url(f"**/lists/items/{everywhere.pk}/")
    history = page.get_by_test_id("item-history")
    history_rows = history.locator("tbody tr")
    assert history_rows.count() == 2
    assert "新增" in history_rows.nth(0).inner_text()
    amended = history_rows.nth(1).inner_text()
    assert "修改" in amended
    assert "周建华" in amended
    assert "采纳城关街道意见" in amended
    assert "不承担拆除" in amended
    page.screenshot(path=live_server_artifact(page), full_page=True)


def live_server_artifact(page) -> str:
    """Where the final screenshot of the walk-through goes (for people to look at)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return str(folder / "township_head_item_history.png")
