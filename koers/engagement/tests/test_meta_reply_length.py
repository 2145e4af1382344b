"""Replies to Meta items that are too long for the network are refused on the item page in
the page's language, before anything is queued or sent."""

from __future__ import annotations

import time

from django.urls import reverse

from koers.engagement.models import InboxItem, Reply
from koers.engagement.tests.metahooks import V, _messenger, _post, _process_all


def _refusal(client, acme, item, channel, text) -> str:
    send = reverse("engagement:reply", kwargs={"slug": acme.slug, "item_id": item.pk})
    return client.post(
        send, {"channel": channel.pk, "text": text}, HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()


def test_a_too_long_instagram_comment_reply_is_refused_in_dutch(
    client, anna, acme, channels, page, graph
):
    _facebook, instagram = channels
    change = {
        "field": "comments",
        "value": {
            "from": {"id": "232323", "username": "jan_zonnedal"},
            "media": {"id": "123123", "media_product_type": "FEED"},
            "id": "17865799348089039",
            "text": "Mooie foto!",
        },
    }
    entry = {"id": page.instagram_id, "time": int(time.time()), "changes": [change]}
    _post(client, {"object": "instagram", "entry": [entry]})
    _process_all()
    client.force_login(anna)
    html = _refusal(client, acme, InboxItem.objects.get(), instagram, "a" * 2201)
    assert "Een reactie heeft hooguit 2200 tekens." in html
    assert "can have at most" not in html
    assert Reply.objects.count() == 0
    assert graph.count("POST", f"{V}/17865799348089039/replies") == 0


def test_a_too_long_messenger_reply_is_refused_in_dutch(client, anna, acme, channels, page):
    facebook, _instagram = channels
    _post(client, _messenger(page.page_id, "psid-1", "m_1", "Hallo"))
    _process_all()
    client.force_login(anna)
    html = _refusal(client, acme, InboxItem.objects.get(), facebook, "a" * 2001)
    assert "Een bericht heeft hooguit 2000 tekens." in html
    assert Reply.objects.count() == 0


def test_a_too_long_whatsapp_reply_is_refused_in_dutch(client, anna, acme, app, whatsapp):
    from koers.engagement.tests.test_meta_inbox import _whatsapp_change

    number = whatsapp.extra["phone_number_id"]
    message = {
        "from": "31612345678",
        "id": "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUZBQ0Q",
        "timestamp": str(int(time.time()) - 60),
        "text": {"body": "Is de balie zaterdag open?"},
        "type": "text",
    }
    _post(client, _whatsapp_change(number, messages=[message]))
    _process_all()
    client.force_login(anna)
    html = _refusal(client, acme, InboxItem.objects.get(), whatsapp, "a" * 4097)
    assert "Een WhatsApp-bericht heeft hooguit 4096 tekens." in html
    assert Reply.objects.count() == 0
