"""The one settings module. Every difference between a laptop, CI and production is an
environment variable (django-environ); nothing secret is written here.

Without any variable set, the tracker runs on an SQLite file and an embedded broker (kombu's
filesystem transport), which is what `make run` uses on a fresh machine.
"""

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Local state of an embedded run (SQLite file, broker folder, file cache, uploads).
VAR_DIR = Path(env.str("TRACKER_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

_INSECURE_DEV_KEY = "django-insecure-dev-only-never-in-production-3b1f0c"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or set DEBUG=true for local work)."
        )
    SECRET_KEY = _INSECURE_DEV_KEY

# --- Field encryption at rest (tracker/crypto.py, SECURITY.md) --------------------------------
# FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys (`python -c "from cryptography.fernet import
# Fernet; print(Fernet.generate_key().decode())"`); the first encrypts, every one decrypts (add a
# new key first, run `manage.py rotate_field_keys`, then drop the old one). FIELD_HASH_KEY: the
# key of the keyed hashes (HMAC-SHA256) that find values without reading them; it cannot be
# rotated without re-hashing. Under DEBUG only (make run, the tests), both are derived from
# SECRET_KEY when unset; production refuses to start without them.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default="")
if not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set: private fields are encrypted at rest "
            "(see deploy/tracker.env.example; DEBUG=true derives development keys from SECRET_KEY)."
        )
    from tracker.crypto import derived_key

    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [derived_key(SECRET_KEY, "field-encryption")]
    FIELD_HASH_KEY = FIELD_HASH_KEY or derived_key(SECRET_KEY, "field-hash")
try:
    from cryptography.fernet import Fernet

    for _key in FIELD_ENCRYPTION_KEYS:
        Fernet(_key.encode())
except ValueError:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 bytes, URL-safe base64)."
    ) from None
