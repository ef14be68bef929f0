"""The statistics pages and the API run a fixed number of SQL queries whatever the
number of items, townships, departments, requests, consultations and reports: the same
count at two sizes, equal to the pinned one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duty_lists.models import DutyType
from stats.figures import FIGURES
from tests.api.conftest import answer, client_for, file_request, forward
from tests.factories import DepartmentFactory, TownshipFactory, make_item
from workflow.models import ConsultationAnswer
from workflow.services import reporting

pytestmark = pytest.mark.django_db

# Fixed costs of a page: the session and its user, the user's grants, its regions, the
# counties' names, the header's unread notifications and 待办 count; then each table's queries (see
# ``stats.selectors``: townships or departments once, each grouped count once).
PINNED = {
    "/stats/": 7,
    "/stats/burden/": 10,
    "/stats/departments/": 9,
    "/stats/funding/": 10,
    "/stats/requests/": 8,
    "/stats/consultations/": 11,
    "/stats/contest/": 9,
    "/stats/reports/": 9,
    "/stats/changes/": 8,
    # No header on a download; every table of every page.
    "/stats/export.xlsx": 23,
}
PAGES = list(PINNED)
# The API's fixed costs: the token and its user, the grants, the regions, the counties.
API_PINNED = {
    "/api/stats/burden/": 7,
    "/api/stats/departments/": 6,
    "/api/stats/funding/": 7,
    "/api/stats/requests/": 5,
    "/api/stats/consultations/": 8,
    "/api/stats/contest/": 6,
    "/api/stats/reports/": 6,
    "/api/stats/changes/": 5,
}


def grow(world, size: int) -> None:
    """Add ``size`` townships, departments, items of every kind, requests (forwarded,
    one township contesting) and off-list reports to 清河县."""
    for index in range(size):
        township = TownshipFactory(county=world.county)
        department = DepartmentFactory(county=world.county)
        make_item(county=world.county, lead_department=department, duty_type=DutyType.BASIC)
        make_item(
            county=world.county,
            lead_department=department,
            townships=[township, world.townships[0]],
            funding_source="无",
        )
        make_item(county=world.county, level="village", lead_department=world.department)
        process = file_request(world, title=f"批量申请{index}")
        forward(world, process)
        answer(world, process, 0, ConsultationAnswer.CONTEST, reason="缺少人员。")
        answer(world, process, 1, ConsultationAnswer.ACCEPT)
        reporting.report_file(
            actor=world.heads[index % 3],
            township=world.townships[index % 3],
            department=world.department,
            assignment="要求开展排查。",
            assigned_on=datetime.date(2026, 10, 28),
            channel="document",
        )


def count_queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_every_page_is_pinned():
    figures = [f"/stats/{figure.key}/" for figure in FIGURES]
    assert set(PAGES) == {"/stats/", "/stats/export.xlsx", *figures}


@pytest.mark.parametrize("who", ["office", "region_viewer"])
def test_page_queries_do_not_grow_with_rows(client, region_world, who):
    world = region_world
    user = getattr(world, who)
    grow(world, 1)
    small = {url: count_queries(client, user, url) for url in PAGES}
    grow(world, 5)
    large = {url: count_queries(client, user, url) for url in PAGES}

    assert small == large == PINNED


def test_api_queries_do_not_grow_with_rows(region_world):
    world = region_world
    client = client_for(world.office)
    urls = [f"/api/stats/{figure.key}/" for figure in FIGURES]

    def counts():
        result = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result[url] = len(queries)
        return result

    grow(world, 1)
    small = counts()
    grow(world, 5)
    assert counts() == small == API_PINNED
