"""Measure per key message: the posts that carried each key message and what they earned."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.urls import reverse

from koers.core.crypto import encrypt
from koers.measurement.messages import per_key_message
from koers.measurement.periods import Period
from koers.measurement.tests.conftest import add_post
from koers.publishing.models import Channel, ContentItem, Delivery, DeliveryState, State
from koers.strategy import actions as strategy_actions
from koers.strategy.models import KeyMessage

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


def published(acme, channel, remote_id, day, key_message=None):
    item = ContentItem.objects.create(
        workspace=acme, title=remote_id, text=remote_id, state=State.PUBLISHED,
        key_message=key_message,
    )  # fmt: skip
    Delivery.objects.create(
        workspace=acme, item=item, channel=channel, state=DeliveryState.PUBLISHED,
        remote_id=remote_id, published_at=datetime(2026, 10, day, 9, 0, tzinfo=UTC),
    )  # fmt: skip


def test_posts_and_engagements_are_reported_per_key_message(client_for, anna, acme):
    cycle = strategy_actions.create_cycle(
        acme, anna, name="2026", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )
    strategy_actions.update_strategy(
        cycle, anna, key_messages="Fiets vaker\nVeilig op weg", current_relationship="",
        target_relationship="", ambassadors="",
    )  # fmt: skip
    fiets = KeyMessage.objects.get(text="Fiets vaker")
    channel = Channel.objects.create(
        workspace=acme, network="mastodon", name="M", endpoint="https://m.example",
        secret_enc=encrypt("x"),
    )  # fmt: skip
    published(acme, channel, "a1", 3, fiets)
    published(acme, channel, "a2", 10, fiets)
    published(acme, channel, "a3", 11)  # no key message
    published(acme, channel, "a4", 12, fiets)  # not measured yet
    add_post(acme, "a1", datetime(2026, 10, 3, 9, tzinfo=UTC), likes=10, replies=2, reposts=3)
    add_post(acme, "a2", datetime(2026, 10, 10, 9, tzinfo=UTC), likes=4, replies=0, reposts=1)
    add_post(acme, "a3", datetime(2026, 10, 11, 9, tzinfo=UTC), likes=1, replies=0, reposts=0)

    rows = per_key_message(acme, OCTOBER)

    assert [(r.key_message, r.posts, r.measured, r.engagements) for r in rows] == [
        ("Fiets vaker", 3, 2, 20),  # 15 + 5; the unmeasured post counts as posted, not as 0
        ("", 1, 1, 1),
    ]
    assert rows[0].per_post == 10
    page = client_for(anna).get(
        reverse("measurement:index", args=[acme.slug]), {"period": "2026-10"}
    )
    html = page.content.decode()
    assert "Per kernboodschap" in html and "Fiets vaker" in html and "geen kernboodschap" in html


def test_no_published_posts_no_rows(acme):
    assert per_key_message(acme, OCTOBER) == []
