"""The two notifications of an alert event: an e-mail to the rule's recipients and a signed
webhook (the publishing webhook's ``WebhookSender``: HMAC-SHA256, Idempotency-Key).

Both are claimed with a conditional update, so a second worker never sends twice. A webhook
that fails with a retryable error (5xx, 429, timeout, no connection) is tried again with
backoff (``rules.webhook_backoff``) by the periodic sweep; after ``MAX_WEBHOOK_ATTEMPTS`` tries,
or at once on a refusal (4xx, bad signature), the event keeps a clear error.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koers.alerts import rules
from koers.alerts.models import AlertEvent, Delivery, RuleKind
from koers.core.crypto import DecryptionError
from koers.core.notifications import wanting_email
from koers.core.numbers import number
from koers.listening import rules as listening_rules
from koers.listening.models import Mention
from koers.listening.normalise import web_url
from koers.networks.base import NetworkError, RetryableError, UnknownOutcomeError
from koers.networks.webhook import WebhookSender

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10.0
#: A claim older than this belongs to a worker that died; the sweep tries again.
WEBHOOK_LEASE = timedelta(minutes=10)
SAMPLE = 2000  # texts per window for rising terms
SHOWN_MENTIONS = 10


# ---------------------------------------------------------------------------------------------
# What an alert says (shared by the e-mail, the webhook and the event page)
# ---------------------------------------------------------------------------------------------
def event_url(event: AlertEvent) -> str:
    path = reverse("alerts:event", args=[event.rule.workspace.slug, event.pk])
    return settings.BASE_URL + path


def listening_period(event: AlertEvent) -> int:
    """The shortest listening period (7, 30 or 90 days up to today) that holds the window."""
    age = timezone.now() - event.window_start
    return next((d for d in (7, 30, 90) if age < timedelta(days=d - 1)), 90)


def listening_url(event: AlertEvent) -> str:
    """The listening stream of the rule's topic over that period ("" for keyword rules)."""
    rule = event.rule
    if rule.topic_id is None:
        return ""
    path = reverse("listening:mentions", args=[rule.workspace.slug])
    query = f"?topic={rule.topic_id}&period={listening_period(event)}"
    if event.kind == RuleKind.SURGE:
        query += "&sentiment=negative"
    return settings.BASE_URL + path + query


def window_mentions(event: AlertEvent, limit: int = SHOWN_MENTIONS):
    """The mentions behind the event: the keyword matches, or the topic's in the window."""
    mentions = Mention.objects.filter(workspace_id=event.workspace_id)
    if event.kind == RuleKind.KEYWORD:
        mentions = mentions.filter(pk__in=event.mention_ids)
    else:
        mentions = mentions.filter(
            topic_links__topic_id=event.rule.topic_id,
            published_at__gte=event.window_start,
            published_at__lt=event.window_end,
        )
        if event.kind == RuleKind.SURGE:
            mentions = mentions.filter(sentiment="negative")
    return mentions.order_by("-published_at", "-id")[:limit]


def rising_terms(event: AlertEvent) -> list[listening_rules.RisingTerm]:
    """Terms of the topic that rose most in the window vs the same window a day earlier
    (listening's own rising-terms rule); none for keyword alerts."""
    topic = event.rule.topic
    if event.kind == RuleKind.KEYWORD or topic is None:
        return []

    def texts(start: datetime, end: datetime) -> list[str]:
        rows = Mention.objects.filter(
            workspace_id=event.workspace_id,
            topic_links__topic=topic,
            published_at__gte=start,
            published_at__lt=end,
        ).values_list("text", flat=True)
        return list(rows[:SAMPLE])

    day = timedelta(days=1)
    now = texts(event.window_start, event.window_end)
    before = texts(event.window_start - day, event.window_end - day)
    return listening_rules.rising_terms(
        now, before, limit=5, exclude=listening_rules.terms(topic.query)
    )


def headline(event: AlertEvent) -> str:
    """One sentence in the active language; the e-mail subject and the page title use it."""
    f, rule = event.figures, event.rule
    topic = rule.topic.name if rule.topic else ""
    if event.kind == RuleKind.SPIKE:
        if f.get("factor"):
            return _("%(topic)s: %(count)s mentions, %(factor)s× the usual") % {
                "topic": topic, "count": number(f["count"]), "factor": number(f["factor"]),
            }  # fmt: skip
        return _("%(topic)s: %(count)s mentions where there are usually none") % {
            "topic": topic, "count": f["count"],
        }  # fmt: skip
    if event.kind == RuleKind.SURGE:
        return _("%(topic)s: %(share)s%% negative (usually %(usual)s%%)") % {
            "topic": topic, "share": number(f["share"]), "usual": number(f["baseline_share"]),
        }  # fmt: skip
    return _("“%(rule)s”: %(count)s new matching mentions") % {
        "rule": rule.name, "count": event.match_count,
    }  # fmt: skip


def recipient_language(event: AlertEvent) -> str:
    """koers keeps no language per person yet, so alerts speak the workspace's language."""
    return event.rule.workspace.language


# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------
def _claim(event_id: int, field: str, now: datetime, extra: Q | None = None) -> bool:
    due = Q(pk=event_id, **{f"{field}_state__in": [Delivery.PENDING, Delivery.RETRY]})
    if extra is not None:
        due &= extra
    values: dict[str, Any] = {f"{field}_state": Delivery.SENDING}
    if field == "webhook":
        values["webhook_claimed_at"] = now
    return AlertEvent.objects.filter(due).update(**values) == 1


