"""The measurement dashboard in a real browser, in Dutch (and once in English), on demo data."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from koers.core import actions
from koers.core.demo import DemoContext
from koers.measurement import demo
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "koers-e2e-wachtwoord-42"


@pytest.fixture
def duinwijk():
    user = get_user_model().objects.create_user("anna", "anna@duinwijk.nl", PASSWORD)
    workspace = actions.create_workspace(user, name="Gemeente Duinwijk", slug="duinwijk")
    demo.build(DemoContext(workspace=workspace, owner=user, rng=random.Random(2026)))
    return workspace


def test_dashboard_shows_kpis_charts_and_best_time_in_dutch(page, screenshot, duinwijk):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, password=PASSWORD)
    page.goto("/w/duinwijk/measure/")
    expect(page.get_by_role("heading", name="Meten", exact=True)).to_be_visible()
    table = page.locator("table.kpi-table")
    expect(table.get_by_role("rowheader", name="Engagementratio")).to_be_visible()
    expect(table.locator("tr.kpi-engagements td.value")).not_to_have_text("—")
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_role("heading", name="Beste tijd om te posten")).to_be_visible()
    expect(page.get_by_text("Vergeleken met de vorige periode")).to_be_visible()
    screenshot("measurement-dashboard-nl")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_period_picker_reloads_only_the_dashboard(page, screenshot, duinwijk):
    log_in(page, password=PASSWORD)
    page.goto("/w/duinwijk/measure/")
    page.get_by_label("Campagne").fill("Afvalwijzer")
    page.get_by_role("button", name="Toon").click()
    expect(page.locator(".dashboard h2")).to_contain_text("campagne Afvalwijzer")
    assert "campaign=Afvalwijzer" in page.url


def test_catalogue_inputs_and_report_pages_in_english(page, screenshot, duinwijk):
    log_in(page, password=PASSWORD)
    page.goto("/w/duinwijk/measure/kpis/")
    expect(page.locator("#kpi-click_through_rate")).to_contain_text("Doorklikratio (CTR)")
    screenshot("measurement-catalogue-nl")
    page.locator("form.lang-switch button.lang-en").click()
    page.goto("/w/duinwijk/measure/")
    expect(page.get_by_role("heading", name="Measure", exact=True)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Engagement rate")).to_be_visible()
    screenshot("measurement-dashboard-en")
    page.goto("/w/duinwijk/measure/inputs/")
    expect(page.get_by_role("heading", name="Import a CSV file")).to_be_visible()
    screenshot("measurement-inputs-en")
    page.goto("/w/duinwijk/measure/report/")
    expect(page.get_by_role("heading", name="Period report")).to_be_visible()
    screenshot("measurement-report-en")
