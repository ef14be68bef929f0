"""A county whose public pages are off (流程设置 · 公开清单页面) shows nothing on any
public URL, page, document or API endpoint; switching them on shows everything again.

The URLs are read from the public URL configurations, so a public page added later is
checked too."""

import pytest
from django.test import Client
from django.urls import reverse

from public import api_urls, urls
from workflow.models import CountyWorkflowSettings

pytestmark = pytest.mark.django_db

# Query strings tried on some URLs besides the bare one.
EXTRA_QUERIES = {
    "public:search": ["?q=巡查"],
    "api:public-search": ["?q=巡查"],
    "public:document": ["?township={township_code}", "?department={department_code}", "?release=1"],
    "api:public-items": ["?township={township_code}", "?level=township"],
}


def county_urls(values: dict) -> list[str]:
    """Every URL of the public pages and the public API that names a county, for the
    objects in ``values`` (keyed by URL argument name)."""
    found = []
    for namespace, patterns in (("public", urls.urlpatterns), ("api", api_urls.urlpatterns)):
        for pattern in patterns:
            arguments = list(pattern.pattern.converters)
            if "county_code" not in arguments:
                continue
            name = f"{namespace}:{pattern.name}"
            base = reverse(name, kwargs={argument: values[argument] for argument in arguments})
            queries = EXTRA_QUERIES.get(name, [])
            if name.endswith("search"):
                found += [base + query for query in queries]
            else:
                found += [base] + [base + query.format(**values) for query in queries]
    return found


def values_for(world, *, other: bool) -> dict:
    if other:
        return {
            "county_code": "332200",
            "level": "township",
            "township_code": "332200001",
            "department_code": "332200-ZJJ",
            "item_id": world.other_item.pk,
            "release_id": world.other_release.pk,
            "file_format": "pdf",
        }
    return {
        "county_code": "331100",
        "level": "township",
        "township_code": "331100001",
        "department_code": "331100-ZJJ",
        "item_id": world.gas.pk,
        "release_id": world.first.pk,
        "file_format": "xlsx",
    }


def test_every_public_url_naming_a_county_is_checked(county_world):
    checked = county_urls(values_for(county_world, other=False))

    assert len(checked) == 21
    assert "/public/331100/documents/township.xlsx?release=1" in checked
    assert "/api/public/counties/331100/search/?q=巡查" in checked


def test_county_with_public_pages_off_shows_nothing_anywhere(county_world):
    checked = county_urls(values_for(county_world, other=True))
    client = Client()

    answers = {url: client.get(url).status_code for url in checked}

    assert answers == dict.fromkeys(checked, 404)
    assert "白沙县" not in client.get("/public/").content.decode()
    assert "332200" not in client.get("/api/public/counties/").content.decode()


def test_switching_public_pages_off_and_on(county_world):
    checked = county_urls(values_for(county_world, other=False))
    client = Client()
    assert {url: client.get(url).status_code for url in checked} == dict.fromkeys(checked, 200)

    settings = CountyWorkflowSettings.objects.create(county=county_world.county, public_pages=False)
    assert {url: client.get(url).status_code for url in checked} == dict.fromkeys(checked, 404)
    assert "清河县" not in client.get("/public/").content.decode()

    settings.public_pages = True
    settings.save()
    assert {url: client.get(url).status_code for url in checked} == dict.fromkeys(checked, 200)
