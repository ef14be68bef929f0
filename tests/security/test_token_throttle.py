"""``POST /api/token/`` is throttled per client address (X-Forwarded-For is believed only
behind the configured number of proxies) and per username, with the counters in the
shared database cache rather than in one worker's memory."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from rest_framework.test import APIClient

from organisations.api import TokenAddressRateThrottle
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(db):
    """Counters left by tests that commit (browser tests) must not count here."""
    caches["shared"].clear()


def ask_token(username, password=DEFAULT_PASSWORD, **headers):
    return APIClient().post("/api/token/", {"username": username, "password": password}, **headers)


def test_forged_forwarded_for_headers_do_not_escape_the_address_throttle():
    users = [UserFactory(username=f"clerk{n}") for n in range(21)]

    statuses = [
        ask_token(
            user.username, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n, user in enumerate(users)
    ]
    other_address = ask_token("clerk0", REMOTE_ADDR="203.0.113.6").status_code

    assert statuses == [200] * 20 + [429]
    assert other_address == 200


def test_throttled_answer_is_json_with_the_wait(monkeypatch):
    # The throttle's clock stands still: all 21 requests come at the same second, so the
    # next one is possible exactly one window (20/minute) after the first.
    monkeypatch.setattr(TokenAddressRateThrottle, "timer", lambda self: 1_800_000_000.0)
    users = [UserFactory(username=f"clerk{n}") for n in range(21)]
    for user in users[:20]:
        ask_token(user.username)

    response = ask_token(users[20].username)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json() == {"detail": "请求已被限流。 预计 60 秒后可用。"}


def test_behind_one_trusted_proxy_the_address_it_reports_is_throttled(settings):
    settings.QINGDAN_TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    users = [UserFactory(username=f"clerk{n}") for n in range(21)]

    # The client forges the left part; the proxy appends the address it really saw.
    forged = [
        ask_token(
            user.username,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.5",
        ).status_code
        for n, user in enumerate(users)
    ]
    neighbour = ask_token(
        "clerk0", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6"
    ).status_code

    assert forged == [200] * 20 + [429]
    # Same proxy, another client: not throttled with the first one.
    assert neighbour == 200


def test_one_username_is_throttled_from_any_number_of_addresses():
    UserFactory(username="zjj_staff")
    UserFactory(username="yjj_staff")

    statuses = [ask_token("zjj_staff", REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(11)]
    spelled_otherwise = ask_token(" ZJJ_staff ", REMOTE_ADDR="203.0.113.50").status_code
    other_user = ask_token("yjj_staff", REMOTE_ADDR="203.0.113.51").status_code

    assert statuses == [200] * 10 + [429]
    assert spelled_otherwise == 429
    assert other_user == 200


def test_counters_live_in_the_shared_database_cache():
    UserFactory(username="zjj_staff")

    ask_token("zjj_staff", REMOTE_ADDR="203.0.113.9")

    assert isinstance(caches["shared"], DatabaseCache)
    table = caches["shared"]._table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(table)}")  # noqa: S608
        keys = sorted(row[0] for row in cursor.fetchall())
    assert len(keys) == 2
    assert keys[0].endswith("throttle_token_address_203.0.113.9")
    assert "throttle_token_username_" in keys[1]
    assert "zjj_staff" not in keys[1]
