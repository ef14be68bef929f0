"""The county assessment office (县考核办): a county role of its own, apart from the
county office (编办) and the county administrator."""

import pytest
from django.core.exceptions import ValidationError

from organisations import permissions
from organisations import services as org_services
from organisations.models import Membership, Role
from tests.factories import CountyFactory, DepartmentFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_assessment_office_holds_its_right_on_its_own_county_only():
    county, other = CountyFactory(name="清河县"), CountyFactory(name="白沙县")
    assessor = user_with_role(Role.ASSESSMENT_OFFICE, county)
    office = user_with_role(Role.COUNTY_OFFICE, county)
    admin = user_with_role(Role.COUNTY_ADMIN, county)

    assert permissions.can_assess_county(assessor, county) is True
    assert permissions.can_assess_county(assessor, other) is False
    assert permissions.can_assess_county(office, county) is False
    assert permissions.can_assess_county(admin, county) is False
    assert permissions.can_arbitrate_county(assessor, county) is False
    assert permissions.can_administer_county(assessor, county) is False
    assert permissions.county_ids_assessed_by(assessor) == {county.pk}
    assert permissions.county_ids_assessed_by(office) == frozenset()
    # It reads the county's lists like the other county roles.
    assert permissions.county_ids_visible_to(assessor) == {county.pk}
    assert assessor.groups.get().name == "县考核办"


def test_assessment_office_is_a_county_role_without_a_unit():
    county = CountyFactory()
    user = UserFactory()

    with pytest.raises(ValidationError):
        org_services.membership_grant(
            actor=None,
            user=user,
            role=Role.ASSESSMENT_OFFICE,
            county=county,
            department=DepartmentFactory(county=county),
        )

    assert not Membership.objects.filter(user=user).exists()


def test_revoking_the_role_removes_the_right():
    county = CountyFactory()
    assessor = user_with_role(Role.ASSESSMENT_OFFICE, county)
    membership = Membership.objects.get(user=assessor)

    org_services.membership_revoke(actor=None, membership=membership)

    assert permissions.can_assess_county(assessor, county) is False
    assert permissions.county_ids_assessed_by(assessor) == frozenset()
