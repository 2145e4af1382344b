"""A communication adviser walks the strategy wizard in Dutch and downloads the plan as PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from koers.core import actions as core_actions
from koers.strategy.models import Channel, Cycle, Objective
from tests.e2e.session import log_in
from tests.pdf import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SURVEY = Path(__file__).resolve().parents[2] / "koers/strategy/tests/data/survey_basic.csv"
PASSWORD = "een-lang-geheim-wachtwoord"


def test_wizard_in_dutch_ends_with_a_pdf_plan(page, screenshot, tmp_path):
    user = get_user_model().objects.create_user("anna", "anna@example.nl", PASSWORD)
    core_actions.create_workspace(user, name="Gemeente Noord", slug="noord")
    log_in(page, "anna", PASSWORD)

    page.goto("/w/noord/strategy/")
    page.get_by_label("Naam").fill("Noord in gesprek 2026")
    page.get_by_label("Start van de periode").fill("2026-01-01")
    page.get_by_label("Einde van de periode").fill("2026-12-31")
    page.get_by_role("button", name="Cyclus starten").click()

    # 1. People
    expect(page.get_by_role("heading", name="1. Mensen")).to_be_visible()
    notes = page.get_by_label("Online gedrag en notities voor alle doelgroepen")
    notes.fill("Inwoners van Noord, vooral gezinnen.")
    notes.press("Tab")  # change → HTMX autosave
    expect(page.get_by_text(re.compile("Automatisch opgeslagen om"))).to_be_visible()
    page.get_by_role("button", name="Opslaan en verder").click()

    # 2. Technographics: upload the survey
    expect(page.get_by_role("heading", name="2. Technographics")).to_be_visible()
    page.get_by_label("Enquêtebestand (CSV)").set_input_files(str(SURVEY))
    page.get_by_role("button", name="Enquête indelen").click()
    expect(page.locator("svg.ladder-chart")).to_be_visible()
    expect(page.get_by_text("Enquête ‘survey_basic.csv’: 6 respondenten")).to_be_visible()
    screenshot("strategy-technographics-nl")
    page.get_by_role("link", name="Volgende stap").click()

    # 3. Objectives: a primary Groundswell objective and an example made SMART
    page.get_by_label("Ondersteunen · Klantenservice").select_option("primary")
    page.get_by_role("button", name="Keuze opslaan").click()
    page.get_by_role("button", name="Dit voorbeeld gebruiken").first.click()
    expect(page.get_by_role("heading", name="SMART-doelstelling bewerken")).to_be_visible()
    for label, value in (
        ("Maatstaf", "vragen beantwoord binnen 4 uur"),
        ("Kanaal", "Facebook en Mastodon"),
        ("Doelgroep", "inwoners met een vraag"),
        ("Eenheid", "%"),
        ("Nulmeting", "60"),
        ("Datum nulmeting", "2025-12-01"),
        ("Start", "2026-03-01"),
        ("Deadline", "2026-05-31"),
        ("Eigenaar", "Teamleider KCC"),
    ):
        page.get_by_label(re.compile(rf"^{re.escape(label)}:?$")).fill(value)
    page.get_by_label(re.compile(r"^Streefwaarde:?$")).fill("90")
    page.get_by_role("button", name="Doelstelling opslaan").click()
    expect(page.locator("tr.smart-passed")).to_have_count(5)
    screenshot("strategy-objectives-nl")
    page.get_by_role("link", name="Volgende stap").click()

    # 4. Strategy
    page.get_by_label("Huidige relatie").fill("Wij zenden, inwoners bellen.")
    page.get_by_label("Gewenste relatie").fill("Inwoners krijgen snel antwoord online.")
    page.get_by_label("Kernboodschappen").fill("Noord luistert.")
    page.get_by_role("button", name="Opslaan en verder").click()

    # 5. Go/no-go (Anna owns the workspace, so she decides). A "go" before steps 1–3 and the
    # checklist is refused with the reasons, and nothing is saved.
    def decide_go() -> None:
        page.get_by_label("Go", exact=True).check()
        page.get_by_label("Datum van het besluit").fill("2026-02-01")
        page.get_by_label("Onderbouwing").fill("Genoeg vragen online en budget voor webcare.")
        page.get_by_role("button", name="Besluit vastleggen").click()

    decide_go()
    refused = page.locator("#go-refused")
    expect(
        refused.get_by_role("heading", name="‘Go’ kan nog niet worden vastgelegd")
    ).to_be_visible()
    expect(
        refused.get_by_text("Stap 1 (Probleem en aandachtspunt) is nog niet afgerond.")
    ).to_be_visible()
    expect(refused.get_by_text("Vink het criterium ‘Er is capaciteit")).to_be_visible()
    screenshot("strategy-go-refused-nl")
    cycle = Cycle.objects.get(workspace__slug="noord")
    assert (cycle.decision, cycle.go_criteria) == ("", [])
    page.get_by_role("link", name=re.compile("Technologie")).first.click()
    expect(
        page.get_by_text("Technologie gaat open na een ‘go’ op het uitstapmoment")
    ).to_be_visible()
    expect(page.get_by_label("Netwerk of hulpmiddel")).to_have_count(0)
    page.go_back()

    # Steps 1–3 complete and every criterion ticked: now "go" is recorded
    for step in ("problem", "target_group", "online_behaviour"):
        page.locator(f"#step-{step}").get_by_label(re.compile(r"^Status:?$")).select_option("done")
    page.locator("#step-problem").get_by_label(
        "Het op te lossen probleem en het aandachtspunt"
    ).fill("Vragen via sociale media blijven dagen liggen.")
    for criterion in (
        "Het probleem is benoemd (stap 1)",
        "De doelgroep is online bereikbaar (volgens stap 3)",
        "De doelstelling is SMART (stap 2)",
        "Er is capaciteit: mensen, uren en budget voor de volgende stappen",
    ):
        page.get_by_label(criterion).check()
    decide_go()

    # 6. Technology is open now
    expect(page.get_by_role("heading", name="6. Technologie")).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.decision == "go" and len(cycle.go_criteria) == 4
    page.get_by_label("Netwerk of hulpmiddel").fill("Mastodon")
    page.get_by_label("Berichten per week").fill("5")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("heading", name="7. Stap 4–8")).to_be_visible()

    cycle = Cycle.objects.get(workspace__slug="noord")
    assert cycle.decision == "go"
    assert Objective.objects.get(cycle=cycle).kpis.count() == 2
    assert Channel.objects.get(cycle=cycle).network == "Mastodon"

    page.get_by_role("link", name="Strategiecyclus", exact=True).click()
    expect(page.get_by_role("heading", name="Volledigheid")).to_be_visible()
    screenshot("strategy-overview-nl")

    # The plan, as PDF
    page.get_by_role("navigation", name="Stappen van de strategiecyclus").get_by_role(
        "link", name=re.compile("Plandocument")
    ).click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="PDF").first.click()
    download = download_info.value
    assert download.suggested_filename == "gemeente-noord-noord-in-gesprek-2026-nl.pdf"
    pdf = tmp_path / "plan.pdf"
    download.save_as(pdf)
    text = "\n".join(pdf_pages(pdf))
    assert "Socialemediastrategie" in text
    assert "Noord in gesprek 2026" in text
    assert "Genoeg vragen online en budget voor webcare." in text

    # The same pages in English
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="11. Plan document")).to_be_visible()
    page.get_by_role("link", name=re.compile("Technographics")).first.click()
    expect(page.get_by_role("heading", name="2. Technographics")).to_be_visible()
    screenshot("strategy-technographics-en")
    page.get_by_role("link", name="Strategy cycle").click()
    expect(page.get_by_role("heading", name="Completeness")).to_be_visible()
    screenshot("strategy-overview-en")


def test_technology_is_locked_with_an_explanation_in_english(page, screenshot):
    user = get_user_model().objects.create_user("bram", "bram@example.nl", PASSWORD)
    core_actions.create_workspace(user, name="Stichting Kust", slug="kust")
    log_in(page, "bram", PASSWORD)
    page.get_by_role("button", name="EN").click()
    page.goto("/w/kust/strategy/")
    page.get_by_label("Name").fill("Coast 2026")
    page.get_by_label("Start of the period").fill("2026-01-01")
    page.get_by_label("End of the period").fill("2026-12-31")
    page.get_by_role("button", name="Start the cycle").click()
    page.get_by_role("link", name=re.compile("Technology")).first.click()
    expect(page.get_by_role("heading", name="Technology is locked")).to_be_visible()
    expect(page.get_by_text("Technology is decided last: complete People first.")).to_be_visible()
    screenshot("strategy-technology-locked-en")


STEPS_NL = [
    ("people", "1. Mensen"),
    ("technographics", "2. Technographics"),
    ("objectives", "3. Doelstellingen"),
    ("strategy", "4. Strategie"),
    ("decision", "5. Go/no-go"),
    ("technology", "6. Technologie"),
    ("kerkhofs", "7. Stap 4–8"),
    ("funnel", "8. Funnel"),
    ("roos", "9. Communicatieroos"),
    ("maturity", "10. Volwassenheid van luisteren"),
    ("plan", "11. Plandocument"),
]


def test_demo_strategy_reads_well_in_dutch_and_english(page, screenshot):
    import random

    from koers.core.demo import DemoContext
    from koers.strategy import demo

    user = get_user_model().objects.create_user("anna", "anna@example.nl", PASSWORD)
    workspace = core_actions.create_workspace(user, name="Gemeente Duinwijk", slug="duinwijk")
    demo.build(DemoContext(workspace=workspace, owner=user, rng=random.Random(2026)))
    cycle = Cycle.objects.get(workspace=workspace, status="active")
    log_in(page, "anna", PASSWORD)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    base = f"/w/duinwijk/strategy/c/{cycle.pk}/"
    for key, heading in STEPS_NL:
        page.goto(base + f"{key}/")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        screenshot(f"strategy-demo-{key}-nl")
    objective = cycle.objectives.first()
    page.goto(base + f"objectives/{objective.pk}/")
    expect(page.get_by_role("heading", name="SMART-doelstelling bewerken")).to_be_visible()
    screenshot("strategy-demo-objective-edit-nl")
    page.goto(base + "plan.html")
    expect(page.get_by_role("heading", name="Socialemediastrategie")).to_be_visible()
    screenshot("strategy-demo-plan-html-nl")
    page.goto("/w/duinwijk/strategy/cycles/")
    screenshot("strategy-demo-cycles-nl")
    page.goto("/w/duinwijk/strategy/policy/")
    expect(page.get_by_role("heading", name="Socialemediabeleid", exact=True)).to_be_visible()
    screenshot("strategy-demo-policy-nl")
    page.goto("/w/duinwijk/strategy/policy/print/?lang=nl")
    screenshot("strategy-demo-policy-print-nl")

    page.goto(base + "roos/")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="9. Communicatieroos")).to_be_visible()
    screenshot("strategy-demo-roos-en")
    for key in ("objectives", "decision", "kerkhofs", "technology", "maturity"):
        page.goto(base + f"{key}/")
        screenshot(f"strategy-demo-{key}-en")
    page.goto("/w/duinwijk/strategy/policy/")
    expect(page.get_by_role("heading", name="Social media policy", exact=True)).to_be_visible()
    screenshot("strategy-demo-policy-en")
    page.goto(base + "plan.html?lang=en")
    expect(page.get_by_role("heading", name="Social-media strategy")).to_be_visible()
    assert csp_errors == []  # charts are plain SVG, the plan's stylesheet is a linked file
