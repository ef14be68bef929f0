"""Qingdan settings.

Every deployment-specific value comes from the environment, with safe local defaults:

- ``DATABASE_URL``: any URL dj-database-url understands; default an SQLite file
  ``var/qingdan.sqlite3`` (WAL, IMMEDIATE transactions, busy timeout).
- ``DATABASE_CONN_MAX_AGE``, ``DATABASE_CONN_HEALTH_CHECKS``: how long a connection is
  kept for later requests (seconds; default 600 on PostgreSQL, 0 on SQLite) and whether
  it is checked before reuse (default on).
- ``SECRET_KEY``: required when ``DEBUG`` is off.
- ``DEBUG``: ``1``/``true`` to enable (default on for local use).
- ``ALLOWED_HOSTS``: comma-separated host names.
- ``EMAIL_URL``-style settings are not used; ``EMAIL_BACKEND`` and ``DEFAULT_FROM_EMAIL``
  are read directly.
- Login lockout, proxies, throttles, API tokens, sessions, logs and headers
  (``QINGDAN_LOGIN_*``, ``QINGDAN_TRUSTED_PROXIES``, ``REDIS_URL`` …): the "Security"
  block at the end and the README's "Security" section.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QINGDAN_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = _env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

# Reverse proxies in front of the application that append to X-Forwarded-For (and set
# X-Forwarded-Proto). 0: the header is ignored and the client is REMOTE_ADDR.
QINGDAN_TRUSTED_PROXIES = int(os.environ.get("QINGDAN_TRUSTED_PROXIES", "0"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "viewflow",
    "viewflow.workflow",
    "organisations",
    "duty_lists",
    "arbitration",
    "workflow",
    "evaluation",
    "public",
    "stats",
    "config.apps.SiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (it tells the user why they were logged out), before the login check.
    "config.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged by the login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
_DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'qingdan.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _DEFAULT_DATABASE_URL), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two concurrent writers
    # queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }

# Persistent database connections: on PostgreSQL opening a connection per request cost
# more than most pages' queries. A kept connection is checked before a request reuses
# it, so one dropped by the server is replaced instead of failing the request.
_IS_POSTGRESQL = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DATABASES["default"]["CONN_MAX_AGE"] = int(
    os.environ.get("DATABASE_CONN_MAX_AGE", "600" if _IS_POSTGRESQL else "0")
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = _env_bool("DATABASE_CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# Users land on their 待办 (village users and grid workers are sent on to their list).
LOGIN_REDIRECT_URL = "/todo/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The idle timeout and the absolute lifetime of a login (config.middleware).
SESSION_IDLE_TIMEOUT = int(os.environ.get("QINGDAN_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_MAX_LIFETIME = int(os.environ.get("QINGDAN_SESSION_MAX_HOURS", "12")) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_LIFETIME
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qingdan@localhost")

REST_FRAMEWORK = {
    # Token first: an anonymous API request then gets 401 with
    # "WWW-Authenticate: Token" (DRF answers 403 when the first class has no header).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organisations.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workflow.api.errors.exception_handler",
    "NUM_PROXIES": QINGDAN_TRUSTED_PROXIES,
    # Only the token endpoint is throttled (password guessing), per client address and
    # per username; see the "Security" block below.
    "DEFAULT_THROTTLE_RATES": {
        "token_address": os.environ.get("QINGDAN_TOKEN_RATE_PER_ADDRESS", "20/minute"),
        "token_username": os.environ.get("QINGDAN_TOKEN_RATE_PER_USERNAME", "10/minute"),
        # The public read endpoints (/api/public/): a wider rate per address.
        "public": "120/minute",
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Qingdan API",
    "DESCRIPTION": (
        "县乡“三张清单”事项准入与动态调整接口：提出申请、办理待办任务（审查、合法性审查、"
        "修改、征求意见、拟办意见）、提请审定并登记县委县政府审定结果（审定批次）、查看申请"
        "及其办理轨迹、查询清单与事项（含历史版本和发布版本）。"
        "认证：`Authorization: Token <token>`（POST /api/token/ 获取）或登录会话。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are public; every endpoint they describe needs a login.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI and Redoc assets are served locally (no CDN on an intranet).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Error answers get their shape, bodies with a discriminator are required.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.describe_errors_and_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "duty_lists.models.ItemStatus",
        "ProcessStatusEnum": "viewflow.workflow.status.PROCESS",
        "TaskStatusEnum": "viewflow.workflow.status.STATUS",
        "ReviewDecisionEnum": "workflow.models.ReviewDecision",
        "RulingDecisionEnum": "arbitration.models.Decision",
        "ChangeKindEnum": "workflow.models.ChangeKind",
        "ReleaseChangeKindEnum": "duty_lists.models.ReleaseChangeKind",
        "BatchDocumentKindEnum": "arbitration.models.BatchDocumentKind",
        "PartyDecisionEnum": "arbitration.models.PartyDecision",
        "LegalityDecisionEnum": "workflow.models.LegalityDecision",
        "UnitTypeEnum": "organisations.api.UNIT_TYPES",
        "FilingUnitTypeEnum": "organisations.api.FILING_UNIT_TYPES",
        "MeUnitTypeEnum": "workflow.api.me.ME_UNIT_TYPES",
        "ReportStepEnum": "workflow.api.reports.REPORT_STEPS",
        "ReportRulingEnum": "arbitration.models.ReportRuling",
        # A consultation's answer is sent as JSON or, with its stamped letter, as a form.
        "ConsultCompletionStepEnum": ["consult"],
        "ConsultCompletionAnswerEnum": "workflow.api.task_serializers.CONSULT_ANSWERS",
        # A round's scoring mode, and the one-value ``mode`` of each score sheet body.
        "RoundModeEnum": "evaluation.models.RoundMode",
        "IndicatorsSheetModeEnum": ["indicators"],
        "SimpleSheetModeEnum": ["simple"],
    },
}

# Public notice (公示) opinions one client address may send per hour (counted in the cache).
QINGDAN_NOTICE_OPINIONS_PER_HOUR = int(os.environ.get("QINGDAN_NOTICE_OPINIONS_PER_HOUR", "5"))

GUARDIAN_RAISE_403 = True
ANONYMOUS_USER_NAME = None

SIMPLE_HISTORY_REVERT_DISABLED = True

LOG_DIR = os.environ.get("QINGDAN_LOG_DIR", "")

_log_handlers = {
    # stderr: gunicorn, systemd and containers keep it.
    "console": {"class": "logging.StreamHandler", "formatter": "plain"},
}
_audit_handlers = ["console"]
_error_handlers = ["console"]
if LOG_DIR:
    Path(LOG_DIR).mkdir(parents=True, exist_ok=True)
    # WatchedFileHandler reopens a file that logrotate moved away; every worker process
    # appends to the same files.
    _log_handlers["audit_file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": str(Path(LOG_DIR) / "audit.log"),
        "formatter": "plain",
        "encoding": "utf-8",
    }
    _log_handlers["error_file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": str(Path(LOG_DIR) / "error.log"),
        "formatter": "plain",
        "encoding": "utf-8",
    }
    _audit_handlers.append("audit_file")
    _error_handlers.append("error_file")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": _log_handlers,
    "loggers": {
        "qingdan.audit": {"handlers": _audit_handlers, "level": "INFO"},
        # Server errors (500) with their traceback, whatever DEBUG is; Django's own
        # default sends them to the console only when DEBUG is on.
        "django.request": {"handlers": _error_handlers, "level": "ERROR", "propagate": False},
        # Refused hosts, CSRF failures, suspicious requests.
        "django.security": {
            "handlers": _error_handlers,
            "level": "WARNING",
            "propagate": False,
        },
        # django-axes narrates every failure; qingdan.audit already records them, so only
        # its errors (e.g. a login without a request) are kept.
        "axes": {"handlers": _error_handlers, "level": "ERROR", "propagate": False},
    },
}

# --- Security (README "Security") -------------------------------------------------------

# Login failure handling (等保 2.0 "登录失败处理", django-axes): after
# QINGDAN_LOGIN_FAILURE_LIMIT consecutive failures a username, and separately a client
# address, is locked for QINGDAN_LOGIN_COOLOFF_MINUTES (0: until an administrator
# unlocks it), on every login form and on POST /api/token/.
AXES_FAILURE_LIMIT = int(os.environ.get("QINGDAN_LOGIN_FAILURE_LIMIT", "5"))
_cooloff_minutes = int(os.environ.get("QINGDAN_LOGIN_COOLOFF_MINUTES", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff_minutes) if _cooloff_minutes > 0 else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout are refused unchecked; they do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Successful logins are in the audit log; axes' access log would also open a session
# for every API token issued.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# API tokens (organisations.ApiToken) expire this many days after they were issued.
API_TOKEN_LIFETIME = timedelta(days=int(os.environ.get("QINGDAN_API_TOKEN_DAYS", "30")))

# Throttle counters live in the "shared" cache, shared by every worker process: Redis
# when REDIS_URL is set, else a table of the database (created by ``migrate``). The
# default cache (template fragments such as viewflow's avatar) stays in each process's
# memory unless Redis is there, so pages do not query the database for it.
_REDIS_URL = os.environ.get("REDIS_URL", "")
if _REDIS_URL:
    _SHARED_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _REDIS_URL,
    }
    CACHES = {"default": _SHARED_CACHE, "shared": _SHARED_CACHE}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qingdan_cache",
        },
    }

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if QINGDAN_TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env_bool("QINGDAN_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("QINGDAN_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("QINGDAN_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("QINGDAN_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts only from our own origin: no inline script, no eval. Styles may be inline
# (viewflow's Material pages and Swagger UI set style attributes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# --- Bad input and write conflicts ----------------------------------------------------
# The API refuses oversized and too deeply nested bodies in JSON (ApiBodyMiddleware) and
# parses JSON with a nesting limit (config.api_parsers); a write the database refuses as
# a conflict (IntegrityError) is a 409 with a message, not a 500.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "config.api_parsers.JSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "config.middleware.ApiBodyMiddleware",
)
MIDDLEWARE += ["config.middleware.WriteConflictMiddleware"]

# --- Notifications (README "Notifications") --------------------------------------------
# In-app notifications are always written; each channel listed here also delivers every
# notification after the transaction commits. ``mail`` and ``dingtalk`` name the built-in
# channels, anything else is the dotted path of a ``workflow.channels.Channel`` subclass.
_NOTIFICATION_CHANNEL_ALIASES = {
    "mail": "workflow.channels.MailChannel",
    "dingtalk": "workflow.dingtalk.DingTalkChannel",
}
QINGDAN_NOTIFICATION_CHANNELS = [
    _NOTIFICATION_CHANNEL_ALIASES.get(name, name)
    for name in _env_list("QINGDAN_NOTIFICATION_CHANNELS", "mail")
]
# The address of the site as its users reach it: links in mail and work notices are
# made absolute with it.
QINGDAN_SITE_URL = os.environ.get("QINGDAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# DingTalk work notices (工作通知) through the open API of an internal application;
# QINGDAN_DINGTALK_BASE_URL points at a 浙政钉 gateway that offers the same interface.
QINGDAN_DINGTALK = {
    "BASE_URL": os.environ.get("QINGDAN_DINGTALK_BASE_URL", "https://oapi.dingtalk.com"),
    "APP_KEY": os.environ.get("QINGDAN_DINGTALK_APP_KEY", ""),
    "APP_SECRET": os.environ.get("QINGDAN_DINGTALK_APP_SECRET", ""),
    "AGENT_ID": os.environ.get("QINGDAN_DINGTALK_AGENT_ID", ""),
    "TIMEOUT": float(os.environ.get("QINGDAN_DINGTALK_TIMEOUT", "5")),
}
LOGGING["loggers"]["qingdan.notifications"] = {
    "handlers": _error_handlers,
    "level": "INFO",
    "propagate": True,
}

# --- 催办 (README "待办, 催办 and 转交") --------------------------------------------------
# How long after a reminder (催办) on a task the county office may send the next one.
QINGDAN_URGE_INTERVAL_HOURS = float(os.environ.get("QINGDAN_URGE_INTERVAL_HOURS", "24"))
