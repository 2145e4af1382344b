"""Account security in a browser: TOTP and passkeys, lockout and unlock, reset, SSO."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from conftest import PASSWORD
from koers.accounts.testing import FakeOIDCProvider, Person
from koers.core.models import Membership
from tests.e2e import session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, name="bram", password=PASSWORD):
    session.log_in(page, name, password)


def code_for(secret: str) -> str:
    """What an authenticator app shows now (RFC 6238: 30 s steps, 6 digits)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def confirm_password(page, password=PASSWORD):
    """allauth asks for the password again before two-factor settings change."""
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label(re.compile(r"^Wachtwoord:?$")).fill(password)
    page.get_by_role("button", name="Bevestigen").click()


def log_out(page):
    page.locator("summary", has_text="bram").click()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_lockout_and_unlock(page, acme, anna, browser, live_server):
    for _ in range(5):
        log_in(page, password="verkeerd-wachtwoord-1")
    expect(page.get_by_role("heading", name="Inloggen tijdelijk geblokkeerd")).to_be_visible()

    # The owner works elsewhere: this browser's address is locked too, so log her in directly.
    client = Client()
    client.force_login(anna)
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    owner = context.new_page()
    owner.goto("/w/acme/settings/members/")
    owner.get_by_role("button", name="Blokkade van bram opheffen").click()
    expect(owner.get_by_text("bram kan weer inloggen.")).to_be_visible()

    log_in(page)
    expect(page).to_have_url(re.compile(r"/w/acme/$"))


def test_password_reset_by_e_mail(page, acme):
    page.goto("/login/")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.get_by_label("E-mail").fill("bram@example.nl")
    page.get_by_role("button", name=re.compile("Wachtwoord opnieuw instellen|Herstel")).click()
    link = re.search(r"http://\S+/password/reset/key/\S+", mail.outbox[-1].body).group(0)

    page.goto(link)
    page.locator("#id_password1").fill("kort")
    page.locator("#id_password2").fill("kort")
    page.get_by_role("button", name=re.compile("Wachtwoord wijzigen")).click()
    expect(page.get_by_text("Dit wachtwoord is te kort")).to_be_visible()
    page.locator("#id_password1").fill("een-heel-nieuw-wachtwoord")
    page.locator("#id_password2").fill("een-heel-nieuw-wachtwoord")
    page.get_by_role("button", name=re.compile("Wachtwoord wijzigen")).click()

    log_in(page, password="een-heel-nieuw-wachtwoord")
    expect(page).to_have_url(re.compile(r"/w/acme/$"))


def test_two_factor_set_up_with_an_authenticator_app_and_a_login_with_its_code(
    page, acme, bram, settings
):
    # One step of leeway, as in practice: a code read at the end of a 30 s step still counts.
    settings.MFA_TOTP_TOLERANCE = 1
    log_in(page)
    page.locator("summary", has_text="bram").click()
    page.get_by_role("link", name="Account en beveiliging").click()
    page.get_by_role("link", name="Tweestapsverificatie").click()
    page.get_by_role("button", name="Activeer").click()
    confirm_password(page)

    expect(page.get_by_role("heading", name="Activeer authenticator-app")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^[A-Z2-7]{32}$"))).to_be_visible()  # the QR
    secret = page.get_by_label("Authenticator geheim").input_value()
    page.get_by_label("Code uit de authenticator-app").fill(
        "000000" if code_for(secret) != "000000" else "1"
    )
    page.get_by_role("button", name="Activeer").click()
    expect(page.get_by_text("Ongeldige code.")).to_be_visible()
    assert not Authenticator.objects.filter(user=bram).exists()
    page.get_by_label("Code uit de authenticator-app").fill(code_for(secret))
    page.get_by_role("button", name="Activeer").click()

    # The first authenticator comes with recovery codes, shown once.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert set(Authenticator.objects.filter(user=bram).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }

    log_out(page)
    log_in(page)
    # The password alone is not enough any more: the workspace stays closed until the code.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.goto("/w/acme/")
    expect(page).not_to_have_url(re.compile(r"/w/acme/$"))
    expect(page.get_by_role("heading", name="Acme Fietsen")).to_have_count(0)

    page.goto("/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/w/acme/$"))


def test_a_passkey_is_added_and_then_logs_in_without_a_password(page, acme, bram):
    # Chromium's virtual authenticator stands in for a security key with a fingerprint reader.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    log_in(page)
    page.goto("/accounts/2fa/")
    page.get_by_role("button", name="Toevoegen").click()
    confirm_password(page)
    page.get_by_label("Naam").fill("Werklaptop")
    page.get_by_label("Als passkey gebruiken (inloggen zonder wachtwoord)").check()
    page.get_by_role("button", name="Toevoegen").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    key = Authenticator.objects.get(user=bram, type="webauthn")
    assert key.data["name"] == "Werklaptop"
    credentials = cdp.send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]}
    )["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]

    log_out(page)
    page.get_by_role("button", name="Inloggen met een passkey of beveiligingssleutel").click()
    expect(page).to_have_url(re.compile(r"/w/acme/$"))
    assert Authenticator.objects.get(pk=key.pk).data["name"] == "Werklaptop"


def test_a_first_sso_login_creates_the_account_and_lands_in_the_workspace(page, acme, settings):
    with FakeOIDCProvider(profile="entra", person=Person(email="piet@gemeente.example")) as idp:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"APPS": [idp.app_settings(name="Gemeente Utrecht")]}
        }
        settings.KOERS_SSO_ALLOWED_DOMAINS = ["gemeente.example"]
        settings.KOERS_SSO_WORKSPACE = "acme"
        settings.KOERS_SSO_ROLE = "editor"
        # The fake listens on 127.0.0.1: allowed by the outbound guard's allowlist, as an
        # intranet provider would be.
        settings.KOERS_ALLOW_PRIVATE_URLS = False
        settings.KOERS_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]

        page.goto("/login/")
        page.get_by_role("button", name="Inloggen met Gemeente Utrecht").click()

        expect(page).to_have_url(re.compile(r"/w/acme/$"))
        piet = get_user_model().objects.get(email="piet@gemeente.example")
        assert SocialAccount.objects.get(user=piet).uid == idp.person.sub
        assert Membership.objects.get(workspace=acme, user=piet).role == "editor"
        assert "/authorize" in idp.requests and "/token" in idp.requests
        expect(page.locator("summary", has_text=piet.username)).to_be_visible()
