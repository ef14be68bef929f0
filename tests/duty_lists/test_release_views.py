"""The release pages (发布版本) of the lists app: a list's releases, one release's changes,
the list as a release issued it, and two releases compared; scoped like the lists
(township users see the items that applied to their township, other counties nothing),
with a fixed number of queries whatever the number of changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duty_lists import services
from organisations.models import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    make_item,
    user_with_role,
)

pytestmark = pytest.mark.django_db

DECIDED = datetime.date(2026, 3, 2)


def release(office, duty_list, items, number):
    return services.release_publish(
        actor=office,
        duty_list=duty_list,
        items=items,
        document_number=number,
        decided_by="县委常委会",
        decided_on=DECIDED,
        effective_date=DECIDED,
    )


@pytest.fixture
def world():
    """甲县's township list: release 1 issues three items; release 2 amends one, withdraws
    one and adds one. 乙县 has a release of its own."""
    county = CountyFactory(name="甲县")
    department = DepartmentFactory(county=county, name="甲县住建局")
    north = TownshipFactory(county=county, name="北镇")
    south = TownshipFactory(county=county, name="南镇")
    office = user_with_role(Role.COUNTY_OFFICE, county)
    kept = make_item(county=county, lead_department=department, title="违法建设巡查")
    dropped = make_item(
        county=county, lead_department=department, townships=[south], title="南镇事项"
    )
    northern = make_item(
        county=county, lead_department=department, townships=[north], title="北镇事项"
    )
    duty_list = kept.duty_list
    first = release(office, duty_list, [kept, dropped, northern], "甲委办发〔2026〕1号")
    services.duty_item_amend(
        actor=office, item=kept, reason="调整", local_responsibilities="只负责发现报告。"
    )
    services.duty_item_withdraw(actor=office, item=dropped, reason="取消", withdrawn_date=DECIDED)
    added = make_item(county=county, lead_department=department, title="新增事项")
    second = release(office, duty_list, [kept, dropped, added], "甲委办发〔2026〕9号")
    other_county = CountyFactory(name="乙县")
    other_item = make_item(county=other_county, title="乙县事项")
    other_office = user_with_role(Role.COUNTY_OFFICE, other_county)
    other = release(other_office, other_item.duty_list, [other_item], "乙委办发〔2026〕2号")
    return {
        "county": county,
        "office": office,
        "north_head": user_with_role(Role.TOWNSHIP_HEAD, north),
        "south_head": user_with_role(Role.TOWNSHIP_HEAD, south),
        "staff": user_with_role(Role.DEPARTMENT_STAFF, department),
        "other_office": other_office,
        "first": first,
        "second": second,
        "other": other,
    }


def test_a_release_shows_what_it_added_amended_and_withdrew(client, world):
    client.force_login(world["staff"])

    response = client.get(f"/lists/releases/{world['second'].pk}/")

    assert response.status_code == 200
    context = response.context
    assert [v.after.title for v in context["added"]] == ["新增事项"]
    assert [v.after.title for v in context["withdrawn"]] == ["南镇事项"]
    [amended] = context["amended"]
    assert [(c.label, c.old, c.new) for c in amended.changes] == [
        ("乡镇(街道)职责", "乡镇负责发现报告。", "只负责发现报告。")
    ]
    assert context["previous"] == world["first"]
    assert "甲委办发〔2026〕9号" in response.content.decode()


def test_the_list_as_a_release_issued_it(client, world):
    client.force_login(world["office"])

    first = client.get(f"/lists/releases/{world['first'].pk}/items/").context["snapshots"]
    second = client.get(f"/lists/releases/{world['second'].pk}/items/").context["snapshots"]

    assert [(s.title, s.local_responsibilities) for s in first] == [
        ("违法建设巡查", "乡镇负责发现报告。"),
        ("南镇事项", "乡镇负责发现报告。"),
        ("北镇事项", "乡镇负责发现报告。"),
    ]
    assert [s.title for s in second] == ["违法建设巡查", "北镇事项", "新增事项"]
    assert second[0].local_responsibilities == "只负责发现报告。"


def test_two_releases_compared(client, world):
    client.force_login(world["office"])

    response = client.get(
        "/lists/releases/compare/",
        {"first": world["second"].pk, "second": world["first"].pk},
    )

    diff = response.context["diff"]
    assert [s.title for s in diff.added] == ["新增事项"]
    assert [w.before.title for w in diff.withdrawn] == ["南镇事项"]
    assert [c.after.title for c in diff.changed] == ["违法建设巡查"]
    assert (response.context["first"], response.context["second"]) == (
        world["first"],
        world["second"],
    )


def test_releases_of_two_lists_cannot_be_compared(client, world):
    client.force_login(world["office"])
    village_item = make_item(county=world["county"], level="village")
    village = release(
        world["office"], village_item.duty_list, [village_item], "甲委办发〔2026〕3号"
    )

    response = client.get(
        "/lists/releases/compare/", {"first": world["first"].pk, "second": village.pk}
    )

    assert response.context["diff"] is None
    assert response.context["form"].errors == {"second": ["只能对比同一清单的两个版本。"]}


def test_a_township_sees_only_the_changes_that_applied_to_it(client, world):
    client.force_login(world["north_head"])
    north = client.get(f"/lists/releases/{world['second'].pk}/").context
    client.force_login(world["south_head"])
    south = client.get(f"/lists/releases/{world['second'].pk}/").context

    assert [v.after.title for v in north["withdrawn"]] == []
    assert [v.after.title for v in south["withdrawn"]] == ["南镇事项"]
    assert [v.after.title for v in north["added"]] == ["新增事项"]
    client.force_login(world["south_head"])
    items = client.get(f"/lists/releases/{world['first'].pk}/items/").context["snapshots"]
    assert [s.title for s in items] == ["违法建设巡查", "南镇事项"]


@pytest.mark.parametrize(
    "url", ["/lists/releases/{pk}/", "/lists/releases/{pk}/items/"], ids=["detail", "items"]
)
def test_another_county_gets_403_and_anonymous_the_login(client, world, url):
    path = url.format(pk=world["first"].pk)

    assert client.get(path).status_code == 302
    client.force_login(world["other_office"])
    assert client.get(path).status_code == 403
    compare = client.get(
        "/lists/releases/compare/", {"first": world["first"].pk, "second": world["second"].pk}
    )
    assert compare.context["diff"] is None


def test_the_release_list_shows_only_the_user_counties(client, world):
    client.force_login(world["north_head"])

    groups = client.get("/lists/releases/").context["groups"]

    assert [(str(duty_list), [r.number for r in rows]) for duty_list, rows in groups] == [
        ("甲县乡镇(街道)履行职责事项清单", [2, 1])
    ]


def _queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_release_pages_run_the_same_queries_with_3_and_27_changes(client, world):
    office = world["office"]
    client.force_login(office)
    small = world["second"]

    def paths(release_):
        return [
            "/lists/releases/",
            f"/lists/releases/{release_.pk}/",
            f"/lists/releases/{release_.pk}/items/",
        ]

    at_3 = [_queries(client, path) for path in paths(small)]
    items = [make_item(county=world["county"]) for _ in range(27)]
    release(office, small.duty_list, items, "甲委办发〔2026〕20号")
    for item in items:
        services.duty_item_amend(
            actor=office, item=item, reason="调整", funding_source="县财政补助"
        )
    big = release(office, small.duty_list, items, "甲委办发〔2026〕30号")

    at_27 = [_queries(client, path) for path in paths(big)]

    assert at_27 == at_3
    assert set(big.changes.values_list("kind", flat=True)) == {"amended"}
    assert big.changes.count() == 27


def test_releases_are_listed_by_level_then_newest_first(client, world):
    grid_item = make_item(county=world["county"], level="grid")
    village_item = make_item(county=world["county"], level="village")
    release(world["office"], grid_item.duty_list, [grid_item], "甲委办发〔2026〕4号")
    release(world["office"], village_item.duty_list, [village_item], "甲委办发〔2026〕5号")
    client.force_login(world["office"])

    groups = client.get("/lists/releases/").context["groups"]

    assert [(duty_list.level, [r.number for r in rows]) for duty_list, rows in groups] == [
        ("township", [2, 1]),
        ("village", [1]),
        ("grid", [1]),
    ]
