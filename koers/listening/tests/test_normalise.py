"""The pure first pipeline step: text, links, tags, language codes, the repost hash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from koers.listening.normalise import Rejected, lang_code, normalise, reason, text_hash

WHEN = datetime(2026, 11, 1, 12, tzinfo=UTC)


def test_text_is_taken_as_plain_text_never_parsed_as_html_again():
    # A reader already converted its HTML; an entry whose text reads "<br />" stays that.
    post = normalise(
        network="rss",
        remote_id="1",
        created_at=WHEN,
        text="Zo schrijf je een regelafbreking:\n\n<br />",
    )
    assert post.text == "Zo schrijf je een regelafbreking:\n\n<br />"
    assert normalise(network="rss", remote_id="2", created_at=WHEN, text="<br />").text == (
        "<br />"
    )


def test_display_shortened_links_are_expanded_from_the_posts_own_links():
    post = normalise(
        network="bluesky",
        remote_id="at://x/1",
        created_at=WHEN,
        text="Lees dit: duinwijk.nl/nieuws/parkeren-in-de-binn... top",
        links=("https://duinwijk.nl/nieuws/parkeren-in-de-binnenstad",),
    )
    assert post.text == "Lees dit: https://duinwijk.nl/nieuws/parkeren-in-de-binnenstad top"


def test_mentions_come_from_the_data_and_the_text():
    post = normalise(
        network="mastodon",
        remote_id="1",
        created_at=WHEN,
        text="Hoi @gemeente@duinwijk.social en @Piet",
        mentions=("@gemeente@duinwijk.social",),
    )
    assert post.mentions == ("@gemeente@duinwijk.social", "@piet")


def test_near_identical_reposts_share_a_hash_and_other_texts_do_not():
    original = "Het nieuwe park in Duinwijk is prachtig! https://x.nl/a"
    assert text_hash(original) == text_hash("RT @jan: het nieuwe park in Duinwijk is prachtig")
    assert text_hash(original) != text_hash("Het nieuwe park in Duinwijk is lelijk")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("nl-NL", "nl"), ("EN", "en"), ("", None), (None, None), ("und", None), ("pt_BR", "pt")],
)
def test_language_codes_are_normalised(value, expected):
    assert lang_code(value) == expected


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"remote_id": ""}, "no_id"),
        ({"remote_id": "x" * 301}, "id_too_long"),
        ({"text": "   "}, "no_text"),
        ({"text": None}, "no_text"),
        ({"created_at": datetime(2026, 1, 1)}, "bad_time"),  # noqa: DTZ001 - naive on purpose
        ({"created_at": "gisteren"}, "bad_time"),
        ({"network": "myspace"}, "bad_network"),
    ],
)
def test_a_post_that_cannot_be_normalised_is_rejected_with_a_reason(changes, code):
    values = {"network": "rss", "remote_id": "1", "created_at": WHEN, "text": "tekst"} | changes
    with pytest.raises(Rejected) as caught:
        normalise(**values)
    assert caught.value.code == code
    assert reason(code, "nl") != reason(code, "en")
