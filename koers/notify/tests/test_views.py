"""The settings pages: chat destinations (admins and owners) and each member's own choices."""

from __future__ import annotations

import pytest

from koers.core.models import AuditEvent
from koers.notify.models import Destination, Preference

PAGE = "/w/acme/settings/notifications/"
MINE = "/w/acme/settings/notifications/mine/"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["Bestemming toevoegen", "Nog geen chatbestemmingen.", "Mijn notificaties"]),
        ("en", ["Add a destination", "No chat destinations yet.", "My notifications"]),
    ],
)
def test_the_destinations_page_speaks_both_languages(client_for, anna, acme, language, expected):
    page = client_for(anna).get(PAGE, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    for text in expected:
        assert text in page.content.decode()


def test_only_admins_and_owners_manage_destinations_and_strangers_see_nothing(
    client_for, acme, bram, carla, bolt
):
    assert client_for(bram).get(PAGE).status_code == 403
    assert client_for(carla).get(PAGE).status_code == 404
    assert client_for(carla).get(MINE).status_code == 404


def test_adding_a_destination_stores_the_address_encrypted_and_audits_only_its_host(
    client_for, anna, acme
):
    url = "https://hooks.slack.com/services/T000/B000/geheim123"
    response = client_for(anna).post(
        PAGE, {"name": "Webcare", "kind": "slack", "url": url, "events": ["alert", "overdue"],
               "enabled": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    dest = Destination.objects.get()
    assert dest.url == url and "geheim123" not in dest.url_enc
    assert dest.url_host == "hooks.slack.com" and dest.events == ["alert", "overdue"]
    row = AuditEvent.objects.get(action="notify.destination_create")
    assert "geheim123" not in str(row.summary) + str(row.data)


@pytest.mark.parametrize(
    ("kind", "url", "error"),
    [
        ("slack", "http://hooks.slack.com/services/x", "beginnen met https://"),
        ("slack", "https://gemeente.webhook.office.com/webhookb2/x", "kies Microsoft Teams"),
        ("teams", "", "Plak het webhookadres."),
        ("teams", "geen adres", "Voer een geldige URL in."),
    ],
)
def test_a_wrong_address_is_explained_and_nothing_is_stored(
    client_for, anna, acme, kind, url, error
):
    response = client_for(anna).post(
        PAGE, {"name": "X", "kind": kind, "url": url, "events": ["alert"]},
        HTTP_ACCEPT_LANGUAGE="nl",
    )  # fmt: skip
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Destination.objects.exists()


def test_an_address_into_the_intranet_is_refused(client_for, anna, acme, settings):
    settings.KOERS_ALLOW_PRIVATE_URLS = False
    response = client_for(anna).post(
        PAGE, {"name": "X", "kind": "teams", "url": "https://127.0.0.1/teams", "events": ["alert"]}
    )
    assert response.status_code == 200 and not Destination.objects.exists()


def test_the_test_button_posts_a_card_and_shows_the_outcome_in_the_row(
    client_for, anna, destination, chat
):
    dest = destination("teams")
    client = client_for(anna)
    row = client.post(
        f"{PAGE}{dest.pk}/test/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert row.startswith(f'<tr id="destination-{dest.pk}">')
    assert "Testbericht verstuurd" in row and "Laatste kaart verstuurd" in row
    ((kind, body),) = chat.cards
    card = body["attachments"][0]["content"]
    assert card["body"][0]["text"] == "Testbericht van koers"
    assert card["actions"][0]["url"] == "https://koers.gemeente.example" + PAGE
    # A webhook that was removed: the error shows in the row, and stays on the page.
    dest.set_url(f"{chat.url}/gone/T/B/x")
    dest.save()
    row = client.post(
        f"{PAGE}{dest.pk}/test/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "Het testbericht is niet aangekomen." in row
    assert "Laatste fout" in row and "weigerde de levering (404: no_service)" in row
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "weigerde de levering (404: no_service)" in page


def test_editing_keeps_the_stored_address_when_the_field_is_left_empty(
    client_for, anna, destination
):
    dest = destination("slack", events=["alert"])
    old = dest.url
    response = client_for(anna).post(
        f"{PAGE}{dest.pk}/edit/",
        {"name": "Nieuw", "kind": "slack", "url": "", "events": ["approval"], "enabled": "on"},
    )
    assert response.status_code == 302
    dest.refresh_from_db()
    assert (dest.name, dest.events, dest.url) == ("Nieuw", ["approval"], old)
    client_for(anna).post(f"{PAGE}{dest.pk}/delete/")
    assert not Destination.objects.exists()


def test_a_viewer_chooses_their_own_e_mails_and_digest_with_htmx(client_for, vera, acme):
    client = client_for(vera)
    page = client.get(MINE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Mail me over" in page and "Chatnotificaties" not in page  # not an admin
    response = client.post(
        MINE,
        {"email_events": ["alert"], "digest": "weekly", "digest_hour": "7", "digest_weekday": "4",
         "language": "en", "time_zone": ""},
        HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="nl",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.content.decode().startswith('<div id="mine">')
    assert "Je notificatiekeuzes zijn opgeslagen." in response.content.decode()
    pref = Preference.objects.get(user=vera, workspace=acme)
    assert (pref.email_events, pref.digest, pref.digest_hour, pref.digest_weekday) == (
        ["alert"], "weekly", 7, 4,
    )  # fmt: skip
    assert pref.language == "en" and pref.zone_or_workspace() == "Europe/Amsterdam"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [("digest_hour", "25", "hoogstens 23"), ("time_zone", "Mars/Olympus", "geen bekende tijdzone")],
)
def test_wrong_choices_are_explained_and_nothing_is_saved(
    client_for, vera, acme, field, value, error
):
    data = {"email_events": ["alert"], "digest": "daily", "digest_hour": "8", "digest_weekday": "0"}
    data[field] = value
    response = client_for(vera).post(MINE, data, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Preference.objects.exists()


def test_another_workspaces_destination_is_not_found(client_for, destination, carla, bolt):
    dest = destination("slack")
    client = client_for(carla)
    for suffix in ("edit/", "test/", "delete/"):
        url = f"/w/bolt/settings/notifications/{dest.pk}/{suffix}"
        response = client.post(url) if suffix != "edit/" else client.get(url)
        assert response.status_code == 404
    assert Destination.objects.filter(pk=dest.pk).exists()


def test_the_destinations_page_costs_the_same_queries_for_one_or_many(
    client_for, anna, destination, django_assert_max_num_queries
):
    client = client_for(anna)
    destination("slack")
    client.get(PAGE)
    with django_assert_max_num_queries(14) as one:
        client.get(PAGE)
    for _ in range(6):
        destination("teams")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(PAGE).content.decode().count('<tr id="destination-') == 7
