"""Strategy pages with several blocks: one form per page, refused saves shown as refused, and a
warning before leaving with unsaved changes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from koers.core import actions as core_actions
from koers.strategy import actions
from koers.strategy.models import KerkhofsStep, Roos, RoosPetal
from tests.e2e.session import log_in
from tests.e2e.test_strategy_wizard import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cycle():
    user = get_user_model().objects.create_user("anna", "anna@example.nl", PASSWORD)
    workspace = core_actions.create_workspace(user, name="Gemeente Noord", slug="noord")
    return actions.create_cycle(
        workspace, user, name="Noord 2026", period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )  # fmt: skip


def test_text_typed_in_two_blocks_of_the_roos_is_kept_by_one_save(page, cycle):
    log_in(page, "anna", PASSWORD)
    page.goto(f"/w/noord/strategy/c/{cycle.pk}/roos/")
    page.locator("#id_roles").fill("Webredactie")
    page.locator("#id_luisteren-owner").fill("Team webcare")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    assert Roos.objects.get(cycle=cycle).roles == "Webredactie"
    assert RoosPetal.objects.get(cycle=cycle, petal="luisteren").owner == "Team webcare"


def test_a_refused_petal_shows_not_active_with_the_reason(page, cycle, screenshot):
    log_in(page, "anna", PASSWORD)
    page.goto(f"/w/noord/strategy/c/{cycle.pk}/roos/")
    page.locator("#id_reageren-activities").fill("Vragen beantwoorden")
    page.locator("#id_reageren-active").check()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    petal = page.locator("#petal-reageren")
    expect(petal.get_by_role("heading", name=re.compile("Reageren"))).to_contain_text("niet actief")
    expect(petal.get_by_text("Dit blad kan nog niet actief zijn.")).to_be_visible()
    expect(petal.locator("#id_reageren-active")).not_to_be_checked()
    expect(petal.locator("#id_reageren-activities")).to_have_value("Vragen beantwoorden")
    screenshot("strategy-roos-refused-petal-nl")
    assert not RoosPetal.objects.get(cycle=cycle, petal="reageren").active


def test_two_kerkhofs_steps_are_saved_together_on_the_decision_page(page, cycle):
    log_in(page, "anna", PASSWORD)
    page.goto(f"/w/noord/strategy/c/{cycle.pk}/decision/")
    page.locator("#id_problem-owner").fill("Anna")
    page.locator("#id_target_group-notes").fill("Vooral gezinnen")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    steps = {s.step: s for s in KerkhofsStep.objects.filter(cycle=cycle)}
    assert steps["problem"].owner == "Anna"
    assert steps["target_group"].notes == "Vooral gezinnen"


def test_leaving_with_unsaved_changes_asks_first(page, cycle):
    log_in(page, "anna", PASSWORD)
    page.goto(f"/w/noord/strategy/c/{cycle.pk}/roos/")
    dialogs: list[str] = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator("#id_roles").fill("Webredactie")
    page.get_by_role("link", name="Strategiecyclus", exact=True).click()
    expect(page.locator("#id_roles")).to_have_value("Webredactie")
    assert dialogs == ["beforeunload"]

    # After saving, leaving is quiet.
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    page.get_by_role("link", name="Strategiecyclus", exact=True).click()
    expect(page.get_by_role("heading", name="Volledigheid")).to_be_visible()
    assert dialogs == ["beforeunload"]
