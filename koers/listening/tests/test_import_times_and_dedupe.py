"""File import: times without an offset are wall-clock times in the workspace's zone (DST-safe),
and rows without an id are recognised again by their link, or by author + time + text."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koers.listening.importing import parse_time, read_posts
from koers.listening.models import Mention, Topic

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# An export as another listening tool writes it: local times, no post ids.
CSV = (
    b"bericht;gebruiker;datum;link\n"
    b"Duinwijk festival was top;@anna;2026-06-01 22:18;https://voorbeeld.nl/1\n"
    b"Duinwijk in de winter;@bram;2026-11-01 22:18;\n"
    b"Duinwijk om middernacht;@carla;2026-11-01T23:00:00Z;https://voorbeeld.nl/3\n"
)


def _import(client, workspace, data: bytes = CSV) -> str:
    client.post(
        reverse("listening:import", args=[workspace.slug]),
        {"file": SimpleUploadedFile("export.csv", data), "source_name": "Oude tool"},
    )
    response = client.post(
        reverse("listening:import-map", args=[workspace.slug]),
        {"text": "bericht", "author": "gebruiker", "created_at": "datum", "url": "link"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_times_without_an_offset_are_read_in_the_workspace_time_zone(client_for, anna, acme):
    Topic.objects.create(workspace=acme, name="Duinwijk", kind="brand", query="duinwijk")

    _import(client_for(anna), acme)

    stored = dict(
        Mention.objects.filter(workspace=acme).values_list("author_handle", "published_at")
    )
    assert stored == {
        "@anna": datetime(2026, 6, 1, 20, 18, tzinfo=UTC),  # summer time, +02:00
        "@bram": datetime(2026, 11, 1, 21, 18, tzinfo=UTC),  # winter time, +01:00
        "@carla": datetime(2026, 11, 1, 23, 0, tzinfo=UTC),  # its own offset is kept
    }


def test_the_mapping_step_says_how_times_are_read(client_for, anna, acme):
    client = client_for(anna)
    response = client.post(
        reverse("listening:import", args=[acme.slug]),
        {"file": SimpleUploadedFile("export.csv", CSV), "source_name": "Oude tool"},
    )
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "tijdzone van deze werkruimte (Europe/Amsterdam)" in page


def test_importing_the_same_export_again_adds_nothing(client_for, anna, acme):
    Topic.objects.create(workspace=acme, name="Duinwijk", kind="brand", query="duinwijk")
    client = client_for(anna)
    _import(client, acme)

    # The same posts exported again: the tool now writes its times with their offset.
    again = CSV.replace(b"2026-06-01 22:18", b"2026-06-01T22:18:00+02:00").replace(
        b"2026-11-01 22:18", b"2026-11-01T22:18:00+01:00"
    )
    _import(client, acme, again)

    assert Mention.objects.filter(workspace=acme).count() == 3


def test_rows_with_the_same_link_are_one_post_and_rows_without_differ_by_author_time_text():
    rows = (
        b"text,author,created_at,url\n"
        b"Eerste versie,@anna,2026-11-01 10:00,https://voorbeeld.nl/1\n"
        b"Bewerkte versie,@anna,2026-11-01 10:05,https://voorbeeld.nl/1\n"
        b"Zonder link,@anna,2026-11-01 10:00,\n"
        b"Zonder link,@anna,2026-11-01T09:00:00Z,\n"
        b"Zonder link,@bram,2026-11-01 10:00,\n"
    )

    ids = [post.remote_id for _ref, post in read_posts(io.BytesIO(rows), "csv", zone=AMSTERDAM)]

    assert ids[0] == ids[1]
    assert ids[2] == ids[3]  # the same instant, written two ways
    assert len({ids[0], ids[2], ids[4]}) == 3


def test_an_hour_that_occurs_twice_is_the_first_and_a_skipped_hour_moves_forward():
    # 25 October 2026: clocks go back from 03:00 to 02:00, so 02:30 happens twice.
    assert parse_time("2026-10-25 02:30", AMSTERDAM) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert parse_time("25-10-2026 02:30", AMSTERDAM) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # 29 March 2026: clocks jump from 02:00 to 03:00; 02:30 is read as 03:30 summer time.
    assert parse_time("2026-03-29 02:30", AMSTERDAM) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert parse_time("2026-03-29 03:30", AMSTERDAM) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # An offset or a Unix timestamp is an instant, whatever the zone.
    assert parse_time("2026-10-25T02:30:00+01:00", AMSTERDAM) == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )
    assert parse_time(1_792_800_000, AMSTERDAM) == datetime.fromtimestamp(1_792_800_000, tz=UTC)
