"""Connecting, reconnecting and removing channels: checked before saving, unique names, a
confirmation before removal, and network errors in the reader's language."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from koers.core import neterrors
from koers.publishing import actions
from koers.publishing.models import Channel, Health, Network

DEAD = "http://127.0.0.1:9"  # nothing listens on the discard port


def url(name: str, *args) -> str:
    return reverse(f"publishing:{name}", args=["acme", *args])


def _dutch(client):
    client.cookies["django_language"] = "nl"
    return client


def test_a_wrong_token_is_refused_before_saving_with_a_dutch_reason(
    client_for, anna, acme, mastodon_server
):
    response = _dutch(client_for(anna)).post(
        url("channel-connect", "mastodon"),
        {"name": "Gemeente", "endpoint": mastodon_server.url, "secret": "verkeerd-token"},
    )

    assert response.status_code == 200
    assert not Channel.objects.filter(workspace=acme).exists()
    page = response.content.decode()
    assert "koers kon met deze gegevens geen verbinding maken" in page
    assert "weigerde het toegangstoken" in page
    assert "refused the access token" not in page


def test_an_unreachable_server_is_refused_before_saving(client_for, anna, acme):
    response = client_for(anna).post(
        url("channel-connect", "mastodon"),
        {"name": "Gemeente", "endpoint": DEAD, "secret": "een-token"},
    )
    assert response.status_code == 200
    assert not Channel.objects.filter(workspace=acme).exists()


def test_a_working_channel_is_saved_and_marked_connected(client_for, anna, acme, mastodon_server):
    response = client_for(anna).post(
        url("channel-connect", "mastodon"),
        {"name": "Gemeente", "endpoint": mastodon_server.url, "secret": mastodon_server.token},
    )
    assert response.status_code == 302
    channel = Channel.objects.get(workspace=acme, name="Gemeente")
    assert channel.health == Health.OK
    assert channel.account.startswith("@koers")


def test_a_second_channel_with_the_same_name_is_refused(
    client_for,
    anna,
    acme,
    mastodon,
    mastodon_server,
):
    response = client_for(anna).post(
        url("channel-connect", "mastodon"),
        {"name": "mastodon", "endpoint": mastodon_server.url, "secret": mastodon_server.token},
    )
    assert response.status_code == 200
    assert Channel.objects.filter(workspace=acme).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Channel.objects.create(
            workspace=acme, network=Network.WEBHOOK, name="Mastodon", endpoint=DEAD
        )


def test_removing_a_channel_asks_first_and_only_a_post_removes_it(
    client_for,
    anna,
    mastodon,
):
    client = client_for(anna)
    page = client.get(url("channel-remove", mastodon.pk))
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert Channel.objects.filter(pk=mastodon.pk).exists()

    assert client.post(url("channel-remove", mastodon.pk)).status_code == 302
    assert not Channel.objects.filter(pk=mastodon.pk).exists()


def test_reconnect_can_move_a_channel_to_another_server_keeping_its_token(
    client_for, anna, acme, mastodon_server
):
    channel = actions.connect_channel(
        acme,
        anna,
        network=Network.MASTODON,
        name="Demo",
        endpoint=DEAD,
        secret=mastodon_server.token,
    )
    response = client_for(anna).post(
        url("channel-reconnect", channel.pk), {"endpoint": mastodon_server.url, "secret": ""}
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.endpoint == mastodon_server.url.rstrip("/")
    assert channel.secret == mastodon_server.token
    assert channel.health == Health.OK


def test_reconnect_with_a_wrong_token_changes_nothing(
    client_for,
    anna,
    mastodon,
    mastodon_server,
):
    before = mastodon.secret_enc
    response = client_for(anna).post(
        url("channel-reconnect", mastodon.pk),
        {"endpoint": mastodon_server.url, "secret": "verkeerd"},
    )
    assert response.status_code == 200
    mastodon.refresh_from_db()
    assert mastodon.secret_enc == before


def test_a_stored_english_network_error_is_shown_in_dutch_on_the_channels_page(
    client_for,
    anna,
    mastodon,
):
    Channel.objects.filter(pk=mastodon.pk).update(
        health=Health.BROKEN,
        health_reason=(
            "Mastodon (127.0.0.1:5555) refused the access token: The access token was revoked."
        ),
    )
    page = _dutch(client_for(anna)).get(url("channels")).content.decode()
    assert (
        "Mastodon (127.0.0.1:5555) weigerde het toegangstoken: The access token was revoked."
        in page
    )


@pytest.mark.parametrize(
    "english",
    [
        "Could not reach Mastodon (m.example).",
        "Mastodon (m.example) is unavailable (HTTP 503).",
        "Bluesky refused the credentials (Invalid identifier or password).",
        "Could not reach Bluesky.",
        "The feed at nos.nl did not answer in time.",
        "The document at nos.nl is not a readable RSS or Atom feed.",
        "The feed at nos.nl answered 404.",
        "The webhook at hook.example refused the signature or key (401: nope).",
        "Could not reach the webhook at hook.example.",
        "The address 10.0.0.1 points into a private network; koers does not connect to it.",
    ],
)
def test_every_known_network_sentence_has_a_dutch_translation(english):
    with translation.override("nl"):
        dutch = neterrors.translate(english)
    assert dutch != english
    with translation.override("en"):
        assert neterrors.translate(english) == english


def test_an_unknown_sentence_is_shown_as_it_came():
    with translation.override("nl"):
        assert neterrors.translate("Something new went wrong.") == "Something new went wrong."
