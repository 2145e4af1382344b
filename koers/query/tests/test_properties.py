"""Property tests: generated trees survive normalize → parse; the compiled matcher agrees with
a naive reference evaluator; the prefilter never changes results; tokenisation is stable under
its own output. Deadlines are off because the suite also runs on busy shared machines."""

from __future__ import annotations

import itertools
import re
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


@settings(max_examples=250, deadline=None)
@given(TREES)
def test_normalized_text_parses_back_to_the_same_tree(tree: Node) -> None:
    assert parse(normalize(tree)) == tree


@settings(max_examples=150, deadline=None)
@given(TREES)
def test_normalize_is_idempotent(tree: Node) -> None:
    text = normalize(tree)
    assert normalize(text) == text


@settings(deadline=None)
@given(st.text(max_size=60))
def test_every_text_token_tokenises_to_itself(text: str) -> None:
    for token, _kind in tokenize(text):
        assert tokenize(token) == [(token, Kind.WORD)]
        assert tokenize_query_term(token) == [(token, Kind.WORD)]


@settings(deadline=None)
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


# --- a deliberately naive reference evaluator: the compiled matcher must agree with it ---------


def _token_matches(item: Term | Wildcard, token: str, kind: Kind) -> bool:
    if item.kind is Kind.WORD:
        if kind is Kind.MENTION:
            return False
    elif kind is not item.kind:
        return False
    if isinstance(item, Term):
        return token == item.text
    pattern = "".join(
        "." if ch == "?" else ".*" if ch == "*" else re.escape(ch) for ch in item.pattern
    )
    return re.fullmatch(pattern, token, re.DOTALL) is not None


def _reference_spans(node: Node, tokens: list[tuple[str, Kind]]) -> set[tuple[int, int]]:
    if isinstance(node, Term | Wildcard):
        return {(i, i) for i, (tok, kind) in enumerate(tokens) if _token_matches(node, tok, kind)}
    if isinstance(node, Phrase) and node.slop is None:
        size = len(node.items)
        return {
            (start, start + size - 1)
            for start in range(len(tokens) - size + 1)
            if all(
                _token_matches(item, *tokens[start + offset])
                for offset, item in enumerate(node.items)
            )
        }
    if isinstance(node, Phrase):
        window = len(node.items) + (node.slop or 0)
        per_item = [sorted(p for p, _ in _reference_spans(item, tokens)) for item in node.items]
        return {
            (min(choice), max(choice))
            for choice in itertools.product(*per_item)
            if len(set(choice)) == len(choice) and max(choice) - min(choice) < window
        }
    if isinstance(node, Or):
        return set().union(*(_reference_spans(child, tokens) for child in node.children))
    raise AssertionError(node)


def _reference(node: Node, tokens: list[tuple[str, Kind]], lang: str) -> bool:
    if isinstance(node, Term | Wildcard | Phrase):
        return bool(_reference_spans(node, tokens))
    if isinstance(node, Field):
        return lang == node.value
    if isinstance(node, Not):
        return not _reference(node.child, tokens, lang)
    if isinstance(node, And):
        return all(_reference(child, tokens, lang) for child in node.children)
    if isinstance(node, Or):
        return any(_reference(child, tokens, lang) for child in node.children)
    if isinstance(node, Near):
        for left in _reference_spans(node.left, tokens):
            for right in _reference_spans(node.right, tokens):
                if left[1] < right[0] and right[0] - left[1] - 1 <= node.distance:
                    return True
                if (
                    not node.ordered
                    and right[1] < left[0]
                    and left[0] - right[1] - 1 <= node.distance
                ):
                    return True
        return False
    raise AssertionError(node)


@settings(max_examples=300, deadline=None)
@given(
    SMALL_TREES,
    st.lists(
        st.tuples(st.lists(POST_WORDS, max_size=14), st.sampled_from(["nl", "en"])), max_size=6
    ),
)
def test_compiled_matcher_agrees_with_a_naive_reference_evaluator(
    tree: Node, posts: list[tuple[list[str], str]]
) -> None:
    matcher = compile_query(tree)
    for words, lang in posts:
        text = " ".join(words)
        expected = _reference(tree, tokenize(text), lang)
        assert matcher.matches(Post("p", text, lang=lang)) is expected, (normalize(tree), text)
