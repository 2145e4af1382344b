"""Hiding and deleting a Facebook/Instagram comment goes through the exactly-once queue: the
request only records the intent; a task calls Meta, retries 5xx/429 and looks before it tries
again, so an outage loses nothing and the page shows pending, then done or failed."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from koers.core.models import AuditEvent
from koers.engagement import moderation
from koers.engagement.models import InboxItem, Kind, Moderation, ModerationState, Status
from koers.engagement.tests.metahooks import V, _feed, _messenger, _post, _process_all


@pytest.fixture
def post_id(page):
    post_id = f"{page.page_id}_900"
    page.posts.append({"id": post_id, "message": "Ons nieuwe zwembad", "created": time.time()})
    return post_id


def _comment_item(client, page, graph, post_id, text="Wat een onzin") -> InboxItem:
    """A comment known to the fake Graph API, in the inbox by webhook."""
    comment_id = graph.add_comment(post_id, text, sender="555", name="Piet")
    _post(client, _feed(page.page_id, comment_id, message=text))
    _process_all()
    return InboxItem.objects.get(mention__remote_id=comment_id)


def _due_now(found: Moderation) -> None:
    Moderation.objects.filter(pk=found.pk).update(next_try_at=timezone.now())


def test_hiding_is_pending_until_the_task_did_it_then_the_item_is_closed(
    client, anna, channels, page, graph, post_id
):
    item = _comment_item(client, page, graph, post_id)
    comment_id = item.mention.remote_id
    asked = moderation.request(item, anna, "hide")
    # The request itself calls nobody.
    assert asked.state == ModerationState.PENDING and graph.hidden == set()
    assert graph.count("POST", f"{V}/{comment_id}") == 0
    item.refresh_from_db()
    assert item.status == Status.OPEN
    with pytest.raises(ValidationError):  # a second click while it is on its way
        moderation.request(item, anna, "delete")
    with translation.override("en"):  # the worker's own language doesn't matter
        assert moderation.run(asked.pk, worker="test") == "done"
    assert moderation.run(asked.pk, worker="test") == "not-claimed"  # never twice
    assert graph.hidden == {comment_id}
    assert graph.count("POST", f"{V}/{comment_id}") == 1
    asked.refresh_from_db()
    assert asked.state == ModerationState.DONE and asked.done_at is not None
    item.refresh_from_db()
    # The note is in the workspace's language (Acme works in Dutch).
    assert item.status == Status.CLOSED and item.close_note == "Verborgen op Facebook."
    assert item.done_by == anna
    audited = AuditEvent.objects.filter(object_type="InboxItem", object_id=str(item.pk))
    actions = list(audited.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["inbox.moderate", "inbox.hide"]


def test_a_meta_outage_loses_nothing_and_a_lost_answer_is_looked_up_not_sent_again(
    client, anna, channels, page, graph, post_id
):
    item = _comment_item(client, page, graph, post_id)
    comment_id = item.mention.remote_id
    asked = moderation.request(item, anna, "hide")
    graph.fail_next(1, status=503, path_prefix=f"{V}/{comment_id}")
    assert moderation.run(asked.pk, worker="test") == "retry"
    asked.refresh_from_db()
    assert asked.state == ModerationState.PENDING and "unavailable" in asked.error
    assert asked.next_try_at > timezone.now() and graph.hidden == set()
    assert moderation.run(asked.pk, worker="test") == "not-claimed"  # not due yet
    # The next try is received and carried out by Meta, but its answer is lost.
    _due_now(asked)
    graph.drop_next(1, f"{V}/{comment_id}")
    assert moderation.run(asked.pk, worker="test") == "retry"
    assert graph.hidden == {comment_id}
    posts = graph.count("POST", f"{V}/{comment_id}")
    # The third try reads is_hidden first and finds it done: no third hide. (The second try
    # read it too, before its hide: not hidden then.)
    _due_now(asked)
    assert moderation.run(asked.pk, worker="test") == "done"
    assert graph.count("POST", f"{V}/{comment_id}") == posts == 2
    assert graph.count("GET", f"{V}/{comment_id}") == 2
    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_a_rate_limit_waits_as_long_as_meta_says(client, anna, channels, page, graph, post_id):
    item = _comment_item(client, page, graph, post_id)
    asked = moderation.request(item, anna, "delete")
    # 429 with X-App-Usage and X-Business-Use-Case-Usage (5 minutes to regain access).
    graph.ratelimit_next(1, f"{V}/{item.mention.remote_id}", retry_after=300)
    assert moderation.run(asked.pk, worker="test") == "retry"
    asked.refresh_from_db()
    assert (asked.next_try_at - timezone.now()).total_seconds() > 280
    assert InboxItem.objects.get(pk=item.pk).status == Status.OPEN
    assert moderation.recover()["ran"] == 0  # not due
    _due_now(asked)
    assert moderation.recover()["ran"] == 1
    asked.refresh_from_db()
    assert asked.state == ModerationState.DONE
    assert item.mention.remote_id in graph.deleted_comments


def test_a_failed_hide_shows_the_reason_and_is_done_when_tried_again(
    client, anna, acme, channels, page, graph, post_id
):
    item = _comment_item(client, page, graph, post_id)
    graph.revoke_permission("pages_manage_engagement")
    client.force_login(anna)
    hide = reverse(
        "engagement:moderate", kwargs={"slug": acme.slug, "item_id": item.pk, "action": "hide"}
    )
    page_html = client.post(hide, HTTP_ACCEPT_LANGUAGE="nl", follow=True).content.decode()
    assert "Reactie verbergen: koers doet het zo." in page_html
    assert "in afwachting" in page_html and "Reactie verbergen</button>" not in page_html
    asked = Moderation.objects.get()
    assert moderation.run(asked.pk, worker="test") == "failed"
    asked.refresh_from_db()
    assert asked.state == ModerationState.FAILED and "(Meta error 200)" in asked.error
    assert graph.hidden == set()
    item.refresh_from_db()
    assert item.status == Status.OPEN
    address = reverse("engagement:item", kwargs={"slug": acme.slug, "item_id": item.pk})
    html = client.get(address, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "mislukt" in html and "er ontbreekt een toestemming" in html
    # The permission is granted again; a member tries again: the same request, done once.
    graph.granted.add("pages_manage_engagement")
    retry = reverse(
        "engagement:moderation-retry",
        kwargs={"slug": acme.slug, "item_id": item.pk, "moderation_id": asked.pk},
    )
    client.post(retry)
    asked.refresh_from_db()
    assert asked.state == ModerationState.PENDING and asked.error == "" and asked.attempts == 0
    assert moderation.run(asked.pk, worker="test") == "done"
    assert graph.hidden == {item.mention.remote_id} and Moderation.objects.count() == 1
    html = client.get(address, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Verborgen op Facebook." in html and "klaar" in html


def test_deleting_a_comment_that_is_already_gone_is_done(
    client, anna, channels, page, graph, post_id
):
    item = _comment_item(client, page, graph, post_id)
    comment_id = item.mention.remote_id
    asked = moderation.request(item, anna, "delete")
    graph.remove_comment(comment_id)  # the person deleted it in the meantime
    assert moderation.run(asked.pk, worker="test") == "done"
    assert graph.count("DELETE", f"{V}/{comment_id}") == 1
    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_a_delete_whose_answer_was_lost_is_found_gone_and_not_sent_again(
    client, anna, channels, page, graph, post_id
):
    item = _comment_item(client, page, graph, post_id)
    comment_id = item.mention.remote_id
    asked = moderation.request(item, anna, "delete")
    graph.drop_next(1, f"{V}/{comment_id}", method="DELETE")
    assert moderation.run(asked.pk, worker="test") == "retry"
    assert comment_id in graph.deleted_comments
    _due_now(asked)
    assert moderation.run(asked.pk, worker="test") == "done"
    assert graph.count("DELETE", f"{V}/{comment_id}") == 1
    assert graph.count("GET", f"{V}/{comment_id}") == 1


def test_a_worker_that_stopped_mid_call_is_recovered_and_looks_first(
    client, anna, channels, page, graph, post_id
):
    item = _comment_item(client, page, graph, post_id)
    comment_id = item.mention.remote_id
    asked = moderation.request(item, anna, "hide")
    assert moderation.claim(asked.pk, "dead-worker")
    graph.hidden.add(comment_id)  # its call reached Meta before it died
    Moderation.objects.filter(pk=asked.pk).update(lease_until=timezone.now())
    assert moderation.recover() == {"expired": 1, "ran": 1}
    asked.refresh_from_db()
    assert asked.state == ModerationState.DONE and asked.attempts == 2
    assert graph.count("POST", f"{V}/{comment_id}") == 0


def test_an_instagram_comment_is_hidden_with_hide_and_read_back_as_hidden(
    client, anna, channels, page, graph
):
    media = "1790001"
    graph.ig_media[page.instagram_id].append({"id": media, "caption": "Zomer", "created": 1.0})
    comment_id = graph.add_comment(media, "Spam!", sender="777", name="els", instagram=True)
    _facebook, instagram = channels
    from koers.engagement import meta

    meta.poll(instagram)
    item = InboxItem.objects.get(mention__remote_id=comment_id)
    asked = moderation.request(item, anna, "hide")
    graph.drop_next(1, f"{V}/{comment_id}")
    assert moderation.run(asked.pk, worker="test") == "retry"
    _due_now(asked)
    assert moderation.run(asked.pk, worker="test") == "done"
    assert graph.hidden == {comment_id}
    assert graph.count("POST", f"{V}/{comment_id}") == 1


def test_only_a_comment_can_be_hidden(client, anna, channels, page):
    _post(client, _messenger(page.page_id, "psid-9", "m_9", "Hallo"))
    _process_all()
    message = InboxItem.objects.get(kind=Kind.DIRECT_MESSAGE)
    with pytest.raises(ValidationError):
        moderation.request(message, anna, "hide")
    assert Moderation.objects.count() == 0


def test_the_item_page_offers_moderation_for_comments_only_in_dutch(
    client, anna, acme, channels, page, graph, post_id
):
    item = _comment_item(client, page, graph, post_id)
    client.force_login(anna)
    address = reverse("engagement:item", kwargs={"slug": acme.slug, "item_id": item.pk})
    html = client.get(address, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Reactie verbergen" in html and "Reactie verwijderen" in html and "Reactie<" in html
    _post(client, _messenger(page.page_id, "psid-9", "m_9", "Hallo"))
    _process_all()
    message = InboxItem.objects.get(kind=Kind.DIRECT_MESSAGE)
    address = reverse("engagement:item", kwargs={"slug": acme.slug, "item_id": message.pk})
    html = client.get(address, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Privébericht" in html and "Reactie verbergen" not in html
