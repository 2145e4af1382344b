"""Wall-clock scheduling that survives daylight-saving changes (pure: no Django).

An item is planned as "09:00 in Europe/Amsterdam on 29 March", not as a UTC instant: the date,
the time and the zone are stored, and the UTC instant is derived from them. Moving an item to
another day keeps its wall-clock time, so 09:00 stays 09:00 across the clock change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of wall-clock ``day at`` in ``zone``.

    A time that does not exist (skipped in spring: 02:30 on the last Sunday of March in
    Amsterdam) moves forward by the size of the gap (03:30). A time that occurs twice (autumn)
    means its first occurrence (summer time), like a person reading the clock would expect.
    """
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, at.replace(tzinfo=None))
    first = naive.replace(tzinfo=tz, fold=0)
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != naive:  # in a gap: the round trip lands elsewhere
        gap = first.utcoffset() - naive.replace(tzinfo=tz, fold=1).utcoffset()  # type: ignore[operator]
        return (naive + abs(gap)).replace(tzinfo=tz).astimezone(UTC)
    return first.astimezone(UTC)


def utc_to_local(instant: datetime, zone: str) -> tuple[date, time]:
    local = instant.astimezone(ZoneInfo(zone))
    return local.date(), local.time().replace(tzinfo=None)


def move_to_day(day: date, at: time, new_day: date, zone: str) -> datetime:
    """Where an item planned at ``at`` lands when dragged to ``new_day`` (same wall clock)."""
    del day  # the old day does not matter: the wall-clock time is what the planner chose
    return local_to_utc(new_day, at, zone)


def local_day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a local calendar day (23 or 25 h long)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end
