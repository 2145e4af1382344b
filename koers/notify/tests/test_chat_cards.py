"""Cards in Teams and Slack: an event found once becomes one card per destination that wants
it, in the documented shape, with an absolute link back into koers."""

from __future__ import annotations

from django.utils import timezone

from koers.networks.testing.chat import slack_shape_ok, teams_shape_ok
from koers.notify import collect, send
from koers.notify.models import Card, CardState, Event, EventKind
from koers.publishing import actions as publishing
from koers.publishing.models import Health


def run_once(now=None) -> list[str]:
    """What the periodic job does: collect, then send every due card."""
    now = now or timezone.now()
    collect.collect(now)
    return [send.send_card(pk, now) for pk in send.due_cards(now)]


def test_an_approval_request_reaches_slack_once_as_block_kit(submitted, destination, chat, acme):
    slack = destination("slack")
    item = submitted("Fietsdag zaterdag")
    assert run_once() == ["sent"]
    assert run_once() == []  # the collector reads the same rows again: nothing new
    assert len(chat.cards) == 1
    kind, body = chat.cards[0]
    assert kind == "slack" and slack_shape_ok(body)
    types = [b["type"] for b in body["blocks"]]
    assert types == ["header", "section", "context", "actions"]
    assert "Fietsdag zaterdag" in body["blocks"][0]["text"]["text"]
    button = body["blocks"][-1]["elements"][0]
    assert button["url"] == f"https://koers.gemeente.example/w/acme/calendar/items/{item.pk}/"
    assert "dirk" in body["text"]
    slack.refresh_from_db()
    assert slack.last_sent_at is not None and slack.last_error == ""
    assert Event.objects.get().kind == EventKind.APPROVAL


def test_a_failed_post_reaches_teams_as_an_adaptive_card_with_a_link(
    submitted, destination, chat, acme, anna
):
    destination("teams")
    item = submitted("Open dag")
    item.deliveries.update(error="The webhook at intranet.example refused the delivery (400: nee).")
    from koers.publishing.models import State, StateChange

    StateChange.objects.create(item=item, from_state=State.PUBLISHING, to_state=State.FAILED)
    assert sorted(run_once()) == ["sent", "sent"]  # the approval request and the failure
    bodies = [b for k, b in chat.cards]
    assert all(teams_shape_ok(b) for b in bodies)
    failed = next(b for b in bodies if "Open dag" in str(b) and "Attention" in str(b))
    card = failed["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "“Open dag” is niet gepubliceerd"  # Acme speaks Dutch
    facts = next(b for b in card["body"] if b["type"] == "FactSet")["facts"]
    assert facts == [
        {
            "title": "Intranet",
            "value": "De webhook op intranet.example weigerde de levering (400: nee).",
        }
    ]
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Bericht openen",
            "url": f"https://koers.gemeente.example/w/acme/calendar/items/{item.pk}/",
        }
    ]


def test_each_destination_gets_only_the_events_it_chose(
    submitted, inbox_item, alert, destination, chat
):
    destination("slack", events=["alert"], name="Webcare")
    destination("teams", events=["approval", "overdue"], name="Team")
    submitted()
    item = inbox_item()
    from koers.core.actions import audit

    audit(item.workspace, None, "inbox.overdue", "response-time target passed", item)
    alert()
    assert sorted(run_once()) == ["sent", "sent", "sent"]
    kinds = sorted((k, "AdaptiveCard" in str(b)) for k, b in chat.cards)
    assert kinds == [("slack", False), ("teams", True), ("teams", True)]
    slack_body = next(b for k, b in chat.cards if k == "slack")
    assert "/w/acme/alerts/" in slack_body["blocks"][-1]["elements"][0]["url"]
    teams_urls = {
        b["attachments"][0]["content"]["actions"][0]["url"] for k, b in chat.cards if k == "teams"
    }
    assert f"https://koers.gemeente.example/w/acme/inbox/{item.pk}/" in teams_urls


def test_a_channel_that_breaks_is_told_once_not_at_every_check(channel, destination, chat):
    from koers.networks.base import ConnectionStatus

    destination("slack", events=["broken_channel"])
    publishing.record_channel_check(channel, ConnectionStatus(ok=True, account="x"))
    publishing.record_channel_check(channel, ConnectionStatus(ok=False, reason="Token revoked."))
    publishing.record_channel_check(channel, ConnectionStatus(ok=False, reason="Token revoked."))
    assert run_once() == ["sent"]
    channel.refresh_from_db()
    assert channel.health == Health.BROKEN
    body = chat.cards[0][1]
    assert body["blocks"][0]["text"]["text"] == "Kanaal Intranet werkt niet"
    assert body["blocks"][-1]["elements"][0]["url"].endswith("/w/acme/calendar/channels/")
    # Repaired and broken again: a new episode, a new card.
    publishing.record_channel_check(channel, ConnectionStatus(ok=True, account="x"))
    publishing.record_channel_check(channel, ConnectionStatus(ok=False, reason="Gone."))
    assert run_once() == ["sent"]
    assert len(chat.cards) == 2


def test_a_destination_added_later_does_not_get_old_events(submitted, destination, chat):
    submitted()
    collect.collect(timezone.now())
    destination("slack")  # made "an hour ago", but the event is already recorded
    assert run_once() == []
    assert chat.cards == [] and Card.objects.count() == 0


def test_two_collectors_racing_record_one_event_and_one_card(submitted, destination):
    destination("slack")
    submitted()
    now = timezone.now()
    first, second = collect.collect(now), collect.collect(now)
    assert len(first) == 1 and second == []
    assert Card.objects.filter(state=CardState.PENDING).count() == 1


def test_old_events_and_digest_markers_are_cleaned_up(submitted, destination, acme, anna):
    from datetime import timedelta

    from koers.notify.models import DigestSent

    destination("slack")
    submitted()
    now = timezone.now()
    collect.collect(now)
    DigestSent.objects.create(
        workspace=acme, user=anna, period="d2025-01-01", state="sent",
        claimed_at=now - timedelta(days=401),
    )  # fmt: skip
    assert collect.clean_up(now + timedelta(days=89)) == 1  # only the old marker
    assert Event.objects.count() == 1 and Card.objects.count() == 1
    assert collect.clean_up(now + timedelta(days=91)) == 2  # the event and its card
    assert not Event.objects.exists() and not Card.objects.exists()


def test_a_post_sent_back_to_review_after_a_change_is_an_approval_request_too(
    acme, anna, dirk, submitted, destination, chat
):
    destination("slack", events=["approval"])
    item = submitted("Fietsdag")
    publishing.approve_item(item, anna)
    item.refresh_from_db()
    # Dirk (contributor) changes the approved text: it goes back to review.
    publishing.save_item(
        acme, dirk, item=item, title=item.title, text="Andere tekst",
        channel_texts={d.channel_id: "" for d in item.deliveries.all()},
    )  # fmt: skip
    assert sorted(run_once()) == ["sent", "sent"]  # the submission and the return to review
    assert Event.objects.filter(kind=EventKind.APPROVAL).count() == 2
