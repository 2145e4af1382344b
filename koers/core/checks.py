"""What ``koers check`` verifies: configuration, database reachability, migrations, workers.

Messages are for the person running koers, so they are translated; ``code`` is the stable part
for scripts (``koers check --json``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.core.crypto import DecryptionError, decrypt

# Columns holding secrets encrypted with KOERS_ENCRYPTION_KEYS, as (app label, model, field):
# named, not imported, because core sits below the apps that own them.
ENCRYPTED_COLUMNS = [
    ("publishing", "Channel", "secret_enc"),
    ("publishing", "Channel", "session_enc"),
    ("listening", "Source", "credentials"),
    ("alerts", "AlertRule", "webhook_secret_enc"),
]
SAMPLE_PER_COLUMN = 20


@dataclass(frozen=True)
class Problem:
    level: str  # "error" stops koers from working; "warning" deserves attention
    code: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def describe_database() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    user, host, port = db.get("USER") or "", db.get("HOST") or "localhost", db.get("PORT") or 5432
    return f"PostgreSQL {user}@{host}:{port}/{db['NAME']}"


def check_database() -> list[Problem]:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [
            Problem(
                "error",
                "database.unreachable",
                _("Cannot connect to the database (%(database)s): %(error)s")
                % {"database": describe_database(), "error": first_line},
            )
        ]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return [
            Problem(
                "error",
                "database.migrations",
                _("%(count)d database migrations are not applied yet; run: koers migrate")
                % {"count": len(pending)},
            )
        ]
    return []


def check_configuration() -> list[Problem]:
    problems = []
    if settings.DEBUG:
        problems.append(
            Problem(
                "warning",
                "config.debug",
                _("KOERS_DEBUG is on; never run it like this in public."),
            )
        )
    if "host" not in settings.MAILERS["default"].get("OPTIONS", {}):
        problems.append(
            Problem(
                "warning",
                "config.email",
                _("KOERS_EMAIL_HOST is not set; e-mails are printed to the console, not sent."),
            )
        )
    if settings.KOERS_ALLOW_PRIVATE_URLS:
        problems.append(
            Problem(
                "warning",
                "config.private_urls",
                _(
                    "KOERS_ALLOW_PRIVATE_URLS is on: anyone who can add a webhook, feed or link "
                    "can make koers fetch addresses on its own network; on a shared server list "
                    "the intranet hosts in KOERS_OUTBOUND_ALLOWLIST instead."
                ),
            )
        )
    if settings.BASE_URL.startswith("http://") and settings.HTTPS:
        problems.append(
            Problem(
                "warning",
                "config.base_url",
                _("KOERS_HTTPS is on but KOERS_BASE_URL is http://."),
            )
        )
    return problems


def check_background() -> list[Problem]:
    from koers.core.models import Heartbeat

    problems = []
    max_age = settings.KOERS_HEARTBEAT_MAX_AGE
    beats = {b.name: b.seen_at for b in Heartbeat.objects.all()}
    for name in ("worker", "scheduler"):
        seen = beats.get(name)
        if seen is None or (timezone.now() - seen).total_seconds() > max_age:
            problems.append(
                Problem(
                    "warning",
                    f"background.{name}",
                    _(
                        "No %(name)s heartbeat in the last %(seconds)d s; is 'koers serve' or "
                        "'koers worker' running?"
                    )
                    % {"name": name, "seconds": max_age},
                )
            )
    return problems


def _is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (raises ValueError on a port that is no number)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


def check_base_url() -> list[Problem]:
    if _is_web_address(settings.BASE_URL):
        return []
    return [
        Problem(
            "error",
            "config.base_url_invalid",
            _(
                "KOERS_BASE_URL=%(value)r is not an address like https://koers.example.nl; "
                "links in e-mails, feeds and calendar files would not work."
            )
            % {"value": settings.BASE_URL},
        )
    ]


def check_allowed_hosts() -> list[Problem]:
    hosts = settings.ALLOWED_HOSTS
    if not hosts:
        return [
            Problem(
                "error",
                "config.allowed_hosts_empty",
                _(
                    "KOERS_ALLOWED_HOSTS is empty: koers would refuse every request. List the "
                    "host names it answers to, e.g. koers.example.nl."
                ),
            )
        ]
    if "*" in hosts:
        return [
            Problem(
                "warning",
                "config.allowed_hosts_any",
                _(
                    "KOERS_ALLOWED_HOSTS is *: koers answers to any host name. Fine behind a "
                    "proxy that checks the name; otherwise list the host names."
                ),
            )
        ]
    return []


def check_encryption_keys() -> list[Problem]:
    problems = []
    for position, key in enumerate(settings.KOERS_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            # Say which key, never what it is: the value is a secret.
            problems.append(
                Problem(
                    "error",
                    "config.encryption_key_invalid",
                    _(
                        "Key %(position)d in KOERS_ENCRYPTION_KEYS is not a Fernet key (32 "
                        'url-safe base64-encoded bytes); make one with: python -c "from '
                        'cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
                    )
                    % {"position": position},
                )
            )
    return problems


def stored_secrets_sample() -> list[str]:
    """Up to ``SAMPLE_PER_COLUMN`` of the newest non-empty encrypted values of each column."""
    sample = []
    for app_label, model_name, field in ENCRYPTED_COLUMNS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        rows = model.objects.exclude(**{field: ""}).order_by("-pk")
        sample += rows.values_list(field, flat=True)[:SAMPLE_PER_COLUMN]
    return sample


def check_stored_secrets() -> list[Problem]:
    """The keys must open what is stored: a restore without its key file opens nothing."""
    sample = stored_secrets_sample()
    unreadable = 0
    for token in sample:
        try:
            decrypt(token)
        except DecryptionError:
            unreadable += 1
    if not unreadable:
        return []
    if unreadable == len(sample):
        return [
            Problem(
                "error",
                "config.encryption_key_wrong",
                _(
                    "None of the %(count)d stored credentials koers tried can be decrypted with "
                    "the configured encryption keys. Was the database restored without its key "
                    "(the file encryption_key in the data folder, or KOERS_ENCRYPTION_KEYS)?"
                )
                % {"count": len(sample)},
            )
        ]
    return [
        Problem(
            "warning",
            "config.encryption_key_partial",
            _(
                "%(unreadable)d of %(count)d stored credentials koers tried can't be decrypted "
                "with the configured encryption keys; was an old key removed too early?"
            )
            % {"unreadable": unreadable, "count": len(sample)},
        )
    ]


def base_url_port_mismatch(host: str, port: int) -> str | None:
    """A warning when KOERS_BASE_URL leads somewhere else than ``koers serve`` listening on
    ``host:port`` (links in alert e-mails and ICS feeds would point at a dead port)."""
    parts = urlsplit(settings.BASE_URL)
    try:
        explicit = parts.port
    except ValueError:
        return None  # check_base_url reports it
    public = explicit or (443 if parts.scheme == "https" else 80)
    if public == port:
        return None
    # Behind a proxy the public address has its own (usually implicit) port: only a port that is
    # named, or a local address, must be the one koers listens on.
    if explicit is None and not _is_local(parts.hostname or "", host):
        return None
    return _(
        "KOERS_BASE_URL is %(url)s but koers listens on port %(port)d: links in e-mails, feeds "
        "and calendar files will point at port %(public)d. Set KOERS_BASE_URL to the address "
        "people use, or start koers with --port %(public)d."
    ) % {"url": settings.BASE_URL, "port": port, "public": public}


def _is_local(name: str, listen_host: str) -> bool:
    if name in ("localhost", listen_host):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def run_all() -> list[Problem]:
    problems = (
        check_configuration() + check_base_url() + check_allowed_hosts() + check_encryption_keys()
    )
    db_problems = check_database()
    problems += db_problems
    if not db_problems:
        if not any(p.code == "config.encryption_key_invalid" for p in problems):
            problems += check_stored_secrets()
        problems += check_background()
    return problems
