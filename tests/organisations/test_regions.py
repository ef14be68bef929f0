"""Regions (市/省) and their viewers: only superusers grant and revoke, each change
leaves a history record, and the viewer's counties follow the region."""

import pytest
from django.core.exceptions import PermissionDenied

from organisations import permissions, services
from organisations.models import Region, RegionMembership, Role
from tests.factories import CountyFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    region = Region.objects.create(code="3311", name="丽水市")
    region.counties.set([CountyFactory(name="莲都区"), CountyFactory(name="青田县")])
    return region


def test_a_superuser_grants_and_revokes_with_history(region):
    admin = UserFactory(is_superuser=True, is_staff=True)
    viewer = UserFactory()

    membership = services.region_membership_grant(actor=admin, user=viewer, region=region)
    again = services.region_membership_grant(actor=admin, user=viewer, region=region)

    assert again.pk == membership.pk
    assert permissions.region_county_ids_viewed_by(viewer) == frozenset(
        region.counties.values_list("pk", flat=True)
    )
    services.region_membership_revoke(actor=admin, membership=membership, reason="调离")
    assert permissions.region_county_ids_viewed_by(viewer) == frozenset()
    assert [
        (row.history_type, row.history_user_id, row.history_change_reason)
        for row in RegionMembership.history.order_by("history_id")
    ] == [("+", admin.pk, "授予市(省)级查看权限"), ("-", admin.pk, "调离")]


@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.COUNTY_OFFICE])
def test_county_roles_may_not_grant_a_region(region, role):
    actor = user_with_role(role, region.counties.first())
    viewer = UserFactory()

    with pytest.raises(PermissionDenied, match="只有系统管理员"):
        services.region_membership_grant(actor=actor, user=viewer, region=region)
    assert not RegionMembership.objects.exists()


def test_a_region_viewer_holds_no_county_right(region):
    viewer = UserFactory()
    services.region_membership_grant(actor=None, user=viewer, region=region)

    assert permissions.county_ids_visible_to(viewer) == frozenset()
    assert permissions.county_ids_arbitrated_by(viewer) == frozenset()
    assert permissions.county_ids_administered_by(viewer) == frozenset()
    assert not permissions.has_membership(viewer)


def test_a_new_county_of_the_region_is_read_at_the_next_request(region):
    viewer = UserFactory()
    services.region_membership_grant(actor=None, user=viewer, region=region)
    county = CountyFactory(name="缙云县")

    region.counties.add(county)

    fresh = type(viewer).objects.get(pk=viewer.pk)
    assert county.pk in permissions.region_county_ids_viewed_by(fresh)


def test_regions_are_closed_to_county_administrators_in_the_admin(client, region):
    county_admin = user_with_role(Role.COUNTY_ADMIN, region.counties.first())
    client.force_login(county_admin)

    assert client.get("/admin/organisations/region/").status_code == 403
    assert client.get("/admin/organisations/regionmembership/").status_code == 403


def test_a_superuser_grants_a_viewer_in_the_admin(client, region):
    admin = UserFactory(is_superuser=True, is_staff=True)
    viewer = UserFactory()
    client.force_login(admin)

    response = client.post(
        "/admin/organisations/regionmembership/add/",
        {"user": viewer.pk, "region": region.pk},
    )

    assert response.status_code == 302
    membership = RegionMembership.objects.get()
    assert (membership.user, membership.region) == (viewer, region)
    assert membership.history.get().history_change_reason == "管理后台授予"
