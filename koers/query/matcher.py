"""AST → a tree of closures that decide whether a :class:`Post` matches.

Contract: ``compile_query(q).matches(post)`` is true exactly when the post satisfies the query as
described in :mod:`koers.query`. Compilation happens once; matching does no parsing and no
tokenising, only set look-ups on ``post.keys``, C-level searches of ``post.joined_keys`` for
wildcards and, for phrases and NEAR, comparisons of token positions from ``post.index``.
Operands of AND and OR are evaluated cheapest first (they have no side effects).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
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
        window = _window_bounds(node.items, len(node.items) + node.slop, with_ends=False)
        found = lambda post: bool(window(post)[0])  # noqa: E731
    # Cheap necessary condition first, on the key set: every item occurs somewhere.
    present = _all_of([compile_node(item) for item in sorted(node.items, key=cost)])
    return lambda post: present(post) and found(post)


def phrase_spans(node: Phrase) -> Spans:
    """Spans where the exact phrase (``slop is None``) occurs, in order."""
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


# An occurrence of a NEAR operand is a set of token positions; NEAR only needs where
# occurrences can start and where they can end: a before b within n holds exactly when some
# occurrence of a ends at e and some occurrence of b starts at s with e < s <= e + 1 + n
# (then the two cannot overlap).
Bounds = tuple[list[int], list[int]]  # sorted possible starts, sorted possible ends


def _window_bounds(
    items: tuple[PhraseItem, ...], window: int, *, with_ends: bool = True
) -> Callable[[Post], Bounds]:
    """Starts and ends of the occurrences of a windowed phrase: distinct positions, one per
    item, spanning at most ``window`` tokens.

    Polynomial even for spam that repeats a word hundreds of times: items with the same
    position list (a repeated word) form one group, and when the groups do not share positions
    an occurrence fits a range exactly when every group has enough positions in it (counted
    with bisect). Otherwise (``klant`` with ``klant*``) bipartite matching decides.
    """
    item_positions = [_item_positions(item) for item in items]

    def bounds(post: Post) -> Bounds:
        lists = [positions(post) for positions in item_positions]
        if not all(lists):
            return [], []
        groups: dict[int, tuple[list[int], int]] = {}
        for positions in lists:
            # The same word's items share one position list object (from post.index).
            _, count = groups.get(id(positions), (positions, 0))
            groups[id(positions)] = (positions, count + 1)
        every = sorted({p for positions, _ in groups.values() for p in positions})
        disjoint = len(every) == sum(len(positions) for positions, _ in groups.values())
        if disjoint:
            needs = list(groups.values())
            starts = [p for p in every if _enough(needs, p, p + window - 1)]
            ends = [p for p in every if _enough(needs, p - window + 1, p)] if with_ends else []
        else:
            starts = [p for p in every if _fits_with(lists, p, p, p + window - 1)]
            ends = (
                [p for p in every if _fits_with(lists, p, p - window + 1, p)] if with_ends else []
            )
        return starts, ends

    return bounds


def _enough(needs: list[tuple[list[int], int]], low: int, high: int) -> bool:
    """Whether every group has at least as many positions in [low, high] as it has items."""
    for positions, count in needs:
        if bisect_right(positions, high) - bisect_left(positions, low) < count:
            return False
    return True


def _fits_with(lists: list[list[int]], forced: int, low: int, high: int) -> bool:
    """Whether an occurrence inside [low, high] can use position ``forced``."""
    for i, positions in enumerate(lists):
        at = bisect_left(positions, forced)
        if at < len(positions) and positions[at] == forced:
            rest = lists[:i] + lists[i + 1 :]
            if _assignable(rest, low, high, forced):
                return True
    return False


def _assignable(lists: list[list[int]], low: int, high: int, blocked: int) -> bool:
    """Whether every item can have its own position within [low, high], other than
    ``blocked`` (bipartite matching by augmenting paths)."""
    ranges = [
        positions[bisect_left(positions, low) : bisect_right(positions, high)]
        for positions in lists
    ]
    owner: dict[int, int] = {blocked: -1}

    def augment(item: int, seen: set[int]) -> bool:
        for position in ranges[item]:
            if position in seen:
                continue
            seen.add(position)
            holder = owner.get(position)
            if holder is None or (holder >= 0 and augment(holder, seen)):
                owner[position] = item
                return True
        return False

    return all(augment(item, set()) for item in range(len(ranges)))


def operand_bounds(node: Node) -> Callable[[Post], Bounds]:
    """Starts and ends of the occurrences of a NEAR operand (term, wildcard, phrase, OR)."""
    if isinstance(node, Term | Wildcard):
        positions = _item_positions(node)

        def single(post: Post) -> Bounds:
            found = positions(post)
            return found, found

        return single
    if isinstance(node, Phrase) and node.slop is None:
        spans = phrase_spans(node)

        def exact(post: Post) -> Bounds:
            found = spans(post)
            return [start for start, _ in found], [end for _, end in found]

        return exact
    if isinstance(node, Phrase) and node.slop is not None:
        return _window_bounds(node.items, len(node.items) + node.slop)
    if isinstance(node, Or):
        parts = [operand_bounds(child) for child in node.children]

        def union(post: Post) -> Bounds:
            starts: set[int] = set()
            ends: set[int] = set()
            for part in parts:
                part_starts, part_ends = part(post)
                starts.update(part_starts)
                ends.update(part_ends)
            return sorted(starts), sorted(ends)

        return union
    raise TypeError(f"not a NEAR operand: {node!r}")


def _precedes(ends: list[int], starts: list[int], distance: int) -> bool:
    """Whether some end is followed by some start with at most ``distance`` tokens between."""
    for end in ends:
        after = bisect_right(starts, end)
        if after < len(starts) and starts[after] - end - 1 <= distance:
            return True
    return False


def _near_predicate(node: Near) -> Predicate:
    left_bounds = operand_bounds(node.left)
    right_bounds = operand_bounds(node.right)
    left_present = compile_node(node.left)
    right_present = compile_node(node.right)
    distance, ordered = node.distance, node.ordered

    def predicate(post: Post) -> bool:
        if not (left_present(post) and right_present(post)):
            return False
        left_starts, left_ends = left_bounds(post)
        right_starts, right_ends = right_bounds(post)
        if _precedes(left_ends, right_starts, distance):
            return True
        return not ordered and _precedes(right_ends, left_starts, distance)

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
