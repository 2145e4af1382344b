"""Replies from koers on the fake Mastodon and Bluesky servers: sent once, failures shown and
retried with the same key, timeouts resolved by lookup, length checked before queueing."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from koers.engagement import actions, replies
from koers.engagement.models import InboxItem, Reply, ReplyState, Status
from koers.engagement.tests.conftest import make_mention
from koers.publishing import actions as publishing_actions
from koers.publishing import adapters
from koers.publishing.models import Network

pytestmark = pytest.mark.django_db


def _aware(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_mastodon_reply_is_sent_once_and_answers_the_item(
    client_for, acme, anna, mastodon, mastodon_server, toot_item
):
    response = client_for(anna).post(
        reverse("engagement:reply", args=[acme.slug, toot_item.pk]),
        {"channel": mastodon.pk, "text": "Maandag vanaf 8 uur, Jan!"},
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert (reply.state, reply.in_reply_to) == (ReplyState.QUEUED, toot_item.status_id)

    assert replies.send(reply.pk) == "sent"
    assert replies.send(reply.pk) == "not-claimed"
    sent = mastodon_server.own_statuses()
    assert len(sent) == 1
    assert sent[0]["in_reply_to_id"] == toot_item.status_id
    reply.refresh_from_db()
    assert (reply.state, reply.remote_id) == (ReplyState.SENT, sent[0]["id"])
    item = InboxItem.objects.get(pk=toot_item.pk)
    assert (item.status, item.answered_how) == (Status.ANSWERED, "koers")
    assert item.answered_at == _aware(sent[0]["created_at"]) == reply.published_at


def test_a_bluesky_reply_points_at_the_post(acme, anna, bluesky, bluesky_server):
    uri = bluesky_server.add_post("jan.bsky.social", "Is het gemeentehuis morgen open?")
    mention = make_mention(
        acme, "Is het gemeentehuis morgen open?", network="bluesky", remote_id=uri
    )
    item, _created = actions.add_manually(mention, anna)
    reply = replies.compose(item, anna, channel=bluesky, text="Ja, van 9 tot 17 uur.")
    assert replies.send(reply.pk) == "sent"
    ours = [p for p in bluesky_server.posts() if p.get("reply")]
    assert [p["reply"]["parent"]["uri"] for p in ours] == [uri]
    item.refresh_from_db()
    assert item.status == Status.ANSWERED


def test_a_reply_too_long_for_the_network_is_refused_before_queueing(
    client_for, acme, anna, mastodon, toot_item
):
    response = client_for(anna).post(
        reverse("engagement:reply", args=[acme.slug, toot_item.pk]),
        {"channel": mastodon.pk, "text": "a" * 501},
    )
    assert response.status_code == 200
    assert "500" in str(response.context["reply_form"].errors)
    assert not Reply.objects.exists()


def test_a_refused_reply_shows_the_reason_and_is_retried_with_the_same_key(
    client_for, acme, anna, mastodon, mastodon_server, toot_item
):
    reply = replies.compose(toot_item, anna, channel=mastodon, text="Maandag weer open.")
    mastodon_server.fail_next(
        1, status=422, path_prefix="/api/v1/statuses", body={"error": "Account is silenced"}
    )
    assert replies.send(reply.pk) == "failed"
    reply.refresh_from_db()
    assert "Account is silenced" in reply.error
    toot_item.refresh_from_db()
    assert toot_item.status == Status.OPEN
    client = client_for(anna)
    page = client.get(reverse("engagement:item", args=[acme.slug, toot_item.pk]))
    assert b"Account is silenced" in page.content

    key = reply.idempotency_key
    client.post(reverse("engagement:reply-retry", args=[acme.slug, toot_item.pk, reply.pk]))
    reply.refresh_from_db()
    assert reply.state == ReplyState.QUEUED
    assert replies.send(reply.pk) == "sent"
    reply.refresh_from_db()
    assert (reply.idempotency_key, reply.attempts) == (key, 1)  # a new series of tries
    assert len(mastodon_server.own_statuses()) == 1


def test_a_timeout_is_resolved_by_lookup_without_a_second_post(
    anna, mastodon, mastodon_server, toot_item
):
    reply = replies.compose(toot_item, anna, channel=mastodon, text="We kijken ernaar.")
    mastodon_server.delay_after_handling("/api/v1/statuses", seconds=1.5)
    original = adapters.TIMEOUT_SECONDS
    adapters.TIMEOUT_SECONDS = 0.5
    try:
        outcome = replies.send(reply.pk)
    finally:
        adapters.TIMEOUT_SECONDS = original
    assert outcome == "sent"
    assert len(mastodon_server.own_statuses()) == 1
    assert mastodon_server.count("POST", "/api/v1/statuses") == 1


def test_a_second_reply_while_one_is_on_its_way_is_refused(anna, mastodon, toot_item):
    replies.compose(toot_item, anna, channel=mastodon, text="Eerste antwoord")
    with pytest.raises(ValidationError, match="al een antwoord op dit bericht onderweg"):
        replies.compose(toot_item, anna, channel=mastodon, text="Tweede antwoord")
    assert Reply.objects.count() == 1


def test_a_viewer_cannot_reply_and_another_workspaces_channel_is_not_offered(
    client_for, acme, bolt, carla, vera, mastodon, mastodon_server, toot_item
):
    url = reverse("engagement:reply", args=[acme.slug, toot_item.pk])
    assert client_for(vera).post(url, {"channel": mastodon.pk, "text": "x"}).status_code == 403
    theirs = publishing_actions.connect_channel(
        bolt, carla, network=Network.MASTODON, name="Bolt", endpoint=mastodon_server.url,
        secret=mastodon_server.token,
    )  # fmt: skip
    form = replies_form_for(toot_item)
    assert theirs not in form.fields["channel"].queryset
    with pytest.raises(ValidationError):
        replies.compose(toot_item, carla, channel=theirs, text="Van Bolt")
    assert not Reply.objects.exists()


def replies_form_for(item):
    from koers.engagement.forms import ReplyForm

    return ReplyForm(channels=replies.channels_for(item))


def test_a_closed_item_cannot_be_answered_or_reopened_once_replied(anna, mastodon, toot_item):
    reply = replies.compose(toot_item, anna, channel=mastodon, text="Antwoord")
    replies.send(reply.pk)
    toot_item.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.reopen(toot_item, anna)
    with pytest.raises(ValidationError):
        replies.compose(toot_item, anna, channel=mastodon, text="Nog een")


def test_a_crashed_claim_is_recovered_and_sent_once(anna, mastodon, mastodon_server, toot_item):
    from datetime import timedelta

    from django.utils import timezone

    reply = replies.compose(toot_item, anna, channel=mastodon, text="Na een herstart")
    assert replies.claim(reply.pk, "dead-worker", now=timezone.now() - timedelta(hours=1))
    assert replies.recover() == {"expired": 1, "resolved": 1, "retried": 0}
    reply.refresh_from_db()
    assert reply.state == ReplyState.SENT
    assert len(mastodon_server.own_statuses()) == 1
