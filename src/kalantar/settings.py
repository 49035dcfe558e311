"""Kalantar settings: one module, driven by the environment.

KALANTAR_ENV=production demands SECRET_KEY and ALLOWED_HOSTS from the environment
and turns on every HTTPS protection; the default (development, used by the demo and
the tests) keeps a generated secret key in var/ and the SQLite database beside it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
VAR_DIR = Path(env.str("KALANTAR_VAR_DIR", default=str(BASE_DIR / "var")))

KALANTAR_ENV = env.str("KALANTAR_ENV", default="development")
if KALANTAR_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("KALANTAR_ENV must be 'development' or 'production'.")
PRODUCTION = KALANTAR_ENV == "production"


def _development_secret_key() -> str:
    """A key generated once and kept in var/, so sessions survive restarts of the demo."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    SECRET_KEY = _development_secret_key()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "kalantar.core.axes_app.LoginProtectionConfig",
    "ninja",
    "kalantar.core",
    "kalantar.org",
    "kalantar.people",
    "kalantar.complaints",
    "kalantar.incidents",
    "kalantar.alarms",
    "kalantar.analytics",
    "kalantar.problems",
    "kalantar.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kalantar.core.middleware.RequestContextMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kalantar.urls"
ASGI_APPLICATION = "kalantar.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kalantar.core.context_processors.navigation",
            ],
            "builtins": ["kalantar.core.templatetags.kalantar"],
        },
    }
]

# Database: SQLite in var/ by default, PostgreSQL (or anything else) through DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kalantar.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE takes the write lock at BEGIN, so the audit chain's read of its
            # last hash and the append that follows can never interleave with another writer.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DB_POOL", default=False
):
    # Under ASGI each request may run its ORM work on a fresh thread, so per-thread
    # persistent connections pile up; a process-wide psycopg pool bounds them instead.
    # asgi.py turns this on for the web server.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": 10,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kalantar")}

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: 5 failures within 15 minutes lock that username (not the whole address,
# so one shared station NAT cannot lock out every officer behind it).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Locking by address as well (axes.W006) would lock out every officer behind a station's
# shared address; per-username lockout is the rule here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Idle sessions end after 30 minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "kalantar_language"
USE_I18N = True
TIME_ZONE = "Asia/Tehran"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(exist_ok=True)  # served through the finders; the folder must exist
# The maps' base layer. With neither set, the maps show the jurisdictions, headquarters and
# place names the system holds, over a plain background: the embedded default needs no tile
# server. MAP_TILES_URL is a raster tile server's URL template ({z}/{x}/{y}), e.g. an agency's
# own; MAP_PMTILES_PATH a raster PMTiles archive the site serves itself by byte ranges.
MAP_TILES_URL = env.str("MAP_TILES_URL", default="")
MAP_TILES_ATTRIBUTION = env.str("MAP_TILES_ATTRIBUTION", default="")
MAP_PMTILES_PATH = env.str("MAP_PMTILES_PATH", default="")
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm at set-up and are served from node_modules.
STATICFILES_DIRS = [
    (prefix, NODE_MODULES / folder)
    for prefix, folder in [
        ("vendor/bootstrap", "bootstrap/dist"),
        ("vendor/bootstrap-icons", "bootstrap-icons/font"),
        ("vendor/leaflet", "leaflet/dist"),
        ("vendor/htmx", "htmx.org/dist"),
        ("vendor/vazirmatn", "vazirmatn"),
        ("vendor/jalalidatepicker", "@majidh1/jalalidatepicker/dist"),
        ("vendor/chartjs", "chart.js/dist"),
        ("vendor/pmtiles", "pmtiles/dist"),
    ]
    if (NODE_MODULES / folder).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Attached files (core.files): under MEDIA_ROOT, which no URL serves; every file is
    # opened through a view that checks the reader's scope and audits the reading. Another
    # backend (S3 through django-storages) is a configuration change.
    "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

SMS_BACKEND = env.str("SMS_BACKEND", default="kalantar.core.sms.ConsoleSmsBackend")
# Ed25519 seed (base64) that signs complaint receipts; generated into var/ in development.
RECEIPT_SIGNING_KEY = env.str("RECEIPT_SIGNING_KEY", default="")
if PRODUCTION and not RECEIPT_SIGNING_KEY:
    raise ImproperlyConfigured("RECEIPT_SIGNING_KEY must be set in production.")
# Public base URL printed in receipts' QR codes (e.g. https://kalantar.example).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Limits for the public pages; in production CACHE_URL must be shared (Redis) so every
# process counts the same requests.
ONLINE_FILING_RATE = env.str("ONLINE_FILING_RATE", default="5/h")
STATUS_LOOKUP_RATE_PER_ADDRESS = env.str("STATUS_LOOKUP_RATE_PER_ADDRESS", default="30/h")
# Per tracking code and address: a stranger's failures never lock the owner out.
STATUS_LOOKUP_RATE_PER_CODE = env.str("STATUS_LOOKUP_RATE_PER_CODE", default="10/h")
# Failed look-ups of one code (from anywhere) after which the page also asks for a one-time
# code sent by SMS to the complaint's mobile.
STATUS_LOOKUP_FAILURES_BEFORE_SMS = env.str("STATUS_LOOKUP_FAILURES_BEFORE_SMS", default="5/h")
# Reports one Open311 API key may file (a city's app files for many citizens).
OPEN311_FILING_RATE = env.str("OPEN311_FILING_RATE", default="10/m")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
ATTACHMENT_TYPES = env.list(
    "ATTACHMENT_TYPES", default=["image/jpeg", "image/png", "application/pdf"]
)
FILE_UPLOAD_PERMISSIONS = 0o640

# Tokens for integrations expire after this many days unless created with another span.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