if len(FIELD_HASH_KEY) < 32:
    raise ImproperlyConfigured("FIELD_HASH_KEY is too short: use at least 32 random characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base URL for links in emails, calendar feeds and PDFs (no trailing slash).
SITE_BASE_URL = env.str("SITE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin: modeltranslation patches the admin's forms for translated fields.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # allauth's list of security keys loads humanize ("added 3 days ago").
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "tracker.apps.TrackerStaticFilesConfig",  # django.contrib.staticfiles (tracker/apps.py)
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served from here, not a CDN (CSP: self only)
    "django_celery_beat",
    "simple_history",
    "tracker",
    "cases",
    "deadlines",
    "documents",
    "reminders",
    "apitokens",
    "changes",
    "webhooks",
    "accesslog",
    "courtwatch",
    "siteadmin",  # the admin pages that span apps (siteadmin/admin.py)
    "demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write to the same file under `make run`: wait for the lock instead
    # of failing, take the write lock at BEGIN (no upgrade deadlocks), and let readers proceed
    # during a write (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, reading a stored date Python has no room for as the nearest one it has.
        DATABASES["default"]["ENGINE"] = "tracker.db.postgresql"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "tracker.cache.RedisCache",  # Django's, sharing its Redis clients (tracker/cache.py)
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tracker",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # Embedded defaults that need no server: a file cache and kombu's filesystem transport.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
    # Created here, not in an AppConfig: the worker opens them before Django's apps are ready.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)

# /metrics (tracker/metrics.py): readable from these addresses or networks, or with this bearer token.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# /readyz answers 503 when the beat's last tick (tracker/beat.py) is older than this; 0: not checked.
READYZ_BEAT_MAX_AGE_SECONDS = env.int("READYZ_BEAT_MAX_AGE_SECONDS", default=180)
# /readyz writes, reads and deletes a file in the document storage (3 S3 requests) at most once
# per this many seconds per host, answering with the kept result meanwhile; 0: on every request.
READYZ_STORAGE_CHECK_SECONDS = env.int("READYZ_STORAGE_CHECK_SECONDS", default=60)

CELERY_TIMEZONE = "UTC"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BEAT_SCHEDULER = "tracker.beat:HeartbeatScheduler"  # django-celery-beat's, with a heartbeat for /readyz
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Auth, i18n, time -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
# Case content (titles, summaries, names) is stored once per language in LANGUAGES
# (django-modeltranslation adds a column per language, e.g. title_en and title_ru; see
# cases/translation.py). A third language, say French for the ECtHR, is one more entry in
# LANGUAGES, `makemigrations` and a `.po` file. A missing translation falls back to the
# record's original language, then to the others in this order (cases/content.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = MODELTRANSLATION_LANGUAGES
# Forms and serializers decide what is required; the admin must not demand every language.
MODELTRANSLATION_AUTO_POPULATE = False
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded documents and rendered dossiers. The local folder by default (`make run`, one host);
# with AWS_STORAGE_BUCKET_NAME set, an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, ...) that
# every web and worker host shares, under django-storages' own setting names. The bucket stays
# private: files are streamed to users through the app after its permission checks
# (documents/downloads.py), never handed out as bucket URLs.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None  # None: AWS itself
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None  # None: boto3's own chain
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
AWS_LOCATION = env.str("AWS_LOCATION", default="")  # a key prefix, to share a bucket
# MinIO and most self-hosted servers want path-style URLs (http://host/bucket/key).
AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="path" if AWS_S3_ENDPOINT_URL else "auto")
AWS_DEFAULT_ACL = None  # the bucket's own (private) policy; never "public-read"
AWS_QUERYSTRING_AUTH = True  # should a URL ever be made, it is signed and short-lived
AWS_QUERYSTRING_EXPIRE = 300
# Two uploads named alike in the same month must not overwrite each other (django-storages'
# default is to overwrite; Django's file fields expect a fresh name instead).
AWS_S3_FILE_OVERWRITE = False
# A file read whole (admin, command) spills to a temporary file past 8 MB instead of memory.
AWS_S3_MAX_MEMORY_SIZE = 8 * 1024 * 1024
STORAGES = {
    "default": {
        "BACKEND": (
            "storages.backends.s3.S3Storage"
            if AWS_STORAGE_BUCKET_NAME
            else "django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=1025)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Case Tracker <tracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Hearing reminders (reminders/) ---------------------------------------------------------
# A row left `sending` this long (its worker died, or the broker lost the message) is claimed again.
REMINDERS_SEND_LEASE_SECONDS = env.int("REMINDERS_SEND_LEASE_SECONDS", default=600)
# Transient SMTP failures are retried after 1, 2, 4, ... times this, up to the attempt limit.
REMINDERS_RETRY_BACKOFF_SECONDS = env.int("REMINDERS_RETRY_BACKOFF_SECONDS", default=60)
REMINDERS_MAX_ATTEMPTS = env.int("REMINDERS_MAX_ATTEMPTS", default=6)
REMINDERS_CLAIM_BATCH = env.int("REMINDERS_CLAIM_BATCH", default=1000)
REMINDERS_SEND_BATCH = env.int("REMINDERS_SEND_BATCH", default=100)
REMINDERS_TICK_BUDGET_SECONDS = env.int("REMINDERS_TICK_BUDGET_SECONDS", default=50)
REMINDERS_CONFIRMATION_RESEND_SECONDS = env.int("REMINDERS_CONFIRMATION_RESEND_SECONDS", default=600)
REMINDERS_SUBSCRIBE_RATE = env.str("REMINDERS_SUBSCRIBE_RATE", default="30/hour")
# Confirmation emails one address gets in 24 hours, whatever the case and whoever asks; past it
# subscribing answers the same and sends nothing (logged).
SUBSCRIPTION_CONFIRMATIONS_PER_ADDRESS_PER_DAY = env.int("SUBSCRIPTION_CONFIRMATIONS_PER_ADDRESS_PER_DAY", default=3)

# --- Security: on unless explicitly turned off (and off by default only under DEBUG) ---------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from this origin only. No inline script or
# style anywhere (pages, admin, browsable API, Swagger UI): what would have been inline lives in
# static files, so an injected <script> or style attribute is refused by the browser.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): the pages use none of these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
# ... but for security keys and passkeys (WebAuthn) on this origin's own sign-in pages.
PERMISSIONS_POLICY["publickey-credentials-create"] = ["self"]
PERMISSIONS_POLICY["publickey-credentials-get"] = ["self"]

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.TrackerAutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.JsonFirstContentNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apitokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the browsable API
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.cases.permissions.WriteScope"],
    # JSON first (the browsable API's forms still post form data); api/parsers.py.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.UnicodeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StableCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenRateThrottle",
        "api.throttling.AnonAddressThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_RATE_TOKEN", default="1200/min"),
        "anon": env.str("API_RATE_ANON", default="120/min"),
    },
}
# The proxies in front of the web processes (addresses or CIDR blocks, e.g. 127.0.0.1/32 for
# Caddy on the same host): X-Forwarded-For is believed only from them (tracker/client_address.py).
# Empty: the header is ignored, and every limit counts the connection's own address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or a CIDR block (e.g. 127.0.0.1/32, 10.0.0.0/8)."
        ) from None
