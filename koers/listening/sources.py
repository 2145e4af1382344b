"""Glue from ``Source`` rows to the ``koers.networks`` sources: poll, stream, back off, report.

* :func:`poll_source` claims one due pollable source (Mastodon, Bluesky search, RSS) with a
  conditional UPDATE (so two workers never poll it at once), polls from the stored cursor,
  runs the posts through the pipeline and only then stores the new cursor: a crash between
  the two re-reads posts (deduped), never skips them.
* Errors: a retryable one (5xx, 429, timeout) sets status "backoff" and waits
  ``min(interval · 2^failures, 6 h)`` (or what the network asked); an auth or permanent one
  sets "broken" and the source waits for someone to fix it. ``last_error`` is what the
  adapter said (adapters never put secrets in messages).
* :func:`run_jetstream` consumes the Bluesky Jetstream from the stored ``time_us`` cursor and
  stores the cursor after each flushed batch (the consumer resumes with an overlap; the
  pipeline dedupes). A post deleted on Bluesky, or every post of a deleted account, is removed
  from the stored mentions (:func:`koers.listening.pipeline.forget_posts`), as the network's
  terms require.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from koers.core.outbound import error_text
from koers.listening.actions import source_credentials
from koers.listening.models import POLLED_KINDS, Source, SourceKind, SourceStatus
from koers.listening.pipeline import (
    IngestReport,
    Pipeline,
    forget_bluesky_account,
    forget_posts,
    record_run,
)
from koers.networks.base import AuthError, NetworkError, PollingSource, RetryableError

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
POLLABLE = POLLED_KINDS
#: Builders for kinds whose credentials live in another app (X: a publishing channel's
#: tokens); that app registers them at start-up (apps depend downward: listening imports
#: none of them).
BUILDERS: dict[str, Callable[[Source], PollingSource]] = {}


@dataclass(frozen=True)
class Quota:
    """A network quota a kind of source spends (Instagram: 30 hashtags per account per 7
    days), registered by the app that knows the accounts. ``check`` returns the refusal for
    a source that would exceed it (shown on the form; nothing saved, nothing asked of the
    network) or None; ``note`` is the sentence the form and the sources page show."""

    check: Callable[[Source], str | None]
    note: Callable[[Source], str]


QUOTAS: dict[str, Quota] = {}


def quota_problem(source: Source) -> str | None:
    quota = QUOTAS.get(source.kind)
    return quota.check(source) if quota else None


def quota_note(source: Source) -> str:
    quota = QUOTAS.get(source.kind)
    return quota.note(source) if quota else ""


def not_searchable() -> list[tuple[str, str]]:
    """(network label, why) for every network koers speaks that offers no search koers can
    use, as the networks' capabilities declare it."""
    from koers.networks.catalog import capabilities, networks

    found = []
    for network in networks():
        declared = capabilities(network)
        if declared is not None and declared.listen == "none" and declared.listen_note:
            found.append((declared.label, declared.listen_note))
    return found


# ---------------------------------------------------------------------------------------------
# Building network sources from rows
# ---------------------------------------------------------------------------------------------
def _bluesky_session(source: Source) -> Any:
    from koers.networks.bluesky import BlueskySession

    credentials = source_credentials(source)

    def keep_session(session_string: str) -> None:
        from koers.listening.actions import store_session

        store_session(source.pk, session_string)

    return BlueskySession(
        source.config.get("handle", ""),
        credentials.get("app_password", ""),
        service_url=source.config.get("service_url", "https://bsky.social"),
        session_string=credentials.get("session") or None,
        on_session_change=keep_session,
    )


def build_poller(source: Source) -> PollingSource:
    """The koers.networks polling source for ``source`` (nothing is fetched yet)."""
    config = source.config
    if source.kind in BUILDERS:
        return BUILDERS[source.kind](source)
    if source.kind == SourceKind.MASTODON:
        from koers.networks.mastodon import MastodonSource

        token = source_credentials(source).get("access_token") or None
        if config.get("hashtag"):
            return MastodonSource(config["instance_url"], token, hashtag=config["hashtag"])
        if config.get("search"):
            return MastodonSource(config["instance_url"], token, query=config["search"])
        return MastodonSource(config["instance_url"], token, public=True)
    if source.kind == SourceKind.BLUESKY_SEARCH:
        from koers.networks.bluesky import BlueskySearchSource

        return BlueskySearchSource(
            _bluesky_session(source), config["search"], lang=source.language or None
        )
    if source.kind == SourceKind.RSS:
        from koers.networks.rss import RssSource

        return RssSource(config["feed_url"])
    raise ValueError(f"source kind {source.kind} is not polled")


# ---------------------------------------------------------------------------------------------
# Status bookkeeping
# ---------------------------------------------------------------------------------------------
def backoff_delay(source: Source, retry_after: float | None = None) -> timedelta:
    if retry_after:
        return timedelta(seconds=retry_after)
    seconds = source.poll_every_seconds * 2 ** min(source.failures, 12)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def _record_success(source: Source, cursor: str | None, now: datetime) -> None:
    source.status, source.last_error, source.failures = SourceStatus.OK, "", 0
    source.last_success_at = now
    fields = ["status", "last_error", "failures", "last_success_at"]
    if cursor is not None:
        source.cursor = cursor[:200]
        fields.append("cursor")
        if source.kind == SourceKind.RSS:
            _split_rss_cursor(source)
            fields += ["etag", "last_modified"]
    source.save(update_fields=fields)


