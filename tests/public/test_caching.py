"""The public pages are cacheable: an ETag and a Last-Modified date that stay while
nothing the page may show changes, 304 for a current copy, a new tag after a change."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from duty_lists import services as duty_services
from public.caching import MAX_AGE, county_last_modified

pytestmark = pytest.mark.django_db


def test_county_page_is_cacheable_and_revalidates_with_304(county_world):
    client = Client()
    first = client.get("/public/331100/")

    assert first.status_code == 200
    assert first["Cache-Control"] == f"public, max-age={MAX_AGE}"
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get("/public/331100/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    since = client.get("/public/331100/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_a_change_of_an_item_gives_a_new_tag(county_world):
    client = Client()
    etag = client.get("/public/331100/lists/township/")["ETag"]

    duty_services.duty_item_amend(
        actor=county_world.office,
        item=county_world.building,
        reason="调整",
        title="违法建设日常巡查",
    )

    changed = client.get("/public/331100/lists/township/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "违法建设日常巡查" in changed.content.decode()


def test_a_renamed_township_gives_a_new_tag(county_world):
    client = Client()
    etag = client.get("/public/331100/")["ETag"]
    township = county_world.chengguan
    township.name = "城关镇"
    township.save()

    assert client.get("/public/331100/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_last_modified_is_the_latest_change_of_the_county_or_the_start_of_today(county_world):
    # The grid item is the county's last change; 白沙县 was set up after it.
    latest_record = county_world.grid.history.latest("history_date").history_date
    assert county_world.other_item.history.get().history_date > latest_record
    midnight = datetime.datetime.combine(
        timezone.localdate(), datetime.time.min, tzinfo=timezone.get_default_timezone()
    )

    assert county_last_modified(county_world.county) == max(latest_record, midnight)
    response = Client().get("/public/331100/")
    assert response["Last-Modified"] == http_date(max(latest_record, midnight).timestamp())


def test_documents_are_cacheable_too(county_world):
    client = Client()
    first = client.get("/public/331100/documents/township.xlsx")

    assert first.status_code == 200
    assert first["Cache-Control"] == f"public, max-age={MAX_AGE}"
    assert (
        client.get(
            "/public/331100/documents/township.xlsx", HTTP_IF_NONE_MATCH=first["ETag"]
        ).status_code
        == 304
    )


def test_a_not_found_answer_is_not_marked_cacheable(county_world):
    response = Client().get("/public/332200/")

    assert response.status_code == 404
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")
