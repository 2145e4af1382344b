"""koers.query — the Boolean query language of listening topics. Pure Python, no Django.

Public API
==========

``parse(query: str) -> Node``
    Text → abstract syntax tree of frozen dataclasses (:mod:`koers.query.nodes`: ``Term``,
    ``Wildcard``, ``Phrase``, ``Field``, ``Not``, ``And``, ``Or``, ``Near``). Raises
    :class:`QueryError`.
``normalize(query_or_node: str | Node) -> str``
    Canonical text; ``parse(normalize(t)) == t`` and ``normalize`` is idempotent.
``compile_query(query: str | Node) -> Matcher``
    ``Matcher.matches(post: Post | Mapping) -> bool``; ``Matcher.query`` is the normalised text,
    ``Matcher.node`` the tree. A hand-built tree is checked like text (it must require a
    positive search term).
``Post(id, text, *, lang=None, author=None, network=None, links=(), country=None)`` and
``Post.from_dict({"id", "text", "lang"?, "author"?, "network"?, "links"?, "country"?})``
    A post tokenised once; pass the same object to every matcher.
``compile_topics(topics: Mapping[TopicId, str | Node]) -> TopicSet``  (alias ``MultiMatcher``)
    Compile all topics of a workspace once; ``TopicSet.match(post) -> set[TopicId]`` evaluates
    only topics whose required tokens occur in the post (inverted index on whole tokens plus an
    Aho-Corasick automaton for wildcard prefixes); ``len(topic_set)``, ``topic_set.nodes``.
``QueryError(code, position, **params)``
    ``.code`` (key of ``MESSAGES``), ``.position`` (0-based character index),
    ``.message(lang)`` with lang ``"en"`` or ``"nl"``, ``.topic_id`` (set by compile_topics).
``python -m koers.query.cli check|match …``
    Command line, see :mod:`koers.query.cli`.

The language
============

* Terms match whole tokens, ignoring case and accents (``cafe`` matches "Café"). Tokens are runs
  of Unicode letters and digits; everything else separates them. A term that contains separators
  (``e-bike``) is a phrase.
* ``"exact phrase"`` — consecutive tokens in order. ``"phrase words"~n`` — all words, in any
  order, inside a window of ``len(words) + n`` tokens. Inside quotes ``*`` and ``?`` separate.
* ``AND``, ``OR``, ``NOT`` — capitals only (``and``/``or``/``not`` are words); adjacent operands
  mean AND; parentheses group; precedence NEAR > NOT > AND > OR.
* ``a NEAR/n b`` — at most n other tokens between a and b, either order; ``a ONEAR/n b`` — a
  first. Operands: terms, wildcards, phrases, or parenthesised OR groups of those; they must not
  overlap (``NEAR/0`` means adjacent).
* ``klant*`` — prefix (at least 3 letters or digits before the ``*``); ``organi?ation`` — ``?``
  is exactly one character. Wildcards match within one token.
* ``#tag`` matches only the hashtag, ``@name`` only the mention; the plain word ``tag`` matches
  the word and the hashtag ``#tag`` (not the mention ``@tag``).
* Fields: ``lang:nl`` (also nl-BE), ``author:name`` (with or without @; ``author:jan`` also
  matches ``jan@any.instance``), ``network:mastodon|bluesky|rss|import|x`` (one value per field),
  ``site:example.nl`` (links to that host or a subdomain), ``country:nl``.
* A query must always require a positive search term: ``NOT foo``, ``lang:nl`` or
  ``foo OR lang:nl`` are rejected because they would match (nearly) the whole stream.

Error codes: ``empty_query``, ``unbalanced_parenthesis``, ``unbalanced_quote``,
``missing_operand``, ``near_without_number``, ``bad_near_operand``, ``unknown_field``,
``bad_field_value``, ``no_positive_term``, ``wildcard_prefix``, ``empty_group``,
``empty_phrase``, ``bad_proximity``, ``too_deep``.

Nesting is limited: at most ``MAX_DEPTH`` (50) levels of parentheses and NOT in query text,
and (for hand-built trees given to ``compile_query``, ``compile_topics`` or ``normalize``) at
most ``MAX_TREE_DEPTH`` nested operators, so no query makes parsing, compiling or matching
recurse without bound; deeper ones raise ``QueryError("too_deep", …)``.
"""

from __future__ import annotations

from koers.query.errors import MESSAGES, QueryError
from koers.query.matcher import Matcher, compile_query
from koers.query.nodes import And, Field, Near, Node, Not, Or, Phrase, Term, Wildcard
from koers.query.normalize import normalize
from koers.query.parser import parse
from koers.query.post import Post
from koers.query.text import Kind, fold, tokenize
from koers.query.topics import MultiMatcher, TopicSet, compile_topics

__all__ = [
    "MESSAGES",
    "And",
    "Field",
    "Kind",
    "Matcher",
    "MultiMatcher",
    "Near",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Post",
    "QueryError",
    "Term",
    "TopicSet",
    "Wildcard",
    "compile_query",
    "compile_topics",
    "fold",
    "normalize",
    "parse",
    "tokenize",
]
