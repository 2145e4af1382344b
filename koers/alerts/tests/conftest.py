"""Alerts fixtures: a topic with hourly rollups, mentions, and rule factories for Acme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from koers.alerts import actions
from koers.alerts.models import RuleKind
from koers.listening.models import HourlyRollup, Mention, MentionTopic, Topic, TopicKind
from koers.networks.testing.webhook import FakeWebhookReceiver

#: A Wednesday morning; rules are created a day earlier so its windows count.
NOW = datetime(2026, 11, 25, 10, 20, tzinfo=UTC)
HOOK_SECRET = "alert-hook-secret"
_ids = count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def topic(acme):
    return Topic.objects.create(
        workspace=acme, name="Duinwijk", kind=TopicKind.BRAND, query="duinwijk OR #duinwijk"
    )


@pytest.fixture
def rollup():
    """``rollup(topic, hour, n, sentiment="neutral")`` adds n mentions to one rollup cell."""

    def add(topic, hour, n, sentiment="neutral", network="mastodon"):
        cell, _ = HourlyRollup.objects.get_or_create(
            workspace=topic.workspace, topic=topic, hour=hour, network=network, lang="nl",
            sentiment=sentiment,
        )  # fmt: skip
        cell.count += n
        cell.save(update_fields=["count"])

    return add


@pytest.fixture
def usual_week(topic):
    """Ten mentions (two negative) in every hour of the 8 days before NOW, up to 09:00."""
    cells = []
    hour = NOW.replace(minute=0) - timedelta(days=8)
    while hour < NOW.replace(minute=0) - timedelta(hours=1):
        for sentiment, n in (("neutral", 8), ("negative", 2)):
            cells.append(
                HourlyRollup(
                    workspace=topic.workspace,
                    topic=topic,
                    hour=hour,
                    network="mastodon",
                    lang="nl",
                    sentiment=sentiment,
                    count=n,
                )  # fmt: skip
            )
        hour += timedelta(hours=1)
    HourlyRollup.objects.bulk_create(cells)
    return topic


@pytest.fixture
def mention(acme):
    """``mention(text, topic=None, at=NOW, sentiment="neutral")`` stores one mention."""

    def make(text, *, topic=None, at=None, sentiment="neutral", ingested=None, workspace=None):
        n = next(_ids)
        at = at or NOW - timedelta(minutes=5)
        m = Mention.objects.create(
            workspace=workspace or acme, network="mastodon", remote_id=f"m{n}",
            url=f"https://social.example/@jan/{n}", author_handle="@jan@social.example",
            text=text, text_hash=f"{n:016x}", lang="nl", sentiment=sentiment, published_at=at,
            ingested_at=ingested or at,
        )  # fmt: skip
        if topic is not None:
            MentionTopic.objects.create(
                workspace=m.workspace, mention=m, topic=topic, published_at=at
            )
        return m

    return make


@pytest.fixture
def make_rule(acme, anna):
    """``make_rule(kind, **fields)``: a rule created a day before NOW (time-frozen)."""
    import time_machine

    def make(kind=RuleKind.SPIKE, *, created=None, recipients=(), **fields):
        values = {
            "name": f"Regel {next(_ids)}",
            "kind": kind,
            "window_hours": 1,
            "threshold": 3.0 if kind == RuleKind.SPIKE else 20.0,
            "min_count": 10,
            "cooldown_minutes": 60,
            "enabled": True,
        }
        values.update(fields)
        with time_machine.travel(created or NOW - timedelta(days=1), tick=False):
            return actions.create_rule(acme, anna, recipients=recipients, **values)

    return make


@pytest.fixture
def receiver():
    with FakeWebhookReceiver(secret=HOOK_SECRET.encode()) as fake:
        yield fake
