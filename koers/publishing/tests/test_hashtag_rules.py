"""The #Aurora rules: summarising a tag's recent posts and judging them against a post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from koers.publishing.hashtag_rules import TagPost, judge, own_words, summarise, words

NOW = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)


def post(text: str, hours_ago: float = 1, sentiment: str | None = "neutral") -> TagPost:
    return TagPost(text, NOW - timedelta(hours=hours_ago), sentiment, "Mastodon")


SHOOTING = [
    post("Shooting at the #Aurora cinema, victims taken to hospital", 1, "negative"),
    post("Thoughts with the victims of the #Aurora shooting", 2, "negative"),
    post("#Aurora police confirm shooting suspect arrested", 3, "negative"),
    post("Cinema shooting in #Aurora: what we know", 4, "neutral"),
    post("Hospital says #Aurora shooting victims stable", 5, "neutral"),
]
DRESS_POST = own_words(["Onze nieuwe jurk Aurora", "Shop de #Aurora jurk nu in de webwinkel"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lekker #Koffie bij @anna op https://x.nl/a", ["lekker", "koffie"]),
        ("De 3 mooiste dagen van het jaar", ["mooiste", "dagen", "jaar"]),
        ("Ça va très bien", ["très", "bien"]),
        ("", []),
    ],
)
def test_words_drop_stop_words_links_mentions_and_numbers(text, expected) -> None:
    assert words(text) == expected


def test_summary_counts_recent_posts_words_once_per_post_and_sentiment() -> None:
    old = post("shooting shooting shooting long ago", hours_ago=30, sentiment="negative")
    summary = summarise("#Aurora", [*SHOOTING, old], now=NOW)
    assert summary.posts == 5  # the 30-hour-old post is outside the 24-hour window
    assert summary.top_words[0] == ("shooting", 5)
    assert ("aurora", 5) not in summary.top_words  # the tag itself is not a co-occurring word
    assert summary.sentiment == {"negative": 3, "neutral": 2}
    assert summary.negative_share == pytest.approx(0.6)
    assert summary.per_hour == pytest.approx(5 / 24)


@pytest.mark.parametrize(
    ("posts", "mine", "busy", "unrelated", "negative"),
    [
        # The #Aurora case: busy, about a shooting, negative; the dress post shares no word.
        (SHOOTING, DRESS_POST, True, True, True),
        # The same tag used for what the post is about: related, not negative.
        ([post(f"Nieuwe jurk Aurora in de webwinkel, mooi {i}", i) for i in range(6)],
         DRESS_POST, True, False, False),
        # Quiet tag (fewer than 5 posts): never a warning, whatever its words or mood.
        (SHOOTING[:4], DRESS_POST, False, False, False),
        # Busy, related (the post mentions the shooting), but negative.
        (SHOOTING, own_words(["Wij leven mee met de slachtoffers van de shooting"]),
         True, False, True),
        # Busy and unrelated, mood unknown (no sentiment): unrelated only.
        ([post(f"Voetbal uitslag ronde {i}", i, None) for i in range(5)], DRESS_POST,
         True, True, False),
        # No posts at all.
        ([], DRESS_POST, False, False, False),
    ],
)  # fmt: skip
def test_judge_table(posts, mine, busy, unrelated, negative) -> None:
    verdict = judge(summarise("aurora", posts, now=NOW), mine)
    assert (verdict.busy, verdict.unrelated, verdict.negative) == (busy, unrelated, negative)
    assert verdict.warn == (unrelated or negative)


def test_overlap_is_the_share_of_top_words_the_post_shares() -> None:
    verdict = judge(summarise("aurora", SHOOTING, now=NOW), {"shooting", "victims"})
    assert verdict.shared_words == ("shooting", "victims")
    assert verdict.overlap == pytest.approx(2 / len(verdict.summary.top_words))
    assert not verdict.unrelated
