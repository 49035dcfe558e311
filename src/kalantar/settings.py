"""Kalantar settings: one module, driven by the environment.

KALANTAR_ENV=production demands SECRET_KEY and ALLOWED_HOSTS from the environment
and turns on every HTTPS protection; the default (development, used by the demo and
the tests) keeps a generated secret key in var/ and the SQLite database beside it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kalantar.core.jalali import TEHRAN

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
VAR_DIR = Path(env.str("KALANTAR_VAR_DIR", default=str(BASE_DIR / "var")))

KALANTAR_ENV = env.str("KALANTAR_ENV", default="development")
if KALANTAR_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("KALANTAR_ENV must be 'development' or 'production'.")
PRODUCTION = KALANTAR_ENV == "production"


def _owner_only(path: Path, mode: int) -> None:
    """Tighten what an older version created world-readable (0644/0755), if it is ours.
    A shared sticky folder (such as /tmp given as KALANTAR_VAR_DIR) is left alone."""
    info = path.stat()
    if info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX:
        path.chmod(mode)


def _private_dir(path: Path) -> Path:
    """var/ and media/ hold the database, keys and citizens' uploads: owner only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(path, 0o700)
    return path


def _private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 (an empty file is a valid SQLite database), or
    tighten it and SQLite's -wal/-shm files; SQLite creates those with the database's mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists():
            _owner_only(each, 0o600)


def _development_key(name: str, nbytes: int) -> str:
    """A key generated once and kept in var/ (so sessions and the audit chain survive
    restarts of the demo), created 0600 from its first byte."""
    path = _private_dir(VAR_DIR) / name
    if not path.exists():
        with (
            contextlib.suppress(FileExistsError),
            os.fdopen(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "w") as f,
        ):
            f.write(secrets.token_urlsafe(nbytes))
    _owner_only(path, 0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    SECRET_KEY = _development_key("secret_key", 50)


AUDIT_KEY = env.str("AUDIT_KEY", default="")
if not AUDIT_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("AUDIT_KEY must be set in production.")
    # Outside the database: whoever can rewrite the log must not also hold the key.
    AUDIT_KEY = _development_key("audit_key", 32)
# Signed checkpoints of the audit chain's head are appended here, outside the database;
# copy them off the machine (or make the directory append-only) to detect truncation.
AUDIT_CHECKPOINT_DIR = Path(
    env.str("AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "audit_checkpoints"))
)
AUDIT_CHECKPOINT_SECONDS = env.int("AUDIT_CHECKPOINT_SECONDS", default=300)
# Background tasks (kalantar.core.tasks): a worker renews its lease every third of
# TASK_LEASE_SECONDS; a task whose worker stopped renewing runs again after the lease ends.
TASK_LEASE_SECONDS = env.int("TASK_LEASE_SECONDS", default=60)
# A failed attempt waits BASE, 2×BASE, 4×BASE… seconds (at most MAX) before the next.
TASK_RETRY_BASE_SECONDS = env.float("TASK_RETRY_BASE_SECONDS", default=10.0)
TASK_RETRY_MAX_SECONDS = env.float("TASK_RETRY_MAX_SECONDS", default=3600.0)
# Finished tasks stay on the administrator's page this many days.
TASK_KEEP_DAYS = env.int("TASK_KEEP_DAYS", default=14)

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kalantar.core",
    "kalantar.org",
    "kalantar.people",
    "kalantar.complaints",
    "kalantar.incidents",
    "kalantar.alarms",
    "kalantar.analytics",
    "kalantar.evidence",
    "kalantar.security_firms",
    "kalantar.problems",
    "kalantar.feedback",
    "kalantar.community",
    "kalantar.inspection",
    "kalantar.transformation",
    "kalantar.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the session's middleware: the position of a user's last write is saved with
    # the session. Does nothing without DATABASE_REPLICA_URLS.
    "kalantar.core.replicas.ReplicaStickinessMiddleware",
    # django-otp's, checking the session's device against the user's kept access.
    "kalantar.people.middleware.VerifiedDeviceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kalantar.core.middleware.RequestContextMiddleware",
    # After the password, privileged users give their second factor before any other page.
    "kalantar.people.middleware.SecondFactorMiddleware",
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
_private_dir(VAR_DIR)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kalantar.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # National codes, mobiles, password hashes and sessions: readable by the owner only.
    if DATABASES["default"]["NAME"] and DATABASES["default"]["NAME"] != ":memory:":
        _private_file(Path(DATABASES["default"]["NAME"]))
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

# Streaming replicas of the PostgreSQL primary (comma-separated URLs): the read-only
# selectors of reports, analytics, public statistics and Open311 read from one that has
# replayed the user's last write (kalantar.core.replicas); none by default.
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _replica = env.db_url_config(_url)
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS must name PostgreSQL replicas.")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL.")
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        if _key in DATABASES["default"]:
            _replica[_key] = DATABASES["default"][_key]
    _replica["OPTIONS"] = {
        **{k: v for k, v in DATABASES["default"].get("OPTIONS", {}).items() if k == "pool"},
        # A replica that does not answer must not hold up the page: the primary serves.
        "connect_timeout": env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2),
        **_replica.get("OPTIONS", {}),
    }
    # Tests never create a database on a replica: it mirrors the primary's.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["kalantar.core.replicas.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Production refuses a per-process cache (system check kalantar.E001): the citizen
