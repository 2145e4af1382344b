"""AST → canonical query text.

Contract: for every tree ``t`` returned by :func:`koers.query.parse`,
``parse(normalize(t)) == t``; hence ``normalize`` is idempotent on text. The canonical form
folds terms (lowercase, no accents), writes operators explicitly (``a AND b``), writes phrases
between straight quotes, and uses only the parentheses the tree needs.
"""

from __future__ import annotations

from koers.query.nodes import And, Field, Near, Node, Not, Or, Phrase, Term, Wildcard
from koers.query.parser import check_depth, parse
from koers.query.text import KIND_PREFIX


def normalize(query_or_node: str | Node) -> str:
    """Canonical text of a query string (parsed first, so it may raise QueryError) or tree."""
    if isinstance(query_or_node, str):
        node = parse(query_or_node)
    else:
        node = query_or_node
        check_depth(node)  # _format recurses once per level
    return _format(node)


def _format(node: Node) -> str:
    if isinstance(node, Term):
        return KIND_PREFIX[node.kind] + node.text
    if isinstance(node, Wildcard):
        return KIND_PREFIX[node.kind] + node.pattern
    if isinstance(node, Phrase):
        return _format_phrase(node)
    if isinstance(node, Field):
        return f"{node.name}:{node.value}"
    if isinstance(node, Not):
        return "NOT " + _wrap(node.child, (And, Or))
    if isinstance(node, And):
        return " AND ".join(_wrap(child, (And, Or)) for child in node.children)
    if isinstance(node, Or):
        return " OR ".join(_wrap(child, (Or,)) for child in node.children)
    if isinstance(node, Near):
        op = "ONEAR" if node.ordered else "NEAR"
        left = _wrap(node.left, (Or,))
        right = _wrap(node.right, (Or,))
        return f"{left} {op}/{node.distance} {right}"
    raise TypeError(f"not a query node: {node!r}")


def _wrap(node: Node, needs_parens: tuple[type, ...]) -> str:
    text = _format(node)
    return f"({text})" if isinstance(node, needs_parens) else text


def _format_phrase(node: Phrase) -> str:
    if any(isinstance(item, Wildcard) for item in node.items):
        # Inside quotes * and ? are ordinary separators, so a phrase with wildcards is written
        # the way it can only have been typed: as one hyphenated word (``e-bik*``).
        return "-".join(_format(item) for item in node.items)
    words = " ".join(_format(item) for item in node.items)
    slop = "" if node.slop is None else f"~{node.slop}"
    return f'"{words}"{slop}'
