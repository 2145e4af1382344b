"""YouTube channel and video statistics into Measure (against the fake YouTube)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from koers.measurement import collect
from koers.measurement.models import AccountSnapshot, MeasuredPost
from koers.networks.testing.youtube import FakeYouTube
from koers.publishing.models import (
    Channel,
    ContentItem,
    Delivery,
    DeliveryState,
    Network,
    NetworkApp,
    Provider,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 20, 12, tzinfo=UTC)


@pytest.fixture
def fake():
    with FakeYouTube() as server:
        yield server


def _channel(acme, fake) -> Channel:
    app = NetworkApp(provider=Provider.GOOGLE, client_id=fake.client_id)
    app.set_client_secret(fake.client_secret)
    app.save()
    tokens = fake.issue_tokens()
    chan = Channel(
        workspace=acme,
        network=Network.YOUTUBE,
        name="YouTube",
        endpoint=fake.url,
        account_id=fake.channel_id,
        extra={"channel_id": fake.channel_id, "token_url": fake.url + "/token"},
    )
    chan.set_secret(tokens["access_token"])
    chan.set_refresh_token(tokens["refresh_token"])
    chan.save()
    return chan


def _published(acme, chan, video_id) -> None:
    item = ContentItem.objects.create(workspace=acme, title="Weekvlog", text="Weekvlog")
    Delivery.objects.create(
        workspace=acme,
        item=item,
        channel=chan,
        state=DeliveryState.PUBLISHED,
        remote_id=video_id,
        remote_url=f"https://www.youtube.com/watch?v={video_id}",
        published_at=datetime(2026, 10, 19, 9, tzinfo=UTC),
    )


def test_views_likes_comments_and_subscribers_are_stored(acme, fake) -> None:
    chan = _channel(acme, fake)
    video = fake.add_video("Weekvlog")
    fake.videos[video]["statistics"] = {
        "viewCount": "1500",
        "likeCount": "40",
        "commentCount": "6",
        "favoriteCount": "0",
    }
    fake.subscribers = 912
    _published(acme, chan, video)

    result = collect.collect_all(NOW)

    assert (result.new_posts, result.post_snapshots, result.account_snapshots) == (1, 1, 1)
    post = MeasuredPost.objects.get(workspace=acme)
    assert (post.impressions, post.likes, post.replies) == (1500, 40, 6)
    assert (post.reach, post.reposts) == (None, None)  # YouTube gives neither
    snapshot = AccountSnapshot.objects.get(workspace=acme)
    assert (snapshot.followers, snapshot.posts) == (912, 1)


def test_a_revoked_channel_is_a_failure_not_a_crash(acme, fake) -> None:
    chan = _channel(acme, fake)
    _published(acme, chan, "vid-gone")
    fake.revoke(str(chan.refresh_token))
    result = collect.collect_all(NOW)
    assert result.failures == 1 and result.account_snapshots == 0
    assert not AccountSnapshot.objects.filter(workspace=acme).exists()
