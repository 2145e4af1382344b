"""The fakes hold Gemeente Duinwijk as ``koers demo`` shows it (``testing/duinwijk.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from koers.networks.base import OutgoingPost, PermanentError
from koers.networks.linkedin import LinkedInPublisher
from koers.networks.meta import GraphClient
from koers.networks.meta_inbox import WhatsAppSender
from koers.networks.testing import duinwijk as world
from koers.networks.testing.linkedin import FakeLinkedIn
from koers.networks.testing.meta_inbox import FakeMetaInbox


def test_the_fake_graph_api_holds_the_demo_page_its_post_comments_and_the_mention():
    with FakeMetaInbox() as fake:
        world.seed_meta(fake)
        graph = GraphClient(fake.url, world.PAGE_TOKEN, timeout=5.0)
        posts = next(iter(graph.pages(f"{world.PAGE_ID}/published_posts", limit=10)))
        assert [p["id"] for p in posts] == [world.FACEBOOK_POST.remote_id]
        comments = next(iter(graph.pages(f"{world.FACEBOOK_POST.remote_id}/comments")))
        assert {c["id"] for c in comments} == {c.comment_id for c in world.FACEBOOK_COMMENTS}
        media = next(iter(graph.pages(f"{world.IG_USER_ID}/media")))
        assert [m["id"] for m in media] == [world.INSTAGRAM_POST.remote_id]
        mention = graph.get(
            world.IG_USER_ID,
            fields=f"mentioned_comment.comment_id({world.INSTAGRAM_MENTION.comment_id})"
            "{text,username,timestamp}",
        )["mentioned_comment"]
        assert mention["text"] == world.INSTAGRAM_MENTION.text


def test_the_fake_whatsapp_number_answers_inside_the_window_and_refuses_outside_it():
    now = datetime.now(UTC)
    with FakeMetaInbox() as fake:
        world.seed_meta(fake)
        graph = GraphClient(fake.url, world.WHATSAPP_TOKEN, label="WhatsApp", timeout=5.0)
        inside = WhatsAppSender(
            world.WHATSAPP_NUMBER_ID,
            graph,
            last_message_at=now - timedelta(seconds=world.WHATSAPP_OPEN.age),
        )
        inside.publish(
            OutgoingPost(text="We komen morgen langs.", in_reply_to=world.WHATSAPP_OPEN.sender_id),
            "k1",
        )
        assert [m["to"] for m in fake.wa_sent] == [world.WHATSAPP_OPEN.sender_id]
        # The fake itself refuses too (error 131047), not only koers' own check.
        with pytest.raises(PermanentError):
            graph.post(
                f"{world.WHATSAPP_NUMBER_ID}/messages",
                write=True,
                messaging_product="whatsapp",
                to=world.WHATSAPP_CLOSED.sender_id,
                type="text",
                text='{"body": "Ja"}',
            )
        assert len(fake.wa_sent) == 1


def test_the_fake_linkedin_holds_the_demo_page_and_its_posts():
    with FakeLinkedIn() as fake:
        org = world.seed_linkedin(fake)
        publisher = LinkedInPublisher(world.LINKEDIN_TOKEN, org, api_base=fake.url, timeout=5.0)
        assert publisher.fetch_account_metrics().followers == 1850
        metrics = publisher.fetch_post_metrics([p.remote_id for p in world.LINKEDIN_POSTS])
        assert {m.remote_id for m in metrics} == {p.remote_id for p in world.LINKEDIN_POSTS}