if env.str("API_PROXY_COUNT", default=""):
    # DRF's NUM_PROXIES=0 meant "believe the whole header", so rotating it escaped every limit.
    raise ImproperlyConfigured(
        "API_PROXY_COUNT is no longer read: list the proxies' addresses in TRUSTED_PROXIES instead "
        "(e.g. TRUSTED_PROXIES=127.0.0.1/32 behind Caddy on the same host)."
    )
# How long the sync feed keeps superseded rows and tombstones (`manage.py prune_changes`).
CHANGE_LOG_RETENTION_DAYS = env.int("CHANGE_LOG_RETENTION_DAYS", default=30)
# Each process remembers the API tokens it authenticated (apitokens/cache.py): for at most this
# many seconds (0: read the database on every request) and this many tokens.
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=60)
API_TOKEN_CACHE_SIZE = env.int("API_TOKEN_CACHE_SIZE", default=4096)
# --- Webhooks (webhooks/): the change feed pushed to receivers ------------------------------------
WEBHOOKS_BATCH_SIZE = env.int("WEBHOOKS_BATCH_SIZE", default=100)
# Local development and tests only: allow loopback receivers, and plain HTTP to them.
WEBHOOKS_ALLOW_LOOPBACK = env.bool("WEBHOOKS_ALLOW_LOOPBACK", default=False)
WEBHOOKS_CA_BUNDLE = env.str("WEBHOOKS_CA_BUNDLE", default="")  # extra CAs (tests); else the system's
WEBHOOKS_CONNECT_TIMEOUT_SECONDS = env.float("WEBHOOKS_CONNECT_TIMEOUT_SECONDS", default=5)
WEBHOOKS_TOTAL_TIMEOUT_SECONDS = env.float("WEBHOOKS_TOTAL_TIMEOUT_SECONDS", default=15)
# A claimed endpoint is another dispatcher's again after this long (its holder died): longer
# than a delivery's total timeout.
WEBHOOKS_LEASE_SECONDS = env.int("WEBHOOKS_LEASE_SECONDS", default=60)
WEBHOOKS_RETRY_BASE_SECONDS = env.float("WEBHOOKS_RETRY_BASE_SECONDS", default=10)
WEBHOOKS_RETRY_MAX_SECONDS = env.float("WEBHOOKS_RETRY_MAX_SECONDS", default=3 * 3600)
WEBHOOKS_GIVE_UP_AFTER_HOURS = env.int("WEBHOOKS_GIVE_UP_AFTER_HOURS", default=72)
WEBHOOKS_SECRET_OVERLAP_HOURS = env.int("WEBHOOKS_SECRET_OVERLAP_HOURS", default=24)
# Endpoints one worker process delivers to at once (threads), and how long one holds its thread.
WEBHOOKS_CONCURRENCY = env.int("WEBHOOKS_CONCURRENCY", default=16)
WEBHOOKS_TURN_SECONDS = env.float("WEBHOOKS_TURN_SECONDS", default=2)
# After a batch that caught an endpoint up, changes gather this long before the next one.
WEBHOOKS_COALESCE_SECONDS = env.float("WEBHOOKS_COALESCE_SECONDS", default=0.5)
WEBHOOKS_DISPATCH_BUDGET_SECONDS = env.float("WEBHOOKS_DISPATCH_BUDGET_SECONDS", default=20)
WEBHOOKS_WAKE_ON_COMMIT = env.bool("WEBHOOKS_WAKE_ON_COMMIT", default=True)
WEBHOOKS_WAKE_DEBOUNCE_SECONDS = env.int("WEBHOOKS_WAKE_DEBOUNCE_SECONDS", default=5)
WEBHOOKS_TICK_SECONDS = env.float("WEBHOOKS_TICK_SECONDS", default=5)
WEBHOOKS_DELIVERY_LOG_DAYS = env.int("WEBHOOKS_DELIVERY_LOG_DAYS", default=30)
# --- Court watch (courtwatch/): hearings read from the courts' own case cards (court-sites.md) ----
# Only cards on these hosts are fetched (shell-style patterns, case-insensitive: "*.sudrf.ru" is
# every court's host under sudrf.ru, and not sudrf.ru.example.com); only on the scheme's own port.
COURT_WATCH_HOSTS = env.list("COURT_WATCH_HOSTS", default=["*.sudrf.ru", "mos-gorsud.ru", "www.mos-gorsud.ru"])
# Local development and tests only: a card on a loopback address (and on any port).
COURT_WATCH_ALLOW_LOOPBACK = env.bool("COURT_WATCH_ALLOW_LOOPBACK", default=False)
# A file of extra root certificates added to the system's (and certifi's), e.g. the Russian
# Trusted Root CA that many state sites use; verification is never turned off.
COURT_WATCH_CA_BUNDLE = env.str("COURT_WATCH_CA_BUNDLE", default="")
COURT_WATCH_MAX_BYTES = env.int("COURT_WATCH_MAX_BYTES", default=2 * 1024 * 1024)
COURT_WATCH_CONNECT_TIMEOUT_SECONDS = env.float("COURT_WATCH_CONNECT_TIMEOUT_SECONDS", default=10)
COURT_WATCH_READ_TIMEOUT_SECONDS = env.float("COURT_WATCH_READ_TIMEOUT_SECONDS", default=30)
# The whole fetch, redirects and body included.
COURT_WATCH_TOTAL_TIMEOUT_SECONDS = env.float("COURT_WATCH_TOTAL_TIMEOUT_SECONDS", default=60)
# Seconds between two readings of one card; after a failed round the next comes sooner, doubling
# from COURT_WATCH_RETRY_BASE_SECONDS up to COURT_WATCH_EVERY.
COURT_WATCH_EVERY = env.int("COURT_WATCH_EVERY", default=6 * 3600)
COURT_WATCH_RETRY_BASE_SECONDS = env.int("COURT_WATCH_RETRY_BASE_SECONDS", default=15 * 60)
# At most one request per court host this many seconds apart, across all workers; a 429, 503 or
# timeout keeps the host waiting longer (its Retry-After if longer), doubling up to the maximum.
COURT_WATCH_HOST_INTERVAL = env.float("COURT_WATCH_HOST_INTERVAL", default=10)
COURT_WATCH_HOST_BACKOFF_SECONDS = env.int("COURT_WATCH_HOST_BACKOFF_SECONDS", default=60)
COURT_WATCH_HOST_BACKOFF_MAX_SECONDS = env.int("COURT_WATCH_HOST_BACKOFF_MAX_SECONDS", default=6 * 3600)
# A claimed watch is the next tick's again after this long (its worker died): longer than a
# tick's planned wait for the host plus a fetch's total timeout.
COURT_WATCH_LEASE_SECONDS = env.int("COURT_WATCH_LEASE_SECONDS", default=600)
COURT_WATCH_TICK_SECONDS = env.float("COURT_WATCH_TICK_SECONDS", default=60)
COURT_WATCH_CLAIM_BATCH = env.int("COURT_WATCH_CLAIM_BATCH", default=500)
# After this many failed rounds in a row the case's lawyers and owners get one email.
COURT_WATCH_FAILURES_BEFORE_NOTICE = env.int("COURT_WATCH_FAILURES_BEFORE_NOTICE", default=3)
# --- Reads on record and retention (issue 20, SECURITY.md) ------------------------------------
# How long the access log (accesslog/) keeps who read what private.
ACCESS_LOG_DAYS = env.int("ACCESS_LOG_DAYS", default=365)
# How long an unsubscribed or never-confirmed subscriber's address is kept before it is erased.
SUBSCRIBER_RETENTION_DAYS = env.int("SUBSCRIBER_RETENTION_DAYS", default=30)
# --- Periodic tasks: every one here (the beat's DatabaseScheduler installs them at start) ------
# Task names are "<app>.<what it does>".
CELERY_BEAT_SCHEDULE = {
    # Claims due reminder and notice rows; each row is sent once, whichever tick claims it.
    "reminders-dispatch-due": {"task": "reminders.dispatch_due", "schedule": 60},
    "subscribers-erase": {"task": "reminders.subscribers_erase", "schedule": 6 * 3600},
    # Renders whose worker died (still "rendering" past DOSSIER_TIME_LIMIT) are failed.
    "dossiers-fail-stale": {"task": "documents.dossiers_fail_stale", "schedule": 5 * 60},
    "change-log-prune": {"task": "changes.change_log_prune", "schedule": 24 * 3600},
    # The tick is the backstop for retries and lost wake-ups; a tick that waited longer than its
    # period is dropped (the next one does the same work).
    "webhooks-dispatch": {
        "task": "webhooks.dispatch",
        "schedule": WEBHOOKS_TICK_SECONDS,
        "options": {"expires": WEBHOOKS_TICK_SECONDS},
    },
    "webhooks-deliveries-prune": {"task": "webhooks.deliveries_prune", "schedule": 24 * 3600},
    "access-log-prune": {"task": "accesslog.prune", "schedule": 24 * 3600},
    # Claims the court watches that are due and queues their rounds, spaced per court host; a
    # tick that waited longer than its period is dropped (the next one does the same work).
    "court-watch-tick": {
        "task": "courtwatch.tick",
        "schedule": COURT_WATCH_TICK_SECONDS,
        "options": {"expires": COURT_WATCH_TICK_SECONDS},
    },
}
SPECTACULAR_SETTINGS = {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "TITLE": "Privacy litigation case tracker API",
    "VERSION": "1.0.0",
    "DESCRIPTION": "Cases, parties, hearings, rulings and appeals, and a lossless sync feed (/api/v1/changes/).",
    # The contract clients generate from (openapi.json at the repository root, `make openapi`;
    # checked by redocly, openapi-python-client and openapi-typescript in tests/api/test_contract.py).
    "OAS_VERSION": "3.1.0",
    # What a registered webhook endpoint receives: a feed page (webhooks/api/schema.py).
    "WEBHOOKS": ["webhooks.api.schema.feed_batch"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",  # drf-spectacular's default, kept
        "webhooks.api.schema.webhook_operations",
    ],
    "SERVERS": [{"url": SITE_BASE_URL, "description": "This deployment (SITE_BASE_URL)"}],
    # Operation ids and tags without the version: `cases_list`, not `v1_cases_list`.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Clients send JSON; the browsable API keeps its forms without advertising them (three content
    # types per body made generated clients declare a broken union).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # /api/schema/ serves the schema; a client has no use for a generated function that fetches it.
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.Case.Status",
        "HearingStatusEnum": "cases.models.Hearing.Status",
        "AppealStatusEnum": "cases.models.Appeal.Status",
        "PartyKindEnum": "cases.models.Party.Kind",
        "HearingKindEnum": "cases.models.Hearing.Kind",
        "AppealKindEnum": "cases.models.Appeal.Kind",
        "CaseOutcomeEnum": "cases.models.Case.Outcome",
        "RulingOutcomeEnum": "cases.models.Ruling.Outcome",
        "DeadlineStepEnum": "deadlines.models.Deadline.Step",
        "DossierLanguageEnum": "documents.models.Dossier.Language",
        "SubscriptionLanguageEnum": "reminders.models.Subscription.Language",
        "ChangeOpEnum": "changes.models.Change.Op",
        "WatchProblemCodeEnum": "api.courtwatch.serializers.PROBLEM_CODES",
    },
}

