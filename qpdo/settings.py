"""Settings of the qpdo portal, read from environment variables (see README)."""

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF

from qpdo import config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QPDO_VAR_DIR", BASE_DIR / "var"))

DEBUG = config.env_bool("DEBUG", default=False)
SECRET_KEY = config.secret_key(VAR_DIR, DEBUG)
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "qpdo.org",
    "qpdo.workflow",
    "qpdo.documents",
    "qpdo.jobs",  # before django_tasks_db: its db_worker adds heartbeat, sweep and daily tasks
    "qpdo.ops",
    "django_tasks",
    "django_tasks_db",
    "campaigns",
    "lectures",
    "stars",
    "outreach",
]

MIDDLEWARE = [
    "qpdo.ops.middleware.DatabaseUnavailableMiddleware",
    "qpdo.org.caching.DataVersionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "qpdo.org.password_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qpdo.org.sessions.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "qpdo.documents.middleware.UploadProgressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qpdo.org.audit.AuditContextMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qpdo.documents.middleware.UploadLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "qpdo.documents.serving.ProtectedFileMiddleware",
    "qpdo.org.two_factor.TwoFactorMiddleware",
    "qpdo.org.password_policy.PasswordPolicyMiddleware",
    # Last, so that every rule above runs before a cached list page is served.
    "qpdo.org.page_cache.PageCacheMiddleware",
]