# pages' rate limits must be counted once for every worker.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kalantar")}
# Sites (or test runs) sharing one Redis keep their keys apart by a prefix of their own.
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="")
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # With Redis down, cached pages are computed afresh and the rate limits fail closed
    # for filing, open for reading (core.cache, core.limits).
    CACHES["default"]["BACKEND"] = "kalantar.core.cache.TolerantRedisCache"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with each user's permissions kept between requests.
    "kalantar.people.backends.AccessBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# A refused form (expired page, cookies blocked) explains itself in Persian.
CSRF_FAILURE_VIEW = "kalantar.core.views.csrf_failure"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Log-in throttling (django-axes, see core/login_protection.py): five failures for one
# username from one address, or twenty from one address whatever the usernames, within
# fifteen minutes pause log-in for that pair or that address for fifteen minutes. Never per
# username alone: a stranger's failures from elsewhere must not lock the chief out. Attempts
# made while paused are refused without being counted, so they never extend the pause.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURES_PER_USER", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "kalantar.core.login_protection.LoginThrottleHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Two-factor login (django-otp: an authenticator app's codes, recovery codes for a lost
# phone) for these roles, and for anyone who can open the admin site.
TWO_FACTOR_ROLES = env.list(
    "TWO_FACTOR_ROLES",
    default=[
        "sysadmin",
        "province_commander",
        "county_commander",
        "inspector",
        "security_registrar",
    ],
)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Kalantar")
# Accounts unused this many days (no log-in, no API token used) are disabled.
ACCOUNT_DORMANT_DAYS = env.int("ACCOUNT_DORMANT_DAYS", default=90)
# HSTS preload (security.W021) is the operator's choice: SECURE_HSTS_PRELOAD=true.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Sessions live in the database (people.services ends a user's sessions through this store).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
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
TIME_ZONE = TEHRAN.key  # the one definition of the zone: kalantar.core.jalali
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
        # WhiteNoise's compressed manifest in production, the plain one otherwise; both
        # remember each file's URL (kalantar.core.static_storage).
        "BACKEND": "kalantar.core.static_storage.ProductionStaticStorage"
        if PRODUCTION
        else "kalantar.core.static_storage.DevelopmentStaticStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = _private_dir(VAR_DIR / "media")

