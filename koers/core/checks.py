"""What ``koers check`` verifies: configuration, database reachability, migrations, workers."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


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
                f"Cannot connect to the database ({describe_database()}): {first_line}",
            )
        ]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return [
            Problem(
                "error",
                "database.migrations",
                f"{len(pending)} database migrations are not applied yet; run: koers migrate",
            )
        ]
    return []


def check_configuration() -> list[Problem]:
    problems = []
    if settings.DEBUG:
        problems.append(
            Problem(
                "warning", "config.debug", "KOERS_DEBUG is on; never run it like this in public."
            )
        )
    if "host" not in settings.MAILERS["default"].get("OPTIONS", {}):
        problems.append(
            Problem(
                "warning",
                "config.email",
                "KOERS_EMAIL_HOST is not set; e-mails are printed to the console, not sent.",
            )
        )
    if settings.KOERS_ALLOW_PRIVATE_URLS:
        problems.append(
            Problem(
                "warning",
                "config.private_urls",
                "KOERS_ALLOW_PRIVATE_URLS is on: anyone who can add a webhook, feed or link can "
                "make koers fetch addresses on its own network; on a shared server list the "
                "intranet hosts in KOERS_OUTBOUND_ALLOWLIST instead.",
            )
        )
    if settings.BASE_URL.startswith("http://") and settings.HTTPS:
        problems.append(
            Problem(
                "warning", "config.base_url", "KOERS_HTTPS is on but KOERS_BASE_URL is http://."
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
                    f"No {name} heartbeat in the last {max_age} s; is 'koers serve' or "
                    "'koers worker' running?",
                )
            )
    return problems


def run_all() -> list[Problem]:
    problems = check_configuration()
    db_problems = check_database()
    problems += db_problems
    if not db_problems:
        problems += check_background()
    return problems
