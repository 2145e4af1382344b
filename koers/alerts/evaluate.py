"""Evaluate the enabled alert rules and fire events (the periodic job calls ``evaluate_all``).

Spike and surge rules read the hourly rollups of their topic: one query per rule covers the
window and its 7 baseline windows. Keyword rules read the mentions stored since the rule's
ingest cursor (``koers.listening.cursor``: a mention whose ingest commits late is read again,
never skipped), match them with the rule's query (compiled once per query text) and alert about
the matches no earlier alert of the rule listed (``KeywordHit``, unique per rule and mention).

Firing is safe with several workers: the event row is unique per (rule, window), a keyword hit
per (rule, mention), and the rule row is locked while the cool-down is checked and the cursor
moved (a conditional update).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from koers.alerts import rules
from koers.alerts.models import AlertEvent, AlertRule, Delivery, KeywordHit, RuleKind
from koers.listening import cursor
from koers.listening.models import HourlyRollup, Mention
from koers.query import Matcher, QueryError, compile_query

logger = logging.getLogger(__name__)

KEYWORD_CHUNK = 2000


def evaluate_all(now: datetime | None = None) -> int:
    """Evaluate every enabled rule; returns how many events fired."""
    now = now or timezone.now()
    fired = 0
    enabled = AlertRule.objects.filter(enabled=True).select_related("workspace", "topic")
    for rule in enabled.order_by("pk"):
        fired += len(evaluate_rule(rule, now))
    return fired


def evaluate_rule(rule: AlertRule, now: datetime) -> list[AlertEvent]:
    if rule.kind == RuleKind.KEYWORD:
        event = _evaluate_keyword(rule, now)
        return [event] if event else []
    if rule.topic is None:
        return []
    events = []
    for window in rules.windows_to_evaluate(now, rule.window_hours, rule.created_at):
        event = evaluate_window(rule, window, now)
        if event is not None:
            events.append(event)
    return events


# ---------------------------------------------------------------------------------------------
# Spike and surge: counts per window from the rollups
# ---------------------------------------------------------------------------------------------
def window_counts(rule: AlertRule, windows: list[rules.Window]) -> list[dict[str, int]]:
    """Mentions per sentiment (and ``total``) of the rule's topic in each window."""
    start, end = min(w.start for w in windows), max(w.end for w in windows)
    rows = (
        HourlyRollup.objects.filter(
            workspace=rule.workspace, topic=rule.topic, hour__gte=start, hour__lt=end
        )
        .values_list("hour", "sentiment")
        .annotate(n=Sum("count"))
    )
    per_window: list[dict[str, int]] = [defaultdict(int) for _w in windows]
    for hour, sentiment, n in rows:
        for i, window in enumerate(windows):
            if window.start <= hour < window.end:
                per_window[i][sentiment] += n
                per_window[i]["total"] += n
    return per_window


def evaluate_window(rule: AlertRule, window: rules.Window, now: datetime) -> AlertEvent | None:
    baseline = rules.baseline_windows(window)
    current, *history = window_counts(rule, [window, *baseline])
    if rule.kind == RuleKind.SPIKE:
        spike = rules.volume_spike(
            current["total"],
            [h["total"] for h in history],
            factor=rule.threshold,
            min_count=rule.min_count,
        )
        if not spike.fired:
            return None
        figures = {
            "count": spike.count,
            "baseline": spike.baseline,
            "spread": round(spike.spread, 2),
            "factor": None if spike.factor is None else round(spike.factor, 2),
            "history": [h["total"] for h in history],
        }
        return fire(
            rule, window, now, observed=spike.count, baseline=spike.baseline, figures=figures
        )
    surge = rules.negative_surge(
        current["negative"],
        current["total"],
        [(h["negative"], h["total"]) for h in history],
        rise_points=rule.threshold,
        min_count=rule.min_count,
    )
    if not surge.fired:
        return None
    figures = {
        "negative": surge.negative,
        "total": surge.total,
        "share": round(100 * (surge.share or 0), 1),
        "baseline_share": round(100 * surge.baseline_share, 1),
        "baseline_negative": round(surge.baseline_negative, 1),
        "baseline_known": surge.baseline_known,
        "rise_points": round(surge.rise_points or 0, 1),
    }
    return fire(
        rule,
        window,
        now,
        observed=surge.negative,
        baseline=surge.baseline_negative,
        figures=figures,
    )


# ---------------------------------------------------------------------------------------------
# Keyword: new mentions after the watermark
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=512)
def compiled(query: str) -> Matcher | None:
    """The rule's compiled query (cached by its text); None when a stored query no longer
    parses (the rule form never saves one, but the language may become stricter)."""
    try:
        return compile_query(query)
    except QueryError:
        logger.warning("alert rule query no longer parses; rule skipped")
        return None


