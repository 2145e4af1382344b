"""Replies to Mastodon posts on other servers (resolved on the channel's instance) and
automatic retries with backoff, against the fake Mastodon server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from koers.engagement import actions, replies
from koers.engagement.models import InboxItem, Reply, ReplyState, Status
from koers.engagement.tests.conftest import make_mention
from koers.publishing.dispatch import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 11, 18, 11, 0, tzinfo=UTC)


@pytest.fixture
def far_item(acme, anna, mastodon_server):
    """A question from someone on another Mastodon server, which the instance hasn't seen."""
    remote = mastodon_server.add_federated_status(
        "Waarom staat de brug open?", acct="jan@andere.social"
    )
    mention = make_mention(
        acme, "Waarom staat de brug open?", remote_id=remote["uri"], url=remote["url"]
    )
    item, _created = actions.add_manually(mention, anna)
    item.remote = remote
    return item


def test_a_reply_to_a_post_on_another_server_arrives_in_reply_to_its_local_copy(
    client_for, acme, anna, mastodon, mastodon_server, far_item
):
    client = client_for(anna)
    page = client.get(reverse("engagement:item", args=[acme.slug, far_item.pk])).content.decode()
    assert reverse("engagement:reply", args=[acme.slug, far_item.pk]) in page
    response = client.post(
        reverse("engagement:reply", args=[acme.slug, far_item.pk]),
        {"channel": mastodon.pk, "text": "De brug is in onderhoud tot vrijdag."},
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.in_reply_to == far_item.remote["uri"]  # resolved by the worker, not the page

    assert replies.send(reply.pk) == "sent"

    [local] = [s for s in mastodon_server.statuses.values() if s["uri"] == far_item.remote["uri"]]
    assert local["id"] != far_item.remote["id"]  # the id on the channel's own instance
    [sent] = mastodon_server.own_statuses()
    assert sent["in_reply_to_id"] == local["id"]
    reply.refresh_from_db()
    assert (reply.state, reply.in_reply_to) == (ReplyState.SENT, local["id"])
    assert InboxItem.objects.get(pk=far_item.pk).status == Status.ANSWERED
    assert mastodon_server.searches == [(far_item.remote["uri"], True)]


def test_a_post_the_instance_cannot_find_fails_with_the_reason_and_can_be_tried_again(
    client_for, acme, anna, mastodon, mastodon_server
):
    mention = make_mention(acme, "Verdwenen vraag")  # on voorbeeld.social, unknown anywhere
    item, _created = actions.add_manually(mention, anna)
    reply = replies.compose(item, anna, channel=mastodon, text="Hallo")
    assert replies.send(reply.pk) == "failed"
    reply.refresh_from_db()
    assert "can't find the post to reply to" in reply.error
    assert reply.in_reply_to == mention.remote_id
    assert mastodon_server.own_statuses() == []
    page = client_for(anna).get(reverse("engagement:item", args=[acme.slug, item.pk]))
    assert reverse("engagement:reply-retry", args=[acme.slug, item.pk, reply.pk]) in (
        page.content.decode()
    )


def test_a_503_is_tried_again_after_the_backoff_with_the_same_key(
    client_for, acme, anna, mastodon, mastodon_server, far_item
):
    with time_machine.travel(MOMENT, tick=False) as clock:
        reply = replies.compose(far_item, anna, channel=mastodon, text="We kijken ernaar.")
        mastodon_server.fail_next(1, status=503, path_prefix="/api/v1/statuses")
        assert replies.send(reply.pk) == "retry"
        reply.refresh_from_db()
        assert reply.state == ReplyState.RETRY
        assert reply.next_try_at == MOMENT + timedelta(seconds=30)
        assert "HTTP 503" in reply.error
        page = client_for(anna).get(reverse("engagement:item", args=[acme.slug, far_item.pk]))
        assert "probeert het automatisch opnieuw" in page.content.decode()
        # Nobody can queue a second reply meanwhile, and the try isn't due yet.
        assert replies.send(reply.pk) == "not-claimed"
        assert replies.recover()["retried"] == 0

        clock.move_to(MOMENT + timedelta(seconds=31))
        assert replies.recover() == {"expired": 0, "resolved": 0, "retried": 1}

    reply.refresh_from_db()
    assert (reply.state, reply.attempts, reply.error) == (ReplyState.SENT, 2, "")
    [sent] = mastodon_server.own_statuses()
    assert mastodon_server.idempotency == {reply.idempotency_key: sent["id"]}
    assert mastodon_server.count("POST", "/api/v1/statuses") == 2


def test_a_rate_limit_waits_as_long_as_the_instance_asks(
    anna, mastodon, mastodon_server, toot_item
):
    reset = MOMENT + timedelta(minutes=10)
    with time_machine.travel(MOMENT, tick=False):
        reply = replies.compose(toot_item, anna, channel=mastodon, text="Even geduld.")
        mastodon_server.fail_next(
            1,
            status=429,
            path_prefix="/api/v1/statuses",
            headers={"X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z")},
        )
        assert replies.send(reply.pk) == "retry"
    reply.refresh_from_db()
    assert reply.next_try_at == reset


