"""Inbox rules as pure functions (no Django; tested without a database).

* **Due time** (``due_at``): when the response-time target (reactietermijn) runs out. Without
  office hours the clock runs around the clock; with office hours it only runs inside them,
  in the workspace's time zone. Each day's window is converted to UTC on its own date, so a
  clock change (last Sunday of March/October) never shifts the answer by an hour.
* **Who is addressed** (``addresses``): whether a post mentions one of the workspace's own
  accounts, comparing handles the way the networks write them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

WEEKDAYS = (0, 1, 2, 3, 4)  # Monday … Friday (datetime.weekday numbering)
MAX_DAYS = 400  # a due time more than a year ahead means the office hours are empty


@dataclass(frozen=True)
class OfficeHours:
    """Weekdays (0 = Monday) and a daily window ``start``–``end`` in the workspace zone."""

    days: frozenset[int]
    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(range(7)):
            raise ValueError("office hours need at least one weekday (0–6)")
        if self.start >= self.end:
            raise ValueError("office hours must end after they start")


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall clock ``day at`` in ``zone``; a time skipped by the spring clock
    change moves forward by the gap (the round trip through UTC does exactly that)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def windows(start: datetime, hours: OfficeHours, zone: ZoneInfo):  # noqa: ANN201 - generator
    """UTC (open, close) windows of office time from the local day of ``start`` on."""
    day = start.astimezone(zone).date()
    for offset in range(MAX_DAYS):
        current = day + timedelta(days=offset)
        if current.weekday() in hours.days:
            yield _local(current, hours.start, zone), _local(current, hours.end, zone)


def due_at(
    received: datetime, target_minutes: int, zone: ZoneInfo, hours: OfficeHours | None = None
) -> datetime:
    """When the target of ``target_minutes`` runs out for a message received at ``received``.

    Without office hours: ``received + target`` in real (UTC) time. With office hours: the
    target is consumed only inside office windows; a message arriving outside them starts
    counting at the next opening. ``target_minutes = 0`` is due at the first office moment.
    """
    if received.tzinfo is None:
        raise ValueError("received must be timezone-aware")
    received = received.astimezone(UTC)
    left = timedelta(minutes=target_minutes)
    if hours is None:
        return received + left
    for opens, closes in windows(received, hours, zone):
        if closes <= received:
            continue
        begin = max(opens, received)
        if begin + left <= closes:
            return begin + left
        left -= closes - begin
    raise ValueError("office hours give no time within a year")


def office_time_between(
    start: datetime, end: datetime, zone: ZoneInfo, hours: OfficeHours | None = None
) -> timedelta:
    """How much counted time (office time when ``hours`` is set) lies between two instants."""
    if end <= start:
        return timedelta(0)
    if hours is None:
        return end - start
    total = timedelta(0)
    for opens, closes in windows(start, hours, zone):
        if opens >= end:
            break
        begin, finish = max(opens, start), min(closes, end)
        if finish > begin:
            total += finish - begin
    return total


# ---------------------------------------------------------------------------------------------
# Who is addressed
# ---------------------------------------------------------------------------------------------
# "@user", "@user@instance.example" (Mastodon; an instance may have a port, "@user@host:8120")
# and "@name.bsky.social" (Bluesky) in plain text.
_HANDLE_IN_TEXT = re.compile(
    r"(?:^|(?<=[\s(]))@([a-z0-9_][a-z0-9_.-]*[a-z0-9_])(@[a-z0-9.-]+[a-z0-9](?::[0-9]{1,5})?)?"
)


def instance_address(url: str) -> str:
    """The instance part of a Mastodon handle for a server address: the host, with its port
    when it is not the scheme's default (``https://social.example:8120`` →
    ``social.example:8120``), as Mastodon writes ``@user@social.example:8120``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # a port out of range: no usable address
        return host
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return f"{host}:{port}" if host and port and port != default else host


def normalise_handle(handle: str) -> str:
    """``@Gemeente@Social.Example`` → ``gemeente@social.example``; ``did:…`` stays as it is."""
    handle = handle.strip()
    if handle.startswith("did:"):
        return handle
    return handle.lstrip("@").lower()


def own_handles(
    network: str, *, handle: str, account: str, host: str, account_id: str = ""
) -> set[str]:
    """The normalised handles by which an own account (a publishing channel) is addressed.

    Mastodon: ``user@host`` (the account the network reported, or the channel's handle on the
    channel's own instance; ``host`` as :func:`instance_address` gives it, port included).
    Bluesky: the handle (``duinwijk.nl``) and the account's DID (``account_id``, stored by the
    channel check), which mention facets carry.
    """
    found: set[str] = set()
    if network == "bluesky" and account_id.startswith("did:"):
        found.add(account_id)
    for value in (handle, account):
        value = normalise_handle(value)
        if not value:
            continue
        if network == "mastodon" and "@" not in value and host:
            value = f"{value}@{host.lower()}"
        found.add(value)
    return found


def handles_in(mentioned: Iterable[str], text: str) -> set[str]:
    """Every handle a post mentions: the network's list plus ``@handles`` in the text."""
    found = {normalise_handle(m) for m in mentioned if m}
    for match in _HANDLE_IN_TEXT.finditer(text.lower()):
        found.add(match.group(1) + (match.group(2) or ""))
    return found


def addresses(mentioned: Iterable[str], text: str, own: set[str], *, source_host: str = "") -> bool:
    """Does the post mention one of ``own`` (normalised handles)?

    A Mastodon mention without an instance (``@gemeente``) is local to the instance the post
    was read from (``source_host``); without that host it is not guessed at.
    """
    if not own:
        return False
    for handle in handles_in(mentioned, text):
        if handle in own:
            return True
        if "@" not in handle and source_host and f"{handle}@{source_host.lower()}" in own:
            return True
    return False
