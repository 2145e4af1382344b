"""Keyword rules never miss a mention whose ingest commits late: two real connections store
mentions out of order (PostgreSQL hands out ids at insert, not at commit)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from koers.alerts import evaluate
from koers.alerts.models import AlertEvent, KeywordHit, RuleKind
from koers.alerts.tests.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite admits one writer at a time, so two ingests cannot commit out of order",
)
def test_a_mention_whose_ingest_commits_after_a_later_one_was_read_still_alerts_once(
    mention, make_rule
):
    rule = make_rule(RuleKind.KEYWORD, query="brand", cooldown_minutes=0)
    inserted, release = threading.Event(), threading.Event()
    stored = {}

    def slow_ingest() -> None:
        try:
            with transaction.atomic():
                stored["a"] = mention("Brand A, traag opgeslagen")  # the lower id
                inserted.set()
                release.wait(timeout=30)
        finally:
            connection.close()  # this thread's own connection

    writer = threading.Thread(target=slow_ingest)
    writer.start()
    try:
        assert inserted.wait(timeout=30)
        b = mention("Brand B, snel opgeslagen")  # a higher id, committed at once
        assert b.pk > stored["a"].pk
        [first] = evaluate.evaluate_rule(rule, NOW)  # reads B while A is not committed yet
    finally:
        release.set()
        writer.join(timeout=30)
    assert not writer.is_alive()
    assert first.mention_ids == [b.pk]

    rule.refresh_from_db()
    [second] = evaluate.evaluate_rule(rule, NOW + timedelta(minutes=1))
    assert second.mention_ids == [stored["a"].pk]
    rule.refresh_from_db()
    assert evaluate.evaluate_rule(rule, NOW + timedelta(minutes=2)) == []
    assert sorted(KeywordHit.objects.values_list("mention_id", flat=True)) == sorted(
        [stored["a"].pk, b.pk]
    )
    assert AlertEvent.objects.count() == 2


def test_mentions_stored_one_after_another_each_alert_exactly_once(mention, make_rule):
    rule = make_rule(RuleKind.KEYWORD, query="brand", cooldown_minutes=0)
    seen = []
    for minute in range(3):
        with transaction.atomic():
            stored = mention(f"Brand {minute}")
        rule.refresh_from_db()
        [event] = evaluate.evaluate_rule(rule, NOW + timedelta(minutes=minute))
        seen.append((event.mention_ids, stored.pk))
    assert all(ids == [pk] for ids, pk in seen)
    rule.refresh_from_db()
    assert evaluate.evaluate_rule(rule, NOW + timedelta(minutes=5)) == []
