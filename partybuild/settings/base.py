"""Settings read from the environment.

With no environment at all the project runs on the embedded default: SQLite under var/ and Celery tasks
executed eagerly in-process. DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()


def _development_secret() -> str:
    """A per-checkout secret kept under var/, so sessions survive restarts without a committed key."""
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret()
DEBUG = env.bool("DEBUG", default=False)
# True under partybuild.settings.production: demo logins and seeding are refused there.
PRODUCTION = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "partybuild.apps.PartybuildAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "partybuild.apps.PartybuildStaticFilesConfig",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "branches",
    "members",
    "assessments",
    "demo",  # seed_demo, generate_scale, bench_*: left out by partybuild.settings.production
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "partybuild.middleware.PathPolicyMiddleware",
    "branches.middleware.DeferredSecurityEventsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Below the session, auth and messages: idle/absolute session limits, then the first-login password
    # change and second-factor gate, then Cache-Control: no-store on personal-data responses.
    "branches.middleware.SessionLimitsMiddleware",
    "branches.middleware.AccountGateMiddleware",
    "partybuild.middleware.PrivateResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "branches.throttling.LoginThrottleMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partybuild.urls"
WSGI_APPLICATION = "partybuild.wsgi.application"

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
                "branches.scope.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'partybuild.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# WAL lets the dev server read while a seeding or in-process task writes. Every request is a transaction
# (ATOMIC_REQUESTS); begun IMMEDIATE, it waits for the write lock (up to ``timeout`` seconds) instead of
# failing with "database is locked" when two requests that read first then both try to write.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Pages and the API run short queries over indexes. PostgreSQL compiles to machine code (JIT) any query
    # whose estimate is high, and a correlated count's estimate is: 40 ms of compiling for a page query that
    # ran in 5 ms (docs/scale.md, "Pages"). Options given in DATABASE_URL come after, so they win.
    database_options = DATABASES["default"].setdefault("OPTIONS", {})
    database_options["options"] = f"-c jit=off {database_options.get('options', '')}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# MLPS level 3 practice: at least 8 characters mixing 3 of the 4 character classes, not a common password
# and not close to the user's own name (docs/security.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "branches.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "branches.passwords.UsernameInPasswordValidator", "OPTIONS": {"min_username_length": 3}},
    {"NAME": "branches.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of the app; the lockout reads the client address the same way (partybuild/http.py).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "partybuild.http.client_ip"
# The lockout answer in the user's language: JSON on the API, the site's page elsewhere.
AXES_LOCKOUT_CALLABLE = "branches.lockout.lockout_response"

# Sessions end after 30 idle minutes and at the latest 12 hours after the login (branches/middleware.py).
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
# API tokens (django-rest-knox) end API_TOKEN_IDLE minutes after their last use and at the latest
# API_TOKEN_TTL minutes after they were issued: each use slides the expiry to now + idle, capped at
# creation + lifetime. A use moves the expiry only when it gains a minute (MIN_REFRESH_INTERVAL), so, like a
# session, a token may end up to a minute early, never late (docs/security.md).
API_TOKEN_TTL = timedelta(minutes=env.int("API_TOKEN_TTL", default=12 * 60))
API_TOKEN_IDLE = timedelta(minutes=env.int("API_TOKEN_IDLE", default=30))
REST_KNOX = {
    "TOKEN_TTL": min(API_TOKEN_IDLE, API_TOKEN_TTL),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": API_TOKEN_TTL,
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}
# The gate's cached "must change password / second factor" decision is re-read this often.
ACCOUNT_GATE_RECHECK = timedelta(minutes=5)
OTP_TOTP_ISSUER = "partybuild"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Only the distributable parts of the npm packages are served, under /static/vendor/.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/noto-sans-sc", NODE_MODULES / "@fontsource" / "noto-sans-sc"),
    ("vendor/idb", NODE_MODULES / "idb" / "build"),
]
# The offline app's service worker, written by Workbox at set-up (workbox-config.cjs), served at /sw.js.
SERVICE_WORKER_FILE = VAR_DIR / "pwa" / "sw.js"
# WhiteNoise serves a file's .br or .gz twin when collectstatic wrote one. Brotli over every file is half a
# minute of CPU, worth it for the production image (Dockerfile: STATIC_COMPRESSED=1) and for nothing on
# the demo's own machine or in the tests, which copy the files only.
STATIC_COMPRESSED = env.bool("STATIC_COMPRESSED", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if STATIC_COMPRESSED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "branches.api.authentication.GuardedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "partybuild.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "branches.scope.filtering.BoundedQueryFilterBackend",
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partybuild.exceptions.api_exception_handler",
    # Logging in from one address, on every way in (branches/throttling.py).
    "DEFAULT_THROTTLE_RATES": {"login": "20/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "partybuild API",
    "DESCRIPTION": "Grassroots party-building management: organizations, members, records, quotas, ratings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and Swagger UI are for logged-in users only (docs/security.md).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The error answers every operation can give, added once (partybuild/api_schema.py), after the enums.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partybuild.api_schema.document_error_answers",
    ],
    # One schema name per choice set shared by several fields.
    "ENUM_NAME_OVERRIDES": {
        "MemberStatusEnum": "members.models.MemberStatus",
        "CadrePostEnum": "members.models.CadrePost",
        "ApplicantStatusEnum": "members.models.ApplicantStatus",
        "ReserveStatusEnum": "members.models.ReserveStatus",
        "TrainingLevelEnum": "members.models.TrainingLevel",
        "TrainingAudienceEnum": "members.models.TrainingAudience",
        "RatingStageEnum": "assessments.models.RatingStage",
        "EvaluationGradeEnum": "assessments.models.EvaluationGrade",
        "AppraisalGradeEnum": "assessments.models.AppraisalGrade",
        "EvaluationLevelEnum": "assessments.models.EvaluationLevel",
        "CycleStateEnum": "assessments.models.CycleState",
        "RunStateEnum": "assessments.models.RunState",
    },
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
# No broker configured means the embedded default: tasks run in the calling process.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# The queue tasks are sent to and a worker started without --queues consumes; the load test gives its web
# processes and its worker a queue of their own on a shared Redis (tests/perf/test_load.py).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died unacknowledged goes back to the queue after this long; its run then fails
# cleanly when the next worker picks it up (see assessments.services.quotas._claim).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Resource limits of uploads, exports and filters (docs/security.md, "Limits"). A resource may lower or
# raise the row, cell and size limits of its own files (e.g. a county's year of visits).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=600_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
IMPORT_MAX_ZIP_ENTRIES = env.int("IMPORT_MAX_ZIP_ENTRIES", default=500)
# Imports whose pre-scan counts more rows or cells than these run as a background job (docs/security.md).
IMPORT_JOB_THRESHOLD = env.int("IMPORT_JOB_THRESHOLD", default=2_000)
IMPORT_JOB_THRESHOLD_CELLS = env.int("IMPORT_JOB_THRESHOLD_CELLS", default=40_000)
# Exports of more rows than this run as a background job with progress and a download.
EXPORT_JOB_THRESHOLD = env.int("EXPORT_JOB_THRESHOLD", default=5_000)
# Hours a finished export's file may be downloaded before it is deleted.
EXPORT_FILE_HOURS = env.int("EXPORT_FILE_HOURS", default=24)
# Characters of free-text search a list accepts.
FILTER_MAX_TEXT = env.int("FILTER_MAX_TEXT", default=100)

# Working days a candidate's public notice runs before designation (发展党员公示, default 5).
PIPELINE_NOTICE_WORKING_DAYS = env.int("PIPELINE_NOTICE_WORKING_DAYS", default=5)

SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# A strict policy: no inline script or style anywhere; pages put data in json_script and read it from
# static files. img-src allows data: for the favicon stub and the TOTP enrolment QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# ID numbers and mobile numbers are masked in every log line (partybuild/settings/logfilters.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "partybuild.settings.logfilters.PersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# The to-do inbox's daily digest (docs/inbox.md): email through Django's backend, printed to the console here
# (the demo); the production settings send by SMTP. Each channel is a class with reaches() and send()
# (assessments/inbox/channels.py); list an SMS or messaging gateway beside email to add it.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="partybuild@localhost")
INBOX_DIGEST_CHANNELS = env.list("INBOX_DIGEST_CHANNELS", default=["assessments.inbox.channels.EmailChannel"])
# The address the digest's links start with.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
