"""Pure detection rules: windows, volume spike, negative surge, keyword matches (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koers.alerts.rules import (
    FALLBACK_NEGATIVE_SHARE,
    Window,
    baseline_windows,
    in_cooldown,
    keyword_matches,
    negative_surge,
    volume_spike,
    webhook_backoff,
    windows_to_evaluate,
)
from koers.query import compile_query

T = datetime(2026, 11, 25, 10, 17, tzinfo=UTC)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def test_the_current_and_the_last_complete_window_are_evaluated():
    windows = windows_to_evaluate(T, 1, LONG_AGO)
    assert windows == [
        Window(datetime(2026, 11, 25, 9, tzinfo=UTC), datetime(2026, 11, 25, 10, tzinfo=UTC)),
        Window(datetime(2026, 11, 25, 10, tzinfo=UTC), datetime(2026, 11, 25, 11, tzinfo=UTC)),
    ]
    three = windows_to_evaluate(T, 3, LONG_AGO)
    assert [w.hours for w in three] == [3, 3]
    assert three[1].start == datetime(2026, 11, 25, 8, tzinfo=UTC)


def test_windows_that_ended_before_the_rule_existed_are_skipped():
    created = datetime(2026, 11, 25, 10, 5, tzinfo=UTC)
    assert [w.end.hour for w in windows_to_evaluate(T, 1, created)] == [11]


@pytest.mark.parametrize("hours", [0, 25, -1])
def test_a_window_is_one_to_24_hours(hours):
    with pytest.raises(ValueError, match="1 to 24"):
        windows_to_evaluate(T, hours, LONG_AGO)


def test_the_baseline_is_the_same_window_on_the_seven_previous_days():
    window = Window(datetime(2026, 11, 25, 9, tzinfo=UTC), datetime(2026, 11, 25, 11, tzinfo=UTC))
    base = baseline_windows(window)
    assert len(base) == 7
    assert base[0].start == datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert base[-1].end == datetime(2026, 11, 18, 11, tzinfo=UTC)
    assert window.key() == "2026-11-25T09:00Z/2h"


def test_cooldown_and_backoff():
    hour = timedelta(hours=1)
    assert in_cooldown(T - timedelta(minutes=59), T, hour)
    assert not in_cooldown(T - hour, T, hour)
    assert not in_cooldown(None, T, hour)
    assert [webhook_backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 120, 480]


# ---------------------------------------------------------------------------------------------
# Volume spike
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("count", "history", "fired", "reason", "factor"),
    [
        (3, [0] * 7, False, "below_minimum", None),  # 0 → 3 is no spike
        (12, [0] * 7, True, "spike", None),  # a quiet topic suddenly busy
        (40, [10, 12, 9, 11, 10, 13, 10], True, "spike", 4.0),
        (25, [10, 12, 9, 11, 10, 13, 10], False, "below_factor", 2.5),
        # A noisy topic: 3.3× its median but within three robust deviations.
        (40, [5, 20, 8, 30, 12, 25, 10], False, "within_spread", 40 / 12),
        # One earlier storm in the week does not hide the next one (the mean would).
        (40, [10, 400, 9, 11, 10, 13, 10], True, "spike", 4.0),
        (15, [5] * 7, True, "spike", 3.0),  # no spread at all: above the median is enough
        (10, [], True, "spike", None),  # no history yet
    ],
)
def test_volume_spike(count, history, fired, reason, factor):
    spike = volume_spike(count, history, factor=3.0, min_count=10)
    assert (spike.fired, spike.reason) == (fired, reason)
    assert spike.factor == pytest.approx(factor) if factor else spike.factor is None


def test_the_minimum_count_is_configurable():
    assert not volume_spike(19, [1] * 7, min_count=20).fired
    assert volume_spike(20, [1] * 7, min_count=20).fired


@given(
    history=st.lists(st.integers(0, 500), min_size=1, max_size=7),
    count=st.integers(0, 2000),
    extra=st.integers(1, 500),
)
def test_more_mentions_never_turn_a_spike_off(history, count, extra):
    if volume_spike(count, history).fired:
        assert volume_spike(count + extra, history).fired


@given(history=st.lists(st.integers(0, 500), min_size=1, max_size=7), count=st.integers(0, 2000))
def test_a_spike_is_always_above_the_minimum_and_the_factor(history, count):
    spike = volume_spike(count, history, factor=2.0, min_count=5)
    if spike.fired:
        assert count >= 5
        assert count >= 2.0 * spike.baseline
        assert count > spike.baseline


# ---------------------------------------------------------------------------------------------
# Negative surge
# ---------------------------------------------------------------------------------------------
USUAL = [(2, 10)] * 7  # 20 % negative, 2 negative per window


@pytest.mark.parametrize(
    ("negative", "total", "history", "fired", "reason"),
    [
        (14, 20, USUAL, True, "surge"),  # 70 % vs 20 %
        (4, 6, USUAL, False, "below_minimum"),
        (7, 20, USUAL, False, "share_not_risen"),  # 35 %: +15 points
        (8, 20, USUAL, True, "surge"),  # 40 %: +20 points, 8 > 2
        (4, 20, [(20, 100)] * 7, False, "share_not_risen"),
        # Fewer positive posts on a quiet evening: share up, negatives not.
        (5, 10, [(5, 100)] * 7, False, "count_not_risen"),
        # Too little history: compared with the default share.
        (6, 10, [(0, 1)] * 7, True, "surge"),
        (4, 10, [(0, 1)] * 7, False, "share_not_risen"),
    ],
)
def test_negative_surge(negative, total, history, fired, reason):
    surge = negative_surge(negative, total, history, rise_points=20, min_count=10)
    assert (surge.fired, surge.reason) == (fired, reason)


def test_surge_figures():
    surge = negative_surge(14, 20, USUAL)
    assert surge.share == pytest.approx(0.7)
    assert surge.baseline_share == pytest.approx(0.2)
    assert surge.baseline_negative == pytest.approx(2.0)
    assert surge.rise_points == pytest.approx(50.0)
    assert surge.baseline_known
    thin = negative_surge(6, 10, [(0, 1)])
    assert not thin.baseline_known
    assert thin.baseline_share == FALLBACK_NEGATIVE_SHARE


def test_surge_rejects_impossible_counts():
    with pytest.raises(ValueError, match="between 0"):
        negative_surge(5, 4, USUAL)


@given(
    negative=st.integers(0, 300),
    positive=st.integers(0, 300),
    history=st.lists(
        st.tuples(st.integers(0, 100), st.integers(0, 100)).map(lambda t: (t[0], t[0] + t[1])),
        max_size=7,
    ),
)
def test_a_surge_always_has_enough_volume_and_a_higher_share(negative, positive, history):
    surge = negative_surge(negative, negative + positive, history, rise_points=10, min_count=5)
    if surge.fired:
        assert surge.total >= 5
        assert surge.share is not None
        assert surge.share >= surge.baseline_share + 0.1 - 1e-9
        assert surge.negative > surge.baseline_negative


# ---------------------------------------------------------------------------------------------
# Keyword alerts
# ---------------------------------------------------------------------------------------------
def test_keyword_matches_use_the_query_language():
    matcher = compile_query('(brand OR "gas leak") NOT oefening lang:nl')
    rows = [
        (1, "Brand in de Dorpsstraat!", "nl", "@jan", "mastodon", ()),
        (2, "Brand-oefening vandaag: geen brand, een oefening", "nl", "@b", "rss", ()),
        (3, "Fire in the main street, brand new", "en", "@c", "bluesky", ()),
        (4, "Gas leak bij het station", "nl", "@d", "mastodon", ()),
        (5, "Gezellige markt", "nl", "@e", "mastodon", ()),
    ]
    assert keyword_matches(matcher, rows) == [1, 4]


def test_keyword_matches_can_filter_on_site_and_author():
    matcher = compile_query("storing site:duinwijk.example")
    rows = [
        (7, "Storing gemeld", "nl", "@x", "rss", ("https://www.duinwijk.example/nieuws/1",)),
        (8, "Storing gemeld", "nl", "@x", "rss", ("https://elders.example/1",)),
    ]
    assert keyword_matches(matcher, rows) == [7]
