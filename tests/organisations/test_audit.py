"""Logins, failed logins and logouts are written to the ``qingdan.audit`` log."""

import logging

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="qingdan.audit")
    return caplog


def audit_lines(caplog) -> list[tuple[str, str]]:
    return [
        (record.levelname, record.getMessage())
        for record in caplog.records
        if record.name == "qingdan.audit"
    ]


def test_login_is_logged_with_username_and_address(client, audit):
    UserFactory(username="zjj_staff", is_staff=True)

    response = client.post(
        reverse("admin:login"),
        {"username": "zjj_staff", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )

    assert response.status_code == 302
    assert audit_lines(audit) == [("INFO", "login: user='zjj_staff' ip=10.1.2.3")]


def test_failed_login_is_logged_without_the_password(client, audit):
    UserFactory(username="zjj_staff")

    response = client.post(
        reverse("admin:login"),
        {"username": "zjj_staff", "password": "wrong-secret"},
        REMOTE_ADDR="10.1.2.4",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )

    assert response.status_code == 200
    assert audit_lines(audit) == [
        ("WARNING", "login failed: user='zjj_staff' ip=10.1.2.4 forwarded-for='203.0.113.9'")
    ]
    assert "wrong-secret" not in audit.text


def test_failed_login_for_unknown_user_is_logged(client, audit):
    client.post(
        reverse("admin:login"),
        {"username": "nobody\nlogin: user='forged'", "password": "x"},
        REMOTE_ADDR="10.1.2.5",
    )

    assert audit_lines(audit) == [
        ("WARNING", "login failed: user=\"nobody\\nlogin: user='forged'\" ip=10.1.2.5")
    ]


def test_logout_is_logged(client, audit):
    user = UserFactory(username="yjj_staff", is_staff=True)
    client.force_login(user)
    audit.clear()

    client.post(reverse("admin:logout"), REMOTE_ADDR="10.1.2.6")

    assert "_auth_user_id" not in client.session
    assert audit_lines(audit) == [("INFO", "logout: user='yjj_staff' ip=10.1.2.6")]
