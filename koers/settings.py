"""Django settings for koers: the one place configuration is read, from the environment only.

Every variable is documented in README.md ("Configuration"). With no variables set, koers runs in
embedded mode: SQLite (WAL) in ./var, a secret key generated once and kept there.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from koers.core.queues import ALL_QUEUES, HEARTBEAT_SECONDS
from koers.env import (
    env_bool,
    env_data_dir,
    env_int,
    env_list,
    env_outbound_allowlist,
    env_secret,
    env_secret_fernet,
    env_str,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

DATA_DIR = env_data_dir("KOERS_DATA_DIR", PROJECT_DIR / "var")
DEBUG = env_bool("KOERS_DEBUG", False)
SECRET_KEY = env_secret("KOERS_SECRET_KEY", DATA_DIR, "secret_key")
ALLOWED_HOSTS = env_list("KOERS_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("KOERS_CSRF_TRUSTED_ORIGINS", [])
# Fernet keys for credentials at rest, newest first; generated into the data dir when unset.
KOERS_ENCRYPTION_KEYS = env_list("KOERS_ENCRYPTION_KEYS", []) or [
    env_secret_fernet(DATA_DIR, "encryption_key")
]
BASE_URL = env_str("KOERS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
HTTPS = env_bool("KOERS_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "koers.core",
    "koers.strategy",
    "koers.publishing",
    "koers.listening",
    "koers.engagement",
    "koers.alerts",
    "koers.measurement",
    "koers.privacy",
    # Notifications in Teams/Slack and e-mail digests (issue 18).
    "koers.notify",
    # Accounts: allauth (login, password reset, 2FA and passkeys, OpenID Connect, sessions), axes.
    # koers.accounts first: its templates put allauth's pages in koers' frame.
    "koers.accounts",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "axes",
    # The REST API (/api/v1/); "ninja" serves its docs page's scripts from static files.
    "ninja",
    "koers.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "koers.accounts.middleware.SingleSignOnFormActionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "koers.core.middleware.SetupRequiredMiddleware",
    "koers.accounts.middleware.TwoFactorRequiredMiddleware",
    # Last, so it turns a lockout during the view into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "koers.urls"
WSGI_APPLICATION = "koers.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "koers.core.context_processors.shell",
            ],
        },
    },
]


def _database(url: str) -> dict:
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        # One file, many readers, one writer: WAL plus IMMEDIATE transactions and a busy timeout
        # keep the web server, the worker and the scheduler from tripping over each other.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif engine == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    else:
        raise ImproperlyConfigured(
            "DATABASE_URL must point at PostgreSQL (postgres://…) or SQLite (sqlite:///…)."
        )
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'koers.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        # Time-critical queues first served by a dedicated thread: see koers/core/queues.py.
        "QUEUES": ALL_QUEUES,
    }
}


LANGUAGE_CODE = env_str("KOERS_LANGUAGE", "nl")
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured("KOERS_LANGUAGE must be nl or en.")
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language, named in templates (koers/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["koers.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_time_zone("KOERS_TIME_ZONE", "Europe/Amsterdam")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
# Uploads: a request over KOERS_MAX_UPLOAD_MB has its files dropped unread (the form then says
# the file is too large); files over 256 KB stream to a temporary file in the system's temp
# folder instead of memory; each form checks its own smaller limit (README, Configuration).
KOERS_MAX_UPLOAD_MB = env_int("KOERS_MAX_UPLOAD_MB", 100, minimum=20)
FILE_UPLOAD_HANDLERS = [
    "koers.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# Form fields other than files (a long post text, a topic query) are far below Django's 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
# In tests and DEBUG, serve straight from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_HSTS_SECONDS = env_int("KOERS_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: everything is vendored, so only our own origin is allowed.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

_EMAIL_HOST = env_str("KOERS_EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = env_str("KOERS_EMAIL_FROM", "koers <koers@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("KOERS_EMAIL_PORT", 587, minimum=1),
                "username": env_str("KOERS_EMAIL_USER", ""),
                "password": env_str("KOERS_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("KOERS_EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
        if _EMAIL_HOST
        # Embedded mode without a mail server: print e-mails to the console instead of losing them.
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}

# How long a heartbeat may be old before /healthz calls the worker or scheduler down: three
# missed worker beats (the scheduler beats every 5 s). Below two beats /healthz would flap.
KOERS_HEARTBEAT_MAX_AGE = env_int(
    "KOERS_HEARTBEAT_MAX_AGE", 3 * HEARTBEAT_SECONDS, minimum=2 * HEARTBEAT_SECONDS
)
KOERS_INVITATION_DAYS = env_int("KOERS_INVITATION_DAYS", 7, minimum=1)
# REST API: requests per token per window (seconds), counted in Django's cache (koers/api).
KOERS_API_RATE_LIMIT = env_int("KOERS_API_RATE_LIMIT", 120, minimum=1)
KOERS_API_RATE_WINDOW = env_int("KOERS_API_RATE_WINDOW", 60, minimum=1)
# Outbound requests to URLs users type (webhooks, feeds, link checks, link cards, instances):
# public addresses only, unless an intranet install allows private ones (all, or listed).
KOERS_ALLOW_PRIVATE_URLS = env_bool("KOERS_ALLOW_PRIVATE_URLS", False)
KOERS_OUTBOUND_ALLOWLIST = env_outbound_allowlist("KOERS_OUTBOUND_ALLOWLIST")
# Meta (Facebook, Instagram, Threads): empty = Meta's own hosts. A URL = every Meta host is that
# one server (the fake Graph API of ``python -m koers.networks.testing``, for demos and tests).
KOERS_META_URL = env_str("KOERS_META_URL", "").rstrip("/")
# Read recent comments of Facebook Pages / Instagram accounts every 10 minutes, for
# installations Meta's webhooks can't reach (see koers/networks/README.md, Meta inbox).
KOERS_META_POLL = env_bool("KOERS_META_POLL", False)
# How long a signed media address (what Instagram and Threads fetch) stays valid, in seconds.
KOERS_MEDIA_URL_SECONDS = env_int("KOERS_MEDIA_URL_SECONDS", 3600, minimum=60)
# LinkedIn: empty = LinkedIn's own hosts (www.linkedin.com for sign-in, api.linkedin.com). A URL =
# both are that one server (the fake LinkedIn of ``python -m koers.networks.testing``).
KOERS_LINKEDIN_URL = env_str("KOERS_LINKEDIN_URL", "").rstrip("/")
# YouTube: empty = Google's own hosts (accounts.google.com, oauth2.googleapis.com,
# www.googleapis.com). A URL = all three are that one server (the fake Google/YouTube of
# ``python -m koers.networks.testing``).
KOERS_YOUTUBE_URL = env_str("KOERS_YOUTUBE_URL", "").rstrip("/")

# -- Accounts ---------------------------------------------------------------------------------
# Login, password reset and change, two-factor (TOTP, recovery codes, passkeys/security keys),
# OpenID Connect single sign-on and the list of sessions: django-allauth. Lockouts after failed
# logins: django-axes. README.md ("Security") explains each choice.
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Reset links: valid one hour, and single-use (the token hashes the password and last login).
PASSWORD_RESET_TIMEOUT = 60 * 60

ACCOUNT_ADAPTER = "koers.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "koers.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; all others end (session hash)
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "koers: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
# allauth's throttles (in the cache, per process) on top of axes' lockouts: logins per address,
# wrong passwords and wrong two-factor codes per account ("login_failed"; axes locks a password
# guesser out first), reset requests per address and per e-mail address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,10/5m/key",
    "reset_password": "20/m/ip,3/5m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
MFA_FORMS = {
    "add_webauthn": "koers.accounts.forms.AddWebAuthnForm",
    "edit_webauthn": "koers.accounts.forms.EditWebAuthnForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env_str("KOERS_TOTP_ISSUER", "koers")
# Browsers allow WebAuthn on http://localhost only; behind TLS the origin is checked strictly.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}
# Sessions are recorded at login (koers.accounts.sessions), not refreshed on every request.
USERSESSIONS_TRACK_ACTIVITY = False

# Lockouts: after KOERS_LOGIN_FAILURE_LIMIT wrong passwords for one account, or from one address,
# logins are refused for KOERS_LOCKOUT_MINUTES, doubled for each further lockout within a day.
AXES_FAILURE_LIMIT = env_int("KOERS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
KOERS_LOCKOUT_MINUTES = env_int("KOERS_LOCKOUT_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = "koers.core.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "koers.core.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "koers.core.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = 1 if HTTPS else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if HTTPS else ["REMOTE_ADDR"]
)

# Single sign-on with OpenID Connect (Microsoft Entra ID, Keycloak, …), on when an issuer is set.
SOCIALACCOUNT_ADAPTER = "koers.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never take over a local account by e-mail claim
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
KOERS_SSO_ISSUER = env_str("KOERS_SSO_ISSUER", "")
KOERS_SSO_ALLOWED_DOMAINS = [
    domain.lower().lstrip("@") for domain in env_list("KOERS_SSO_ALLOWED_DOMAINS", [])
]
KOERS_SSO_WORKSPACE = env_str("KOERS_SSO_WORKSPACE", "")
KOERS_SSO_ROLE = env_str("KOERS_SSO_ROLE", "viewer")
if KOERS_SSO_ROLE not in ("owner", "admin", "editor", "contributor", "viewer"):
    raise ImproperlyConfigured(
        "KOERS_SSO_ROLE must be one of owner, admin, editor, contributor, viewer."
    )
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"APPS": []}}
if KOERS_SSO_ISSUER:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": "sso",
            "name": env_str("KOERS_SSO_NAME", "Single sign-on"),
            "client_id": env_str("KOERS_SSO_CLIENT_ID", ""),
            "secret": env_str("KOERS_SSO_CLIENT_SECRET", ""),
            "settings": {
                "server_url": KOERS_SSO_ISSUER,
                # Addresses in the allowed domains come from the organisation's own directory.
                "verified_email": KOERS_SSO_ALLOWED_DOMAINS or False,
                "oauth_pkce_enabled": True,
            },
        }
    )

LOG_LEVEL = env_str("KOERS_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Every task run is logged by Django (started, finished) and the worker at INFO: hundreds
        # of lines an hour that bury what matters. Runs show at DEBUG; failures (ERROR) and
        # slow runs (koers.core.tasklog, WARNING) always show.
        "django.tasks": {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"},
        "django_tasks_db": {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"},
    },
}
# A task run longer than this is logged as a warning (seconds).
KOERS_SLOW_TASK_SECONDS = env_int("KOERS_SLOW_TASK_SECONDS", 60, minimum=1)
