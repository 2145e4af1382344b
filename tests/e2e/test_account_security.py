"""Account security in a browser: TOTP set-up and login, lockout and unlock, reset, SSO."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from playwright.sync_api import expect

from conftest import PASSWORD
from koers.accounts.testing import FakeOIDCProvider, Person
from koers.core.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, list(yield_hotp_counters_from_time())[-1]))


def log_in(page, name="bram", password=PASSWORD):
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label(re.compile(r"^Wachtwoord:?$")).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def test_totp_set_up_and_login(page, acme, anna):
    acme.require_two_factor = True
    acme.save(update_fields=["require_two_factor"])
    log_in(page)
    page.goto("/w/acme/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    page.goto("/accounts/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticatorcode").fill(code_for(secret))
    page.get_by_role("button", name="Activeren").click()
    expect(page.get_by_text("Herstelcodes", exact=False).first).to_be_visible()

    page.context.clear_cookies()
    from django.core.cache import cache

    cache.clear()  # the code just used may not be used twice
    log_in(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Inloggen").click()
    page.goto("/w/acme/")
    expect(page).to_have_url(re.compile(r"/w/acme/$"))


def test_lockout_and_unlock(page, acme, anna, browser, live_server):
    for _ in range(5):
        log_in(page, password="verkeerd-wachtwoord-1")
    expect(page.get_by_role("heading", name="Inloggen tijdelijk geblokkeerd")).to_be_visible()

    owner = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    log_in(owner, "anna")
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
    page.get_by_label(re.compile(r"^Nieuw wachtwoord:?$")).fill("kort")
    page.get_by_label(re.compile(r"^Nieuw wachtwoord \(nogmaals\):?$")).fill("kort")
    page.get_by_role("button", name=re.compile("Wachtwoord wijzigen")).click()
    expect(page.get_by_text("Dit wachtwoord is te kort")).to_be_visible()
    page.get_by_label(re.compile(r"^Nieuw wachtwoord:?$")).fill("een-heel-nieuw-wachtwoord")
    page.get_by_label(re.compile(r"^Nieuw wachtwoord \(nogmaals\):?$")).fill(
        "een-heel-nieuw-wachtwoord"
    )
    page.get_by_role("button", name=re.compile("Wachtwoord wijzigen")).click()

    log_in(page, password="een-heel-nieuw-wachtwoord")
    expect(page).to_have_url(re.compile(r"/w/acme/$"))


def test_sso_login_against_the_fake_provider(page, acme, settings):
    with FakeOIDCProvider(profile="entra", person=Person(email="piet@gemeente.example")) as fake:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"APPS": [fake.app_settings(name="Gemeente-account")]}
        }
        settings.KOERS_SSO_ALLOWED_DOMAINS = ["gemeente.example"]
        settings.KOERS_SSO_WORKSPACE = "acme"
        settings.KOERS_SSO_ROLE = "viewer"
        page.goto("/login/")
        page.get_by_role("button", name="Inloggen met Gemeente-account").click()
        expect(page).to_have_url(re.compile(r"/w/acme/$"))

    assert (
        Membership.objects.get(workspace=acme, user__email="piet@gemeente.example").role == "viewer"
    )
