"""Notifications in a real browser: send a test card to a Teams channel from the settings
page (Dutch), then choose a weekly digest on the personal page (English)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from koers.core import actions
from koers.networks.testing.chat import FakeChatReceiver, teams_shape_ok
from koers.notify import actions as notify_actions
from koers.notify.models import Preference
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "koers-e2e-wachtwoord-42"


@pytest.fixture
def chat():
    with FakeChatReceiver() as fake:
        yield fake


def test_send_a_test_card_and_choose_a_weekly_digest(page, screenshot, chat):
    anna = get_user_model().objects.create_user("anna", "anna@duinwijk.nl", PASSWORD)
    workspace = actions.create_workspace(anna, name="Gemeente Duinwijk", slug="duinwijk")
    notify_actions.create_destination(
        workspace, anna, name="Webcare-team", kind="teams", url=f"{chat.url}/teams/flow/1",
        events=["alert", "approval", "overdue"],
    )  # fmt: skip
    log_in(page, password=PASSWORD)

    page.goto("/w/duinwijk/settings/notifications/")
    expect(page.get_by_role("heading", name="Bestemming toevoegen")).to_be_visible()
    page.get_by_role("button", name="Testbericht versturen").click()
    expect(page.get_by_text("Testbericht verstuurd. Kijk in het kanaal.")).to_be_visible()
    screenshot("notify-destinations-nl")
    ((kind, body),) = chat.cards
    assert kind == "teams" and teams_shape_ok(body)

    page.get_by_role("button", name="EN", exact=True).click()
    page.get_by_role("link", name="My notifications").click()
    page.get_by_label("Digest").select_option("weekly")
    page.get_by_label("On (weekly)").select_option("4")
    page.get_by_label("Approval requests").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    screenshot("notify-mine-en")
    pref = Preference.objects.get(user=anna, workspace=workspace)
    assert (pref.digest, pref.digest_weekday) == ("weekly", 4)
    assert "approval" not in pref.email_events and "alert" in pref.email_events
