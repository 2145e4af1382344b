"""Metric collection against the local fake Mastodon and Bluesky servers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from koers.measurement import collect, tasks
from koers.measurement.models import AccountSnapshot, MeasuredPost, PostSnapshot
from koers.networks.base import OutgoingPost
from koers.networks.mastodon import MastodonPublisher
from koers.networks.testing.bluesky import FakeBluesky
from koers.networks.testing.mastodon import FakeMastodon
from koers.publishing.models import Channel, ContentItem, Delivery, DeliveryState, Network

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 20, 12, tzinfo=UTC)


@pytest.fixture
def mastodon_server():
    with FakeMastodon() as fake:
        yield fake


@pytest.fixture
def bluesky_server():
    with FakeBluesky() as fake:
        yield fake


def channel(workspace, network, name, endpoint, secret, handle="") -> Channel:
    c = Channel(workspace=workspace, network=network, name=name, endpoint=endpoint, handle=handle)
    c.set_secret(secret)
    c.save()
    return c


def published(workspace, chan, remote_id, text="Afvalkalender 2027 staat online", at=None):
    item = ContentItem.objects.create(workspace=workspace, title=text[:40], text=text)
    return Delivery.objects.create(
        workspace=workspace,
        item=item,
        channel=chan,
        state=DeliveryState.PUBLISHED,
        remote_id=remote_id,
        remote_url=f"https://example.social/{remote_id}",
        published_at=at or datetime(2026, 10, 19, 9, tzinfo=UTC),
    )


def test_mastodon_counts_and_followers_are_stored_and_reach_stays_unavailable(
    acme, mastodon_server
):
    status = MastodonPublisher(mastodon_server.url, mastodon_server.token).publish(
        OutgoingPost(text="Afvalkalender 2027 staat online"), "key-1"
    )
    mastodon_server.set_counts(status.remote_id, favourites=12, reblogs=3, replies=4)
    chan = channel(acme, Network.MASTODON, "Mastodon", mastodon_server.url, mastodon_server.token)
    published(acme, chan, status.remote_id)

    result = collect.collect_all(NOW)

    assert (result.new_posts, result.post_snapshots, result.account_snapshots) == (1, 1, 1)
    post = MeasuredPost.objects.get(workspace=acme)
    assert (post.likes, post.reposts, post.replies) == (12, 3, 4)
    assert post.reach is None and post.impressions is None  # Mastodon doesn't report them
    assert post.engagements == 19
    assert post.channel_name == "Mastodon"
    snapshot = AccountSnapshot.objects.get(workspace=acme)
    assert snapshot.followers == 120
    assert PostSnapshot.objects.filter(post=post).count() == 1


def test_a_second_run_adds_a_snapshot_and_updates_the_latest_counts(acme, mastodon_server):
    status = MastodonPublisher(mastodon_server.url, mastodon_server.token).publish(
        OutgoingPost(text="Zwemles in de zomer"), "key-2"
    )
    chan = channel(acme, Network.MASTODON, "Mastodon", mastodon_server.url, mastodon_server.token)
    published(acme, chan, status.remote_id)
    collect.collect_all(NOW)
    mastodon_server.set_counts(status.remote_id, favourites=30, reblogs=1, replies=0)
    collect.collect_all(NOW.replace(hour=13))
    post = MeasuredPost.objects.get(workspace=acme)
    assert post.likes == 30
    assert list(post.snapshots.values_list("likes", flat=True)) == [30, 0]


def test_bluesky_quotes_count_as_shares(acme, bluesky_server):
    uri = bluesky_server.add_post(bluesky_server.handle, "Nieuwe speeltuin geopend")
    bluesky_server.set_counts(uri, likes=7, reposts=2, replies=1, quotes=3)
    chan = channel(
        acme, Network.BLUESKY, "Bluesky", bluesky_server.url, bluesky_server.password,
        handle=bluesky_server.handle,
    )  # fmt: skip
    published(acme, chan, uri)
    collect.collect_all(NOW)
    post = MeasuredPost.objects.get(workspace=acme)
    assert (post.likes, post.reposts, post.replies, post.quotes) == (7, 2, 1, 3)
    assert post.engagements == 13


def test_a_revoked_token_skips_that_channel_and_stores_nothing(acme, mastodon_server):
    chan = channel(acme, Network.MASTODON, "Mastodon", mastodon_server.url, mastodon_server.token)
    published(acme, chan, "113000000000000999")
    mastodon_server.revoke_token()
    result = collect.collect_all(NOW)
    assert result.failures == 1
    assert not AccountSnapshot.objects.exists()
    assert MeasuredPost.objects.get().likes is None


def test_collection_is_a_periodic_task():
    from koers.core.scheduler import REGISTRY

    assert any(job.task is tasks.collect_metrics for job in REGISTRY.values())


def test_a_fresh_post_gets_the_follower_count_just_measured(acme, mastodon_server):
    from datetime import timedelta

    status = MastodonPublisher(mastodon_server.url, mastodon_server.token).publish(
        OutgoingPost(text="Vers bericht"), "key-3"
    )
    chan = channel(acme, Network.MASTODON, "Mastodon", mastodon_server.url, mastodon_server.token)
    published(acme, chan, status.remote_id, at=NOW - timedelta(minutes=30))
    collect.collect_all(NOW)
    assert MeasuredPost.objects.get().followers_at_post == 120


def test_an_old_post_gets_no_guessed_follower_count(acme, mastodon_server):
    status = MastodonPublisher(mastodon_server.url, mastodon_server.token).publish(
        OutgoingPost(text="Oud bericht"), "key-4"
    )
    chan = channel(acme, Network.MASTODON, "Mastodon", mastodon_server.url, mastodon_server.token)
    published(acme, chan, status.remote_id)
    collect.collect_all(NOW)
    assert MeasuredPost.objects.get().followers_at_post is None
