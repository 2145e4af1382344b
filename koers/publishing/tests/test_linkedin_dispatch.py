"""A LinkedIn page through the real dispatcher: exactly once when LinkedIn drops the answer."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from koers.networks.testing.linkedin import FakeLinkedIn
from koers.networks.testing.server import FaultPlan
from koers.publishing import adapters, dispatch
from koers.publishing.models import Channel, Delivery, DeliveryState, Network

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


def _settle(delivery: Delivery, rounds: int) -> None:
    """Let time pass and the worker and recovery run until the delivery has an outcome."""
    for _round in range(rounds):
        delivery.refresh_from_db()
        if delivery.state in (DeliveryState.PUBLISHED, DeliveryState.FAILED):
            return
        later = max(delivery.next_try_at or timezone.now(), timezone.now()) + timedelta(hours=2)
        with time_machine.travel(later, tick=True):
            dispatch.queue_due()
            dispatch.publish_delivery(delivery.pk)
            dispatch.recover()


def test_under_a_seeded_hostile_linkedin_every_post_exists_exactly_once(
    plan, page, fake, monkeypatch
) -> None:
    monkeypatch.setattr(adapters, "TIMEOUT_SECONDS", 1.0)
    fake.faults = FaultPlan.parse(
        "drop=0.15,drop503=0.1,fail=0.1,ratelimit=0.1,delay=0.05:1.5,swallow=0.05:1.5,"
        "seed=20261205,only=/rest/posts"
    )
    items = [plan([page], text=f"Bericht {n % 3}: {'x' * (n // 3)}") for n in range(9)]
    items += [plan([page], text="Hetzelfde bericht") for _n in range(2)]
    dispatch.queue_due(now=max(i.scheduled_at for i in items) + timedelta(minutes=1))

    for delivery in Delivery.objects.all():
        dispatch.publish_delivery(delivery.pk)
    for delivery in Delivery.objects.all():
        _settle(delivery, rounds=20)

    deliveries = list(Delivery.objects.all())
    assert {d.state for d in deliveries} == {DeliveryState.PUBLISHED}
    assert len({d.remote_id for d in deliveries}) == len(deliveries)
    assert _texts(fake) == Counter(d.item.text for d in deliveries)
    assert sum(fake.injected.values()) > 3  # the network really was hostile


def _page_comments(fake: FakeLinkedIn, org_urn: str) -> list[tuple[str, str]]:
    return [
        (post, c["message"]["text"])
        for post, comments in fake.comments.items()
        for c in comments
        if c["actor"] == org_urn
    ]


def test_the_first_comment_dropped_after_receipt_is_placed_once(plan, page, fake) -> None:
    item = plan([page], text="Open dag op het stadhuis", first_comment="Aanmelden: koers.example")
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    delivery = item.deliveries.get()
    fake.drop_next(1, "/rest/socialActions/")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    org_urn = page.extra["organization"]
    assert _page_comments(fake, org_urn) == [(delivery.remote_id, "Aanmelden: koers.example")]
    assert sum(1 for r in fake.requests if r.method == "POST" and "/socialActions/" in r.path) == 1
    assert _texts(fake)["Open dag op het stadhuis"] == 1


def test_a_first_comment_refused_with_503_is_placed_on_the_second_try(plan, page, fake) -> None:
    item = plan([page], text="Nieuwe bibliotheek", first_comment="Openingstijden in de reacties")
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    delivery = item.deliveries.get()
    fake.fail_next(1, status=503, path_prefix="/rest/socialActions/")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert _page_comments(fake, page.extra["organization"]) == [
        (delivery.remote_id, "Openingstijden in de reacties")
    ]


def test_after_a_lost_post_answer_the_first_comment_is_placed_once(plan, page, fake) -> None:
    item = plan([page], text="Sportpark heropend", first_comment="Foto's volgen")
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    delivery = item.deliveries.get()
    # The post is created but its answer is lost: the comment was never sent by that try.
    fake.drop_next(1, "/rest/posts")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert _texts(fake)["Sportpark heropend"] == 1
    assert _page_comments(fake, page.extra["organization"]) == [
        (delivery.remote_id, "Foto's volgen")
    ]
