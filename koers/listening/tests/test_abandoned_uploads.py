"""Uploads whose column mapping never came are removed after a day; running imports are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koers.core.scheduler import REGISTRY
from koers.listening import tasks, uploads
from koers.listening.models import Mention, Topic

START = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)  # late evening: the day changes on the way
CSV = b"text,author,date\nKoffie bij Duinwijk,@anna,2026-11-01 10:00\n"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "imports"


def test_an_upload_left_for_a_day_is_removed_and_a_fresh_one_stays(data_dir):
    with time_machine.travel(START, tick=False) as clock:
        old = uploads.store(CSV, "oud.csv")
        clock.shift(timedelta(hours=20))
        fresh = uploads.store(CSV, "nieuw.csv")

        clock.shift(timedelta(hours=3, minutes=59))  # the old one is 23:59 old
        assert tasks.remove_abandoned_uploads.call() == 0
        assert uploads.path_for(old.token).exists()

        clock.shift(timedelta(minutes=2))
        assert tasks.remove_abandoned_uploads.call() == 1

    assert not uploads.path_for(old.token).exists()
    assert uploads.path_for(fresh.token).exists()
    assert sorted(p.name for p in data_dir.iterdir()) == [f"{fresh.token}.upload"]


def test_a_file_claimed_by_a_running_import_is_left_alone(data_dir):
    with time_machine.travel(START, tick=False) as clock:
        upload = uploads.store(CSV, "export.csv")
        clock.shift(timedelta(hours=23))
        claimed = uploads.claim(upload.token)  # the import starts just in time
        clock.shift(timedelta(hours=5))

        assert uploads.remove_abandoned() == 0
        assert claimed.read_bytes() == CSV

        clock.shift(uploads.CRASHED_AFTER)  # an import that died never discards its file
        assert uploads.remove_abandoned() == 1
    assert not claimed.exists()


def test_the_clean_up_is_a_periodic_job():
    job = REGISTRY["listening.remove_abandoned_uploads"]
    assert job.every == timedelta(hours=1)


def test_mapping_an_upload_that_was_cleaned_up_asks_to_upload_again(client_for, anna, acme):
    client = client_for(anna)
    with time_machine.travel(START, tick=False) as clock:
        client.post(
            reverse("listening:import", args=[acme.slug]),
            {"file": SimpleUploadedFile("export.csv", CSV), "source_name": "Oud"},
        )
        clock.shift(timedelta(hours=25))
        assert uploads.remove_abandoned() == 1

        response = client.post(
            reverse("listening:import-map", args=[acme.slug]),
            {"text": "text", "author": "author", "created_at": "date"},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )

    assert response.redirect_chain[-1][0] == reverse("listening:import", args=[acme.slug])
    assert "no longer here; upload it again" in response.content.decode()
    assert not Mention.objects.filter(workspace=acme).exists()


def test_a_finished_import_leaves_no_file(client_for, anna, acme, data_dir):
    Topic.objects.create(workspace=acme, name="Duinwijk", kind="brand", query="duinwijk")
    client = client_for(anna)
    client.post(
        reverse("listening:import", args=[acme.slug]),
        {"file": SimpleUploadedFile("export.csv", CSV), "source_name": "Oud"},
    )
    response = client.post(
        reverse("listening:import-map", args=[acme.slug]),
        {"text": "text", "author": "author", "created_at": "date"},
    )
    assert response.status_code == 200
    assert Mention.objects.filter(workspace=acme).count() == 1
    assert list(data_dir.iterdir()) == []
