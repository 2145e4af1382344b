"""Inbox items and alerts through the API: the engagement and alerts actions, If-Match."""

from __future__ import annotations

from koers.core.models import AuditEvent
from koers.engagement.models import InboxItem, Reply


def test_assign_and_close_an_inbox_item(api_as, anna, bram, vera, acme, acme_world):
    api = api_as(anna, acme)
    item = acme_world["inbox"]
    etag = api.get(f"/inbox/{item.pk}")["ETag"]
    assigned = api.post(f"/inbox/{item.pk}/assign", {"assignee": bram.pk}, **{"If-Match": etag})
    assert assigned.status_code == 200 and assigned.json()["assignee"]["username"] == "bram"
    # A viewer can't be assigned (the inbox form's rule), and nothing changes.
    refused = api.post(
        f"/inbox/{item.pk}/assign", {"assignee": vera.pk}, **{"If-Match": assigned["ETag"]}
    )
    assert refused.status_code == 422 and "assignee" in refused.json()["errors"]
    stale = api.post(f"/inbox/{item.pk}/close", {"reason": "spam"}, **{"If-Match": etag})
    assert stale.status_code == 412
    closed = api.post(
        f"/inbox/{item.pk}/close",
        {"reason": "spam", "note": "reclame"},
        **{"If-Match": assigned["ETag"]},
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    item.refresh_from_db()
    assert (item.status, item.close_reason, item.assignee) == ("closed", "spam", bram)
    assert set(AuditEvent.objects.filter(object_id=str(item.pk), object_type="InboxItem")
               .values_list("action", flat=True)) >= {"inbox.assign", "inbox.close"}  # fmt: skip
    again = api.post(f"/inbox/{item.pk}/close", {"reason": "spam"}, **{"If-Match": closed["ETag"]})
    assert again.status_code == 409


def test_a_reply_is_queued_through_the_inbox_s_rules(api_as, anna, acme, acme_world):
    api = api_as(anna, acme)
    item = acme_world["inbox"]
    etag = api.get(f"/inbox/{item.pk}")["ETag"]
    # Acme's only channel is a demo channel: the inbox refuses to send from it.
    demo = api.post(
        f"/inbox/{item.pk}/reply", {"channel": acme_world["channel"].pk, "text": "Hoi"},
        **{"If-Match": etag},
    )  # fmt: skip
    assert demo.status_code == 422 and "channel" in demo.json()["errors"]
    assert not Reply.objects.exists()
    empty = api.post(f"/inbox/{item.pk}/reply", {"channel": 1, "text": "  "}, **{"If-Match": etag})
    assert empty.status_code == 422
    assert InboxItem.objects.get(pk=item.pk).status == "open"


def test_acknowledge_an_alert(api_as, bram, acme, acme_world):
    api = api_as(bram, acme)
    alert = acme_world["alert"]
    assert api.get("/alerts", {"acknowledged": "true"}).json()["items"] == []
    etag = api.get(f"/alerts/{alert.pk}")["ETag"]
    done = api.post(f"/alerts/{alert.pk}/acknowledge", **{"If-Match": etag})
    assert done.status_code == 200 and done.json()["acknowledged_by"]["username"] == "bram"
    alert.refresh_from_db()
    assert alert.acknowledged_by == bram
    assert AuditEvent.objects.filter(action="alerts.acknowledge", actor=bram).count() == 1
    assert [a["id"] for a in api.get("/alerts", {"acknowledged": "true"}).json()["items"]] == [
        alert.pk
    ]


def test_a_reply_from_a_real_channel_is_queued_once(api_as, anna, acme, mastodon, mastodon_server):
    from koers.engagement import actions as inbox_actions
    from koers.listening.models import Mention

    status = mastodon_server.add_remote_status("Wanneer open?", acct="jan")
    mention = Mention.objects.create(
        workspace=acme, network="mastodon", remote_id=status["uri"], url=status["url"],
        author_handle="@jan", text="Wanneer open?", text_hash="f" * 16, lang="nl",
        sentiment="neutral", published_at=status_time(),
    )  # fmt: skip
    item, _ = inbox_actions.add_manually(mention, anna)
    api = api_as(anna, acme)
    etag = api.get(f"/inbox/{item.pk}")["ETag"]
    body = {"channel": mastodon.pk, "text": "Morgen vanaf 9 uur!"}
    sent = api.post(f"/inbox/{item.pk}/reply", body, **{"If-Match": etag})
    assert sent.status_code == 200, sent.content
    assert [r["state"] for r in sent.json()["replies"]] == ["queued"]
    reply = Reply.objects.get(item=item)
    assert (reply.text, reply.channel, reply.created_by) == ("Morgen vanaf 9 uur!", mastodon, anna)
    again = api.post(f"/inbox/{item.pk}/reply", body, **{"If-Match": sent["ETag"]})
    assert again.status_code == 409 and Reply.objects.filter(item=item).count() == 1
    assert AuditEvent.objects.filter(action="inbox.reply", actor=anna).count() == 1


def status_time():
    from django.utils import timezone

    return timezone.now()
