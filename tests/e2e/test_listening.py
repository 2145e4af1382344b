"""Listening in a real browser (Dutch, and once in English) on the demo's mentions."""

from __future__ import annotations

import random
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from koers.core import actions
from koers.core.demo import DemoContext
from koers.listening import demo
from koers.listening.models import Topic
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "koers-e2e-wachtwoord-42"


@pytest.fixture
def duinwijk(monkeypatch):
    monkeypatch.setattr(demo, "POSTS", 1200)
    user = get_user_model().objects.create_user("anna", "anna@duinwijk.nl", PASSWORD)
    workspace = actions.create_workspace(user, name="Gemeente Duinwijk", slug="duinwijk")
    demo.build(DemoContext(workspace=workspace, owner=user, rng=random.Random(2026)))
    return workspace


def _csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_a_new_topic_query_is_tested_live_and_saved(page, screenshot, duinwijk):
    errors = _csp_errors(page)
    log_in(page, password=PASSWORD)
    page.goto("/w/duinwijk/listening/topics/new/")
    expect(page.get_by_role("heading", name="Nieuw onderwerp")).to_be_visible()
    page.get_by_label("Naam").fill("Parkeren")
    query = page.locator("#id_query")

    query.press_sequentially("(parkeren OR parking", delay=20)
    feedback = page.locator("#query-feedback")
    expect(feedback).to_contain_text("Haakjes kloppen niet bij teken 1")
    expect(feedback.locator("mark")).to_have_text("(")
    screenshot("listening-query-error-nl")

    query.press_sequentially(") AND duinwijk", delay=20)
    expect(feedback).to_contain_text("vermeldingen passen")
    # The newest match depends on today's date in the generated demo: check that it matches.
    expect(feedback.locator("li").first).to_contain_text(re.compile(r"parkeren|parking", re.I))
    expect(feedback.locator("li").first).to_contain_text(re.compile(r"duinwijk", re.I))
    screenshot("listening-query-test-nl")

    page.get_by_role("button", name="Begin met volgen").click()
    expect(page.get_by_role("heading", name="Parkeren")).to_be_visible()
    assert Topic.objects.filter(workspace=duinwijk, name="Parkeren").exists()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_listening_pages_in_dutch_and_english(page, screenshot, duinwijk):
    errors = _csp_errors(page)
    log_in(page, password=PASSWORD)
    page.goto("/w/duinwijk/listening/?period=90")
    expect(page.get_by_role("heading", name="Share of voice")).to_be_visible()
    expect(page.locator(".listening-chart polyline").first).to_be_visible()
    screenshot("listening-overview-nl")

    brand = Topic.objects.get(workspace=duinwijk, kind="brand")
    page.goto(f"/w/duinwijk/listening/topics/{brand.pk}/?period=90")
    expect(page.get_by_role("heading", name="Actiefste auteurs")).to_be_visible()
    expect(page.get_by_role("heading", name="Stijgende termen")).to_be_visible()
    screenshot("listening-topic-nl")

    page.goto("/w/duinwijk/listening/mentions/?period=90&sentiment=negative")
    expect(page.locator(".stream .mention").first).to_be_visible()
    select = page.locator(".stream .mention select").first
    select.select_option("positive")
    page.locator(".stream .mention").first.get_by_role("button", name="Corrigeer").click()
    expect(page.get_by_text("Opgeslagen, dank je.")).to_be_visible()
    screenshot("listening-mentions-nl")

    page.goto("/w/duinwijk/listening/sources/")
    expect(page.get_by_role("cell", name="Archief (import)")).to_be_visible()
    screenshot("listening-sources-nl")

    page.locator("button.lang-en").click()
    page.goto("/w/duinwijk/listening/?period=90")
    expect(page.get_by_role("heading", name="Mentions per day, last 90 days")).to_be_visible()
    screenshot("listening-overview-en")
    page.goto(f"/w/duinwijk/listening/topics/{brand.pk}/?period=90")
    expect(page.get_by_role("heading", name="Top authors")).to_be_visible()
    screenshot("listening-topic-en")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_text_search_offers_to_search_further_back(page, screenshot, duinwijk, monkeypatch):
    from koers.listening import views

    monkeypatch.setattr(views, "SEARCH_WINDOW", 300)  # 1,200 demo posts: four stretches
    log_in(page, password=PASSWORD)
    page.goto("/w/duinwijk/listening/mentions/?period=90&q=nergensnietsgevonden")
    expect(page.get_by_text("Niets gevonden in deze vermeldingen")).to_be_visible()
    expect(page.get_by_text("De vermeldingen zijn doorzocht tot")).to_be_visible()
    further = page.get_by_role("link", name="Verder terug zoeken")
    expect(further).to_be_visible()
    screenshot("listening-search-further-nl")
    first_stretch = page.locator(".searched-to").inner_text()

    further.click()
    expect(page.locator(".searched-to")).not_to_have_text(first_stretch)
    expect(page.get_by_role("link", name="Nieuwste", exact=False)).to_be_visible()

    page.locator("button.lang-en").click()
    page.goto("/w/duinwijk/listening/mentions/?period=90&q=nergensnietsgevonden")
    expect(page.get_by_role("link", name="Search further back")).to_be_visible()
    screenshot("listening-search-further-en")
