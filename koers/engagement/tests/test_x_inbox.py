"""X mentions reach the inbox the way Mastodon's do: a source per connected X account, paged
through the listening pipeline, then triage; an answer goes out as an X reply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from koers.engagement import replies, triage, x_inbox
from koers.engagement.forms import NETWORK_CHOICES
from koers.engagement.models import InboxItem, Origin
from koers.listening import actions as listening_actions
from koers.listening.models import Mention, Source, SourceKind, SourceStatus
from koers.listening.sources import poll_source
from koers.measurement.sources import METRIC_NETWORKS
from koers.networks.testing.x import ACCOUNT_ID, FakeX
from koers.publishing.models import Channel, NetworkApp, Provider


@pytest.fixture
def x_server():
    with FakeX() as fake:
        yield fake


@pytest.fixture
def x_channel(acme, x_server) -> Channel:
    app = NetworkApp(provider=Provider.X, client_id=x_server.client_id)
    app.set_client_secret(x_server.client_secret)
    app.save()
    answer = x_server.issue_tokens()
    channel = Channel(
        workspace=acme,
        network="x",
        name="Acme op X",
        endpoint=x_server.url,
        handle="koers",
        account_id=ACCOUNT_ID,
        extra={"access_expires_at": (timezone.now() + timedelta(hours=2)).isoformat()},
    )
    channel.set_secret(answer["access_token"])
    channel.set_refresh_token(answer["refresh_token"])
    channel.save()
    return channel


@pytest.fixture
def brand_topic(acme, anna):
    return listening_actions.create_topic(
        acme, anna, name="Acme", kind="brand", query="koers OR @koers"
    )


def test_x_is_asked_about_by_capability_in_the_inbox_replies_and_measure():
    assert "x" in triage.NETWORKS and "x" in replies.REPLY_NETWORKS
    assert ("x", "X") in NETWORK_CHOICES and "x" in METRIC_NETWORKS
    assert "webhook" not in triage.NETWORKS and "webhook" not in METRIC_NETWORKS


def test_paged_x_mentions_enter_the_inbox_once(acme, x_channel, x_server, brand_topic):
    for number in range(120):
        x_server.add_tweet(f"buur{number}", f"@koers vraag nummer {number}")
    x_server.add_tweet("iemand", "koers zonder vermelding")  # matches the topic, no mention
    assert x_inbox.ensure_mention_sources() == 1
    assert x_inbox.ensure_mention_sources() == 0  # one source per account
    source = Source.objects.get(kind=SourceKind.X_MENTIONS)
    assert source.config == {"channel_id": x_channel.pk} and source.name.startswith("X")
    report = poll_source(source.pk)
    assert report is not None and report.stored == 120
    assert x_server.count("GET", f"/2/users/{ACCOUNT_ID}/mentions") == 2  # 100 + 20
    source.refresh_from_db()
    assert source.status == SourceStatus.OK and source.cursor
    assert triage.run() == 120
    item = InboxItem.objects.select_related("mention").first()
    assert item.origin == Origin.ADDRESSED and item.mention.network == "x"
    # The next poll reads from the cursor: nothing twice.
    x_server.add_tweet("laat", "@koers nog een vraag")
    source.next_poll_at = None
    source.save(update_fields=["next_poll_at"])
    assert poll_source(source.pk).stored == 1
    assert triage.run() == 1
    assert InboxItem.objects.count() == 121 and Mention.objects.filter(network="x").count() == 121


def test_at_the_free_level_the_mentions_source_says_which_level_it_needs(acme, x_channel, x_server):
    x_server.access_level = "free"
    x_inbox.ensure_mention_sources()
    source = Source.objects.get(kind=SourceKind.X_MENTIONS)
    assert poll_source(source.pk) is None
    source.refresh_from_db()
    assert source.status == SourceStatus.BROKEN
    # In the workspace's language (Dutch): what the level lacks and what each level has.
    assert "vermeldingen van het account" in source.last_error
    assert "Basic" in source.last_error and "Free: alleen plaatsen" in source.last_error


def test_x_recent_search_reads_with_the_workspaces_x_account(
    acme, x_channel, x_server, brand_topic
):
    x_server.add_tweet("anna", "Ik ga met koers mee")
    source = Source.objects.create(
        workspace=acme, name="X koers", kind=SourceKind.X_SEARCH, config={"search": "koers"}
    )
    assert poll_source(source.pk).stored == 1
    assert Mention.objects.get().author_handle == "@anna"


def test_an_x_mention_is_answered_with_an_x_reply(acme, anna, x_channel, x_server, brand_topic):
    tweet = x_server.add_tweet("buur", "@koers wanneer open?")
    x_inbox.ensure_mention_sources()
    poll_source(Source.objects.get(kind=SourceKind.X_MENTIONS).pk)
    triage.run()
    item = InboxItem.objects.get()
    assert replies.channels_for(item) == [x_channel]
    reply = replies.compose(item, anna, channel=x_channel, text="Om negen uur!")
    assert replies.send(reply.pk) == "sent"
    [answer] = [t for t in x_server.tweets.values() if t["_raw"] == "Om negen uur!"]
    assert answer["referenced_tweets"] == [{"type": "replied_to", "id": tweet["id"]}]


def test_an_x_search_source_is_added_on_the_sources_page_after_a_test_fetch(
    client_for, anna, acme, x_channel, x_server
):
    from django.urls import reverse

    client = client_for(anna)
    client.cookies["django_language"] = "nl"
    new = reverse("listening:source-new", args=["acme"])
    kinds = client.get(new).content.decode()
    assert 'value="x_search"' in kinds and 'value="x_mentions"' not in kinds
    form = {"name": "X fietsen", "kind": "x_search", "search": "fietsen", "poll_every_seconds": 300}
    x_server.access_level = "free"
    refused = client.post(new, form)
    assert refused.status_code == 200 and not Source.objects.filter(name="X fietsen").exists()
    assert "luisteren via recent zoeken" in refused.content.decode()
    x_server.access_level = "basic"
    assert client.post(new, form).status_code == 302
    assert Source.objects.get(name="X fietsen").config == {"search": "fietsen"}
