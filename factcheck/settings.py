"""Settings for the fact-check desk, read from the environment.

Local development needs no configuration: debug on, an SQLite file under var/.
Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", True)

# The development key only ever serves a debug server; with debug off a real key is mandatory.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105 (refused with debug off)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is the development key or shorter than 50 characters; generate a new one."
    )

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "huey.contrib.djhuey",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.desk_counts",
            ],
        },
    },
]

# SQLite by default: WAL lets readers run beside the writer, IMMEDIATE transactions take the write
# lock up front (no deadlocked upgrade from a read lock), and the timeout makes concurrent gunicorn
# workers wait for the lock instead of failing with "database is locked".
SQLITE_PATH = Path(os.environ.get("DJANGO_SQLITE_PATH", BASE_DIR / "var" / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=envint("DJANGO_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DJANGO_TEST_SQLITE_PATH") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles:article_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes; the benchmark harness points it at its own run directory.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "factcheck.storage.StaticFilesStorage"  # whitenoise, with ES module imports hashed
        )
    },
}

# Uploaded articles are parsed in memory; a larger upload is refused with a message, not truncated.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["articles.api.auth.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "articles.api.errors.exception_handler",
    # One strict JSON parser (too deep, bad encoding, duplicate keys, too large: a 4xx naming it).
    "DEFAULT_PARSER_CLASSES": ["articles.api.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check desk API",
    "DESCRIPTION": "Articles, claims, speakers, links and verdicts. Offsets are Unicode code points.",
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI's files are served from our own static files (the sidecar package), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The audit trail keeps reasons whole (a reviewer's "what must change", a correction note), not cut at 100.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Who publishes the verdicts (schema.org ClaimReview `author`).
FACTCHECK_PUBLISHER_NAME = os.environ.get("FACTCHECK_PUBLISHER_NAME", "The Fact-check Desk")
FACTCHECK_PUBLISHER_URL = os.environ.get("FACTCHECK_PUBLISHER_URL", "https://factcheck.example.org/")
# Absolute base for links in exports and JSON-LD (schema.org wants absolute URLs).
# Empty: exports link to the host each request came to (the command falls back to http://127.0.0.1:8000).
FACTCHECK_SITE_URL = os.environ.get("FACTCHECK_SITE_URL", "").rstrip("/")

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with one prepared statement per request (factcheck/sessions.py).
SESSION_ENGINE = "factcheck.sessions"
CSRF_COOKIE_HTTPONLY = False  # the reader's JavaScript reads the token from the cookie-less form field
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Import by URL (articles/importing/fetch.py): pages are streamed and refused past FACTCHECK_FETCH_MAX_BYTES;
# timeouts in seconds. FACTCHECK_FETCH_ALLOW_HOSTS (comma-separated host names, .domain suffixes, IPs or CIDR
# networks) lets the fetcher reach non-public addresses, for tests and intranets; empty: public addresses only.
FACTCHECK_FETCH_MAX_BYTES = envint("FACTCHECK_FETCH_MAX_BYTES", 5 * 1024 * 1024)
FACTCHECK_FETCH_CONNECT_TIMEOUT = envint("FACTCHECK_FETCH_CONNECT_TIMEOUT", 5)
FACTCHECK_FETCH_READ_TIMEOUT = envint("FACTCHECK_FETCH_READ_TIMEOUT", 15)
FACTCHECK_FETCH_TOTAL_TIMEOUT = envint("FACTCHECK_FETCH_TOTAL_TIMEOUT", 60)
FACTCHECK_FETCH_ALLOW_HOSTS = envlist("FACTCHECK_FETCH_ALLOW_HOSTS", "")


# ---------------------------------------------------------------- API tokens
# Scripts authenticate with personal tokens (`Authorization: Bearer fcd_...`), tried before the session.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "articles.api.auth.ApiTokenAuthentication",
    *REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
]
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "articles.api.throttles.TokenRateThrottle",
    "articles.api.throttles.TokenAddressRateThrottle",
]


def envrate(name: str, default: str) -> str:
    """A DRF rate such as "120/minute" (periods: second, minute, hour, day)."""
    rate = os.environ.get(name) or default
    count, _, period = rate.partition("/")
    if not count.isdigit() or period not in {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}:
        raise ImproperlyConfigured(f"{name} must look like 120/minute, got {rate!r}")
    return rate


# Token calls allowed per token and per client address.
FACTCHECK_API_TOKEN_RATE = envrate("FACTCHECK_API_TOKEN_RATE", "120/minute")
FACTCHECK_API_ADDRESS_RATE = envrate("FACTCHECK_API_ADDRESS_RATE", "240/minute")
# After this many failed token attempts from one address within the window (seconds), 429 until it ends.
FACTCHECK_TOKEN_FAILURE_LIMIT = envint("FACTCHECK_TOKEN_FAILURE_LIMIT", 10)
FACTCHECK_TOKEN_FAILURE_WINDOW = envint("FACTCHECK_TOKEN_FAILURE_WINDOW", 600)
# Proxies in front of the app that append to X-Forwarded-For; 0 (the default) ignores the header.
FACTCHECK_TRUSTED_PROXY_COUNT = envint("FACTCHECK_TRUSTED_PROXY_COUNT", 0)
# Throttle counters live in the cache: per process by default; a shared Redis makes limits hold across workers.
if os.environ.get("DJANGO_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_CACHE_URL"],
        }
    }


# ---------------------------------------------------------------- background jobs (huey)
# One variable picks the queue: unset, an SQLite file under var/ (embedded, no extra service; `make run`
# starts a worker beside the server); `sqlite:////abs/path.sqlite3` another file; `redis://host:port/db`
# Redis, for workers on other hosts (`manage.py run_huey`). Never `immediate`: jobs must survive the request.
FACTCHECK_QUEUE_URL = os.environ.get("FACTCHECK_QUEUE_URL", "")


def huey_settings(queue_url: str) -> dict:
    common = {"name": "factcheck", "immediate": False, "utc": True, "results": False}
    # An idle SQLite-queue worker looks for work every second at most (Redis workers block, waiting).
    consumer = {"workers": envint("FACTCHECK_QUEUE_WORKERS", 1), "worker_type": "thread", "max_delay": 1.0}
    if queue_url.startswith(("redis://", "rediss://", "unix://")):
        return {**common, "huey_class": "huey.RedisHuey", "url": queue_url, "consumer": consumer}
    if queue_url and not queue_url.startswith("sqlite:///"):
        raise ImproperlyConfigured(
            f"FACTCHECK_QUEUE_URL must be redis://host:port/db or sqlite:///path, got {queue_url!r}"
        )
    # sqlite:///var/queue.sqlite3 is relative to the project, sqlite:////tmp/queue.sqlite3 absolute.
    path = BASE_DIR / (queue_url.removeprefix("sqlite:///") or "var/queue.sqlite3")
    path.parent.mkdir(parents=True, exist_ok=True)
    return {**common, "huey_class": "factcheck.queue.SqliteHuey", "filename": str(path), "consumer": consumer}


HUEY = huey_settings(FACTCHECK_QUEUE_URL)
# A running job writes a heartbeat after every item; one silent for this long lost its worker (kill -9,
# a crashed host) and is queued again by the periodic sweep and by every worker when it starts.
FACTCHECK_JOB_STALE_SECONDS = envint("FACTCHECK_JOB_STALE_SECONDS", 120)
# Test-only hook: seconds each job item sleeps before it runs, so a test can kill a worker mid-job.
FACTCHECK_TEST_ITEM_DELAY = float(os.environ.get("FACTCHECK_TEST_ITEM_DELAY") or 0)


# ---------------------------------------------------------------- e-mail (notifications)
# Console by default (e-mails are printed by the worker); SMTP when DJANGO_EMAIL_HOST is set.
if os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Fact-check desk <desk@localhost>")
# A person's notifications within this many seconds go out as one e-mail.
FACTCHECK_EMAIL_DIGEST_SECONDS = envint("FACTCHECK_EMAIL_DIGEST_SECONDS", 180)
# ---- Login throttling (django-axes; issue 16). See factcheck/auth.py and the README's "Login throttling".
# Failures are counted per username and, separately, per client address: one account guessed from many
# addresses and many accounts tried from one address are both stopped. Either lock ends after the cool-off
# (from the last failure), or when an administrator unlocks it (Admin → Axes → Access attempts, or
# `manage.py axes_reset_username NAME` / `axes_reset`).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["factcheck.auth.LockoutBackend", "factcheck.auth.UserBackend"]
AXES_FAILURE_LIMIT = envint("FACTCHECK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("FACTCHECK_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "factcheck.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "factcheck.auth.client_ip"
# How many reverse proxies in front of gunicorn append to X-Forwarded-For (0: none trusted, use the peer).
FACTCHECK_TRUSTED_PROXIES = envint("FACTCHECK_TRUSTED_PROXIES", 0)

# ---- PostgreSQL statement timeout for web workers (issue 16). One slow query must not hold a gunicorn worker
# past its 30 s timeout (it would be killed mid-request, and a few clicks would take the site down): each
# statement a web process runs is cancelled after FACTCHECK_DB_STATEMENT_TIMEOUT seconds (default 25, 0 = off),
# and the request ends with an error page instead. factcheck/wsgi.py marks web processes; management commands
# (migrate, imports, command-line exports) are not cut. SQLite has no such setting.
DB_STATEMENT_TIMEOUT_SECONDS = envint("FACTCHECK_DB_STATEMENT_TIMEOUT", 25)
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and os.environ.get("FACTCHECK_WEB_PROCESS") == "1"
    and DB_STATEMENT_TIMEOUT_SECONDS > 0
):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DB_STATEMENT_TIMEOUT_SECONDS * 1000}"
    )


# ---- Content-Security-Policy (django-csp), Permissions-Policy (issue 16) --------------------------------
# Scripts and styles come from our own static files only: no inline <script>, <style> or style="", no eval.
# JSON data blocks (json_script, JSON-LD) are not run, so the policy leaves them alone. Browsers POST what
# the policy blocks to /csp-report/, which logs it (logger "articles.csp").
from csp.constants import NONE, SELF  # noqa: E402  (kept in this block for an easy merge)

INSTALLED_APPS += ["csp"]
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "factcheck.middleware.PermissionsPolicyMiddleware"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "report-uri": "/csp-report/",
    },
}

# How many claims one article may carry (a limit against runaway imports and scripts; README "Limits").
FACTCHECK_MAX_CLAIMS_PER_ARTICLE = envint("FACTCHECK_MAX_CLAIMS_PER_ARTICLE", 10_000)
# The most claims GET /api/articles/<id>/claims/ returns in one answer (more: 400, page through /api/claims/).
FACTCHECK_ARTICLE_CLAIMS_MAX = envint("FACTCHECK_ARTICLE_CLAIMS_MAX", 5_000)
