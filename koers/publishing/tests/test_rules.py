"""Pure policy rules, UTM links and wall-clock timing (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from koers.publishing import rules
from koers.publishing.links import compose, with_utm
from koers.publishing.timing import local_day_bounds, local_to_utc, move_to_day

AMS = "Europe/Amsterdam"


def test_mastodon_counts_every_url_as_23_characters():
    text = "x" * 470 + " https://example.nl/" + "a" * 200
    item = rules.ChannelText("M", "mastodon", text, max_chars=500, url_length=23)
    assert rules.text_length(item) == 494
    assert rules.check_length([item]) == []


def test_bluesky_counts_graphemes_and_blocks_past_300():
    ok = rules.ChannelText("B", "bluesky", "👍🏽" * 300, max_chars=300)
    too_long = rules.ChannelText("B", "bluesky", "é" * 301, max_chars=300)
    assert rules.check_length([ok]) == []
    [finding] = rules.check_length([too_long])
    assert finding.message("nl") == "B: 301 tekens, Bluesky staat er 300 toe."


def test_missing_alt_text_is_reported_per_image():
    found = rules.check_alt_text(["Een fiets", "  "])
    assert [f.params["number"] for f in found] == [2]


def test_a_watched_hashtag_is_found_case_insensitively():
    watch = rules.parse_watch_list("#Aurora, brand")
    [finding] = rules.check_hashtags(["Nieuwe jurk! #aurora"], watch)
    assert finding.params["tag"] == "aurora"
    assert "volglijst" in finding.message("nl")


def test_frequency_limit_counts_the_new_post():
    assert rules.check_frequency({"M": 2}, limit=3, day="2026-03-29") == []
    assert len(rules.check_frequency({"M": 3}, limit=3, day="2026-03-29")) == 1


def test_content_mix_judges_only_weeks_with_enough_posts():
    targets = {"promotion": 20, "curated": 40, "interaction": 40}
    assert rules.check_content_mix({"promotion": 1}, "promotion", targets) == []
    [finding] = rules.check_content_mix({"promotion": 2, "curated": 2}, "promotion", targets)
    assert finding.params["share"] == 60
    assert "promotie" in finding.message("nl")


def test_duplicates_ignore_case_spacing_and_tracking_parameters():
    recent = [("2026-03-20", "Kom  langs! https://a.nl/x?utm_source=mastodon")]
    assert rules.check_duplicate("kom langs! https://a.nl/x", recent, 14)
    assert not rules.check_duplicate("Iets anders", recent, 14)


def test_modes_turn_findings_into_blocks_warnings_or_nothing():
    found = rules.check_alt_text([""]) + rules.check_frequency({"M": 5}, 3, "d")
    weighed = rules.apply_modes(found, {"alt_text": "block", "frequency": "off"})
    assert [(f.rule, f.severity) for f in weighed] == [("alt_text", "block")]


def test_broken_links_are_findings_and_unchecked_links_are_not():
    found = rules.check_links([("https://a.nl", False, "HTTP 404"), ("https://b.nl", None, "")])
    assert [f.params["url"] for f in found] == ["https://a.nl"]


def test_utm_parameters_are_added_without_overwriting_the_authors_own():
    assert with_utm("https://a.nl/p?x=1", source="bluesky", campaign="lente") == (
        "https://a.nl/p?x=1&utm_source=bluesky&utm_medium=social&utm_campaign=lente"
    )
    assert "utm_source=nieuwsbrief" in with_utm(
        "https://a.nl/?utm_source=nieuwsbrief", source="mastodon"
    )
    assert compose("Lees meer", "https://a.nl", source="mastodon").endswith(
        "https://a.nl?utm_source=mastodon&utm_medium=social"
    )


def test_nine_oclock_amsterdam_stays_nine_across_the_spring_clock_change():
    assert local_to_utc(date(2026, 3, 28), time(9), AMS) == datetime(2026, 3, 28, 8, tzinfo=UTC)
    assert local_to_utc(date(2026, 3, 29), time(9), AMS) == datetime(2026, 3, 29, 7, tzinfo=UTC)
    moved = move_to_day(date(2026, 3, 27), time(9), date(2026, 4, 3), AMS)
    assert moved == datetime(2026, 4, 3, 7, tzinfo=UTC)


def test_nine_oclock_amsterdam_stays_nine_across_the_autumn_clock_change():
    assert local_to_utc(date(2026, 10, 24), time(9), AMS) == datetime(2026, 10, 24, 7, tzinfo=UTC)
    assert local_to_utc(date(2026, 10, 25), time(9), AMS) == datetime(2026, 10, 25, 8, tzinfo=UTC)


def test_a_skipped_time_moves_forward_and_a_repeated_time_means_the_first():
    # 02:30 does not exist on 29 March 2026 in Amsterdam: it becomes 03:30 CEST.
    assert local_to_utc(date(2026, 3, 29), time(2, 30), AMS) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    # 02:30 happens twice on 25 October 2026: the first one (CEST, UTC+2).
    assert local_to_utc(date(2026, 10, 25), time(2, 30), AMS) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_the_day_of_a_clock_change_is_23_or_25_hours_long():
    start, end = local_day_bounds(date(2026, 3, 29), AMS)
    assert (end - start).total_seconds() == 23 * 3600
    start, end = local_day_bounds(date(2026, 10, 25), AMS)
    assert (end - start).total_seconds() == 25 * 3600
