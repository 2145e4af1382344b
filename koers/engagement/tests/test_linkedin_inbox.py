"""The LinkedIn inbox: comments on the page's posts and posts that mention the page, polled
into inbox items once; replies as the page exactly once against the rude fake LinkedIn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from koers.core import neterrors
from koers.engagement import linkedin, replies
from koers.engagement.forms import NETWORK_CHOICES
from koers.engagement.models import InboxItem, Kind, Origin, Reply, ReplyState, Status
from koers.engagement.tasks import poll_linkedin_inbox
from koers.listening.models import Mention
from koers.networks.testing.linkedin import FakeLinkedIn
from koers.publishing.models import Channel, Health, Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    with FakeLinkedIn() as server:
        yield server


@pytest.fixture
def org(fake) -> str:
    return fake.add_organization("Gemeente Koers")


@pytest.fixture
def page(acme, fake, org) -> Channel:
    channel = Channel(
        workspace=acme,
        network=Network.LINKEDIN,
        name="Gemeente Koers op LinkedIn",
        endpoint=fake.url,
        handle="gemeente-koers",
        account_id=f"urn:li:organization:{org}",
        extra={"organization": f"urn:li:organization:{org}"},
    )
    channel.set_secret(fake.token)
    channel.save()
    return channel


def test_linkedin_shows_in_the_inbox_and_can_be_answered():
    assert "linkedin" in dict(NETWORK_CHOICES)
    assert "linkedin" in replies.REPLY_NETWORKS
    assert poll_linkedin_inbox.name == "poll_linkedin_inbox"


def test_comments_are_stored_once_across_two_polls_and_own_comments_are_left_out(page, fake, org):
    post = fake.add_post(org, "Het nieuwe zwembad is open")
    fake.add_comment(post, "Tot wanneer is het open?")
    fake.add_comment(post, "Mooi!", actor="urn:li:person:anders")
    fake.add_comment(post, "Zie de website", actor=f"urn:li:organization:{org}")

    assert linkedin.poll_all() == 2
    assert linkedin.poll_all() == 0

    items = InboxItem.objects.order_by("pk")
    assert [(i.mention.text, i.kind, i.origin) for i in items] == [
        ("Tot wanneer is het open?", Kind.COMMENT, Origin.REPLY),
        ("Mooi!", Kind.COMMENT, Origin.REPLY),
    ]
    first = items[0].mention
    assert first.network == "linkedin" and first.reply_to == post
    assert first.remote_id == fake.comments[post][0]["commentUrn"]
    assert Mention.objects.count() == 2


def test_a_paged_list_of_120_comments_is_stored_whole(page, fake, org):
    post = fake.add_post(org, "Inspraak over het centrumplan")
    for index in range(120):
        fake.add_comment(post, f"Reactie {index}")

    assert linkedin.poll_all() == 120

    assert InboxItem.objects.filter(kind=Kind.COMMENT).count() == 120
    assert set(Mention.objects.values_list("text", flat=True)) == {
        f"Reactie {index}" for index in range(120)
    }
    pages = [r for r in fake.requests if "/socialActions/" in r.path and r.method == "GET"]
    assert [r.query["start"][0] for r in pages] == ["0", "50", "100"]


def test_a_post_that_mentions_the_page_becomes_a_mention_item(page, fake, org):
    urn = fake.add_mention(org, "Goed werk van @Gemeente Koers bij de markt")

    assert linkedin.poll_all() == 1
    assert linkedin.poll_all() == 0

    item = InboxItem.objects.get()
    assert item.kind == Kind.MENTION and item.origin == Origin.ADDRESSED
    assert item.mention.remote_id == urn
    assert item.mention.text == "Goed werk van Gemeente Koers bij de markt"
    assert item.mention.author_handle == "urn:li:person:fakeMember1"
    asked = next(r for r in fake.requests if r.path == "/rest/organizationalEntityNotifications")
    assert asked.query["actions"] == ["List(SHARE_MENTION)"]
    page.refresh_from_db()
    assert linkedin.CURSOR in page.extra


def test_a_rate_limited_poll_stores_nothing_and_the_next_poll_stores_everything(page, fake, org):
    post = fake.add_post(org, "Afvalkalender")
    fake.add_comment(post, "Wanneer komt de groene bak?")
    fake.ratelimit_next(1, "/rest/socialActions/", retry_after=30)

    assert linkedin.poll_all() == 0
    assert InboxItem.objects.count() == 0
    page.refresh_from_db()
    assert page.health != Health.BROKEN

    fake.fail_next(1, status=503, path_prefix="/rest/organizationalEntityNotifications")
    assert linkedin.poll_all() == 0
    assert linkedin.poll_all() == 1


def test_a_reply_dropped_after_receipt_goes_out_once_under_the_comment(anna, page, fake, org):
    post = fake.add_post(org, "Nieuwe openingstijden")
    comment = fake.add_comment(post, "Ook op zondag?")
    linkedin.poll_all()
    item = InboxItem.objects.get()
    reply = replies.compose(item, anna, channel=page, text="Ja, van 12 tot 17 uur.")
    assert reply.in_reply_to == comment
    fake.drop_next(1, "/rest/socialActions/")

    outcome = replies.send(reply.pk, worker="test")

    assert outcome == "sent", Reply.objects.get().error
    answers = fake.replies_to(comment)
    assert [(a["actor"], a["message"]["text"]) for a in answers] == [
        (f"urn:li:organization:{org}", "Ja, van 12 tot 17 uur.")
    ]
    assert answers[0]["parentComment"] == comment and answers[0]["object"] == post
    reply.refresh_from_db()
    assert reply.state == ReplyState.SENT and reply.remote_id == answers[0]["commentUrn"]
    item.refresh_from_db()
    assert item.status == Status.ANSWERED
    # The reply is the page's own comment: the next poll does not bring it into the inbox.
    assert linkedin.poll_all() == 0


def test_a_reply_answered_503_after_receipt_is_found_on_the_next_try(anna, page, fake, org):
    post = fake.add_post(org, "Wegwerkzaamheden")
    comment = fake.add_comment(post, "Hoe lang duurt het?")
    linkedin.poll_all()
    reply = replies.compose(InboxItem.objects.get(), anna, channel=page, text="Twee weken.")
    fake.drop_next(1, "/rest/socialActions/", answer_503=True)

    assert replies.send(reply.pk, worker="test") == "retry"
    Reply.objects.filter(pk=reply.pk).update(next_try_at=None, state=ReplyState.QUEUED)
    assert replies.send(reply.pk, worker="test") == "sent"

    assert [a["message"]["text"] for a in fake.replies_to(comment)] == ["Twee weken."]


def test_a_mention_is_answered_with_a_comment_under_the_mentioning_post(anna, page, fake, org):
    urn = fake.add_mention(org, "Vraag aan @Gemeente Koers: is het stadhuis open?")
    linkedin.poll_all()
    reply = replies.compose(InboxItem.objects.get(), anna, channel=page, text="Ja, tot 20 uur.")

    assert replies.send(reply.pk, worker="test") == "sent"

    assert [
        (c["actor"], c["message"]["text"], c.get("parentComment")) for c in fake.comments[urn]
    ] == [(f"urn:li:organization:{org}", "Ja, tot 20 uur.", None)]


def test_a_revoked_token_marks_the_page_broken_in_dutch_and_stores_nothing(page, fake, org):
    post = fake.add_post(org, "Raadsvergadering")
    fake.add_comment(post, "Is die openbaar?")
    fake.add_mention(org, "Dank @Gemeente Koers")
    fake.revoke_token()

    assert linkedin.poll_all() == 0

    assert InboxItem.objects.count() == 0 and Mention.objects.count() == 0
    page.refresh_from_db()
    assert page.health == Health.BROKEN
    assert "revoked" in page.health_reason
    with translation.override("nl"):
        shown = neterrors.translate(page.health_reason)
    assert shown.startswith("LinkedIn: de toegang is op LinkedIn ingetrokken")
    assert "revoked by the user" in shown
    # A broken page is not asked again until it is reconnected.
    asked = len(fake.requests)
    assert linkedin.poll_all() == 0
    assert len(fake.requests) == asked


def test_a_linkedin_comment_is_answered_from_its_page_in_dutch(client, anna, acme, page, fake, org):
    from django.urls import reverse

    post = fake.add_post(org, "Nieuwe openingstijden")
    comment = fake.add_comment(post, "Ook op zondag?")
    linkedin.poll_all()
    item = InboxItem.objects.get()
    client.force_login(anna)
    address = reverse("engagement:item", kwargs={"slug": acme.slug, "item_id": item.pk})
    html = client.get(address, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Ook op zondag?" in html and "Reactie<" in html
    assert "Gemeente Koers op LinkedIn" in html and "Reactie verbergen" not in html

    send = reverse("engagement:reply", kwargs={"slug": acme.slug, "item_id": item.pk})
    too_long = client.post(
        send, {"channel": page.pk, "text": "a" * 1251}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert "Een reactie op LinkedIn heeft hooguit 1250 tekens." in too_long.content.decode()
    assert Reply.objects.count() == 0

    client.post(send, {"channel": page.pk, "text": "Ja, van 12 tot 17 uur."})
    reply = Reply.objects.get()
    assert reply.channel == page and reply.in_reply_to == comment
    assert reply.state == ReplyState.QUEUED


def test_a_rate_limited_reply_waits_for_retry_after_and_goes_out_once(anna, page, fake, org):
    from django.utils import timezone

    post = fake.add_post(org, "Verkiezingen")
    comment = fake.add_comment(post, "Waar kan ik stemmen?")
    linkedin.poll_all()
    reply = replies.compose(InboxItem.objects.get(), anna, channel=page, text="In het stadhuis.")
    fake.ratelimit_next(1, "/rest/socialActions/", retry_after=120)

    assert replies.send(reply.pk, worker="test") == "retry"

    reply.refresh_from_db()
    assert reply.state == ReplyState.RETRY and "rate limit" in reply.error
    assert reply.next_try_at >= timezone.now() + timedelta(seconds=110)
    assert fake.replies_to(comment) == []
    Reply.objects.filter(pk=reply.pk).update(next_try_at=timezone.now())
    assert replies.send(reply.pk, worker="test") == "sent"
    assert [a["message"]["text"] for a in fake.replies_to(comment)] == ["In het stadhuis."]
