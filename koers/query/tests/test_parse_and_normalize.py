"""Parsing into trees and writing them back as canonical text."""

from __future__ import annotations

import pytest

from koers.query import (
    And,
    Field,
    Kind,
    Near,
    Not,
    Or,
    Phrase,
    Term,
    Wildcard,
    normalize,
    parse,
)


def test_adjacent_terms_and_explicit_and_give_the_same_tree() -> None:
    assert parse("koffie thee") == parse("koffie AND thee") == And((Term("koffie"), Term("thee")))


def test_not_binds_tighter_than_and_which_binds_tighter_than_or() -> None:
    assert parse("a NOT b OR c") == Or((And((Term("a"), Not(Term("b")))), Term("c")))


def test_near_binds_tighter_than_not() -> None:
    assert parse("x NOT a NEAR/2 b") == And((Term("x"), Not(Near(Term("a"), Term("b"), 2))))


def test_parenthesised_groups_stay_nested() -> None:
    assert parse("a (b c)") == And((Term("a"), And((Term("b"), Term("c")))))


def test_terms_are_stored_folded_with_their_kind() -> None:
    assert parse("#Café OR @Jan") == Or((Term("cafe", Kind.HASHTAG), Term("jan", Kind.MENTION)))


def test_a_term_with_separators_becomes_a_phrase() -> None:
    assert parse("#e-bike") == Phrase((Term("e", Kind.HASHTAG), Term("bike")))


def test_quoted_phrase_keeps_its_window() -> None:
    assert parse('"Slechte service"~2') == Phrase((Term("slechte"), Term("service")), 2)


def test_a_quoted_single_word_is_a_term() -> None:
    assert parse('"koffie"~3') == Term("koffie")


def test_wildcards_keep_their_pattern_and_collapse_double_stars() -> None:
    assert parse("Klant**") == Wildcard("klant*")
    assert parse("organi?ation") == Wildcard("organi?ation")


def test_onear_is_ordered_and_near_is_not() -> None:
    assert parse("a ONEAR/3 b") == Near(Term("a"), Term("b"), 3, ordered=True)
    assert parse("(a OR b) NEAR/0 c") == Near(Or((Term("a"), Term("b"))), Term("c"), 0)


def test_fields_are_normalised() -> None:
    tree = parse("x author:@Jan LANG:NL site:https://www.Example.nl/pad network:Mastodon")
    assert tree == And(
        (
            Term("x"),
            Field("author", "jan"),
            Field("lang", "nl"),
            Field("site", "www.example.nl"),
            Field("network", "mastodon"),
        )
    )


def test_nodes_remember_where_they_start() -> None:
    tree = parse("koffie OR (thee NOT lang:nl)")
    assert isinstance(tree, Or)
    assert [child.pos for child in tree.children] == [0, 11]


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("Koffie thee", "koffie AND thee"),
        ("koffie OR thee zwart", "koffie OR thee AND zwart"),
        ("(koffie OR thee) zwart", "(koffie OR thee) AND zwart"),
        ("NOT (a OR b) c", "NOT (a OR b) AND c"),
        ("x NOT (a b)", "x AND NOT (a AND b)"),
        ("a OR (b OR c)", "a OR (b OR c)"),
        ("e-bike", '"e bike"'),
        ("#e-bik*", "#e-bik*"),
        ("“Slechte  service”~2", '"slechte service"~2'),
        ("(koffie OR “verse thee”) ONEAR/2 lekker", '(koffie OR "verse thee") ONEAR/2 lekker'),
        ("koffie author:@Jan", "koffie AND author:jan"),
        ("((koffie))", "koffie"),
    ],
)
def test_normalize_writes_the_canonical_form(query: str, canonical: str) -> None:
    assert normalize(query) == canonical
    assert parse(canonical) == parse(query)
