"""Settings for the management response tracker.

Everything that differs between a laptop and production comes from environment
variables; the defaults are safe for local development (SQLite, DEBUG on).
See README.md ("Configuration") for the full list.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks_db",
    "core",
    "responses",
    "recommendations",
    "actions",
    "evidence",
    "document",
    "interchange",
    "publishing",
    "tracking",
    "register",
    "office",
    "reading",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Who made a change, for the audit trail (core/audit.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    # A GET or HEAD that meets a dropped database connection runs again on a fresh one (core/middleware.py).
    "core.middleware.RetryReadsMiddleware",
    # Login throttling; last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins the username
# from that address is locked for AXES_COOLOFF_MINUTES. Attempts are kept in the
# database (admin: "Axes") and logged.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password spraying (a few passwords for many usernames): AXES_ADDRESS_FAILURE_LIMIT failures from
# one address within the cool-off lock that address for every username (core.accounts.LoginThrottle).
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_HANDLER = "core.accounts.LoginThrottle"
AXES_LOCKOUT_CALLABLE = "core.accounts.lockout_response"  # the login page, saying why and for how long
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False  # no banner on every manage.py command (it would break one-line command errors)
# The client address: REMOTE_ADDR, or behind a TLS proxy that sets it (AXES_TRUST_FORWARDED_FOR=1)
# the first address of X-Forwarded-For. Never trust the header without such a proxy: it is forgeable.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_bool("AXES_TRUST_FORWARDED_FOR", False) else ["REMOTE_ADDR"]
)

# The audit trail cannot be rewritten from the admin (core/audit.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

TESTING = env_bool("TESTING", False)
if not (DEBUG or TESTING):
    # Production serves collected static files itself (runserver and live_server do it in development).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default; PostgreSQL (psycopg 3) when DATABASE_URL is set.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    from config.db import check_unless_recent

    # Django's psycopg pool needs CONN_MAX_AGE=0; health checks drop dead
    # connections after a server restart instead of failing a request: the
    # pool's check skips a connection that was in use less than a second ago
    # (config/db.py), which saves a round trip on a busy server.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "10")),
        "timeout": 10,
        "check": check_unless_recent,
    }
    if os.environ.get("DB_POOL", "on") == "off":
        DATABASES["default"]["OPTIONS"].pop("pool")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # Password hashing is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tracking:home"
LOGOUT_REDIRECT_URL = "tracking:home"

# Dutch first, English through gettext.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence files (evidence/storage.py): the "evidence" storage, never served from a public URL, only
# through evidence:file. The local file system under MEDIA_ROOT by default; an S3-compatible object
# store with EVIDENCE_STORAGE=s3 (django-storages; README, "Configuration").
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
if os.environ.get("EVIDENCE_STORAGE", "filesystem") == "s3":
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("EVIDENCE_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("EVIDENCE_S3_REGION") or None,
            "access_key": os.environ.get("EVIDENCE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("EVIDENCE_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("EVIDENCE_S3_PREFIX", "evidence"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "evidence", "base_url": None},
    }
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
EVIDENCE_MAX_UNPACKED_BYTES = int(os.environ.get("EVIDENCE_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024)))

# Rendered PDFs are cached by content hash (see document/pdf.py). A file
# cache survives restarts and is shared by gunicorn workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    },
    "pdf": {
        "BACKEND": os.environ.get("PDF_CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"),
        "LOCATION": os.environ.get("PDF_CACHE_LOCATION", str(BASE_DIR / ".cache" / "pdf")),
        "TIMEOUT": 60 * 60 * 24 * 30,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
    # The fragments of the document page, keyed by the rows they show (document/fragments.py):
    # a page reads a few hundred at once (one get_many). Each process keeps its own by default
    # (a key names its content, so no copy is ever stale; a worker renders a fragment once):
    # LOCATION only names the memory. A shared backend (file, database) spares the other
    # workers' renders, at the cost of reading every fragment from it on every page.
    "documents": {
        "BACKEND": os.environ.get("DOCUMENT_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("DOCUMENT_CACHE_LOCATION", "documents"),
        "TIMEOUT": 60 * 60 * 24 * 7,
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # The whole document part of the document page, keyed by the response's revision
    # (document/fragments.py: part_key): a warm view reads one. An entry is as large as the
    # document (about 40 KB for the seed, 400 KB for 300 recommendations) and every edit makes a
    # new one, so this cache holds few: the least recently used go first. Per process, as the
    # fragments; a lost part is assembled again from them.
    "document_parts": {
        "BACKEND": os.environ.get("DOCUMENT_PART_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("DOCUMENT_PART_CACHE_LOCATION", "document-parts"),
        "TIMEOUT": 60 * 60 * 24,
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}

# Background work (PDF renders after a save): Django's tasks framework with the
# database backend of django-tasks-db; `manage.py db_worker` runs the tasks.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# An uploaded interchange file larger than this (bytes of YAML) is imported by the task worker,
# with a progress page, instead of within the confirm request. An import costs two or three
# queries per row (the row, its history record, an action's owners): 500 kB stays far within
# gunicorn's timeout even with the database a round trip away, and covers the responses people
# write by hand (figures: benchmarks/README.md, "Importing a large file").
UPLOAD_IMPORT_IN_REQUEST_BYTES = int(os.environ.get("UPLOAD_IMPORT_IN_REQUEST_BYTES", str(500 * 1024)))
# PDFs are rendered by the task worker only (document/pdf.py, docs/pdf.md); a request never waits
# for one. After a save, the render follows once the response has had no edit for this long
# (a burst of saves makes one render); a reader who asks for the PDF gets a render at once.
# In tests an hour: a test that runs the worker renders only what it asks for (or sets it to 0).
PDF_DEBOUNCE_SECONDS = float(os.environ.get("PDF_DEBOUNCE_SECONDS", "3600" if TESTING else "10"))
# Every render runs in a child process of the worker within these bounds (core/bounded.py);
# past them the PDF's page says the document is too complex to print.
PDF_RENDER_SECONDS = float(os.environ.get("PDF_RENDER_SECONDS", "180"))
PDF_RENDER_MEMORY_MIB = int(os.environ.get("PDF_RENDER_MEMORY_MIB", "1536"))
# Reading a PDF or Word document (reading/source.py, docs/reading.md): the upload's size, the pages
# read, a DOCX's unpacked size, and the bounds of the child process that reads it.
READING_MAX_BYTES = int(os.environ.get("READING_MAX_BYTES", str(20 * 1024 * 1024)))
READING_MAX_PAGES = int(os.environ.get("READING_MAX_PAGES", "300"))
READING_MAX_UNPACKED_BYTES = int(os.environ.get("READING_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024)))
READING_SECONDS = float(os.environ.get("READING_SECONDS", "120"))
READING_MEMORY_MIB = int(os.environ.get("READING_MEMORY_MIB", "1024"))
# "pdfium" (pypdfium2: characters, links, paths; pdfplumber's table finder) or "pdfplumber" (pdfminer,
# about three times slower; the same lines and tables).
READING_PDF_ENGINE = os.environ.get("READING_PDF_ENGINE", "pdfium")

# Django 6.1 mailers: the console in development, SMTP (EMAIL_HOST, ...) in production.
MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG or TESTING
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    },
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "managementresponse@localhost")
# The site's address, for links in e-mails sent outside a request (send_reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# A strict Content Security Policy: everything from our own origin, scripts
# only with the per-request nonce, no inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint logs every refused URL and CSS nit at WARNING; keep ours.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        # Django's default config gives "django" a console handler of its own (with DEBUG) and lets it
        # propagate to the root's: every line twice under ./scripts/dev. The root's handler is enough.
        "django": {"handlers": [], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": True},
    },
}
