"""Match one post against all topics of a workspace at once.

Contract: ``compile_topics({topic_id: query}).match(post)`` returns exactly the set of topic ids
whose query matches the post, i.e. the same as asking every ``compile_query(query)``; it is only
faster. Compile it once per workspace (when a topic changes), not per post.

Why it is fast: every valid query needs at least one positive search term (the parser enforces
that), so for each topic we derive *anchor keys* — a set of index keys of which at least one must
occur in any post the topic matches (for ``a AND (b OR c)`` that is ``{a}`` or ``{b, c}``; the
rarer-looking choice is taken). An inverted index maps anchor key → topics. For a post, we
intersect its distinct keys with that index (a C-level set operation) and evaluate only the
candidate topics fully. Prefix wildcards (``klant*``) are anchored on their first three
characters. Topics without any usable anchor (only ``?``-patterns like ``?b?e``) are always
evaluated. The cost per post therefore grows with the number of *candidate* topics, not with the
number of topics.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass

from koers.query.errors import QueryError
from koers.query.matcher import Predicate, compile_node
from koers.query.nodes import And, Near, Node, Or, Phrase, Term, Wildcard
from koers.query.parser import parse
from koers.query.post import Post
from koers.query.text import KIND_PREFIX

#: Prefix wildcards are indexed on this many characters after the #/@ marker (the parser
#: guarantees at least three before a ``*``).
PREFIX_LENGTH = 3


@dataclass(frozen=True, slots=True)
class Anchors:
    """Keys of which at least one occurs in every matching post: exact index keys, and
    ``PREFIX_LENGTH``-character prefixes of index keys (both with their #/@ marker)."""

    exact: frozenset[str]
    prefixes: frozenset[str]

    def weight(self) -> float:
        """Guess of how often the anchors fire: fewer and longer keys are rarer."""
        return sum(1 + 8 / len(key) for key in self.exact) + 12 * len(self.prefixes)

    def __or__(self, other: Anchors) -> Anchors:
        return Anchors(self.exact | other.exact, self.prefixes | other.prefixes)


def anchors(node: Node) -> Anchors | None:
    """Anchor keys of ``node``, or None when a match need not contain any indexable key."""
    if isinstance(node, Term):
        return Anchors(frozenset({KIND_PREFIX[node.kind] + node.text}), frozenset())
    if isinstance(node, Wildcard):
        prefix = node.literal_prefix
        if len(prefix) < PREFIX_LENGTH:
            return None
        marked = KIND_PREFIX[node.kind] + prefix[:PREFIX_LENGTH]
        return Anchors(frozenset(), frozenset({marked}))
    if isinstance(node, Phrase):
        return _best(anchors(item) for item in node.items)
    if isinstance(node, Near):
        return _best(iter((anchors(node.left), anchors(node.right))))
    if isinstance(node, And):
        return _best(anchors(child) for child in node.children)
    if isinstance(node, Or):
        union = Anchors(frozenset(), frozenset())
        for child in node.children:
            child_anchors = anchors(child)
            if child_anchors is None:
                return None
            union = union | child_anchors
        return union
    # NOT and fields say nothing about which tokens are present.
    return None


def _best(candidates: Iterator[Anchors | None]) -> Anchors | None:
    usable = [candidate for candidate in candidates if candidate is not None]
    return min(usable, key=Anchors.weight) if usable else None


def post_prefixes(post: Post) -> set[str]:
    """The ``PREFIX_LENGTH``-character prefixes (with #/@ marker) of the post's index keys."""
    found: set[str] = set()
    for key in post.index:
        size = PREFIX_LENGTH + 1 if key[0] in "#@" else PREFIX_LENGTH
        if len(key) >= size:
            found.add(key[:size])
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
                node = parse(query) if isinstance(query, str) else query
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
        self._prefixes = prefixes
        self._always = tuple(always)

    def __len__(self) -> int:
        return len(self._ids)

    def candidates(self, post: Post) -> set[int]:
        """Internal numbers of the topics whose anchors occur in ``post``."""
        found: set[int] = set(self._always)
        exact = self._exact
        for key in self._exact_keys.intersection(post.index):
            found.update(exact[key])
        if self._prefixes:
            prefixes = self._prefixes
            for key in post_prefixes(post):
                numbers = prefixes.get(key)
                if numbers is not None:
                    found.update(numbers)
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
