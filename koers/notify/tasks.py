"""Background work of notifications; tasks take ids.

Every minute: record new events (with their cards) and enqueue the cards that are due (new
ones and retries whose wait is over). Every five minutes: enqueue the digests whose hour has
come; each digest task claims its period's marker itself, so enqueueing one twice is harmless.
"""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from koers.core.scheduler import periodic
from koers.notify import collect, digest, send


@periodic(every=timedelta(minutes=1), name="notify.cards")
@task()
def notify_cards() -> int:
    """Record new events and enqueue due cards; returns how many cards were enqueued."""
    now = timezone.now()
    collect.collect(now)
    due = send.due_cards(now)
    for card_id in due:
        send_card.enqueue(card_id)
    return len(due)


@task()
def send_card(card_id: int) -> str:
    return send.send_card(card_id)


@periodic(every=timedelta(minutes=5), name="notify.digests")
@task()
def notify_digests() -> int:
    due = digest.due(timezone.now())
    for preference_id in due:
        send_digest.enqueue(preference_id)
    return len(due)


@task()
def send_digest(preference_id: int) -> str:
    return digest.send(preference_id)


@periodic(every=timedelta(hours=24), name="notify.cleanup")
@task()
def clean_up_notifications() -> int:
    return collect.clean_up(timezone.now())
