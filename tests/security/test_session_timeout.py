"""A login ends after 30 minutes without a request and 12 hours after it began, and
the session is not rewritten on every request."""

import logging
import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from rest_framework.test import APIClient

from config.middleware import SessionTimeoutMiddleware
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_AT, SEEN_AT = SessionTimeoutMiddleware.LOGIN_AT, SessionTimeoutMiddleware.SEEN_AT


@pytest.fixture
def logged_in(client):
    UserFactory(username="zjj_staff")
    response = client.post(
        reverse("login"), {"username": "zjj_staff", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    return client


def page():
    return reverse("notifications:index")


def move_back(client, **seconds_ago) -> None:
    """Pretend the login began / the user was last seen that many seconds ago."""
    session = client.session
    now = int(time.time())
    for key, seconds in seconds_ago.items():
        session[{"login_at": LOGIN_AT, "seen_at": SEEN_AT}[key]] = now - seconds
    session.save()


def stored_session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_defaults_are_thirty_minutes_idle_and_twelve_hours_in_all(settings):
    assert (settings.SESSION_IDLE_TIMEOUT, settings.SESSION_MAX_LIFETIME) == (30 * 60, 12 * 3600)
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_login_starts_both_clocks(logged_in):
    now = int(time.time())

    session = logged_in.session

    assert now - 5 <= session[LOGIN_AT] <= now
    assert session[SEEN_AT] == session[LOGIN_AT]


def test_thirty_minutes_idle_logs_out_and_says_why(logged_in, caplog):
    move_back(logged_in, login_at=31 * 60, seen_at=30 * 60)

    with caplog.at_level(logging.INFO, logger="qingdan.audit"):
        response = logged_in.get(page())

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={page()}"
    assert "_auth_user_id" not in logged_in.session
    assert "session expired: user='zjj_staff' reason=idle ip=127.0.0.1" in [
        record.getMessage() for record in caplog.records
    ]
    login_page = logged_in.get(response["Location"])
    assert SessionTimeoutMiddleware.IDLE_MESSAGE in login_page.content.decode()


def test_twenty_nine_minutes_idle_keeps_the_login_and_restarts_the_idle_clock(logged_in):
    move_back(logged_in, login_at=60 * 60, seen_at=29 * 60)
    now = int(time.time())

    response = logged_in.get(page())

    assert response.status_code == 200
    session = logged_in.session
    assert now <= session[SEEN_AT] <= now + 5
    assert session[LOGIN_AT] <= now - 60 * 60


def test_requests_within_a_minute_of_login_do_not_write_the_session(logged_in):
    before = stored_session(logged_in)

    responses = [logged_in.get(page()).status_code for _ in range(3)]

    after = stored_session(logged_in)
    assert responses == [200, 200, 200]
    assert (after.session_data, after.expire_date) == (before.session_data, before.expire_date)


def test_twelve_hours_after_login_the_session_ends_even_if_active(logged_in, caplog):
    move_back(logged_in, login_at=12 * 3600, seen_at=30)

    with caplog.at_level(logging.INFO, logger="qingdan.audit"):
        response = logged_in.get(page())

    assert response.status_code == 302
    assert "_auth_user_id" not in logged_in.session
    assert "session expired: user='zjj_staff' reason=lifetime ip=127.0.0.1" in [
        record.getMessage() for record in caplog.records
    ]
    login_page = logged_in.get(response["Location"])
    assert SessionTimeoutMiddleware.LIFETIME_MESSAGE in login_page.content.decode()


def test_timeouts_are_configurable(logged_in, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    move_back(logged_in, seen_at=6 * 60)

    assert logged_in.get(page()).status_code == 302
    assert "_auth_user_id" not in logged_in.session


def test_an_api_call_on_an_idle_session_is_not_authenticated(logged_in):
    move_back(logged_in, seen_at=31 * 60)

    response = logged_in.get("/api/tasks/")

    assert response.status_code == 401
    assert "_auth_user_id" not in logged_in.session


def test_a_session_from_before_the_timeouts_starts_counting_at_its_next_request(client):
    user = UserFactory(username="zjj_staff")
    client.force_login(user)
    session = client.session
    del session[LOGIN_AT], session[SEEN_AT]
    session.save()
    now = int(time.time())

    assert client.get(page()).status_code == 200

    session = client.session
    assert now <= session[LOGIN_AT] == session[SEEN_AT] <= now + 5


def test_issuing_an_api_token_creates_no_session(db):
    UserFactory(username="zjj_staff")

    response = APIClient().post(
        "/api/token/", {"username": "zjj_staff", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200
    assert Session.objects.count() == 0
