"""Authentication of the API (token and session), 401 instead of a login redirect, and
the public OpenAPI schema and docs."""

import hashlib
import logging

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from organisations.models import ApiToken
from tests.factories import DEFAULT_PASSWORD

from .conftest import file_request, open_task

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/api/"),
    ("get", "/api/requests/"),
    ("post", "/api/requests/"),
    ("get", "/api/requests/1/"),
    ("post", "/api/requests/1/attachments/"),
    ("get", "/api/requests/1/attachments/1/"),
    ("get", "/api/tasks/"),
    ("post", "/api/tasks/1/complete/"),
    ("get", "/api/lists/"),
    ("get", "/api/items/"),
    ("get", "/api/items/?county=1&level=township&as_of=2026-01-01"),
    ("get", "/api/items/1/"),
    ("get", "/api/me/"),
    ("get", "/api/units/"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_gets_401_not_a_login_redirect(db, method, url):
    response = getattr(APIClient(), method)(url, {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "身份认证信息未提供。"}


def test_wrong_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get("/api/tasks/")

    assert response.status_code == 401
    assert response.json() == {"detail": "认证令牌无效。"}


def test_token_is_issued_for_username_and_password_and_then_works(world, caplog):
    client = APIClient()
    username = world.office.username

    with caplog.at_level(logging.INFO, logger="qingdan.audit"):
        response = client.post("/api/token/", {"username": username, "password": DEFAULT_PASSWORD})
        wrong = client.post("/api/token/", {"username": username, "password": "nope"})

    audit = [r.getMessage() for r in caplog.records if r.name == "qingdan.audit"]
    stored = ApiToken.objects.get(user=world.office)
    assert [message.split(" ip=")[0].split(" expires=")[0] for message in audit] == [
        f"api token issued: user={username!r} token={stored.prefix}",
        f"login: user={username!r}",
        f"login failed: user={username!r}",
    ]
    world.office.refresh_from_db()
    assert world.office.last_login is not None
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40
    assert stored.prefix == token[:8]
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.digest, stored.prefix}
    assert wrong.status_code == 400
    assert list(wrong.json()) == ["non_field_errors"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/tasks/").status_code == 200


def test_session_login_works_and_session_writes_need_the_csrf_token(world):
    process = file_request(world)
    task = open_task(process, "review")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.office)

    listed = client.get("/api/tasks/")
    without_csrf = client.post(
        f"/api/tasks/{task.pk}/complete/", {"decision": "forward"}, format="json"
    )

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [task.pk]
    assert without_csrf.status_code == 403
    assert "CSRF" in without_csrf.json()["detail"]
    task.refresh_from_db()
    assert task.status == "NEW"


def test_schema_and_docs_are_public_and_served_without_a_cdn(db):
    client = APIClient()

    schema = client.get("/api/schema/?format=json")
    docs = client.get("/api/docs/")
    redoc = client.get("/api/redoc/")

    assert schema.status_code == 200
    document = schema.json()
    assert document["info"]["title"] == "Qingdan API"
    assert {
        "/api/requests/",
        "/api/requests/{id}/",
        "/api/requests/{id}/attachments/",
        "/api/requests/{id}/attachments/{attachment_pk}/",
        "/api/tasks/",
        "/api/tasks/{id}/complete/",
        "/api/lists/",
        "/api/items/",
        "/api/items/{id}/",
        "/api/token/",
    } <= set(document["paths"])
    assert set(document["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    for page in (docs, redoc):
        assert page.status_code == 200
        html = page.content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn.jsdelivr.net" not in html


def test_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    document = yaml.safe_load(target.read_text(encoding="utf-8"))
    completion = document["paths"]["/api/tasks/{id}/complete/"]["post"]
    body = completion["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/TaskCompletionRequest"}
    # review, review_legality, revise, consult, arbitrate (拟办意见)
    assert len(document["components"]["schemas"]["TaskCompletionRequest"]["oneOf"]) == 5


def test_denied_api_calls_are_written_to_the_audit_log(world, caplog):
    process = file_request(world)
    review = open_task(process, "review")
    stranger, filer = APIClient(), APIClient()
    stranger.force_authenticate(world.other_office)
    filer.force_authenticate(world.staff)

    with caplog.at_level(logging.WARNING, logger="qingdan.audit"):
        hidden = stranger.get(f"/api/requests/{process.pk}/")
        denied = filer.post(
            f"/api/tasks/{review.pk}/complete/",
            {"step": "review", "decision": "forward", "comment": ""},
            format="json",
        )
        anonymous = APIClient().get("/api/tasks/")
        unknown = stranger.get("/api/requests/999999/")

    assert [r.status_code for r in (hidden, denied, anonymous, unknown)] == [404, 403, 401, 404]
    audit = [r.getMessage() for r in caplog.records if r.name == "qingdan.audit"]
    # A hidden object's 404 is a denial and logged; an unknown id is not.
    assert audit[0] == (
        f"api denied: status=404 user={world.other_office.username!r} "
        f"GET /api/requests/{process.pk}/"
    )
    assert audit[-2:] == [
        f"api denied: status=403 user={world.staff.username!r} "
        f"POST /api/tasks/{review.pk}/complete/",
        "api denied: status=401 user='' GET /api/tasks/",
    ]
