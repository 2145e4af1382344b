"""Two-factor authentication, the workspace requirement, passwords and sessions."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client

from conftest import PASSWORD
from koers.core import actions

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    counter = list(yield_hotp_counters_from_time())[-1]
    return format_hotp_value(hotp_value(secret, counter))


def login(client, name="bram", password=PASSWORD):
    return client.post("/login/", {"login": name, "password": password})


def test_a_member_of_a_workspace_that_requires_2fa_is_led_to_set_it_up(acme, anna, client):
    actions.update_workspace(
        acme,
        anna,
        name=acme.name,
        time_zone=acme.time_zone,
        language="nl",
        require_two_factor=True,
    )
    login(client)

    response = client.get("/w/acme/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    assert client.get("/accounts/2fa/").status_code == 200


def test_with_an_authenticator_app_the_member_passes_the_requirement(acme, anna, bram, client):
    acme.require_two_factor = True
    acme.save(update_fields=["require_two_factor"])
    secret = generate_totp_secret()
    TOTP.activate(bram, secret)

    step = login(client)
    assert step["Location"] == "/accounts/2fa/authenticate/"
    done = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})

    assert done.status_code == 302
    assert client.get("/w/acme/").status_code == 200


def test_a_wrong_code_does_not_log_in_and_codes_are_throttled(acme, bram, client):
    TOTP.activate(bram, generate_totp_secret())
    login(client)

    for _ in range(10):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert "Te veel inlogpogingen" in response.content.decode()


def test_a_password_shorter_than_twelve_characters_is_refused_in_dutch(acme, client):
    _invitation, token = actions.invite_member(acme, acme.memberships.first().user, role="viewer")
    response = client.post(
        f"/invite/{token}/",
        {
            "username": "nieuw",
            "email": "nieuw@example.nl",
            "password1": "inv1inv1",
            "password2": "inv1inv1",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    text = response.content.decode()
    assert "Dit wachtwoord is te kort" in text
    assert "12 tekens" in text


def test_a_password_change_ends_the_other_sessions(acme, bram):
    phone, laptop = Client(), Client()
    login(phone)
    login(laptop)
    assert UserSession.objects.filter(user=bram).count() == 2

    response = laptop.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "een-nieuw-lang-wachtwoord",
            "password2": "een-nieuw-lang-wachtwoord",
        },
    )

    assert response.status_code == 302
    assert phone.get("/w/acme/").status_code == 302  # back to the login page
    assert laptop.get("/w/acme/").status_code == 200
    assert UserSession.objects.filter(user=bram).count() == 1


def test_removing_two_factor_ends_the_other_sessions(acme, bram):
    secret = generate_totp_secret()
    TOTP.activate(bram, secret)
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        login(device)
        device.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
        from django.core.cache import cache

        cache.clear()  # the same code may be used once only
    assert Session.objects.count() == 2

    # Switching two-factor off asks for the password again first.
    asked = laptop.post("/accounts/2fa/totp/deactivate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    laptop.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = laptop.post("/accounts/2fa/totp/deactivate/")

    assert response["Location"] == "/accounts/2fa/"
    assert not Authenticator.objects.filter(user=bram, type="totp").exists()
    assert phone.get("/w/acme/").status_code == 302
    assert laptop.get("/w/acme/").status_code == 200


def test_the_sessions_page_lists_sessions_and_logs_out_elsewhere(acme, bram):
    phone, laptop = Client(HTTP_USER_AGENT="Telefoon"), Client(HTTP_USER_AGENT="Laptop")
    login(phone)
    login(laptop)

    page = laptop.get("/accounts/sessions/")
    assert b"Telefoon" in page.content
    laptop.post("/accounts/sessions/", {})

    assert phone.get("/w/acme/").status_code == 302
    assert laptop.get("/w/acme/").status_code == 200


def test_password_reset_link_works_once_and_unknown_addresses_look_the_same(
    acme, client, mailoutbox
):
    unknown = client.post("/accounts/password/reset/", {"email": "niemand@example.nl"})
    known = client.post("/accounts/password/reset/", {"email": "bram@example.nl"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/password/reset/key/" in line)
    path = "/" + link.strip().split("/", 3)[3]

    form = client.get(path, follow=True)
    new = {"password1": "een-heel-nieuw-wachtwoord", "password2": "een-heel-nieuw-wachtwoord"}
    assert client.post(form.redirect_chain[-1][0], new).status_code == 302
    again = client.get(path, follow=True)

    assert b"password1" not in again.content
    assert login(Client(), "bram", "een-heel-nieuw-wachtwoord").status_code == 302