def _split_rss_cursor(source: Source) -> None:
    """Keep the feed's validators in their own columns too, so the sources page shows them."""
    import json

    state = json.loads(source.cursor or "{}")
    source.etag = (state.get("etag") or "")[:200]
    source.last_modified = (state.get("last_modified") or "")[:100]


def record_failure(source: Source, error: NetworkError, now: datetime | None = None) -> None:
    """Backoff for a retryable error; "broken" (waits for a person) for any other."""
    now = now or timezone.now()
    source.failures += 1
    source.last_error = error_text(error, source.workspace.language)[:500]
    if isinstance(error, RetryableError):
        source.status = SourceStatus.BACKOFF
        source.next_poll_at = now + backoff_delay(source, error.retry_after)
    else:
        source.status = SourceStatus.BROKEN
        source.next_poll_at = None
        if isinstance(error, AuthError):
            source.last_error = f"{source.last_error} (reconnect the account)"[:500]
    source.save(update_fields=["failures", "last_error", "status", "next_poll_at"])
    logger.info("source %s: %s (%s)", source.pk, type(error).__name__, source.status)


# ---------------------------------------------------------------------------------------------
# Polling
# ---------------------------------------------------------------------------------------------
def due_sources(now: datetime | None = None, workspace_id: int | None = None) -> list[int]:
    now = now or timezone.now()
    due = Source.objects.filter(kind__in=POLLABLE).exclude(
        status__in=(SourceStatus.PAUSED, SourceStatus.BROKEN)
    )
    due = due.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    if workspace_id is not None:
        due = due.filter(workspace_id=workspace_id)
    return list(due.order_by("next_poll_at", "pk").values_list("pk", flat=True))


def claim(source_id: int, now: datetime) -> Source | None:
    """Move the source's next poll forward if it is due; only the claimer polls it."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return None
    with transaction.atomic():
        claimed = (
            Source.objects.filter(pk=source_id)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .exclude(status__in=(SourceStatus.PAUSED, SourceStatus.BROKEN))
            .update(
                next_poll_at=now + timedelta(seconds=source.poll_every_seconds),
                last_polled_at=now,
            )
        )
    if claimed != 1:
        return None
    source.refresh_from_db()
    return source


def poll_source(
    source_id: int,
    *,
    now: datetime | None = None,
    build: Callable[[Source], PollingSource] = build_poller,
) -> IngestReport | None:
    """Poll one due source once; None when it was not due (or another worker took it)."""
    now = now or timezone.now()
    source = claim(source_id, now)
    if source is None:
        return None
    try:
        batch = build(source).poll(source.cursor or None)
    except NetworkError as error:
        record_failure(source, error, now)
        return None
    report = Pipeline(source.workspace, source).ingest(batch.posts)
    _record_success(source, batch.cursor, now)
    if report.received or report.failed:
        record_run(source.workspace, source, report, started_at=now)
    return report


def poll_due(workspace_id: int | None = None, now: datetime | None = None) -> int:
    """Poll every due source once; returns how many were polled."""
    polled = 0
    for source_id in due_sources(now, workspace_id):
        if poll_source(source_id, now=now) is not None:
            polled += 1
    return polled


# ---------------------------------------------------------------------------------------------
# Jetstream (long-running)
# ---------------------------------------------------------------------------------------------
def run_jetstream(
    source: Source,
    stop: threading.Event,
    *,
    flush_size: int = 200,
    flush_seconds: float = 2.0,
    make_stream: Callable[[Source], Any] | None = None,
    clock: Callable[[], float] | None = None,
) -> IngestReport:
    """Consume the stream until ``stop`` is set; flush to the pipeline every ``flush_size``
    posts or ``flush_seconds``, then store the cursor (``time_us`` of the last stored post)."""
    import time

    from koers.networks.jetstream import DEFAULT_URL, JetstreamSource

    clock = clock or time.monotonic
    consumer = (
        make_stream(source)
        if make_stream
        else JetstreamSource(source.config.get("stream_url") or DEFAULT_URL)
    )
    pipeline = Pipeline(source.workspace, source)
    total = IngestReport()
    pending: list[Any] = []
    last_flush = clock()

    def flush() -> None:
        nonlocal last_flush
        if pending:
            report = pipeline.ingest([p.post for p in pending])
            total.add(report)
            record_run(source.workspace, source, report)
            _record_success(source, str(max(p.time_us for p in pending)), timezone.now())
            pending.clear()
        last_flush = clock()

    def forget(deleted: Any) -> None:
        # Posts stored before the deletion first: one created and deleted within a flush
        # window is then removed too, never kept.
        flush()
        if deleted.account:
            forget_bluesky_account(source.workspace, deleted.account)
        else:
            forget_posts(source.workspace, "bluesky", [deleted.remote_id])

    cursor = int(source.cursor) if source.cursor.isdigit() else None
    try:
        for item in consumer.stream(cursor, stop=stop, on_delete=forget):
            pending.append(item)
            if len(pending) >= flush_size or clock() - last_flush >= flush_seconds:
                flush()
    except RetryableError as error:
        flush()
        record_failure(source, error)
        return total
    flush()
    return total
