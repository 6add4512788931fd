"""The one settings module. Configuration comes from environment variables only.

Defaults run the demo on an embedded SQLite database. `PARINDEX_ENV=production` refuses
to start with the demo secret key or with DEBUG on.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_SECRET_KEY = "demo-only-not-secret-parindex"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_str("PARINDEX_ENV") == "production"
SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

if PRODUCTION and (SECRET_KEY == DEMO_SECRET_KEY or DEBUG):
    raise ImproperlyConfigured("PARINDEX_ENV=production needs its own SECRET_KEY and DEBUG off.")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("PARINDEX_ENV=production needs ALLOWED_HOSTS (the site's names).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API's OpenAPI pages: Swagger UI served from our static files
    "parindex.org",
    "parindex.jobs",
    "parindex.frameworks",
    "parindex.surveys",
    "parindex.assessments",
    "parindex.results",
    "parindex.followup",
    "parindex.documents",
    "parindex.notify",
    "parindex.api",
    "parindex.demo",  # the demo province and the benchmarks' data: the top of the house
]

MIDDLEWARE = [
    # Before the host check: a balancer probes /healthz and /readyz by the node's address.
    "parindex.org.middleware.HealthCheckMiddleware",
    "parindex.org.middleware.ClientAddressMiddleware",
    "parindex.org.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parindex.org.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parindex.org.middleware.SecurityHeadersMiddleware",
    "parindex.org.middleware.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before anything reads a body (CSRF reads the form): refuses bodies over their limit.
    "parindex.org.middleware.RequestSizeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "parindex.org.middleware.RefusalLogMiddleware",
    # Axes last: it turns a locked-out log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Collected static files (hashed names, compressed copies) straight after security,
    # before sessions; the demo's runserver serves them from the source folders itself.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "parindex" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "parindex.org.context_processors.upload_limits",
            ],
        },
    },
]

# Database: SQLite by default (WAL, busy timeout, immediate transactions), PostgreSQL
# through DATABASE_URL with persistent connections.
DEFAULT_SQLITE = BASE_DIR / "var" / "parindex.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests run on a file too (not in memory): threads then wait for each other's locks
    # as they do in production, instead of failing at once in SQLite's shared cache.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"parindex-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out: five failures for a username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Serving and security (issue 10, serving and hardening). Behind a TLS proxy in
# production: docs/deployment.md, "Security settings".
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
# The assessment page reads the token from the cookie before each save, so that a page
# outlives a log-in in another tab (which renews the token).
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "parindex.views.csrf_failure"
SESSION_COOKIE_AGE = 8 * 60 * 60
# The proxy terminates TLS and says so in a header, e.g. "X-Forwarded-Proto: https"
# (set SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto only when the proxy always sets it).
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
# The client's address as the proxy passes it (e.g. X-Real-IP), for the lock-out, the
# log-in throttle and the security log; only where every request comes through the proxy.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# The balancer's probes answer over plain HTTP (HealthCheckMiddleware answers them first).
HEALTH_CHECK_PATHS = ("/healthz", "/readyz")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
# The site's own name and any below it (a province's parindex.sonoivu.<tinh>.gov.vn has none).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every page's scripts and styles are files of our own: no inline script, style or
# style attribute, no eval (SecurityHeadersMiddleware; a view may set a stricter one).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SILENCED_SYSTEM_CHECKS = [
    # The CSRF cookie is readable by the page's script on purpose (CSRF_COOKIE_HTTPONLY
    # above); HttpOnly would add nothing: the token is in every form anyway.
    "security.W017",
    # HSTS preload is the domain owner's decision (a browser list of whole domains, such as
    # a province's gov.vn), not the application's: SECURE_HSTS_PRELOAD=1 where it is made.
    "security.W021",
]
# Log-in throttling on top of axes' lock-out (which counts a username from an address):
# failed log-ins from one address over all usernames, per window, then a 429 until the
# window ends. Counted in the default cache: shared between processes only when CACHES
# is (docs/deployment.md).
LOGIN_THROTTLE_FAILURES = env_int("LOGIN_THROTTLE_FAILURES", 30)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)

# Vietnamese first, English switchable. Number and date formats: parindex/formats/.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "parindex" / "locale"]
FORMAT_MODULE_PATH = ["parindex.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "parindex" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Files (issue 10, object storage): evidence and every uploaded file in MEDIA_ROOT by
# default, or in an S3-compatible bucket (MinIO, Ceph RGW, a cloud's S3) with
# STORAGE_BACKEND=s3. The bucket is never public: objects are private (no ACL given, the
# bucket's own policy applies), a URL to one is signed and short-lived, a name already
# taken is never overwritten; evidence is served by the permission-checked view anyway.
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "local":
    DEFAULT_STORAGE: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    if not env_str("S3_BUCKET"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET.")
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            # Empty: the cloud's own endpoint for S3_REGION; MinIO and Ceph need theirs.
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            # Empty keys: boto3's own chain (AWS_* variables, an instance role).
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            # "path" for MinIO and Ceph RGW without wildcard DNS; "virtual" for most clouds.
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            # A CA bundle for an internal endpoint's certificate, or the system's.
            "verify": env_str("S3_CA_BUNDLE") or None,
            # A folder inside the bucket, when the bucket is shared.
            "location": env_str("S3_PREFIX"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env_int("S3_URL_EXPIRE_SECONDS", 300),
            "file_overwrite": False,
            # A download larger than this spills to a temporary file instead of memory.
            "max_memory_size": 4 * 1024 * 1024,
        },
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND is local or s3.")
# Production serves collected static files with hashed names and precompressed copies
# (whitenoise, `manage.py collectstatic`); elsewhere the files are read where they are,
# so that the demo and the tests need no collectstatic.
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Framework uploads (YAML, Excel) are small; refuse anything bigger.
FRAMEWORK_UPLOAD_MAX_BYTES = env_int("FRAMEWORK_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
# Evidence: a file at most, and all of a unit's files together.
EVIDENCE_MAX_FILE_BYTES = env_int("EVIDENCE_MAX_FILE_BYTES", 20 * 1024 * 1024)
EVIDENCE_MAX_UNIT_BYTES = env_int("EVIDENCE_MAX_UNIT_BYTES", 1024 * 1024 * 1024)
# The request bodies an upload accepts: the setting of its file plus the form around it
# (RequestSizeMiddleware); any other request's body is at most Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE. Larger ones are refused (413) before they are read.
REQUEST_BODY_LIMITS = {
    "assessments:evidence_upload": "EVIDENCE_MAX_FILE_BYTES",
    "api:evidence_upload": "EVIDENCE_MAX_FILE_BYTES",
    "frameworks:import": "FRAMEWORK_UPLOAD_MAX_BYTES",
}
UPLOAD_FORM_OVERHEAD = 64 * 1024

# Notifications: which backend serves each channel (console by default: nothing leaves
# the machine), the SMTP server of Django's EMAIL_* settings, an HTTP SMS gateway.
NOTIFY_BACKENDS = {
    "email": {
        "console": "parindex.notify.backends.ConsoleBackend",
        "smtp": "parindex.notify.backends.SmtpEmailBackend",
    }[env_str("EMAIL_BACKEND_KIND", "console")],
    "sms": {
        "console": "parindex.notify.backends.ConsoleBackend",
        "http": "parindex.notify.backends.HttpSmsBackend",
    }[env_str("SMS_BACKEND", "console")],
}
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "parindex@localhost")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
# The address people use, for the links in e-mails and SMS; by default the local server
# on the port it is served on (`PORT`, as `make demo` serves it).
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")
# Reminders go out this many days before a deadline, to units that have not submitted.
REMINDER_DAYS = [int(d) for d in env_list("REMINDER_DAYS", "3,1")]

# Background work (issue 10, jobs): Django's tasks API (the django-tasks backport) on its
# database backend; `manage.py run_worker` runs the queue, beats each job's heart, re-queues
# the jobs of a worker that died and enqueues the periodic tasks. JOBS_BACKEND=immediate
# runs every task inside the request that enqueues it (no worker; tests, debugging).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env_str("JOBS_BACKEND", "database")],
    }
}
# A running job's heart beats this often; one silent for JOBS_STALE_SECONDS lost its
# worker and is queued again, at most JOBS_MAX_ATTEMPTS runs in all, then it fails.
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 10)
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 120)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)
# Finished jobs that succeeded are deleted after this many days; failed ones are kept.
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 7)
# Periodic tasks, by dotted path: every how many seconds the workers enqueue each (one of
# them, whatever their number), and the job's kind in words.
JOBS_PERIODIC = {
    "parindex.notify.tasks.outbox_send_due": {
        "every": env_int("OUTBOX_SEND_EVERY_SECONDS", 60),
        "kind": _("Send the messages that are due"),
    },
    "parindex.assessments.tasks.reminders_queue": {
        "every": 24 * 60 * 60,
        "kind": _("Queue the deadline reminders"),
    },
    "parindex.followup.tasks.task_reminders_queue": {
        "every": 24 * 60 * 60,
        "kind": _("Queue the remediation tasks' reminders"),
    },
}

# Logs (issue 10, operations): one line per request (parindex.requests) and per event,
# JSON when LOG_FORMAT=json (the default in production: a log collector reads it), plain
# otherwise; every `extra` field is written out, never a secret's value (org/logs.py).
# The console backends' messages are a block of their own in the plain format.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# REQUEST_LOG_LEVEL=WARNING leaves out the line of each request.
REQUEST_LOG_LEVEL = env_str("REQUEST_LOG_LEVEL", "INFO")
_line = "json" if LOG_FORMAT == "json" else "plain"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "parindex.org.logs.PlainFormatter"},
        "json": {"()": "parindex.org.logs.JsonFormatter"},
        "block": {"format": "\n%(asctime)s %(name)s\n%(message)s\n"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": _line},
        "messages": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "block",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "parindex": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "parindex.requests": {
            "handlers": ["console"],
            "level": REQUEST_LOG_LEVEL,
            "propagate": False,
        },
        "parindex.notify": {"handlers": ["messages"], "level": "INFO", "propagate": False},
        # A server error's traceback, a refused host: in the same log, whatever DEBUG.
        "django": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "parindex.jobs": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}


# Cache and compression (issue 10, speed) ---------------------------------------------
# The cache holds what a published revision computed once (its engine output, its public
# pages); every key names the published state it was computed from, so a correction is
# a new key and no node ever serves a stale figure: a cache of each process's own
# (locmem, the default) is correct behind a load balancer too, and a shared one only
# saves the first computation per node. CACHE_URL: locmem:// (default), db://TABLE
# (shared by several web nodes, one indexed query per hit; run `manage.py
# createcachetable` once), redis://HOST:PORT/DB (needs the redis package), dummy:// (off).
def cache_from_url(url: str, suffix: str = "", entries: int = 1000) -> dict[str, object]:
    scheme, _sep, rest = url.partition("://")
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": (rest or "parindex") + suffix,
            "OPTIONS": {"MAX_ENTRIES": entries},
        }
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": (rest or "parindex_cache") + suffix,
            "OPTIONS": {"MAX_ENTRIES": entries * 2},
        }
    if scheme in ("redis", "rediss"):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": suffix,
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL: unknown scheme {scheme!r}")


# "pages" holds the computed pages and leaves, apart from the default cache's counters
# (the log-in throttle), which many pages must never push out.
CACHES = {
    "default": cache_from_url(env_str("CACHE_URL", "locmem://")),
    "pages": cache_from_url(env_str("CACHE_URL", "locmem://"), "_pages", 10000),
}
# How long a published page stays cached: its key changes with every publication; this
# bounds only what a key cannot see (a unit or group renamed since).
RESULTS_CACHE_SECONDS = env_int("RESULTS_CACHE_SECONDS", 3600)
# How long a process trusts the published state it read (0: a query on every page): a
# publication shows at once in the process that made it, in the others within this.
RESULTS_STATE_SECONDS = env_int("RESULTS_STATE_SECONDS", 1)
# A unit's leaves as rendered, by everything they show (off: render every leaf each time).
ASSESSMENT_LEAF_CACHE = env_bool("ASSESSMENT_LEAF_CACHE", True)
# HTML is compressed for visitors who are not logged in (their pages hold no secret but
# a masked CSRF token; Django's gzip adds BREACH's random padding); logged-in pages are not.
# After security (and whitenoise, which serves its own compressed static files).
_after = "whitenoise.middleware.WhiteNoiseMiddleware"
if _after not in MIDDLEWARE:
    _after = "django.middleware.security.SecurityMiddleware"
MIDDLEWARE[MIDDLEWARE.index(_after) + 1 : MIDDLEWARE.index(_after) + 1] = [
    "parindex.org.compression.PublicGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
]
# The benchmark's minimal view (/bench/minimal/), under `bench_serve` only.
PARINDEX_BENCH = env_bool("PARINDEX_BENCH", False) and not PRODUCTION
if PARINDEX_BENCH:
    ROOT_URLCONF = "parindex.demo.bench_urls"
