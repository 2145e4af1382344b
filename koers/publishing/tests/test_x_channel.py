"""An X channel end to end against the fake X API: connecting through the X flow, tokens that
expire or are revoked, threads that stop halfway and resume, and the monthly post cap."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import time_machine
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory, override_settings
from django.utils import timezone, translation

from koers.networks.testing.x import ACCOUNT_ID, FakeX
from koers.networks.x import AccessLevelError
from koers.publishing import connect, dispatch, oauth, policy, xflow
from koers.publishing.forms import ItemForm
from koers.publishing.models import (
    Channel,
    Delivery,
    DeliveryState,
    Health,
    NetworkApp,
    Provider,
    State,
)


@pytest.fixture
def x_server():
    with FakeX() as fake:
        yield fake


@pytest.fixture
def x_app(x_server) -> NetworkApp:
    app = NetworkApp(
        provider=Provider.X,
        client_id=x_server.client_id,
        extra={"api_url": x_server.url, "web_url": x_server.url, "access_level": "basic"},
    )
    app.set_client_secret(x_server.client_secret)
    app.save()
    return app


@pytest.fixture
def x_channel(acme, x_server, x_app) -> Channel:
    answer = x_server.issue_tokens()
    channel = Channel(
        workspace=acme,
        network="x",
        name="X",
        endpoint=x_server.url,
        handle="koers",
        account_id=ACCOUNT_ID,
        extra={
            "access_level": "basic",
            "scopes": answer["scope"].split(),
            "access_expires_at": (
                timezone.now() + timedelta(seconds=answer["expires_in"])
            ).isoformat(),
        },
    )
    channel.set_secret(answer["access_token"])
    channel.set_refresh_token(answer["refresh_token"])
    channel.save()
    return channel


def _queue(*items):
    return dispatch.queue_due(now=max(i.scheduled_at for i in items) + timedelta(minutes=1))


def _texts(server: FakeX) -> Counter[str]:
    return Counter(t["_raw"] for t in server.tweets.values() if t["author_id"] == ACCOUNT_ID)


def _thread(plan, channel, parts):
    item = plan([channel], text=parts[0], approve=False)
    item.thread = list(parts[1:])
    item.save(update_fields=["thread"])
    from koers.publishing import actions

    actions.approve_item(item, item.created_by)
    item.refresh_from_db()
    return item


# -- connecting -------------------------------------------------------------------------------
@override_settings(BASE_URL="https://koers.example")
def test_the_x_flow_connects_the_authorising_account_through_pkce(acme, x_server, x_app):
    flow = connect.flow_for("x")
    assert flow is xflow.FLOW
    wanted = flow.authorize(x_app, {"publish", "media"})
    assert "offline.access" in wanted.scopes and "media.write" in wanted.scopes and wanted.pkce
    request = RequestFactory().get("/connect/x/start/")
    request.session = SessionStore()
    url = oauth.start(
        request,
        provider="x",
        workspace_id=acme.pk,
        authorize_url=wanted.url,
        client_id=x_app.client_id,
        scopes=wanted.scopes,
        pkce=wanted.pkce,
    )
    consent = httpx.get(url)  # the fake approves at once, like a person clicking "Authorize"
    assert consent.status_code == 302
    back = parse_qs(urlsplit(consent.headers["location"]).query)
    callback = RequestFactory().get(
        "/connect/x/callback/", {"code": back["code"][0], "state": back["state"][0]}
    )
    callback.session = request.session
    grant = flow.exchange(x_app, oauth.finish(callback, "x"))
    assert grant.refresh_token and "tweet.write" in grant.scopes
    [account] = flow.accounts(x_app, grant)
    assert (account.network, account.remote_id, account.handle) == ("x", ACCOUNT_ID, "koers")
    assert account.endpoint == x_server.url and account.extra["access_level"] == "basic"
    assert account.expires_at is None and account.extra["access_expires_at"]
    assert grant.access_token not in repr(account) + repr(grant)


def test_the_x_features_and_their_explanations_are_translated():
    with translation.override("nl"):
        labels = [translation.gettext(f.label) for f in xflow.FEATURES]
        explanations = [translation.gettext(f.explanation) for f in xflow.FEATURES]
    assert labels == [
        "Berichten, threads, antwoorden en citaten plaatsen",
        "Afbeeldingen en video uploaden",
    ]
    assert all(text and "koers" in text for text in explanations)
    assert all(e != f.explanation for e, f in zip(explanations, xflow.FEATURES, strict=True))


# -- tokens -----------------------------------------------------------------------------------
def test_an_expired_token_is_refreshed_and_the_new_pair_stored_before_the_post(
    plan, x_channel, x_server
):
    item = plan([x_channel], text="Na een verlopen token")
    x_server.expire_access_tokens()
    old_secret, old_refresh = x_channel.secret_enc, x_channel.refresh_token
    _queue(item)
    assert dispatch.publish_delivery(item.deliveries.get().pk) == "published"
    x_channel.refresh_from_db()
    assert x_channel.secret_enc != old_secret
    assert x_channel.refresh_token != old_refresh
    assert x_channel.refresh_token in x_server.refresh_tokens
    assert old_refresh in x_server.used_refresh_tokens
    renewed = x_channel.extra["access_expires_at"]
    assert renewed > (timezone.now() + timedelta(hours=1)).isoformat()
    assert x_channel.expires_at is None  # renewed on its own: no expiry warnings
    assert _texts(x_server) == {"Na een verlopen token": 1}


def test_a_revoked_refresh_token_breaks_the_channel_with_xs_reason(plan, x_channel, x_server):
    item = plan([x_channel], text="Kan niet meer")
    x_server.expire_access_tokens()
    x_server.revoke_refresh_tokens()
    _queue(item)
    delivery = item.deliveries.get()
    assert dispatch.publish_delivery(delivery.pk) == "failed"
    x_channel.refresh_from_db()
    delivery.refresh_from_db()
    assert x_channel.health == Health.BROKEN
    assert "Value passed for the token was invalid" in x_channel.health_reason
    assert "Reconnect" in delivery.error and _texts(x_server) == {}


def test_without_an_x_app_the_channel_breaks_with_what_to_do(plan, x_channel, x_app):
    x_app.delete()
    item = plan([x_channel], text="Geen app")
    _queue(item)
    assert dispatch.publish_delivery(item.deliveries.get().pk) == "failed"
    x_channel.refresh_from_db()
    assert x_channel.health == Health.BROKEN and "No X app" in x_channel.health_reason


# -- threads ----------------------------------------------------------------------------------
def test_a_rate_limit_halfway_a_thread_stops_it_and_the_retry_resumes_without_duplicates(
    plan, x_channel, x_server, client_for, anna
):
    parts = ["Draad 1/4 over de nieuwe fietsen", "Draad 2/4", "Draad 3/4", "Draad 4/4"]
    item = _thread(plan, x_channel, parts)
    _queue(item)
    delivery = item.deliveries.get()
    x_server.window["/2/tweets"] = 2  # the third POST answers 429 until the window resets
    assert dispatch.publish_delivery(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.RETRY and len(delivery.parts) == 2
    assert delivery.next_try_at > timezone.now() + timedelta(minutes=10)  # X's reset, not 30 s
    assert "rate limit" in delivery.error
    assert _texts(x_server) == Counter(parts[:2])
    page = client_for(anna).get(f"/w/{item.workspace.slug}/calendar/items/{item.pk}/").content
    assert "Draad 4/4" in page.decode() and re.search(r"2 (of|van) 4", page.decode())
    with time_machine.travel(delivery.next_try_at + timedelta(seconds=1), tick=True):
        dispatch.queue_due()
        assert dispatch.publish_delivery(delivery.pk) == "published"
    delivery.refresh_from_db()
    assert _texts(x_server) == Counter(parts)  # each part once
    ids = [p["id"] for p in delivery.parts]
    assert delivery.remote_id == ids[0] and len(ids) == 4
    for before, after in zip(ids, ids[1:], strict=False):
        assert x_server.tweets[after]["referenced_tweets"] == [{"type": "replied_to", "id": before}]
    item.refresh_from_db()
    assert item.state == State.PUBLISHED


def test_a_thread_part_dropped_after_receipt_is_found_not_posted_again(
    plan, x_channel, x_server, monkeypatch
):
    monkeypatch.setattr("koers.publishing.adapters.TIMEOUT_SECONDS", 1.0)
    parts = ["Eén keer 1/3", "Eén keer 2/3", "Eén keer 3/3"]
    item = _thread(plan, x_channel, parts)
    _queue(item)
    delivery = item.deliveries.get()
    x_server.drop_next(1, "/2/tweets")  # the first part is created, its answer lost
    outcome = dispatch.publish_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert outcome == "published", delivery.error
    assert _texts(x_server) == Counter(parts)
    assert len(delivery.parts) == 3


def test_a_thread_goes_only_to_channels_that_can_post_threads(plan, x_channel, hook, receiver):
    item = _thread(plan, x_channel, ["Eerste", "Tweede"])
    from koers.publishing import actions

    actions.save_item(
        item.workspace,
        item.created_by,
        item=item,
        title=item.title,
        text=item.text,
        day=item.local_date,
        at=item.local_time,
        channel_texts={x_channel.pk: "", hook.pk: ""},
    )
    deliveries = {d.channel.network: d for d in item.deliveries.select_related("channel", "item")}
    assert policy.thread_parts(deliveries["x"]) == ["Tweede"]
    assert policy.thread_parts(deliveries["webhook"]) == []


def test_every_thread_part_is_held_to_xs_length(plan, x_channel):
    item = _thread(plan, x_channel, ["Kort", "x" * 281])
    found = [f for f in policy.findings(item) if f.rule == "length"]
    assert [f.params["channel"] for f in found] == ["X (2/2)"]


# -- the monthly post cap -----------------------------------------------------------------------
def test_the_monthly_cap_warns_near_it_and_blocks_past_it_counting_thread_parts(
    plan, x_channel, x_server
):
    x_channel.extra = {**x_channel.extra, "monthly_post_cap": 10}
    x_channel.save(update_fields=["extra"])
    sent = _thread(plan, x_channel, ["Al verstuurd 1", "Al verstuurd 2", "Al verstuurd 3"])
    _queue(sent)
    assert dispatch.publish_delivery(sent.deliveries.get().pk) == "published"
    for number in range(5):
        plan([x_channel], text=f"Gepland {number}")
    # 3 parts sent + 5 planned = 8; one more is 9 of 10: a warning.
    nine = plan([x_channel], text="Negende", approve=False)
    [near] = [f for f in policy.findings(nine) if f.rule.startswith("post_cap")]
    assert (near.rule, near.blocks, near.params["used"]) == ("post_cap_near", False, 9)
    # A thread of three would be 11 of 10: blocked, so it can't be scheduled.
    over = _thread(plan, x_channel, ["Te veel 1", "Te veel 2", "Te veel 3"])
    [full] = [f for f in policy.findings(over) if f.rule.startswith("post_cap")]
    assert (
        full.rule == "post_cap"
        and full.blocks
        and full.params
        == {
            "channel": "X",
            "used": 11,
            "cap": 10,
        }
    )
    assert "het netwerk staat er 10 toe" in full.message("nl")
    from koers.publishing import actions

    assert over.state == State.APPROVED  # approved, but not scheduled: the cap blocks it
    assert any("10" in reason for reason in actions.why_not_scheduled(over))


def test_the_default_cap_follows_the_access_level(x_channel):
    assert x_channel.monthly_post_cap() == 3_000
    x_channel.extra = {"access_level": "free"}
    assert x_channel.monthly_post_cap() == 500


# -- access level --------------------------------------------------------------------------------
def test_an_access_level_refusal_reads_plainly_in_dutch(x_channel, x_server):
    x_server.access_level = "free"
    client = xflow.publisher(x_channel, timeout=5).client
    from koers.networks.x import XSearchSource

    with pytest.raises(AccessLevelError) as caught:
        XSearchSource(client, "fietsen").poll(None)
    with translation.override("nl"):
        text = xflow.access_message(caught.value)
    assert "luisteren via recent zoeken" in text and "Basic" in text and "Free:" in text


# -- the item form -------------------------------------------------------------------------------
def test_the_item_form_offers_a_thread_only_when_a_channel_can_post_one(acme, mastodon, x_channel):
    form = ItemForm(workspace=acme)
    assert "thread" in form.fields and "X" in str(form.fields["thread"].help_text)
    data = {
        "title": "Draad",
        "text": "Eerste",
        "category": "promotion",
        "thread": "Tweede\n---\nDerde\n ---- \n",
        "channels": [mastodon.pk],
    }
    refused = ItemForm(data, workspace=acme)
    assert not refused.is_valid() and "thread" in refused.errors
    accepted = ItemForm(data | {"channels": [mastodon.pk, x_channel.pk]}, workspace=acme)
    assert accepted.is_valid(), accepted.errors
    assert accepted.thread() == ["Tweede", "Derde"]
    x_channel.delete()
    assert "thread" not in ItemForm(workspace=acme).fields


def test_a_thread_saved_through_the_form_is_stored_and_shown_again(
    client_for, anna, acme, x_channel
):
    response = client_for(anna).post(
        f"/w/{acme.slug}/calendar/items/new/",
        {
            "title": "Draad",
            "text": "Eerste",
            "category": "promotion",
            "thread": "Tweede\n---\nDerde",
            "channels": [x_channel.pk],
        },
    )
    assert response.status_code == 302, response.content[:500]
    delivery = Delivery.objects.get(channel=x_channel)
    assert delivery.item.thread == ["Tweede", "Derde"]
    page = client_for(anna).get(f"/w/{acme.slug}/calendar/items/{delivery.item_id}/edit/")
    assert "Tweede\n---\nDerde" in page.content.decode()


def test_an_item_without_x_channels_keeps_its_form_free_of_threads(acme, hook):
    assert "thread" not in ItemForm(workspace=acme).fields
