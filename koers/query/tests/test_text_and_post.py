"""Tokenisation, accent folding and the Post input type."""

from __future__ import annotations

import pytest

from koers.query import Kind, Post, fold, tokenize


def test_tokens_are_runs_of_letters_and_digits_folded_to_lowercase_without_accents() -> None:
    assert tokenize("Café's CO2-uitstoot, 2024!") == [
        ("cafe", Kind.WORD),
        ("s", Kind.WORD),
        ("co2", Kind.WORD),
        ("uitstoot", Kind.WORD),
        ("2024", Kind.WORD),
    ]


def test_hashtags_and_mentions_are_recorded_but_not_inside_addresses() -> None:
    assert tokenize("#Koffie @jan@mastodon.social mail jan@example.nl C#") == [
        ("koffie", Kind.HASHTAG),
        ("jan", Kind.MENTION),
        ("mastodon", Kind.WORD),
        ("social", Kind.WORD),
        ("mail", Kind.WORD),
        ("jan", Kind.WORD),
        ("example", Kind.WORD),
        ("nl", Kind.WORD),
        ("c", Kind.WORD),
    ]


def test_decomposed_accents_stay_inside_their_word() -> None:
    assert tokenize("Cafe\u0301 q\u0303x") == [("cafe", Kind.WORD), ("qx", Kind.WORD)]


def test_underscores_separate_tokens() -> None:
    assert tokenize("#koffie_bar") == [("koffie", Kind.HASHTAG), ("bar", Kind.WORD)]


def test_ascii_and_unicode_paths_agree() -> None:
    text = "Koffie #Thee @jan x#y a@b"
    assert tokenize(text) == tokenize(text + " é")[:-1]


@pytest.mark.parametrize(
    ("token", "folded"),
    [("Café", "cafe"), ("STRAẞE", "strasse"), ("Ångström", "angstrom"), ("½", "½"), ("İ", "i")],
)
def test_fold_casefolds_and_strips_accents(token: str, folded: str) -> None:
    assert fold(token) == folded


def test_post_indexes_words_hashtags_and_mentions_under_their_own_keys() -> None:
    post = Post(1, "Koffie #koffie @thee koffie")
    assert post.keys == {"koffie", "#koffie", "@thee"}
    assert post.index == {"koffie": [0, 1, 3], "#koffie": [1], "@thee": [2]}


def test_post_from_dict_normalises_metadata() -> None:
    post = Post.from_dict(
        {
            "id": 9,
            "text": "zie https://Blog.Example.nl/x",
            "lang": "NL-be",
            "author": "@Jan@Mastodon.Social",
            "network": "Mastodon",
            "links": ["http://shop.example.com:8080/p?q=1"],
            "country": "BE",
        }
    )
    assert (post.id, post.lang, post.author, post.network, post.country) == (
        9,
        "nl-be",
        "jan@mastodon.social",
        "mastodon",
        "be",
    )
    assert post.hosts == {"shop.example.com", "blog.example.nl"}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"text": "x"}, '"id"'),
        ({"id": 1}, '"text"'),
        ({"id": 1, "text": 3}, '"text"'),
        ({"id": 1, "text": "x", "lang": 5}, '"lang"'),
        ({"id": 1, "text": "x", "links": "https://a.nl"}, '"links"'),
        ({"id": 1, "text": "x", "links": [1]}, '"links"'),
    ],
)
def test_post_from_dict_names_the_bad_field(data: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Post.from_dict(data)
