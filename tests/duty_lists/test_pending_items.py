"""An item whose effective date is still to come reads 待生效 with its date, on the list
page and on its own page; the admin speaks the product's name, not "Django 管理"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import Role
from tests.factories import CountyFactory, DepartmentFactory, UserFactory, make_item, user_with_role

pytestmark = pytest.mark.django_db


def test_status_text_names_items_not_yet_in_force():
    county = CountyFactory()
    department = DepartmentFactory(county=county)
    item = make_item(
        county=county, lead_department=department, effective_date=datetime.date(2027, 3, 1)
    )

    assert item.status_text(today=datetime.date(2027, 2, 28)) == "待生效（2027-03-01 起施行）"
    assert item.status_text(today=datetime.date(2027, 3, 1)) == "有效"


def test_list_and_item_pages_show_pending_items_as_such(client):
    county = CountyFactory()
    department = DepartmentFactory(county=county)
    later = timezone.localdate() + datetime.timedelta(days=30)
    pending = make_item(
        county=county, lead_department=department, title="待施行的事项", effective_date=later
    )
    make_item(
        county=county,
        lead_department=department,
        title="已施行的事项",
        effective_date=datetime.date(2024, 1, 1),
    )
    client.force_login(user_with_role(Role.COUNTY_OFFICE, county))

    listing = client.get(reverse("lists:index")).content.decode()
    detail = client.get(reverse("lists:detail", args=[pending.pk])).content.decode()

    expected = f"待生效（{later:%Y-%m-%d} 起施行）"
    assert listing.count(expected) == 1
    assert listing.count(">有效<") == 1
    assert f'data-testid="item-status">{expected}' in detail


def test_admin_is_titled_with_the_products_name(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    html = client.get("/admin/").content.decode()

    assert "清单管理系统后台" in html
    assert "Django" not in html
