"""Editing a scheduled post keeps its date in Dutch and in English (date inputs only take ISO
values), and an idea without a date saves without clearing a pre-filled time."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from koers.core import actions as core_actions
from koers.publishing import actions
from koers.publishing.models import ContentItem, State
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-lang-geheim-wachtwoord"


@pytest.fixture
def scheduled(live_server):
    anna = get_user_model().objects.create_user("anna", "anna@example.nl", PASSWORD)
    acme = core_actions.create_workspace(anna, name="Acme Fietsen", slug="acme")
    channel = actions.connect_channel(
        acme,
        anna,
        network="webhook",
        name="Intranet",
        endpoint="http://127.0.0.1:9/hook",
        secret="demo-not-a-secret-at-all",
        is_demo=True,
    )
    # The 5th of a month at least two days ahead: day and month differ, so a swapped or
    # localised date would show.
    day = timezone.localdate() + timedelta(days=40)
    day = day.replace(day=5)
    item = actions.save_item(
        acme,
        anna,
        title="Open dag",
        text="Zaterdag open dag!",
        day=day,
        at=time(14, 30),
        channel_texts={channel.pk: ""},
    )
    actions.approve_item(item, anna)
    item.refresh_from_db()
    assert item.state == State.SCHEDULED
    return item


def _edit_and_save(page, item, *, date_label: str, time_label: str, save: str) -> None:
    page.goto(f"/w/acme/calendar/items/{item.pk}/edit/")
    expect(page.get_by_label(date_label)).to_have_value(item.local_date.isoformat())
    expect(page.get_by_label(time_label)).to_have_value("14:30")
    page.get_by_role("button", name=save).click()
    expect(page.get_by_role("heading", name="Open dag")).to_be_visible()


def test_editing_a_scheduled_post_in_dutch_and_english_keeps_its_date(page, scheduled):
    log_in(page, password=PASSWORD)
    _edit_and_save(page, scheduled, date_label="Datum", time_label="Tijd", save="Opslaan")
    saved = ContentItem.objects.get(pk=scheduled.pk)
    assert (saved.local_date, saved.local_time) == (scheduled.local_date, time(14, 30))
    assert saved.scheduled_at == scheduled.scheduled_at
    assert saved.state == State.SCHEDULED  # nothing changed, so the approval stands

    page.get_by_role("button", name="EN", exact=True).click()
    _edit_and_save(page, scheduled, date_label="Date", time_label="Time", save="Save")
    saved = ContentItem.objects.get(pk=scheduled.pk)
    assert (saved.local_date, saved.local_time) == (scheduled.local_date, time(14, 30))
    assert saved.state == State.SCHEDULED


def test_an_idea_without_a_date_saves_as_it_is(page, scheduled):
    log_in(page, password=PASSWORD)
    page.goto("/w/acme/calendar/items/new/")
    expect(page.get_by_label("Tijd")).to_have_value("")
    page.get_by_label("Idee").fill("Later uitwerken")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Later uitwerken")).to_be_visible()
    idea = ContentItem.objects.get(title="Later uitwerken")
    assert idea.scheduled_at is None and idea.local_time is None

    page.goto(f"/w/acme/calendar/items/{idea.pk}/edit/")
    page.get_by_label("Datum").fill(scheduled.local_date.isoformat())
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name=re.compile("Later uitwerken"))).to_be_visible()
    idea.refresh_from_db()
    assert (idea.local_date, idea.local_time) == (scheduled.local_date, time(9, 0))
