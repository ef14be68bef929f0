"""The Django admin: every model is reachable, scoped by county, items read-only."""

import logging
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.shortcuts import resolve_url
from django.urls import reverse

from duty_lists import services as duty_services
from duty_lists.models import DutyItem, DutyList
from organisations.models import Membership, Role
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


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def two_counties():
    """County A and county B, each with a township, village, grid and an amended item."""
    data = {}
    for key, name in (("a", "甲县"), ("b", "乙县")):
        county = CountyFactory(name=name)
        township = TownshipFactory(county=county, name=f"{name}城关镇")
        village = VillageFactory(township=township, name=f"{name}东村")
        grid = GridFactory(village=village, name=f"{name}第一网格")
        department = DepartmentFactory(county=county, name=f"{name}住建局")
        item = make_item(county=county, lead_department=department, title=f"{name}违法建设巡查")
        item = duty_services.duty_item_amend(
            actor=None, item=item, reason=f"{name}调整配合职责", local_responsibilities="巡查报告"
        )
        data[key] = {
            "county": county,
            "township": township,
            "village": village,
            "grid": grid,
            "department": department,
            "item": item,
        }
    return data


@pytest.fixture
def county_a_admin(two_counties):
    return user_with_role(
        Role.COUNTY_ADMIN, two_counties["a"]["county"], username="admin_a", is_staff=True
    )


def test_superuser_can_open_every_changelist_and_change_page(client, two_counties):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)

    failures = {}
    for model in admin.site._registry:
        changelist = client.get(admin_url(model, "changelist"))
        if changelist.status_code != 200:
            failures[f"{model._meta.label} changelist"] = changelist.status_code
        obj = model._default_manager.first()
        if obj is not None:
            change = client.get(admin_url(model, "change", obj.pk))
            if change.status_code != 200:
                failures[f"{model._meta.label} change"] = change.status_code
            history = client.get(admin_url(model, "history", obj.pk))
            if history.status_code != 200:
                failures[f"{model._meta.label} history"] = history.status_code

    assert failures == {}
    assert len(admin.site._registry) >= 9


