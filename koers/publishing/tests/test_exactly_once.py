"""Exactly once against hostile fake networks: they forget idempotency keys, drop requests
after creating the post, swallow them, fail and rate-limit. Every test asserts on what the
fake server stored (posts per text) and on the deliveries' states and remote ids."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from koers.networks.base import OutgoingPost, PublishResult
from koers.networks.mastodon import MastodonPublisher
from koers.networks.testing.bluesky import FakeBluesky
from koers.networks.testing.mastodon import FakeMastodon
from koers.networks.testing.server import FaultPlan
from koers.publishing import adapters, dispatch
from koers.publishing.models import Attempt, Delivery, DeliveryState, State

HOSTILE = FaultPlan(ignore_idempotency=True)


@pytest.fixture
def mastodon_server():
    """Mastodon that forgets Idempotency-Key: only koers' own care prevents duplicates."""
    with FakeMastodon(max_characters=500) as fake:
        fake.faults = HOSTILE
        yield fake


@pytest.fixture
def bluesky_server():
    """A PDS that ignores the record key koers derives from its idempotency key."""
    with FakeBluesky() as fake:
        fake.faults = HOSTILE
        yield fake


@pytest.fixture
def short_timeout(monkeypatch):
    """The adapters' timeout, scaled down with the fakes' delays (20 s → 1 s)."""
    monkeypatch.setattr(adapters, "TIMEOUT_SECONDS", 1.0)


def _queue(*items):
    return dispatch.queue_due(now=max(i.scheduled_at for i in items) + timedelta(minutes=1))


def _texts(server) -> Counter[str]:
    return Counter(p["text"] for p in server.own_posts())


def _settle(delivery: Delivery, rounds: int = 10) -> None:
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


def test_a_swallowed_post_is_sent_again_not_mistaken_for_another_items_identical_post(
    plan, mastodon, mastodon_server, short_timeout
):
    text = "Vandaag gesloten wegens storm"
    first, second = plan([mastodon], text=text), plan([mastodon], text=text)
    _queue(first, second)
    other = second.deliveries.get()
    assert dispatch.publish_delivery(other.pk) == "published"
    # The first item's POST never arrives: the gateway answers 503 after our timeout.
    mastodon_server.swallow_next(1, "/api/v1/statuses", seconds=1.5)

    outcome = dispatch.publish_delivery(first.deliveries.get().pk)

    lost, other = first.deliveries.get(), second.deliveries.get()
    assert outcome == "published"
    assert _texts(mastodon_server)[text] == 2
    assert lost.state == other.state == DeliveryState.PUBLISHED
    assert lost.remote_id != other.remote_id
    assert {lost.remote_id, other.remote_id} == {s["id"] for s in mastodon_server.own_statuses()}
    assert list(lost.attempt_log.values_list("outcome", flat=True)) == [
        "unknown",
        "not-found",
        "published",
    ]


class Killed(BaseException):
    """``kill -9`` in the middle of a send: nothing after it runs (not even ``except``)."""


class DiesAfterSending:
    def __init__(self, real: MastodonPublisher) -> None:
        self.real = real
        self.network = real.network

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        self.real.publish(post, idempotency_key)
        raise Killed


def test_a_post_sent_by_a_killed_worker_is_found_after_47_newer_posts_and_not_sent_again(
    plan, mastodon, mastodon_server
):
    item = plan([mastodon], text="De markt verhuist naar het plein")
    _queue(item)
    delivery = item.deliveries.get()
    direct = MastodonPublisher(mastodon_server.url, mastodon_server.token)
    with pytest.raises(Killed):
        dispatch.publish_delivery(delivery.pk, publisher=DiesAfterSending(direct))
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENDING  # the dead worker's claim
    # The attempt's start is in the database, not in the dead process.
    assert delivery.attempt_log.get().may_have_sent
    for n in range(47):  # life goes on: other posts on the account while the lease runs
        direct.publish(OutgoingPost(text=f"Ander bericht {n}"), f"other-{n}")

    result = dispatch.recover(now=timezone.now() + dispatch.LEASE + timedelta(seconds=1))

    delivery.refresh_from_db()
    assert result == {"expired": 1, "resolved": 1}
    assert delivery.state == DeliveryState.PUBLISHED
    assert _texts(mastodon_server)["De markt verhuist naar het plein"] == 1
    mine = [s for s in mastodon_server.own_posts() if s["text"].startswith("De markt")]
    assert delivery.remote_id == mine[0]["id"]


