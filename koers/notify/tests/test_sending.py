"""Sending cards to chat services that misbehave: 500 then OK, 429 with Retry-After, no
answer, a removed webhook, a private address, a worker that dies. Never a card twice; every
failure is visible on the destination."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import respx
from django.utils import timezone, translation

from koers.networks.chat import Card as ChatCard
from koers.networks.chat import ChatSender
from koers.notify import collect, rules, send
from koers.notify.models import Card, CardState


@pytest.fixture
def pending(submitted, destination):
    """One approval-request card for a Slack destination, recorded and due."""

    def make(kind="slack", url=None):
        dest = destination(kind, url=url)
        submitted()
        now = timezone.now()
        (card_id,) = collect.collect(now)
        return Card.objects.get(pk=card_id), dest, now

    return make


def sweep(now):
    return [send.send_card(pk, now) for pk in send.due_cards(now)]


def test_a_500_is_retried_after_the_backoff_and_the_card_arrives_once(pending, chat):
    card, dest, now = pending()
    chat.fail_next(1, status=500)
    assert sweep(now) == ["retry"]
    card.refresh_from_db()
    assert card.attempts == 1 and card.next_at == now + timedelta(minutes=1)
    dest.refresh_from_db()
    with translation.override("nl"):
        from koers.core.neterrors import translate

        assert translate(dest.last_error) == "De webhook op 127.0.0.1 is niet beschikbaar (500)."
    assert sweep(now + timedelta(seconds=30)) == []  # not due yet
    assert sweep(now + timedelta(minutes=1)) == ["sent"]
    assert sweep(now + timedelta(minutes=5)) == []
    assert len(chat.cards) == 1 and len(chat.requests) == 2
    dest.refresh_from_db()
    assert dest.last_error == "" and dest.last_sent_at == now + timedelta(minutes=1)


def test_a_429_waits_as_long_as_retry_after_says(pending, chat):
    card, dest, now = pending()
    chat.ratelimit_next(1, retry_after=300)
    assert sweep(now) == ["retry"]
    card.refresh_from_db()
    assert card.next_at == now + timedelta(seconds=300)  # more than our own 1 minute
    assert sweep(now + timedelta(minutes=4)) == []
    assert sweep(now + timedelta(minutes=5)) == ["sent"]
    assert len(chat.cards) == 1


def test_no_answer_after_sending_is_not_sent_again(pending, chat, monkeypatch):
    monkeypatch.setattr(send, "TIMEOUT", 0.5)
    card, dest, now = pending()
    chat.delay_after_handling("/slack/", seconds=2)
    assert sweep(now) == ["unconfirmed"]
    for later in (1, 10, 60):
        assert sweep(now + timedelta(minutes=later)) == []
    assert len(chat.cards) == 1  # it did arrive; a retry would have shown it twice
    dest.refresh_from_db()
    assert dest.last_error == "No answer from the webhook at 127.0.0.1 after sending."


def test_a_removed_webhook_fails_at_once_with_its_reason(pending, chat):
    card, dest, now = pending(url=None)
    dest.set_url(f"{chat.url}/gone/T0/B0/x")
    dest.save()
    assert sweep(now) == ["failed"]
    assert sweep(now + timedelta(hours=1)) == []
    card.refresh_from_db()
    assert card.attempts == 1 and card.state == CardState.FAILED
    dest.refresh_from_db()
    assert "refused the delivery (404: no_service)" in dest.last_error


def test_a_service_that_keeps_failing_is_given_up_after_the_last_try(pending, chat):
    card, dest, now = pending()
    chat.fail_next(rules.MAX_CARD_ATTEMPTS, status=503)
    when, states = now, []
    for _ in range(rules.MAX_CARD_ATTEMPTS + 2):
        states += sweep(when)
        when += rules.MAX_WAIT
    assert states == ["retry"] * (rules.MAX_CARD_ATTEMPTS - 1) + ["failed"]
    assert chat.cards == []


def test_a_card_whose_worker_died_is_not_posted_again(pending, chat):
    card, dest, now = pending()
    Card.objects.filter(pk=card.pk).update(state=CardState.SENDING, claimed_at=now)
    assert send.due_cards(now + timedelta(minutes=1)) == []  # still within the lease
    assert send.due_cards(now + send.LEASE + timedelta(seconds=1)) == []
    card.refresh_from_db()
    assert card.state == CardState.UNCONFIRMED and chat.requests == []


def test_two_workers_with_the_same_card_post_it_once(pending, chat):
    card, dest, now = pending()
    assert send.send_card(card.pk, now) == "sent"
    assert send.send_card(card.pk, now) == "not-claimed"
    assert len(chat.cards) == 1


def test_a_private_address_is_refused_by_the_outbound_guard(pending, chat, settings):
    card, dest, now = pending()
    settings.KOERS_ALLOW_PRIVATE_URLS = False
    assert sweep(now) == ["failed"]
    assert chat.requests == []
    dest.refresh_from_db()
    assert "private network" in dest.last_error or "privénetwerk" in dest.last_error


LEGACY = "https://gemeente.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456"


@respx.mock
def test_an_old_office_365_connector_gets_a_message_card():
    route = respx.post(LEGACY).mock(return_value=httpx.Response(200, text="1"))
    card = ChatCard(title="T", text="x", link_url="https://k.example/a", link_label="Open")
    ChatSender("teams", LEGACY, http=httpx.Client()).send(card)
    body = route.calls.last.request.read()
    import json

    sent = json.loads(body)
    assert sent["@type"] == "MessageCard" and sent["@context"] == "https://schema.org/extensions"
    assert sent["potentialAction"][0]["targets"] == [
        {"os": "default", "uri": "https://k.example/a"}
    ]


@respx.mock
def test_a_connector_that_answers_200_with_a_throttling_text_is_retried():
    from koers.networks.base import PermanentError, RetryableError

    respx.post(LEGACY).mock(
        side_effect=[
            httpx.Response(200, text="Microsoft Teams endpoint returned HTTP error 429"),
            httpx.Response(200, text="Summary or Text is required."),
        ]
    )
    card = ChatCard(title="T", text="x", link_url="https://k.example/a", link_label="Open")
    sender = ChatSender("teams", LEGACY, http=httpx.Client())
    with pytest.raises(RetryableError):
        sender.send(card)
    with pytest.raises(PermanentError, match="Summary or Text is required"):
        sender.send(card)
