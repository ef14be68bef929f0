"""The list pages run a fixed number of SQL queries whatever the number of items and
history records (DESIGN §6 "Fast"): the same count with a small and a larger list, for
a county office user, a department user and a township head, and no more than the
pinned ceiling."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duty_lists import services as duty_services
from organisations.models import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    make_item,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# (page, role) -> most queries the page may run. Fixed costs of every page: session and
# user, the user's grants (read once per request) and whether it holds a membership
# (the menu), the header's unread count; then the page's own reads (a township head's
# pages also read its township's county). The list page reads the filters' choices
# (categories, departments twice: lead and any role, townships) and prefetches each
# item's townships, villages and cooperating departments; the item page the latter three.
CEILINGS = {
    ("list", "office"): 14,
    ("list", "department"): 14,
    ("list", "township"): 15,
    ("as_of", "office"): 12,
    ("as_of", "department"): 12,
    ("as_of", "township"): 14,
    ("diff", "office"): 13,
    ("diff", "department"): 13,
    ("diff", "township"): 15,
    ("item", "office"): 12,
    ("item", "department"): 12,
    ("item", "township"): 13,
}


@pytest.fixture
def county():
    county = CountyFactory(name="甲县")
    departments = [DepartmentFactory(county=county, name=f"甲县{n}局") for n in range(3)]
    townships = [TownshipFactory(county=county, name=f"甲县{n}镇") for n in range(3)]
    office = user_with_role(Role.COUNTY_OFFICE, county)
    return {
        "county": county,
        "departments": departments,
        "townships": townships,
        "office": office,
        "users": {
            "office": office,
            "department": user_with_role(Role.DEPARTMENT_STAFF, departments[0]),
            "township": user_with_role(Role.TOWNSHIP_HEAD, townships[0]),
        },
    }


def add_items(world, first: int, last: int) -> None:
    """Items number ``first`` to ``last - 1``: every odd one names two townships (never
    the first), each is amended once (a second history record) and every fifth is
    withdrawn (a third)."""
    for index in range(first, last):
        item = make_item(
            county=world["county"],
            lead_department=world["departments"][index % 3],
            townships=world["townships"][index % 2 : index % 2 + 2] if index % 2 else None,
            effective_date=datetime.date(2026, 1, 1),
        )
        duty_services.duty_item_amend(
            actor=world["office"],
            item=item,
            reason="修订",
            townships=list(item.townships.all()),
            title=f"{item.title}（修订）",
        )
        if index % 5 == 0:
            duty_services.duty_item_withdraw(
                actor=world["office"],
                item=item,
                reason="取消",
                withdrawn_date=datetime.date(2026, 3, 1),
            )


def page_urls(world) -> dict[str, str]:
    county = world["county"].pk
    today = timezone.localdate().isoformat()
    item = min(
        world["county"].duty_lists.get(level="township").items.all(),
        key=lambda item: item.pk,
    )
    return {
        "list": reverse("lists:index") + "?level=township",
        "as_of": reverse("lists:as_of") + f"?county={county}&level=township&on_date={today}",
        "diff": reverse("lists:diff")
        + f"?county={county}&level=township&date_from=2025-12-01"
        + f"&date_to={today}",
        "item": reverse("lists:detail", kwargs={"pk": item.pk}),
    }


def measure(client, world) -> tuple[dict, dict]:
    """Queries run by each page for each role, and how many rows it shows."""
    counts, rows = {}, {}
    urls = page_urls(world)
    for page, role in CEILINGS:
        client.force_login(world["users"][role])
        client.get(urls[page])  # warm the per-process caches (content types)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(urls[page])
        assert response.status_code == 200, (page, role)
        counts[page, role] = len(queries)
        context = response.context
        if page == "list":
            rows[page, role] = context["paginator"].count
        elif page == "as_of":
            rows[page, role] = len(context["snapshots"])
        elif page == "diff":
            rows[page, role] = len(context["diff"].added) + len(context["diff"].withdrawn)
        else:
            rows[page, role] = len(context["history"])
    return counts, rows


def test_list_pages_run_the_same_queries_with_6_and_60_items(client, county):
    add_items(county, 0, 6)
    small, small_rows = measure(client, county)

    add_items(county, 6, 60)
    large, large_rows = measure(client, county)

    assert large == small
    assert {key: count for key, count in small.items() if count > CEILINGS[key]} == {}
    # The pages did grow with the list: in force are the items not withdrawn (every
    # fifth), for the township head those of them that apply to every township (every
    # second); the item page shows the first item's three records.
    assert (small_rows["list", "office"], large_rows["list", "office"]) == (4, 48)
    assert (small_rows["list", "township"], large_rows["list", "township"]) == (2, 24)
    assert (small_rows["as_of", "office"], large_rows["as_of", "office"]) == (4, 48)
    assert (small_rows["as_of", "township"], large_rows["as_of", "township"]) == (2, 24)
    assert (small_rows["diff", "office"], large_rows["diff", "office"]) == (4, 48)
    assert large_rows["item", "office"] == 3
