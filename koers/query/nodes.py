"""The abstract syntax tree of a query: small frozen dataclasses.

Contract: trees compare equal when they mean the same query text; the ``pos`` attribute (0-based
character index of the node in the query it was parsed from) is excluded from comparison and
hashing, so a parsed tree equals a hand-built one. Term texts and patterns are stored *folded*
(see :func:`koers.query.text.fold`). ``And``/``Or`` hold at least two children; a parenthesised
group stays a nested node, so ``a (b c)`` and ``a b c`` are different (equivalent) trees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from koers.query.text import Kind

#: Fields a query may filter on, in the order messages list them.
FIELDS = ("lang", "author", "network", "site", "country")
NETWORKS = ("mastodon", "bluesky", "rss", "import", "x")


@dataclass(frozen=True, slots=True)
class Term:
    """One whole token; a plain word (``kind=WORD``) also matches the same hashtag's text."""

    text: str
    kind: Kind = Kind.WORD
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Wildcard:
    """One token matched by a pattern: ``*`` is any run of characters, ``?`` exactly one."""

    pattern: str
    kind: Kind = Kind.WORD
    pos: int = field(default=0, compare=False, repr=False)

    @property
    def literal_prefix(self) -> str:
        """The characters before the first wildcard character (used by the topic prefilter)."""
        cut = len(self.pattern)
        for ch in "*?":
            found = self.pattern.find(ch)
            if found != -1:
                cut = min(cut, found)
        return self.pattern[:cut]


PhraseItem = Term | Wildcard


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive tokens in order (``slop is None``), or all of them in any order inside a
    window of ``len(items) + slop`` tokens (``"a b"~slop``). Holds at least two items."""

    items: tuple[PhraseItem, ...]
    slop: int | None = None
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Field:
    """A metadata filter such as ``lang:nl``; ``value`` is stored case-folded (author without @)."""

    name: str
    value: str
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Not:
    """Matches when ``child`` does not."""

    child: Node
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class And:
    """Matches when every child matches."""

    children: tuple[Node, ...]
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Or:
    """Matches when any child matches."""

    children: tuple[Node, ...]
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Near:
    """``left`` and ``right`` with at most ``distance`` other tokens between them; when
    ``ordered`` (ONEAR) ``left`` must come first. Operands are terms, wildcards, phrases or
    ``Or`` groups of those; the two must not overlap."""

    left: Node
    right: Node
    distance: int
    ordered: bool = False
    pos: int = field(default=0, compare=False, repr=False)


Node = Term | Wildcard | Phrase | Field | Not | And | Or | Near
NEAR_OPERAND_TYPES = (Term, Wildcard, Phrase)


def is_near_operand(node: Node) -> bool:
    """Whether ``node`` may stand on either side of NEAR/ONEAR."""
    if isinstance(node, NEAR_OPERAND_TYPES):
        return True
    if isinstance(node, Or):
        return all(is_near_operand(child) for child in node.children)
    return False


def requires_term(node: Node) -> bool:
    """Whether every post the node matches must contain one of its positive search terms.

    A query for which this is false (``NOT foo``, ``lang:nl``, ``foo OR lang:nl``) would match
    (nearly) the whole stream, so the parser rejects it.
    """
    if isinstance(node, Term | Wildcard | Phrase | Near):
        return True
    if isinstance(node, And):
        return any(requires_term(child) for child in node.children)
    if isinstance(node, Or):
        return all(requires_term(child) for child in node.children)
    return False


def first_termless(node: Node) -> int:
    """Position of the part of ``node`` that can match without a search term (see above)."""
    if isinstance(node, Or):
        for child in node.children:
            if not requires_term(child):
                return first_termless(child)
    return node.pos


def depth(node: Node) -> int:
    """How many operators (NOT, AND, OR, NEAR) nest on the longest path from ``node`` down;
    0 for a single term. Iterative, so it is safe on trees too deep to recurse through."""
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 0)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, Not):
            stack.append((current.child, level + 1))
        elif isinstance(current, And | Or):
            stack.extend((child, level + 1) for child in current.children)
        elif isinstance(current, Near):
            stack.extend(((current.left, level + 1), (current.right, level + 1)))
        else:
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
    return deepest
