"""Sending cards: one try per claim, retried by the periodic sweep with backoff.

A card is claimed with a conditional update (``pending``/``retry`` and due → ``sending``), so
two workers never post the same card. Outcomes:

* posted (2xx) → ``sent``; the destination's ``last_sent_at`` moves, its last error clears;
* 429, 5xx, not reachable (nothing was posted) → ``retry`` after the receiver's
  ``Retry-After`` or our backoff (``rules.card_backoff``), ``failed`` after
  ``rules.MAX_CARD_ATTEMPTS`` tries;
* sent but no answer (read timeout, connection cut) → ``unconfirmed``: Teams and Slack keep
  no idempotency key, so posting again could show the card twice; the card is not retried and
  the destination shows the error;
* refused (4xx, a removed webhook, a private address) → ``failed`` at once.

Every failure is stored on the card and as the destination's "last error".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from koers.core.crypto import DecryptionError
from koers.core.outbound import error_text
from koers.networks.base import NetworkError, RetryableError, UnknownOutcomeError
from koers.networks.chat import Card as ChatCard
from koers.networks.chat import ChatSender
from koers.notify import rules
from koers.notify.cards import card_for, trial_card
from koers.notify.models import Card, CardState, Destination

logger = logging.getLogger(__name__)

TIMEOUT = 10.0
#: A claim older than this belongs to a worker that died; the sweep tries it again.
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    state: str
    error: str = ""
    retry_after: float | None = None


def deliver(destination: Destination, card: ChatCard) -> Outcome:
    """One POST of ``card`` to ``destination`` through the outbound guard."""
    language = destination.workspace.language
    try:
        sender = ChatSender(destination.kind, destination.url, timeout=TIMEOUT)  # type: ignore[arg-type]
    except DecryptionError as error:
        return Outcome(CardState.FAILED, str(error))
    try:
        sender.send(card)
    except RetryableError as error:
        return Outcome(CardState.RETRY, error.message, error.retry_after)
    except UnknownOutcomeError as error:
        return Outcome(CardState.UNCONFIRMED, error.message)
    except NetworkError as error:  # refused: a wrong or removed webhook, a private address
        return Outcome(CardState.FAILED, error_text(error, language))
    finally:
        sender.close()
    return Outcome(CardState.SENT)


def _remember(destination: Destination, outcome: Outcome, now: datetime) -> None:
    if outcome.state == CardState.SENT:
        Destination.objects.filter(pk=destination.pk).update(last_sent_at=now, last_error="")
    else:
        Destination.objects.filter(pk=destination.pk).update(
            last_error=outcome.error[:500], last_error_at=now
        )


def _claim(card_id: int, now: datetime) -> bool:
    due = Q(pk=card_id, state__in=[CardState.PENDING, CardState.RETRY], next_at__lte=now)
    return Card.objects.filter(due).update(state=CardState.SENDING, claimed_at=now) == 1


def send_card(card_id: int, now: datetime | None = None) -> str:
    """One try of one card; returns the resulting state (or "not-claimed")."""
    now = now or timezone.now()
    if not _claim(card_id, now):
        return "not-claimed"
    card = Card.objects.select_related("event", "destination__workspace").get(pk=card_id)
    destination = card.destination
    if not destination.enabled:
        outcome = Outcome(CardState.FAILED, "")
    else:
        chat_card = card_for(card.event, destination.workspace, destination.workspace.language)
        outcome = deliver(destination, chat_card)
    card.attempts += 1
    card.state, card.error, card.next_at = outcome.state, outcome.error[:500], None
    if outcome.state == CardState.RETRY:
        if card.attempts >= rules.MAX_CARD_ATTEMPTS:
            card.state = CardState.FAILED
        else:
            card.next_at = now + rules.card_backoff(card.attempts, outcome.retry_after)
    if card.state == CardState.SENT:
        card.sent_at = now
    else:
        logger.warning("notify card %s: %s (%s)", card_id, card.state, card.error)
    card.save(update_fields=["attempts", "state", "error", "next_at", "sent_at"])
    if destination.enabled:
        _remember(destination, outcome, now)
    return card.state


def due_cards(now: datetime) -> list[int]:
    """Cards to try now: new ones and retries that are due. A claim whose worker died is not
    tried again: it may have posted before dying, and a card must not show twice."""
    Card.objects.filter(state=CardState.SENDING, claimed_at__lt=now - LEASE).update(
        state=CardState.UNCONFIRMED, error="The worker stopped while sending."
    )
    due = Card.objects.filter(
        state__in=[CardState.PENDING, CardState.RETRY], next_at__lte=now
    ).order_by("next_at", "pk")
    return list(due.values_list("pk", flat=True)[:500])


def send_test(destination: Destination, language: str) -> Outcome:
    """Post a test card now (one try, no retry) and remember the outcome on the destination."""
    outcome = deliver(destination, trial_card(destination.workspace, language))
    _remember(destination, outcome, timezone.now())
    return outcome
