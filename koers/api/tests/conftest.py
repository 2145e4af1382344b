"""API fixtures: tokens, a client that sends them, and the same small world in Acme and Bolt
(a channel, a content item, a topic with mentions, an inbox item, an alert)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from koers.alerts.models import AlertEvent, AlertRule, RuleKind
from koers.api import actions
from koers.core.models import Role
from koers.engagement import actions as inbox_actions
from koers.listening.models import Mention, MentionTopic, Topic, TopicKind
from koers.publishing import actions as publishing_actions
from koers.publishing.models import Channel

_numbers = count(1)
NOON = datetime(2026, 11, 18, 11, 0, tzinfo=UTC)


@pytest.fixture
def token_for():
    """``token_for(user, workspace, role=None, read_only=False, expires_at=None)`` → secret."""

    def make(user, workspace, role=None, read_only=False, expires_at=None, name="test"):
        from koers.core.models import Membership

        role = role or Membership.objects.get(user=user, workspace=workspace).role
        _token, secret = actions.create_token(
            workspace, user, name=name, role=role, read_only=read_only, expires_at=expires_at
        )
        return secret

    return make


class Api:
    """The Django test client with a bearer token and JSON bodies."""

    def __init__(self, client, secret: str, language: str = "en") -> None:
        self.client, self.secret, self.language = client, secret, language

    def _headers(self, extra: dict) -> dict:
        return {
            "Authorization": f"Bearer {self.secret}",
            "Accept-Language": self.language,
            **extra,
        }

    def get(self, path: str, params: dict | None = None, **headers):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers(headers))

    def send(self, method: str, path: str, body=None, **headers):
        data = body if isinstance(body, str | bytes) else json.dumps(body or {})
        call = getattr(self.client, method.lower())
        return call(
            f"/api/v1{path}", data, content_type="application/json", headers=self._headers(headers)
        )

    def post(self, path: str, body=None, **headers):
        return self.send("POST", path, body, **headers)

    def patch(self, path: str, body=None, **headers):
        return self.send("PATCH", path, body, **headers)


@pytest.fixture
def api_as(client, token_for):
    """``api_as(user, workspace, **token options)`` → an ``Api`` with a fresh token."""

    def make(user, workspace, language="en", **options):
        return Api(client, token_for(user, workspace, **options), language)

    return make


def _channel(workspace, name: str) -> Channel:
    channel = Channel(
        workspace=workspace, network="mastodon", name=name, endpoint="https://mastodon.nl",
        account=f"@{workspace.slug}@mastodon.nl", is_demo=True,
    )  # fmt: skip
    channel.set_secret("not-used")
    channel.save()
    return channel


def build_world(workspace, owner, word: str) -> dict:
    """One of everything the API reads, in ``workspace``; texts carry ``word``."""
    channel = _channel(workspace, f"Mastodon {word}")
    item = publishing_actions.save_item(
        workspace, owner, title=f"Post {word}", text=f"Tekst {word}",
        channel_texts={channel.pk: ""},
    )  # fmt: skip
    topic = Topic.objects.create(
        workspace=workspace, name=f"Topic {word}", kind=TopicKind.BRAND, query=word.lower()
    )
    mentions = []
    for n in range(3):
        number = next(_numbers)
        at = NOON - timedelta(hours=n)
        mention = Mention.objects.create(
            workspace=workspace, network="mastodon", remote_id=f"https://x.social/{number}",
            url=f"https://x.social/@jan/{number}", author_handle="@jan@x.social",
            text=f"{word} vraag {n}", text_hash=f"{number:016x}", lang="nl",
            sentiment="negative" if n == 0 else "neutral", published_at=at, ingested_at=at,
        )  # fmt: skip
        MentionTopic.objects.create(
            workspace=workspace, mention=mention, topic=topic, published_at=at
        )
        mentions.append(mention)
    inbox_item, _ = inbox_actions.add_manually(mentions[0], owner)
    rule = AlertRule.objects.create(
        workspace=workspace, name=f"Piek {word}", kind=RuleKind.SPIKE, topic=topic
    )
    event = AlertEvent.objects.create(
        workspace=workspace, rule=rule, kind="spike", window_key="k",
        window_start=NOON, window_end=NOON + timedelta(hours=1), observed=40,
    )  # fmt: skip
    return {
        "channel": channel, "item": item, "topic": topic, "mentions": mentions,
        "inbox": inbox_item, "rule": rule, "alert": event,
    }  # fmt: skip


@pytest.fixture
def acme_world(acme, anna):
    return build_world(acme, anna, "Acme")


@pytest.fixture
def bolt_world(bolt, carla):
    return build_world(bolt, carla, "Bolt")


__all__ = ["NOON", "Role", "build_world"]
