"""Tokenisation and accent folding shared by query terms and post texts.

Contract: a *token* is a maximal run of Unicode letters and digits (combining accent marks stay
inside the token); every other character separates tokens. Each token is *folded*: case-folded,
accents removed (``Café`` → ``cafe``, ``Straße`` → ``strasse``). A token written directly after a
``#`` or ``@`` (that is not itself glued to a preceding letter or digit, so ``jan@example.nl`` is
not a mention) is recorded as a hashtag or mention. Query terms and post texts go through exactly
the same functions, which is what makes matching whole tokens sound.
"""

from __future__ import annotations

import re
import unicodedata
from enum import IntEnum


class Kind(IntEnum):
    """How a token was written in the text: plain, as ``#hashtag`` or as ``@mention``."""

    WORD = 0
    HASHTAG = 1
    MENTION = 2


WORD = Kind.WORD
HASHTAG = Kind.HASHTAG
MENTION = Kind.MENTION

_MARK_OF_KIND = {"": WORD, "#": HASHTAG, "@": MENTION}
KIND_PREFIX = ("", "#", "@")

# Combining marks of the common Unicode blocks; they can survive NFC when no precomposed
# character exists (``q̃``) and must not split the word they belong to.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_ALNUM = r"[^\W_]"
# Each match is one token, with its "#"/"@" marker if it has one. The look-behind keeps
# ``jan@example.nl`` and ``C#x`` from producing a mention or hashtag.
_TEXT_TOKEN_RE = re.compile(rf"(?<!{_ALNUM})[#@]?{_ALNUM}(?:{_ALNUM}|[{_MARKS}])*")
_ASCII_TOKEN_RE = re.compile(r"(?<![a-z0-9])[#@]?[a-z0-9]+")
# Fast path for the common post with neither "#" nor "@": no markers to look for.
_ASCII_PLAIN_RE = re.compile(r"[a-z0-9]+")
# Query terms additionally keep the wildcard characters ``*`` and ``?`` inside a token.
_QUERY_TOKEN_RE = re.compile(
    rf"(?:(?<![^\W_*?])([#@]))?((?:{_ALNUM}|[*?])(?:{_ALNUM}|[*?{_MARKS}])*)"
)

_FOLD_CACHE: dict[str, str] = {}
# Bounded so a stream of unique garbage tokens cannot grow memory without limit.
_FOLD_CACHE_LIMIT = 200_000


def fold(token: str) -> str:
    """Return ``token`` case-folded and without accents (``"Café"`` → ``"cafe"``).

    Uses canonical (not compatibility) decomposition so that folding never introduces
    separator characters (``½`` stays one token) and re-tokenising a folded token yields itself.
    Results are cached because the vocabulary of a stream is small compared to its volume.
    """
    cached = _FOLD_CACHE.get(token)
    if cached is not None:
        return cached
    if token.isascii():
        folded = token.lower()
    else:
        decomposed = unicodedata.normalize("NFD", token.casefold())
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = unicodedata.normalize("NFC", stripped)
    if len(_FOLD_CACHE) >= _FOLD_CACHE_LIMIT:
        _FOLD_CACHE.clear()
    _FOLD_CACHE[token] = folded
    return folded


def tokenize(text: str) -> list[tuple[str, Kind]]:
    """Split ``text`` into folded tokens, each paired with its kind (WORD, HASHTAG or MENTION)."""
    tokens, kinds = tokenize_parallel(text)
    return list(zip(tokens, kinds, strict=True))


def tokenize_parallel(text: str) -> tuple[list[str], list[Kind]]:
    """Like :func:`tokenize` but as two parallel lists, which is what :class:`Post` stores.

    ASCII text (the bulk of a stream) takes fast paths: one ``lower()`` and one C-level
    ``findall``, and no per-token Python work at all when the text has no ``#`` or ``@``.
    Other text is NFC-normalised first so decomposed accents stay inside their word.
    """
    if text.isascii():
        lowered = text.lower()
        if "#" not in lowered and "@" not in lowered:
            tokens = _ASCII_PLAIN_RE.findall(lowered)
            return tokens, [WORD] * len(tokens)
        return _split_markers(_ASCII_TOKEN_RE.findall(lowered), folded=True)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _split_markers(_TEXT_TOKEN_RE.findall(text), folded=False)


_KIND_OF_MARKER = {"#": HASHTAG, "@": MENTION}


def _split_markers(raw: list[str], *, folded: bool) -> tuple[list[str], list[Kind]]:
    kinds = [_KIND_OF_MARKER.get(token[0], WORD) for token in raw]
    if folded:
        tokens = [token[1:] if kind else token for token, kind in zip(raw, kinds, strict=True)]
    else:
        tokens = [
            fold(token[1:] if kind else token) for token, kind in zip(raw, kinds, strict=True)
        ]
    return tokens, kinds


def tokenize_query_term(text: str) -> list[tuple[str, Kind]]:
    """Tokenise one bare query word, keeping ``*`` and ``?`` as wildcard characters."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return [(fold(tok), _MARK_OF_KIND[mark]) for mark, tok in _QUERY_TOKEN_RE.findall(text)]


def site_host(value: str) -> str:
    """Reduce ``https://www.Example.nl:8080/path`` or ``example.nl.`` to a lowercase host name."""
    value = value.casefold()
    if "://" in value:
        value = value.split("://", 1)[1]
    for sep in "/?#":
        value = value.split(sep, 1)[0]
    value = value.rsplit("@", 1)[-1].split(":", 1)[0]
    return value.rstrip(".")
