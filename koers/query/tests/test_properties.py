"""Property tests: generated trees survive normalize → parse; the prefilter never changes
results; tokenisation is stable under its own output."""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from koers.query import (
    And,
    Field,
    Kind,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Post,
    Term,
    Wildcard,
    compile_query,
    compile_topics,
    normalize,
    parse,
    tokenize,
)
from koers.query.nodes import requires_term
from koers.query.text import tokenize_query_term

KINDS = st.sampled_from(list(Kind))
LETTERS = string.ascii_lowercase + "0123456789éöçßøñ"


def _canonical_word(word: str) -> bool:
    return tokenize(word) == [(word, Kind.WORD)]


# Any Unicode letters and digits, folded the way the parser folds them.
UNICODE_WORDS = (
    st.text(st.characters(categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=8)
    .map(lambda text: tokenize(text)[0][0] if tokenize(text) else "")
    .filter(_canonical_word)
)
SIMPLE_WORDS = st.text(LETTERS, min_size=1, max_size=8).map(str.casefold).filter(_canonical_word)
WORDS = st.one_of(SIMPLE_WORDS, UNICODE_WORDS)


@st.composite
def wildcard_patterns(draw: st.DrawFn) -> str:
    prefix = draw(st.text(string.ascii_lowercase, min_size=3, max_size=6))
    shape = draw(st.sampled_from(["prefix*", "mid?", "?lead", "both?*", "inner*end"]))
    suffix = draw(st.text(string.ascii_lowercase, min_size=1, max_size=3))
    return {
        "prefix*": f"{prefix}*",
        "mid?": f"{prefix}?{suffix}",
        "?lead": f"?{prefix}",
        "both?*": f"{prefix}?{suffix}*",
        "inner*end": f"{prefix}*{suffix}",
    }[shape]


TERMS = st.builds(Term, WORDS, KINDS)
WILDCARDS = st.builds(Wildcard, wildcard_patterns(), KINDS)
QUOTED_PHRASES = st.builds(
    Phrase,
    st.lists(TERMS, min_size=2, max_size=4).map(tuple),
    st.one_of(st.none(), st.integers(0, 6)),
)
WILDCARD_PHRASES = st.builds(
    Phrase,
    st.lists(st.one_of(TERMS, WILDCARDS), min_size=2, max_size=3)
    .filter(lambda items: any(isinstance(item, Wildcard) for item in items))
    .map(tuple),
    st.none(),
)
LEAVES = st.one_of(TERMS, WILDCARDS, QUOTED_PHRASES, WILDCARD_PHRASES)
FIELDS = st.one_of(
    st.builds(Field, st.just("lang"), st.sampled_from(["nl", "en", "nl-be"])),
    st.builds(Field, st.just("author"), st.sampled_from(["jan", "jan@mastodon.social"])),
    st.builds(Field, st.just("network"), st.sampled_from(["mastodon", "bluesky", "rss"])),
    st.builds(Field, st.just("site"), st.sampled_from(["example.nl", "www.example.nl"])),
    st.builds(Field, st.just("country"), st.sampled_from(["nl", "be"])),
)
NEAR_OPERANDS = st.recursive(
    LEAVES,
    lambda inner: st.builds(Or, st.lists(inner, min_size=2, max_size=3).map(tuple)),
    max_leaves=4,
)
NEARS = st.builds(Near, NEAR_OPERANDS, NEAR_OPERANDS, st.integers(0, 12), st.booleans())


def _extend(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    children = st.lists(inner, min_size=2, max_size=3).map(tuple)
    return st.one_of(st.builds(Not, inner), st.builds(And, children), st.builds(Or, children))


TREES = st.recursive(st.one_of(LEAVES, FIELDS, NEARS), _extend, max_leaves=8).filter(requires_term)


@settings(max_examples=400)
@given(TREES)
def test_normalized_text_parses_back_to_the_same_tree(tree: Node) -> None:
    assert parse(normalize(tree)) == tree


@settings(max_examples=300)
@given(TREES)
def test_normalize_is_idempotent(tree: Node) -> None:
    text = normalize(tree)
    assert normalize(text) == text


@given(st.text(max_size=60))
def test_every_text_token_tokenises_to_itself(text: str) -> None:
    for token, _kind in tokenize(text):
        assert tokenize(token) == [(token, Kind.WORD)]
        assert tokenize_query_term(token) == [(token, Kind.WORD)]


@given(st.text(max_size=60))
def test_a_query_made_of_any_token_of_a_post_matches_it(text: str) -> None:
    tokens = tokenize(text)
    assume(tokens)
    post = Post("p", text)
    for token, kind in tokens:
        prefix = {Kind.WORD: "", Kind.HASHTAG: "#", Kind.MENTION: "@"}[kind]
        assert compile_query(Term(token, kind)).matches(post), (prefix + token, text)


VOCABULARY = ["koffie", "thee", "klant", "klanten", "bank", "app", "slecht", "service", "a", "b"]
POST_WORDS = st.sampled_from(VOCABULARY).flatmap(
    lambda word: st.sampled_from([word, f"#{word}", f"@{word}", word.upper()])
)
SMALL_TERMS = st.builds(Term, st.sampled_from(VOCABULARY), KINDS)
SMALL_WILDCARDS = st.builds(Wildcard, st.sampled_from(["kla*", "klant*", "?hee", "ba?k"]), KINDS)
SMALL_PHRASES = st.builds(
    Phrase,
    st.lists(SMALL_TERMS, min_size=2, max_size=3).map(tuple),
    st.one_of(st.none(), st.integers(0, 3)),
)
SMALL_LEAVES = st.one_of(SMALL_TERMS, SMALL_WILDCARDS, SMALL_PHRASES)
SMALL_GROUPS = st.builds(Or, st.lists(SMALL_LEAVES, min_size=2, max_size=2).map(tuple))
SMALL_NEARS = st.builds(
    Near,
    st.one_of(SMALL_LEAVES, SMALL_GROUPS),
    SMALL_LEAVES,
    st.integers(0, 3),
    st.booleans(),
)
SMALL_TREES = st.recursive(
    st.one_of(SMALL_LEAVES, SMALL_NEARS, st.builds(Field, st.just("lang"), st.just("nl"))),
    _extend,
    max_leaves=5,
).filter(requires_term)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(SMALL_TREES, min_size=1, max_size=12),
    st.lists(
        st.tuples(st.lists(POST_WORDS, max_size=12), st.sampled_from(["nl", "en"])),
        min_size=1,
        max_size=8,
    ),
)
def test_topic_set_matches_exactly_the_topics_single_matchers_match(
    trees: list[Node], posts: list[tuple[list[str], str]]
) -> None:
    topic_set = compile_topics(dict(enumerate(trees)))
    matchers = [compile_query(tree) for tree in trees]
    for words, lang in posts:
        post = Post("p", " ".join(words), lang=lang)
        expected = {number for number, matcher in enumerate(matchers) if matcher.matches(post)}
        assert topic_set.match(post) == expected
