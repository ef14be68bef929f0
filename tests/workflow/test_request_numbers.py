"""Request numbers (申请编号) SQ-<year>-<n>: given at filing, counted per county and year,
unique, given to requests filed before they existed, and shown on the pages, in the
notifications and in the API."""

import datetime
import importlib
from unittest import mock

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from organisations.models import Role
from tests.factories import DepartmentFactory, user_with_role
from workflow import services
from workflow.models import ChangeKind, ChangeRequestProcess, Notification

from .conftest import add_fields

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def file_request(world, *, county=None, department=None, actor=None, title="燃气安全入户排查"):
    return services.change_request_file(
        actor=actor or world.staff,
        county=county or world.county,
        kind=ChangeKind.ADD,
        level="township",
        department=department or world.department,
        fields=add_fields(county or world.county, title=title),
        applies_to_all=True,
        reasons="属地需要配合入户排查。",
    )


def test_requests_are_numbered_per_county_in_filing_order(county_world):
    other_department = DepartmentFactory(county=county_world.other_county, name="白沙县住建局")
    other_staff = user_with_role(Role.DEPARTMENT_STAFF, other_department)

    first = file_request(county_world)
    second = file_request(county_world, title="瓶装液化气安全检查")
    elsewhere = file_request(
        county_world,
        county=county_world.other_county,
        department=other_department,
        actor=other_staff,
    )

    assert first.number == f"SQ-{YEAR}-0001"
    assert second.number == f"SQ-{YEAR}-0002"
    assert elsewhere.number == f"SQ-{YEAR}-0001"
    assert str(second) == f"SQ-{YEAR}-0002 新增事项：瓶装液化气安全检查"
    assert first.history.earliest().number == f"SQ-{YEAR}-0001"


def test_numbering_starts_again_in_a_new_year(county_world):
    last_year = file_request(county_world)
    assert last_year.number == f"SQ-{YEAR}-0001"

    with mock.patch(
        "workflow.services.filing.timezone.localdate", return_value=datetime.date(YEAR + 1, 1, 2)
    ):
        next_year = file_request(county_world)

    assert next_year.number == f"SQ-{YEAR + 1}-0001"


def test_a_number_is_unique_within_its_county(county_world):
    first = file_request(county_world)
    second = file_request(county_world)

    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequestProcess.objects.filter(pk=second.pk).update(number=first.number)


def test_requests_filed_before_numbers_existed_are_numbered_in_filing_order(county_world):
    migration = importlib.import_module("workflow.migrations.0006_request_number")
    requests = [file_request(county_world, title=f"事项{index}") for index in range(3)]
    created = [
        # 2026-01-01 04:00 in Beijing: a 2026 request.
        datetime.datetime(2025, 12, 31, 20, tzinfo=datetime.UTC),
        datetime.datetime(2025, 6, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2026, 1, 5, 1, tzinfo=datetime.UTC),
    ]
    for request, moment in zip(requests, created, strict=True):
        ChangeRequestProcess.objects.filter(pk=request.pk).update(number="", created=moment)

    migration.number_existing_requests(apps, None)

    numbers = dict(ChangeRequestProcess.objects.values_list("pk", "number"))
    assert [numbers[request.pk] for request in requests] == [
        "SQ-2026-0001",
        "SQ-2025-0001",
        "SQ-2026-0002",
    ]


def test_the_number_is_shown_on_the_list_the_request_page_and_in_notices(county_world, client):
    process = file_request(county_world)
    other = file_request(county_world, title="瓶装液化气安全检查")
    client.force_login(county_world.office)

    listing = client.get(reverse("changerequest:process_list"))
    found = client.get(reverse("changerequest:process_list"), {"_search": process.number})
    page = client.get(reverse("changerequest:process_detail", args=[process.pk]))

    assert process.number in listing.content.decode()
    assert process.number in found.content.decode()
    assert other.number in listing.content.decode()
    assert other.number not in found.content.decode()
    assert process.number in page.content.decode()
    subjects = Notification.objects.filter(recipient=county_world.office).values_list(
        "subject", flat=True
    )
    assert sorted(subjects) == [
        f"待审查：SQ-{YEAR}-0001 新增事项：燃气安全入户排查",
        f"待审查：SQ-{YEAR}-0002 新增事项：瓶装液化气安全检查",
    ]


def test_the_api_gives_the_number(county_world, client):
    process = file_request(county_world)
    client.force_login(county_world.office)

    response = client.get(reverse("api:request-detail", args=[process.pk]))

    assert response.status_code == 200
    assert response.json()["number"] == f"SQ-{YEAR}-0001"
    assert response.json()["subject"] == "新增事项：燃气安全入户排查"
