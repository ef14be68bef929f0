"""The user's scope (``organisations.permissions.unit_scope``): the same answers as
guardian's ``get_objects_for_user`` and ``has_perm`` for every kind of user, read in one
query and kept on the user object, dropped when a membership changes it."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, get_objects_for_user

from organisations import permissions, services
from organisations.models import County, Department, Membership, Role, Township
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# (queryset function, id function, permission, model)
VISIBILITY = [
    (
        permissions.counties_visible_to,
        permissions.county_ids_visible_to,
        "view_county_lists",
        County,
    ),
    (
        permissions.counties_administered_by,
        permissions.county_ids_administered_by,
        "administer_county",
        County,
    ),
    (
        permissions.counties_arbitrated_by,
        permissions.county_ids_arbitrated_by,
        "arbitrate_county",
        County,
    ),
    (
        permissions.townships_visible_to,
        permissions.township_ids_visible_to,
        "view_township_items",
        Township,
    ),
    (
        permissions.departments_acted_for_by,
        permissions.department_ids_acted_for_by,
        "act_for_department",
        Department,
    ),
]
UNIT_PERMISSIONS = {
    County: ("view_county_lists", "administer_county", "arbitrate_county"),
    Department: ("act_for_department",),
    Township: ("view_township_items", "act_for_township"),
}


@pytest.fixture
def people():
    county, other = CountyFactory(), CountyFactory()
    department = DepartmentFactory(county=county)
    townships = [TownshipFactory(county=county) for _ in range(3)]
    other_township = TownshipFactory(county=other)
    group_member = UserFactory()
    group = Group.objects.create(name="值班组")
    assign_perm("organisations.view_township_items", group, townships[2])
    group_member.groups.add(group)
    two_units = user_with_role(Role.TOWNSHIP_HEAD, townships[0])
    services.membership_grant(
        actor=None,
        user=two_units,
        role=Role.TOWNSHIP_STAFF,
        county=other,
        township=other_township,
    )
    inactive = user_with_role(Role.TOWNSHIP_HEAD, townships[1])
    inactive.is_active = False
    inactive.save()
    superuser = UserFactory(is_superuser=True)
    # A grant whose object_pk is not the canonical text of the id names no object.
    odd = UserFactory()
    UserObjectPermission.objects.create(
        user=odd,
        permission=Permission.objects.get(codename="view_township_items"),
        content_type=ContentType.objects.get_for_model(Township),
        object_pk=f"0{townships[0].pk}",
    )
    return {
        "objects": {
            County: [county, other],
            Department: [department],
            Township: [*townships, other_township],
        },
        "users": {
            "county office": user_with_role(Role.COUNTY_OFFICE, county),
            "county admin": user_with_role(Role.COUNTY_ADMIN, county),
            "department staff": user_with_role(Role.DEPARTMENT_STAFF, department),
            "department head": user_with_role(Role.DEPARTMENT_HEAD, department),
            "township head": user_with_role(Role.TOWNSHIP_HEAD, townships[0]),
            "township staff": user_with_role(Role.TOWNSHIP_STAFF, townships[1]),
            "head and other county's staff": two_units,
            "group member": group_member,
            "inactive head": inactive,
            "superuser": superuser,
            "non-canonical grant": odd,
            "no role": UserFactory(),
        },
    }


def fresh(user):
    """The user as a new request loads it (nothing kept)."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize(
    "who",
    [
        "county office",
        "county admin",
        "department staff",
        "department head",
        "township head",
        "township staff",
        "head and other county's staff",
        "group member",
        "inactive head",
        "superuser",
        "non-canonical grant",
        "no role",
    ],
)
def test_visible_units_are_those_guardian_finds(people, who):
    user = fresh(people["users"][who])
    for objects, ids, codename, model in VISIBILITY:
        expected = set(
            get_objects_for_user(
                user, f"organisations.{codename}", klass=model, accept_global_perms=False
            ).values_list("pk", flat=True)
        )
        assert ids(user) == expected, (who, codename)
        # By id from the kept scope, and through a subquery of the grant rows without it.
        assert set(objects(user).values_list("pk", flat=True)) == expected, (who, codename)
        assert set(objects(fresh(user)).values_list("pk", flat=True)) == expected


@pytest.mark.parametrize(
    "who",
    [
        "county office",
        "department head",
        "township head",
        "head and other county's staff",
        "group member",
        "inactive head",
        "superuser",
        "non-canonical grant",
        "no role",
    ],
)
def test_holds_answers_as_has_perm(people, who):
    user = fresh(people["users"][who])
    answers = {}
    expected = {}
    for model, objects in people["objects"].items():
        for obj in objects:
            for codename in UNIT_PERMISSIONS[model]:
                perm = f"organisations.{codename}"
                answers[perm, obj.pk] = permissions.holds(user, perm, obj)
                expected[perm, obj.pk] = fresh(user).has_perm(perm, obj)
    assert answers == expected


def test_anonymous_user_sees_nothing_without_a_query(django_assert_num_queries):
    anonymous = AnonymousUser()
    with django_assert_num_queries(0):
        assert permissions.county_ids_visible_to(anonymous) == frozenset()
        assert permissions.township_counties_visible_to(anonymous) == {}
        assert not permissions.holds(anonymous, "organisations.view_county_lists", County(pk=1))
        assert not permissions.has_membership(anonymous)
        assert list(permissions.townships_visible_to(anonymous)) == []


def test_scope_is_read_once_per_user_object(people, django_assert_num_queries):
    head = people["users"]["head and other county's staff"]
    township, other_township = people["objects"][Township][0], people["objects"][Township][3]
    user = fresh(head)

    with django_assert_num_queries(1):
        assert permissions.township_ids_visible_to(user) == {township.pk, other_township.pk}
        assert permissions.county_ids_visible_to(user) == frozenset()
        assert permissions.department_ids_acted_for_by(user) == frozenset()
        assert permissions.holds(user, "organisations.act_for_township", township)
        assert not permissions.holds(user, "organisations.act_for_township", other_township)
    with django_assert_num_queries(1):
        assert permissions.township_counties_visible_to(user) == {
            township.pk: township.county_id,
            other_township.pk: other_township.county_id,
        }
    with django_assert_num_queries(1):
        assert permissions.has_membership(user)
    with django_assert_num_queries(0):
        assert permissions.township_ids_visible_to(user) == {township.pk, other_township.pk}
        assert len(permissions.township_counties_visible_to(user)) == 2
        assert permissions.has_membership(user)


def test_queryset_of_an_unread_scope_runs_no_query_until_used(people, django_assert_num_queries):
    user = fresh(people["users"]["township head"])
    with django_assert_num_queries(0):
        townships = permissions.townships_visible_to(user)
    with django_assert_num_queries(1):
        assert list(townships) == [people["objects"][Township][0]]


def test_granting_and_revoking_a_membership_refreshes_the_kept_scope(people):
    township = people["objects"][Township][1]
    user = fresh(people["users"]["no role"])
    assert permissions.township_ids_visible_to(user) == frozenset()
    assert not permissions.has_membership(user)

    membership = services.membership_grant(
        actor=None, user=user, role=Role.TOWNSHIP_HEAD, county=township.county, township=township
    )

    assert permissions.township_ids_visible_to(user) == {township.pk}
    assert permissions.holds(user, "organisations.act_for_township", township)
    assert permissions.has_membership(user)

    services.membership_revoke(actor=None, membership=membership)

    assert Membership.objects.filter(user=user).count() == 0
    assert permissions.township_ids_visible_to(user) == frozenset()
    assert not permissions.has_membership(user)
