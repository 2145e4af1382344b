"""Triage: which mentions enter the inbox, once each, by the id watermark."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from koers.core.models import AuditEvent
from koers.engagement import actions, triage
from koers.engagement.models import InboxItem, InboxSettings, Origin, TriageCursor
from koers.engagement.tests.conftest import NOON, make_mention, own_channel
from koers.listening.models import Source
from koers.publishing.models import ContentItem, Delivery, DeliveryState

pytestmark = pytest.mark.django_db
LATER = NOON + timedelta(minutes=10)


def published_post(workspace, channel, remote_id: str) -> Delivery:
    item = ContentItem.objects.create(workspace=workspace, title="Afvalkalender 2027")
    return Delivery.objects.create(
        workspace=workspace,
        item=item,
        channel=channel,
        state=DeliveryState.PUBLISHED,
        remote_id=remote_id,
        published_at=NOON - timedelta(hours=2),
    )


def run_triage(at=LATER) -> int:
    with time_machine.travel(at, tick=False):
        return triage.run()


def test_a_mention_of_our_account_enters_the_inbox_with_its_due_time(acme, acme_accounts):
    asked = make_mention(acme, "Hoi @acme@mastodon.nl, wanneer is de milieustraat open?")
    make_mention(acme, "Acme is een mooi merk")  # mentions the brand, not our account
    assert run_triage() == 1
    item = InboxItem.objects.get()
    assert (item.mention, item.origin, item.status) == (asked, Origin.ADDRESSED, "open")
    assert item.received_at == asked.published_at == NOON
    assert item.due_at == NOON + timedelta(minutes=240)


def test_a_bluesky_mention_of_our_handle_enters_but_not_on_another_network(acme, acme_accounts):
    make_mention(acme, "Vraag voor @acme.nl", network="bluesky", remote_id="at://did:plc:x/p/1")
    make_mention(acme, "Vraag voor @acme.nl via Mastodon")  # acme.nl is our Bluesky handle
    run_triage()
    assert [i.mention.network for i in InboxItem.objects.all()] == ["bluesky"]


def test_a_reply_to_our_published_post_enters_with_that_post(acme, acme_accounts):
    ours = published_post(acme, acme_accounts["mastodon"], "109876")
    reply = make_mention(acme, "Klopt de datum wel?", reply_to="109876")
    make_mention(acme, "Antwoord op iemand anders", reply_to="555")
    run_triage()
    item = InboxItem.objects.get()
    assert (item.mention, item.origin, item.replies_to) == (reply, Origin.REPLY, ours)


def test_another_workspaces_post_or_account_does_not_pull_a_mention_in(acme, bolt, acme_accounts):
    published_post(acme, acme_accounts["mastodon"], "109876")
    make_mention(bolt, "Reactie op Acme", reply_to="109876")
    make_mention(bolt, "Hoi @acme@mastodon.nl")
    run_triage()
    assert not InboxItem.objects.exists()


def test_triage_is_idempotent_and_moves_its_watermark(acme, acme_accounts):
    first = make_mention(acme, "@acme@mastodon.nl vraagje")
    assert run_triage() == 1
    assert TriageCursor.objects.get().last_mention_id == first.pk
    # Even with the watermark reset, the unique key keeps one item per mention.
    TriageCursor.objects.update(last_mention_id=0)
    assert run_triage() == 0
    assert InboxItem.objects.count() == 1
    second = make_mention(acme, "@acme@mastodon.nl nog een vraag")
    assert run_triage() == 1
    assert InboxItem.objects.filter(mention=second).exists()


def test_a_mention_is_triaged_at_the_next_run_without_waiting(acme, acme_accounts):
    make_mention(acme, "@acme@mastodon.nl net binnen", ingested_at=LATER)
    assert run_triage(LATER + timedelta(seconds=1)) == 1
    cursor = TriageCursor.objects.get()
    assert cursor.ingest_cursor is not None


def test_mentions_of_an_account_on_an_instance_with_a_port_enter_the_inbox(acme):
    own_channel(acme, endpoint="https://social.example:8120", account="@acme@social.example:8120")
    source = Source.objects.create(
        workspace=acme, name="Eigen server", kind="mastodon",
        config={"instance_url": "https://social.example:8120", "hashtag": "acme"},
    )  # fmt: skip
    remote = make_mention(
        acme,
        "@acme@social.example:8120 wanneer is de winkel open?",
        mentioned=["@acme@social.example:8120"],
    )
    local = make_mention(acme, "Hoi @acme, een vraag", mentioned=["@acme"], source=source)
    make_mention(acme, "Hoi @acme@social.example", mentioned=["@acme@social.example"])

    assert run_triage() == 2
    assert set(InboxItem.objects.values_list("mention_id", flat=True)) == {remote.pk, local.pk}


def test_old_mentions_are_left_for_adding_by_hand(acme, acme_accounts):
    make_mention(acme, "@acme@mastodon.nl oud bericht", published_at=NOON - timedelta(days=30))
    assert run_triage() == 0


def test_a_local_mastodon_mention_counts_on_the_source_instance(acme, acme_accounts):
    source = Source.objects.create(
        workspace=acme, name="Mastodon", kind="mastodon",
        config={"instance_url": "https://mastodon.nl", "hashtag": "acme"},
    )  # fmt: skip
    make_mention(acme, "Hoi @acme", mentioned=["@acme"], source=source)
    assert run_triage() == 1


def test_triage_writes_one_audit_row_per_workspace(acme, acme_accounts):
    make_mention(acme, "@acme@mastodon.nl a")
    make_mention(acme, "@acme@mastodon.nl b")
    run_triage()
    event = AuditEvent.objects.get(action="inbox.triage")
    assert (event.workspace, event.data["count"]) == (acme, 2)


def test_office_hours_move_the_due_time(acme, anna, acme_accounts):
    friday = NOON + timedelta(days=2, hours=4)  # Friday 16:00 in Amsterdam
    with time_machine.travel(friday, tick=False):
        actions.update_settings(acme, anna, target_minutes=120, use_office_hours=True)
    make_mention(acme, "@acme@mastodon.nl weekendvraag", published_at=friday)
    run_triage(friday + timedelta(minutes=5))
    item = InboxItem.objects.get()
    assert item.due_at == friday + timedelta(days=2, hours=18)  # Monday 10:00 in Amsterdam
    assert InboxSettings.objects.get(workspace=acme).target_minutes == 120


def test_a_bluesky_mention_naming_our_did_enters_once_the_check_stored_the_did(
    acme, anna, bluesky, bluesky_server
):
    """A facet names the account by DID; the text may show a display name or an old handle."""
    from koers.publishing import tasks as publishing_tasks

    by_did = make_mention(
        acme,
        "Vraag voor de gemeente",
        network="bluesky",
        remote_id="at://did:plc:jan/app.bsky.feed.post/1",
        mentioned=[bluesky_server.did],
    )
    assert run_triage() == 0  # the channel doesn't know its DID yet
    InboxItem.objects.all().delete()
    TriageCursor.objects.all().delete()

    assert publishing_tasks.check_channel.call(bluesky.pk) is True
    bluesky.refresh_from_db()
    assert bluesky.account_id == bluesky_server.did
    make_mention(
        acme,
        "Iets over een ander",
        network="bluesky",
        remote_id="at://did:plc:jan/app.bsky.feed.post/2",
        mentioned=["did:plc:someoneelse"],
    )
    assert run_triage() == 1
    assert InboxItem.objects.get().mention == by_did


def test_triage_copies_whether_the_mention_is_negative_for_the_lists_order(acme, acme_accounts):
    angry = make_mention(acme, "@acme@mastodon.nl dit is slecht", sentiment="negative")
    calm = make_mention(acme, "@acme@mastodon.nl een vraag", sentiment="neutral")
    assert run_triage() == 2
    assert InboxItem.objects.get(mention=angry).negative is True
    assert InboxItem.objects.get(mention=calm).negative is False
