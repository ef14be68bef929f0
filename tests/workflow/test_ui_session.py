"""The task lists and the dashboard keep the page a finished task returns to in the
session (viewflow's "vf-pin-location"), and write the session only when it changes."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["inbox", "queue", "archive", "task_list", "process_list", "index"]


def _session_writes(queries) -> int:
    return sum('"django_session"' in q["sql"] and "SELECT" not in q["sql"] for q in queries)


@pytest.mark.parametrize("page", PAGES)
def test_viewing_the_same_page_again_does_not_write_the_session(client, county_world, page):
    client.force_login(county_world.office)
    path = reverse(f"changerequest:{page}")
    client.get(reverse("changerequest:mine"))  # another page: the pin moves here

    with CaptureQueriesContext(connection) as first:
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(path).status_code == 200

    assert _session_writes(first.captured_queries) == 1
    assert _session_writes(again.captured_queries) == 0
    session = Session.objects.get(session_key=client.session.session_key).get_decoded()
    assert session["vf-pin-location"] == path
