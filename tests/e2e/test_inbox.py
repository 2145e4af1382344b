"""The inbox in a real browser: assign a message to yourself and close another (Dutch), then
the list in English."""

from __future__ import annotations

import random
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from koers.core import actions
from koers.core.demo import DemoContext
from koers.engagement import demo
from koers.engagement.models import InboxItem
from koers.listening import demo as listening_demo
from koers.publishing import demo as publishing_demo
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "koers-e2e-wachtwoord-42"


@pytest.fixture
def duinwijk(monkeypatch):
    monkeypatch.setattr(listening_demo, "POSTS", 100)
    user = get_user_model().objects.create_user("anna", "anna@duinwijk.nl", PASSWORD)
    workspace = actions.create_workspace(user, name="Gemeente Duinwijk", slug="duinwijk")
    ctx = DemoContext(workspace=workspace, owner=user, rng=random.Random(2026))
    for part in (publishing_demo, listening_demo, demo):
        part.build(ctx)
    return workspace


def test_assign_to_yourself_and_close_a_message(page, screenshot, duinwijk):
    log_in(page, password=PASSWORD)

    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    first = page.locator(".inbox-item").first
    expect(first).to_have_class(re.compile("is-late"))
    screenshot("inbox-nl")

    # The unassigned overdue message (the pavement) comes first; take it.
    first.get_by_role("link").click()
    page.get_by_role("button", name="Aan mij toewijzen").click()
    expect(page.get_by_text("Toewijzing opgeslagen.")).to_be_visible()
    screenshot("inbox-item-nl")
    pavement = InboxItem.objects.get(mention__text__contains="gat in de stoep")
    assert pavement.assignee.username == "anna"

    page.goto("/w/duinwijk/inbox/")
    page.locator(".inbox-item", has_text="zwembad").get_by_role("link").click()
    page.get_by_label("Waarom geen antwoord nodig is").select_option("duplicate")
    page.get_by_role("button", name="Sluiten: geen antwoord nodig").click()
    expect(page.get_by_text("Gesloten: geen antwoord nodig.")).to_be_visible()
    pool = InboxItem.objects.get(mention__text__contains="zwembad")
    assert (pool.status, pool.close_reason) == ("closed", "duplicate")

    page.locator("button.lang-en").click()
    page.goto("/w/duinwijk/inbox/")
    expect(page.get_by_text("Mentions of your own accounts")).to_be_visible()
    screenshot("inbox-en")
