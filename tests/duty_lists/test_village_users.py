"""Village (村/社区) and grid users read their own list and nothing else: a village's
secretary or director the village list's items that apply to their village, a grid
worker the grid list's items that apply to their grid's village; on a phone page
(我的清单), in the lists pages and through the API."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duty_lists import selectors
from duty_lists import services as duty_services
from duty_lists.models import DutyItem
from organisations import services as org_services
from organisations.models import Membership, Role
from tests.api.conftest import client_for
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    GridFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    make_item,
    user_with_role,
)

pytestmark = pytest.mark.django_db

MINE = reverse("lists:mine")


@pytest.fixture
def villages(db):
    """清河县: 城关街道 (北门社区 with 北门一网格, 南门社区) and 青石镇 (青石村 with its
    grid); items of each list for the whole level, for 城关街道 and for 青石镇, one
    withdrawn; 白沙县 with a village list item for all. A village head of 北门社区, one
    of 青石村, a grid worker of 北门一网格 and one of 青石村's grid."""
    county = CountyFactory(name="清河县")
    department = DepartmentFactory(county=county, name="县民政局")
    chengguan = TownshipFactory(county=county, name="城关街道")
    qingshi = TownshipFactory(county=county, name="青石镇")
    beimen = VillageFactory(township=chengguan, name="北门社区")
    nanmen = VillageFactory(township=chengguan, name="南门社区")
    qingshi_village = VillageFactory(township=qingshi, name="青石村")
    beimen_grid = GridFactory(village=beimen, name="北门一网格")
    qingshi_grid = GridFactory(village=qingshi_village, name="青石村一网格")

    def item(level, title, townships=None, **fields):
        return make_item(
            county=county,
            level=level,
            townships=townships,
            lead_department=department,
            title=title,
            **fields,
        )

    items = SimpleNamespace(
        township_all=item("township", "乡镇困难群众救助"),
        village_all=item("village", "村级困难群众走访", code="CS-MZ-0001"),
        village_chengguan=item("village", "社区养老服务站安全", [chengguan], code="CS-MZ-0002"),
        village_qingshi=item("village", "村级河长巡河", [qingshi], code="CS-MZ-0003"),
        grid_chengguan=item("grid", "独居老人探访", [chengguan], code="WG-MZ-0001"),
        grid_qingshi=item("grid", "森林防火巡查", [qingshi], code="WG-MZ-0002"),
        other_county=make_item(county=CountyFactory(name="白沙县"), level="village"),
    )
    withdrawn = item("village", "已取消的村级事项", [chengguan], code="CS-MZ-0004")
    items.withdrawn = duty_services.duty_item_withdraw(
        actor=None,
        item=withdrawn,
        reason="测试取消",
        withdrawn_date=datetime.date(2026, 2, 1),
    )
    return SimpleNamespace(
        county=county,
        department=department,
        chengguan=chengguan,
        qingshi=qingshi,
        beimen=beimen,
        nanmen=nanmen,
        beimen_grid=beimen_grid,
        items=items,
        beimen_head=user_with_role(Role.VILLAGE_HEAD, beimen, display_name="北门社区书记"),
        qingshi_head=user_with_role(Role.VILLAGE_HEAD, qingshi_village),
        beimen_gridder=user_with_role(Role.GRID_WORKER, beimen_grid, display_name="北门网格员"),
        qingshi_gridder=user_with_role(Role.GRID_WORKER, qingshi_grid),
    )


def titles(items) -> set[str]:
    return {item.title for item in items}


def test_a_village_head_sees_the_village_list_items_of_its_village(villages):
    seen = titles(selectors.duty_item_list(villages.beimen_head))

    assert seen == {"村级困难群众走访", "社区养老服务站安全", "已取消的村级事项"}


def test_a_grid_worker_sees_the_grid_list_items_of_its_grids_village(villages):
    assert titles(selectors.duty_item_list(villages.beimen_gridder)) == {"独居老人探访"}
    assert titles(selectors.duty_item_list(villages.qingshi_gridder)) == {"森林防火巡查"}


