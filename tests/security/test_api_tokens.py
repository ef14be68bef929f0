"""API tokens: one per client, valid for 30 days, refused after a password change
(whatever changed it), and revoked by that client's logout only."""

import datetime
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from organisations.models import ApiToken
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-secret-2026"


@pytest.fixture(autouse=True)
def _empty_cache(db):
    caches["shared"].clear()


@pytest.fixture
def user(db):
    return UserFactory(username="zjj_staff")


def issue(username="zjj_staff", password=DEFAULT_PASSWORD) -> dict:
    response = APIClient().post("/api/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_lasts_thirty_days_and_says_so(user):
    before = timezone.now()
    body = issue()
    after = timezone.now()

    token = ApiToken.objects.get()
    assert token.expires - token.created == datetime.timedelta(days=30)
    assert before <= token.created <= after
    assert datetime.datetime.fromisoformat(body["expires"]) == token.expires
    assert with_token(body["token"]).get("/api/tasks/").status_code == 200


def test_an_expired_token_is_refused_and_deleted(user, caplog):
    key = issue()["token"]
    ApiToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))

    with caplog.at_level(logging.INFO, logger="qingdan.audit"):
        response = with_token(key).get("/api/tasks/")

    assert response.status_code == 401
    assert response.json() == {"detail": "认证令牌已过期，请重新获取。"}
    assert ApiToken.objects.count() == 0
    assert f"api token revoked: user='zjj_staff' token={key[:8]} reason=expired" in [
        record.getMessage() for record in caplog.records
    ]


def test_the_lifetime_is_configurable(user, settings):
    settings.API_TOKEN_LIFETIME = datetime.timedelta(days=7)

    issue()

    token = ApiToken.objects.get()
    assert token.expires - token.created == datetime.timedelta(days=7)


def test_each_client_gets_its_own_token_and_logout_revokes_only_its_own(user, caplog):
    laptop, phone = issue()["token"], issue()["token"]
    assert laptop != phone

    with caplog.at_level(logging.INFO, logger="qingdan.audit"):
        logout = with_token(laptop).post("/api/logout/")

    assert logout.status_code == 204
    assert with_token(laptop).get("/api/tasks/").status_code == 401
    assert with_token(phone).get("/api/tasks/").status_code == 200
    assert list(ApiToken.objects.values_list("prefix", flat=True)) == [phone[:8]]
    messages = [record.getMessage() for record in caplog.records]
    assert f"api token revoked: user='zjj_staff' token={laptop[:8]} reason=logout" in messages
    assert "logout: user='zjj_staff' ip=127.0.0.1" in messages


def test_logout_without_a_login_is_401(db):
    assert APIClient().post("/api/logout/").status_code == 401


def test_api_logout_with_a_session_ends_that_session(user, client):
    key = issue()["token"]
    client.force_login(user)

    response = client.post("/api/logout/")

    assert response.status_code == 204
    assert "_auth_user_id" not in client.session
    assert with_token(key).get("/api/tasks/").status_code == 200


def test_web_logout_keeps_the_api_tokens_of_other_clients(user, client):
    key = issue()["token"]
    client.force_login(user)

    client.post(reverse("logout"))

    assert "_auth_user_id" not in client.session
    assert with_token(key).get("/api/tasks/").status_code == 200


def test_password_changed_on_the_model_revokes_every_token(user, caplog):
    first, second = issue()["token"], issue()["token"]

    user.set_password(NEW_PASSWORD)
    user.save()
    with caplog.at_level(logging.INFO, logger="qingdan.audit"):
        response = with_token(first).get("/api/tasks/")

    assert response.status_code == 401
    assert response.json() == {"detail": "密码已修改，认证令牌已失效，请重新获取。"}
    assert ApiToken.objects.count() == 0
    assert with_token(second).get("/api/tasks/").status_code == 401
    assert "api token revoked: user='zjj_staff' tokens=2 reason=password changed" in [
        record.getMessage() for record in caplog.records
    ]
    assert with_token(issue(password=NEW_PASSWORD)["token"]).get("/api/tasks/").status_code == 200


def test_password_changed_on_the_password_change_page_revokes_tokens(user, client):
    key = issue()["token"]
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert with_token(key).get("/api/tasks/").status_code == 401
    # The page keeps the session that changed the password.
    assert client.get("/api/tasks/").status_code == 200


def test_password_set_by_an_administrator_revokes_tokens(user, client):
    key = issue()["token"]
    superuser = get_user_model().objects.create_superuser("root", password="root-secret-1")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert with_token(key).get("/api/tasks/").status_code == 401


def test_an_unrelated_save_of_the_user_keeps_the_tokens(user):
    key = issue()["token"]

    user.display_name = "王晓燕"
    user.save()

    assert with_token(key).get("/api/tasks/").status_code == 200


def test_a_deactivated_user_cannot_use_a_token(user):
    key = issue()["token"]
    user.is_active = False
    user.save()

    response = with_token(key).get("/api/tasks/")

    assert response.status_code == 401
    assert response.json() == {"detail": "用户未激活或者已删除。"}
