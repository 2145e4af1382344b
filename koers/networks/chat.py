"""Chat incoming webhooks: Microsoft Teams (Workflows and the old Office 365 connectors) and
Slack. The wire formats live here and nowhere else; no Django.

What each receiver accepts (README, "Notifications in Teams and Slack"):

* **Slack** incoming webhook (``https://hooks.slack.com/services/…``): a JSON body with
  ``text`` (the fallback shown in notifications) and ``blocks`` (Block Kit). Answers
  ``200 ok``; errors are 4xx with a word (``invalid_blocks``, ``channel_not_found``,
  ``channel_is_archived``, ``invalid_token``); rate limit 429 with ``Retry-After``.
* **Teams Workflows** ("Post to a channel when a webhook request is received", URLs on
  ``*.logic.azure.com`` or ``*.api.powerplatform.com``): a message envelope
  ``{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": <AdaptiveCard>}]}``.
  Workflows post Adaptive Cards only; they answer ``202 Accepted``.
* **Office 365 connector** (legacy, ``*.webhook.office.com/webhookb2/…`` or
  ``outlook.office.com/webhook/…``): the legacy ``MessageCard`` (``@type``, ``@context``,
  ``summary``, ``sections``, ``potentialAction``). It answers ``200`` with the text ``1``; a
  failure can come back as ``200`` with an error text, so any other body is an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from koers.networks.base import (
    PermanentError,
    RetryableError,
)
from koers.networks.safety import http_client
from koers.networks.webhook import post_classified

NETWORK = "chat"
ChatKind = Literal["teams", "slack"]
ADAPTIVE_CARD_VERSION = "1.4"  # Teams renders 1.5 on desktop, 1.4 everywhere (mobile too)
ADAPTIVE_CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SLACK_TEXT_MAX = 3000  # Block Kit: a section's text
SLACK_HEADER_MAX = 150  # Block Kit: a header's plain text
SLACK_BUTTON_MAX = 75
MAX_FACTS = 10  # Block Kit allows 10 fields per section

Tone = Literal["info", "warning", "danger"]
_TEAMS_COLOR = {"info": "Accent", "warning": "Warning", "danger": "Attention"}
_HEX_COLOR = {"info": "0076D7", "warning": "F2A900", "danger": "D13438"}


@dataclass(frozen=True)
class Card:
    """What one notification says, already in its reader's language."""

    title: str
    text: str
    link_url: str
    link_label: str
    facts: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    tone: Tone = "info"
    context: str = ""  # a small line under the card (workspace name)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn gives &, < and > a meaning; its documented escapes keep them literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(card: Card) -> dict[str, Any]:
    """Block Kit: header, text section, fields (facts), a context line, a link button."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _clip(card.title, SLACK_HEADER_MAX)},
        }
    ]
    if card.text:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _clip(_slack_escape(card.text), SLACK_TEXT_MAX)},
            }
        )
    if card.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {
                        "type": "mrkdwn",
                        "text": _clip(f"*{_slack_escape(k)}*\n{_slack_escape(v)}", 2000),
                    }
                    for k, v in card.facts[:MAX_FACTS]
                ],
            }
        )
    if card.context:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": _slack_escape(card.context)}],
            }
        )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {
                        "type": "plain_text",
                        "text": _clip(card.link_label, SLACK_BUTTON_MAX),
                    },
                    "url": card.link_url,
                    **({"style": "danger"} if card.tone == "danger" else {}),
                }
            ],
        }
    )
    return {
        "text": _clip(f"{card.title}: {card.text}" if card.text else card.title, 3000),
        "blocks": blocks,
    }


def adaptive_card(card: Card) -> dict[str, Any]:
    """An Adaptive Card: a title, the text, a FactSet, and an ``Action.OpenUrl`` back to koers."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": card.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
            "color": _TEAMS_COLOR[card.tone],
        }
    ]
    if card.text:
        body.append({"type": "TextBlock", "text": card.text, "wrap": True})
    if card.facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": k, "value": v} for k, v in card.facts[:MAX_FACTS]],
            }
        )
    if card.context:
        body.append(
            {
                "type": "TextBlock",
                "text": card.context,
                "isSubtle": True,
                "size": "Small",
                "wrap": True,
            }
        )
    return {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": ADAPTIVE_CARD_VERSION,
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": card.link_label, "url": card.link_url}],
        "msteams": {"width": "Full"},
    }