def test_another_villages_head_sees_its_own_villages_items_only(villages):
    assert titles(selectors.duty_item_list(villages.qingshi_head)) == {
        "村级困难群众走访",
        "村级河长巡河",
    }


@pytest.mark.parametrize(
    ("who", "item", "outcome"),
    [
        ("beimen_head", "village_chengguan", "ok"),
        ("beimen_head", "village_qingshi", "denied"),
        ("beimen_head", "township_all", "denied"),
        ("beimen_head", "grid_chengguan", "denied"),
        ("beimen_head", "other_county", "denied"),
        ("beimen_gridder", "grid_chengguan", "ok"),
        ("beimen_gridder", "village_chengguan", "denied"),
        ("beimen_gridder", "grid_qingshi", "denied"),
        ("qingshi_gridder", "grid_chengguan", "denied"),
    ],
)
def test_an_item_outside_the_users_list_is_refused(villages, who, item, outcome):
    user, item = getattr(villages, who), getattr(villages.items, item)

    if outcome == "ok":
        assert selectors.duty_item_get(user, item.pk) == item
    else:
        with pytest.raises(PermissionDenied):
            selectors.duty_item_get(user, item.pk)


def test_an_unknown_item_is_not_found(villages):
    with pytest.raises(Http404):
        selectors.duty_item_get(villages.beimen_head, 10**9)


def test_the_lists_page_takes_a_village_user_to_its_own_list(client, villages):
    client.force_login(villages.beimen_head)

    assert client.get("/").status_code == 302
    response = client.get(reverse("lists:index"), follow=True)

    assert response.redirect_chain[-1] == (MINE, 302)
    page = response.content.decode()
    assert response.context["lists"][0].unit_names == ("北门社区",)
    assert [item.title for item in response.context["lists"][0].items] == [
        "村级困难群众走访",
        "社区养老服务站安全",
    ]
    assert "已取消的村级事项" not in page
    assert "村级河长巡河" not in page
    assert "乡镇困难群众救助" not in page
    assert 'name="viewport"' in page
    assert 'data-testid="report-link"' in page


def test_the_grid_workers_own_list_is_the_grid_list_of_its_village(client, villages):
    client.force_login(villages.beimen_gridder)

    response = client.get(MINE)

    [own] = response.context["lists"]
    assert (own.duty_list.level, own.unit_names) == ("grid", ("北门一网格",))
    assert [item.title for item in own.items] == ["独居老人探访"]
    # A grid worker does not report off-list demands (the village does).
    assert 'data-testid="report-link"' not in response.content.decode()


def test_the_own_list_is_searchable(client, villages):
    client.force_login(villages.beimen_head)

    response = client.get(MINE, {"q": "养老 安全"})

    [own] = response.context["lists"]
    assert [item.title for item in own.items] == ["社区养老服务站安全"]
    assert response.context["query"] == "养老 安全"


def test_users_of_wider_units_keep_the_lists_page(client, villages):
    office = user_with_role(Role.COUNTY_OFFICE, villages.county)
    client.force_login(office)

    response = client.get(reverse("lists:index"))

    assert response.status_code == 200
    assert client.get(MINE).context["lists"] == []


def _own_list_queries(client, user) -> int:
    client.force_login(user)
    client.get(MINE)  # content types and the like are cached after a first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MINE)
    assert response.status_code == 200
    return len(queries)


def test_the_own_list_page_runs_the_same_queries_with_more_items(client, villages):
    small = _own_list_queries(client, villages.beimen_head)
    for n in range(30):
        make_item(
            county=villages.county,
            level="village",
            townships=[villages.chengguan, villages.qingshi],
            lead_department=DepartmentFactory(county=villages.county),
            code=f"CS-ZZ-{n:04d}",
        )
    large = _own_list_queries(client, villages.beimen_head)

    assert len(client.get(MINE).context["lists"][0].items) == 32
    # Session and user, the user's grants, its villages and their names, the items
    # (with list, lead department and category), their townships, villages and
    # cooperating departments.
    assert small == large == 9


