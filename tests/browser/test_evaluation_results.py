"""The county office opens a round's results in a real browser: the vendored Chart.js
draws both rankings (also after a Turbo navigation), the heat maps are tables."""

import pytest
from django.urls import reverse

from tests.evaluation.round_factories import evaluation_world
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART_DRAWN = """id => {
  const canvas = document.getElementById(id);
  return Boolean(window.Chart && canvas && window.Chart.getChart(canvas));
}"""


def test_results_page_draws_the_rankings_and_the_heat_maps(page, live_server, log_in):
    world = evaluation_world(departments=4, townships=3)
    world.office.username = "office"
    world.office.save()

    log_in("office", DEFAULT_PASSWORD, next_path=reverse("evaluation:round", args=[world.round.pk]))
    page.get_by_test_id("results-link").click()
    page.wait_for_function(CHART_DRAWN, arg="qd-chart-departments")
    page.wait_for_function(CHART_DRAWN, arg="qd-chart-townships")

    bars = page.evaluate(
        "() => Chart.getChart(document.getElementById('qd-chart-departments')).data.labels"
    )
    assert bars == ["县0局", "县1局", "县2局", "县3局"]
    assert page.locator("[data-testid=heat-received] tbody tr").count() == 4
    assert page.locator("[data-testid=heat-received] tbody td").count() == 4 * 3
    assert page.locator("[data-testid=department-ranking] [data-testid=rank-row]").count() == 4

    page.reload()
    page.wait_for_function(CHART_DRAWN, arg="qd-chart-townships")