# Content-Security-Policy on every page: scripts and stylesheets only from this site, no
# inline script, no eval (htmx is told so by its meta tag in base.html), so markup that
# slips past escaping cannot run. Inline style *attributes* stay allowed (style-src-attr):
# several carry sizes the server computes (bar lengths, chart and map heights), which no
# stylesheet can know; an attribute cannot run script, while <style> elements (whose
# selectors and @import could leak the page) remain refused. A tile server configured
# for the maps (MAP_TILES_URL) is the one other origin images and data may come from.
_map_tiles = urlsplit(env.str("MAP_TILES_URL", default=""))
_tile_origins = [f"{_map_tiles.scheme}://{_map_tiles.netloc}"] if _map_tiles.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        # data: for the SVG icons inside Bootstrap's stylesheet.
        "img-src": [SELF, "data:", *_tile_origins],
        "font-src": [SELF],
        "connect-src": [SELF, *_tile_origins],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds the whole domain to HTTPS in browsers for months, beyond this
    # site's control: only when the operator asks for it.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
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
# Required in production (system check kalantar.E005).
SITE_URL = env.str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000")
# Limits for the public pages; in production CACHE_URL must be shared (Redis) so every
# process counts the same requests.
ONLINE_FILING_RATE = env.str("ONLINE_FILING_RATE", default="5/h")
# Answers to a neighbourhood safety survey: per address from the public link; per account
# for a signed-in volunteer going door to door, who sends many from one phone.
NEIGHBOURHOOD_SURVEY_RATE = env.str("NEIGHBOURHOOD_SURVEY_RATE", default="20/h")
NEIGHBOURHOOD_SURVEY_DOOR_RATE = env.str("NEIGHBOURHOOD_SURVEY_DOOR_RATE", default="120/h")
# The 197 line: hours within which a caller who left a number is called back.
FEEDBACK_CALLBACK_HOURS = env.int("FEEDBACK_CALLBACK_HOURS", default=48)
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
# Citizens' attachments: readable by the owner (the web server's user) only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Behind nginx: files whose reading needs a permission check (attachments, evidence) are
# answered with X-Accel-Redirect to this internal location, which maps to the var
# directory, and nginx sends the bytes (deploy/nginx/kalantar.conf). Empty: served here.
PROTECTED_FILES_REDIRECT = env.str("PROTECTED_FILES_REDIRECT", default="")
# Evidence (body-worn and car cameras): originals, write-once and named by their SHA-256,
# and the partial files of resumable uploads, under this folder; the largest file accepted.
EVIDENCE_DIR = Path(env.str("EVIDENCE_DIR", default=str(VAR_DIR / "evidence")))
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=16 * 1024**3)
# Ed25519 key that signs verified exports (any secret text: its SHA-256 is the key's
# seed). The public half is published at /.well-known/kalantar-evidence-key.
EVIDENCE_SIGNING_KEY = env.str("EVIDENCE_SIGNING_KEY", default="")
if not EVIDENCE_SIGNING_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("EVIDENCE_SIGNING_KEY must be set in production.")
    EVIDENCE_SIGNING_KEY = _development_key("evidence_signing_key", 32)
# Ed25519 key that signs the QR of a security guard's licence card (any secret text: its
# SHA-256 is the key's seed). The public half is published at
# /.well-known/kalantar-guard-card-key; the public check allows GUARD_CHECK_RATE per address.
GUARD_CARD_SIGNING_KEY = env.str("GUARD_CARD_SIGNING_KEY", default="")
if not GUARD_CARD_SIGNING_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("GUARD_CARD_SIGNING_KEY must be set in production.")
    GUARD_CARD_SIGNING_KEY = _development_key("guard_card_signing_key", 32)
GUARD_CHECK_RATE = env.str("GUARD_CHECK_RATE", default="60/h")
# Checkpoint scans per guard's phone (a round of 20 checkpoints every 30 minutes is 40/h).
GUARD_SCAN_RATE = env.str("GUARD_SCAN_RATE", default="120/h")
RATELIMIT_IP_META_KEY = "kalantar.core.middleware.rate_limit_address"
# Every original is read back and re-hashed at least this often.
EVIDENCE_FIXITY_DAYS = env.int("EVIDENCE_FIXITY_DAYS", default=30)
# HMAC key of guard-tour checkpoint codes; empty: derived from SECRET_KEY.
GUARD_TOUR_KEY = env.str("GUARD_TOUR_KEY", default="")

# Tokens for integrations expire after this many days unless created with another span.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=365)
# API pages: the default and the largest page, and the largest offset (far beyond any table,
# well within the databases' 64-bit integers).
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=25)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=100)
API_MAX_OFFSET = env.int("API_MAX_OFFSET", default=1_000_000_000)

