"""LinkedIn share statistics and followers into Measure (against the fake LinkedIn)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from koers.measurement import collect
from koers.measurement.models import AccountSnapshot, MeasuredPost
from koers.networks.base import OutgoingPost
from koers.networks.linkedin import LinkedInPublisher
from koers.networks.testing.linkedin import FakeLinkedIn
from koers.publishing.models import Channel, ContentItem, Delivery, DeliveryState, Network

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 20, 12, tzinfo=UTC)


@pytest.fixture
def fake():
    server = FakeLinkedIn()
    server.start()
    yield server
    server.stop()


def _page(acme, fake) -> tuple[Channel, str]:
    org = fake.add_organization("Gemeente Koers", followers=840)
    chan = Channel(
        workspace=acme,
        network=Network.LINKEDIN,
        name="LinkedIn",
        endpoint=fake.url,
        extra={"organization": f"urn:li:organization:{org}"},
    )
    chan.set_secret(fake.token)
    chan.save()
    return chan, org


def _published(acme, chan, remote_id) -> None:
    item = ContentItem.objects.create(workspace=acme, title="Vacature", text="Vacature")
    Delivery.objects.create(
        workspace=acme,
        item=item,
        channel=chan,
        state=DeliveryState.PUBLISHED,
        remote_id=remote_id,
        remote_url=f"https://www.linkedin.com/feed/update/{remote_id}/",
        published_at=datetime(2026, 10, 19, 9, tzinfo=UTC),
    )


def test_share_statistics_and_followers_are_stored(acme, fake) -> None:
    chan, org = _page(acme, fake)
    urn = (
        LinkedInPublisher(fake.token, org, api_base=fake.url)
        .publish(OutgoingPost(text="Vacature"), "k")
        .remote_id
    )
    fake.posts[urn] |= {"likes": 9, "reshares": 2, "impressions": 1000}
    fake.add_comment(urn, "Mooie baan")
    _published(acme, chan, urn)

    result = collect.collect_all(NOW)

    assert (result.new_posts, result.post_snapshots, result.account_snapshots) == (1, 1, 1)
    post = MeasuredPost.objects.get(workspace=acme)
    assert (post.likes, post.reposts, post.replies) == (9, 2, 1)
    assert (post.impressions, post.reach, post.quotes) == (1000, 500, None)
    assert post.engagements == 12
    assert AccountSnapshot.objects.get(workspace=acme).followers == 840


def test_an_expired_page_token_is_a_failure_not_a_crash(acme, fake) -> None:
    chan, org = _page(acme, fake)
    _published(acme, chan, "urn:li:share:1")
    fake.expire_token()
    result = collect.collect_all(NOW)
    assert result.failures == 1 and result.account_snapshots == 0
    assert not AccountSnapshot.objects.filter(workspace=acme).exists()