def test_item_history_shows_each_change_with_reason(client, two_counties):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    item = two_counties["a"]["item"]

    response = client.get(admin_url(DutyItem, "history", item.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert "测试录入" in content
    assert "甲县调整配合职责" in content
    assert "巡查报告" in content


def test_items_are_read_only_even_for_superuser(client, two_counties):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    item = two_counties["a"]["item"]

    response = client.post(admin_url(DutyItem, "change", item.pk), {"title": "改名"})
    add = client.get(admin_url(DutyItem, "add"))
    delete = client.post(admin_url(DutyItem, "delete", item.pk), {"post": "yes"})

    assert response.status_code == 403
    assert add.status_code == 403
    assert delete.status_code == 403
    item.refresh_from_db()
    assert item.title == "甲县违法建设巡查"
    assert item.history.count() == 2


@pytest.mark.parametrize(
    ("model_key", "text_a", "text_b"),
    [
        ("township", "甲县城关镇", "乙县城关镇"),
        ("village", "甲县东村", "乙县东村"),
        ("grid", "甲县第一网格", "乙县第一网格"),
        ("department", "甲县住建局", "乙县住建局"),
        ("item", "甲县违法建设巡查", "乙县违法建设巡查"),
    ],
)
def test_county_admin_changelist_lists_only_own_county(
    client, two_counties, county_a_admin, model_key, text_a, text_b
):
    client.force_login(county_a_admin)
    model = type(two_counties["a"][model_key])

    response = client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    content = response.content.decode()
    assert text_a in content
    assert text_b not in content
    assert "乙县" not in content


def test_county_admin_search_does_not_find_other_county(client, two_counties, county_a_admin):
    client.force_login(county_a_admin)

    response = client.get(admin_url(DutyItem, "changelist"), {"q": "乙县违法建设巡查"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("model_key", ["county", "township", "village", "grid", "item"])
def test_county_admin_gets_403_for_other_county_objects(
    client, two_counties, county_a_admin, model_key
):
    client.force_login(county_a_admin)
    obj = two_counties["b"][model_key]
    model = type(obj)

    change = client.get(admin_url(model, "change", obj.pk))
    history = client.get(admin_url(model, "history", obj.pk))
    own = client.get(admin_url(model, "change", two_counties["a"][model_key].pk))

    assert change.status_code == 403
    assert history.status_code == 403
    assert own.status_code == 200


def test_denied_admin_access_is_audit_logged(client, two_counties, county_a_admin, caplog):
    caplog.set_level(logging.WARNING, logger="qingdan.audit")
    client.force_login(county_a_admin)
    item = two_counties["b"]["item"]

    client.get(admin_url(DutyItem, "change", item.pk))

    assert [r.getMessage() for r in caplog.records if r.name == "qingdan.audit"] == [
        f"denied: 'admin_a' may not open duty_lists.DutyItem '{item.pk}' in admin"
    ]


def test_county_admin_cannot_open_other_county_history_record(client, two_counties, county_a_admin):
    client.force_login(county_a_admin)
    item = two_counties["b"]["item"]
    record = item.history.first()

    response = client.get(admin_url(DutyItem, "simple_history", item.pk, record.history_id))

    assert response.status_code == 403


def test_county_admin_autocomplete_offers_only_own_county(client, two_counties, county_a_admin):
    client.force_login(county_a_admin)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "organisations",
            "model_name": "membership",
            "field_name": "township",
            "term": "城关镇",
        },
    )

    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["甲县城关镇"]


def test_county_admin_cannot_move_township_to_other_county(client, two_counties, county_a_admin):
    client.force_login(county_a_admin)
    township = two_counties["a"]["township"]

    response = client.post(
        admin_url(type(township), "change", township.pk),
        {"county": two_counties["b"]["county"].pk, "name": "新名", "kind": township.kind},
    )

    assert response.status_code == 200
    assert "county" in response.context["adminform"].form.errors
    township.refresh_from_db()
    assert township.county == two_counties["a"]["county"]
    assert township.name == "甲县城关镇"


def test_county_admin_sees_only_users_of_own_county(client, two_counties, county_a_admin):
    user_with_role(Role.TOWNSHIP_HEAD, two_counties["a"]["township"], username="head_a")
    head_b = user_with_role(Role.TOWNSHIP_HEAD, two_counties["b"]["township"], username="head_b")
    client.force_login(county_a_admin)

    response = client.get(admin_url(type(head_b), "changelist"))

    usernames = sorted(user.username for user in response.context["cl"].result_list)
    assert usernames == ["admin_a", "head_a"]
    assert client.get(admin_url(type(head_b), "change", head_b.pk)).status_code == 403
    assert (
        client.get(reverse("admin:auth_user_password_change", args=(head_b.pk,))).status_code == 403
    )


def test_county_admin_cannot_change_superuser_holding_role_in_own_county(
    client, two_counties, county_a_admin
):
    boss = user_with_role(
        Role.COUNTY_OFFICE, two_counties["a"]["county"], is_staff=True, is_superuser=True
    )
    client.force_login(county_a_admin)

    view = client.get(admin_url(type(boss), "change", boss.pk))
    password = client.post(
        reverse("admin:auth_user_password_change", args=(boss.pk,)),
        {"password1": "Takeover-pass-987", "password2": "Takeover-pass-987"},
    )

    assert view.status_code == 200
    assert password.status_code == 403
    boss.refresh_from_db()
    assert boss.check_password("Takeover-pass-987") is False


def test_county_admin_grants_membership_through_service(client, two_counties, county_a_admin):
    township = two_counties["a"]["township"]
    user = user_with_role(Role.TOWNSHIP_STAFF, township)
    client.force_login(county_a_admin)

    response = client.post(
        admin_url(Membership, "add"),
        {
            "user": user.pk,
            "role": Role.TOWNSHIP_HEAD,
            "county": township.county.pk,
            "township": township.pk,
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=user, role=Role.TOWNSHIP_HEAD)
    assert membership.history.get().history_user == county_a_admin
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("organisations.act_for_township", township)


def test_county_admin_cannot_grant_membership_in_other_county(client, two_counties, county_a_admin):
    user = user_with_role(Role.TOWNSHIP_STAFF, two_counties["a"]["township"])
    other_township = two_counties["b"]["township"]
    client.force_login(county_a_admin)

    response = client.post(
        admin_url(Membership, "add"),
        {
            "user": user.pk,
            "role": Role.TOWNSHIP_HEAD,
            "county": other_township.county.pk,
            "township": other_township.pk,
        },
    )

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"county", "township"}
    assert not Membership.objects.filter(township=other_township).exists()


def test_revoking_membership_in_admin_removes_permissions(client, two_counties, county_a_admin):
    township = two_counties["a"]["township"]
    head = user_with_role(Role.TOWNSHIP_HEAD, township)
    membership = Membership.objects.get(user=head)
    client.force_login(county_a_admin)

    response = client.post(admin_url(Membership, "delete", membership.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    head = type(head).objects.get(pk=head.pk)
    assert not head.has_perm("organisations.act_for_township", township)


def test_staff_user_without_county_role_sees_nothing(client, two_counties):
    client.force_login(UserFactory(is_staff=True))

    index = client.get(reverse("admin:index"))
    changelist = client.get(admin_url(DutyList, "changelist"))

    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert changelist.status_code == 403


@pytest.mark.parametrize("path", ["admin:index", "admin:duty_lists_dutyitem_changelist"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(reverse(path))

    assert response.status_code == 302
    login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path
    location = urlsplit(response.url)
    assert location.path in {login_path, reverse("admin:login")}
    assert f"next={reverse(path)}" in location.query
