"""Match one post against all topics of a workspace at once.

Contract: ``compile_topics({topic_id: query}).match(post)`` returns exactly the set of topic ids
whose query matches the post, i.e. the same as asking every ``compile_query(query)``; it is only
faster. Compile it once per workspace (when a topic changes), not per post.

Why it is fast: every valid query needs at least one positive search term (the parser enforces
that), so for each topic we derive *anchor keys* — a set of index keys of which at least one must
occur in any post the topic matches (for ``a AND (b OR c)`` that is ``{a}`` or ``{b, c}``; the
rarer-looking choice is taken). An inverted index maps anchor key → topics. For a post, we
intersect its distinct keys with that index (a C-level set operation) and evaluate only the
candidate topics fully. Wildcards (``klant*``, ``organi?ation``) are anchored on their literal
prefix, found with an Aho-Corasick automaton (pyahocorasick) over the post's keys. Topics
without any usable anchor (only patterns like ``?b?e``) are always evaluated. The cost per post
therefore grows with the number of *candidate* topics, not with the number of topics.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import ahocorasick

from koers.query.errors import QueryError
from koers.query.matcher import Predicate, compile_node
from koers.query.nodes import And, Near, Node, Or, Phrase, Term, Wildcard
from koers.query.parser import ensure_node
from koers.query.post import Post
from koers.query.text import KIND_PREFIX

#: Wildcards whose literal prefix is shorter than this are not anchored (the parser guarantees
#: at least three letters or digits before a ``*``; ``?`` patterns may have less).
PREFIX_LENGTH = 3


@dataclass(frozen=True, slots=True)
class Anchors:
    """Keys of which at least one occurs in every matching post: ``exact`` index keys, and
    ``prefixes`` (marked literal prefixes of wildcards) of which some key starts with one."""

    exact: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()

    def weight(self) -> float:
        """Guess of how often the anchors fire, without statistics of the stream: fewer and
        longer keys are rarer; a #hashtag or @mention key is much rarer than a plain word
        (``#lala`` fires only on that hashtag, ``lala`` also on it); a prefix fires more often
        than a whole word of the same length."""
        return sum(map(_key_weight, self.exact)) + sum(2 + 8 / len(p) for p in self.prefixes)

    def __or__(self, other: Anchors) -> Anchors:
        return Anchors(self.exact | other.exact, self.prefixes | other.prefixes)


def _key_weight(key: str) -> float:
    return 0.25 if key[0] in "#@" else 1 + 8 / len(key)


def anchors(node: Node) -> Anchors | None:
    """The cheapest-looking anchors of ``node``, or None when a match need not contain any
    indexable key (then the topic is evaluated for every post)."""
    options = _anchor_options(node)
    return min(options, key=Anchors.weight) if options else None


def _anchor_options(node: Node) -> list[Anchors]:
    """Alternative anchor sets, each sufficient on its own (empty: none exists)."""
    if isinstance(node, Term):
        return [Anchors(exact=frozenset({KIND_PREFIX[node.kind] + node.text}))]
    if isinstance(node, Wildcard):
        prefix = node.literal_prefix
        if len(prefix) < PREFIX_LENGTH:
            return []
        return [Anchors(prefixes=frozenset({KIND_PREFIX[node.kind] + prefix}))]
    if isinstance(node, Phrase):
        return [option for item in node.items for option in _anchor_options(item)]
    if isinstance(node, Near):
        return _anchor_options(node.left) + _anchor_options(node.right)
    if isinstance(node, And):
        return [option for child in node.children for option in _anchor_options(child)]
    if isinstance(node, Or):
        return _or_options(node)
    # NOT and fields say nothing about which tokens are present.
    return []


def _or_options(node: Or) -> list[Anchors]:
    """Every branch must contribute one of its options; pick greedily so that branches share
    keys where they can (``brand OR "brand app"`` anchors on ``brand`` alone, not on ``app``)."""
    per_child = [_anchor_options(child) for child in node.children]
    if not all(per_child):
        return []
    union = Anchors()
    for options in sorted(per_child, key=len):
        union = min((union | option for option in options), key=Anchors.weight)
    return [union]


class PrefixIndex:
    """Finds the topics whose wildcard prefix starts any key of a post, in one C-level pass.

    An Aho-Corasick automaton holding ``\0prefix`` for every wildcard prefix runs over
    :attr:`Post.joined_keys` (``\0key1\0key2…\0``) and reports each key that starts with one.
    """

    def __init__(self, prefixes: Mapping[str, list[int]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for prefix, numbers in prefixes.items():
            self._automaton.add_word("\0" + prefix, tuple(numbers))
        self._automaton.make_automaton()

    def hits(self, post: Post) -> set[int]:
        """Topic numbers whose prefix starts one of the post's keys."""
        found: set[int] = set()
        for _end, numbers in self._automaton.iter(post.joined_keys):
            found.update(numbers)
        return found


class TopicSet[TopicId: Hashable]:
    """All topics of a workspace, compiled once; ``match(post)`` returns the matching ids."""

    def __init__(self, topics: Mapping[TopicId, str | Node]) -> None:
        """Parse and compile every topic; raises QueryError (with ``topic_id`` set) for the
        first invalid query."""
        self._ids: list[TopicId] = []
        self._predicates: list[Predicate] = []
        self.nodes: dict[TopicId, Node] = {}
        exact: dict[str, list[int]] = {}
        prefixes: dict[str, list[int]] = {}
        always: list[int] = []
        for topic_id, query in topics.items():
            try:
                node = ensure_node(query)
            except QueryError as error:
                error.topic_id = topic_id
                raise
            number = len(self._ids)
            self._ids.append(topic_id)
            self._predicates.append(compile_node(node))
            self.nodes[topic_id] = node
            found = anchors(node)
            if found is None:
                always.append(number)
                continue
            for key in found.exact:
                exact.setdefault(key, []).append(number)
            for key in found.prefixes:
                prefixes.setdefault(key, []).append(number)
        self._exact = exact
        self._exact_keys = frozenset(exact)
        self._prefixes = PrefixIndex(prefixes) if prefixes else None
        self._always = tuple(always)

    def __len__(self) -> int:
        return len(self._ids)

    def candidates(self, post: Post) -> set[int]:
        """Internal numbers of the topics whose anchors occur in ``post``."""
        found: set[int] = set(self._always)
        exact = self._exact
        for key in self._exact_keys.intersection(post.keys):
            found.update(exact[key])
        if self._prefixes is not None:
            found.update(self._prefixes.hits(post))
        return found

    def match(self, post: Post | Mapping[str, object]) -> set[TopicId]:
        """Ids of the topics whose query matches ``post`` (a Post, or a mapping to build one)."""
        if not isinstance(post, Post):
            post = Post.from_dict(post)
        predicates, ids = self._predicates, self._ids
        return {ids[number] for number in self.candidates(post) if predicates[number](post)}


#: The name used in the design notes for the compiled, many-topic matcher.
MultiMatcher = TopicSet


def compile_topics[TopicId: Hashable](
    topics: Mapping[TopicId, str | Node],
) -> TopicSet[TopicId]:
    """Compile ``{topic_id: query}`` once; see :class:`TopicSet`."""
    return TopicSet(topics)
