"""Settings, every value from the environment with a development default.

DATABASE_URL chooses the database (unset: the SQLite file db.sqlite3 beside manage.py).
SECRET_KEY has a development default only while DEBUG is on.
"""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from nhsit.lib.environment import env_bool, env_float, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "development-only-secret-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
# This process answers web requests (nhsit/wsgi.py says so), rather than running a command such as a migration.
SERVING_WEB_REQUESTS = os.environ.get("NHSIT_SERVING_WEB_REQUESTS") == "1"
if SERVING_WEB_REQUESTS and not DEBUG and not ALLOWED_HOSTS:
    # Django would start, then answer every request 400: say why at once instead.
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names (comma-separated) when DEBUG is off")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "concurrency",
    "import_export",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The site itself: its admin (nhsit/admin.py) and checks; no models.
    "nhsit",
    "organisations",
    "contracts",
]

MIDDLEWARE = [
    "nhsit.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "nhsit.middleware.RefuseNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change, for the history of every record.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A save that loses the race with another editor's answers 409 with a page that says so.
    "concurrency.middleware.ConcurrencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view's BadRequest answered with the site's 400 page under DEBUG too, as in production.
    "nhsit.middleware.BadRequestPageMiddleware",
    # Refuses logins from an account or address after repeated failures (django-axes); keep it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nhsit.urls"

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
                "contracts.views.preview.previewing",
                "contracts.views.footer.evidence_footer",
            ],
        },
    },
]

WSGI_APPLICATION = "nhsit.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Seconds to wait for the database to answer a new connection (libpq counts at least 2): a database that accepts
# but never answers makes a page fail with 503 instead of hanging until the worker is killed.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1)
# Seconds a web request's query may run before PostgreSQL cancels it (0: no limit). The web server's processes
# only (nhsit/wsgi.py): a release step's migration or a data load may take longer. Exports stream for as long as
# their client reads and so are not limited; they end when the client goes away.
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 30)
# How long a table's filter counts may take on PostgreSQL (milliseconds); past it the page shows no counts.
FACET_TIME_LIMIT_MS = env_int("FACET_TIME_LIMIT_MS", 500)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler pays tens of milliseconds to compile each costly query, and a page's queries
    # are over before that pays back. Parallel workers cost several milliseconds to start on a busy machine, which
    # a page's reads of an index (estimated pessimistically, read in under one) never win back: ten times the
    # default setup cost keeps them for queries that read most of a large table. Sent when connecting; set
    # DATABASE_PG_OPTIONS="" where a pooler refuses it (and DATABASE_STATEMENT_TIMEOUT=0, with the limit set on
    # the database role instead).
    startup = [os.environ.get("DATABASE_PG_OPTIONS", "-c jit=off -c parallel_setup_cost=10000")]
    if SERVING_WEB_REQUESTS and DATABASE_STATEMENT_TIMEOUT:
        startup.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}s")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        options=" ".join(option for option in startup if option), connect_timeout=DATABASE_CONNECT_TIMEOUT
    )
# Behind PgBouncer in transaction mode, server-side cursors (used by the CSV exports) must be off.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise serves the collected files from gunicorn, compressed, with no separate web server. Their names
    # carry a hash of their contents, so browsers and CDNs may keep them for ever. (Needs collectstatic, which
    # the image and the entrypoint run; with DEBUG on, pages link the plain names.)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# /healthz/ answers within this many seconds whatever the database does (503 when it cannot tell).
HEALTH_CHECK_SECONDS = env_float("HEALTH_CHECK_SECONDS", 2, minimum=0.1)

# Where load_seed reads the sourced seed data from.
SEED_DIR = BASE_DIR / "fixtures"

# The prefix of every contract's Open Contracting ID (ocid) in the OCDS packages. The default is a placeholder
# in the registered form: a publisher registers its own prefix with the Open Contracting Partnership before
# publishing to an OCDS registry, and sets it here.
OCDS_PREFIX = os.environ.get("OCDS_PREFIX", "ocds-nhsit0-")

