"""A citizen reads a county's published lists without logging in, on a desktop and on a
390 px phone: finds an item with "这件事在清单上吗？", opens it, and downloads the
township's list as Excel and PDF."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import TIMEOUT_MS
from tests.public.world import SECOND_NUMBER, build_county_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(params=sorted(VIEWPORTS))
def reader(browser, request):
    """A page of a fresh, logged-out browser context at the parametrised viewport."""
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **VIEWPORTS[request.param])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"public_{request.param}_last.png", full_page=True)
    context.close()


def fits_width(page) -> bool:
    """True if nothing on the page is wider than the viewport (no sideways scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def download(page, test_id: str) -> bytes:
    with page.expect_download() as pending:
        page.get_by_test_id(test_id).click()
    return Path(pending.value.path()).read_bytes()


def test_citizen_finds_an_item_and_downloads_the_township_list(reader, live_server):
    world = build_county_world()
    page = reader

    page.goto(f"{live_server.url}/public/{world.county.code}/")

    expect(page).to_have_url(re.compile(r"/public/331100/$"))
    expect(page.get_by_test_id("county-title")).to_have_text("清河县三张清单")
    expect(page.locator("input[type=password]")).to_have_count(0)
    assert fits_width(page)
    page.screenshot(path=ARTIFACTS / f"public_{page.viewport_name}_county.png", full_page=True)

    page.fill("input[name=q]", "入户　排查")
    page.select_option("select[name=township]", label="城关街道")
    page.get_by_role("button", name="查一查").click()

    expect(page.get_by_test_id("search-verdict")).to_contain_text("在清单上")
    covering = page.get_by_test_id("search-covering")
    expect(covering.locator("li")).to_have_count(1)
    expect(covering).to_contain_text("燃气安全入户排查和宣传")
    expect(covering).to_contain_text("适用于：城关街道")
    assert fits_width(page)
    page.screenshot(path=ARTIFACTS / f"public_{page.viewport_name}_search.png", full_page=True)

    covering.get_by_role("link", name="燃气安全入户排查和宣传").click()
    expect(page.get_by_test_id("item-title")).to_have_text("燃气安全入户排查和宣传")
    history = page.get_by_test_id("item-history")
    expect(history.locator("> li")).to_have_count(2)
    expect(history).to_contain_text(SECOND_NUMBER)
    expect(history).not_to_contain_text("周建华")
    assert fits_width(page)

    page.get_by_test_id("county-link").click()
    page.get_by_test_id("townships").get_by_role("link", name="城关街道").click()
    expect(page.get_by_test_id("township-title")).to_have_text("城关街道履行职责事项")
    assert fits_width(page)

    workbook = load_workbook(io.BytesIO(download(page, "document-township-xlsx")))
    sheet = workbook.active
    assert sheet["A1"].value == "清河县城关街道履行职责事项清单"
    assert SECOND_NUMBER in sheet["A2"].value
    assert [cell.value for cell in sheet[3]][:3] == ["序号", "事项编码", "事项名称"]
    assert [row[2] for row in sheet.iter_rows(min_row=4, values_only=True)] == [
        "燃气安全入户排查和宣传",
        "违法建设巡查",
    ]

    pdf = PdfReader(io.BytesIO(download(page, "document-township-pdf")))
    # Table cells wrap lines; the text is compared without its line breaks.
    text = "".join("".join(page_.extract_text() for page_ in pdf.pages).split())
    assert "清河县城关街道履行职责事项清单" in text
    assert SECOND_NUMBER in text
    assert "燃气安全入户排查和宣传" in text


def test_every_kind_of_public_page_fits_a_phone_screen(reader, live_server):
    world = build_county_world()
    page = reader
    base = f"{live_server.url}/public/{world.county.code}"

    for path in (
        "/",
        "/lists/township/",
        "/townships/331100002/",
        "/departments/331100-ZJJ/",
        f"/items/{world.withdrawn.pk}/",
        "/releases/",
        f"/releases/{world.first.pk}/",
        "/search/?q=森林+巡查&township=331100001",
        "/off-list/",
        "/documents/township.html?release=2",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert fits_width(page), path
    expect(page.get_by_test_id("document-version")).to_contain_text(SECOND_NUMBER)
    page.screenshot(path=ARTIFACTS / f"public_{page.viewport_name}_print.png", full_page=True)
