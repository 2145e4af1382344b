"""An editor plans a post in the Dutch calendar, approves it, and drags it to another day."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from koers.core import actions as core_actions
from koers.core.demo import DemoContext
from koers.publishing import actions, demo
from koers.publishing.models import Channel, ContentItem, State
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-lang-geheim-wachtwoord"


@pytest.fixture
def workspace(live_server):
    anna = get_user_model().objects.create_user("anna", "anna@example.nl", PASSWORD)
    acme = core_actions.create_workspace(anna, name="Acme Fietsen", slug="acme")
    actions.connect_channel(
        acme,
        anna,
        network="webhook",
        name="Intranet",
        endpoint="http://127.0.0.1:9/hook",
        secret="demo-not-a-secret-at-all",
        is_demo=True,
    )
    return acme


def test_an_editor_schedules_a_post_in_the_calendar_and_drags_it_to_another_day(
    page, screenshot, workspace
):
    log_in(page, password=PASSWORD)
    day = timezone.localdate() + timedelta(days=2)
    page.goto(f"/w/acme/calendar/?date={day.isoformat()}")
    expect(page.get_by_role("heading", name="Kalender", exact=True)).to_be_visible()
    page.get_by_role("button", name="Nieuw bericht", exact=True).click()

    page.get_by_label("Idee").fill("Open dag werkplaats")
    page.get_by_label(re.compile(r"^Tekst:?$")).fill(
        "Zaterdag open dag in onze werkplaats! Kom langs."
    )
    page.get_by_label("Link").fill("https://acme.example/open-dag")
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Tijd").fill("09:00")
    page.get_by_label("Intranet (Webhook)").check()
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", name="Open dag werkplaats")).to_be_visible()
    expect(page.get_by_text("utm_source=webhook&utm_medium=social")).to_be_visible()
    page.get_by_role("button", name="Goedkeuren en inplannen").click()
    expect(page.locator(".page-head .state")).to_have_text("Ingepland")
    screenshot("publishing-item-nl")

    page.goto(f"/w/acme/calendar/?date={day.isoformat()}")
    chip = page.locator(".chip", has_text="Open dag werkplaats")
    expect(chip).to_be_visible()
    screenshot("publishing-calendar-nl")

    target = day + timedelta(days=1 if day.weekday() < 6 else -1)
    chip.drag_to(page.locator(f'td.day[data-day="{target.isoformat()}"]'))
    expect(
        page.locator(f'td.day[data-day="{target.isoformat()}"] .chip', has_text="Open dag")
    ).to_be_visible()
    item = ContentItem.objects.get(title="Open dag werkplaats")
    # Moving an approved post is a change after approval: it waits for approval again.
    assert item.state == State.IN_REVIEW
    assert item.local_date == target
    assert item.local_time.strftime("%H:%M") == "09:00"


def test_the_demo_calendar_in_dutch_and_english(page, screenshot, workspace):
    owner = get_user_model().objects.get(username="anna")
    # The demo brings its own "Intranet": channel names are unique per workspace.
    Channel.objects.filter(workspace=workspace).delete()
    demo.build(DemoContext(workspace=workspace, owner=owner, rng=random.Random(3)))
    log_in(page, password=PASSWORD)
    page.goto("/w/acme/calendar/")
    expect(page.locator(".chip").first).to_be_visible()
    screenshot("publishing-month-nl")
    page.goto("/w/acme/calendar/?view=week")
    screenshot("publishing-week-nl")
    page.goto("/w/acme/calendar/channels/")
    screenshot("publishing-channels-nl")
    page.goto("/w/acme/calendar/settings/")
    screenshot("publishing-policy-nl")

    page.get_by_role("button", name="EN", exact=True).click()
    page.goto("/w/acme/calendar/")
    expect(page.get_by_role("heading", name="Calendar", exact=True)).to_be_visible()
    screenshot("publishing-month-en")
    item = ContentItem.objects.filter(workspace=workspace, state=State.SCHEDULED).first()
    page.goto(f"/w/acme/calendar/items/{item.pk}/")
    expect(page.get_by_role("heading", name=re.compile("History"))).to_be_visible()
    screenshot("publishing-item-en")