@pytest.mark.parametrize(
    "path",
    [
        "/changerequest/",
        "/changerequest/new/",
        "/changerequest/mine/",
        "/changerequest/queue/",
    ],
)
@pytest.mark.parametrize("who", ["beimen_head", "beimen_gridder"])
def test_village_and_grid_users_have_no_request_pages(client, villages, who, path):
    client.force_login(getattr(villages, who))

    assert client.get(path).status_code == 403


@pytest.mark.parametrize("who", ["beimen_head", "beimen_gridder"])
def test_village_and_grid_users_read_their_items_through_the_api(villages, who):
    client = client_for(getattr(villages, who))

    response = client.get("/api/items/")

    expected = {"beimen_head": ["CS-MZ-0001", "CS-MZ-0002"], "beimen_gridder": ["WG-MZ-0001"]}
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == expected[who]
    other = villages.items.village_qingshi
    # Another village's item is not found through the API (a page answers 403).
    assert client.get(f"/api/items/{other.pk}/").status_code == 404


def test_membership_unit_must_fit_the_role(villages):
    user = UserFactory()

    with pytest.raises(ValidationError) as wrong_unit:
        org_services.membership_grant(
            actor=None,
            user=user,
            role=Role.VILLAGE_HEAD,
            county=villages.county,
            township=villages.chengguan,
        )
    with pytest.raises(ValidationError) as other_county:
        org_services.membership_grant(
            actor=None,
            user=user,
            role=Role.GRID_WORKER,
            county=CountyFactory(),
            grid=villages.beimen_grid,
        )

    assert wrong_unit.value.message_dict == {"role": ["角色“村(社区)书记/主任”与所选单位不匹配。"]}
    assert other_county.value.message_dict == {"county": ["所选单位不属于该县。"]}
    assert not Membership.objects.filter(user=user).exists()


def test_revoking_the_village_role_takes_the_list_away(villages):
    user = villages.beimen_head
    membership = Membership.objects.get(user=user)
    assert user.has_perm("organisations.view_village_items", villages.beimen)

    org_services.membership_revoke(actor=None, membership=membership)

    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("organisations.view_village_items", villages.beimen)
    assert not user.has_perm("organisations.act_for_village", villages.beimen)
    assert list(selectors.duty_item_list(user)) == []
    assert DutyItem.objects.filter(pk=villages.items.village_all.pk).exists()


def test_village_items_apply_by_village_name_and_by_kind(client, villages):
    named = make_item(
        county=villages.county,
        level="village",
        townships=[],
        villages=[villages.beimen],
        lead_department=villages.department,
        title="北门社区老旧小区消防巡查",
    )
    make_item(
        county=villages.county,
        level="village",
        lead_department=villages.department,
        village_kind="community",
        title="社区物业管理协调",
    )
    make_item(
        county=villages.county,
        level="grid",
        lead_department=villages.department,
        village_kind="village",
        title="村网格秸秆禁烧巡查",
    )

    # 北门社区 and 青石村 are both of kind 村 here (the factory's default).
    beimen = titles(selectors.duty_item_list(villages.beimen_head))
    qingshi = titles(selectors.duty_item_list(villages.qingshi_head))
    assert "北门社区老旧小区消防巡查" in beimen
    assert "北门社区老旧小区消防巡查" not in qingshi
    assert "社区物业管理协调" not in beimen | qingshi
    assert "村网格秸秆禁烧巡查" in titles(selectors.duty_item_list(villages.qingshi_gridder))
    client.force_login(villages.beimen_head)
    page = client.get(MINE).content.decode()
    assert named.title in page
    assert "社区物业管理协调" not in page
