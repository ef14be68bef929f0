"""A village secretary reads the village list on a phone (390 px wide) in a real browser:
logs in, lands on 我的清单, sees only the items of the village, nothing runs off the
side of the screen, folds out an item's details and searches."""

import pytest
from playwright.sync_api import expect

from organisations.models import Role
from tests.factories import (
    DEFAULT_PASSWORD,
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    VillageFactory,
    make_item,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_village_secretary_reads_the_village_list_on_a_phone(page, live_server, log_in):
    county = CountyFactory(name="清河县")
    department = DepartmentFactory(county=county, name="县民政局")
    chengguan = TownshipFactory(county=county, name="城关街道")
    qingshi = TownshipFactory(county=county, name="青石镇")
    village = VillageFactory(township=chengguan, name="北门社区")
    user_with_role(Role.VILLAGE_HEAD, village, username="beimen_shuji", display_name="林晓梅")
    make_item(
        county=county,
        level="village",
        lead_department=department,
        code="CS-MZ-0001",
        title="困难群众走访和救助线索报告",
        local_responsibilities="村(社区)定期走访困难群众，发现救助线索及时报告乡镇(街道)民政办。"
        "不承担救助对象的审核认定。",
        basis="《社会救助暂行办法》第四十三条",
    )
    make_item(
        county=county,
        level="village",
        townships=[chengguan],
        lead_department=department,
        code="CS-MZ-0002",
        title="居家养老服务照料中心安全管理",
    )
    make_item(
        county=county,
        level="village",
        townships=[qingshi],
        lead_department=department,
        code="CS-MZ-0003",
        title="青石镇的村级事项",
    )
    make_item(county=county, lead_department=department, title="乡镇清单上的事项")
    page.set_viewport_size(PHONE)

    log_in("beimen_shuji", DEFAULT_PASSWORD)
    page.wait_for_url("**/lists/mine/")

    cards = page.get_by_test_id("item")
    expect(cards).to_have_count(2)
    text = page.locator("main").inner_text()
    assert "困难群众走访和救助线索报告" in text
    assert "居家养老服务照料中心安全管理" in text
    assert "青石镇的村级事项" not in text
    assert "乡镇清单上的事项" not in text
    assert page.get_by_test_id("count-village").inner_text() == "2"
    assert page.get_by_test_id("user-name").inner_text() == "林晓梅"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    first = cards.nth(0)
    assert first.bounding_box()["width"] <= PHONE["width"]
    assert not first.get_by_text("《社会救助暂行办法》第四十三条").is_visible()
    first.locator("summary").click()
    assert first.get_by_text("《社会救助暂行办法》第四十三条").is_visible()

    page.fill("input[name=q]", "养老")
    page.click("button[type=submit] >> text=查找")
    page.wait_for_url("**/lists/mine/?q=*")
    expect(page.get_by_test_id("item")).to_have_count(1)
    assert "居家养老服务照料中心安全管理" in page.locator("main").inner_text()
    page.screenshot(path=_artifact(), full_page=True)


def _artifact() -> str:
    """Where the final screenshot goes (for people to look at)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return str(folder / "village_phone_list.png")