def test_a_post_dropped_after_receipt_is_found_not_sent_again(plan, mastodon, mastodon_server):
    item = plan([mastodon], text="Nieuwe openingstijden")
    _queue(item)
    delivery = item.deliveries.get()
    mastodon_server.drop_next(1, "/api/v1/statuses")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert _texts(mastodon_server)["Nieuwe openingstijden"] == 1
    assert delivery.remote_id == mastodon_server.own_statuses()[0]["id"]
    assert mastodon_server.count("POST", "/api/v1/statuses") == 1


def test_a_post_created_but_answered_with_503_is_looked_up_before_the_retry(
    plan, mastodon, mastodon_server
):
    item = plan([mastodon], text="Let op: wegwerkzaamheden")
    _queue(item)
    delivery = item.deliveries.get()
    mastodon_server.drop_next(1, "/api/v1/statuses", answer_503=True)

    assert dispatch.publish_delivery(delivery.pk) == "retry"
    _settle(delivery)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PUBLISHED
    assert _texts(mastodon_server)["Let op: wegwerkzaamheden"] == 1
    assert delivery.remote_id == mastodon_server.own_statuses()[0]["id"]
    assert mastodon_server.count("POST", "/api/v1/statuses") == 1
    assert list(delivery.attempt_log.values_list("outcome", flat=True)) == ["retry", "found"]


def test_three_failures_then_success_publish_exactly_one_post(plan, mastodon, mastodon_server):
    item = plan([mastodon], text="Drie keer is scheepsrecht")
    _queue(item)
    delivery = item.deliveries.get()
    mastodon_server.fail_next(2, status=503, path_prefix="/api/v1/statuses")
    mastodon_server.ratelimit_next(1, "/api/v1/statuses", retry_after=90)

    _settle(delivery)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PUBLISHED
    assert _texts(mastodon_server)["Drie keer is scheepsrecht"] == 1
    assert mastodon_server.count("POST", "/api/v1/statuses") == 4
    outcomes = list(delivery.attempt_log.values_list("outcome", flat=True))
    assert outcomes == ["retry", "retry", "retry", "published"]


def test_a_bluesky_post_dropped_after_receipt_by_a_pds_ignoring_record_keys_is_found(
    plan, bluesky, bluesky_server
):
    item = plan([bluesky], text="Bluesky: de collectie is binnen")
    _queue(item)
    delivery = item.deliveries.get()
    bluesky_server.drop_next(1, "/xrpc/com.atproto.repo.createRecord")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert _texts(bluesky_server)["Bluesky: de collectie is binnen"] == 1
    assert delivery.remote_id == bluesky_server.own_posts()[0]["id"]


class OtherWorkerStoresItFirst:
    """A lookup that matches a post which, before we store it, another delivery records as
    its own (its worker's publish named that post)."""

    def __init__(self, real: MastodonPublisher, other: Delivery) -> None:
        self.real, self.other, self.network = real, other, real.network

    def lookup(self, idempotency_key, post, *, since, exclude=frozenset()):  # noqa: ANN001, ANN201
        found = self.real.lookup(idempotency_key, post, since=since, exclude=exclude)
        assert found is not None
        Delivery.objects.filter(pk=self.other.pk).update(
            state=DeliveryState.PUBLISHED, remote_id=found.remote_id
        )
        return found


