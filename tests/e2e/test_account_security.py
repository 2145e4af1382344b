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
from django.test import Client
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, list(yield_hotp_counters_from_time())[-1]))


def log_in(page, name="bram", password=PASSWORD):
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label(re.compile(r"^Wachtwoord:?$")).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


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
