"""Query text → AST. A hand-written lexer and recursive-descent parser.

Grammar (operators are capitals only; lowercase and/or/not/near are ordinary words)::

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*          adjacent operands mean AND
    unary   := "NOT" unary | near
    near    := primary [("NEAR/n" | "ONEAR/n") primary]
    primary := "(" or ")" | WORD | "\"phrase\""["~n"] | FIELD ":" VALUE

so the precedence is NEAR > NOT > AND > OR. Parentheses and NOT may nest at most
:data:`MAX_DEPTH` levels (``too_deep``): the parser, the compiler and the formatter recurse
once per level, and a query of 200 nested parentheses would otherwise end in a RecursionError.

Contract of :func:`parse`: returns a tree for which
:func:`koers.query.nodes.requires_term` holds, or raises :class:`QueryError` with the code and
position of the first problem (structural problems — quotes, then parentheses — are reported
before problems with operators, because they are the usual root cause).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from koers.query.errors import QueryError
from koers.query.nodes import (
    FIELDS,
    NETWORKS,
    And,
    Field,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    PhraseItem,
    Term,
    Wildcard,
    depth,
    first_termless,
    is_near_operand,
    requires_term,
)
from koers.query.text import Kind, site_host, tokenize, tokenize_query_term

# Straight and typographic quotes: phones and word processors turn " into “ ” or „.
_QUOTES = frozenset('"“”„')
_WORD_END = frozenset("()") | _QUOTES
_NEAR_RE = re.compile(r"(O?NEAR)(?:/(.*))?")
_FIELD_RE = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_DIGITS_RE = re.compile(r"\d+")
_LANG_RE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")
_COUNTRY_RE = re.compile(r"[a-z]{2,3}")
_HOST_RE = re.compile(r"[^\W_](?:[\w.-]*[^\W_])?")

_FIELD_EXAMPLES = {
    "lang": "lang:nl",
    "author": "author:@jan",
    "network": "network:mastodon (" + ", ".join(NETWORKS) + ")",
    "site": "site:example.nl",
    "country": "country:nl",
}

#: Most levels of parentheses and NOT (together) in query text. Real queries use a handful;
#: the limit keeps every recursive walk over a tree (parse, compile, normalise, match) far
#: below Python's recursion limit.
MAX_DEPTH = 50
#: Most nested operators in a tree. One level of parentheses builds at most an OR and an AND,
#: a NOT one node, a NEAR over an OR group two at the bottom: every tree the parser accepts
#: fits in ``2 * MAX_DEPTH + 4``; hand-built trees are held to the same bound.
MAX_TREE_DEPTH = 2 * MAX_DEPTH + 4

# Lexical token types.
_LPAREN, _RPAREN, _WORD, _PHRASE, _FIELD, _AND, _OR, _NOT, _NEAR = range(9)
_OPERAND_START = frozenset({_LPAREN, _WORD, _PHRASE, _FIELD, _NOT})


@dataclass(slots=True)
class _Lexeme:
    type: int
    pos: int
    text: str
    # Phrase: slop; NEAR: distance.
    number: int | None = None
    # Field: parsed (name, value).
    field: tuple[str, str] | None = None
    # Word: its query tokens.
    pieces: list[tuple[str, Kind]] | None = None


def parse(query: str) -> Node:
    """Parse ``query`` into an AST, or raise :class:`QueryError` (see module docstring)."""
    if not query.strip():
        raise QueryError("empty_query", 0)
    lexemes = _lex(query)
    if not lexemes:
        # Only punctuation: nothing to search for.
        raise QueryError("empty_query", 0)
    _check_parentheses(lexemes)
    parser = _Parser(lexemes)
    node = parser.parse_or()
    if parser.index < len(lexemes):  # pragma: no cover - prevented by _check_parentheses
        raise QueryError("unbalanced_parenthesis", lexemes[parser.index].pos)
    if not requires_term(node):
        raise QueryError("no_positive_term", first_termless(node))
    return node


def ensure_node(query: str | Node) -> Node:
    """Parse text, or check a tree built by hand: a tree must require a positive search term
    too (otherwise a topic would match the whole stream); raises QueryError."""
    if isinstance(query, str):
        return parse(query)
    check_depth(query)
    if not requires_term(query):
        raise QueryError("no_positive_term", first_termless(query))
    return query


def check_depth(node: Node) -> None:
    """Raise QueryError ``too_deep`` for a tree nested deeper than :data:`MAX_TREE_DEPTH`."""
    if depth(node) > MAX_TREE_DEPTH:
        raise QueryError("too_deep", node.pos, limit=str(MAX_DEPTH))


def _lex(query: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            lexemes.append(_Lexeme(_LPAREN, i, ch))
            i += 1
        elif ch == ")":
            lexemes.append(_Lexeme(_RPAREN, i, ch))
            i += 1
        elif ch in _QUOTES:
            i = _lex_phrase(query, i, lexemes)
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in _WORD_END:
                i += 1
            lexeme = _classify_word(query[start:i], start)
            if lexeme is not None:
                lexemes.append(lexeme)
    return lexemes


def _lex_phrase(query: str, start: int, lexemes: list[_Lexeme]) -> int:
    end = start + 1
    while end < len(query) and query[end] not in _QUOTES:
        end += 1
    if end >= len(query):
        raise QueryError("unbalanced_quote", start)
    after = end + 1
    slop: int | None = None
    if query.startswith("~", after):
        digits = _DIGITS_RE.match(query, after + 1)
        if digits is None:
            raise QueryError("bad_proximity", after)
        slop = int(digits.group())
        after = digits.end()
    lexemes.append(_Lexeme(_PHRASE, start, query[start + 1 : end], number=slop))
    return after


def _classify_word(word: str, pos: int) -> _Lexeme | None:
    if word == "AND":
        return _Lexeme(_AND, pos, word)
    if word == "OR":
        return _Lexeme(_OR, pos, word)
    if word == "NOT":
        return _Lexeme(_NOT, pos, word)
    near = _NEAR_RE.fullmatch(word)
    if near is not None:
        digits = near.group(2)
        if digits is None or not digits.isascii() or not digits.isdigit():
            raise QueryError("near_without_number", pos, op=near.group(1))
        return _Lexeme(_NEAR, pos, near.group(1), number=int(digits))
    field = _FIELD_RE.fullmatch(word)
    if field is not None:
        name = field.group(1).lower()
        if name not in FIELDS:
            raise QueryError("unknown_field", pos, name=field.group(1))
        return _Lexeme(_FIELD, pos, word, field=(name, _field_value(name, field.group(2), pos)))
    pieces = tokenize_query_term(word)
    if not pieces:
        # Punctuation only ("-", "!!"): other characters only separate tokens.
        return None
    return _Lexeme(_WORD, pos, word, pieces=pieces)


def _field_value(name: str, raw: str, pos: int) -> str:
    value = raw.casefold()
    if name == "author":
        value = value.lstrip("@")
        ok = bool(value) and not any(ch.isspace() for ch in value)
    elif name == "lang":
        ok = _LANG_RE.fullmatch(value) is not None
    elif name == "network":
        ok = value in NETWORKS
    elif name == "country":
        ok = _COUNTRY_RE.fullmatch(value) is not None
    else:
        value = site_host(value)
        ok = _HOST_RE.fullmatch(value) is not None
    if not ok:
        raise QueryError("bad_field_value", pos, name=name, example=_FIELD_EXAMPLES[name])
    return value


def _check_parentheses(lexemes: list[_Lexeme]) -> None:
    open_positions: list[int] = []
    for lexeme in lexemes:
        if lexeme.type == _LPAREN:
            if len(open_positions) == MAX_DEPTH:
                raise QueryError("too_deep", lexeme.pos, limit=str(MAX_DEPTH))
            open_positions.append(lexeme.pos)
        elif lexeme.type == _RPAREN:
            if not open_positions:
                raise QueryError("unbalanced_parenthesis", lexeme.pos)
            open_positions.pop()
    if open_positions:
        raise QueryError("unbalanced_parenthesis", open_positions[0])


class _Parser:
    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lexemes = lexemes
        self.index = 0
        # Open parentheses plus NOTs around the current position (see MAX_DEPTH).
        self.depth = 0

    def _enter(self, lexeme: _Lexeme) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError("too_deep", lexeme.pos, limit=str(MAX_DEPTH))

    def _peek(self) -> _Lexeme | None:
        return self.lexemes[self.index] if self.index < len(self.lexemes) else None

    def _take_operator(self) -> _Lexeme:
        """Consume a binary/prefix operator and insist an operand follows it."""
        op = self.lexemes[self.index]
        self.index += 1
        nxt = self._peek()
        if nxt is None or nxt.type not in _OPERAND_START:
            raise QueryError("missing_operand", op.pos, op=_op_text(op), side="after")
        return op

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while (la := self._peek()) is not None and la.type == _OR:
            self._take_operator()
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children), pos=children[0].pos)

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while (la := self._peek()) is not None:
            if la.type == _AND:
                self._take_operator()
            elif la.type not in _OPERAND_START:
                break
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children), pos=children[0].pos)

    def parse_unary(self) -> Node:
        la = self._peek()
        if la is not None and la.type == _NOT:
            op = self._take_operator()
            self._enter(op)
            child = self.parse_unary()
            self.depth -= 1
            return Not(child, pos=op.pos)
        return self.parse_near()

    def parse_near(self) -> Node:
        left = self.parse_primary()
        la = self._peek()
        if la is None or la.type != _NEAR:
            return left
        if not is_near_operand(left):
            raise QueryError("bad_near_operand", la.pos, op=_op_text(la))
        op = self._take_operator()
        right = self.parse_primary() if self._peek_type() != _NOT else None
        if right is None or not is_near_operand(right):
            raise QueryError("bad_near_operand", op.pos, op=_op_text(op))
        la = self._peek()
        if la is not None and la.type == _NEAR:
            # "a NEAR/2 b NEAR/2 c": the left operand of the second NEAR is itself a NEAR.
            raise QueryError("bad_near_operand", la.pos, op=_op_text(la))
        distance = op.number if op.number is not None else 0  # always set for NEAR lexemes
        return Near(left, right, distance, ordered=op.text == "ONEAR", pos=left.pos)

    def _peek_type(self) -> int | None:
        la = self._peek()
        return None if la is None else la.type

    def parse_primary(self) -> Node:
        """One operand. Callers have checked that a lexeme follows (see _take_operator)."""
        la = self.lexemes[self.index]
        self.index += 1
        if la.type == _LPAREN:
            if self._peek_type() == _RPAREN:
                raise QueryError("empty_group", la.pos)
            self._enter(la)
            node = self.parse_or()
            self.depth -= 1
            self.index += 1  # the ")" guaranteed by _check_parentheses
            return node
        if la.type == _WORD:
            return _word_node(la)
        if la.type == _PHRASE:
            return _phrase_node(la)
        if la.type == _FIELD and la.field is not None:
            name, value = la.field
            return Field(name, value, pos=la.pos)
        if la.type == _RPAREN:  # pragma: no cover - every caller checks _OPERAND_START first
            raise QueryError("unbalanced_parenthesis", la.pos)
        raise QueryError("missing_operand", la.pos, op=_op_text(la), side="before")


def _op_text(lexeme: _Lexeme) -> str:
    if lexeme.type == _NEAR and lexeme.number is not None:
        return f"{lexeme.text}/{lexeme.number}"
    return lexeme.text


def _word_node(lexeme: _Lexeme) -> Node:
    items: list[PhraseItem] = []
    for text, kind in lexeme.pieces or ():
        if "*" in text or "?" in text:
            items.append(_wildcard(text, kind, lexeme))
        else:
            items.append(Term(text, kind, pos=lexeme.pos))
    if len(items) == 1:
        return items[0]
    return Phrase(tuple(items), None, pos=lexeme.pos)


def _wildcard(pattern: str, kind: Kind, lexeme: _Lexeme) -> Wildcard:
    while "**" in pattern:
        pattern = pattern.replace("**", "*")
    star = pattern.find("*")
    if star != -1 and len(pattern[:star].replace("?", "")) < 3:
        raise QueryError("wildcard_prefix", lexeme.pos, term=lexeme.text)
    return Wildcard(pattern, kind, pos=lexeme.pos)


def _phrase_node(lexeme: _Lexeme) -> Node:
    tokens = tokenize(lexeme.text)
    if not tokens:
        raise QueryError("empty_phrase", lexeme.pos)
    items = tuple(Term(text, kind, pos=lexeme.pos) for text, kind in tokens)
    if len(items) == 1:
        return items[0]
    return Phrase(items, lexeme.number, pos=lexeme.pos)
