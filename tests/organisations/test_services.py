import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError

from organisations import permissions, services
from organisations.models import Membership, Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def test_township_head_gets_object_permissions_on_own_township_only():
    township = TownshipFactory()
    other = TownshipFactory(county=township.county)
    head = user_with_role(Role.TOWNSHIP_HEAD, township)

    assert head.has_perm("organisations.act_for_township", township)
    assert not head.has_perm("organisations.act_for_township", other)
    assert list(permissions.townships_visible_to(head)) == [township]
    assert list(permissions.counties_visible_to(head)) == []
    assert list(head.groups.values_list("name", flat=True)) == ["乡镇(街道)负责人"]


def test_department_staff_sees_own_county_lists():
    department = DepartmentFactory()
    CountyFactory()
    staff = user_with_role(Role.DEPARTMENT_STAFF, department)

    assert list(permissions.counties_visible_to(staff)) == [department.county]
    assert list(permissions.departments_acted_for_by(staff)) == [department]


def test_grant_is_idempotent_and_records_history():
    township = TownshipFactory()
    user = UserFactory()
    first = services.membership_grant(
        actor=None, user=user, role=Role.TOWNSHIP_HEAD, county=township.county, township=township
    )
    second = services.membership_grant(
        actor=None, user=user, role=Role.TOWNSHIP_HEAD, county=township.county, township=township
    )

    assert first.pk == second.pk
    assert Membership.objects.filter(user=user).count() == 1
    record = first.history.get()
    assert record.history_type == "+"
    assert record.history_change_reason == "授予角色"


def test_revoke_removes_only_rights_no_longer_implied():
    township = TownshipFactory()
    user = user_with_role(Role.TOWNSHIP_HEAD, township)
    services.membership_grant(
        actor=None, user=user, role=Role.TOWNSHIP_STAFF, county=township.county, township=township
    )
    head_membership = Membership.objects.get(user=user, role=Role.TOWNSHIP_HEAD)

    services.membership_revoke(actor=None, membership=head_membership)

    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("organisations.act_for_township", township)
    assert user.has_perm("organisations.view_township_items", township)
    assert list(user.groups.values_list("name", flat=True)) == ["乡镇(街道)经办人"]


def test_grant_rejects_unit_that_does_not_fit_role():
    department = DepartmentFactory()
    with pytest.raises(ValidationError) as error:
        services.membership_grant(
            actor=None,
            user=UserFactory(),
            role=Role.TOWNSHIP_HEAD,
            county=department.county,
            department=department,
        )
    assert "role" in error.value.message_dict
    assert Membership.objects.count() == 0


def test_grant_by_other_county_admin_is_denied():
    township = TownshipFactory()
    outsider = user_with_role(Role.COUNTY_ADMIN, CountyFactory())
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=outsider,
            user=UserFactory(),
            role=Role.TOWNSHIP_HEAD,
            county=township.county,
            township=township,
        )
    assert Membership.objects.filter(township=township).count() == 0


def test_county_admin_role_gives_and_takes_admin_site_access():
    county = CountyFactory()
    user = user_with_role(Role.COUNTY_ADMIN, county)
    assert user.is_staff is True

    services.membership_revoke(actor=None, membership=Membership.objects.get(user=user))

    user.refresh_from_db()
    assert user.is_staff is False


def test_user_create_takes_a_ready_password_hash_for_many_logins(caplog):
    caplog.set_level("INFO", logger="qingdan.audit")
    county = CountyFactory()
    admin = user_with_role(Role.COUNTY_ADMIN, county)
    shared = make_password("演示密码-123")
    users = [
        services.user_create(
            actor=admin,
            county=county,
            username=f"clerk{n}",
            display_name=f"办事员{n}",
            password=None,
            password_hash=shared,
        )
        for n in (1, 2)
    ]

    for user in users:
        user.refresh_from_db()
        assert user.password == shared
        assert user.check_password("演示密码-123")
        assert not user.check_password("other")
        assert f"user created: {user.username} by {admin}" in caplog.text
