"""Production settings: ``check --deploy`` is clean, security headers are sent (HSTS
when DEBUG is off), server errors are logged with their traceback with DEBUG off, and
the security settings come from the environment.

Settings are read once per process, so the production cases run Django in a
subprocess with a production-like environment."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **overrides) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QINGDAN_", "DJANGO_", "REDIS_"))
        and key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="qingdan.example.gov.cn,testserver",
        QINGDAN_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(["-c", "import django; django.setup()\n" + code], env)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_does_complain_when_hsts_is_switched_off(tmp_path):
    env = production_env(tmp_path, QINGDAN_HSTS_SECONDS="0")

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 1
    assert "security.W004" in result.stderr


def test_migrate_creates_the_cache_table_of_the_throttles(tmp_path):
    env = production_env(tmp_path)
    code = """
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
print("qingdan_cache" in connection.introspection.table_names())
"""

    result = run_python(code, env)

    assert result.stdout.strip() == "True", result.stderr


def test_server_error_is_logged_with_its_traceback_when_debug_is_off(tmp_path):
    log_dir = tmp_path / "logs"
    env = production_env(tmp_path, QINGDAN_LOG_DIR=str(log_dir))
    code = """
from django.test import Client
from django.test.utils import override_settings
with override_settings(ROOT_URLCONF="tests.security.error_urls"):
    response = Client(raise_request_exception=False).get("/broken/", secure=True)
print("status", response.status_code)
"""

    result = run_python(code, env)

    assert result.stdout.strip() == "status 500"
    error_file = (log_dir / "error.log").read_text(encoding="utf-8")
    for output in (result.stderr, error_file):
        assert "ERROR django.request Internal Server Error: /broken/" in output
        assert "Traceback (most recent call last):" in output
        assert 'tests/security/error_urls.py", line 9, in broken_view' in output
        assert "RuntimeError: the county list could not be built" in output
    assert (log_dir / "audit.log").exists()


def test_security_settings_come_from_the_environment(tmp_path):
    env = production_env(
        tmp_path,
        QINGDAN_LOGIN_FAILURE_LIMIT="3",
        QINGDAN_LOGIN_COOLOFF_MINUTES="0",
        QINGDAN_TRUSTED_PROXIES="2",
        QINGDAN_TOKEN_RATE_PER_ADDRESS="100/hour",
        QINGDAN_TOKEN_RATE_PER_USERNAME="5/minute",
        QINGDAN_API_TOKEN_DAYS="7",
        QINGDAN_SESSION_IDLE_MINUTES="15",
        QINGDAN_SESSION_MAX_HOURS="8",
        QINGDAN_HSTS_SECONDS="600",
        REDIS_URL="redis://cache.example:6379/1",
    )
    code = """
import json
from django.conf import settings as s
print(json.dumps({
    "failure_limit": s.AXES_FAILURE_LIMIT,
    "cooloff": s.AXES_COOLOFF_TIME,
    "num_proxies": s.REST_FRAMEWORK["NUM_PROXIES"],
    "trusted_proxies": s.QINGDAN_TRUSTED_PROXIES,
    "proxy_ssl_header": list(s.SECURE_PROXY_SSL_HEADER),
    "rates": s.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "token_days": s.API_TOKEN_LIFETIME.days,
    "idle": s.SESSION_IDLE_TIMEOUT,
    "lifetime": s.SESSION_MAX_LIFETIME,
    "hsts": s.SECURE_HSTS_SECONDS,
    "caches": s.CACHES,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
}))
"""

    result = run_python(code, env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "failure_limit": 3,
        "cooloff": None,
        "num_proxies": 2,
        "trusted_proxies": 2,
        "proxy_ssl_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "rates": {
            "token_address": "100/hour",
            "token_username": "5/minute",
            "public": "120/minute",
        },
        "token_days": 7,
        "idle": 15 * 60,
        "lifetime": 8 * 3600,
        "hsts": 600,
        "caches": {
            alias: {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://cache.example:6379/1",
            }
            for alias in ("default", "shared")
        },
        "ssl_redirect": True,
    }


def test_production_sends_hsts_and_redirects_plain_http(tmp_path):
    code = """
from django.test import Client
client = Client()
secure = client.get("/accounts/login/", secure=True, HTTP_HOST="qingdan.example.gov.cn")
plain = client.get("/accounts/login/", HTTP_HOST="qingdan.example.gov.cn")
print(secure.status_code, secure["Strict-Transport-Security"])
print(plain.status_code, plain["Location"])
"""

    result = run_python(code, production_env(tmp_path))

    assert result.stdout.splitlines() == [
        "200 max-age=31536000; includeSubDomains; preload",
        "301 https://qingdan.example.gov.cn/accounts/login/",
    ]


@pytest.mark.django_db
def test_pages_send_the_security_headers(client):
    response = client.get("/accounts/login/")

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    assert "camera=()" in response["Permissions-Policy"].split(", ")
    assert "geolocation=()" in response["Permissions-Policy"].split(", ")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # Local development (DEBUG on) must not pin browsers to HTTPS.
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
def test_the_api_and_its_docs_send_the_policy_too(client):
    for url in ("/api/docs/", "/api/redoc/", "/api/schema/", "/api/token/"):
        assert "script-src 'self';" in client.get(url)["Content-Security-Policy"] + ";", url


def _template_files() -> list[Path]:
    folders = [
        ROOT / name
        for name in (
            "config",
            "organisations",
            "duty_lists",
            "workflow",
            "arbitration",
            "evaluation",
        )
    ]
    return sorted(path for folder in folders for path in folder.rglob("templates/**/*.html"))


def test_no_template_of_ours_has_an_inline_script_or_event_handler():
    offending = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        offending.extend(
            f"{name}: {match.group(0)}"
            for match in re.finditer(r"<script\b[^>]*>", text)
            if "src=" not in match.group(0)
        )
        offending.extend(
            f"{name}: {match.group(0).strip()}"
            for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text)
        )
        if "javascript:" in text:
            offending.append(f"{name}: javascript: URL")

    assert len(_template_files()) > 40
    assert offending == []


def test_the_policy_allows_no_inline_script_anywhere():
    directives = django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
