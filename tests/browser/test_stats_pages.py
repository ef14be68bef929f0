"""The county office reads the statistics in a real browser: on a 390 px phone no page
runs off the side of the screen and a wide table scrolls inside its card; on a
desktop each chart stands beside its table; a 市级查看人员 filters one county."""

import pytest
from playwright.sync_api import expect

from organisations.models import Region, Role
from organisations.services import region_membership_grant
from stats.figures import FIGURES
from tests.factories import (
    DEFAULT_PASSWORD,
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    UserFactory,
    make_item,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def build_counties():
    county = CountyFactory(name="清河县")
    department = DepartmentFactory(county=county, name="县住房和城乡建设局")
    townships = [
        TownshipFactory(county=county, name=name)
        for name in ("城关街道", "青石镇", "云岭乡", "石门镇")
    ]
    make_item(county=county, lead_department=department, duty_type="basic")
    make_item(county=county, lead_department=department, townships=townships[:2])
    other = CountyFactory(name="白沙县")
    TownshipFactory(county=other, name="沙湾街道")
    user_with_role(Role.COUNTY_OFFICE, county, username="qinghe_bianban")
    region = Region.objects.create(code="3311", name="丽水市")
    region.counties.set([county, other])
    viewer = UserFactory(username="lishui", display_name="丽水市编办")
    region_membership_grant(actor=None, user=viewer, region=region)
    return county, other


def test_statistics_on_a_phone_scroll_their_tables_inside_the_card(page, live_server, log_in):
    build_counties()
    page.set_viewport_size(PHONE)

    log_in("qinghe_bianban", DEFAULT_PASSWORD, "/stats/burden/")
    page.wait_for_url("**/stats/burden/")

    table = page.get_by_test_id("table-burden")
    expect(table).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    scroller = table.locator("xpath=..")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    assert scroller.bounding_box()["width"] <= PHONE["width"]
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(4)
    assert rows.nth(0).locator("th").inner_text() == "城关街道"
    assert page.get_by_test_id("chart-burden").is_visible()

    for figure in FIGURES:
        page.goto(f"{live_server.url}/stats/{figure.key}/")
        expect(page.get_by_test_id("figure-title")).to_have_text(figure.title)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], figure.key


def test_statistics_on_a_desktop_put_the_chart_beside_its_table(page, live_server, log_in):
    county, other = build_counties()

    log_in("lishui", DEFAULT_PASSWORD, "/stats/departments/")
    page.wait_for_url("**/stats/departments/")

    chart = page.get_by_test_id("chart-departments").bounding_box()
    table = page.get_by_test_id("table-departments").bounding_box()
    assert chart["x"] + chart["width"] <= table["x"]
    assert abs(chart["y"] - table["y"]) < 120
    expect(page.get_by_test_id("table-departments").locator("tbody tr")).to_have_count(1)

    page.select_option("#qd-county", str(other.pk))
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**/stats/departments/?county={other.pk}")
    # 白沙县 has no department yet: its table says so.
    expect(page.get_by_test_id("table-departments").get_by_test_id("empty")).to_have_count(1)
    assert page.get_by_test_id("stats-heading").inner_text().startswith("白沙县")
