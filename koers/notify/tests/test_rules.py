"""The digest period and the card backoff (pure; no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from koers.notify.rules import MAX_WAIT, card_backoff, digest_period

AMS = "Europe/Amsterdam"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "key"),
    [
        (utc(2026, 11, 24, 6, 59), None),  # 07:59 in Amsterdam: before 08:00
        (utc(2026, 11, 24, 7, 0), "d2026-11-24"),  # 08:00 CET
        (utc(2026, 11, 24, 22, 59), "d2026-11-24"),  # 23:59 CET, still that day
        (utc(2026, 11, 24, 23, 0), None),  # 00:00 the next day, before its 08:00
        (utc(2026, 7, 1, 6, 0), "d2026-07-01"),  # 08:00 CEST (summer time: UTC+2)
        (utc(2026, 7, 1, 5, 59), None),
    ],
)
def test_a_daily_digest_is_due_from_its_local_hour_until_the_day_ends(now, key):
    period = digest_period(now, "daily", 8, AMS)
    assert (period.key if period else None) == key


def test_the_autumn_night_whose_hour_happens_twice_has_one_period():
    # 25 Oct 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens at 00:30 and at 01:30 UTC.
    first = digest_period(utc(2026, 10, 25, 0, 30), "daily", 2, AMS)
    second = digest_period(utc(2026, 10, 25, 1, 30), "daily", 2, AMS)
    assert first is not None and second is not None
    assert first.key == second.key == "d2026-10-25"
    assert first.start == utc(2026, 10, 25, 0, 0)  # the first 02:00
    assert digest_period(utc(2026, 10, 24, 23, 59), "daily", 2, AMS) is None


def test_the_spring_night_without_the_hour_still_has_its_period():
    # 28 Mar 2027: 02:00 CET becomes 03:00 CEST; 02:00 never happens.
    assert digest_period(utc(2027, 3, 28, 0, 59), "daily", 2, AMS) is None  # 01:59 CET
    period = digest_period(utc(2027, 3, 28, 1, 0), "daily", 2, AMS)  # 03:00 CEST
    assert period is not None and period.key == "d2027-03-28"
    assert period.start == utc(2027, 3, 28, 1, 0)


def test_a_weekly_digest_is_due_from_its_weekday_and_hour_until_the_week_ends():
    # Wednesday 09:00 in Amsterdam, weekly on Wednesday (2) at 9.
    assert digest_period(utc(2026, 11, 25, 7, 59), "weekly", 9, AMS, weekday=2) is None
    period = digest_period(utc(2026, 11, 25, 8, 0), "weekly", 9, AMS, weekday=2)
    assert period is not None and period.key == "w2026-W48"
    assert period.since == period.start - timedelta(days=7)
    sunday = digest_period(utc(2026, 11, 29, 22, 0), "weekly", 9, AMS, weekday=2)
    assert sunday is not None and sunday.key == "w2026-W48"
    assert digest_period(utc(2026, 11, 30, 7, 0), "weekly", 9, AMS, weekday=2) is None  # Monday


def test_the_period_follows_the_persons_time_zone():
    now = utc(2026, 11, 24, 14, 0)  # 09:00 in New York, 15:00 in Amsterdam
    assert digest_period(now, "daily", 10, "America/New_York") is None
    assert digest_period(now, "daily", 10, AMS) is not None


def test_no_digest_without_a_frequency_and_naive_times_are_refused():
    assert digest_period(utc(2026, 11, 24, 12, 0), "off", 8, AMS) is None
    with pytest.raises(ValueError, match="aware"):
        digest_period(datetime(2026, 11, 24, 12, 0), "daily", 8, AMS)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("attempts", "retry_after", "wait"),
    [
        (1, None, timedelta(minutes=1)),
        (2, None, timedelta(minutes=2)),
        (4, None, timedelta(minutes=8)),
        (1, 120.0, timedelta(minutes=2)),  # the receiver's Retry-After wins when longer
        (3, 30.0, timedelta(minutes=4)),  # and never shortens our own wait
        (10, None, MAX_WAIT),
        (1, 86400.0, MAX_WAIT),
    ],
)
def test_card_backoff(attempts, retry_after, wait):
    assert card_backoff(attempts, retry_after) == wait
