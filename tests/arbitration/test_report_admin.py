"""The admin shows off-list reports and their evidence read-only, scoped by county."""

import pytest
from django.urls import reverse

from organisations.models import User
from tests.arbitration.world import file_report, make_world, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_superuser_opens_report_and_evidence_pages_read_only(world, client):
    report = file_report(world, evidence=[pdf()])
    evidence = report.evidence.get()
    client.force_login(User.objects.create_superuser("root", password="x"))

    for url in (
        reverse("admin:arbitration_offlistreport_changelist"),
        reverse("admin:arbitration_offlistreport_change", args=[report.pk]),
        reverse("admin:arbitration_offlistreport_history", args=[report.pk]),
        reverse("admin:arbitration_reportevidence_changelist"),
        reverse("admin:arbitration_reportevidence_change", args=[evidence.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:arbitration_offlistreport_add")).status_code == 403


def test_county_admin_sees_only_own_county_reports(world, client):
    report = file_report(world)
    world.county_admin.is_staff = True
    world.county_admin.save()
    client.force_login(world.county_admin)

    changelist = client.get(reverse("admin:arbitration_offlistreport_changelist"))
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [report]

    world.other_office.is_staff = True
    world.other_office.save()
    client.force_login(world.other_office)
    response = client.get(reverse("admin:arbitration_offlistreport_change", args=[report.pk]))
    assert response.status_code == 403
