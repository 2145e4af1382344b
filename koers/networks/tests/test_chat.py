"""Chat incoming webhooks (Teams Workflows, Office 365 connectors, Slack): the documented
shapes, and how the sender classifies a misbehaving service (no Django)."""

from __future__ import annotations

import json

import pytest

from koers.networks.base import (
    PermanentError,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.chat import (
    Card,
    ChatSender,
    is_legacy_teams_url,
    message_card_payload,
    payload_for,
    slack_payload,
    teams_payload,
)
from koers.networks.safety import OutboundBlockedError
from koers.networks.testing.chat import FakeChatReceiver, slack_shape_ok, teams_shape_ok

CARD = Card(
    title="“Fietsdag” wacht op goedkeuring",
    text="dirk vraagt om goedkeuring <b>nu</b> & snel",
    link_url="https://koers.example/w/acme/calendar/items/7/",
    link_label="Bericht beoordelen",
    facts=(("Kanaal", "Mastodon"),),
    tone="warning",
    context="koers · Acme",
)


def test_slack_gets_block_kit_with_escaped_text_and_a_link_button():
    body = slack_payload(CARD)
    assert slack_shape_ok(body)
    header, section, fields, context, actions = body["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": CARD.title}}
    assert section["text"] == {
        "type": "mrkdwn",
        "text": "dirk vraagt om goedkeuring &lt;b&gt;nu&lt;/b&gt; &amp; snel",
    }
    assert fields["fields"] == [{"type": "mrkdwn", "text": "*Kanaal*\nMastodon"}]
    assert context["elements"][0]["text"] == "koers · Acme"
    button = actions["elements"][0]
    assert button["type"] == "button" and button["url"] == CARD.link_url
    assert body["text"].startswith(CARD.title)  # the notification's fallback


def test_slack_limits_are_kept_for_long_texts():
    long = Card(
        title="x" * 400, text="y" * 5000, link_url="https://k.example/", link_label="z" * 99
    )
    blocks = slack_payload(long)["blocks"]
    assert len(blocks[0]["text"]["text"]) == 150
    assert len(blocks[1]["text"]["text"]) == 3000
    assert len(blocks[-1]["elements"][0]["text"]["text"]) == 75


def test_teams_gets_an_adaptive_card_in_the_workflows_message_envelope():
    body = teams_payload(CARD)
    assert teams_shape_ok(body)
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert [b["type"] for b in card["body"]] == ["TextBlock", "TextBlock", "FactSet", "TextBlock"]
    assert card["body"][0]["color"] == "Warning" and card["body"][1]["text"] == CARD.text
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Bericht beoordelen", "url": CARD.link_url}
    ]


@pytest.mark.parametrize(
    ("url", "legacy"),
    [
        ("https://gemeente.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d", True),
        ("https://outlook.office.com/webhook/a@b/IncomingWebhook/c/d", True),
        ("https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual", False),
        ("https://default1.environment.api.powerplatform.com/powerautomate/x", False),
        ("https://outlook.office.com/mail/", False),
        ("https://webhook.office.com.evil.example/webhookb2/x", False),
    ],
)
def test_an_old_connector_address_is_told_from_a_workflows_address(url, legacy):
    assert is_legacy_teams_url(url) is legacy
    body = payload_for("teams", url, CARD)
    assert (body.get("@type") == "MessageCard") is legacy


def test_the_legacy_message_card_has_summary_sections_and_an_open_uri_action():
    body = message_card_payload(CARD)
    assert body["@type"] == "MessageCard" and body["summary"] == CARD.title
    assert body["themeColor"] == "F2A900"
    assert body["sections"][0]["facts"] == [{"name": "Kanaal", "value": "Mastodon"}]
    assert body["potentialAction"] == [
        {
            "@type": "OpenUri",
            "name": "Bericht beoordelen",
            "targets": [{"os": "default", "uri": CARD.link_url}],
        }
    ]


@pytest.fixture
def chat():
    with FakeChatReceiver() as fake:
        yield fake


def test_the_sender_posts_json_and_accepts_slacks_ok_and_teams_202(chat):
    ChatSender("slack", f"{chat.url}/slack/T/B/x").send(CARD)
    ChatSender("teams", f"{chat.url}/teams/flow").send(CARD)
    assert [k for k, _ in chat.cards] == ["slack", "teams"]
    request = chat.requests[0]
    assert request.header("content-type") == "application/json"
    assert json.loads(request.body)["blocks"][0]["text"]["text"] == CARD.title


def test_a_5xx_and_a_429_are_retryable_with_the_services_wait(chat):
    sender = ChatSender("slack", f"{chat.url}/slack/T/B/x")
    chat.fail_next(1, status=500)
    with pytest.raises(RetryableError) as error:
        sender.send(CARD)
    assert error.value.status == 500 and error.value.retry_after is None
    chat.ratelimit_next(1, retry_after=42)
    with pytest.raises(RetryableError) as error:
        sender.send(CARD)
    assert error.value.status == 429 and error.value.retry_after == 42
    sender.send(CARD)
    assert len(chat.cards) == 1


def test_no_answer_after_sending_is_an_unknown_outcome(chat):
    chat.delay_after_handling("/teams/", seconds=2)
    with pytest.raises(UnknownOutcomeError, match="No answer from the webhook"):
        ChatSender("teams", f"{chat.url}/teams/flow", timeout=0.5).send(CARD)
    assert len(chat.cards) == 1  # it arrived all the same


def test_a_removed_webhook_is_refused_with_the_services_word(chat):
    with pytest.raises(PermanentError, match="404: no_service"):
        ChatSender("slack", f"{chat.url}/gone/x").send(CARD)


def test_nothing_is_reachable_is_retryable(closed_port_url):
    with pytest.raises(RetryableError, match="Could not reach the webhook"):
        ChatSender("slack", f"{closed_port_url}/slack/x").send(CARD)


def test_a_private_address_is_refused_before_anything_is_sent(chat, strict_outbound):
    with pytest.raises(OutboundBlockedError):
        ChatSender("slack", f"{chat.url}/slack/x").send(CARD)
    assert chat.requests == []
