"""healthdesk settings, read from the environment.

Development needs nothing set: SQLite under ./var and a development secret key. Production sets at least
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HEALTHDESK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    return int(os.environ.get(name, default))


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("HEALTHDESK_TESTING", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-4b1d9e2f7c6a5b3e8d0f1a2c4e6b8d0f-not-for-production"

# API secrets are random 40+ character strings, so a keyed fast digest is the right storage (see
# directory.credentials); the pepper is kept apart from SECRET_KEY so rotating one does not void the other.
HEALTHDESK_SECRET_PEPPER = os.environ.get("HEALTHDESK_SECRET_PEPPER", SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "healthdesk.apps.HealthdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "directory",
    "tickets",
    "scheduling",
    "sync",
    "healthdesk",
]

MIDDLEWARE = [
    "healthdesk.middleware.RequestLineLimit",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "healthdesk.timezones.OrganisationTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "healthdesk.urls"
WSGI_APPLICATION = "healthdesk.wsgi.application"
AUTH_USER_MODEL = "directory.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "healthdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# Databases -------------------------------------------------------------------------------------------------
def database_from_url(url):
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work beside a writer; IMMEDIATE takes the write lock at BEGIN, so two concurrent
        # writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
        if DATABASE_POOL_MODE == "transaction":
            # PgBouncer in transaction mode hands each transaction any server connection: a cursor held across
            # transactions (the streamed lists' server-side cursors) or a statement psycopg prepared on one
            # connection is not on the next. Streamed lists then fetch client-side, a chunk at a time.
            config["DISABLE_SERVER_SIDE_CURSORS"] = True
            config["OPTIONS"] = {**config.get("OPTIONS", {}), "prepare_threshold": None}
    return config


# `transaction` when DATABASE_URL points at PgBouncer with pool_mode = transaction (deploy/SCALING.md).
DATABASE_POOL_MODE = os.environ.get("DATABASE_POOL_MODE", "session").strip().lower()
if DATABASE_POOL_MODE not in {"session", "transaction"}:
    raise ImproperlyConfigured("DATABASE_POOL_MODE must be 'session' or 'transaction'.")


DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'healthdesk.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}
# A PostgreSQL streaming replica for reads; each request still reads its own writes (healthdesk.db_routing).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
HEALTHDESK_REPLICA_PIN_SECONDS = env_int("HEALTHDESK_REPLICA_PIN_SECONDS", 5)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database_from_url(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["healthdesk.db_routing.ReplicaRouter"]
    MIDDLEWARE.insert(1, "healthdesk.db_routing.ReadYourWritesMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits must be counted across every worker process: a local-memory cache counts per process (a 10/min
# limit let 40 through with 4 workers). Redis in production, the database cache otherwise.
SHARED_CACHE = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "healthdesk.cache.DatabaseCounterCache", "LOCATION": "healthdesk_cache"}
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": SHARED_CACHE,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "healthdesk.password_validation.GuessablePatternValidator"},
]

# Session storage, not Django's default cookie fallback: an admin message may carry a new API secret (shown once)
# and a cookie would hand it, merely base64-encoded, to the browser, proxies and their logs.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    # Attachments live outside the web root and are only ever served through an authenticated view.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private-media"},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Request limits: partner bodies are small JSON documents or a handful of attachments.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("HEALTHDESK_MAX_BODY_BYTES", 10 * 1024 * 1024)
HEALTHDESK_MAX_UPLOAD_BYTES = env_int("HEALTHDESK_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
HEALTHDESK_MAX_REQUEST_UPLOAD_BYTES = env_int("HEALTHDESK_MAX_REQUEST_UPLOAD_BYTES", 25 * 1024 * 1024)
HEALTHDESK_CONNECT4_TOKEN_TTL = timedelta(seconds=env_int("HEALTHDESK_CONNECT4_TOKEN_TTL_SECONDS", 24 * 3600))
HEALTHDESK_SYNC_MAX_ITEMS = env_int("HEALTHDESK_SYNC_MAX_ITEMS", 10_000)
HEALTHDESK_DB_RETRY_AFTER_SECONDS = env_int("HEALTHDESK_DB_RETRY_AFTER_SECONDS", 5)
# Requests per API client across all partner APIs and all worker processes (DRF rate syntax).
HEALTHDESK_API_RATE = os.environ.get("HEALTHDESK_API_RATE", "1200/min")
# Failed partner authentications, per source address (REMOTE_ADDR) and per presented key; 429 beyond.
HEALTHDESK_AUTH_FAILURES_PER_ADDRESS = os.environ.get("HEALTHDESK_AUTH_FAILURES_PER_ADDRESS", "30/min")
HEALTHDESK_AUTH_FAILURES_PER_KEY = os.environ.get("HEALTHDESK_AUTH_FAILURES_PER_KEY", "10/min")
# Rows of a streamed list read before its 200 is sent: a database lost before then is a proper 503.
HEALTHDESK_STREAM_BUFFER_ROWS = env_int("HEALTHDESK_STREAM_BUFFER_ROWS", 1000)

# Notifications -------------------------------------------------------------------------------------------
# Messages are sent by Django tasks, never inside a request: immediately in development and tests, by
# `manage.py db_worker` processes reading the database queue in production (several may share the load).
TASKS_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if (DEBUG or TESTING) else "database")
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "healthdesk <noreply@localhost>")

SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND", "healthdesk.sms.HttpGatewayBackend" if SMS_GATEWAY_URL else "healthdesk.sms.ConsoleBackend"
)
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms"))

# A failed delivery is tried again after 1, 2, 4, … minutes, at most this many times in all.
HEALTHDESK_DELIVERY_MAX_ATTEMPTS = env_int("HEALTHDESK_DELIVERY_MAX_ATTEMPTS", 8)
HEALTHDESK_DELIVERY_RETRY_BASE_SECONDS = env_int("HEALTHDESK_DELIVERY_RETRY_BASE_SECONDS", 60)
# A claim older than this is taken to be a worker that died mid-send; the delivery is tried again.
HEALTHDESK_DELIVERY_CLAIM_TIMEOUT_SECONDS = env_int("HEALTHDESK_DELIVERY_CLAIM_TIMEOUT_SECONDS", 600)
HEALTHDESK_REMINDER_WITHIN_HOURS = env_int("HEALTHDESK_REMINDER_WITHIN_HOURS", 24)
HEALTHDESK_CLINIKO_RATE_LIMIT = os.environ.get("HEALTHDESK_CLINIKO_RATE_LIMIT", "200/min")

REST_FRAMEWORK = {
    # Fail closed: a partner view that forgets its own authentication refuses every request.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["healthdesk.partners.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "healthdesk.partners.parsers.PartnerJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "healthdesk.partners.base.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "healthdesk partner APIs",
    "DESCRIPTION": "Six partner APIs over one schema: connect4, webcamconsult, updox, support, cliniko, and FHIR R4.",
    "VERSION": "1.0.0",
    # OpenAPI 3.1 schemas are JSON Schema: the contract tests and fuzzers validate against them directly.
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "healthdesk.partners.openapi.add_plumbing_responses",
        "healthdesk.partners.openapi.json_request_bodies",
        "healthdesk.partners.cliniko.openapi.bookings_any_of",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The documents are public; each operation documents its own partner's security scheme.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "TAGS": [
        {"name": "connect4", "description": "Connect4 care tickets (connect4healthcare.md)."},
        {"name": "webcamconsult", "description": "Webcamconsult users, clients, appointments (webcamconsult.txt)."},
        {"name": "updox", "description": "Updox AppointmentsSync (updox-appointments-sync.txt)."},
        {"name": "support", "description": "Support tickets API v1 (support-tickets-v1.txt)."},
        {"name": "cliniko", "description": "Cliniko attendees and linked resources (cliniko-attendees.md)."},
        {"name": "fhir", "description": "HL7 FHIR R4 read and search: Patient, Practitioner, Organization, "
         "Appointment (healthdesk/partners/fhir/COMPATIBILITY.md)."},
    ],
}

# Staff logins: after 5 failures a username is locked for 15 minutes from that address (django-axes), so
# guessing is slow without letting anyone lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# The lockout page says for how long, so a locked-out nurse knows to wait rather than call for help.
AXES_LOCKOUT_TEMPLATE = "admin/healthdesk_lockout.html"
OTP_TOTP_ISSUER = "healthdesk"

# Content Security Policy: every script from this host (the docs use Swagger's split view for that reason).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Production hardening: every value follows DEBUG so that `check --deploy` is clean with DEBUG off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if (DEBUG or TESTING) else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not (DEBUG or TESTING)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_SECURE = not (DEBUG or TESTING)
X_FRAME_OPTIONS = "DENY"

# Longest request line answered (gunicorn's own limit is off; healthdesk/gunicorn.py sets this to 16 KiB).
HEALTHDESK_MAX_REQUEST_LINE_BYTES = int(os.environ.get("HEALTHDESK_MAX_REQUEST_LINE_BYTES", str(16 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Paths and queries carry tokens (Connect4's path, ?authentication_token=): masked on every record.
    "filters": {"redact": {"()": "healthdesk.redact.RedactFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