# Alarms of one premises within this window form one alarm; panels may be this late before
# "communication lost"; this many false alarms in 12 months ask for verification; a
# frame's time may be this far ahead of / behind the receiver's clock.
ALARMS_GROUP_WINDOW_SECONDS = env.int("ALARMS_GROUP_WINDOW_SECONDS", default=300)
ALARMS_SUPERVISION_GRACE_SECONDS = env.int("ALARMS_SUPERVISION_GRACE_SECONDS", default=90)
ALARMS_FALSE_ALARM_LIMIT = env.int("ALARMS_FALSE_ALARM_LIMIT", default=3)
ALARMS_TIME_AHEAD_SECONDS = env.int("ALARMS_TIME_AHEAD_SECONDS", default=20)
ALARMS_TIME_BEHIND_SECONDS = env.int("ALARMS_TIME_BEHIND_SECONDS", default=40)
# The average patrol speed assumed for arrival estimates.
PATROL_SPEED_KMH = max(env.float("PATROL_SPEED_KMH", default=40.0), 1.0)
# How long an agency's answer link stays valid.
REFERRAL_LINK_DAYS = env.int("REFERRAL_LINK_DAYS", default=90)

# The alarm receiver's limits, so slow or idle clients cannot use up its descriptors: a frame
# must be complete this many seconds after its first byte (a new connection's first frame
# after connecting); a connection silent between frames is closed after the idle time.
ALARMS_FRAME_SECONDS = env.float("ALARMS_FRAME_SECONDS", default=5.0)
ALARMS_IDLE_SECONDS = env.float("ALARMS_IDLE_SECONDS", default=120.0)
# Open TCP connections in total (never more than 3/4 of the process's descriptor limit, which
# the receiver raises to its hard limit at start) and per source address (panels behind one
# carrier's NAT share an address).
ALARMS_MAX_CONNECTIONS = env.int("ALARMS_MAX_CONNECTIONS", default=4000)
ALARMS_MAX_CONNECTIONS_PER_ADDRESS = env.int("ALARMS_MAX_CONNECTIONS_PER_ADDRESS", default=256)
# UDP replies per second to one source address (bursts of twice that): a spoofed source
# cannot turn the receiver into a flood aimed at someone else.
ALARMS_UDP_REPLIES_PER_SECOND = env.float("ALARMS_UDP_REPLIES_PER_SECOND", default=20.0)

# Alarm fan-in through NATS JetStream (README, "Alarms through NATS"). Unset: the receiver
# stores events in the database itself. Set (e.g. "nats://a:4222,nats://b:4222"): receivers
# publish each event to a replicated stream and ACK the panel after the stream's ack, and
# `kalantar alarm_consumer` processes write the stream into the database. Replicas: 3 in
# production (the stream survives the loss of a node), 1 against a single server. An event
# whose storing failed this many deliveries is parked on the stream's dead-letter subject.
NATS_URL = env.str("NATS_URL", default="")
ALARMS_NATS_STREAM = env.str("ALARMS_NATS_STREAM", default="KALANTAR_ALARMS")
ALARMS_NATS_SUBJECT = env.str("ALARMS_NATS_SUBJECT", default="kalantar.alarms.events")
ALARMS_NATS_REPLICAS = env.int("ALARMS_NATS_REPLICAS", default=1)
ALARMS_NATS_DUPLICATE_WINDOW_SECONDS = env.int("ALARMS_NATS_DUPLICATE_WINDOW_SECONDS", default=120)
ALARMS_NATS_ACK_WAIT_SECONDS = env.float("ALARMS_NATS_ACK_WAIT_SECONDS", default=30.0)
ALARMS_NATS_MAX_DELIVER = env.int("ALARMS_NATS_MAX_DELIVER", default=5)
# A panel whose event the stream has not acknowledged within this time gets a NAK.
ALARMS_NATS_PUBLISH_SECONDS = env.float("ALARMS_NATS_PUBLISH_SECONDS", default=5.0)

# A refused or missing page (4xx) is one line in the log; a server error keeps its
# traceback. The filter sits on django.request, so every handler sees the short record,
# and on the console for the django.security.* loggers (bad host, bad request).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_one_line": {"()": "kalantar.core.logs.ClientErrorsOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors_one_line"]}
    },
    "loggers": {"django.request": {"filters": ["client_errors_one_line"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