# Editors' workflow: a refused concurrent save answers with this view (status 409). django-concurrency's default
# policy (silent) swallows a conflict in the admin's save and lets the admin say "changed successfully" although
# nothing was written: abort instead, so the whole request is rolled back and answered with the 409 page.
CONCURRENCY_HANDLER409 = "contracts.admin.conflicts.conflict"
CONCURRENCY_POLICY = 2  # concurrency.config.CONCURRENCY_LIST_EDITABLE_POLICY_ABORT_ALL
# Imports are previewed, then written in one transaction: a file with any bad row writes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Security. Secure by default whenever DEBUG is off; each can be turned off for a loopback test.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that always sets (and never passes on) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere. Inline styles stay allowed for the admin's own templates.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Accounts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("LOGIN_LOCKOUT_HOURS", 1)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "nhsit.errors.locked_out"
LOGIN_URL = "admin:login"
# For deployments holding unpublished data: every page, not only the admin, asks for a login.
REQUIRE_LOGIN = env_bool("REQUIRE_LOGIN", False)
if REQUIRE_LOGIN:
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                      "django.contrib.auth.middleware.LoginRequiredMiddleware")  # fmt: skip

# A read replica (PostgreSQL streaming replication): the public pages read from it, editors and writes use the
# primary (nhsit/replicas.py). Tests use the primary for both.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "DISABLE_SERVER_SIDE_CURSORS": DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"],
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["nhsit.replicas.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("nhsit.health.HealthCheckMiddleware") + 1,
                      "nhsit.replicas.PrimaryForEditorsMiddleware")  # fmt: skip

# --- The JSON API (contracts/api/): read-only, anonymous, open to any origin, each address throttled.
# API_ANON_RATE: requests per address, as DRF reads a rate ("120/min", "5000/day").
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", API_ANON_RATE):
    raise ImproperlyConfigured(f"API_ANON_RATE must be a number of requests per second, minute, hour or day, "
                               f"such as 120/min, not {API_ANON_RATE!r}")  # fmt: skip
REST_FRAMEWORK = {
    # No authentication: everyone reads the same published data, and nobody writes (an editor's session is
    # neither needed nor used, so it cannot show drafts or send a write).
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE},
    # Proxies in front of the site that add themselves to X-Forwarded-For; 0 throttles by the connecting address,
    # which a client cannot forge.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
    "DEFAULT_SCHEMA_CLASS": "contracts.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "contracts.api.errors.api_exception_handler",
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Contract-change tracker API",
    "DESCRIPTION": "Read-only: contracts, their revisions, who was promised what under each, what was delivered, "
    "and the sources behind it. Published revisions only.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page loads Swagger UI from the site's own static files (drf-spectacular-sidecar), nothing elsewhere.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for each set of codes, however many fields use it.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecision": "nhsit.lib.dates.DatePrecision",
        "Qualifier": "nhsit.lib.qualifiers.Qualifier",
        "EntitlementStatus": "contracts.models.EntitlementStatus",
        "DeliverableStatus": "contracts.models.DeliverableStatus",
        "DeploymentStatus": "contracts.models.DeploymentStatus",
        "SourceKind": "contracts.models.SourceKind",
        "EvidenceGrade": "contracts.models.EvidenceGrade",
        "Evidence": "contracts.evidence.EVIDENCE_CHOICES",
        "Outcome": "contracts.outcomes.Outcome",
        "LocalSystemStatus": "organisations.models.LocalSystemStatus",
    },
}

# The covering indexes behind comparisons (contracts.Entitlement) include a column only PostgreSQL can use;
# SQLite builds them on the key columns alone, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Logs. Errors (a server error's traceback included) and warnings go to stderr, where gunicorn's and a
# container's logs are collected. Django's default would only mail them to ADMINS when DEBUG is off.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        # runserver's line for each request (make run); gunicorn writes its own access log.
        "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
