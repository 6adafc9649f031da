"""ARVlite settings: one module, every value from the environment (see .env.example).

Unset variables give the embedded defaults of the `run` command: SQLite under data/,
local media, a file cache under data/, in-memory channel layer and Celery running tasks in
process. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, PUBLIC_URL.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

from arvlite.core.env import StrictEnv

BASE_DIR = Path(__file__).resolve().parent.parent

env = StrictEnv()
# A deployment may keep its variables in a .env file beside manage.py; real environment
# variables win over the file.
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"), overwrite=False)

# The embedded run's SQLite file, local media and static files (data/ is git-ignored).
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))

# --- Core -------------------------------------------------------------------------------
# Without DATABASE_URL this is the embedded SQLite run on a laptop, so DEBUG defaults on;
# any real deployment names its database, and there DEBUG defaults off.
DEBUG = env.bool("DEBUG", default=not env.str("DATABASE_URL", default=""))

DEVELOPMENT_SECRET_KEY = "insecure-development-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
        '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address people and phones reach this site at: every link in QR codes, labels, export
# packs, e-mails and viewer answers is built on it. In development it follows HOST/PORT
# (scripts/run serves there); in production it must be set, or every link would be wrong.
PUBLIC_URL = env.str("PUBLIC_URL", default="").rstrip("/")
if not PUBLIC_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PUBLIC_URL must be set when DEBUG is off: the address users and phones reach this site at, "
            "e.g. PUBLIC_URL=https://arvlite.example.com (QR codes, e-mails and viewer links are built on it)."
        )
    PUBLIC_URL = f"http://{env.str('HOST', default='127.0.0.1')}:{env.str('PORT', default='8000')}"
# Fernet keys for secrets stored in the database (arvlite/core/encryption.py).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

INSTALLED_APPS = [
    "daphne",  # runserver speaks ASGI (HTTP + WebSocket) in development
    "arvlite.core.admin_site.ArvliteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_prometheus",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "social_django",
    "arvlite.core",
    "companies",
    "projects",
    "arcontent",
    "videos",
    "arcontent.viewer",
    "arcontent.analytics",
    "orders",
    "notifications",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "arvlite.core.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "arcontent.viewer.fastlane.ViewerFastLaneMiddleware",  # manifest/check skip what they never use
    "arvlite.core.security_headers.SecurityHeadersMiddleware",  # CSP with a nonce, Permissions-Policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "companies.sessions.SessionActivityMiddleware",  # the account page's "signed in on these devices"
    "django.contrib.messages.middleware.MessageMiddleware",
    "companies.two_factor_session.TwoFactorSessionMiddleware",  # a signed-in session waits for its code
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "social_django.middleware.SocialAuthExceptionMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "arvlite.urls"
WSGI_APPLICATION = "arvlite.wsgi.application"
ASGI_APPLICATION = "arvlite.asgi.application"

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
                "companies.context_processors.portal",
                "notifications.context_processors.bell",
                "arvlite.core.security_headers.csp_nonce",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
if not env.str("DATABASE_URL", default=""):
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded run's SQLite file lives here
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'arvlite.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.positive_int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend plus one retry of a read whose connection dropped (see the module).
    DATABASES["default"]["ENGINE"] = "arvlite.core.db.postgresql"
    # Fail fast, into a 503, when the server does not answer instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.positive_int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded run serves requests in threads: take the write lock when a transaction
    # starts (SQLite has no row locks) and wait for it instead of failing with "database is
    # locked" when two webhooks or uploads arrive at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker -----------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="arvlite")
# Direct Redis use (viewer hot path) and the cache: seconds before a connection attempt or
# a viewer call gives up, and how long Redis is then skipped (answers come from the database
# meanwhile; the cache answers as an empty one). Cache reads may carry larger values.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=5.0)
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=2.0)
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, answering as an empty cache while Redis is down.
            "BACKEND": "arvlite.core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # redis-py waits forever by default: a Redis that stopped answering would hang
            # every request that reads a rate limit.
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # No socket timeout: channels-redis waits on Redis for 5 s per idle socket, and
            # redis-py's default 5 s read timeout would drop every quiet connection
            # (django/channels_redis#422).
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": f"{CACHE_KEY_PREFIX}:asgi",
            },
        }
    }
else:
    # Files, not process memory: `manage.py rollup_views` run beside the server must be able to
    # drop the figures the server cached (the analytics generation lives in the cache).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Users and authentication -----------------------------------------------------------
AUTH_USER_MODEL = "companies.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so a locked-out login never reaches others
    "social_core.backends.yandex.YandexOAuth2",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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

# Lockout after repeated failed logins (django-axes answers 429 while locked).
AXES_FAILURE_LIMIT = env.positive_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.positive_int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "arvlite.core.lockout.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Two-factor sign-in (TOTP, django-otp): the name authenticator apps show for the account.
# Wrong codes lock the device like wrong passwords (the two AXES_ settings above,
# companies.two_factor); django-otp's own doubling pause is off, as it outgrew the cool-off
# and then refused right codes for hours.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ARVlite")
OTP_TOTP_THROTTLE_FACTOR = 0
# The admin's TOTP device pages show no key and no QR code (staff reset a lost phone by
# deleting the device; they never need the secret).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

INVITATION_VALID_DAYS = env.positive_int("INVITATION_VALID_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = 60 * 60 * env.positive_int("PASSWORD_RESET_HOURS", default=24)
# A new sign-up confirms its e-mail address (a signed link, valid this many days) before it
# may create a company. Off by default in the embedded run (DEBUG), where mail only reaches
# the console.
EMAIL_VERIFICATION_REQUIRED = env.bool("EMAIL_VERIFICATION_REQUIRED", default=not DEBUG)
EMAIL_VERIFICATION_DAYS = env.positive_int("EMAIL_VERIFICATION_DAYS", default=3)

SOCIAL_AUTH_YANDEX_OAUTH2_KEY = env.str("YANDEX_OAUTH_KEY", default="")
SOCIAL_AUTH_YANDEX_OAUTH2_SECRET = env.str("YANDEX_OAUTH_SECRET", default="")
SOCIAL_AUTH_USER_MODEL = AUTH_USER_MODEL
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_JSONFIELD_ENABLED = True
SOCIAL_AUTH_USER_FIELDS = ["email"]  # our users have no username
SOCIAL_AUTH_REQUIRE_POST = True
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/"  # home: the company, or "create your company"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/accounts/login/"
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    # Yandex confirms e-mail addresses, so an existing account with the same address is
    # the same person: link it rather than fail on the unique e-mail — and take the password
    # away from an account whose address nobody had confirmed (see the step).
    "companies.social.associate_by_confirmed_email",
    "social_core.pipeline.user.create_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
    "companies.social.save_full_name",
    "companies.social.mark_email_verified",
)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.positive_int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.positive_int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a hash of the password they were issued under: a password change or
    # reset ends every token issued before it (refresh checked in RevocableTokenRefreshSerializer).
    "CHECK_REVOKE_TOKEN": True,
}

# --- API policy (DRF) -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # JWT first: its "Bearer" challenge makes anonymous API calls answer 401, not 403.
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "companies.authentication.ApiKeyAuthentication",
    ],
    # Company routes declare roles (CompanyScopedMixin); the rest need a signed-in person.
    "DEFAULT_PERMISSION_CLASSES": ["arvlite.core.api.permissions.IsSignedInPerson"],
    "DEFAULT_PAGINATION_CLASS": "arvlite.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "arvlite.core.api.throttling.ClientAddressAnonRateThrottle",
        "arvlite.core.api.throttling.UserOrApiKeyRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="60/minute"),
        "user": env.str("THROTTLE_USER", default="600/minute"),
        "auth": env.str("THROTTLE_AUTH", default="20/minute"),  # sign-up, tokens, resets per IP
        "photo_analysis": env.str("THROTTLE_PHOTO_ANALYSIS", default="30/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "arvlite.core.api.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ARVlite API",
    "DESCRIPTION": "Management API and public viewer API of ARVlite. "
    "Every error answers with the body described by the ErrorResponse schema.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "DEFAULT_GENERATOR_CLASS": "arvlite.core.api.schema.ScopeFreeSchemaGenerator",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/(v1/)?",
    # Several models have a "status" or "role"; name each enum after its owner.
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "arvlite.core.roles.Role.choices",
        "ApiKeyRoleEnum": "companies.api_keys.ASSIGNABLE_ROLE_CHOICES",
        "CompanyStatusEnum": "companies.models.Company.Status",
        "ProjectStatusEnum": "projects.models.Project.Status",
        "OrderStatusEnum": "orders.models.Order.Status",
        "NewOrderStatusEnum": "orders.api.serializers.NEW_ORDER_STATUSES",
        "ProductKindEnum": "orders.models.Product.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "arcontent.viewer.openapi.add_viewer_api",  # plain Django views, written from the contract
        "arvlite.core.api.schema.add_error_responses",
    ],
}

# --- Celery -----------------------------------------------------------------------------
# "memory://localhost/": with no host in the URL kombu warns "No hostname was supplied".
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
# Without a broker the embedded run executes tasks in process, right where they are sent.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
# Without beat (the embedded run, where tasks run in process) nothing rolls scans up on a
# schedule: the analytics pages then roll up the last two days themselves when their figures
# are older than this many seconds (0: never; production relies on the periodic task).
ANALYTICS_ROLLUP_ON_READ_SECONDS = env.int(
    "ANALYTICS_ROLLUP_ON_READ_SECONDS", default=60 if CELERY_TASK_ALWAYS_EAGER else 0
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # job state lives in our tables, not in a result backend
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.positive_int("CELERY_TASK_TIME_LIMIT", default=1800)
CELERY_TASK_SOFT_TIME_LIMIT = env.positive_int("CELERY_TASK_SOFT_TIME_LIMIT", default=1700)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = (
    Queue("default", Exchange("default"), routing_key="default"),
    Queue("media", Exchange("media"), routing_key="media"),
)
# Tasks go to `default` unless routed here: heavy media work (named "<app>.process_*",
# e.g. videos.process_video) runs on `media` workers so it never delays e-mails or flushes.
CELERY_TASK_ROUTES = {
    "arcontent.process_*": {"queue": "media"},
    "videos.process_*": {"queue": "media"},
}
# acks_late on Redis: an unacknowledged task is redelivered after this many seconds, counted
# from when a worker took the message (a retry's countdown and a wait for a free process
# come first), so it is hours, far past the longest task: a second delivery of a task
# still running would redo its work. A worker machine lost for good is the reapers' case
# (arvlite.core.task_claims), well before this. The connect timeout keeps a request that
# sends a task from hanging on an unreachable broker (arvlite.core.task_base).
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": env.positive_int("CELERY_VISIBILITY_TIMEOUT", default=6 * 3600),
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT * 4,
}
# A worker that loses the broker stops its running late-acknowledged tasks (their messages
# come back to the queue) instead of finishing them beside their redelivery.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "record-worker-heartbeat": {
        "task": "core.record_heartbeat",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Tasks whose send after a commit found the broker away (arvlite.core.task_base).
    "resend-unsent-tasks": {"task": "core.resend_unsent_tasks", "schedule": 60.0, "options": {"expires": 55}},
    "expire-content": {"task": "arcontent.expire_content", "schedule": crontab(minute="*/10")},
    # A lost job counts as stuck once held past its task's time limit (arvlite.core.task_claims).
    "reap-stuck-pipelines": {"task": "arcontent.reap_stuck_pipelines", "schedule": crontab(minute="*/2")},
    "flush-viewer-events": {"task": "arcontent.flush_views", "schedule": 15.0, "options": {"expires": 14}},
    "rollup-views": {
        "task": "arcontent.rollup_views",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
    "reap-stuck-videos": {"task": "videos.reap_stuck_videos", "schedule": crontab(minute="*/2")},
    "expire-uploads": {"task": "videos.expire_uploads", "schedule": crontab(minute=41)},
    "cancel-unpaid-orders": {"task": "orders.cancel_unpaid_orders", "schedule": crontab(minute=37)},
    "purge-idempotency-keys": {"task": "orders.purge_idempotency_keys", "schedule": crontab(minute=39)},
    "reconcile-payments": {
        "task": "orders.reconcile_payments",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280},
    },
    "sweep-deliveries": {
        "task": "notifications.sweep_deliveries",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280},
    },
    # Safe to run often: each reminder is recorded and sent once per content, threshold and term.
    "send-expiry-reminders": {"task": "notifications.send_expiry_reminders", "schedule": crontab(minute=23)},
    # Hourly, since each company's digest hour comes in its own time zone; sent once a day.
    "send-digests": {"task": "notifications.send_digests", "schedule": crontab(minute=5)},
    # Targets left "unavailable" while the MindAR compiler was missing are built once it is there.
    "retry-web-targets": {"task": "arcontent.retry_web_targets", "schedule": crontab(minute=37)},
    "expire-held-files": {"task": "companies.expire_held_files", "schedule": crontab(minute=43)},
    "cleanup-storage": {
        "task": "companies.cleanup_storage",
        "schedule": crontab(hour=3, minute=17),
    },
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = env.choice("LANGUAGE_CODE", choices=("ru", "en"), default="ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True

# --- Backups (manage.py backup / restore; docs/OPERATIONS.md) ----------------------------
BACKUP_DIR = env.str("BACKUP_DIR", default=str(DATA_DIR / "backups"))
BACKUP_KEEP = env.positive_int("BACKUP_KEEP", default=14)  # newest backups kept; 0 keeps all
# A Fernet key (Fernet.generate_key()); empty: the dump is written unencrypted.
BACKUP_ENCRYPTION_KEY = env.str("BACKUP_ENCRYPTION_KEY", default="")
# Write backups to the storage layer (backups/ of the media storage or BACKUP_BUCKET, the
# newest BACKUP_KEEP kept there) instead of BACKUP_DIR.
BACKUP_TO_STORAGE = env.bool("BACKUP_TO_STORAGE", default=False)

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media goes through one storage layer (arvlite/core/storage): local disk by default,
# an S3-compatible bucket with STORAGE_BACKEND=s3. Files are never served from a public
# URL: the local backend answers through the authorising /files/ view, S3 through
# short-lived presigned links.
MEDIA_URL = "/files/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGE_BACKEND = env.choice("STORAGE_BACKEND", choices=("local", "s3"), default="local")
FILE_URL_EXPIRY_SECONDS = env.positive_int("FILE_URL_EXPIRY_SECONDS", default=3600)
FILE_UPLOAD_MAX_BYTES = env.positive_int("FILE_UPLOAD_MAX_BYTES", default=2 * 1024**3)
# Compile MindAR web AR targets in the media workers (needs Node and the packages that
# scripts/test installs; off, or without them, targets are marked unavailable).
WEBAR_TARGETS = env.bool("WEBAR_TARGETS", default=True)
# Photos for AR content: refused above these limits, before anything is stored.
PHOTO_MAX_BYTES = env.positive_int("PHOTO_MAX_BYTES", default=40 * 1024**2)
PHOTO_MAX_PIXELS = env.positive_int("PHOTO_MAX_PIXELS", default=60_000_000)
# Scene overlay frames (PNG with transparency, drawn above the video on the print).
SCENE_OVERLAY_MAX_BYTES = env.positive_int("SCENE_OVERLAY_MAX_BYTES", default=5 * 1024**2)
SCENE_OVERLAY_MAX_PIXELS = env.positive_int("SCENE_OVERLAY_MAX_PIXELS", default=4096 * 4096)
# Videos: largest single file, and how long an unfinished resumable upload is kept.
VIDEO_UPLOAD_MAX_BYTES = env.positive_int("VIDEO_UPLOAD_MAX_BYTES", default=1024**3)
UPLOAD_SESSION_HOURS = env.positive_int("UPLOAD_SESSION_HOURS", default=24)
# Hours an Idempotency-Key's first answer is kept for replays.
IDEMPOTENCY_KEY_HOURS = env.positive_int("IDEMPOTENCY_KEY_HOURS", default=24)
# Storefront orders: how long an unpaid order (and the photo and video it holds) waits for
# payment before it is cancelled, how many held bytes a company's shop may keep at once, and
# how many orders / uploads (and photo checks) one address may start (DRF rate syntax).
STOREFRONT_HOLD_HOURS = env.positive_int("STOREFRONT_HOLD_HOURS", default=72)
STOREFRONT_HELD_BYTES_MAX = env.positive_int("STOREFRONT_HELD_BYTES_MAX", default=10 * 1024**3)
# Payments (orders/payments). Without YooKassa keys a company's customers pay staff in
# person — or, where the sandbox is on (the embedded run), on a local test page.
PAYMENT_SANDBOX = env.bool("PAYMENT_SANDBOX", default=DEBUG)
YOOKASSA_API_URL = env.str("YOOKASSA_API_URL", default="https://api.yookassa.ru/v3")
YOOKASSA_CONNECT_TIMEOUT = env.float("YOOKASSA_CONNECT_TIMEOUT", default=5.0)
YOOKASSA_READ_TIMEOUT = env.float("YOOKASSA_READ_TIMEOUT", default=20.0)
YOOKASSA_RETRIES = env.int("YOOKASSA_RETRIES", default=2)
YOOKASSA_RETRY_DELAY = env.float("YOOKASSA_RETRY_DELAY", default=0.5)
# Where YooKassa sends notifications from (its published ranges); checked on the client
# address found behind VIEWER_TRUSTED_PROXIES.
YOOKASSA_NOTIFICATION_SOURCES = env.list("YOOKASSA_NOTIFICATION_SOURCES", default=[
    "185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11/32", "77.75.156.35/32",
    "77.75.154.128/25", "2a02:5180::/32",
])  # fmt: skip
PAYMENT_RECONCILE_AFTER_MINUTES = env.positive_int("PAYMENT_RECONCILE_AFTER_MINUTES", default=15)
PAYMENT_RECONCILE_BATCH = env.positive_int("PAYMENT_RECONCILE_BATCH", default=200)
# Notifications' outbox: tries per message before it is "failed", and the first wait
# (doubled at every try, with jitter).
NOTIFICATION_MAX_ATTEMPTS = env.positive_int("NOTIFICATION_MAX_ATTEMPTS", default=6)
NOTIFICATION_RETRY_BASE_SECONDS = env.positive_int("NOTIFICATION_RETRY_BASE_SECONDS", default=60)
# Telegram Bot API (each company brings its own bot token); tests point it at a stand-in.
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org").rstrip("/")
TELEGRAM_TIMEOUT = env.float("TELEGRAM_TIMEOUT", default=10.0)
# Web Push: the VAPID key pair (``vapid --gen``, or the README's one-liner) and the contact
# the push services see. Without the keys the browser channel is not offered.
WEBPUSH_VAPID_PUBLIC_KEY = env.str("WEBPUSH_VAPID_PUBLIC_KEY", default="")
WEBPUSH_VAPID_PRIVATE_KEY = env.str("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_VAPID_SUBJECT = env.str("WEBPUSH_VAPID_SUBJECT", default="mailto:admin@localhost")
WEBPUSH_TTL_SECONDS = env.positive_int("WEBPUSH_TTL_SECONDS", default=24 * 3600)
# Hosts (or domain suffixes) of the push services a browser subscription may point at: the
# server POSTs to the endpoint, so an arbitrary address would let a user aim it anywhere.
WEBPUSH_ENDPOINT_HOSTS = env.list("WEBPUSH_ENDPOINT_HOSTS", default=[
    "fcm.googleapis.com", "updates.push.services.mozilla.com", "push.services.mozilla.com",
    "notify.windows.com", "push.apple.com",
])  # fmt: skip
# The hour (in the company's time zone) the daily e-mail digest goes out.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=8)
STOREFRONT_ORDER_RATE = env.str("STOREFRONT_ORDER_RATE", default="10/hour")
STOREFRONT_UPLOAD_RATE = env.str("STOREFRONT_UPLOAD_RATE", default="60/hour")
# Size of each part the portal sends in a resumable upload.
VIDEO_UPLOAD_CHUNK_BYTES = env.positive_int("VIDEO_UPLOAD_CHUNK_BYTES", default=8 * 1024**2)
# Files and rows younger than this are left alone by the clean-up (uploads in flight).
STORAGE_CLEANUP_GRACE_SECONDS = env.positive_int("STORAGE_CLEANUP_GRACE_SECONDS", default=3600)
# Upload spools and media work directories on local disk untouched this long belong to a
# killed process and are removed by the clean-up (arvlite.core.scratch): above any task's
# time limit and any upload's pause.
SCRATCH_MAX_AGE_SECONDS = env.positive_int("SCRATCH_MAX_AGE_SECONDS", default=6 * 3600)
# Django spools uploads above this size to a temporary file in chunks, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024**2
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default="") or None
if STORAGE_BACKEND == "s3":
    from arvlite.core.storage.s3 import bounded_transfer_config

    MEDIA_STORAGE = {
        "BACKEND": "arvlite.core.storage.s3.SharedClientS3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID"),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY"),
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "addressing_style": env.choice(
                "AWS_S3_ADDRESSING_STYLE", choices=("auto", "path", "virtual"), default="auto"
            ),
            "signature_version": "s3v4",
            "default_acl": None,  # private objects; reads go through presigned links
            "querystring_auth": True,
            "querystring_expire": FILE_URL_EXPIRY_SECONDS,
            "file_overwrite": False,
            "transfer_config": bounded_transfer_config(
                max_concurrency=env.positive_int("AWS_S3_MAX_CONCURRENCY", default=2)
            ),
            "connect_timeout": env.positive_int("AWS_S3_CONNECT_TIMEOUT", default=5),
            "read_timeout": env.positive_int("AWS_S3_READ_TIMEOUT", default=60),
            "max_attempts": env.positive_int("AWS_S3_MAX_ATTEMPTS", default=3),
        },
    }
else:
    MEDIA_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# manage.py backup --to-storage copies backups to backups/ of the media storage, or of
# BACKUP_BUCKET (same S3 endpoint and keys): a bucket of their own, with its own lifecycle.
BACKUP_BUCKET = env.str("BACKUP_BUCKET", default="")
if BACKUP_BUCKET:
    if STORAGE_BACKEND != "s3":
        raise ImproperlyConfigured("BACKUP_BUCKET needs STORAGE_BACKEND=s3.")
    STORAGES["backups"] = {
        "BACKEND": MEDIA_STORAGE["BACKEND"],
        "OPTIONS": {**MEDIA_STORAGE["OPTIONS"], "bucket_name": BACKUP_BUCKET},  # type: ignore[dict-item]  # the S3 options above
    }

# --- Viewer (public API for the AR apps, /view pages) -------------------------------------
# How long a content's cached snapshot lives (changes drop it at once; this bounds a miss).
VIEWER_CACHE_SECONDS = env.positive_int("VIEWER_CACHE_SECONDS", default=300)
VIEWER_NOT_FOUND_CACHE_SECONDS = env.positive_int("VIEWER_NOT_FOUND_CACHE_SECONDS", default=30)
# Lifetime of the file links in manifests (apps may keep a manifest for a while).
VIEWER_URL_LIFETIME_SECONDS = env.positive_int("VIEWER_URL_LIFETIME_SECONDS", default=6 * 3600)
# Cache-Control max-age of viewer answers.
VIEWER_MAX_AGE = env.positive_int("VIEWER_MAX_AGE", default=10)
# Viewer requests per client IP and minute.
VIEWER_THROTTLE_PER_MINUTE = env.positive_int("VIEWER_THROTTLE_PER_MINUTE", default=300)
# Proxies (addresses or networks) whose X-Forwarded-For is believed; empty: none.
VIEWER_TRUSTED_PROXIES = env.list("VIEWER_TRUSTED_PROXIES", default=[])
# A GeoIP2/GeoLite2 country database (.mmdb) for the coarse country of a scan; empty: none.
GEOIP_COUNTRY_DB = env.str("GEOIP_COUNTRY_DB", default="")
# The native viewer apps: store links on /view pages, App Links and Universal Links.
VIEWER_APP_SCHEME = env.str("VIEWER_APP_SCHEME", default="arv")
VIEWER_APP_STORE_URL = env.str("VIEWER_APP_STORE_URL", default="")
VIEWER_PLAY_STORE_URL = env.str("VIEWER_PLAY_STORE_URL", default="")
ANDROID_APP_PACKAGE = env.str("ANDROID_APP_PACKAGE", default="")
ANDROID_APP_SHA256_FINGERPRINTS = env.list("ANDROID_APP_SHA256_FINGERPRINTS", default=[])
# Team id and bundle id, e.g. ABCDE12345.ru.arvlite.viewer (several: comma-separated).
IOS_APP_IDS = env.list("IOS_APP_IDS", default=[])

# --- E-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, ... from one URL
# A stalled SMTP server must not hold a worker (and its kept connection) for ever; well
# under the outbox's 10 minutes after which a "sending" delivery is sent again.
EMAIL_TIMEOUT = env.positive_int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ARVlite <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security: HTTPS-only cookies and HSTS switch on by themselves when DEBUG is off ------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=True) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and Prometheus probe these over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.positive_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Logging, metrics, error reporting --------------------------------------------------
LOG_FORMAT = env.choice("LOG_FORMAT", choices=("json", "console"), default="console" if DEBUG else "json")
LOG_LEVEL = env.choice("LOG_LEVEL", choices=("debug", "info", "warning", "error"), default="info").upper()
LOGGING_CONFIG = None  # arvlite.core.logging configures structlog + stdlib logging below

# /metrics answers a scraper with "Authorization: Bearer <METRICS_TOKEN>", or one whose direct
# address is in METRICS_ALLOWED_NETWORKS (never a proxy's address), and 404 anyone else.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Checked here, at start-up: a mistyped network stops the start with the reason instead of
# answering every scrape with a 500.
METRICS_ALLOWED_NETWORKS = [
    str(ipaddress.ip_network(network, strict=False))
    for network in env.list("METRICS_ALLOWED_NETWORKS", default=[])
]
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)

from arvlite.core.logging import configure_logging  # noqa: E402
from arvlite.core.sentry import configure_sentry  # noqa: E402

configure_logging(log_format=LOG_FORMAT, level=LOG_LEVEL, time_zone=TIME_ZONE)
configure_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
