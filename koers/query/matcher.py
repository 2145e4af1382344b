"""AST → a tree of closures that decide whether a :class:`Post` matches.

Contract: ``compile_query(q).matches(post)`` is true exactly when the post satisfies the query as
described in :mod:`koers.query`. Compilation happens once; matching does no parsing and no
tokenising, only set look-ups on ``post.keys``, C-level searches of ``post.joined_keys`` for
wildcards and, for phrases and NEAR, comparisons of token positions from ``post.index``.
Operands of AND and OR are evaluated cheapest first (they have no side effects).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping

from koers.query.nodes import And, Field, Near, Node, Not, Or, Phrase, PhraseItem, Term, Wildcard
from koers.query.normalize import normalize
from koers.query.parser import ensure_node
from koers.query.post import Post
from koers.query.text import KIND_PREFIX, MENTION, WORD, Kind

Predicate = Callable[[Post], bool]
Span = tuple[int, int]  # first and last token position, inclusive
Spans = Callable[[Post], list[Span]]
TokenTest = Callable[[str, Kind], bool]


class Matcher:
    """A compiled query. ``matches`` accepts a :class:`Post` or a post mapping."""

    __slots__ = ("node", "query", "_predicate")

    def __init__(self, node: Node) -> None:
        self.node = node
        self.query = normalize(node)
        self._predicate = compile_node(node)

    def matches(self, post: Post | Mapping[str, object]) -> bool:
        """Whether ``post`` satisfies the query (a mapping is turned into a Post first)."""
        if not isinstance(post, Post):
            post = Post.from_dict(post)
        return self._predicate(post)

    def __repr__(self) -> str:
        return f"Matcher({self.query!r})"


def compile_query(query: str | Node) -> Matcher:
    """Parse (if given text) and compile a query; raises QueryError for an invalid query."""
    return Matcher(ensure_node(query))


def compile_node(node: Node) -> Predicate:
    """The predicate of one (sub)tree."""
    if isinstance(node, Term):
        key = KIND_PREFIX[node.kind] + node.text
        return lambda post: key in post.keys
    if isinstance(node, Wildcard):
        return _wildcard_predicate(node)
    if isinstance(node, Phrase):
        return _phrase_predicate(node)
    if isinstance(node, Field):
        return _field_predicate(node)
    if isinstance(node, Not):
        child = compile_node(node.child)
        return lambda post: not child(post)
    if isinstance(node, And):
        return _all_of([compile_node(c) for c in sorted(node.children, key=cost)])
    if isinstance(node, Or):
        return _any_of([compile_node(c) for c in sorted(node.children, key=cost)])
    if isinstance(node, Near):
        return _near_predicate(node)
    raise TypeError(f"not a query node: {node!r}")


def cost(node: Node) -> int:
    """Rough relative cost of evaluating ``node``; cheap checks go first in AND and OR."""
    if isinstance(node, Term | Field):
        return 1
    if isinstance(node, Wildcard):
        return 6
    if isinstance(node, Phrase):
        return 4 if node.slop is None else 8
    if isinstance(node, Not):
        return cost(node.child) + 1
    if isinstance(node, And | Or):
        return sum(cost(child) for child in node.children)
    if isinstance(node, Near):
        return 10 + cost(node.left) + cost(node.right)
    raise TypeError(f"not a query node: {node!r}")


def _all_of(predicates: list[Predicate]) -> Predicate:
    # Chained two-way closures: cheaper per call than all() over a generator.
    combined = predicates[-1]
    for predicate in reversed(predicates[:-1]):
        combined = _both(predicate, combined)
    return combined


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda post: first(post) and second(post)


def _any_of(predicates: list[Predicate]) -> Predicate:
    combined = predicates[-1]
    for predicate in reversed(predicates[:-1]):
        combined = _either(predicate, combined)
    return combined


def _either(first: Predicate, second: Predicate) -> Predicate:
    return lambda post: first(post) or second(post)


# --- single tokens -------------------------------------------------------------------------


def _kind_test(kind: Kind) -> Callable[[Kind], bool]:
    if kind is WORD:
        return lambda k: k is not MENTION  # a plain word also matches the hashtag's text
    return lambda k: k is kind


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    for ch in pattern:
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
    return re.compile("".join(parts), re.DOTALL)


def _token_test(item: PhraseItem) -> TokenTest:
    """Whether the token at one position (text, kind) is matched by a phrase item."""
    kind_ok = _kind_test(item.kind)
    if isinstance(item, Term):
        text = item.text
        return lambda token, kind: token == text and kind_ok(kind)
    if _is_plain_prefix(item.pattern):
        prefix = item.pattern[:-1]
        return lambda token, kind: token.startswith(prefix) and kind_ok(kind)
    fullmatch = _pattern_regex(item.pattern).fullmatch
    return lambda token, kind: fullmatch(token) is not None and kind_ok(kind)


def _is_plain_prefix(pattern: str) -> bool:
    head = pattern[:-1]
    return pattern.endswith("*") and "*" not in head and "?" not in head


def _wildcard_keys_regex(node: Wildcard) -> re.Pattern[str]:
    """Finds the keys matching the wildcard inside :attr:`Post.joined_keys`.

    A plain-word pattern must not match a ``#``/``@`` key (those hold hashtags and mentions; the
    hashtags' text is also present as a plain key); a #/@ pattern carries its marker.
    """
    parts = [
        "[^\0]*" if ch == "*" else "[^\0]" if ch == "?" else re.escape(ch) for ch in node.pattern
    ]
    guard = "(?![#@])" if node.kind is WORD else re.escape(KIND_PREFIX[node.kind])
    return re.compile("\0(" + guard + "".join(parts) + ")(?=\0)")


def _wildcard_predicate(node: Wildcard) -> Predicate:
    if _is_plain_prefix(node.pattern):
        # The most common wildcard: a substring test on the joined keys, in C.
        needle = "\0" + KIND_PREFIX[node.kind] + node.pattern[:-1]
        return lambda post: needle in post.joined_keys
    search = _wildcard_keys_regex(node).search
    return lambda post: search(post.joined_keys) is not None


def _wildcard_positions(node: Wildcard) -> Callable[[Post], list[int]]:
    """Sorted positions of the tokens matching the wildcard."""
    findall = _wildcard_keys_regex(node).findall

    def positions(post: Post) -> list[int]:
        found: list[int] = []
        index = post.index
        for key in findall(post.joined_keys):
            found.extend(index[key])
        if len(found) > 1:
            found.sort()
        return found

    return positions


def _item_positions(item: PhraseItem) -> Callable[[Post], list[int]]:
    if isinstance(item, Term):
        key = KIND_PREFIX[item.kind] + item.text
        empty: list[int] = []
        return lambda post: post.index.get(key, empty)
    return _wildcard_positions(item)


# --- phrases and proximity ----------------------------------------------------------------


def _phrase_predicate(node: Phrase) -> Predicate:
    if node.slop is None:
        spans = phrase_spans(node)
        found: Predicate = lambda post: bool(spans(post))  # noqa: E731
    else:
        found = _window_exists(node.items, len(node.items) + node.slop)
    # Cheap necessary condition first, on the key set: every item occurs somewhere.
    present = _all_of([compile_node(item) for item in sorted(node.items, key=cost)])
    return lambda post: present(post) and found(post)


def phrase_spans(node: Phrase) -> Spans:
    """Spans where the phrase occurs (exact) or where all its items fit in the window (slop)."""
    if node.slop is not None:
        return _window_spans(node.items, len(node.items) + node.slop)
    length = len(node.items)
    tests = [_token_test(item) for item in node.items]
    # Start from a plain term if there is one: its positions come straight from the index.
    anchor = next((i for i, item in enumerate(node.items) if isinstance(item, Term)), 0)
    anchor_positions = _item_positions(node.items[anchor])
    others = [(offset, test) for offset, test in enumerate(tests) if offset != anchor]

    def spans(post: Post) -> list[Span]:
        found: list[Span] = []
        tokens, kinds = post.tokens, post.kinds
        last_start = len(tokens) - length
        for position in anchor_positions(post):
            start = position - anchor
            if start < 0 or start > last_start:
                continue
            for offset, test in others:
                at = start + offset
                if not test(tokens[at], kinds[at]):
                    break
            else:
                found.append((start, start + length - 1))
        return found

    return spans


def _window_exists(items: tuple[PhraseItem, ...], window: int) -> Predicate:
    """Whether some ``window`` tokens hold every item at a distinct position.

    Any such occurrence starts at one of the items' positions, so trying each position as the
    window's start with a full (backtracking) search inside the window is exact.
    """
    item_positions = [_item_positions(item) for item in items]

    def exists(post: Post) -> bool:
        lists = [positions(post) for positions in item_positions]
        if not all(lists):
            return False
        for start in sorted({p for positions in lists for p in positions}):
            end = start + window - 1
            choices = [[p for p in positions if start <= p <= end] for positions in lists]
            if _distinct_choice(choices, 0, set()):
                return True
        return False

    return exists


def _distinct_choice(choices: list[list[int]], i: int, used: set[int]) -> bool:
    """Whether one position per item can be chosen, all different (phrases are short)."""
    if i == len(choices):
        return True
    for position in choices[i]:
        if position in used:
            continue
        used.add(position)
        found = _distinct_choice(choices, i + 1, used)
        used.discard(position)
        if found:
            return True
    return False


def _window_spans(items: tuple[PhraseItem, ...], window: int) -> Spans:
    """Every distinct (first, last) span of an occurrence: distinct positions, one per item,
    spanning at most ``window`` tokens. NEAR needs them all, not just one per start: the
    occurrence that is close enough to the other operand may be a longer one."""
    item_positions = [_item_positions(item) for item in items]

    def spans(post: Post) -> list[Span]:
        lists = [positions(post) for positions in item_positions]
        if not all(lists):
            return []
        found: set[Span] = set()
        _collect_spans(lists, 0, set(), sys.maxsize, -1, window, found)
        return sorted(found)

    return spans


def _collect_spans(
    lists: list[list[int]],
    i: int,
    used: set[int],
    low: int,
    high: int,
    window: int,
    found: set[Span],
) -> None:
    if i == len(lists):
        found.add((low, high))
        return
    for position in lists[i]:
        new_low, new_high = min(low, position), max(high, position)
        if position in used or new_high - new_low >= window:
            continue
        used.add(position)
        _collect_spans(lists, i + 1, used, new_low, new_high, window, found)
        used.discard(position)


def operand_spans(node: Node) -> Spans:
    """Spans of a NEAR operand: a term, wildcard, phrase or an OR group of those."""
    if isinstance(node, Term | Wildcard):
        positions = _item_positions(node)
        return lambda post: [(p, p) for p in positions(post)]
    if isinstance(node, Phrase):
        return phrase_spans(node)
    if isinstance(node, Or):
        parts = [operand_spans(child) for child in node.children]
        return lambda post: [span for part in parts for span in part(post)]
    raise TypeError(f"not a NEAR operand: {node!r}")


def _near_predicate(node: Near) -> Predicate:
    left_spans = operand_spans(node.left)
    right_spans = operand_spans(node.right)
    left_present = compile_node(node.left)
    right_present = compile_node(node.right)
    distance, ordered = node.distance, node.ordered

    def predicate(post: Post) -> bool:
        if not (left_present(post) and right_present(post)):
            return False
        rights = right_spans(post)
        for left_start, left_end in left_spans(post):
            for right_start, right_end in rights:
                # Gap = number of other tokens strictly between the two spans.
                if left_end < right_start:
                    if right_start - left_end - 1 <= distance:
                        return True
                elif not ordered and right_end < left_start <= right_end + 1 + distance:
                    return True
        return False

    return predicate


# --- fields -------------------------------------------------------------------------------


def _field_predicate(node: Field) -> Predicate:
    value = node.value
    if node.name == "lang":
        dialect = value + "-"
        return lambda post: (
            post.lang is not None and (post.lang == value or post.lang.startswith(dialect))
        )
    if node.name == "author":
        return _author_predicate(value)
    if node.name == "network":
        return lambda post: post.network == value
    if node.name == "country":
        return lambda post: post.country == value
    if node.name == "site":
        subdomain = "." + value
        return lambda post: any(host == value or host.endswith(subdomain) for host in post.hosts)
    raise ValueError(f"unknown field {node.name!r}")


def _author_predicate(value: str) -> Predicate:
    """``author:jan`` matches the handle ``jan`` and ``jan@any.instance``; a value with an
    instance (``author:jan@mastodon.social``) must match the whole handle."""
    local_only = "@" not in value

    def predicate(post: Post) -> bool:
        author = post.author
        if author is None:
            return False
        if author == value:
            return True
        return local_only and author.split("@", 1)[0] == value

    return predicate
