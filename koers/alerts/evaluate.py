"""Evaluate the enabled alert rules and fire events (the periodic job calls ``evaluate_all``).

Spike and surge rules read the hourly rollups of their topic: one query per rule covers the
window and its 7 baseline windows. Keyword rules read the mentions stored after the rule's id
watermark, oldest first, and match them with the rule's query (compiled once per query text).

Firing is safe with several workers: the event row is unique per (rule, window), the rule row
is locked while the cool-down is checked and the watermark moved (a conditional update).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from koers.alerts import rules
from koers.alerts.models import AlertEvent, AlertRule, Delivery, RuleKind
from koers.listening.models import HourlyRollup, Mention
from koers.query import Matcher, QueryError, compile_query

logger = logging.getLogger(__name__)

KEYWORD_BATCH = 5000
#: Mentions younger than this are left for the next run: an ingest transaction that took an id
#: earlier may still be committing (ids are handed out before commit on PostgreSQL).
KEYWORD_LAG = timedelta(seconds=20)


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


def _new_mentions(rule: AlertRule, now: datetime) -> list[tuple]:
    rows = (
        Mention.objects.filter(workspace=rule.workspace, pk__gt=rule.watermark)
        .order_by("pk")
        .values_list(
            "id", "text", "lang", "author_handle", "network", "links", "published_at",
            "ingested_at",
        )[:KEYWORD_BATCH]
    )  # fmt: skip
    settled = []
    for row in rows:
        if row[7] > now - KEYWORD_LAG:
            break  # this one and everything after it waits for the next run
        settled.append(row)
    return settled


def _evaluate_keyword(rule: AlertRule, now: datetime) -> AlertEvent | None:
    matcher = compiled(rule.query)
    if matcher is None or rules.in_cooldown(rule.last_fired_at, now, rule.cooldown):
        return None  # in the cool-down the watermark stays: the next alert lists them all
    rows = _new_mentions(rule, now)
    if not rows:
        return None
    last_id = rows[-1][0]
    matched = rules.keyword_matches(matcher, (r[:6] for r in rows if r[7] >= rule.created_at))
    if not matched:
        AlertRule.objects.filter(pk=rule.pk, watermark=rule.watermark).update(watermark=last_id)
        return None
    times = {r[0]: r[6] for r in rows}
    published = [times[i] for i in matched]
    window = rules.Window(min(published), max(published))
    figures = {"match_count": len(matched), "after_id": rule.watermark, "up_to_id": last_id}
    return fire(
        rule,
        window,
        now,
        key=f"after:{rule.watermark}",
        observed=len(matched),
        figures=figures,
        mention_ids=matched[: AlertEvent.MAX_IDS],
        advance_to=last_id,
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
    **values: Any,
) -> AlertEvent | None:
    """Store the event once per (rule, window) unless the rule is off or cooling down, and
    queue its notifications after commit. Returns None when nothing was stored."""
    with transaction.atomic():
        locked = AlertRule.objects.select_for_update().filter(pk=rule.pk, enabled=True).first()
        if locked is None or rules.in_cooldown(locked.last_fired_at, now, locked.cooldown):
            return None
        if advance_to is not None and locked.watermark != rule.watermark:
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
        except IntegrityError:
            return None  # this window already fired (maybe by another worker)
        locked.last_fired_at = now
        update = ["last_fired_at"]
        if advance_to is not None:
            locked.watermark = advance_to
            update.append("watermark")
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
