"""Find what is worth telling, once: read the recent rows of the apps below and record each as
an :class:`~koers.notify.models.Event` with one :class:`~koers.notify.models.Card` per
destination that wants it.

Sources (each read over the last ``LOOKBACK``, so a row whose transaction committed late is
still seen; the event's unique ``(workspace, key)`` keeps a row that is read again from being
recorded twice):

* approval requests — an item's history entering "in review" (submitted, or sent back to
  review after a change): ``publishing.StateChange``;
* failed posts — an item's history entering "failed" (all its deliveries settled, one failed);
* overdue inbox messages — the inbox's own overdue warning in the audit log (``inbox.overdue``);
* broken channels — a connection check that found a working (or new) channel broken
  (``channel.check`` in the audit log; the next checks of a still-broken channel are quiet);
* alerts — every ``alerts.AlertEvent``.

Nothing here imports the lower apps' actions: notifications listen, they never steer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation

from koers.alerts.models import AlertEvent
from koers.alerts.notify import headline
from koers.core.models import AuditEvent
from koers.engagement.models import InboxItem
from koers.notify import emails
from koers.notify.models import Card, Destination, DigestSent, Event, EventKind
from koers.publishing.models import State, StateChange

logger = logging.getLogger(__name__)

LOOKBACK = timedelta(minutes=30)
BATCH = 500


@dataclass(frozen=True)
class Found:
    workspace_id: int
    kind: str
    key: str
    object_id: str
    occurred_at: datetime
    data: dict[str, Any]


def _approvals_and_failures(since: datetime) -> list[Found]:
    changes = (
        StateChange.objects.filter(
            created_at__gte=since, to_state__in=[State.IN_REVIEW, State.FAILED]
        )
        .select_related("item", "actor")
        .order_by("id")[:BATCH]
    )
    found = []
    for change in changes:
        item = change.item
        if change.to_state == State.IN_REVIEW:
            kind = EventKind.APPROVAL
            data = {"title": item.title, "by": change.actor.get_username() if change.actor else ""}
            if change.actor_id:
                data["actor_id"] = change.actor_id
        else:
            kind = EventKind.FAILED_POST
            errors = [
                {"channel": d.channel.name, "error": d.error}
                for d in item.deliveries.select_related("channel").exclude(error="")
            ]
            data = {"title": item.title, "errors": errors[:5]}
        found.append(
            Found(
                item.workspace_id, kind, f"state:{change.pk}", str(item.pk), change.created_at, data
            )
        )
    return found


def _was_broken_before(event: AuditEvent) -> bool:
    previous = (
        AuditEvent.objects.filter(
            action="channel.check", object_id=event.object_id, workspace_id=event.workspace_id
        )
        .filter(pk__lt=event.pk)
        .order_by("-pk")
        .first()
    )
    return previous is not None and _is_broken_check(previous)


def _is_broken_check(event: AuditEvent) -> bool:
    return event.summary.endswith(": broken")


def _audited(since: datetime) -> list[Found]:
    rows = AuditEvent.objects.filter(
        Q(action="inbox.overdue") | Q(action="channel.check", summary__endswith=": broken"),
        created_at__gte=since,
        workspace__isnull=False,
    ).order_by("id")[:BATCH]
    found = []
    inbox_ids = [int(r.object_id) for r in rows if r.action == "inbox.overdue" and r.object_id]
    inbox = {i.pk: i for i in InboxItem.objects.filter(pk__in=inbox_ids).select_related("mention")}
    for row in rows:
        assert row.workspace_id is not None  # filtered above
        if row.action == "inbox.overdue":
            item = inbox.get(int(row.object_id or 0))
            if item is None:
                continue
            data = {
                "author": item.mention.author_handle,
                "text": item.mention.text[:300],
                "assignee_id": item.assignee_id,
            }
            kind = EventKind.OVERDUE
        else:
            if _was_broken_before(row):
                continue
            name = row.summary.removesuffix(": broken")
            data = {"channel": name, "reason": str(row.data.get("reason", ""))}
            kind = EventKind.BROKEN_CHANNEL
        found.append(
            Found(row.workspace_id, kind, f"audit:{row.pk}", row.object_id, row.created_at, data)
        )
    return found


def _alerts(since: datetime) -> list[Found]:
    events = (
        AlertEvent.objects.filter(created_at__gte=since)
        .select_related("rule__topic", "rule__workspace")
        .order_by("id")[:BATCH]
    )
    found = []
    for event in events:
        with translation.override(event.rule.workspace.language):
            title = headline(event)
        data = {"headline": title, "rule": event.rule.name, "kind": event.kind}
        found.append(
            Found(
                event.workspace_id,
                EventKind.ALERT,
                f"alert:{event.pk}",
                str(event.pk),
                event.created_at,
                data,
            )
        )
    return found


def _record(item: Found, destinations: list[Destination]) -> list[int]:
    """Store one event and its cards; returns the new cards' ids ([] if it was known)."""
    try:
        with transaction.atomic():
            event = Event.objects.create(
                workspace_id=item.workspace_id,
                kind=item.kind,
                key=item.key,
                object_id=item.object_id,
                data=item.data,
                occurred_at=item.occurred_at,
            )
            cards = [
                Card(event=event, destination=d, next_at=item.occurred_at)
                for d in destinations
                # A destination made after the event does not get yesterday's news.
                if d.wants(item.kind) and d.created_at <= item.occurred_at
            ]
            Card.objects.bulk_create(cards)
            emails.queue_event_mails(event)
    except IntegrityError:  # another collector recorded it first
        return []
    return [c.pk for c in Card.objects.filter(event=event).order_by("pk")]


def collect(now: datetime) -> list[int]:
    """Record the new events since ``now - LOOKBACK``; returns the ids of new cards."""
    since = now - LOOKBACK
    found = _approvals_and_failures(since) + _audited(since) + _alerts(since)
    if not found:
        return []
    workspaces = {f.workspace_id for f in found}
    known = set(
        Event.objects.filter(
            workspace_id__in=workspaces, occurred_at__gte=since - LOOKBACK
        ).values_list("workspace_id", "key")
    )
    fresh = [f for f in found if (f.workspace_id, f.key) not in known]
    if not fresh:
        return []
    destinations: dict[int, list[Destination]] = {}
    for d in Destination.objects.filter(workspace_id__in={f.workspace_id for f in fresh}):
        destinations.setdefault(d.workspace_id, []).append(d)
    cards: list[int] = []
    for item in fresh:
        cards += _record(item, destinations.get(item.workspace_id, []))
    logger.info("notify: %s new events, %s cards", len(fresh), len(cards))
    return cards


#: Events (with their cards) are kept this long: long enough to look back at what was sent.
KEEP_EVENTS = timedelta(days=90)
#: Digest markers are kept beyond the longest period, so no period can be sent twice.
KEEP_DIGEST_MARKERS = timedelta(days=400)


def clean_up(now: datetime) -> int:
    """Delete old events (their cards go with them) and old digest markers."""
    events, _ = Event.objects.filter(occurred_at__lt=now - KEEP_EVENTS).delete()
    markers, _ = DigestSent.objects.filter(claimed_at__lt=now - KEEP_DIGEST_MARKERS).delete()
    return events + markers