ROOT_URLCONF = "qpdo.urls"
WSGI_APPLICATION = "qpdo.wsgi.application"

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
                "qpdo.context_processors.portal",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {"default": config.database(VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with user + roles + staff loaded in one statement per request.
    "qpdo.org.backends.PortalBackend",
    # Kept so that sessions signed in through plain ModelBackend stay valid.
    "django.contrib.auth.backends.ModelBackend",
]
# 等保 三级: at least 10 characters from 3 of the 4 classes, not common, not like the account,
# not one of the last 5; any length up to 128 (64+ allowed). Changed every 90 days.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "qpdo.org.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "qpdo.org.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qpdo.org.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
PASSWORD_MAX_AGE_DAYS = 90
# Two-factor sign-in (TOTP, django-otp): required for the roles in qpdo.org.two_factor.
OTP_TOTP_ISSUER = "青浦国动办门户"
SESSION_ABSOLUTE_HOURS = 12
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 5 failed sign-ins lock the account for 30 minutes from that address (等保 account lockout).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Keyed on user name AND address: a stranger elsewhere cannot lock an approver out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "qpdo.org.audit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

# Sessions end after 30 idle minutes. The expiry is refreshed when it is a minute old, not
# written on every request (qpdo.org.sessions).
SESSION_COOKIE_AGE = 30 * 60
# Sessions live in the database (qpdo.org.sessions extends the db backend), so any app
# server serves any signed-in person.
SESSION_ENGINE = "qpdo.org.sessions"
SESSION_REFRESH_AFTER = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = config.env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = config.env_bool("SECURE_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = config.env_int("SECURE_HSTS_SECONDS", 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = config.env_bool("SECURE_HSTS_PRELOAD")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): everything from the portal itself, no inline script or
# style attribute (templates use static files; a script or <style> that must be inline takes
# the per-request nonce: <script nonce="{{ CSP_NONCE }}">). Images may be data: URIs (the
# admin's icons); nothing may frame the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
CSRF_FAILURE_VIEW = "qpdo.errors.csrf_failure"
# Plain Chinese for the admin's own wording (see locale/zh_Hans/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media through Django's storage API only: a shared folder, or S3 (QPDO_S3_BUCKET, see README).
STORAGES = config.storages(DEBUG)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# One request carries at most 30 files and 600 MB in all (a video is up to 500 MB); checked
# before the body is read (qpdo.documents.middleware), with a Chinese refusal.
DATA_UPLOAD_MAX_NUMBER_FILES = 30
QPDO_UPLOAD_MAX_REQUEST_BYTES = 600 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# django-import-export: only users with the app's own permission export, formulae neutralised.
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = config.env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = config.env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qpdo@localhost")
# A hung mail server must not hold a worker forever (mail is sent from a background task).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_SUBJECT_PREFIX = "[青浦国动办门户] "

# One line per event on stdout (the service manager keeps the log); 500s mailed to ADMINS.
ADMINS = config.admins(os.environ.get("ADMINS", ""))
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "()": "qpdo.ops.logging.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "qpdo": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
        "django_tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# The one reverse proxy whose X-Forwarded-For is believed (its address as the app servers see
# it, e.g. 10.0.0.5); empty: REMOTE_ADDR is the client (no proxy, or the demo).
QPDO_TRUSTED_PROXY = os.environ.get("QPDO_TRUSTED_PROXY", "").strip()
# Audit records older than this are archived to files by `manage.py audit_archive`.
QPDO_AUDIT_RETENTION_DAYS = 180
QPDO_AUDIT_ARCHIVE_DIR = Path(os.environ.get("QPDO_AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))

# The office's own name, printed on documents.
QPDO_OFFICE_NAME = "上海市青浦区国防动员办公室"
QPDO_SHORT_NAME = "青浦区国动办"

# Background work (django-tasks): the database backend, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("QPDO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
QPDO_JOB_MAX_ATTEMPTS = int(os.environ.get("QPDO_JOB_MAX_ATTEMPTS", "2"))
QPDO_WORKER_STALE_SECONDS = int(os.environ.get("QPDO_WORKER_STALE_SECONDS", "60"))
QPDO_JOB_TIMEOUT_MINUTES = int(os.environ.get("QPDO_JOB_TIMEOUT_MINUTES", "30"))
QPDO_WORKER_SWEEP_SECONDS = int(os.environ.get("QPDO_WORKER_SWEEP_SECONDS", "30"))
# Daily tasks the workers enqueue once a day (name, local time, task).
QPDO_DAILY_TASKS = [
    ("remind_overdue", "08:00", "qpdo.workflow.tasks.remind_overdue"),
    ("remind_campaign", "08:05", "campaigns.tasks.remind_campaign"),
    ("clear_pending_uploads", "03:30", "qpdo.documents.tasks.clear_pending_uploads"),
]

# Shared by every app server: LocMem when CACHE_URL is unset, Redis for redis://….
CACHES = {"default": config.cache(os.environ.get("CACHE_URL", ""))}

# List pages whose HTML is cached per session, day and data version (qpdo.org.page_cache):
# GET views that show data and write nothing. On by default only with a shared cache
# (CACHE_URL): with the per-process memory cache a write in one worker would not reach the
# pages another worker keeps.
QPDO_PAGE_CACHE = config.env_bool(
    "QPDO_PAGE_CACHE", default=bool(os.environ.get("CACHE_URL", "").strip())
)
# Sessions are kept in the shared cache too (qpdo.org.sessions), never in a per-process one.
QPDO_SESSION_CACHE = config.env_bool(
    "QPDO_SESSION_CACHE", default=bool(os.environ.get("CACHE_URL", "").strip())
)
QPDO_CACHED_PAGES = frozenset(
    {
        "workflow:inbox",
        "workflow:done",
        "workflow:mine",
        "workflow:notifications",
        "campaigns:item-list",
        "campaigns:team-list",
        "campaigns:record-list",
        "lectures:topic-list",
        "stars:nomination-list",
        "outreach:report-list",
        "outreach:plan-list",
        "outreach:dashboard",
    }
)

# Large protected files: with QPDO_ACCEL_REDIRECT=/protected/ the proxy serves the bytes
# (X-Accel-Redirect, HTTP Range included) once the portal has checked who may see them.
QPDO_ACCEL_REDIRECT = os.environ.get("QPDO_ACCEL_REDIRECT", "").strip()

# Errors to a Sentry-compatible service when SENTRY_DSN is set (pip install ".[sentry]").
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    config.sentry(SENTRY_DSN)
