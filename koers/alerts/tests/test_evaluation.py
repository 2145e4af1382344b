"""Evaluating rules: spikes and surges from the rollups, keyword matches by ingest cursor
(each mention in one alert), one event per window, cool-down, and nothing about the time before
a rule existed. The keyword tests with two real connections are in test_keyword_cursor.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from koers.alerts import evaluate, rules
from koers.alerts.models import AlertEvent, Delivery, RuleKind
from koers.alerts.tests.conftest import NOW
from koers.listening import cursor

HOUR = NOW.replace(minute=0)  # 10:00 UTC; the current window is 10:00–11:00


def test_a_volume_spike_fires_with_its_figures(usual_week, rollup, make_rule):
    rule = make_rule(topic=usual_week)
    rollup(usual_week, HOUR, 45)
    events = evaluate.evaluate_rule(rule, NOW)
    assert len(events) == 1
    event = events[0]
    assert (event.window_start, event.window_end) == (HOUR, HOUR + timedelta(hours=1))
    assert event.observed == 45
    assert event.baseline == 10.0
    assert event.figures["factor"] == 4.5
    assert event.figures["history"] == [10] * 7
    assert event.window_key == "2026-11-25T10:00Z/1h"


def test_an_ordinary_hour_fires_nothing(usual_week, rollup, make_rule):
    rule = make_rule(topic=usual_week)
    rollup(usual_week, HOUR, 12)
    assert evaluate.evaluate_rule(rule, NOW) == []


def test_a_quiet_topic_going_from_0_to_3_is_no_spike(topic, rollup, make_rule):
    rule = make_rule(topic=topic)
    rollup(topic, HOUR, 3)
    assert evaluate.evaluate_rule(rule, NOW) == []
    rollup(topic, HOUR, 9)  # 12 now: above the minimum, nothing before
    assert len(evaluate.evaluate_rule(rule, NOW)) == 1


def test_a_window_of_several_hours_sums_its_hours(usual_week, rollup, make_rule):
    rule = make_rule(topic=usual_week, window_hours=3, threshold=1.5)
    rollup(usual_week, HOUR, 40)
    [event] = evaluate.evaluate_rule(rule, NOW)
    # 08:00–11:00: 10 (08h) + 0 (09h, the fixture stops there) + 40 now; usually 3 × 10.
    assert event.window_start == HOUR - timedelta(hours=2)
    assert event.observed == 50
    assert event.baseline == 30.0


def test_each_window_fires_at_most_once_per_rule(usual_week, rollup, make_rule):
    rule = make_rule(topic=usual_week, cooldown_minutes=0)
    rollup(usual_week, HOUR, 45)
    assert len(evaluate.evaluate_rule(rule, NOW)) == 1
    rollup(usual_week, HOUR, 20)
    assert evaluate.evaluate_rule(rule, NOW + timedelta(minutes=5)) == []
    assert AlertEvent.objects.filter(rule=rule).count() == 1


def test_the_database_refuses_a_second_event_for_the_same_window(usual_week, rollup, make_rule):
    rule = make_rule(topic=usual_week, cooldown_minutes=0)
    rollup(usual_week, HOUR, 45)
    [event] = evaluate.evaluate_rule(rule, NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertEvent.objects.create(
            workspace=rule.workspace, rule=rule, kind=rule.kind, window_key=event.window_key,
            window_start=event.window_start, window_end=event.window_end,
        )  # fmt: skip


def test_two_workers_with_the_same_view_store_one_event(usual_week, rollup, make_rule):
    """Both workers read the rule before either fired (a stale ``last_fired_at``)."""
    rule = make_rule(topic=usual_week, cooldown_minutes=0)
    rollup(usual_week, HOUR, 45)
    window = rules.windows_to_evaluate(NOW, 1, rule.created_at)[-1]
    first = evaluate.fire(rule, window, NOW, observed=45)
    second = evaluate.fire(rule, window, NOW, observed=45)
    assert first is not None and second is None
    assert AlertEvent.objects.filter(rule=rule).count() == 1


def test_the_cool_down_holds_back_the_next_window(usual_week, rollup, make_rule):
    rule = make_rule(topic=usual_week, cooldown_minutes=90)
    rollup(usual_week, HOUR, 45)
    rollup(usual_week, HOUR + timedelta(hours=1), 50)
    assert len(evaluate.evaluate_rule(rule, NOW)) == 1
    rule.refresh_from_db()
    assert evaluate.evaluate_rule(rule, NOW + timedelta(hours=1)) == []  # 11:20: cooling down
    later = evaluate.evaluate_rule(rule, NOW + timedelta(minutes=95))  # 11:55: cooled down
    assert [e.window_key for e in later] == ["2026-11-25T11:00Z/1h"]


def test_no_alert_for_windows_that_ended_before_the_rule_existed(usual_week, rollup, make_rule):
    rollup(usual_week, HOUR - timedelta(hours=1), 60)  # 09:00–10:00, before the rule
    rule = make_rule(topic=usual_week, created=HOUR + timedelta(minutes=5))
    assert evaluate.evaluate_rule(rule, NOW) == []
    older = make_rule(topic=usual_week)
    assert [e.window_key for e in evaluate.evaluate_rule(older, NOW)] == ["2026-11-25T09:00Z/1h"]


def test_a_disabled_rule_is_not_evaluated(usual_week, rollup, make_rule):
    make_rule(topic=usual_week, enabled=False)
    rollup(usual_week, HOUR, 45)
    assert evaluate.evaluate_all(NOW) == 0
    assert not AlertEvent.objects.exists()


def test_a_negative_surge_fires_with_shares(usual_week, rollup, make_rule):
    rule = make_rule(RuleKind.SURGE, topic=usual_week, threshold=20)
    rollup(usual_week, HOUR, 4)
    rollup(usual_week, HOUR, 11, "negative")
    [event] = evaluate.evaluate_rule(rule, NOW)
    assert event.observed == 11
    assert event.figures["share"] == pytest.approx(73.3)
    assert event.figures["baseline_share"] == 20.0
    assert event.figures["rise_points"] == pytest.approx(53.3)
    assert event.baseline == 2.0


def test_a_busy_but_ordinary_hour_is_no_surge(usual_week, rollup, make_rule):
    rule = make_rule(RuleKind.SURGE, topic=usual_week)
    rollup(usual_week, HOUR, 30)
    rollup(usual_week, HOUR, 9, "negative")  # 23 %
    assert evaluate.evaluate_rule(rule, NOW) == []


def test_notifications_are_pending_for_what_the_rule_asks(usual_week, rollup, make_rule, anna):
    rule = make_rule(topic=usual_week, recipients=[anna], webhook_url="https://hook.example/a")
    rollup(usual_week, HOUR, 45)
    [event] = evaluate.evaluate_rule(rule, NOW)
    assert (event.email_state, event.webhook_state) == (Delivery.PENDING, Delivery.PENDING)
    silent = make_rule(topic=usual_week)
    [event] = evaluate.evaluate_rule(silent, NOW)
    assert (event.email_state, event.webhook_state) == (Delivery.NONE, Delivery.NONE)


# ---------------------------------------------------------------------------------------------
# Keyword rules
# ---------------------------------------------------------------------------------------------
def test_a_keyword_rule_lists_new_matching_mentions_only(mention, make_rule):
    old = mention("Brand bij de haven", at=NOW - timedelta(days=2))
    rule = make_rule(RuleKind.KEYWORD, query='(brand OR "gas lek") NOT oefening')
    assert rule.watermark == old.pk  # stored before the rule: never its business
    fire = mention("Brand in de Dorpsstraat!")
    mention("Mooie markt vandaag")
    mention("Brand-oefening bij de kazerne: geen paniek, een oefening")
    gas = mention("Gas lek bij het station")
    [event] = evaluate.evaluate_rule(rule, NOW)
    assert event.mention_ids == [fire.pk, gas.pk]
    assert event.observed == 2
    assert sorted(event.hits.values_list("mention_id", flat=True)) == [fire.pk, gas.pk]
    rule.refresh_from_db()
    assert rule.ingest_cursor == event.figures["horizon"]
    assert evaluate.evaluate_rule(rule, NOW + timedelta(hours=2)) == []


def test_a_keyword_rule_moves_its_cursor_over_mentions_that_do_not_match(mention, make_rule):
    rule = make_rule(RuleKind.KEYWORD, query="brand")
    start = rule.ingest_cursor
    last = mention("Mooie markt vandaag")
    assert evaluate.evaluate_rule(rule, NOW) == []
    rule.refresh_from_db()
    assert start <= rule.ingest_cursor <= cursor.horizon()
    if connection.vendor == "sqlite":  # ids are the cursor there: one past the last one read
        assert rule.ingest_cursor == last.pk + 1


def test_a_keyword_rule_in_cool_down_keeps_the_matches_for_the_next_alert(mention, make_rule):
    rule = make_rule(RuleKind.KEYWORD, query="brand", cooldown_minutes=30)
    first = mention("Brand!")
    [event] = evaluate.evaluate_rule(rule, NOW)
    rule.refresh_from_db()
    second = mention("Nog steeds brand", at=NOW + timedelta(minutes=1))
    assert evaluate.evaluate_rule(rule, NOW + timedelta(minutes=10)) == []
    rule.refresh_from_db()
    third = mention("Brand is uit", at=NOW + timedelta(minutes=20))
    [later] = evaluate.evaluate_rule(rule, NOW + timedelta(minutes=31))
    assert event.mention_ids == [first.pk]
    assert later.mention_ids == [second.pk, third.pk]


def test_a_keyword_rule_alerts_at_once_about_a_mention_stored_a_moment_ago(mention, make_rule):
    # No waiting period: the ingest cursor, not a delay, keeps late commits from being missed.
    rule = make_rule(RuleKind.KEYWORD, query="brand", cooldown_minutes=0)
    fresh = mention("Brand!", ingested=NOW - timedelta(seconds=1))
    [event] = evaluate.evaluate_rule(rule, NOW)
    assert event.mention_ids == [fresh.pk]
    assert evaluate.evaluate_rule(rule, NOW + timedelta(minutes=1)) == []


def test_a_mention_read_again_is_in_no_second_alert(mention, make_rule):
    rule = make_rule(RuleKind.KEYWORD, query="brand", cooldown_minutes=0)
    first = mention("Brand!")
    [event] = evaluate.evaluate_rule(rule, NOW)
    # Read everything again, as after a long-running ingest held the horizon back.
    type(rule).objects.filter(pk=rule.pk).update(ingest_cursor=0)
    rule.refresh_from_db()
    second = mention("Weer brand")
    [again] = evaluate.evaluate_rule(rule, NOW + timedelta(minutes=1))
    assert (event.mention_ids, again.mention_ids) == ([first.pk], [second.pk])
    assert evaluate.evaluate_rule(rule, NOW + timedelta(minutes=2)) == []


def test_a_rule_from_before_the_cursor_reads_after_its_watermark_once(mention, make_rule):
    old = mention("Brand gisteren")
    rule = make_rule(RuleKind.KEYWORD, query="brand", cooldown_minutes=0)
    type(rule).objects.filter(pk=rule.pk).update(ingest_cursor=None, watermark=old.pk - 1)
    rule.refresh_from_db()
    [event] = evaluate.evaluate_rule(rule, NOW)
    assert event.mention_ids == [old.pk]
    rule.refresh_from_db()
    assert rule.ingest_cursor is not None
    assert evaluate.evaluate_rule(rule, NOW + timedelta(minutes=1)) == []


def test_a_keyword_rule_never_sees_another_workspace(mention, make_rule, bolt):
    rule = make_rule(RuleKind.KEYWORD, query="brand")
    mention("Brand in Bolt", workspace=bolt)
    assert evaluate.evaluate_rule(rule, NOW) == []


def test_two_keyword_evaluations_from_the_same_watermark_fire_once(mention, make_rule):
    rule = make_rule(RuleKind.KEYWORD, query="brand", cooldown_minutes=0)
    mention("Brand!")
    stale = type(rule).objects.get(pk=rule.pk)
    assert len(evaluate.evaluate_rule(rule, NOW)) == 1
    assert evaluate.evaluate_rule(stale, NOW) == []
    assert AlertEvent.objects.count() == 1


def test_windows_use_whole_utc_hours_whatever_the_workspace_zone(topic, rollup, make_rule):
    rule = make_rule(topic=topic)
    rollup(topic, datetime(2026, 11, 25, 10, tzinfo=UTC), 12)
    [event] = evaluate.evaluate_rule(rule, NOW)
    assert event.window_start.tzinfo is not None
