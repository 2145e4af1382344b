"""The plan document: HTML, Markdown and PDF, in Dutch or English."""

from __future__ import annotations

import pytest

from koers.strategy import plan
from koers.strategy.tests.conftest import url
from tests.pdf import pdf_pages


def test_plan_html_has_title_page_models_objectives_decision_and_warnings(
    client_for, anna, duinwijk
):
    response = client_for(anna).get(url("plan-html", duinwijk))
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="nl">' in text
    assert 'class="title-page"' in text
    assert "Duinwijk in gesprek 2026" in text
    assert 'class="ladder-chart"' in text and 'class="funnel-shape"' in text
    assert "Laat 15 wijkambassadeurs de campagne Duinwijk Denkt Mee delen" in text
    assert "Versterkingsratio" in text  # the KPI of that objective, by its catalogue name
    assert "Het college heeft op 10 februari ingestemd." in text  # the go rationale
    assert "<style" not in text  # the page obeys the CSP: the stylesheet is linked


def test_plan_language_follows_the_workspace_unless_asked(client_for, anna, duinwijk, acme):
    client = client_for(anna)
    acme.language = "en"
    acme.save(update_fields=["language"])
    assert '<html lang="en">' in client.get(url("plan-html", duinwijk)).content.decode()
    assert (
        '<html lang="nl">' in client.get(url("plan-html", duinwijk) + "?lang=nl").content.decode()
    )
    assert plan.language_for(acme, "fr") == "en"


def test_plan_markdown_is_a_readable_document(client_for, anna, duinwijk):
    response = client_for(anna).get(url("plan-md", duinwijk) + "?lang=en")
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# ")
    assert "\n\n\n" not in text
    assert "Webcare op orde" not in text  # only this cycle
    assert "- **Supporting** (Primary) — Support" in text
    assert "| Joiners | " in text
    assert "Response rate" in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_plan_pdf_has_the_expected_pages_and_text(client_for, anna, duinwijk, language):
    response = client_for(anna).get(url("plan-pdf", duinwijk) + f"?lang={language}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    text = "\n".join(pages)
    # title page + one chapter per page; the objectives over two, Kerkhofs' steps with their
    # substance over three, the social media policy over two
    assert len(pages) == {"nl": 19, "en": 18}[language]
    assert "Duinwijk in gesprek 2026" in pages[0]
    assert "Acme Fietsen" in pages[1]  # running header from page 2
    assert f"{len(pages)}" in pages[1]
    assert "Versterkingsratio" in text if language == "nl" else "Amplification rate" in text


def test_a_no_go_plan_reports_why_the_cycle_stopped(client_for, anna, ready_cycle):
    from datetime import date

    from koers.strategy import actions

    actions.record_go_no_go(
        ready_cycle,
        anna,
        decision="no_go",
        decided_on=date(2026, 2, 1),
        rationale="Slechts 4% van de doelgroep is online actief.",
    )
    text = client_for(anna).get(url("plan-md", ready_cycle)).content.decode()
    assert "> **Deze cyclus is gestopt bij het uitstapmoment (no-go)**" in text
    assert "Slechts 4% van de doelgroep is online actief." in text
    assert "| Technologie | gestopt (no-go) |" in text


PARTS = {
    "nl": [
        "Doelgroepen", "Gezinnen in Zeezijde", "Voorbeelden van meetpunten", "De 1%-regel",
        "Van de 48.000 mensen", "Kosten en ROI", "Gepland: de streefwaarden van de doelstellingen",
        "-79,2%", "Organiseren", "Teamleider KCC", "24 uur/week",
    ],
    "en": [
        "Target audiences", "Gezinnen in Zeezijde", "Example metrics", "The 1 % rule",
        "Of the 48,000 people", "Costs and ROI", "Planned: the objectives' targets", "-79.2%",
        "Organiseren", "Teamleider KCC", "24 h/week",
    ],
}  # fmt: skip


@pytest.mark.parametrize("language", ["nl", "en"])
def test_plan_has_audiences_metrics_participation_roi_and_the_rose(
    client_for, anna, duinwijk, language
):
    client = client_for(anna)
    html = client.get(url("plan-html", duinwijk) + f"?lang={language}").content.decode()
    for part in PARTS[language]:
        assert part in html, part
    assert 'class="roos-chart"' in html and 'class="funnel-shape"' in html
    assert html.count("<ellipse") == 4 and html.count("<polygon") == 5  # petals, funnel stages
    pdf = client.get(url("plan-pdf", duinwijk) + f"?lang={language}").content
    pdf_text = " ".join(" ".join(pdf_pages(pdf)).split())  # lines wrap anywhere in a PDF
    for part in PARTS[language]:
        assert part in pdf_text.replace("’", "'"), part
    markdown = client.get(url("plan-md", duinwijk) + f"?lang={language}").content.decode()
    assert "Gezinnen in Zeezijde" in markdown and "-79" in markdown
