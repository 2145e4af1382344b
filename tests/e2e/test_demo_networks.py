"""The demo's Facebook, Instagram, WhatsApp and LinkedIn accounts in a real browser: the inbox
with their messages, the closed WhatsApp window, the calendar (Dutch, then English)."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from koers.core import actions
from koers.core.demo import DemoContext
from koers.engagement import demo
from koers.engagement.models import InboxItem
from koers.listening import demo as listening_demo
from koers.networks.testing import duinwijk as world
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


def test_the_demo_inbox_and_calendar_show_the_meta_and_linkedin_accounts(
    page, screenshot, duinwijk
):
    closed = InboxItem.objects.get(mention__remote_id=world.WHATSAPP_CLOSED.message_id)
    log_in(page, password=PASSWORD)
    page.goto("/w/duinwijk/inbox/")
    expect(page.get_by_text("groene container aan de Duinstraat 12").first).to_be_visible()
    expect(page.get_by_text("rijbewijs kwijt").first).to_be_visible()
    screenshot("demo-inbox-nl")
    page.goto(f"/w/duinwijk/inbox/{closed.pk}/")
    expect(page.locator(".window-closed")).to_contain_text("binnen 24 uur")
    screenshot("demo-whatsapp-window-nl")
    page.goto("/w/duinwijk/calendar/")
    screenshot("demo-calendar-nl")

    page.locator("button.lang-en").click()
    page.goto("/w/duinwijk/inbox/")
    expect(page.get_by_text("Mentions of your own accounts")).to_be_visible()
    screenshot("demo-inbox-en")
    page.goto(f"/w/duinwijk/inbox/{closed.pk}/")
    expect(page.locator(".window-closed")).to_contain_text("within 24 hours")
    screenshot("demo-whatsapp-window-en")
    page.goto("/w/duinwijk/calendar/")
    screenshot("demo-calendar-en")
