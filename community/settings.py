"""Rounds settings: one module, read from top to bottom, driven by the environment.

Every variable is listed in `.env.example` and in the README. Defaults are the safe ones
for trying the app on a laptop: SQLite under `var/`, tasks run in-process, mail written to
files. Production sets DATABASE_URL, REDIS_URL, EMAIL_HOST and the security switches.
"""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    """Read a boolean strictly: a typo must not silently turn a switch off."""
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from error


def envseconds(name: str, default: float) -> float:
    """A duration in seconds, above zero (a socket timeout of 0 would never wait at all)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        seconds = float(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, got {value!r}") from error
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ImproperlyConfigured(f"{name} must be more than 0 seconds, got {value!r}")
    return seconds


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envheader(name: str, default: str) -> str:
    """Read an HTTP header name strictly: letters, digits and hyphens."""
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"[A-Za-z0-9-]+", value):
        raise ImproperlyConfigured(f"{name} must be a header name such as X-Real-IP, got {value!r}")
    return value


def envsecret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


# --- Core -------------------------------------------------------------------------------

DEBUG = envbool("DEBUG", False)
# Test runs: static files unhashed, no HTTPS redirect or secure cookies by default.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

SECRET_KEY = envsecret("SECRET_KEY")
# Without a key, management commands (migrations, checks) still run, on a throwaway key that
# `check --deploy` reports; the processes that serve requests or run tasks refuse it unless
# DEBUG is on (community/startup.py), so a deployment can never run on it.
SECRET_KEY_IS_SET = bool(SECRET_KEY)
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-key-not-for-production"

SITE_NAME = os.environ.get("SITE_NAME", "Rounds")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" + (",*" if DEBUG else ""))
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

ROOT_URLCONF = "community.urls"
WSGI_APPLICATION = "community.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Pages and emails show times in the member's own zone (community.middleware.MemberTimeZone-
# Middleware, notifications.services.delivery), written in one format (community/formats).
FORMAT_MODULE_PATH = ["community.formats"]

# --- Applications ----------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "csp",
    "community",
    "accounts",
    "privacy",
    "posts",
    "mentoring",
    "programs",
    "notifications",
    "moderation",
]

MIDDLEWARE = [
    # First: a request that queued too long is refused before anything reads the session.
    "community.middleware.RequestQueueTimeoutMiddleware",
    "community.middleware.RequestIdMiddleware",
    "community.middleware.RenderedAtMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "community.middleware.HeadAsGetMiddleware",
    "community.middleware.RefuseInvalidUtf8Middleware",
    "community.middleware.RefuseNulBytesMiddleware",
    # Visitors' pages from the cache skip everything below; the rest are marked private.
    "community.page_cache.PublicPageMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
    "accounts.middleware.ReadWallsOnceMiddleware",
    "community.middleware.PrimaryAfterWriteMiddleware",
    "community.middleware.MemberTimeZoneMiddleware",
]

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
                "community.context_processors.site",
                "notifications.context_processors.unread_notifications",
                "accounts.context_processors.participation",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------


def database_from_url(url: str, *, prepared_statements: bool) -> dj_database_url.DBConfig:
    """A persistent, health-checked connection to `url`.

    With `prepared_statements`, PostgreSQL plans each statement once per connection after
    its fifth run and from then on only binds values to it (psycopg's prepared statements,
    which need the values sent apart from the SQL; BENCHMARKS.md, step 37). A pooler in
    transaction mode must keep prepared statements per client (PgBouncer 1.21 and later:
    `max_prepared_statements`), or this must be off.
    """
    database = dj_database_url.parse(
        url, conn_max_age=envint("DB_CONN_MAX_AGE", 600), conn_health_checks=True
    )
    if prepared_statements and database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options.update(server_side_binding=True, prepare_threshold=5)
    return database


DB_PREPARED_STATEMENTS = envbool("DB_PREPARED_STATEMENTS", True)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": database_from_url(DATABASE_URL, prepared_statements=DB_PREPARED_STATEMENTS)
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    # Read-only traffic goes to the replica (community/db_router.py); tests mirror default.
    DATABASES["replica"] = database_from_url(
        DATABASE_REPLICA_URL, prepared_statements=DB_PREPARED_STATEMENTS
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["community.db_router.ReplicaRouter"]
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# The covering indexes (`include=`) are PostgreSQL's; SQLite, for development, builds them
# without their extra columns and says so on every migrate (models.W040). Not worth a
# warning there; on PostgreSQL the check stays.
SILENCED_SYSTEM_CHECKS = [] if IS_POSTGRES else ["models.W040"]

# --- Cache, Redis ----------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to "no cache" while Redis is down instead of failing pages.
            "BACKEND": "community.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions read from Redis and fall back to the database, so an outage signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered template fragments, per process. Their keys hold every value the fragment shows
# (see the {% cache %} blocks in templates/), so an entry is never stale and nothing has
# to be invalidated; keeping them in process saves a network round trip per fragment.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}

# --- Visitors' pages (community/page_cache.py) -------------------------------------------

# How long the app keeps a visitor's page (post, Explore, hashtag, profile, home) at most:
# writes retire pages at once, so this only bounds what changes with the clock ("5 minutes
# ago", a live Q&A starting). Off without Redis: each process would keep its own copies, and
# a write seen by one would not reach the others.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 60 if REDIS_URL else 0)
# How long a shared cache (the proxy, a CDN) may keep a visitor's page, and give it again
# for as long while it fetches the next (s-maxage and stale-while-revalidate; browsers
# always ask again): an edit reaches visitors within twice this time.
PAGE_S_MAXAGE = envint("PAGE_S_MAXAGE", 1)
if PAGE_CACHE_SECONDS < 0 or PAGE_S_MAXAGE < 0:
    raise ImproperlyConfigured("PAGE_CACHE_SECONDS and PAGE_S_MAXAGE must be 0 (off) or more")

# --- Client addresses (community/client_ip.py) ------------------------------------------

# The proxies of our own in front of the app (a load balancer: 1) that append the address
# they were reached from to CLIENT_IP_HEADER. With 0 the header is ignored: anyone can send it.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
CLIENT_IP_HEADER = envheader("CLIENT_IP_HEADER", "X-Forwarded-For")

# --- Authentication (django-allauth) ---------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, reading what every page asks about the member with them.
    "accounts.backends.MemberModelBackend",
    "accounts.backends.MemberAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up and password reset answer alike whether or not an address has an account. For
# sign-up allauth needs "mandatory" verification: both end on the "we sent you an email"
# page. Signing in does not wait for the confirmation
# (accounts.adapters.EmailConfirmationAtSignUpStage); taking part does (accounts.permissions).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Per client ("ip": its address behind our proxies, community/client_ip.py) or per key.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed sign-ins: 10 a minute from one client on any accounts, 20 in 15 minutes on one
    # account from all clients together, and (accounts/adapters.py) 5 in 5 minutes on one
    # account from one client. One client can try at most 15 in 15 minutes on an account,
    # so it cannot lock the owner out; a password reset clears the account's count.
    "login_failed": "10/m/ip,20/15m/key",
    "login_failed_from_client": "5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Before a sensitive change (email, password, two-factor) a member proves it is them with their
# password or a two-factor code, never with a code mailed to the account: whoever reads the
# inbox must not be able to turn off a moderator's two-factor.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
# The member is emailed when their password, email addresses or two-factor setup change, so a
# change made by someone else who got hold of the password does not go unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# A sign-in code is taken during its own 30-second period and the one before or after it
# (RFC 6238's advice for clocks and typing that lag): a code read off the app as its period
# ends still works when it arrives a few seconds later. Each code is taken once.
MFA_TOTP_TOLERANCE = 1
MFA_TOTP_ISSUER = SITE_NAME

# --- Email -----------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    # Django's SMTP backend with a timeout for each step of the conversation.
    EMAIL_BACKEND = "community.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", EMAIL_PORT == 465)
else:
    # No SMTP server: each message becomes a file a person trying the app can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Seconds for each step of an SMTP conversation (RFC 5321, 4.5.3.2; community/smtp.py). The
# wait for the answer after the message is the long one: giving up there duplicates mail.
# They also set the email tasks' time limits and their claims' lease (notifications).
if "EMAIL_TIMEOUT" in os.environ:
    raise ImproperlyConfigured(
        "EMAIL_TIMEOUT is replaced by one timeout per SMTP step: EMAIL_CONNECT_TIMEOUT, "
        "EMAIL_COMMAND_TIMEOUT, EMAIL_DATA_TIMEOUT, EMAIL_BLOCK_TIMEOUT and "
        "EMAIL_FINAL_REPLY_TIMEOUT."
    )
EMAIL_CONNECT_TIMEOUT = envseconds("EMAIL_CONNECT_TIMEOUT", 30)
EMAIL_COMMAND_TIMEOUT = envseconds("EMAIL_COMMAND_TIMEOUT", 300)
EMAIL_DATA_TIMEOUT = envseconds("EMAIL_DATA_TIMEOUT", 120)
EMAIL_BLOCK_TIMEOUT = envseconds("EMAIL_BLOCK_TIMEOUT", 180)
EMAIL_FINAL_REPLY_TIMEOUT = envseconds("EMAIL_FINAL_REPLY_TIMEOUT", 600)

# --- Celery ----------------------------------------------------------------------------

# Without Redis, an in-memory broker on a named host (kombu warns about a missing one).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker, tasks run in-process: the app works with no services at all.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {
    # Email gets its own queue so slow feed work can't delay it.
    "notifications.tasks.send_notification_email": {"queue": "email"},
    "notifications.tasks.send_digest_email": {"queue": "email"},
    "notifications.tasks.send_outgoing_email": {"queue": "email"},
    "notifications.tasks.send_push": {"queue": "push"},
    "notifications.tasks.sweep_email_outbox": {"queue": "periodic"},
    "notifications.tasks.sweep_push_outbox": {"queue": "periodic"},
    "notifications.tasks.start_daily_digests": {"queue": "periodic"},
    "mentoring.tasks.expire_stale_requests": {"queue": "periodic"},
    "mentoring.tasks.remind_mentors": {"queue": "periodic"},
    "posts.tasks.send_event_reminders": {"queue": "periodic"},
    "programs.tasks.notify_waiting_cohorts": {"queue": "periodic"},
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Re-queues email left unsent by a broker outage or a dead worker.
    "notifications-sweep-email-outbox": {
        "task": "notifications.tasks.sweep_email_outbox",
        "schedule": 60.0,
    },
    # Re-queues pushes left unsent; gives up on those too old to be news.
    "notifications-sweep-push-outbox": {
        "task": "notifications.tasks.sweep_push_outbox",
        "schedule": 60.0,
    },
    # Sends each member's digest during their own local morning hour.
    "notifications-start-daily-digests": {
        "task": "notifications.tasks.start_daily_digests",
        "schedule": 900.0,
    },
    # Mentor requests: expire after 14 days unanswered, remind the mentor once at 7 days.
    "mentoring-expire-stale-requests": {
        "task": "mentoring.tasks.expire_stale_requests",
        "schedule": 3600.0,
    },
    "mentoring-remind-mentors": {
        "task": "mentoring.tasks.remind_mentors",
        "schedule": 3600.0,
    },
    # Mentorship meetings: both members hear a day and an hour before the start (once each).
    "mentoring-send-meeting-reminders": {
        "task": "mentoring.tasks.send_meeting_reminders",
        "schedule": 60.0,
    },
    # Live Q&As: those who said they'll be there hear 15 minutes before the start (once).
    "posts-send-event-reminders": {
        "task": "posts.tasks.send_event_reminders",
        "schedule": 60.0,
    },
    # Program pairs: milestones reached, nudges and coordinator alerts for stalled pairs,
    # survey invitations (each once).
    "programs-follow-up-pairs": {
        "task": "programs.tasks.follow_up_pairs",
        "schedule": 3600.0,
    },
    # Published cohorts whose members were not all told (a lost notify_cohort task).
    "programs-notify-waiting-cohorts": {
        "task": "programs.tasks.notify_waiting_cohorts",
        "schedule": 600.0,
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must never hang on a broker that is down: publishing gives up quickly and
# the periodic sweeps pick the work up from the database later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}

# --- Web push (notifications/push.py) ---------------------------------------------------

# The VAPID key pair that signs pushes to members' devices (`manage.py generate_vapid_keys`
# writes one) and the contact address push services may write to. Without both keys push
# is off: no button is offered and nothing is queued.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "").strip()
VAPID_PRIVATE_KEY = envsecret("VAPID_PRIVATE_KEY").strip()
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "").strip()
if bool(VAPID_PUBLIC_KEY) != bool(VAPID_PRIVATE_KEY):
    raise ImproperlyConfigured("Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither")
if VAPID_PUBLIC_KEY and not VAPID_SUBJECT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured("VAPID_SUBJECT must be a mailto: or https:// address")

# --- Static and media files ------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Files only moderators may read (verification documents) live outside MEDIA_ROOT and are
# served by a permission-checked view, never by the web server.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# S3-compatible object storage for uploads when a bucket is configured (django-storages);
# private files go to their own bucket or prefix and are never given a public URL.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _s3_options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
        "secret_key": envsecret("AWS_SECRET_ACCESS_KEY"),
        "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
        "file_overwrite": False,
        "querystring_auth": False,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options,
            "bucket_name": os.environ.get("AWS_PRIVATE_BUCKET_NAME", AWS_STORAGE_BUCKET_NAME),
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# --- Rate limits (per member, on writes; "count/period" with s, m, h or d) -------------

RATE_LIMITS = {
    "post": os.environ.get("RATE_LIMIT_POST", "20/h"),
    # The composer checks each picked image before the post is sent (a few per post).
    "image_check": os.environ.get("RATE_LIMIT_IMAGE_CHECK", "120/h"),
    # The composer's live preview, asked after each pause in typing.
    "preview": os.environ.get("RATE_LIMIT_PREVIEW", "600/h"),
    "comment": os.environ.get("RATE_LIMIT_COMMENT", "60/h"),
    "reaction": os.environ.get("RATE_LIMIT_REACTION", "300/h"),
    "message": os.environ.get("RATE_LIMIT_MESSAGE", "120/h"),
    "mentor_request": os.environ.get("RATE_LIMIT_MENTOR_REQUEST", "10/d"),
    # Applying to mentoring programs (or answering an invitation to one): each application
    # tells every coordinator of the program.
    "program_application": os.environ.get("RATE_LIMIT_PROGRAM_APPLICATION", "20/d"),
    # Proposing a meeting, or moving one to a new time: each tells the other member.
    "meeting_proposal": os.environ.get("RATE_LIMIT_MEETING_PROPOSAL", "30/d"),
    "report": os.environ.get("RATE_LIMIT_REPORT", "30/h"),
    "email_retry": os.environ.get("RATE_LIMIT_EMAIL_RETRY", "5/h"),
    # Per member, or per address for visitors: the contact page emails every moderator.
    "contact": os.environ.get("RATE_LIMIT_CONTACT", "5/h"),
}

# --- Load shedding ----------------------------------------------------------------------

# A request that waited longer than this between the proxy passing it on (its
# X-Request-Start stamp) and a worker taking it is answered 503 with Retry-After instead of
# being served late (community/middleware.py, docs/deploy.md). 0 turns it off.
REQUEST_QUEUE_TIMEOUT_MS = envint("REQUEST_QUEUE_TIMEOUT_MS", 500)
if REQUEST_QUEUE_TIMEOUT_MS < 0:
    raise ImproperlyConfigured("REQUEST_QUEUE_TIMEOUT_MS must be 0 (off) or more")

# --- Security --------------------------------------------------------------------------

SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
if envbool("BEHIND_TLS_PROXY", False):
    # TLS ends at a proxy that sets X-Forwarded-Proto; trust it only when told to.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG and not TESTING)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # blob: for the composer's previews of the images a member picks (object URLs).
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging ---------------------------------------------------------------------------

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "community.logging.RequestIdFilter"},
        "skip_queue_timeouts": {"()": "community.logging.SkipQueueTimeoutsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "community.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Tasks run in-process without a broker (development, `make run`): a line for each
        # one that succeeded is noise there. A worker logs them (LOG_LEVEL).
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else LOG_LEVEL},
        "django.request": {"filters": ["skip_queue_timeouts"]},
    },
}