def test_after_the_last_try_the_reply_fails_with_the_reason_and_a_member_can_try_again(
    client_for, acme, anna, mastodon, mastodon_server, toot_item
):
    with time_machine.travel(MOMENT, tick=False) as clock:
        reply = replies.compose(toot_item, anna, channel=mastodon, text="Hallo Jan")
        mastodon_server.fail_next(MAX_ATTEMPTS, status=502, path_prefix="/api/v1/statuses")
        waits = []
        assert replies.send(reply.pk) == "retry"
        for _ in range(MAX_ATTEMPTS - 1):
            reply.refresh_from_db()
            if reply.state != ReplyState.RETRY:
                break
            waits.append(reply.next_try_at - timezone.now())
            clock.move_to(reply.next_try_at)
            replies.recover()
        reply.refresh_from_db()
        assert reply.state == ReplyState.FAILED
        assert reply.error.startswith(f"Gave up after {MAX_ATTEMPTS} tries")
        assert "HTTP 502" in reply.error
        assert [w.total_seconds() for w in waits] == [30, 60, 120, 240, 480]
        assert mastodon_server.own_statuses() == []

        client = client_for(anna)
        retry_url = reverse("engagement:reply-retry", args=[acme.slug, toot_item.pk, reply.pk])
        page = client.get(reverse("engagement:item", args=[acme.slug, toot_item.pk]))
        assert retry_url in page.content.decode()
        key = reply.idempotency_key
        client.post(retry_url)
        assert replies.send(reply.pk) == "sent"
    reply.refresh_from_db()
    assert (reply.state, reply.idempotency_key, reply.attempts) == (ReplyState.SENT, key, 1)
    assert len(mastodon_server.own_statuses()) == 1


def test_a_failed_lookup_waits_before_asking_again(anna, mastodon, mastodon_server, toot_item):
    with time_machine.travel(MOMENT, tick=False) as clock:
        reply = replies.compose(toot_item, anna, channel=mastodon, text="Onbekend")
        Reply.objects.filter(pk=reply.pk).update(state=ReplyState.UNKNOWN, attempts=1)
        mastodon_server.fail_next(1, status=503, path_prefix="/api/v1/accounts")
        assert replies.recover()["resolved"] == 1
        reply.refresh_from_db()
        assert reply.state == ReplyState.UNKNOWN
        assert reply.next_try_at == MOMENT + timedelta(seconds=30)
        assert replies.recover()["resolved"] == 0  # not due yet
        clock.move_to(MOMENT + timedelta(seconds=30))
        assert replies.recover()["resolved"] == 1
    reply.refresh_from_db()
    assert reply.state == ReplyState.SENT
    assert len(mastodon_server.own_statuses()) == 1


def test_a_waiting_reply_is_not_sent_once_the_message_was_answered_elsewhere(
    anna, mastodon, mastodon_server, toot_item
):
    with time_machine.travel(MOMENT, tick=False) as clock:
        reply = replies.compose(toot_item, anna, channel=mastodon, text="Komt eraan")
        mastodon_server.fail_next(1, status=503, path_prefix="/api/v1/statuses")
        assert replies.send(reply.pk) == "retry"
        actions.mark_answered_elsewhere(toot_item, anna, at=MOMENT)
        clock.move_to(MOMENT + timedelta(minutes=5))
        assert replies.recover()["retried"] == 1
    reply.refresh_from_db()
    assert reply.state == ReplyState.FAILED
    assert "answered before the reply went out" in reply.error
    assert mastodon_server.own_statuses() == []
    assert InboxItem.objects.get(pk=toot_item.pk).answered_how == "elsewhere"


def test_a_server_that_cannot_be_reached_is_tried_again(acme, anna, toot_item):
    from koers.networks.testing.mastodon import FakeMastodon
    from koers.publishing import actions as publishing_actions

    with FakeMastodon() as gone:  # its port is closed once the block ends
        channel = publishing_actions.connect_channel(
            acme, anna, network="mastodon", name="Weg", endpoint=gone.url, secret=gone.token
        )
    with time_machine.travel(MOMENT, tick=False):
        reply = replies.compose(toot_item, anna, channel=channel, text="Hallo")
        assert replies.send(reply.pk) == "retry"
    reply.refresh_from_db()
    assert (reply.state, reply.next_try_at) == (ReplyState.RETRY, MOMENT + timedelta(seconds=30))
    assert "Could not reach Mastodon" in reply.error
