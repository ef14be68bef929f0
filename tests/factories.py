"""factory_boy factories for the domain models.

Users with roles are made through ``organisations.services`` so that they hold exactly
the groups and object permissions a real user of that role holds.
"""

import datetime

import factory

from duty_lists import services as duty_services
from duty_lists.models import Category, DutyItem, DutyType, Level
from organisations import services as org_services
from organisations.models import County, Department, Grid, Role, Township, User, Village

DEFAULT_PASSWORD = "test-pass-123"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"测试{n}县")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    county = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"D{n:05d}")
    name = factory.Sequence(lambda n: f"测试局{n}")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试{n}镇")
    kind = Township.Kind.TOWN


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"V{n:06d}")
    name = factory.Sequence(lambda n: f"测试{n}村")
    kind = Village.Kind.VILLAGE


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    village = factory.SubFactory(VillageFactory)
    code = factory.Sequence(lambda n: f"G{n:07d}")
    name = factory.Sequence(lambda n: f"第{n}网格")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def user_with_role(role: str, unit, **user_fields) -> User:
    """Create a user holding ``role`` in ``unit`` (a County, Department, Township,
    Village or Grid)."""
    user = UserFactory(**user_fields)
    if isinstance(unit, County):
        org_services.membership_grant(actor=None, user=user, role=role, county=unit)
    elif isinstance(unit, Department):
        org_services.membership_grant(
            actor=None, user=user, role=role, county=unit.county, department=unit
        )
    elif isinstance(unit, Village):
        org_services.membership_grant(
            actor=None, user=user, role=role, county=unit.township.county, village=unit
        )
    elif isinstance(unit, Grid):
        org_services.membership_grant(
            actor=None, user=user, role=role, county=unit.village.township.county, grid=unit
        )
    else:
        org_services.membership_grant(
            actor=None, user=user, role=role, county=unit.county, township=unit
        )
    return user


def county_office_user(county: County, **kw) -> User:
    return user_with_role(Role.COUNTY_OFFICE, county, **kw)


def township_head(township: Township, **kw) -> User:
    return user_with_role(Role.TOWNSHIP_HEAD, township, **kw)


def department_staff(department: Department, **kw) -> User:
    return user_with_role(Role.DEPARTMENT_STAFF, department, **kw)


_item_counter = iter(range(1, 10**9))

# The default categories' codes (duty_lists.models.DEFAULT_CATEGORIES).
URBAN_RURAL, SAFETY_LAW, PUBLIC_SERVICE, ECOLOGY = "CX", "PA", "GG", "ST"


def category_of(county: County, code: str = URBAN_RURAL) -> Category:
    """The county's category ``code``, giving the county its default categories first
    when it has none (as its first list does)."""
    duty_services.category_seed_defaults(county)
    return Category.objects.get(county=county, code=code)


def make_item(
    *,
    county: County,
    level: str = Level.TOWNSHIP,
    townships=None,
    lead_department: Department | None = None,
    actor=None,
    reason: str = "测试录入",
    **fields,
) -> DutyItem:
    """Create an item through ``duty_item_create`` (one history record, like real data).

    ``townships=None`` makes it apply to all units of the level.
    """
    n = next(_item_counter)
    values = {
        "code": f"T-{n:05d}",
        "title": f"测试事项{n}",
        "duty_type": DutyType.COOPERATING,
        "lead_department": lead_department or DepartmentFactory(county=county),
        "department_responsibilities": "部门负责组织实施。",
        "local_responsibilities": "乡镇负责发现报告。",
        "basis": "《测试条例》第一条",
        "applies_to_all": townships is None,
        "effective_date": datetime.date(2026, 1, 1),
    }
    values.update(fields)
    # The county's own category when one is given (a county with categories of its own
    # has none of the defaults).
    category = values.get("category", URBAN_RURAL)
    if isinstance(category, str):
        category = category_of(county, category)
    values["category"] = category
    return duty_services.duty_item_create(
        actor=actor,
        duty_list=duty_services.duty_list_for(county, level),
        reason=reason,
        townships=townships or [],
        **values,
    )
