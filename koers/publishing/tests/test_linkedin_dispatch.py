"""A LinkedIn page through the real dispatcher: exactly once when LinkedIn drops the answer."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from koers.networks.testing.linkedin import FakeLinkedIn
from koers.publishing import dispatch
from koers.publishing.models import Channel, DeliveryState, Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    server = FakeLinkedIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(acme, fake) -> Channel:
    org = fake.add_organization("Gemeente Koers")
    channel = Channel(
        workspace=acme,
        network=Network.LINKEDIN,
        name="LinkedIn",
        endpoint=fake.url,
        handle="gemeente-koers",
        extra={"organization": f"urn:li:organization:{org}"},
    )
    channel.set_secret(fake.token)
    channel.save()
    return channel


def _texts(fake: FakeLinkedIn) -> Counter[str]:
    return Counter(p["text"] for p in fake.own_posts())


def test_a_post_dropped_after_receipt_is_found_not_sent_again(plan, page, fake) -> None:
    item = plan([page], text="Vacature: beleidsmedewerker (32 uur)")
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    delivery = item.deliveries.get()
    fake.drop_next(1, "/rest/posts")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert _texts(fake)["Vacature: beleidsmedewerker \\(32 uur\\)"] == 1
    assert delivery.state == DeliveryState.PUBLISHED
    assert delivery.remote_id == next(iter(fake.posts))
    assert fake.count("POST", "/rest/posts") == 1


def test_a_published_post_is_an_organisation_post_with_its_url(plan, page, fake) -> None:
    item = plan([page], text="Open dag #gemeente")
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    delivery = item.deliveries.get()

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    stored = fake.posts[delivery.remote_id]
    assert stored["author"] == page.extra["organization"]
    assert stored["commentary"] == "Open dag {hashtag|\\#|gemeente}"
    assert delivery.remote_url == f"https://www.linkedin.com/feed/update/{delivery.remote_id}/"
