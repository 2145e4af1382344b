"""Manual numbers and CSV imports: validated per row, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koers.core.models import AuditEvent, Membership, Role
from koers.measurement.forms import parse_metric_csv
from koers.measurement.models import ManualMetric

pytestmark = pytest.mark.django_db


def upload(client, workspace, content: bytes, name="cijfers.csv"):
    return client.post(
        reverse("measurement:input-import", args=[workspace.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_editor_enters_a_number_and_it_is_audited(acme, bram, client_for):
    response = client_for(bram).post(
        reverse("measurement:input-add", args=[acme.slug]),
        {"metric": "web_visits", "day": "2026-10-01", "value": "1250"},
    )
    assert response.status_code == 302
    entry = ManualMetric.objects.get(workspace=acme)
    assert (entry.metric, entry.day, entry.value, entry.source) == (
        "web_visits", date(2026, 10, 1), 1250, "manual",
    )  # fmt: skip
    assert AuditEvent.objects.filter(workspace=acme, action="measurement.manual").count() == 1


def test_entering_the_same_day_again_replaces_the_value(acme, bram, client_for):
    client = client_for(bram)
    for value in ("10", "12"):
        client.post(
            reverse("measurement:input-add", args=[acme.slug]),
            {"metric": "conversions", "day": "2026-10-01", "value": value},
        )
    assert list(ManualMetric.objects.values_list("value", flat=True)) == [12]


def test_a_funnel_count_without_stage_is_refused(acme, bram, client_for):
    response = client_for(bram).post(
        reverse("measurement:input-add", args=[acme.slug]),
        {"metric": "funnel_stage", "day": "2026-10-01", "value": "5"},
    )
    assert response.status_code == 400
    assert "Een funneltelling heeft een fasenummer nodig." in response.content.decode()
    assert not ManualMetric.objects.exists()


@pytest.mark.parametrize("metric_header", ["Maatstaf", "Metriek"])
def test_dutch_semicolon_csv_in_windows_1252_is_imported(acme, bram, client_for, metric_header):
    content = (
        f"Datum;{metric_header};Waarde;Kanaal;Fase;Opmerking\n"
        "01-10-2026;webbezoeken;1250;;;\n"
        "2026-10-01;funnel_stage;5400;;1;ééntje\n"
        "2026-10-02;clicks;310;Mastodon;;\n"
    ).encode("cp1252")
    response = upload(client_for(bram), acme, content)
    assert response.status_code == 302
    rows = ManualMetric.objects.order_by("day", "metric")
    assert [(r.metric, r.value, r.stage, r.source) for r in rows] == [
        ("funnel_stage", 5400, 1, "csv"),
        ("web_visits", 1250, 0, "csv"),
        ("clicks", 310, 0, "csv"),
    ]
    assert rows[0].note == "ééntje"
    assert AuditEvent.objects.filter(action="measurement.import").count() == 1


def test_a_csv_with_bad_rows_imports_nothing_and_names_each_row(acme, bram, client_for):
    content = (
        b"date,metric,value,channel,stage\n"
        b"2026-10-01,web_visits,1250,,\n"
        b"2026-13-01,web_visits,10,,\n"
        b"2026-10-02,likes,5,,\n"
        b"2026-10-03,conversions,-4,,\n"
        b"2026-10-01,web_visits,99,,\n"
    )
    response = upload(client_for(bram), acme, content)
    text = response.content.decode()
    assert response.status_code == 400
    assert not ManualMetric.objects.exists()
    assert "Er is niets geïmporteerd." in text
    assert "Rij 3: Datum:" in text
    assert "Rij 4: Maatstaf:" in text
    assert "Rij 5: Waarde:" in text
    assert "Rij 6: Zelfde datum, maatstaf, kanaal en fase als rij 2." in text


def test_row_errors_are_reported_in_english_too(acme, bram, client_for):
    client = client_for(bram)
    client.cookies["django_language"] = "en"
    response = upload(client, acme, b"date,metric,value\n2026-10-01,web_visits,many\n")
    assert "Row 2: Value: Enter a whole number." in response.content.decode()


def test_a_csv_without_the_value_column_is_refused_as_a_whole():
    rows, errors = parse_metric_csv(b"date,metric\n2026-10-01,web_visits\n")
    assert rows == []
    assert [(e.row, e.message) for e in errors] == [(1, "Missing column(s): value.")]


def test_utf8_with_bom_and_comma_is_read():
    rows, errors = parse_metric_csv("\ufeffdate,metric,value\n2026-10-01,reach,900\n".encode())
    assert errors == []
    assert rows[0]["value"] == 900


def test_viewer_sees_the_inputs_but_cannot_add(acme, carla, client_for):
    Membership.objects.create(workspace=acme, user=carla, role=Role.VIEWER)
    client = client_for(carla)
    assert client.get(reverse("measurement:inputs", args=[acme.slug])).status_code == 200
    response = client.post(
        reverse("measurement:input-add", args=[acme.slug]),
        {"metric": "web_visits", "day": "2026-10-01", "value": "1"},
    )
    assert response.status_code == 403
    assert upload(client, acme, b"date,metric,value\n2026-10-01,reach,1\n").status_code == 403
    assert not ManualMetric.objects.exists()


def test_a_csv_with_bare_carriage_returns_is_read_line_by_line(acme, bram, client_for):
    # Old Mac exports end lines with a bare \r; the csv module used to stop with
    # "new-line character seen in unquoted field" (a server error).
    content = b"date,metric,value\r2026-10-01,web_visits,1250\r2026-10-02,web_visits,1300\r"
    response = upload(client_for(bram), acme, content)
    assert response.status_code == 302
    assert sorted(ManualMetric.objects.values_list("value", flat=True)) == [1250, 1300]


def test_a_stray_carriage_return_inside_a_row_is_a_row_error_not_a_crash(acme, bram, client_for):
    client = client_for(bram)
    client.cookies["django_language"] = "en"
    content = b"date,metric,value\n2026-10-01,web_\rvisits,1250\n2026-10-02,web_visits,7\n"
    response = upload(client, acme, content)
    assert response.status_code == 400
    assert "Row 2:" in response.content.decode()
    assert not ManualMetric.objects.exists()


def test_a_cell_over_the_csv_field_limit_is_a_translated_row_error(acme, bram, client_for):
    content = b'date,metric,value,note\n2026-10-01,web_visits,1,"' + b"x" * 200_000 + b'"\n'
    response = upload(client_for(bram), acme, content)
    assert response.status_code == 400
    assert "Rij 2: Deze rij is niet te lezen: een cel is langer dan 128 KB." in (
        response.content.decode()
    )
    assert not ManualMetric.objects.exists()


def test_a_windows_1252_file_is_read_as_such():
    rows, errors = parse_metric_csv(
        "datum;maatstaf;waarde;notitie\n01-10-2026;reach;900;café\n".encode("cp1252")
    )
    assert errors == []
    assert rows[0]["note"] == "café"


def test_a_csv_cell_escaped_against_formulas_is_read_without_its_apostrophe():
    # What koers' (and most spreadsheet tools') CSV escaping writes for text starting with
    # = + - @: one apostrophe in front, which the import removes again.
    rows, errors = parse_metric_csv(
        b"date,metric,value,channel,note\n"
        b"2026-10-01,web_visits,'+1250,'@gemeente,'=nieuwsbrief\n"
        b"2026-10-02,web_visits,12,'gewoon,\n"
    )
    assert errors == []
    assert [(r["value"], r["channel"], r["note"]) for r in rows] == [
        (1250, "@gemeente", "=nieuwsbrief"),
        (12, "'gewoon", ""),
    ]
