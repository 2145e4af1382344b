"""The plan document shows each new part — Kerkhofs' steps with their substance, the go
criteria, the media plan, the project lead, the social media policy and what koers sees for
listening maturity — in Dutch and English, as HTML, Markdown and PDF."""

from __future__ import annotations

import pytest

from koers.strategy.tests.conftest import url
from tests.pdf import pdf_pages

PARTS = {
    "nl": [
        "Stap 4. Strategisch kader",
        "Een menselijkere dialoog",  # the approach of step 4
        "Ambassadeurs",  # with whom
        "Social media is een middel, geen doel.",
        "Aangevinkte criteria",
        "De doelgroep is online bereikbaar (volgens stap 3)",
        "Projectleider: anna",
        "Totaal",  # the media plan's totals
        "berichten gepland in de periode van de cyclus",
        "Socialemediabeleid",
        "Wie mag namens de organisatie posten, en op welke accounts?",
        "Ga je weg? Dan vervalt je toegang",  # the template, with "je"
        "Volwassenheid van luisteren",
    ],
    "en": [
        "Step 4. Strategic framework",
        "A more human dialogue",
        "Ambassadors",
        "Social media is a means, not a goal.",
        "Criteria ticked",
        "The target group is reachable online (per step 3)",
        "Project lead: anna",
        "Total",
        "posts planned in the cycle's period",
        "Social media policy",
        "Who may post on behalf of the organisation, and on which accounts?",
        "Listening maturity",
    ],
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_html_plan_shows_every_new_part(client_for, anna, duinwijk, language):
    page = client_for(anna).get(url("plan-html", duinwijk) + f"?lang={language}")
    text = page.content.decode().replace("&#x27;", "'")
    for part in PARTS[language]:
        assert part in text, part
    # the policy text is the workspace's (the demo filled it from the Dutch template)
    assert "Alleen de webredactie en het webcareteam posten" in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_markdown_plan_shows_every_new_part(client_for, anna, duinwijk, language):
    text = client_for(anna).get(url("plan-md", duinwijk) + f"?lang={language}").content.decode()
    for part in PARTS[language]:
        assert part in text, part
    assert "## 8. " + ("Socialemediabeleid" if language == "nl" else "Social media policy") in text


def test_the_pdf_plan_carries_the_steps_and_the_policy(client_for, anna, duinwijk):
    response = client_for(anna).get(url("plan-pdf", duinwijk) + "?lang=en")
    text = " ".join(" ".join(pdf_pages(response.content)).split())
    for part in ("Step 6. Media plan and channel choice", "Criteria ticked", "Social media policy"):
        assert part in text, part


def test_a_plan_without_policy_says_which_sections_are_missing(client_for, anna, go_cycle):
    text = client_for(anna).get(url("plan-md", go_cycle)).content.decode()
    assert "Het beleid beantwoordt ‘Wat posten we nooit?’ nog niet." in text
    assert "Kies de projectleider: een lid van de werkruimte." in text  # what step 7 lacks
