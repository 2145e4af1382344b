"""The inbox's pure rules: due times with and without office hours (DST-safe) and addressing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from koers.engagement import rules

AMS = ZoneInfo("Europe/Amsterdam")
WORKDAYS = rules.OfficeHours(frozenset(rules.WEEKDAYS), time(9), time(17))


def ams(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.mark.parametrize(
    ("received", "minutes", "hours", "expected"),
    [
        # Around the clock: plain elapsed time.
        (ams(2026, 11, 18, 10, 0), 240, None, ams(2026, 11, 18, 14, 0)),
        # Across the autumn clock change (25 Oct 2026, 03:00 → 02:00): 4 real hours end at
        # the second 02:00 (winter time, fold=1), i.e. 01:00 UTC.
        (ams(2026, 10, 24, 23, 0), 240, None, ams(2026, 10, 25, 2, 0).replace(fold=1)),
        # Inside office hours, fits the same day.
        (ams(2026, 11, 18, 10, 0), 240, WORKDAYS, ams(2026, 11, 18, 14, 0)),
        # Friday 16:00: one hour on Friday, three on Monday.
        (ams(2026, 11, 20, 16, 0), 240, WORKDAYS, ams(2026, 11, 23, 12, 0)),
        # Saturday evening: the clock starts Monday 09:00.
        (ams(2026, 11, 21, 20, 0), 240, WORKDAYS, ams(2026, 11, 23, 13, 0)),
        # Before opening: starts at 09:00 the same day.
        (ams(2026, 11, 18, 7, 30), 60, WORKDAYS, ams(2026, 11, 18, 10, 0)),
        # Exactly at closing: nothing left today.
        (ams(2026, 11, 18, 17, 0), 30, WORKDAYS, ams(2026, 11, 19, 9, 30)),
        # Two full office days and a bit.
        (ams(2026, 11, 18, 9, 0), 2 * 480 + 15, WORKDAYS, ams(2026, 11, 20, 9, 15)),
        # Friday before the autumn clock change → Monday in winter time (UTC+1, not +2).
        (ams(2026, 10, 23, 16, 0), 240, WORKDAYS, ams(2026, 10, 26, 12, 0)),
        # Friday before the spring clock change (29 Mar 2026) → Monday in summer time.
        (ams(2026, 3, 27, 16, 30), 120, WORKDAYS, ams(2026, 3, 30, 10, 30)),
        # A target of zero outside office hours is due at the next opening.
        (ams(2026, 11, 21, 12, 0), 0, WORKDAYS, ams(2026, 11, 23, 9, 0)),
    ],
)
def test_due_time(received, minutes, hours, expected):
    assert rules.due_at(received, minutes, AMS, hours) == expected.astimezone(UTC)


def test_office_hours_on_the_weekend_only():
    weekend = rules.OfficeHours(frozenset({5, 6}), time(10), time(14))
    # Wednesday 12:00 → Saturday 10:00 + 3 h.
    assert rules.due_at(ams(2026, 11, 18, 12), 180, AMS, weekend) == ams(2026, 11, 21, 13)


def test_due_time_in_another_zone_uses_that_zones_office_hours():
    brussels = ZoneInfo("Europe/Brussels")
    received = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 16:30 in Brussels, a Friday
    due = rules.due_at(received, 60, brussels, WORKDAYS)
    assert due == datetime(2026, 11, 23, 9, 30, tzinfo=brussels)


def test_naive_received_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        rules.due_at(datetime(2026, 11, 18, 10), 60, AMS)  # noqa: DTZ001 - on purpose


@pytest.mark.parametrize(
    ("days", "start", "end"),
    [
        (frozenset(), time(9), time(17)),
        (frozenset({0}), time(17), time(9)),
        ({7}, time(9), time(17)),
    ],
)
def test_office_hours_must_make_sense(days, start, end):
    with pytest.raises(ValueError):
        rules.OfficeHours(frozenset(days), start, end)


def test_office_time_between_counts_only_open_hours():
    start, end = ams(2026, 11, 20, 16, 0), ams(2026, 11, 23, 10, 0)
    assert rules.office_time_between(start, end, AMS, WORKDAYS) == timedelta(hours=2)
    assert rules.office_time_between(start, end, AMS) == end - start
    assert rules.office_time_between(end, start, AMS) == timedelta(0)


@pytest.mark.parametrize(
    ("handle", "expected"),
    [("@Gemeente@Social.Example", "gemeente@social.example"), ("did:plc:AbC", "did:plc:AbC")],
)
def test_normalise_handle(handle, expected):
    assert rules.normalise_handle(handle) == expected


def test_own_handles_of_a_mastodon_channel_carry_the_instance():
    found = rules.own_handles("mastodon", handle="duinwijk", account="", host="mastodon.nl")
    assert found == {"duinwijk@mastodon.nl"}
    reported = rules.own_handles(
        "mastodon", handle="", account="@duinwijk@mastodon.nl", host="mastodon.nl"
    )
    assert reported == {"duinwijk@mastodon.nl"}


def test_own_handles_of_a_bluesky_channel_include_its_did():
    found = rules.own_handles(
        "bluesky", handle="duinwijk.nl", account="@duinwijk.nl", host="bsky.social",
        account_id="did:plc:abc123",
    )  # fmt: skip
    assert found == {"duinwijk.nl", "did:plc:abc123"}
    assert rules.addresses(["did:plc:abc123"], "Hallo gemeente", found)
    assert not rules.addresses(["did:plc:other"], "Hallo gemeente", found)
    # A Mastodon account id is no handle.
    assert rules.own_handles(
        "mastodon", handle="duinwijk", account="", host="mastodon.nl", account_id="1090"
    ) == {"duinwijk@mastodon.nl"}


OWN = {"duinwijk@mastodon.nl", "duinwijk.nl"}


@pytest.mark.parametrize(
    ("mentioned", "text", "source_host", "expected"),
    [
        (["@duinwijk@mastodon.nl"], "Wanneer wordt het afval opgehaald?", "", True),
        ([], "Hoi @Duinwijk@mastodon.nl, de lantaarn is kapot.", "", True),
        ([], "Vraag aan @duinwijk.nl: is het gemeentehuis open?", "", True),
        ([], "Bericht voor @duinwijk.nl.", "", True),
        # A local Mastodon mention is local to the instance it was read from.
        (["@duinwijk"], "Hallo", "mastodon.nl", True),
        (["@duinwijk"], "Hallo", "mastodon.social", False),
        (["@duinwijk"], "Hallo", "", False),
        # Someone else with a similar name, or our name without an @.
        ([], "Hoi @duinwijkfan@mastodon.nl", "", False),
        ([], "Duinwijk is mooi vandaag", "", False),
        ([], "mail naar info@duinwijk.nl", "", False),
    ],
)
def test_addresses(mentioned, text, source_host, expected):
    assert rules.addresses(mentioned, text, OWN, source_host=source_host) is expected


def test_without_own_accounts_nothing_is_addressed():
    assert rules.addresses(["@duinwijk@mastodon.nl"], "", set()) is False


def test_an_instance_with_a_port_is_part_of_the_handle():
    assert rules.instance_address("https://social.example:8120") == "social.example:8120"
    assert rules.instance_address("https://Social.Example:443/") == "social.example"
    assert rules.instance_address("https://social.example") == "social.example"
    own = rules.own_handles("mastodon", handle="acme", account="", host="social.example:8120")
    assert own == {"acme@social.example:8120"}
    assert rules.addresses([], "Vraag voor @acme@social.example:8120: open?", own)
    assert rules.addresses([], "Hoi @acme", own, source_host="social.example:8120")
    assert not rules.addresses([], "Hoi @acme@social.example", own)