def render_email(event: AlertEvent, language: str) -> tuple[str, str]:
    workspace = event.rule.workspace
    with translation.override(language), timezone.override(workspace.time_zone):
        context = {
            "event": event,
            "rule": event.rule,
            "workspace": workspace,
            "headline": headline(event),
            "rising": rising_terms(event),
            "mentions": list(window_mentions(event)),
            "url": event_url(event),
            "listening_url": listening_url(event),
        }
        subject = _("Alert: %(headline)s") % {"headline": context["headline"]}
        body = render_to_string("alerts/email/alert.txt", context)
    return subject, body


def send_email(event_id: int) -> str:
    """Send the event's e-mail once; returns the resulting state."""
    if not _claim(event_id, "email", timezone.now()):
        return "not-claimed"
    event = AlertEvent.objects.select_related("rule__workspace", "rule__topic").get(pk=event_id)
    recipients = list(event.rule.recipients.all())
    # Each person's notification choices (koers.notify): who switched alert e-mails off gets none.
    wanting = wanting_email(event.workspace_id, "alert", recipients)
    if recipients and not wanting:
        event.email_state = Delivery.NONE
        event.save(update_fields=["email_state"])
        return event.email_state
    to = [u.email for u in wanting if u.email]
    if not to:
        with translation.override(recipient_language(event)):
            event.email_error = _("No recipient has an e-mail address.")
        event.email_state = Delivery.FAILED
        event.save(update_fields=["email_state", "email_error"])
        return event.email_state
    subject, body = render_email(event, recipient_language(event))
    try:
        send_mail(subject, body, None, to, fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("alert %s: e-mail failed (%s)", event_id, type(error).__name__)
        event.email_state = Delivery.FAILED
        with translation.override(recipient_language(event)):
            event.email_error = _("The mail server did not accept the e-mail (%(error)s).") % {
                "error": type(error).__name__
            }
    else:
        event.email_state, event.email_error = Delivery.SENT, ""
    event.save(update_fields=["email_state", "email_error"])
    return event.email_state


# ---------------------------------------------------------------------------------------------
# Webhook
# ---------------------------------------------------------------------------------------------
def webhook_payload(event: AlertEvent) -> dict[str, Any]:
    rule = event.rule
    with translation.override(rule.workspace.language):
        title = headline(event)
    return {
        "id": event.pk,
        "kind": event.kind,
        "title": title,
        "workspace": rule.workspace.slug,
        "rule": {"id": rule.pk, "name": rule.name},
        "topic": {"id": rule.topic_id, "name": rule.topic.name} if rule.topic else None,
        "window": {"start": event.window_start.isoformat(), "end": event.window_end.isoformat()},
        "figures": event.figures,
        "rising_terms": [t.term for t in rising_terms(event)],
        "mentions": [
            {
                "id": m.pk,
                "url": web_url(m.url),  # only http(s), like the pages
                "author": m.author_handle,
                "published_at": m.published_at.isoformat(),
                "text": m.text[:500],
            }
            for m in window_mentions(event)
        ],
        "url": event_url(event),
        "created_at": event.created_at.isoformat(),
    }


@dataclass(frozen=True)
class Outcome:
    state: str
    error: str = ""


def _try_webhook(event: AlertEvent) -> Outcome:
    rule = event.rule
    try:
        sender = WebhookSender(
            rule.webhook_url, rule.webhook_secret.encode(), timeout=WEBHOOK_TIMEOUT
        )
        sender.send(f"alert.{event.kind}", webhook_payload(event), f"koers-alert-{event.pk}")
    except (RetryableError, UnknownOutcomeError) as error:
        # The receiver dedupes on the Idempotency-Key, so re-sending after a timeout is safe.
        return Outcome(Delivery.RETRY, error.message)
    except NetworkError as error:  # refused (4xx) or bad signature: trying again won't help
        return Outcome(Delivery.FAILED, error.message)
    except DecryptionError as error:
        return Outcome(Delivery.FAILED, str(error))
    return Outcome(Delivery.SENT)


def send_webhook(event_id: int, now: datetime | None = None) -> str:
    """One try of the event's webhook; returns the resulting state."""
    now = now or timezone.now()
    if not _claim(event_id, "webhook", now, Q(webhook_next_at__lte=now)):
        return "not-claimed"
    event = AlertEvent.objects.select_related("rule__workspace", "rule__topic").get(pk=event_id)
    outcome = _try_webhook(event)
    event.webhook_attempts += 1
    event.webhook_state, event.webhook_error = outcome.state, outcome.error[:500]
    event.webhook_next_at = None
    if outcome.state == Delivery.RETRY:
        if event.webhook_attempts >= rules.MAX_WEBHOOK_ATTEMPTS:
            event.webhook_state = Delivery.FAILED
            with translation.override(event.rule.workspace.language):
                gave_up = _("Gave up after %(n)s tries: %(error)s")
            event.webhook_error = gave_up % {"n": event.webhook_attempts, "error": outcome.error}
        else:
            event.webhook_next_at = now + rules.webhook_backoff(event.webhook_attempts)
    if event.webhook_state != Delivery.SENT:
        logger.warning("alert %s: webhook %s (%s)", event_id, event.webhook_state, outcome.error)
    event.save(
        update_fields=["webhook_state", "webhook_error", "webhook_attempts", "webhook_next_at"]
    )
    return event.webhook_state


def due_webhooks(now: datetime) -> list[int]:
    """Events whose webhook should be tried now: retries that are due, and claims whose worker
    died (released first)."""
    AlertEvent.objects.filter(
        webhook_state=Delivery.SENDING, webhook_claimed_at__lt=now - WEBHOOK_LEASE
    ).update(webhook_state=Delivery.RETRY, webhook_next_at=now)
    due = AlertEvent.objects.filter(
        webhook_state__in=[Delivery.PENDING, Delivery.RETRY], webhook_next_at__lte=now
    )
    return list(due.values_list("pk", flat=True)[:500])
