"""The "三张清单" pages: scoping per role, per township and across counties."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duty_lists import services as duty_services
from duty_lists.models import Level
from organisations.models import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    make_item,
    user_with_role,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/lists/"


@pytest.fixture
def world():
    """Two counties; county A has two townships and items for all, for one, for the other."""
    county = CountyFactory(name="甲县")
    other_county = CountyFactory(name="乙县")
    department = DepartmentFactory(county=county, name="甲县住建局")
    other_department = DepartmentFactory(county=other_county, name="乙县住建局")
    north = TownshipFactory(county=county, name="北镇")
    south = TownshipFactory(county=county, name="南镇")
    other_township = TownshipFactory(county=other_county, name="乙镇")
    items = {
        "all": make_item(county=county, lead_department=department, title="全县事项"),
        "north": make_item(
            county=county, lead_department=department, townships=[north], title="北镇事项"
        ),
        "south": make_item(
            county=county, lead_department=department, townships=[south], title="南镇事项"
        ),
        "village": make_item(
            county=county, lead_department=department, level=Level.VILLAGE, title="村级事项"
        ),
        "other": make_item(county=other_county, lead_department=other_department, title="乙县事项"),
    }
    return {
        "county": county,
        "other_county": other_county,
        "department": department,
        "north": north,
        "south": south,
        "other_township": other_township,
        "items": items,
    }


def _listed_titles(client, params=""):
    response = client.get(LIST_URL + params)
    assert response.status_code == 200
    return sorted(obj.title for obj in response.context["object_list"])


def test_anonymous_is_sent_to_login(client, world):
    for url in (
        LIST_URL,
        reverse("lists:detail", kwargs={"pk": world["items"]["all"].pk}),
        reverse("lists:as_of"),
        reverse("lists:diff"),
        reverse("orgs:index"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_township_head_sees_only_items_applying_to_own_township(client, world):
    client.force_login(user_with_role(Role.TOWNSHIP_HEAD, world["north"]))

    assert _listed_titles(client) == ["全县事项", "北镇事项", "村级事项"]


def test_township_staff_of_other_township_sees_its_own_items(client, world):
    client.force_login(user_with_role(Role.TOWNSHIP_STAFF, world["south"]))

    assert _listed_titles(client) == ["全县事项", "南镇事项", "村级事项"]


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT_STAFF, Role.DEPARTMENT_HEAD, Role.COUNTY_OFFICE, Role.COUNTY_ADMIN]
)
def test_county_and_department_users_see_whole_county_only(client, world, role):
    unit = world["department"] if role.startswith("department") else world["county"]
    client.force_login(user_with_role(role, unit))

    assert _listed_titles(client) == ["全县事项", "北镇事项", "南镇事项", "村级事项"]


def test_filters_by_level_township_and_search(client, world):
    client.force_login(user_with_role(Role.COUNTY_OFFICE, world["county"]))

    assert _listed_titles(client, "?level=village") == ["村级事项"]
    assert _listed_titles(client, f"?township={world['south'].pk}") == [
        "全县事项",
        "南镇事项",
        "村级事项",
    ]
    assert _listed_titles(client, "?_search=北镇") == ["北镇事项"]


def test_search_never_reaches_other_county(client, world):
    client.force_login(user_with_role(Role.COUNTY_OFFICE, world["county"]))

    assert _listed_titles(client, "?_search=乙县") == []


def test_withdrawn_items_are_hidden_unless_asked_for(client, world):
    office = user_with_role(Role.COUNTY_OFFICE, world["county"])
    duty_services.duty_item_withdraw(
        actor=office,
        item=world["items"]["south"],
        reason="职责调整",
        withdrawn_date=datetime.date(2026, 6, 1),
    )
    client.force_login(office)

    assert "南镇事项" not in _listed_titles(client)
    assert _listed_titles(client, "?status=withdrawn") == ["南镇事项"]


@pytest.mark.parametrize(
    ("who", "item_key", "expected"),
    [
        ("north_head", "north", 200),
        ("north_head", "all", 200),
        ("north_head", "south", 403),
        ("north_head", "other", 403),
        ("department", "south", 200),
        ("department", "other", 403),
        ("other_office", "all", 403),
        ("other_office", "other", 200),
    ],
)
def test_item_detail_is_scoped(client, world, who, item_key, expected):
    users = {
        "north_head": lambda: user_with_role(Role.TOWNSHIP_HEAD, world["north"]),
        "department": lambda: user_with_role(Role.DEPARTMENT_STAFF, world["department"]),
        "other_office": lambda: user_with_role(Role.COUNTY_OFFICE, world["other_county"]),
    }
    client.force_login(users[who]())
    item = world["items"][item_key]

    response = client.get(reverse("lists:detail", kwargs={"pk": item.pk}))

    assert response.status_code == expected
    if expected == 200:
        assert item.title in response.content.decode()


def test_item_detail_shows_history_with_user_and_reason(client, world):
    office = user_with_role(Role.COUNTY_OFFICE, world["county"], display_name="王主任")
    item = world["items"]["north"]
    duty_services.duty_item_amend(
        actor=office, item=item, reason="乡镇意见采纳", title="北镇事项（修订）"
    )
    client.force_login(office)

    page = client.get(reverse("lists:detail", kwargs={"pk": item.pk})).content.decode()

    assert "王主任" in page
    assert "乡镇意见采纳" in page
    assert "北镇事项（修订）" in page


def test_missing_item_is_404(client, world):
    client.force_login(user_with_role(Role.COUNTY_OFFICE, world["county"]))
    assert client.get(reverse("lists:detail", kwargs={"pk": 999999})).status_code == 404


def test_as_of_page_for_other_county_is_403(client, world):
    client.force_login(user_with_role(Role.COUNTY_OFFICE, world["county"]))
    response = client.get(
        reverse("lists:as_of"),
        {"county": world["other_county"].pk, "level": "township", "on_date": "2026-06-01"},
    )
    # The county is not among the form's choices: the form rejects it, nothing is shown.
    assert response.status_code == 200
    assert response.context["snapshots"] is None
    assert "county" in response.context["form"].errors


def _make_items(county, department, townships, count):
    for index in range(count):
        make_item(
            county=county,
            lead_department=department,
            townships=None if index % 2 else townships,
        )


@pytest.mark.parametrize(
    ("role", "world_items_seen"), [(Role.TOWNSHIP_HEAD, 2), (Role.COUNTY_OFFICE, 3)]
)
def test_list_page_query_count_does_not_grow_with_items(client, world, role, world_items_seen):
    unit = world["north"] if role == Role.TOWNSHIP_HEAD else world["county"]
    client.force_login(user_with_role(role, unit))
    townships = [world["north"], world["south"]]
    url = LIST_URL + "?level=township&_orderby=code"

    _make_items(world["county"], world["department"], townships, 10)
    client.get(url)  # warm per-process caches (content types)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.context["paginator"].count == world_items_seen + 10

    _make_items(world["county"], world["department"], townships, 190)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["paginator"].count == world_items_seen + 200
    assert len(response.context["object_list"]) == 50

    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(large.captured_queries) <= 15
