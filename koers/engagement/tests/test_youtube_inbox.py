"""YouTube comments reach the inbox once each, page after page, and are answered exactly once
with a reply under the comment."""

from __future__ import annotations

import pytest

from koers.engagement import replies, triage, youtube
from koers.engagement.forms import NETWORK_CHOICES
from koers.engagement.models import InboxItem, Kind, ReplyState
from koers.measurement.sources import METRIC_NETWORKS
from koers.networks.testing.youtube import FakeYouTube
from koers.publishing.models import Channel, Network, NetworkApp, Provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    with FakeYouTube() as server:
        yield server


@pytest.fixture
def channel(acme, fake) -> Channel:
    app = NetworkApp(provider=Provider.GOOGLE, client_id=fake.client_id)
    app.set_client_secret(fake.client_secret)
    app.save()
    tokens = fake.issue_tokens()
    made = Channel(
        workspace=acme,
        network=Network.YOUTUBE,
        name="YouTube",
        endpoint=fake.url,
        account_id=fake.channel_id,
        extra={"channel_id": fake.channel_id, "token_url": fake.url + "/token"},
    )
    made.set_secret(tokens["access_token"])
    made.set_refresh_token(tokens["refresh_token"])
    made.save()
    return made


def test_youtube_is_asked_about_by_capability_in_the_inbox_replies_and_measure():
    assert "youtube" in replies.REPLY_NETWORKS
    assert ("youtube", "YouTube") in NETWORK_CHOICES and "youtube" in METRIC_NETWORKS
    assert "youtube" not in triage.NETWORKS  # comments come by polling, not as mentions


def test_a_paged_comment_list_becomes_one_item_per_comment_stored_once(acme, channel, fake):
    video = fake.add_video("Weekvlog 1")
    for number in range(150):
        fake.add_comment(video, f"Vraag {number}", author=f"Kijker {number}")

    assert youtube.poll(channel) == 150
    assert youtube.poll(channel) == 0  # read again: nothing new

    assert InboxItem.objects.filter(workspace=acme).count() == 150
    pages = [r for r in fake.requests if r.path == "/youtube/v3/commentThreads"]
    assert len(pages) == 4 and any("pageToken" in r.query for r in pages)
    item = InboxItem.objects.get(mention__text="Vraag 7")
    assert item.kind == Kind.COMMENT and item.mention.network == "youtube"
    assert item.mention.author_name == "Kijker 7"
    assert item.mention.url.endswith(f"&lc={item.mention.remote_id}")


def test_replies_in_a_thread_are_items_too_but_the_channels_own_are_not(acme, channel, fake):
    video = fake.add_video("Weekvlog 1")
    thread = fake.add_comment(video, "Waar is dit?")
    fake.threads[0]["replies"]["comments"] += [
        {
            "id": f"{thread}.viewer1",
            "snippet": {
                "parentId": thread,
                "textOriginal": "Ik wil het ook weten",
                "authorDisplayName": "Bob",
                "authorChannelId": {"value": "UCbob"},
                "publishedAt": "2026-12-01T10:00:00Z",
            },
        },
        {
            "id": f"{thread}.own1",
            "snippet": {
                "parentId": thread,
                "textOriginal": "Bij het stadhuis.",
                "authorDisplayName": "Gemeente Koers",
                "authorChannelId": {"value": fake.channel_id},
                "publishedAt": "2026-12-01T11:00:00Z",
            },
        },
    ]
    assert youtube.poll(channel) == 2
    assert sorted(InboxItem.objects.values_list("mention__text", flat=True)) == [
        "Ik wil het ook weten",
        "Waar is dit?",
    ]
    reply_item = InboxItem.objects.get(mention__text="Ik wil het ook weten")
    assert reply_item.thread == thread


def test_a_comment_is_answered_once_even_when_the_answer_is_lost(acme, anna, channel, fake):
    video = fake.add_video("Weekvlog 1")
    thread = fake.add_comment(video, "Hoe laat begint het?")
    youtube.poll(channel)
    item = InboxItem.objects.get()
    assert replies.channels_for(item) == [channel]
    fake.drop_next(1, "/youtube/v3/comments")  # handled, then the connection is cut

    reply = replies.compose(item, anna, channel=channel, text="Om acht uur!")
    outcome = replies.send(reply.pk)
    reply.refresh_from_db()
    if outcome != "sent":  # unknown: the lookup finds the reply that went out
        replies.resolve_unknown(reply.pk)
        reply.refresh_from_db()

    assert reply.state == ReplyState.SENT
    answers = fake.replies(thread)
    assert [a["snippet"]["textOriginal"] for a in answers] == ["Om acht uur!"]
    assert reply.remote_id == answers[0]["id"]
    assert fake.count("POST", "/youtube/v3/comments") == 1