def _new_mentions(rule: AlertRule) -> Iterator[tuple]:
    """The workspace's mentions since the rule's cursor, stored after the rule started
    (``watermark``: the newest id when it was made, switched on or given a new query). A rule
    made before cursors existed has none: once, it reads everything after its watermark."""
    mentions = Mention.objects.filter(workspace=rule.workspace, pk__gt=rule.watermark)
    if rule.ingest_cursor is None:
        mentions = mentions.order_by("pk")
    else:
        mentions = cursor.since(mentions, rule.ingest_cursor)
    rows = mentions.filter(ingested_at__gte=rule.created_at).values_list(
        "id", "text", "lang", "author_handle", "network", "links", "published_at"
    )
    return rows.iterator(chunk_size=KEYWORD_CHUNK)


def _new_matches(rule: AlertRule, matcher: Matcher) -> dict[int, datetime]:
    """id → published time of the new mentions that match, minus those already alerted."""
    published: dict[int, datetime] = {}
    for chunk in _chunks(_new_mentions(rule), KEYWORD_CHUNK):
        times = {row[0]: row[6] for row in chunk}
        for mention_id in rules.keyword_matches(matcher, (row[:6] for row in chunk)):
            published[mention_id] = times[mention_id]
    if published:
        seen = KeywordHit.objects.filter(rule=rule, mention_id__in=list(published))
        for mention_id in seen.values_list("mention_id", flat=True):
            del published[mention_id]
    return published


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _evaluate_keyword(rule: AlertRule, now: datetime) -> AlertEvent | None:
    matcher = compiled(rule.query)
    if matcher is None or rules.in_cooldown(rule.last_fired_at, now, rule.cooldown):
        return None  # in the cool-down the cursor stays: the next alert lists them all
    # The horizon is taken before reading: whatever commits meanwhile is read again next time.
    horizon = cursor.horizon()
    matched = _new_matches(rule, matcher)
    if not matched:
        AlertRule.objects.filter(pk=rule.pk, ingest_cursor=rule.ingest_cursor).update(
            ingest_cursor=horizon
        )
        return None
    ids = sorted(matched)
    window = rules.Window(min(matched.values()), max(matched.values()))
    figures = {"match_count": len(ids), "cursor": rule.ingest_cursor, "horizon": horizon}
    return fire(
        rule,
        window,
        now,
        # A mention is in one alert per rule (KeywordHit), so its first id names this one.
        key=f"mention:{ids[0]}",
        observed=len(ids),
        figures=figures,
        mention_ids=ids[: AlertEvent.MAX_IDS],
        advance_to=horizon,
        hits=ids,
    )


# ---------------------------------------------------------------------------------------------
# Firing
# ---------------------------------------------------------------------------------------------
def fire(
    rule: AlertRule,
    window: rules.Window,
    now: datetime,
    *,
    key: str | None = None,
    advance_to: int | None = None,
    hits: list[int] | None = None,
    **values: Any,
) -> AlertEvent | None:
    """Store the event once per (rule, window) unless the rule is off or cooling down, and
    queue its notifications after commit. Keyword rules pass the cursor to move to and the ids
    of every matched mention (``hits``), each stored once per rule. Returns None when nothing
    was stored."""
    with transaction.atomic():
        locked = AlertRule.objects.select_for_update().filter(pk=rule.pk, enabled=True).first()
        if locked is None or rules.in_cooldown(locked.last_fired_at, now, locked.cooldown):
            return None
        if advance_to is not None and locked.ingest_cursor != rule.ingest_cursor:
            return None  # another worker handled these mentions already
        try:
            with transaction.atomic():
                event = AlertEvent.objects.create(
                    workspace_id=rule.workspace_id,
                    rule=locked,
                    kind=locked.kind,
                    window_key=key or window.key(),
                    window_start=window.start,
                    window_end=window.end,
                    created_at=now,
                    email_state=Delivery.PENDING if locked.recipients.exists() else Delivery.NONE,
                    webhook_state=Delivery.PENDING if locked.webhook_url else Delivery.NONE,
                    webhook_next_at=now if locked.webhook_url else None,
                    **values,
                )
                KeywordHit.objects.bulk_create(
                    KeywordHit(rule=locked, mention_id=i, event=event) for i in hits or ()
                )
        except IntegrityError:
            return None  # this window or mention already fired (maybe by another worker)
        locked.last_fired_at = now
        update = ["last_fired_at"]
        if advance_to is not None:
            locked.ingest_cursor = advance_to
            update.append("ingest_cursor")
        locked.save(update_fields=update)
        transaction.on_commit(lambda: _queue_notifications(event))
    logger.info("alert rule %s fired for %s", rule.pk, event.window_key)
    return event


def _queue_notifications(event: AlertEvent) -> None:
    from koers.alerts import tasks

    if event.email_state == Delivery.PENDING:
        tasks.send_alert_email.enqueue(event.pk)
    if event.webhook_state == Delivery.PENDING:
        tasks.send_alert_webhook.enqueue(event.pk)
