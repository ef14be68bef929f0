"""Shared pytest fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters and cached documents of one test do not reach the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _api_calls_match_the_schema(monkeypatch):
    """Every call a test makes to ``/api/`` is checked against the OpenAPI schema
    (``tests.api.schema_check``): the answer, an accepted body, the keys of a 400."""
    import json

    from django.test.client import Client, FakePayload

    from tests.api.schema_check import check_exchange

    original = Client.request

    def checked(self, **environ):
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/api/"):
            return original(self, **environ)
        body = b""
        if "wsgi.input" in environ:
            body = environ["wsgi.input"].read()
            environ["wsgi.input"] = FakePayload(body)
        response = original(self, **environ)
        answer = None
        if not response.streaming and response.get("Content-Type", "").startswith(
            "application/json"
        ):
            answer = json.loads(response.content) if response.content else None
        check_exchange(
            method=environ.get("REQUEST_METHOD", "GET"),
            path=path,
            content_type=environ.get("CONTENT_TYPE", ""),
            body=body,
            status=response.status_code,
            answer=answer,
        )
        return response

    monkeypatch.setattr(Client, "request", checked)
