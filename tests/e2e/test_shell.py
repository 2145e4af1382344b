"""A new owner sets koers up in the browser, adds a workspace and reads it in Dutch and English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from koers.core.models import Membership, Workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_setup_login_workspace_and_language_switch(page, screenshot, live_server):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup/$"))
    # Dutch is the default language of the product.
    expect(page.get_by_role("heading", name="Welkom bij koers")).to_be_visible()
    screenshot("setup-nl")

    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("E-mail").fill("anna@example.nl")
    page.get_by_label(re.compile(r"^Wachtwoord:?$")).fill("een-lang-geheim-wachtwoord")
    page.get_by_label("Wachtwoord (nogmaals)").fill("een-lang-geheim-wachtwoord")
    page.get_by_label("Organisatie of merk").fill("Gemeente Noord")
    page.get_by_role("button", name="Account en werkruimte aanmaken").click()

    expect(page).to_have_url(re.compile(r"/w/gemeente-noord/$"))
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    for label in ("Strategie", "Kalender", "Luisteren", "Inbox", "Meten", "Instellingen"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    screenshot("workspace-home-nl")

    # Log out and back in with the new account.
    page.get_by_text("anna", exact=True).click()
    page.get_by_role("button", name="Uitloggen").click()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("Wachtwoord").fill("een-lang-geheim-wachtwoord")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/w/gemeente-noord/$"))

    # A second workspace through the workspace switcher.
    page.get_by_text("Gemeente Noord", exact=True).first.click()
    page.get_by_role("link", name="+ Nieuwe werkruimte").click()
    page.get_by_label("Naam").fill("Stichting Kust")
    page.get_by_role("button", name="Werkruimte aanmaken").click()
    expect(page).to_have_url(re.compile(r"/w/stichting-kust/$"))
    assert Workspace.objects.count() == 2
    assert Membership.objects.filter(user__username="anna", role="owner").count() == 2

    # Switch to English and back to Dutch; the page text follows.
    page.get_by_role("button", name="EN").click()
    main_nav = page.get_by_role("navigation", name="Main navigation")
    main_nav.get_by_role("link", name="Listening").click()
    expect(page.get_by_role("heading", name="Listening")).to_be_visible()
    screenshot("listening-empty-en")
    page.get_by_role("button", name="NL").click()
    expect(page.get_by_role("heading", name="Luisteren")).to_be_visible()
    nl_nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    nl_nav.get_by_role("link", name="Inbox").click()
    # The inbox explains, in Dutch, what it holds.
    expect(page.get_by_text("Vermeldingen van je eigen accounts")).to_be_visible()

    nl_nav.get_by_role("link", name="Instellingen").click()
    expect(page.get_by_role("table", name="Leden en hun rollen")).to_contain_text("anna")
    screenshot("members-nl")
