"""A township head fills in a score sheet in a real browser, on a desktop screen and on
a phone: every indicator's scoring rule (评分标准) is on screen next to its score field,
and on a phone nothing is wider than the screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from evaluation.models import ScoreSheet, SheetState
from tests.evaluation.round_factories import evaluation_world, open_round, sheet_of
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS_THE_SCREEN = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=str
)
def test_scoring_rules_are_shown_and_the_sheet_can_be_submitted(page, log_in, viewport):
    world = evaluation_world(with_round=False)
    world.round = open_round(world)
    world.township_head.username = "chengguan_head"
    world.township_head.save()
    sheet = sheet_of(world.round, world.townships[0], world.departments[0])
    page.set_viewport_size(viewport)

    log_in(
        "chengguan_head", DEFAULT_PASSWORD, next_path=reverse("evaluation:sheet", args=[sheet.pk])
    )

    rules = page.get_by_test_id("scoring-rule")
    expect(rules).to_have_count(3)
    assert rules.all_inner_texts() == [
        "依单履职的评分标准",
        "资源随事转的评分标准",
        "响应及时的评分标准",
    ]
    for index in range(3):
        assert rules.nth(index).is_visible()
        box = rules.nth(index).bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= viewport["width"]
    if viewport["width"] < 600:
        # A block per indicator: the rule sits under the name, the whole width.
        assert rules.first.evaluate("cell => getComputedStyle(cell).display") == "block"
        assert page.evaluate(FITS_THE_SCREEN)
    for field, value in zip(
        page.locator("[data-testid=indicator-row] input").all(), ["90", "80", "8"], strict=True
    ):
        field.fill(value)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit-sheet").click()
    page.get_by_test_id("sheet-total").wait_for()

    sheet = ScoreSheet.objects.get(pk=sheet.pk)
    assert (sheet.state, str(sheet.total)) == (SheetState.SUBMITTED, "84.00")
