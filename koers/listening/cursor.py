"""Reading new mentions in ingest order without ever skipping one that committed late.

Mention ids are handed out when a row is inserted, not when its transaction commits: on
PostgreSQL an ingest that took id 10 can commit after one that took id 11, and a reader that
remembers "the last id I saw" (and saw 11) passes 10 for good. Readers of new mentions (keyword
alerts) keep an **ingest cursor** instead:

* **PostgreSQL**: every mention stores the id of the transaction that wrote it
  (``Mention.ingest_tx``, a column default, so every writer sets it). :func:`horizon` is the
  oldest transaction still running (``pg_snapshot_xmin``): every transaction below it has
  committed or rolled back, so its mentions are visible. A reader takes the horizon *before*
  it reads, reads :func:`since` its stored cursor, and stores the horizon as its next cursor.
  Mentions of transactions that were still running are read again next time — so readers
  must de-duplicate (alerts: unique per rule and mention) — but never skipped. A transaction
  left open for long anywhere in the cluster holds the horizon back: readers then re-read more,
  they do not miss anything.
* **SQLite** admits one writer at a time, so ids follow commit order (and Django's
  ``AUTOINCREMENT`` never reuses one): the key is the id itself, the horizon one past the
  highest id visible.

Rows stored before ``ingest_tx`` existed have NULL there and are never read by a cursor; a
reader that has no cursor yet starts from its old id watermark once (see ``koers.alerts``).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Max, QuerySet

from koers.listening.models import Mention


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def horizon() -> int:
    """The cursor value up to which every stored mention is visible now (see the module)."""
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            row = cursor.fetchone()
        return int(row[0])
    return (Mention.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def since(mentions: QuerySet[Mention], cursor: int) -> QuerySet[Mention]:
    """``mentions`` stored by transactions at or after ``cursor``, in id order."""
    key = "ingest_tx" if _postgres() else "pk"
    return mentions.filter(**{f"{key}__gte": cursor}).order_by("pk")
