"""Login failure handling (等保 2.0 "登录失败处理"): after five consecutive failures a
username, and separately a client address, is locked on the login page, the admin
login and the token endpoint, even for the right password; audited; unlocked after
the cool-off or by an administrator."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from organisations.models import ApiToken, Role
from tests.factories import (
    DEFAULT_PASSWORD,
    CountyFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

LOCKED = (
    "登录失败次数过多，该用户名或本机地址已被暂时锁定。请 30 分钟后再试，或联系系统管理员解锁。"
)


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="qingdan.audit")
    return caplog


def audit_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "qingdan.audit"]


def web_login(client, username, password, *, url="/accounts/login/", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_defaults_are_five_failures_and_thirty_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_login_page_locks_after_five_failures_even_for_the_right_password(client, audit):
    UserFactory(username="zjj_staff")

    failures = [web_login(client, "zjj_staff", f"wrong-{n}") for n in range(5)]
    right = web_login(client, "zjj_staff", DEFAULT_PASSWORD)

    assert [response.status_code for response in failures] == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert not is_logged_in(client)
    page = right.content.decode()
    assert "登录已锁定" in page
    assert LOCKED in page
    assert "用户名：zjj_staff" in page
    assert "连续登录失败 5 次即锁定，30 分钟后自动解锁" in page
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "zjj_staff",
        "127.0.0.1",
        5,
    )
    assert "wrong-" not in attempt.post_data
    assert "password=********************" in attempt.post_data
    # axes' own record of each counted failure; the refused sixth try is in the audit log.
    assert list(AccessFailureLog.objects.order_by("pk").values_list("username", "locked_out")) == [
        ("zjj_staff", False)
    ] * 4 + [("zjj_staff", True)]
    lines = audit_lines(audit)
    assert lines.count("login failed: user='zjj_staff' ip=127.0.0.1") == 6
    assert lines.count("login locked out: user='zjj_staff' client=127.0.0.1 ip=127.0.0.1") == 2


def test_manage_py_axes_reset_username_unlocks(client):
    UserFactory(username="zjj_staff")
    for n in range(5):
        web_login(client, "zjj_staff", f"wrong-{n}")
    assert web_login(client, "zjj_staff", DEFAULT_PASSWORD).status_code == 429

    call_command("axes_reset_username", "zjj_staff")
    response = web_login(client, "zjj_staff", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)
    assert AccessAttempt.objects.count() == 0


def test_lockout_ends_after_the_cool_off(client):
    UserFactory(username="zjj_staff")
    for n in range(5):
        web_login(client, "zjj_staff", f"wrong-{n}")
    # Thirty minutes pass since the last failure.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=31)
    )

    response = web_login(client, "zjj_staff", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_success_resets_the_count(client):
    UserFactory(username="zjj_staff")
    for n in range(4):
        web_login(client, "zjj_staff", f"wrong-{n}")
    assert web_login(client, "zjj_staff", DEFAULT_PASSWORD).status_code == 302
    client.logout()

    after = [web_login(client, "zjj_staff", f"again-{n}").status_code for n in range(4)]

    assert after == [200, 200, 200, 200]
    assert web_login(client, "zjj_staff", DEFAULT_PASSWORD).status_code == 302


def test_an_address_is_locked_whatever_usernames_and_forwarded_headers_it_sends(client):
    UserFactory(username="zjj_staff")
    for n in range(5):
        web_login(
            client,
            f"guess{n}",
            "wrong",
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )

    from_that_address = web_login(client, "zjj_staff", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.5")
    from_elsewhere = web_login(client, "zjj_staff", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.6")

    assert from_that_address.status_code == 429
    assert from_elsewhere.status_code == 302


def test_a_username_is_locked_whatever_address_tries_it(client):
    UserFactory(username="zjj_staff")
    for n in range(5):
        web_login(client, "zjj_staff", "wrong", REMOTE_ADDR=f"203.0.113.{n}")

    response = web_login(client, "zjj_staff", DEFAULT_PASSWORD, REMOTE_ADDR="192.0.2.77")

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_behind_a_trusted_proxy_the_forwarded_address_is_locked_not_the_proxy(client, settings):
    settings.QINGDAN_TRUSTED_PROXIES = 1
    UserFactory(username="zjj_staff")
    for n in range(5):
        web_login(
            client,
            f"guess{n}",
            "wrong",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"forged-{n}, 203.0.113.5",
        )

    attacker = web_login(
        client,
        "zjj_staff",
        DEFAULT_PASSWORD,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    neighbour = web_login(
        client,
        "zjj_staff",
        DEFAULT_PASSWORD,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )

    assert attacker.status_code == 429
    assert neighbour.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_admin_login_is_locked_too_and_a_county_admin_unlocks_their_user(client, audit):
    county = CountyFactory(name="清河县")
    staff = user_with_role(Role.COUNTY_OFFICE, county, username="zjj_staff", is_staff=True)
    county_admin = user_with_role(Role.COUNTY_ADMIN, county, username="qh_admin", is_staff=True)
    admin_login = reverse("admin:login")
    statuses = [
        web_login(client, "zjj_staff", f"wrong-{n}", url=admin_login).status_code for n in range(5)
    ]
    locked = web_login(client, "zjj_staff", DEFAULT_PASSWORD, url=admin_login)
    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()

    admin_client = type(client)()
    admin_client.force_login(county_admin)
    response = admin_client.post(
        reverse("admin:organisations_user_changelist"),
        {"action": "unlock_login", "_selected_action": [staff.pk]},
    )

    assert response.status_code == 302
    assert AccessAttempt.objects.count() == 0
    assert "login unlocked: user='zjj_staff' by qh_admin attempts=1" in audit_lines(audit)
    assert web_login(client, "zjj_staff", DEFAULT_PASSWORD, url=admin_login).status_code == 302


def test_a_county_admin_cannot_unlock_a_user_of_another_county(client):
    county, other_county = CountyFactory(name="清河县"), CountyFactory(name="白沙县")
    county_admin = user_with_role(Role.COUNTY_ADMIN, county, username="qh_admin", is_staff=True)
    foreign = user_with_role(Role.COUNTY_OFFICE, other_county, username="baisha_office")
    user_with_role(Role.COUNTY_OFFICE, county, username="office")
    for n in range(5):
        web_login(client, "baisha_office", f"wrong-{n}")

    admin_client = type(client)()
    admin_client.force_login(county_admin)
    admin_client.post(
        reverse("admin:organisations_user_changelist"),
        {"action": "unlock_login", "_selected_action": [foreign.pk]},
    )

    # The other county's user is not even listed to this administrator: nothing changes.
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_token_endpoint_locks_with_a_json_429_and_issues_no_token(audit):
    UserFactory(username="zjj_staff")
    client = APIClient()

    failures = [
        client.post("/api/token/", {"username": "zjj_staff", "password": f"wrong-{n}"})
        for n in range(5)
    ]
    right = client.post("/api/token/", {"username": "zjj_staff", "password": DEFAULT_PASSWORD})

    assert [response.status_code for response in failures] == [400, 400, 400, 400, 429]
    assert failures[0].json() == {"non_field_errors": ["无法使用提供的认证信息登录。"]}
    assert failures[4].json() == {"detail": LOCKED}
    assert right.status_code == 429
    assert right.json() == {"detail": LOCKED}
    assert ApiToken.objects.count() == 0
    assert "login locked out: user='zjj_staff' client=127.0.0.1 ip=127.0.0.1" in audit_lines(audit)


def test_failures_on_the_api_and_the_login_page_count_together(client):
    UserFactory(username="zjj_staff")
    api = APIClient()
    for n in range(3):
        api.post("/api/token/", {"username": "zjj_staff", "password": f"wrong-{n}"})
    for n in range(2):
        web_login(client, "zjj_staff", f"wrong-{n}")

    response = api.post("/api/token/", {"username": "zjj_staff", "password": DEFAULT_PASSWORD})

    assert response.status_code == 429
