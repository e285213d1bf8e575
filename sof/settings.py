"""Settings for the SOF case-management product.

Every difference between laptop, CI and production is an environment variable (see .env.example).
With nothing set, the product runs on the embedded default: SQLite and a Celery transport on the file
system, so a real worker and beat enforce deadlines without any server.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # embedded default's database, broker folders and beat schedule

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win


def _required_in_production(name: str, value):
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off (see .env.example).")
    return value


def _read(name: str, reader, **kwargs):
    """Read one variable; a malformed value stops start-up with a message naming the variable."""
    try:
        return reader(name, **kwargs)
    except (ValueError, environ.ImproperlyConfigured) as error:
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {error}") from error


def _strict_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(default)).strip().lower()
    if raw not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
        raise ValueError(f"{raw!r} is not a boolean (true/false)")
    return raw in {"true", "1", "yes", "on"}


def _database(name: str, default: str) -> dict:
    config = env.db_url(name, default=default)
    if config.get("ENGINE") not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ValueError("use postgres://… or sqlite:///…")
    return config


# DEBUG defaults to on so that `make run` works with nothing set; production sets DEBUG=false.
DEBUG = _read("DEBUG", _strict_bool, default=True)
SECRET_KEY = _read("SECRET_KEY", env.str, default="")
ALLOWED_HOSTS = _read("ALLOWED_HOSTS", env.list, default=[])
DATABASES = {"default": _read("DATABASE_URL", _database, default=f"sqlite:///{VAR_DIR / 'sof.sqlite3'}")}
CELERY_BROKER_URL = _read("CELERY_BROKER_URL", env.str, default="filesystem://")
EMAIL_CONFIG = _read("EMAIL_URL", env.email_url, default="consolemail://")
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL", env.str, default="jobcenter@example.dk")
# Absolute links in e-mails (the digests link to 'Mine opgaver').
SOF_BASE_URL = _read("BASE_URL", env.str, default="http://127.0.0.1:8000")
CPR_ENCRYPTION_KEYS = _read("CPR_ENCRYPTION_KEYS", env.list, default=[])
CPR_HASH_KEY = _read("CPR_HASH_KEY", env.str, default="")
SECURE_SSL_REDIRECT = _read("SECURE_SSL_REDIRECT", _strict_bool, default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else _read("SECURE_HSTS_SECONDS", env.int, default=31536000)
LOG_LEVEL = _read("LOG_LEVEL", env.str, default="INFO")
# Data protection (issue 9): idle sign-out, login lock-out, upload size, retention periods.
SESSION_IDLE_MINUTES = _read("SESSION_IDLE_MINUTES", env.int, default=60)
LOGIN_FAILURE_LIMIT = _read("LOGIN_FAILURE_LIMIT", env.int, default=5)
LOGIN_LOCKOUT_MINUTES = _read("LOGIN_LOCKOUT_MINUTES", env.int, default=15)
UPLOAD_MAX_MEGABYTES = _read("UPLOAD_MAX_MEGABYTES", env.int, default=10)
RETENTION_YEARS_AFTER_CLOSING = _read("RETENTION_YEARS_AFTER_CLOSING", env.int, default=5)
AUDIT_RETENTION_DAYS = _read("AUDIT_RETENTION_DAYS", env.int, default=10 * 365)
# Two-factor sign-in (TOTP) for leaders, administrators and superusers: on wherever DEBUG is off, off on the
# embedded development default (where `make run` prints demo logins). Anyone may still opt in; a user with a
# confirmed device is always asked for the code (staff/two_factor.py, sof.middleware.TwoFactorMiddleware).
TWO_FACTOR_REQUIRED = _read("TWO_FACTOR_REQUIRED", _strict_bool, default=not DEBUG)

if DEBUG:
    # Development-only values; never used with DEBUG off.
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
    # Fernet key and hash key for development only (urlsafe base64 of 32 bytes).
    CPR_ENCRYPTION_KEYS = CPR_ENCRYPTION_KEYS or ["ZGV2ZWxvcG1lbnQtb25seS1rZXktZG8tbm90LXVzZSE="]
    CPR_HASH_KEY = CPR_HASH_KEY or "development-only-cpr-hash-key"
else:
    _required_in_production("SECRET_KEY", SECRET_KEY)
    _required_in_production("ALLOWED_HOSTS", ALLOWED_HOSTS)
    _required_in_production("CPR_ENCRYPTION_KEYS", CPR_ENCRYPTION_KEYS)
    _required_in_production("CPR_HASH_KEY", CPR_HASH_KEY)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the report's aggregates are costed high enough to trigger PostgreSQL's JIT compiler, which
    # then spent seconds compiling what runs in milliseconds (docs/benchmarks.md, milestone report page).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"]["ATOMIC_REQUESTS"] = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",  # TOTP devices (authenticator apps); its admin lets superusers remove one
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API reference page's JavaScript, served from static files (no CDN)
    # Project apps, in their one-way dependency order (conventions.md).
    "documents",  # generated documents (letters) kept in the database; imports no other project app
    "outbox",  # everything that leaves the system; imports no other project app (apps register handlers)
    "staff",
    "visitation",
    "cases",
    "meetings",
    "reporting",
    "api",  # the integration API (/api/v1/); reads and writes through the apps above
    "loadgen",  # tooling, not the product: generate_load_data and bench; no app imports it
    "sof",  # project-wide views, templates tags and the demo-data command
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sof.middleware.NoStoreMiddleware",  # after WhiteNoise (static files cache); outside the rest: sees all
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): signed in with a code this session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sof.middleware.SessionActivityMiddleware",
    "sof.middleware.TwoFactorMiddleware",  # after OTPMiddleware: holds back who still owes a code
    "sof.middleware.ContentSecurityPolicyMiddleware",
    "sof.middleware.UploadSizeLimitMiddleware",
    "cases.middleware.DeniedAccessAuditMiddleware",  # every 404/403 a signed-in user meets is audited
]

ROOT_URLCONF = "sof.urls"
WSGI_APPLICATION = "sof.wsgi.application"

# No "loaders" option on purpose: Django (4.1+) then wraps the file-system and app loaders in the cached
# loader in every environment, DEBUG or not, so a template is parsed once per process (tests/test_settings.py
# checks it; docs/benchmarks.md, Profiles). Setting "loaders" by hand would have to keep the cached loader.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sof.context_processors.roles",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-otp: the name authenticator apps show next to the code; the admin never shows a device's key or QR
# code again after it is made (the key is a second password). Wrong codes are throttled by django-otp itself:
# after n failures in a row the next attempt must wait 2^(n-1) seconds (OTP_TOTP_THROTTLE_FACTOR = 1).
OTP_TOTP_ISSUER = "Sammen om fastholdelse"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Danish first, English available through the language switch.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True
FORMAT_MODULE_PATH = ["sof.formats"]

# Generated documents (letters to citizens) live in the database (STORAGES["documents"], README "Documents");
# MEDIA_ROOT is only where older letters are read from once, by the migration that moves them there.
MEDIA_ROOT = _read("MEDIA_ROOT", env.path, default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {"BACKEND": "documents.storage.DatabaseStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

vars().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, ... from EMAIL_URL

# Security headers: on in production, harmless in development.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Signed out after SESSION_IDLE_MINUTES without a request: sof.middleware.SessionActivityMiddleware renews
# the session's expiry every few minutes while it is used (not on every request: that would be a write each).
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Uploads (the case import): the whole request is refused above UPLOAD_MAX_MEGABYTES with a message
# (sof.middleware.UploadSizeLimitMiddleware); ordinary form posts above 2.5 MB get a 400 page.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files are spooled to a temporary file, not held in memory
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# The case import's background job (issue 17, cases/services/import_jobs.py) refuses larger files at preview.
# 50,000 rows: a follow-up team's monitoring sheet holds its category 2/3 cases, a few thousand a year even in
# the largest municipalities, so this is a decade of history; a worker checks it in about a minute and the
# preview's error list stays pageable. A bigger sheet is imported in parts.
IMPORT_MAX_ROWS = _read("IMPORT_MAX_ROWS", env.int, default=50_000)
# What an XLSX file (a zip archive) may unpack to, checked in its directory before any XML is parsed: the
# 50,000 rows of every column take about 60 MB of sheet XML (1.15 KB a row, as in issue 17's 460 MB for
# 400,000 rows), with room for styles and other sheets. Issue 17's 1.7 MB file unpacking to 460 MB is refused.
IMPORT_MAX_UNPACKED_BYTES = _read("IMPORT_MAX_UNPACKED_BYTES", env.int, default=100_000_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
# Preloading commits the whole domain to HTTPS for years: the municipality decides that, not this product.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain http inside the network
X_FRAME_OPTIONS = "DENY"

# Celery. With the embedded default the broker is kombu's file-system transport: folders under var/.
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# A task is acknowledged when it has finished, not when it starts: a worker killed mid-task (SIGKILL, OOM, a
# redeploy) leaves its message to be run again, by the same worker's next process or by another worker. Every
# task is idempotent for this reason (the sweep claims each alert once; the outbox locks and marks each
# message). Prefetch 1: a worker holds no messages it is not working on, so a dead worker holds none back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The queue this deployment's worker consumes and its tasks go to (default "celery"); two deployments sharing
# one Redis database need two names. The tests' worker processes use one of their own.
CELERY_TASK_DEFAULT_QUEUE = _read("CELERY_TASK_DEFAULT_QUEUE", env.str, default="celery")
# Outbox (outbox/services.py): a message that failed this many times is dead (the admin and /healthz show it).
# With the backoff of 1, 2, 4 … minutes (at most an hour) 8 attempts span about two hours.
OUTBOX_MAX_ATTEMPTS = _read("OUTBOX_MAX_ATTEMPTS", env.int, default=8)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange tables (kombu's default is ./control, i.e. wherever the process was started).
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis hands an unacknowledged message to another worker after this long. Longer than any task may run
    # (CELERY_TASK_TIME_LIMIT), so a running task is never given to a second worker; short enough that the
    # message of a worker that died entirely comes back within minutes. No task is sent with a countdown or
    # ETA (the outbox keeps its backoff in the database), which a shorter timeout would deliver twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT}

# One beat schedule for the whole product; each entry says when and why.
CELERY_BEAT_SCHEDULE: dict = {
    # Deadline sweep (cases/services/alerts.py): creates each alert once as deadlines come near or pass.
    # Every 15 minutes so a case registered or a deadline moved during the day is alerted the same day; it
    # selects `next_deadline_on <= horizon`, so a missed run loses nothing.
    "deadline-sweep": {"task": "cases.deadline_sweep", "schedule": crontab(minute="*/15")},
    # Outbox (outbox/services.py): every minute, deliver the messages still pending whose next attempt is
    # due: written while the broker was down, failed at the mail server (backoff 1, 2, 4 … minutes), or held
    # by a worker that died. So a booking made while Redis was down has its invitation out a minute or two
    # after Redis is back.
    "outbox-redeliver": {"task": "outbox.redeliver", "schedule": crontab()},
    # Morning digest: one e-mail per person with the alerts since the last one, before the working day
    # starts. Monday to Friday 07:00; the task itself skips Danish public holidays (holidays package).
    "morning-digest": {
        "task": "cases.morning_digest",
        "schedule": crontab(minute=0, hour=7, day_of_week="1-5"),
    },
    # Leaders' weekly summary for the Monday case review: overdue deadlines, escalations, pending exceptions
    # and caseloads above target. Monday 07:30, after the morning digest.
    "weekly-leader-summary": {
        "task": "cases.weekly_leader_summary",
        "schedule": crontab(minute=30, hour=7, day_of_week="1"),
    },
    # Leaders' monthly figures against the milestones (reporting/services.py), for the first working day of
    # the month. Every weekday 07:45: the task does nothing before the month's first working day (it skips
    # Danish holidays such as 1 January) and sends each leader's mail once, so a missed run loses nothing.
    "monthly-report": {
        "task": "reporting.monthly_reports",
        "schedule": crontab(minute=45, hour=7, day_of_week="1-5"),
    },
    # Stored next deadlines (cases/services/deadlines.py): a missed week-13 target lapses at midnight; move
    # those cases on to their next deadline that can still be met. 00:30 daily, before the first sweep of
    # the working day and the morning digest.
    "deadlines-refresh-lapsed": {
        "task": "cases.deadlines_refresh_lapsed",
        "schedule": crontab(minute=30, hour=0),
    },
    # Retention (issue 9): nightly at 02:30, when nobody works on cases; anonymises people whose cases all
    # closed more than RETENTION_YEARS_AFTER_CLOSING years ago and purges audit entries past their period.
    "retention-sweep": {
        "task": "sof.tasks.retention_sweep",
        "schedule": crontab(hour=2, minute=30),
    },
    # Import clean-up (issue 17, cases/services/import_jobs.py): an uploaded sheet holds CPR numbers, so its
    # file is deleted 24 hours after upload when nobody confirmed or cancelled it; also enqueues again a job
    # whose task a broker outage lost. Hourly at :20, so no file outlives its 24 hours by more than an hour.
    "import-jobs-clean-up": {
        "task": "cases.import_jobs_clean_up",
        "schedule": crontab(minute=20),
    },
}

# Every handler masks anything that looks like a CPR number (staff.privacy.CprMaskingFilter); Django's own
# loggers are routed to the same handler instead of Django's defaults, which would bypass the filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_cpr": {"()": "staff.privacy.CprMaskingFilter"},
        "forbidden_one_line": {"()": "sof.log_filters.ForbiddenWithoutTraceback"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_cpr"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {
            "handlers": ["console"],
            "level": LOG_LEVEL,
            "propagate": False,
            "filters": ["forbidden_one_line"],
        },
        "celery": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# The integration API (api/, README "API"): clients with hashed, expiring tokens and scopes; JSON only; errors
# as RFC 9457 problem details; a rate limit per client.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": _read("API_RATE_LIMIT", env.str, default="120/min")},
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_details_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sammen om fastholdelse – integration API",
    "DESCRIPTION": "Cases in from the benefit office, figures and pseudonymised cases out for BI.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