def teams_payload(card: Card) -> dict[str, Any]:
    """The message envelope Teams Workflows' webhook trigger accepts."""
    return {
        "type": "message",
        "attachments": [
            {"contentType": ADAPTIVE_CARD_TYPE, "contentUrl": None, "content": adaptive_card(card)}
        ],
    }


def message_card_payload(card: Card) -> dict[str, Any]:
    """The legacy MessageCard an Office 365 connector URL accepts."""
    section: dict[str, Any] = {"activityTitle": card.title, "text": card.text or card.title}
    if card.facts:
        section["facts"] = [{"name": k, "value": v} for k, v in card.facts[:MAX_FACTS]]
    if card.context:
        section["activitySubtitle"] = card.context
    return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": _clip(card.title, 200),
        "themeColor": _HEX_COLOR[card.tone],
        "title": card.title,
        "sections": [section],
        "potentialAction": [
            {
                "@type": "OpenUri",
                "name": card.link_label,
                "targets": [{"os": "default", "uri": card.link_url}],
            }
        ],
    }


def is_legacy_teams_url(url: str) -> bool:
    """An Office 365 connector URL (MessageCard), not a Workflows URL (Adaptive Card)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith(".webhook.office.com") or host == "webhook.office.com":
        return True
    return host in ("outlook.office.com", "outlook.office365.com") and parts.path.startswith(
        "/webhook"
    )


def payload_for(kind: ChatKind, url: str, card: Card) -> dict[str, Any]:
    if kind == "slack":
        return slack_payload(card)
    return message_card_payload(card) if is_legacy_teams_url(url) else teams_payload(card)


class ChatSender:
    """Posts one card to one incoming webhook and classifies the answer like every adapter
    (in the generic webhook's sentences, which ``koers.core.neterrors`` translates):
    :class:`RetryableError` (nothing posted: 429/5xx, not reachable; ``retry_after`` when the
    receiver said so), :class:`UnknownOutcomeError` (sent, no answer: the card may be there),
    other :class:`NetworkError` (refused: a wrong or removed webhook; trying again won't help).
    """

    def __init__(
        self, kind: ChatKind, url: str, *, timeout: float = 10.0, http: httpx.Client | None = None
    ) -> None:
        self.kind = kind
        self.url = url
        self.host = httpx.URL(url).host
        # The URL is the customer's: public addresses only (koers.networks.safety).
        self._http = http or http_client(
            timeout=httpx.Timeout(timeout), headers={"User-Agent": "koers-notify"}
        )

    def __repr__(self) -> str:  # the URL is a secret (whoever has it can post)
        return f"ChatSender({self.kind}, {self.host})"

    def send(self, card: Card) -> None:
        body = json.dumps(payload_for(self.kind, self.url, card), ensure_ascii=False)
        response = post_classified(
            self._http,
            self.url,
            body.encode("utf-8"),
            {"Content-Type": "application/json"},
            self.host,
            network=NETWORK,
        )
        if self.kind == "teams" and is_legacy_teams_url(self.url):
            _check_connector_answer(response, self.host)

    def close(self) -> None:
        self._http.close()


def _check_connector_answer(response: httpx.Response, host: str) -> None:
    """An Office 365 connector answers ``1``; a throttled or refused card can come back as a
    200 carrying the error text instead."""
    text = response.text.strip()
    if text in ("", "1"):
        return
    if "429" in text:
        raise RetryableError(
            f"The webhook at {host} is unavailable (429).", network=NETWORK, status=429
        )
    raise PermanentError(
        f"The webhook at {host} refused the delivery (200: {text[:200]}).", network=NETWORK
    )