def test_a_lookup_match_that_another_delivery_stored_meanwhile_stays_unknown_without_a_crash(
    plan, mastodon, mastodon_server
):
    text = "Twee keer dezelfde tekst"
    first, second = plan([mastodon], text=text), plan([mastodon], text=text)
    _queue(first, second)
    direct = MastodonPublisher(mastodon_server.url, mastodon_server.token)
    mine, theirs = first.deliveries.get(), second.deliveries.get()
    with pytest.raises(Killed):
        dispatch.publish_delivery(mine.pk, publisher=DiesAfterSending(direct))
    Delivery.objects.filter(pk=mine.pk).update(state=DeliveryState.UNKNOWN)

    outcome = dispatch.resolve_unknown(mine.pk, publisher=OtherWorkerStoresItFirst(direct, theirs))

    mine.refresh_from_db()
    status_id = mastodon_server.own_statuses()[0]["id"]
    assert outcome == "unknown"
    assert mine.state == DeliveryState.UNKNOWN and mine.remote_id == ""
    assert mine.next_try_at is not None
    assert "belongs to another item" in mine.error
    assert list(Delivery.objects.filter(remote_id=status_id)) == [theirs]


class NamesThisPost:
    """The network's answer to a publish names a post: the authoritative kind of result."""

    network = "mastodon"

    def __init__(self, remote_id: str) -> None:
        self.remote_id = remote_id

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        return PublishResult(
            self.remote_id, f"https://example.social/{self.remote_id}", timezone.now()
        )


def test_a_post_the_network_names_ours_is_taken_back_from_a_delivery_that_only_guessed_it(
    plan, mastodon
):
    text = "Dezelfde tekst, twee items"
    first, second = plan([mastodon], text=text), plan([mastodon], text=text)
    _queue(first, second)
    mine, guessed = first.deliveries.get(), second.deliveries.get()
    Delivery.objects.filter(pk=guessed.pk).update(state=DeliveryState.PUBLISHED, remote_id="777")
    Attempt.objects.create(delivery=guessed, number=1, outcome="found")
    dispatch.settle_item(second.pk)
    second.refresh_from_db()
    assert second.state == State.PUBLISHED

    assert dispatch.publish_delivery(mine.pk, publisher=NamesThisPost("777")) == "published"

    mine.refresh_from_db()
    guessed.refresh_from_db()
    second.refresh_from_db()
    assert (mine.state, mine.remote_id) == (DeliveryState.PUBLISHED, "777")
    assert (guessed.state, guessed.remote_id) == (DeliveryState.UNKNOWN, "")
    assert second.state == State.PUBLISHING
    assert "belonged to another item" in second.history.last().comment


def test_under_a_seeded_hostile_network_every_post_exists_exactly_once(
    plan, mastodon, mastodon_server, short_timeout
):
    mastodon_server.faults = FaultPlan.parse(
        "drop=0.1,drop503=0.1,fail=0.1,ratelimit=0.1,delay=0.05:1.5,swallow=0.05:1.5,"
        "ignore-idempotency,seed=20261204,only=/api/v1/statuses"
    )
    items = [plan([mastodon], text=f"Bericht {n % 4}: {'x' * (n // 4)}") for n in range(12)]
    items += [plan([mastodon], text="Hetzelfde bericht") for _n in range(3)]
    _queue(*items)

    for delivery in Delivery.objects.all():
        dispatch.publish_delivery(delivery.pk)
    for delivery in Delivery.objects.all():
        _settle(delivery, rounds=20)

    deliveries = list(Delivery.objects.all())
    assert {d.state for d in deliveries} == {DeliveryState.PUBLISHED}
    assert len({d.remote_id for d in deliveries}) == len(deliveries)
    expected = Counter(d.item.text for d in deliveries)
    assert _texts(mastodon_server) == expected
    assert sum(mastodon_server.injected.values()) > 5  # the network really was hostile
    for item in items:
        item.refresh_from_db()
        assert item.state == State.PUBLISHED