# LOG_FORMAT=json: one JSON object a line (python-json-logger), for a log collector; the web,
# the worker and the beat all log this way (tracker/celery.py, gunicorn.conf.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}.")
LOG_JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": LOG_JSON_FORMATTER},
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if LOG_FORMAT == "json" else {})}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each layout step here; documents.dossier.render turns them into the
    # Dossier row's progress instead of printing them.
    "loggers": {"weasyprint.progress": {"level": "INFO", "propagate": False, "handlers": []}},
}

# --- Web pages (web/): HTMX, login lockout, the viewer's time zone --------------------------
INSTALLED_APPS += ["django_htmx", "axes", "web"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, "web.middleware.TimezoneMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "django_htmx.middleware.HtmxMiddleware",
)
# django-axes must come last: it turns a flagged login failure into the lockout page.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# ... but for django-prometheus' closing half, which times the whole request (tracker/metrics.py).
MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
INSTALLED_APPS += ["django_prometheus"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# --- Two-factor sign-in (django-allauth's account and mfa apps) ------------------------------
# A password is the likeliest thing to be phished from a lawyer. allauth.mfa gives TOTP apps,
# security keys and passkeys (WebAuthn), recovery codes and re-authentication before sensitive
# actions, with Russian translations; its login flow asks for the second factor before Django's
# login() runs, so no session exists with the password alone (web/accounts.py adapts it).
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "allauth.account.middleware.AccountMiddleware",
)
# A member of an organization that requires a second factor, signed in without one, reaches
# only the pages that set it up (web/two_factor.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "web.two_factor.TwoFactorSetupMiddleware",
)
ACCOUNT_ADAPTER = "web.accounts.AccountAdapter"
MFA_ADAPTER = "web.accounts.MFAAdapter"
ACCOUNT_FORMS = {"login": "web.accounts.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]  # signup itself is closed (the adapter)
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True  # as before: the session lasts SESSION_COOKIE_AGE, no checkbox
ACCOUNT_LOGOUT_REDIRECT_URL = "login"
# Re-authentication (the second factor for those who have one) stays valid this long for
# creating API tokens and changing the second factors themselves.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT_SECONDS", default=300)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Case tracker")
# WebAuthn needs HTTPS, except on http://127.0.0.1 or localhost under DEBUG (make run) and in tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
# Lock a username from one address after 5 failures for an hour: an attacker elsewhere cannot lock
# a lawyer out of every device by guessing at the username alone.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The same client address as the API's throttles (TRUSTED_PROXIES), not ipware's guess.
AXES_CLIENT_IP_CALLABLE = "tracker.client_address.client_address"
AXES_VERBOSE = False  # no start-up banner on stderr: commands print only what they mean to
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day: a reset link should not live for Django's default three days
# --- Dossiers (documents app) ---------------------------------------------------------------
# A render past the soft limit is stopped and marked failed; the hard limit kills the child.
DOSSIER_SOFT_TIME_LIMIT = env.int("DOSSIER_SOFT_TIME_LIMIT", default=120)
DOSSIER_TIME_LIMIT = env.int("DOSSIER_TIME_LIMIT", default=150)
# Growth of the worker child's address space allowed for one render (RLIMIT_AS, see documents/tasks.py).
DOSSIER_MEMORY_LIMIT_MB = env.int("DOSSIER_MEMORY_LIMIT_MB", default=1024)
# A child that has grown past this (KiB) is replaced after its task: WeasyPrint's caches and
# fragmentation do not accumulate across hundreds of renders.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=600_000)

# Largest document a lawyer may upload through the web pages (court files, scans, recordings).
DOCUMENT_MAX_UPLOAD_MB = env.int("DOCUMENT_MAX_UPLOAD_MB", default=50)

# --- Court watch: the demo court site under DEBUG ----------------------------------------------
# `make run` (DEBUG) serves example case cards of the project's own at /demo-court/
# (demo/court_site.py) so that a newcomer can point a watch at one. Reading them takes this
# server's own host on COURT_WATCH_HOSTS and a loopback address allowed: both are added here,
# under DEBUG only; without DEBUG this block adds nothing to the fetching's own settings.
if DEBUG:
    _site = urlsplit(SITE_BASE_URL)
    _site_hosts = {"127.0.0.1", "localhost", _site.hostname or "127.0.0.1", _site.netloc}
    COURT_WATCH_HOSTS = [*COURT_WATCH_HOSTS, *sorted(_site_hosts)]
    COURT_WATCH_ALLOW_LOOPBACK = env.bool("COURT_WATCH_ALLOW_LOOPBACK", default=True)

# --- Error reporting (optional): Sentry, or any server speaking its protocol (e.g. GlitchTip) ---
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        # The tracker holds plaintiffs' names and contacts, private notes and strategy: no user
        # identity, request body or stack-frame variable is sent to a third party.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
    )
