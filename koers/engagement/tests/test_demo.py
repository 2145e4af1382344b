"""The inbox part of the demo: real triage over imported messages, every state present."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from koers.core.demo import DemoContext
from koers.engagement import demo, replies
from koers.engagement.models import InboxItem, Kind, MetaEvent, MetaEventState, Reply, Status
from koers.listening import demo as listening_demo
from koers.networks.testing import duinwijk as world
from koers.networks.testing.meta_inbox import FakeMetaInbox
from koers.publishing import demo as publishing_demo
from koers.publishing.models import Channel

pytestmark = pytest.mark.django_db


def _build(workspace, owner, monkeypatch) -> str:
    monkeypatch.setattr(listening_demo, "POSTS", 50)
    ctx = DemoContext(workspace=workspace, owner=owner, rng=random.Random(1))
    publishing_demo.build(ctx)
    listening_demo.build(ctx)
    return demo.build(ctx)


def _by_network(workspace) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for item in InboxItem.objects.filter(workspace=workspace).select_related("mention"):
        found.setdefault(item.mention.network, []).append((item.kind, item.mention.remote_id))
    return {network: sorted(kinds) for network, kinds in found.items()}


def test_demo_inbox_has_open_overdue_answered_and_closed_messages(acme, anna, monkeypatch):
    summary = _build(acme, anna, monkeypatch)

    items = InboxItem.objects.filter(workspace=acme, mention__network__in=("mastodon", "bluesky"))
    assert items.count() == len(demo.MESSAGES)
    assert {i.origin for i in items} == {"addressed"}
    statuses = {s: items.filter(status=s).count() for s in Status.values}
    assert statuses == {"open": 6, "answered": 3, "closed": 2}
    now = timezone.now()
    overdue = [i for i in items if i.is_overdue(now)]
    assert len(overdue) >= 2
    assert items.filter(assignee=anna).count() == 3
    assert all(i.answered_at >= i.received_at for i in items.filter(status="answered"))
    assert "inbox: 11 messages" in summary


def test_demo_facebook_instagram_and_whatsapp_messages_come_in_as_meta_webhook_events(
    acme, anna, monkeypatch
):
    summary = _build(acme, anna, monkeypatch)

    assert _by_network(acme) == {
        **_by_network(acme),
        "facebook": sorted(
            [(Kind.COMMENT, c.comment_id) for c in world.FACEBOOK_COMMENTS]
            + [(Kind.DIRECT_MESSAGE, world.MESSENGER_MESSAGE.message_id)]
        ),
        # Without the fake Graph API the mention's text can't be read: left out.
        "instagram": [(Kind.COMMENT, world.INSTAGRAM_COMMENT.comment_id)],
        "whatsapp": sorted(
            (Kind.DIRECT_MESSAGE, m.message_id)
            for m in (world.WHATSAPP_OPEN, world.WHATSAPP_CLOSED)
        ),
    }
    events = MetaEvent.objects.all()
    assert events.count() == 7 and {e.state for e in events} == {MetaEventState.DONE}
    comment = InboxItem.objects.get(mention__remote_id=world.FACEBOOK_COMMENTS[0].comment_id)
    assert comment.replies_to.remote_id == world.FACEBOOK_POST.remote_id  # under our post
    assert "Fietsbrug" in comment.mention.text or "fietsbrug" in comment.mention.text
    thanks = InboxItem.objects.get(mention__remote_id=world.FACEBOOK_COMMENTS[2].comment_id)
    assert thanks.status == Status.CLOSED
    whatsapp = InboxItem.objects.get(mention__remote_id=world.WHATSAPP_OPEN.message_id)
    assert whatsapp.mention.author_name == "Henk Jansen" and whatsapp.status == Status.OPEN
    assert "7 from Facebook, Instagram and WhatsApp" in summary


def test_with_the_fake_graph_api_the_instagram_mention_is_read_from_it(
    acme, anna, monkeypatch, settings
):
    with FakeMetaInbox() as graph:
        world.seed_meta(graph)
        settings.KOERS_META_URL = graph.url
        summary = _build(acme, anna, monkeypatch)
        instagram = Channel.objects.get(workspace=acme, network="instagram")
        assert instagram.endpoint == graph.url

    mention = InboxItem.objects.get(workspace=acme, kind=Kind.MENTION,
                                    mention__network="instagram")  # fmt: skip
    assert mention.mention.remote_id == world.INSTAGRAM_MENTION.comment_id
    assert mention.mention.text == world.INSTAGRAM_MENTION.text
    assert mention.mention.author_handle == "surfclub_duinwijk"
    assert "8 from Facebook, Instagram and WhatsApp" in summary and "waiting" not in summary


def test_the_whatsapp_message_outside_the_24_hour_window_is_refused_with_the_reason(
    acme, anna, monkeypatch, client
):
    _build(acme, anna, monkeypatch)
    channel = Channel.objects.get(workspace=acme, network="whatsapp")
    closed = InboxItem.objects.get(mention__remote_id=world.WHATSAPP_CLOSED.message_id)
    open_ = InboxItem.objects.get(mention__remote_id=world.WHATSAPP_OPEN.message_id)

    # (The test's language is Dutch, like the workspace's.)
    with pytest.raises(ValidationError, match="binnen 24 uur"):
        replies.compose(closed, anna, channel=channel, text="Ja, zaterdag tot 12 uur.")
    # Inside the window the only refusal is that a demo channel sends nothing.
    with pytest.raises(ValidationError, match="demokanaal"):
        replies.compose(open_, anna, channel=channel, text="We komen morgen langs.")
    assert not Reply.objects.filter(channel=channel).exists()

    client.force_login(anna)
    page = client.get(
        reverse("engagement:item", kwargs={"slug": acme.slug, "item_id": closed.pk}),
        HTTP_ACCEPT_LANGUAGE="nl",
    ).content.decode()
    assert "binnen 24 uur" in page and 'class="explain window-closed"' in page
    page = client.get(
        reverse("engagement:item", kwargs={"slug": acme.slug, "item_id": open_.pk}),
        HTTP_ACCEPT_LANGUAGE="nl",
    ).content.decode()
    assert "window-closed" not in page and "demokanaal" in page


def test_a_messenger_sender_without_a_name_is_shown_once_in_the_inbox(
    acme, anna, monkeypatch, client
):
    _build(acme, anna, monkeypatch)
    client.force_login(anna)
    html = client.get(reverse("engagement:index", kwargs={"slug": acme.slug})).content.decode()
    assert html.count(world.MESSENGER_MESSAGE.sender_id) == 1  # Messenger sends no name
    assert html.count(world.WHATSAPP_OPEN.sender_id) == 1 and "Henk Jansen" in html
