"""Two workers send the same person's digest at the same moment: one e-mail. Each thread has
its own database connection; the second insert of the period's marker waits for the first
transaction (still sending) and then meets the unique constraint."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import connection

from koers.notify import digest
from koers.notify.models import DigestSent, Preference

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2026, 11, 24, 7, 5, tzinfo=UTC)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite admits one writer at a time, so two senders cannot overlap",
)
def test_two_workers_sending_the_same_digest_at_once_send_one_e_mail(
    acme, anna, alert, monkeypatch
):
    alert()
    pref = Preference.objects.create(workspace=acme, user=anna, digest="daily", digest_hour=8)
    original = digest.send_mail
    inside = threading.Event()

    def slow_send(*args, **kwargs):
        inside.set()
        time.sleep(0.5)  # the other worker tries to claim the period meanwhile
        return original(*args, **kwargs)

    monkeypatch.setattr(digest, "send_mail", slow_send)
    results: list[str] = []

    def worker() -> None:
        try:
            results.append(digest.send(pref.pk, NOW))
        finally:
            connection.close()

    first = threading.Thread(target=worker)
    first.start()
    assert inside.wait(timeout=30)
    second = threading.Thread(target=worker)
    second.start()
    first.join(timeout=30)
    second.join(timeout=30)
    assert sorted(results) == ["sent", "taken"]
    assert len(mail.outbox) == 1
    assert DigestSent.objects.get().state == "sent"
