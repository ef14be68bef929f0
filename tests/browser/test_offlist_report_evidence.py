"""A township head files an off-list report in a real browser: the evidence file chosen
before pressing 「检查清单」 is still there after the check and is filed with the report;
more evidence can be added on the report's page while it is open."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from arbitration.models import OffListReport
from tests.arbitration.world import PDF_BYTES, make_world
from tests.browser.test_admission_walkthrough import choose
from tests.factories import DEFAULT_PASSWORD, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_evidence_survives_the_list_check_and_is_filed(page, live_server, log_in):
    world = make_world()
    item = make_item(
        county=world.county,
        lead_department=world.department,
        title="自建房安全排查",
        local_responsibilities="配合开展自建房结构安全排查，发现隐患及时报告。",
    )
    log_in(world.head.username, DEFAULT_PASSWORD, next_path=reverse("reports:new"))
    expect(page).to_have_url(re.compile(r"/reports/new/$"))
    choose(page, "department", "县住房和城乡建设局")
    page.fill("textarea[name=assignment]", "要求街道开展危旧房屋清查并逐户建档。")
    page.fill("input[name=assigned_on]", "2026-09-01")
    choose(page, "channel", "发文")
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "交办通知.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.fill("textarea[name=assignment]", "要求街道开展自建房结构安全排查并逐户建档。")

    page.get_by_test_id("check").click()

    expect(page.locator("#similar-items")).to_contain_text(item.code)
    expect(page).to_have_url(re.compile(r"/reports/new/$"))
    assert page.eval_on_selector("input[name=evidence]", "input => input.files.length") == 1
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    report = OffListReport.objects.get()
    assert list(report.evidence.values_list("original_name", flat=True)) == ["交办通知.pdf"]
    expect(page.get_by_test_id("report-summary")).to_contain_text("交办通知.pdf")

    page.set_input_files(
        "[data-testid=evidence-add] input[name=evidence]",
        files=[{"name": "补充说明.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.locator("[data-testid=evidence-add] button[type=submit]").click()

    expect(page.get_by_test_id("report-summary")).to_contain_text("补充说明.pdf")
    assert list(report.evidence.order_by("pk").values_list("original_name", flat=True)) == [
        "交办通知.pdf",
        "补充说明.pdf",
    ]
