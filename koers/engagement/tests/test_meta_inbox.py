"""The Meta inbox: the signed webhook endpoint, comments and messages into inbox items, and
replies on Meta channels exactly once against the rude fake Graph API."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from koers.engagement import meta, replies
from koers.engagement.models import InboxItem, Kind, MetaEvent, MetaEventState, Reply, Status
from koers.engagement.tests.metahooks import (
    URL,
    V,
    _feed,
    _messenger,
    _post,
    _process_all,
)
from koers.listening.models import Mention


# ---------------------------------------------------------------------------------------------
# The endpoint
# ---------------------------------------------------------------------------------------------
def test_the_handshake_answers_the_challenge_only_for_the_registered_verify_token(client, app):
    good = {"hub.mode": "subscribe", "hub.verify_token": "verify-me-please", "hub.challenge": "42"}
    answer = client.get(URL, good)
    assert answer.status_code == 200 and answer.content == b"42"
    assert client.get(URL, {**good, "hub.verify_token": "verify-me-pleasE"}).status_code == 403
    assert client.get(URL, {**good, "hub.mode": "unsubscribe"}).status_code == 403
    assert client.get(URL, {"hub.mode": "subscribe", "hub.challenge": "1"}).status_code == 403


def test_a_bad_or_missing_signature_is_refused_and_nothing_is_stored(client, channels, page):
    payload = _feed(page.page_id, "111_222")
    assert _post(client, payload, secret="someone-else").status_code == 403
    assert _post(client, payload, signature="").status_code == 403
    assert _post(client, payload, signature="sha1=abc").status_code == 403
    assert MetaEvent.objects.count() == 0
    assert _post(client, payload).status_code == 200
    assert MetaEvent.objects.count() == 1


def test_a_duplicated_delivery_is_stored_once_and_makes_one_item(client, channels, page):
    payload = _feed(page.page_id, f"{page.page_id}_111_222")
    for _ in range(3):
        assert _post(client, payload).status_code == 200
    assert MetaEvent.objects.count() == 1
    assert MetaEvent.objects.get().state == MetaEventState.PENDING
    assert _process_all() == ["stored"]
    assert meta.process(MetaEvent.objects.get().pk) == "done-before"
    _post(client, payload)  # a replay after processing
    assert MetaEvent.objects.count() == 1
    assert InboxItem.objects.count() == 1


def test_a_page_comment_becomes_a_comment_item_and_its_removal_closes_it(
    client, acme, channels, page
):
    comment_id = f"{page.page_id}_111_333"
    _post(client, _feed(page.page_id, comment_id, message="Wanneer wordt het afval opgehaald?"))
    _process_all()
    item = InboxItem.objects.get()
    assert item.workspace == acme and item.kind == Kind.COMMENT and item.status == Status.OPEN
    assert item.mention.network == "facebook" and item.mention.remote_id == comment_id
    assert item.mention.text == "Wanneer wordt het afval opgehaald?"
    assert item.mention.author_name == "Jan Jansen"

    _post(client, _feed(page.page_id, comment_id, verb="edited", message="Wanneer? (bewerkt)"))
    _post(client, _feed(page.page_id, comment_id, verb="remove"))
    assert _process_all()[-2:] == ["stored", "removed"]
    item.refresh_from_db()
    assert item.status == Status.CLOSED and "Facebook" in item.close_note
    assert Mention.objects.get().text == "Wanneer? (bewerkt)"
    assert InboxItem.objects.count() == 1


def test_an_instagram_comment_and_an_unknown_account(client, channels, page):
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": page.instagram_id,
                "time": int(time.time()),
                "changes": [
                    {
                        "field": "comments",
                        "value": {
                            "from": {"id": "232323", "username": "jan_zonnedal"},
                            "media": {"id": "123123", "media_product_type": "FEED"},
                            "id": "17865799348089039",
                            "text": "Mooie foto!",
                        },
                    }
                ],
            }
        ],
    }
    _post(client, payload)
    other = json.loads(json.dumps(payload).replace(page.instagram_id, "999"))
    _post(client, other)
    assert _process_all() == ["stored", "no-channel"]
    item = InboxItem.objects.get()
    assert item.mention.network == "instagram" and item.mention.author_name == "jan_zonnedal"


def test_a_failing_event_is_kept_with_its_error_and_tried_again(
    client, channels, page, monkeypatch
):
    _post(client, _feed(page.page_id, f"{page.page_id}_1_2"))
    original = meta._comment

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(meta, "_comment", broken)
    assert _process_all() == ["failed"]
    event = MetaEvent.objects.get()
    assert event.state == MetaEventState.FAILED and "went away" in event.error
    assert InboxItem.objects.count() == 0
    monkeypatch.setattr(meta, "_comment", original)
    assert meta.retry_events() == 1
    event.refresh_from_db()
    assert event.state == MetaEventState.DONE and event.attempts == 2
    assert InboxItem.objects.count() == 1


def test_messages_of_one_person_share_a_thread(client, channels, page):
    _post(client, _messenger(page.page_id, "psid-1", "m_1", "Hallo"))
    _post(client, _messenger(page.page_id, "psid-1", "m_2", "Is er iemand?"))
    _post(client, _messenger(page.page_id, "psid-2", "m_3", "Hoi"))
    assert _process_all() == ["stored", "stored", "stored"]
    items = list(InboxItem.objects.order_by("pk"))
    assert {i.kind for i in items} == {Kind.DIRECT_MESSAGE}
    assert items[0].thread == items[1].thread != items[2].thread


# ---------------------------------------------------------------------------------------------
# Replies
# ---------------------------------------------------------------------------------------------
def _run_reply(reply: Reply) -> str:
    return replies.send(reply.pk, worker="test")


def test_a_comment_reply_dropped_after_receipt_goes_out_once(client, anna, channels, page, graph):
    facebook, _instagram = channels
    comment_id = f"{page.page_id}_111_444"
    _post(client, _feed(page.page_id, comment_id))
    _process_all()
    item = InboxItem.objects.get()
    reply = replies.compose(item, anna, channel=facebook, text="Maandag!")
    assert reply.in_reply_to == comment_id
    graph.drop_next(1, f"{V}/{comment_id}/comments")
    outcome = _run_reply(reply)
    assert outcome == "sent", Reply.objects.get().error
    reply.refresh_from_db()
    assert reply.state == "sent" and reply.remote_id == graph.replies[comment_id][0]["id"]
    assert [r["message"] for r in graph.replies[comment_id]] == ["Maandag!"]
    assert graph.count("POST", f"{V}/{comment_id}/comments") == 1
    item.refresh_from_db()
    assert item.status == Status.ANSWERED


def test_an_instagram_comment_reply_goes_to_replies(client, anna, channels, page, graph):
    _facebook, instagram = channels
    item_mention = Mention.objects.create(
        workspace=instagram.workspace,
        network="instagram",
        remote_id="178000",
        text="Mooi!",
        text_hash="x",
        lang="und",
        sentiment="neutral",
        published_at=timezone.now(),
    )
    item = InboxItem.objects.create(
        workspace=instagram.workspace,
        mention=item_mention,
        origin="reply",
        kind=Kind.COMMENT,
        received_at=timezone.now(),
        due_at=timezone.now(),
    )
    reply = replies.compose(item, anna, channel=instagram, text="Dank je!")
    assert _run_reply(reply) == "sent"
    assert [r["text"] for r in graph.replies["178000"]] == ["Dank je!"]


def test_a_messenger_reply_within_24_hours_is_sent(client, anna, channels, page, graph):
    facebook, _instagram = channels
    graph.user_wrote(page.page_id, "psid-1", age_seconds=3600)
    _post(client, _messenger(page.page_id, "psid-1", "m_1", "Hallo", age=3600))
    _process_all()
    item = InboxItem.objects.get()
    reply = replies.compose(item, anna, channel=facebook, text="Hoi, hoe kunnen we helpen?")
    graph.drop_next(1, f"{V}/{page.page_id}/messages")
    assert _run_reply(reply) == "sent"
    assert [m["message"] for m in graph.sent_messages()] == ["Hoi, hoe kunnen we helpen?"]


def test_a_messenger_reply_after_24_hours_is_refused_in_dutch_and_nothing_sent(
    client, anna, channels, page, graph
):
    facebook, _instagram = channels
    graph.user_wrote(page.page_id, "psid-1", age_seconds=25 * 3600)
    _post(client, _messenger(page.page_id, "psid-1", "m_1", "Hallo", age=25 * 3600))
    _process_all()
    item = InboxItem.objects.get()
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        replies.compose(item, anna, channel=facebook, text="Sorry voor de late reactie")
    assert "24 uur" in refused.value.messages[0]
    assert Reply.objects.count() == 0
    assert graph.count("POST", f"{V}/{page.page_id}/messages") == 0
    assert graph.sent_messages() == []
    # A newer message from the same person opens the window again for the whole thread.
    graph.user_wrote(page.page_id, "psid-1")
    _post(client, _messenger(page.page_id, "psid-1", "m_2", "Nog een vraag"))
    _process_all()
    reply = replies.compose(item, anna, channel=facebook, text="Wij helpen je graag")
    assert _run_reply(reply) == "sent"
    assert timezone.now() - meta.last_message_at(item) < timedelta(minutes=1)


def test_an_instagram_mention_is_read_with_the_accounts_token(client, channels, page, graph):
    comment_id = graph.add_mentioned_comment("@zonnedal wanneer gaat het zwembad open?", "piet")
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": page.instagram_id,
                "time": int(time.time()),
                "changes": [
                    {
                        "field": "mentions",
                        "value": {"media_id": "17887498072083520", "comment_id": comment_id},
                    }
                ],
            }
        ],
    }
    _post(client, payload)
    graph.fail_next(1, path_prefix=f"{V}/{page.instagram_id}")
    assert _process_all() == ["failed"]
    assert InboxItem.objects.count() == 0
    assert meta.retry_events() == 1
    item = InboxItem.objects.get()
    assert item.kind == Kind.MENTION and item.mention.network == "instagram"
    assert item.mention.text == "@zonnedal wanneer gaat het zwembad open?"
    assert item.mention.author_name == "piet"


def test_polling_finds_new_comments_once_and_joins_webhook_items(
    client, anna, channels, page, graph
):
    facebook, _instagram = channels
    post_id = f"{page.page_id}_900"
    page.posts.append({"id": post_id, "message": "Ons nieuwe zwembad", "created": time.time()})
    first = graph.add_comment(post_id, "Wanneer open?", sender="555", name="Piet")
    # The same comment also arrived by webhook: still one item.
    _post(client, _feed(page.page_id, first, message="Wanneer open?"))
    _process_all()
    assert meta.poll(facebook) == 1
    assert InboxItem.objects.count() == 1
    second = graph.add_comment(post_id, "En de prijzen?", sender="556", name="Sara")
    graph.add_comment(post_id, "Dank voor jullie vragen", sender=page.page_id)  # our own
    assert meta.poll(facebook) == 2
    assert meta.poll(facebook) == 0
    texts = sorted(InboxItem.objects.values_list("mention__text", flat=True))
    assert texts == ["En de prijzen?", "Wanneer open?"]
    assert InboxItem.objects.get(mention__remote_id=second).mention.author_name == "Sara"


def test_polling_an_instagram_account(client, channels, page, graph):
    _facebook, instagram = channels
    graph.ig_media[page.instagram_id].append(
        {"id": "1790001", "caption": "Zomer", "created": time.time()}
    )
    graph.add_comment("1790001", "Prachtig!", sender="777", name="els", instagram=True)
    assert meta.poll(instagram) == 1
    item = InboxItem.objects.get()
    assert item.mention.network == "instagram" and item.kind == Kind.COMMENT
    assert (item.mention.text, item.mention.author_name) == ("Prachtig!", "els")


# ---------------------------------------------------------------------------------------------
# WhatsApp Cloud API
# ---------------------------------------------------------------------------------------------
def _whatsapp_change(number: str, *, messages=None, statuses=None):
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "31201234567", "phone_number_id": number},
    }
    if messages is not None:
        value["contacts"] = [{"profile": {"name": "Kees"}, "wa_id": "31612345678"}]
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA_ID", "changes": [{"field": "messages", "value": value}]}],
    }


def test_a_whatsapp_message_becomes_an_item_and_the_reply_goes_out_once(
    client, anna, app, whatsapp, graph
):
    number = whatsapp.extra["phone_number_id"]
    message = {
        "from": "31612345678",
        "id": "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUZBQ0Q",
        "timestamp": str(int(time.time()) - 60),
        "text": {"body": "Is de balie zaterdag open?"},
        "type": "text",
    }
    _post(client, _whatsapp_change(number, messages=[message]))
    _post(client, _whatsapp_change(number, messages=[message]))  # Meta's retry
    assert _process_all() == ["stored"]
    item = InboxItem.objects.get()
    assert item.kind == Kind.DIRECT_MESSAGE and item.mention.network == "whatsapp"
    assert item.mention.author_name == "Kees" and item.thread.endswith(":31612345678")
    graph.user_wrote(number, "31612345678", age_seconds=60)
    reply = replies.compose(item, anna, channel=whatsapp, text="Ja, van 9 tot 12.")
    graph.drop_next(1, f"{V}/{number}/messages")
    assert _run_reply(reply) == "unknown"  # no status webhook yet: nothing to confirm
    assert len(graph.wa_sent) == 1
    sent = graph.wa_sent[0]
    # Meta's status webhook for the message arrives; the lookup finds it, nothing is resent.
    _post(
        client,
        _whatsapp_change(
            number,
            statuses=[
                {
                    "id": sent["id"],
                    "status": "sent",
                    "timestamp": str(int(time.time())),
                    "recipient_id": "31612345678",
                }
            ],
        ),
    )
    assert _process_all()[-1] == "status"
    Reply.objects.filter(pk=reply.pk).update(next_try_at=None)
    assert replies.resolve_unknown(reply.pk, worker="test") == "sent"
    reply.refresh_from_db()
    assert reply.remote_id == sent["id"]
    assert [m["body"] for m in graph.wa_sent] == ["Ja, van 9 tot 12."]


def test_a_whatsapp_reply_after_the_window_is_refused_in_dutch(client, anna, app, whatsapp, graph):
    number = whatsapp.extra["phone_number_id"]
    old = {
        "from": "31612345678",
        "id": "wamid.old",
        "timestamp": str(int(time.time()) - 30 * 3600),
        "text": {"body": "Hallo?"},
        "type": "text",
    }
    _post(client, _whatsapp_change(number, messages=[old]))
    _process_all()
    item = InboxItem.objects.get()
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        replies.compose(item, anna, channel=whatsapp, text="Sorry!")
    assert "WhatsApp" in refused.value.messages[0] and "24 uur" in refused.value.messages[0]
    assert Reply.objects.count() == 0 and graph.wa_sent == []


def test_a_whatsapp_reply_without_a_status_after_ten_minutes_is_sent_again(
    client, anna, app, whatsapp, graph
):
    import time_machine

    number = whatsapp.extra["phone_number_id"]
    message = {
        "from": "31612345678",
        "id": "wamid.lost",
        "timestamp": str(int(time.time()) - 60),
        "text": {"body": "Hallo"},
        "type": "text",
    }
    _post(client, _whatsapp_change(number, messages=[message]))
    _process_all()
    graph.user_wrote(number, "31612345678", age_seconds=60)
    item = InboxItem.objects.get()
    reply = replies.compose(item, anna, channel=whatsapp, text="Hoi!")
    # A worker claimed it and died before sending: recovery makes the outcome unknown.
    assert replies.claim(reply.pk, "dead-worker")
    Reply.objects.filter(pk=reply.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    replies.recover()
    reply.refresh_from_db()
    assert reply.state == "unknown" and "WhatsApp" in reply.error  # waiting for a status
    assert graph.wa_sent == []
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        Reply.objects.filter(pk=reply.pk).update(next_try_at=None)
        assert replies.resolve_unknown(reply.pk, worker="test") == "sent"
    assert [m["body"] for m in graph.wa_sent] == ["Hoi!"]
