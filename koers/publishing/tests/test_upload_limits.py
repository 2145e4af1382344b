"""Uploads to the calendar: large CSV files are read in bounded memory, oversized ones are
refused before reading, hostile files give a clear message instead of a server error."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koers.core.tests.uploading import post_file
from koers.publishing import actions, csvio
from koers.publishing.models import ContentItem, Media

MB = 1024 * 1024


def bulk_csv(path: Path, size: int, last_row: str) -> Path:
    """A bulk-schedule CSV of about ``size`` bytes of valid rows, then ``last_row``."""
    line = b"2030-04-01 09:00,Lente in de winkel met nieuwe fietsen en een kop koffie,https://acme.example/lente\n"
    with path.open("wb") as out:
        for _ in range(size // len(line)):
            out.write(line)
        out.write(last_row.encode())
    return path


def test_a_large_calendar_csv_is_checked_in_memory_that_does_not_grow_with_its_size(
    acme, anna, tmp_path
):
    # Valid rows and one bad row at the end: every row is read and checked, and the
    # all-or-nothing rule stores none. Reading the file whole (bytes, text and a list of rows)
    # took about nine times its size; streaming it takes the same small amount for 1 or 5 MB.
    url = reverse("publishing:import", args=[acme.slug])
    peaks, sizes = [], []
    for size in (1 * MB, 5 * MB):
        path = bulk_csv(tmp_path / f"{size}.csv", size, "geen datum,tekst\n")
        posted = post_file(anna, url, "file", path, {"category": "promotion"})
        assert posted.response.status_code == 200
        assert "geen datum" in posted.text  # the bad row is named
        peaks.append(posted.peak)
        sizes.append(path.stat().st_size)
    assert ContentItem.objects.filter(workspace=acme).count() == 0
    growth = peaks[1] - peaks[0]
    assert growth < (sizes[1] - sizes[0]) / 8, f"peaks {peaks} bytes"


def test_a_calendar_csv_over_its_limit_is_refused_by_size_before_it_is_read(
    acme, anna, client_for, tmp_path, monkeypatch
):
    def must_not_read(*args, **kwargs):
        raise AssertionError("an oversized file was read")

    monkeypatch.setattr(csvio, "rows", must_not_read)
    path = bulk_csv(tmp_path / "te-groot.csv", csvio.MAX_IMPORT_BYTES + MB, "")
    url = reverse("publishing:import", args=[acme.slug])
    posted = post_file(anna, url, "file", path, {"category": "promotion"})
    assert "The file is larger than 10.0\xa0MB" in posted.text
    assert ContentItem.objects.filter(workspace=acme).count() == 0

    with path.open("rb") as handle:
        response = client_for(anna).post(
            url, {"file": handle, "category": "promotion"}, headers={"Accept-Language": "nl"}
        )
    assert (
        "Het bestand is groter dan 10,0\xa0MB; kies een kleiner bestand."
        in response.content.decode()
    )


def test_a_request_over_the_upload_limit_is_dropped_unread_and_refused_with_a_message(
    acme, anna, tmp_path, settings
):
    settings.KOERS_MAX_UPLOAD_MB = 1
    path = bulk_csv(tmp_path / "veel-te-groot.csv", 6 * MB, "")
    url = reverse("publishing:import", args=[acme.slug])
    posted = post_file(anna, url, "file", path, {"category": "promotion"})
    assert posted.response.status_code == 200
    assert "The file is larger than" in posted.text
    assert ContentItem.objects.filter(workspace=acme).count() == 0
    # Neither kept in memory nor spooled: the bytes were only counted as they streamed past.
    assert posted.peak < MB, f"peak {posted.peak} bytes"


def test_a_calendar_csv_with_a_cell_over_the_csv_field_limit_is_a_file_error_not_a_crash(
    acme, anna, client_for
):
    data = b'2030-04-01 09:00,"' + b"x" * 200_000 + b'"\n2030-04-02 09:00,Tweede\n'
    response = client_for(anna).post(
        reverse("publishing:import", args=[acme.slug]),
        {"file": SimpleUploadedFile("lang.csv", data), "category": "promotion"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "Row 1 can&#x27;t be read as CSV" in response.content.decode()
    assert ContentItem.objects.filter(workspace=acme).count() == 0


def test_a_bare_carriage_return_is_a_line_break_in_a_calendar_csv(acme, anna):
    report = csvio.import_file(acme, anna, b"2030-04-01 09:00,Een\r2030-04-02 09:00,Twee\r")
    assert report.errors == []
    assert sorted(ContentItem.objects.values_list("text", flat=True)) == ["Een", "Twee"]


def test_only_the_first_hundred_row_errors_are_listed_and_the_rest_counted(acme, anna):
    data = "".join(f"{n},tekst\n" for n in range(250)).encode()
    report = csvio.import_file(acme, anna, data)
    assert len(report.errors) == csvio.MAX_REPORTED_ERRORS
    assert report.more_errors == 150
    assert ContentItem.objects.count() == 0


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (no pixel data follows)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(20000, 20000), (8000, 6000)])
def test_an_image_claiming_too_many_pixels_is_refused_without_decoding_it(
    acme, anna, client_for, size, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = actions.save_item(acme, anna, title="Met foto", text="Kijk!")
    response = client_for(anna).post(
        reverse("publishing:media-add", args=[acme.slug, item.pk]),
        {"file": SimpleUploadedFile("bom.png", png_claiming(*size), "image/png")},
        headers={"Accept-Language": "en"},
        follow=True,
    )
    assert response.status_code == 200
    assert "The image has more than 40 megapixels" in response.content.decode()
    assert not Media.objects.filter(item=item).exists()
    assert list(tmp_path.rglob("*.png")) == []
