"""Notification rules as pure functions (no Django; tested without a database).

* **Digest period** (``digest_period``): which daily or weekly digest is due at an instant for
  a person who wants it at ``hour`` (and on ``weekday``) of their time zone. The period is
  named by its local date (or ISO week), so a night on which the clocks change — when 02:30
  happens twice, or not at all — still has exactly one period, due once.
* **Backoff** for cards that a chat service did not take: the receiver's ``Retry-After`` when
  it gave one (never less than our own wait), else 1, 2, 4 … minutes, at most an hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_CARD_ATTEMPTS = 6
MAX_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class Period:
    key: str  # "d2026-10-25" or "w2026-W43"
    start: datetime  # UTC: when the digest of this period becomes due
    since: datetime  # UTC: the start of the period it looks back over


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``hour:00`` on ``day`` in ``zone``. An hour skipped by the spring
    clock change moves forward by the gap; one that happens twice is its first occurrence."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def digest_period(
    now: datetime, frequency: str, hour: int, zone_name: str, weekday: int = 0
) -> Period | None:
    """The period whose digest is due at ``now`` (UTC, aware), or ``None`` before its hour.

    Daily: due from ``hour`` of the local day until that day ends. Weekly: due from ``hour``
    of ``weekday`` (0 = Monday) until the local week (Monday–Sunday) ends.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if frequency not in ("daily", "weekly"):
        return None
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    if frequency == "daily":
        start = _at(today, hour, zone)
        if now < start:
            return None
        return Period(f"d{today.isoformat()}", start, _at(today - timedelta(days=1), hour, zone))
    monday = today - timedelta(days=today.weekday())
    day = monday + timedelta(days=weekday)
    start = _at(day, hour, zone)
    if now < start:
        return None
    year, week, _ = day.isocalendar()
    return Period(f"w{year}-W{week:02d}", start, _at(day - timedelta(days=7), hour, zone))


def card_backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """How long to wait before try ``attempts + 1``."""
    own = timedelta(minutes=2 ** max(attempts - 1, 0))
    if retry_after is not None:
        own = max(own, timedelta(seconds=retry_after))
    return min(own, MAX_WAIT)
