"""Share of voice and net sentiment from the listening app's hourly rollups."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from koers.listening.models import HourlyRollup, Topic
from koers.measurement import kpis, periods

pytestmark = pytest.mark.django_db
OCTOBER = periods.parse("2026-10")


def topic(workspace, name, kind):
    return Topic.objects.create(workspace=workspace, name=name, kind=kind, query=name)


def cell(topic, hour, sentiment, count):
    HourlyRollup.objects.create(
        workspace=topic.workspace, topic=topic, hour=hour, network="mastodon", lang="nl",
        sentiment=sentiment, count=count,
    )  # fmt: skip


@pytest.fixture
def rollups(acme):
    """Brand: 30 positive, 50 neutral, 20 negative in October; competitors 60 and 40 (one
    competitor cell at 22:00 UTC on 31 October is already 1 November in Amsterdam)."""
    brand = topic(acme, "Duinwijk", "brand")
    rival = topic(acme, "Zeestad", "competitor")
    other = topic(acme, "Bosdorp", "competitor")
    hour = datetime(2026, 10, 10, 9, tzinfo=UTC)
    for sentiment, count in (("positive", 30), ("neutral", 50), ("negative", 20)):
        cell(brand, hour, sentiment, count)
    cell(rival, hour, "neutral", 60)
    cell(other, hour, "neutral", 40)
    cell(other, datetime(2026, 10, 31, 23, tzinfo=UTC), "neutral", 1000)
    return brand


def test_share_of_voice_is_brand_over_brand_and_competitors(acme, rollups):
    """100 / (100 + 60 + 40) · 100 = 50.0%."""
    result = kpis.compute(kpis.gather(acme, OCTOBER), "share_of_voice")
    assert (result.numerator, result.denominator, result.value) == (100, 200, 50.0)


def test_net_sentiment_with_and_without_neutral(acme, rollups):
    """(30 − 20) / 100 · 100 = 10.0; without neutral (30 − 20) / 50 · 100 = 20.0."""
    inputs = kpis.gather(acme, OCTOBER)
    assert kpis.compute(inputs, "net_sentiment").value == 10.0
    assert kpis.compute(inputs, "net_sentiment", "without_neutral").value == 20.0


def test_no_brand_topic_means_no_share_of_voice(acme):
    topic(acme, "Zeestad", "competitor")
    assert kpis.compute(kpis.gather(acme, OCTOBER), "share_of_voice").value is None


def test_a_brand_without_mentions_has_zero_share_against_competitors(acme, rollups):
    november = periods.parse("2026-11")
    result = kpis.compute(kpis.gather(acme, november), "share_of_voice")
    assert (result.numerator, result.denominator, result.value) == (0, 1000, 0.0)


def test_another_workspace_sees_none_of_these_mentions(bolt, rollups):
    assert kpis.gather(bolt, OCTOBER).mentions is None


def test_drill_down_lists_the_brand_mentions_of_the_period(acme, anna, client_for, rollups):
    from django.urls import reverse

    from koers.listening.models import Mention, MentionTopic

    when = datetime(2026, 10, 10, 9, 30, tzinfo=UTC)
    for remote_id, text, at in (
        ("m1", "Duinwijk heeft het strand mooi schoongemaakt", when),
        ("m2", "Oude vermelding", datetime(2026, 9, 1, tzinfo=UTC)),
    ):
        mention = Mention.objects.create(
            workspace=acme,
            network="mastodon",
            remote_id=remote_id,
            text=text,
            text_hash=remote_id,
            lang="nl",
            sentiment="positive",
            published_at=at,
            author_handle="@piet@voorbeeld.nl",
        )
        MentionTopic.objects.create(workspace=acme, mention=mention, topic=rollups, published_at=at)
    response = client_for(anna).get(
        reverse("measurement:mentions", args=[acme.slug]), {"period": "2026-10"}
    )
    text = response.content.decode()
    assert "Duinwijk heeft het strand mooi schoongemaakt" in text
    assert "Oude vermelding" not in text
    assert "positief" in text
