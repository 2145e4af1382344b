"""Connecting a WhatsApp Business phone number: the ids and a system-user token are checked
against the Graph API before anything is saved; a wrong token or id is refused with Meta's
reason in Dutch and saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koers.core.models import AuditEvent
from koers.networks.meta import GRAPH_VERSION
from koers.networks.testing.meta_inbox import FakeMetaInbox
from koers.publishing.models import Channel

V = f"/{GRAPH_VERSION}"


@pytest.fixture
def graph(settings):
    with FakeMetaInbox() as fake:
        settings.KOERS_META_URL = fake.url
        yield fake


@pytest.fixture
def number(graph):
    return graph.add_whatsapp_number(verified_name="Gemeente Zonnedal", display="+31 20 123 4567")


def _connect(client, acme, data):
    address = reverse(
        "publishing:channel-connect", kwargs={"slug": acme.slug, "network": "whatsapp"}
    )
    return client.post(address, data, HTTP_ACCEPT_LANGUAGE="nl")


def test_the_channels_page_offers_whatsapp_and_the_form_asks_for_the_ids(client, anna, acme):
    client.force_login(anna)
    html = client.get(reverse("publishing:channels", kwargs={"slug": acme.slug})).content.decode()
    assert (
        reverse("publishing:channel-connect", kwargs={"slug": acme.slug, "network": "whatsapp"})
        in html
    )
    form = client.get(
        reverse("publishing:channel-connect", kwargs={"slug": acme.slug, "network": "whatsapp"}),
        HTTP_ACCEPT_LANGUAGE="nl",
    ).content.decode()
    assert "<h1>WhatsApp koppelen</h1>" in form
    assert "Telefoonnummer-ID" in form and "WhatsApp Business-account-ID" in form
    assert "Toegangstoken van een systeemgebruiker" in form


def test_a_good_token_connects_the_number_and_stores_the_token_encrypted(
    client, anna, acme, graph, number
):
    phone_number_id, token = number
    client.force_login(anna)
    answer = _connect(
        client,
        acme,
        {
            "name": "Klantenservice",
            "phone_number_id": phone_number_id,
            "waba_id": graph.waba_of(phone_number_id),
            "secret": token,
        },
    )
    assert answer.status_code == 302
    channel = Channel.objects.get()
    assert channel.network == "whatsapp" and channel.name == "Klantenservice"
    assert channel.account_id == phone_number_id and channel.endpoint == graph.url
    assert channel.extra == {
        "phone_number_id": phone_number_id,
        "waba_id": graph.waba_of(phone_number_id),
    }
    assert token not in channel.secret_enc and channel.secret == token
    assert channel.account == "Gemeente Zonnedal (+31 20 123 4567)" and channel.health == "ok"
    assert graph.count("GET", f"{V}/{phone_number_id}") == 1
    assert AuditEvent.objects.filter(action="channel.connect").count() == 1


@pytest.mark.parametrize(
    ("wrong", "reason"),
    [
        ("token", "de toegang is ingetrokken"),
        ("number", "Meta kent niets met deze id"),
        ("waba", "hoort niet bij dat WhatsApp Business-account"),
    ],
)
def test_a_wrong_token_or_id_is_refused_with_metas_reason_and_nothing_is_saved(
    client, anna, acme, graph, number, wrong, reason
):
    phone_number_id, token = number
    other_number, _other_token = graph.add_whatsapp_number()
    data = {
        "name": "Klantenservice",
        "phone_number_id": phone_number_id,
        "waba_id": graph.waba_of(phone_number_id),
        "secret": token,
    }
    if wrong == "token":
        data["secret"] = "EAAnot-a-token"
    elif wrong == "number":
        data["phone_number_id"] = "10000000000001"
    else:
        data["waba_id"] = graph.waba_of(other_number)
    client.force_login(anna)
    answer = _connect(client, acme, data)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "koers kon met deze gegevens geen verbinding maken" in html and reason in html
    assert Channel.objects.count() == 0
    assert not AuditEvent.objects.filter(action="channel.connect").exists()
    assert data["secret"] not in html


def test_ids_must_be_digits_and_nothing_is_asked_of_meta(client, anna, acme, graph, number):
    client.force_login(anna)
    answer = _connect(
        client,
        acme,
        {"name": "Klantenservice", "phone_number_id": "abc", "waba_id": "1", "secret": "x"},
    )
    assert answer.status_code == 200 and Channel.objects.count() == 0
    assert graph.requests == []


def test_an_editor_cannot_connect_whatsapp(client, bram, acme, graph, number):
    phone_number_id, token = number
    client.force_login(bram)
    data = {
        "name": "Klantenservice",
        "phone_number_id": phone_number_id,
        "waba_id": graph.waba_of(phone_number_id),
        "secret": token,
    }
    assert _connect(client, acme, data).status_code == 403
    assert Channel.objects.count() == 0


def _connected(client, acme, graph, number) -> Channel:
    phone_number_id, token = number
    data = {
        "name": "Klantenservice",
        "phone_number_id": phone_number_id,
        "waba_id": graph.waba_of(phone_number_id),
        "secret": token,
    }
    assert _connect(client, acme, data).status_code == 302
    return Channel.objects.get()


def _reconnect_address(acme, channel) -> str:
    return reverse(
        "publishing:channel-reconnect", kwargs={"slug": acme.slug, "channel_id": channel.pk}
    )


def test_reconnecting_whatsapp_asks_a_new_token_with_the_ids_prefilled_and_checks_it(
    client, anna, acme, graph, number
):
    phone_number_id, old_token = number
    client.force_login(anna)
    channel = _connected(client, acme, graph, number)
    graph.revoke_token(old_token)
    listing = client.get(reverse("publishing:channels", kwargs={"slug": acme.slug}))
    assert _reconnect_address(acme, channel) in listing.content.decode()
    form = client.get(_reconnect_address(acme, channel), HTTP_ACCEPT_LANGUAGE="nl")
    html = form.content.decode()
    assert f'value="{phone_number_id}"' in html
    assert f'value="{graph.waba_of(phone_number_id)}"' in html
    assert "Nieuw toegangstoken van een systeemgebruiker" in html
    assert "Serveradres" not in html and old_token not in html

    new_token = graph.new_token("system", phone_number_id)
    answer = client.post(
        _reconnect_address(acme, channel),
        {
            "phone_number_id": phone_number_id,
            "waba_id": graph.waba_of(phone_number_id),
            "secret": new_token,
        },
    )
    assert answer.status_code == 302
    channel.refresh_from_db()
    assert channel.secret == new_token and new_token not in channel.secret_enc
    assert channel.name == "Klantenservice" and channel.health == "ok"
    assert channel.extra == {
        "phone_number_id": phone_number_id,
        "waba_id": graph.waba_of(phone_number_id),
    }
    assert Channel.objects.count() == 1
    assert AuditEvent.objects.filter(action="channel.reconnect").count() == 1


def test_a_bad_token_on_whatsapp_reconnect_changes_nothing(client, anna, acme, graph, number):
    phone_number_id, token = number
    client.force_login(anna)
    channel = _connected(client, acme, graph, number)
    before = Channel.objects.values().get(pk=channel.pk)
    answer = client.post(
        _reconnect_address(acme, channel),
        {
            "phone_number_id": phone_number_id,
            "waba_id": graph.waba_of(phone_number_id),
            "secret": "EAAnot-a-token",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "koers kon met deze gegevens geen verbinding maken" in html
    assert "EAAnot-a-token" not in html
    assert Channel.objects.values().get(pk=channel.pk) == before
    assert Channel.objects.get().secret == token
    assert not AuditEvent.objects.filter(action="channel.reconnect").exists()
