"""Every public page, document and API endpoint runs the same number of SQL queries
whatever the number of items, townships, departments, history records and releases."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from duty_lists import services as duty_services
from duty_lists.models import Level
from tests.factories import DepartmentFactory, TownshipFactory, make_item

from .world import build_county_world, publish

# Per URL: the county and its settings (2), the version for the ETag (1, pages only),
# the lists (1) and two per list read (items in force), plus what the page adds.
EXPECTED_QUERIES = {
    "index": 1,
    "county": 13,
    "level": 7,
    "township": 11,
    "department": 11,
    "item": 7,
    "releases": 4,
    "release": 6,
    "search": 11,
    "search township": 11,
    "xlsx": 7,
    "print township": 8,
    "xlsx department": 8,
    "xlsx release": 7,
    "api counties": 1,
    "api county": 12,
    "api items": 9,
    "api item": 6,
    "api releases": 3,
    "api release": 5,
    "api search": 9,
}

pytestmark = pytest.mark.django_db


def grow(world, size: int) -> None:
    """Add ``size`` townships, departments and items per level (half for named
    townships), amend each township item ``size`` times and issue them in a release."""
    townships = [
        TownshipFactory(county=world.county, name=f"新增{n}镇", code=f"331100{n + 100}")
        for n in range(size)
    ]
    departments = [
        DepartmentFactory(county=world.county, name=f"新增局{n}", code=f"331100-N{n}")
        for n in range(size)
    ]
    for level in Level.values:
        items = [
            make_item(
                county=world.county,
                level=level,
                lead_department=departments[n],
                townships=townships[: n + 1] if n % 2 else None,
                code=f"{level[:2].upper()}-N-{n:04d}",
                title=f"巡查事项{level}{n}",
            )
            for n in range(size)
        ]
        publish(world.office, items, f"清委办发〔2026〕{100 + len(level)}号")
    for revision in range(size):
        duty_services.duty_item_amend(
            actor=world.office,
            item=world.gas,
            reason="修改",
            local_responsibilities=f"配合开展入户排查（第{revision}次修改）。",
        )
    publish(world.office, [world.gas], "清委办发〔2026〕200号")


def urls(world) -> dict[str, str]:
    """The URLs measured, by a name that does not depend on ids."""
    release = world.county.duty_lists.get(level=Level.TOWNSHIP).releases.order_by("-number")[0]
    item = world.gas.pk
    return {
        "index": "/public/",
        "county": "/public/331100/",
        "level": "/public/331100/lists/township/",
        "township": "/public/331100/townships/331100001/",
        "department": "/public/331100/departments/331100-ZJJ/",
        "item": f"/public/331100/items/{item}/",
        "releases": "/public/331100/releases/",
        "release": f"/public/331100/releases/{release.pk}/",
        "search": "/public/331100/search/?q=巡查",
        "search township": "/public/331100/search/?q=巡查&township=331100001",
        "xlsx": "/public/331100/documents/township.xlsx",
        "print township": "/public/331100/documents/township.html?township=331100001",
        "xlsx department": "/public/331100/documents/township.xlsx?department=331100-ZJJ",
        "xlsx release": "/public/331100/documents/township.xlsx?release=1",
        "api counties": "/api/public/counties/",
        "api county": "/api/public/counties/331100/",
        "api items": "/api/public/counties/331100/items/",
        "api item": f"/api/public/counties/331100/items/{item}/",
        "api releases": "/api/public/counties/331100/releases/",
        "api release": f"/api/public/counties/331100/releases/{release.pk}/",
        "api search": "/api/public/counties/331100/search/?q=巡查",
    }


def query_counts(world) -> dict[str, int]:
    client = Client()
    counts = {}
    for name, url in urls(world).items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(captured)
    return counts


@pytest.mark.parametrize("size", [2, 12])
def test_query_counts_do_not_grow_with_rows(size):
    world = build_county_world()
    grow(world, size)

    assert query_counts(world) == EXPECTED_QUERIES
