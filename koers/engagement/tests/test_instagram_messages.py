"""Instagram direct messages in the inbox: by webhook and by polling, stored once, one
conversation per person, answered exactly once within Meta's 24-hour window."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from koers.engagement import meta, replies
from koers.engagement.models import InboxItem, Kind, MetaEvent, Reply, ReplyState, Status
from koers.engagement.tests.metahooks import V, _post, _process_all


def _ig_message(ig_user_id: str, person: str, mid: str, text: str, *, age: float = 0):
    """An Instagram ``messaging`` event as Meta documents it (Webhooks for Instagram)."""
    return {
        "object": "instagram",
        "entry": [
            {
                "time": int(time.time() * 1000),
                "id": ig_user_id,
                "messaging": [
                    {
                        "sender": {"id": person},
                        "recipient": {"id": ig_user_id},
                        "timestamp": int((time.time() - age) * 1000),
                        "message": {"mid": mid, "text": text},
                    }
                ],
            }
        ],
    }


def test_a_direct_message_by_webhook_and_by_polling_is_stored_once(client, channels, page, graph):
    _facebook, instagram = channels
    ig = page.instagram_id
    first = graph.ig_user_wrote(ig, "igsid-1", "Hoi, is het stadhuis open?", username="jan")
    _post(client, _ig_message(ig, "igsid-1", first, "Hoi, is het stadhuis open?"))
    _post(client, _ig_message(ig, "igsid-1", first, "Hoi, is het stadhuis open?"))  # Meta again
    assert _process_all() == ["stored"]
    assert meta.poll(instagram) == 0  # the same message by polling: nothing new
    second = graph.ig_user_wrote(ig, "igsid-1", "En morgen?", username="jan")
    graph.ig_user_wrote(ig, "igsid-2", "Vraagje", username="els")
    assert meta.poll(instagram) == 2
    assert meta.poll(instagram) == 0
    # The webhook of a message polled before adds nothing either.
    _post(client, _ig_message(ig, "igsid-1", second, "En morgen?"))
    assert MetaEvent.objects.filter(field="messages").count() == 3
    items = {i.mention.remote_id: i for i in InboxItem.objects.select_related("mention")}
    assert set(items) == {first, second, *(m for m in items if m not in (first, second))}
    assert len(items) == 3
    assert {i.kind for i in items.values()} == {Kind.DIRECT_MESSAGE}
    assert {i.mention.network for i in items.values()} == {"instagram"}
    assert items[first].thread == items[second].thread == f"instagram:{ig}:igsid-1"
    assert items[second].mention.author_name == "jan"
    assert items[second].mention.text == "En morgen?"
    others = [i for m, i in items.items() if m not in (first, second)]
    assert others[0].thread == f"instagram:{ig}:igsid-2"


def test_an_echo_of_the_accounts_own_message_makes_no_item(client, channels, page):
    payload = _ig_message(page.instagram_id, page.instagram_id, "mid-own", "Graag gedaan")
    payload["entry"][0]["messaging"][0]["message"]["is_echo"] = True
    _post(client, payload)
    assert _process_all() == ["own"]
    assert InboxItem.objects.count() == 0


def test_a_reply_dropped_after_receipt_goes_out_exactly_once(client, anna, channels, page, graph):
    _facebook, instagram = channels
    ig = page.instagram_id
    mid = graph.ig_user_wrote(ig, "igsid-1", "Waar kan ik parkeren?", age_seconds=600)
    _post(client, _ig_message(ig, "igsid-1", mid, "Waar kan ik parkeren?", age=600))
    _process_all()
    item = InboxItem.objects.get()
    reply = replies.compose(item, anna, channel=instagram, text="Achter het stadhuis.")
    assert reply.in_reply_to == "igsid-1"
    graph.drop_next(1, f"{V}/{ig}/messages")
    assert replies.send(reply.pk, worker="test") == "sent", Reply.objects.get().error
    sent = graph.ig_sent(ig)
    assert [m["message"] for m in sent] == ["Achter het stadhuis."]
    assert graph.count("POST", f"{V}/{ig}/messages") == 1
    reply.refresh_from_db()
    assert reply.state == ReplyState.SENT and reply.remote_id == sent[0]["id"]
    item.refresh_from_db()
    assert item.status == Status.ANSWERED


def test_a_rate_limited_reply_waits_for_metas_time_and_then_goes_out_once(
    client, anna, channels, page, graph
):
    _facebook, instagram = channels
    ig = page.instagram_id
    mid = graph.ig_user_wrote(ig, "igsid-1", "Hallo?")
    _post(client, _ig_message(ig, "igsid-1", mid, "Hallo?"))
    _process_all()
    reply = replies.compose(InboxItem.objects.get(), anna, channel=instagram, text="Hoi!")
    # 429 with X-App-Usage and X-Business-Use-Case-Usage (2 minutes to regain access).
    graph.ratelimit_next(1, f"{V}/{ig}/messages", retry_after=120)
    assert replies.send(reply.pk, worker="test") == "retry"
    reply.refresh_from_db()
    assert reply.state == ReplyState.RETRY and graph.ig_sent(ig) == []
    assert (reply.next_try_at - timezone.now()).total_seconds() > 100
    Reply.objects.filter(pk=reply.pk).update(next_try_at=timezone.now())
    assert replies.send(reply.pk, worker="test") == "sent"
    assert [m["message"] for m in graph.ig_sent(ig)] == ["Hoi!"]


def test_a_reply_after_24_hours_is_refused_in_dutch_and_nothing_changes(
    client, anna, channels, page, graph
):
    _facebook, instagram = channels
    ig = page.instagram_id
    mid = graph.ig_user_wrote(ig, "igsid-1", "Hallo", age_seconds=25 * 3600)
    _post(client, _ig_message(ig, "igsid-1", mid, "Hallo", age=25 * 3600))
    _process_all()
    item = InboxItem.objects.get()
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        replies.compose(item, anna, channel=instagram, text="Sorry voor de late reactie")
    assert "Instagram" in refused.value.messages[0] and "24 uur" in refused.value.messages[0]
    assert Reply.objects.count() == 0
    item.refresh_from_db()
    assert item.status == Status.OPEN and item.answered_at is None
    assert graph.count("POST", f"{V}/{ig}/messages") == 0 and graph.ig_sent(ig) == []


def test_metas_window_refusal_fails_the_reply_without_breaking_the_channel(
    client, anna, channels, page, graph
):
    """koers' clock thought the window was open; Meta says it closed (10/2534022)."""
    _facebook, instagram = channels
    ig = page.instagram_id
    mid = graph.ig_user_wrote(ig, "igsid-1", "Hallo", age_seconds=3600)
    _post(client, _ig_message(ig, "igsid-1", mid, "Hallo", age=3600))
    _process_all()
    reply = replies.compose(InboxItem.objects.get(), anna, channel=instagram, text="Hoi")
    graph.last_user_message[(ig, "igsid-1")] = time.time() - 25 * 3600
    assert replies.send(reply.pk, worker="test") == "failed"
    reply.refresh_from_db()
    assert "24-hour window" in reply.error and "2534022" in reply.error
    instagram.refresh_from_db()
    assert instagram.health != "broken"
