"""Tokenisation and normalisation of short social posts, shared by the lexicon scorers.

Contract: :func:`tokens` turns a post into a list of :class:`Token` in reading order. URLs and
@mentions are dropped (they carry no sentiment and confuse lexicons: "@sadie" is not sad);
hashtags keep their word ("#fail" → "fail"); emoji and emoticons become tokens of their own
whose ``valence`` comes from :data:`EMOJI_VALENCE` / :data:`EMOTICON_VALENCE`; letters
repeated three or more times are collapsed ("suuuper" → "suuper", and the lexicon lookup then
tries "super") with ``elongated`` set, because stretching a word is emphasis.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

# Valences on the lexicon scale [-1, 1]. Chosen by hand from the emoji's common use in
# Dutch and English posts; VADER does the same job by translating emoji to English words,
# which does not help a Dutch lexicon.
EMOJI_VALENCE: Final[dict[str, float]] = {
    "😀": 0.6, "😃": 0.6, "😄": 0.6, "😁": 0.6, "😆": 0.5, "😅": 0.2, "🤣": 0.5, "😂": 0.4,
    "🙂": 0.4, "😊": 0.6, "😇": 0.5, "🥰": 0.8, "😍": 0.8, "🤩": 0.8, "😘": 0.6, "😋": 0.5,
    "😎": 0.5, "🤗": 0.6, "🥳": 0.8, "👍": 0.6, "👏": 0.6, "🙌": 0.6, "💪": 0.5, "🎉": 0.7,
    "🔥": 0.4, "✨": 0.3, "⭐": 0.4, "🌟": 0.5, "💯": 0.6, "✅": 0.3, "🙏": 0.4, "☀": 0.3,
    "❤": 0.8, "♥": 0.7, "💕": 0.7, "💖": 0.8, "💗": 0.7, "💙": 0.6, "💚": 0.6, "💛": 0.6,
    "🧡": 0.6, "💜": 0.6, "😐": -0.1, "😑": -0.2, "🙄": -0.5, "😒": -0.5, "😕": -0.4,
    "🙁": -0.5, "☹": -0.6, "😞": -0.6, "😟": -0.5, "😔": -0.5, "😢": -0.6, "😭": -0.6,
    "😩": -0.6, "😫": -0.6, "😤": -0.5, "😠": -0.7, "😡": -0.8, "🤬": -0.9, "🤮": -0.8,
    "🤢": -0.6, "💩": -0.6, "👎": -0.6, "💔": -0.7, "😱": -0.4, "😬": -0.3, "🤦": -0.5,
    "😴": -0.2, "❌": -0.4, "⚠": -0.3, "🤔": -0.1,
}  # fmt: skip

EMOTICON_VALENCE: Final[dict[str, float]] = {
    ":)": 0.5, ":-)": 0.5, "=)": 0.5, ":]": 0.4, ":d": 0.6, ":-d": 0.6, "xd": 0.5, ";)": 0.4,
    ";-)": 0.4, ":p": 0.3, ":-p": 0.3, "<3": 0.7, "^^": 0.4, "^_^": 0.5, ":(": -0.5,
    ":-(": -0.5, "=(": -0.5, ":'(": -0.6, ":/": -0.3, ":-/": -0.3, ":s": -0.3, ">:(": -0.7,
    ":@": -0.6, "</3": -0.6, ":|": -0.1,
}  # fmt: skip

_EMOTICON_ALTERNATION = "|".join(
    re.escape(e) for e in sorted(EMOTICON_VALENCE, key=len, reverse=True)
)
_EMOJI_CLASS = "".join(sorted(EMOJI_VALENCE))

# One pass over the text; the order of the alternatives matters: URLs before emoticons
# (":/" in "https://"), emoticons before words ("xD").
_TOKEN_RE: Final = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<mention>@\w+)"
    rf"|(?<![\w:])(?P<emoticon>{_EMOTICON_ALTERNATION})(?![\w])"
    r"|#?(?P<word>[^\W\d_](?:[\w'’]*[^\W_])?)"
    r"|(?P<punct>[!?.,;:]+)"
    rf"|(?P<emoji>[{_EMOJI_CLASS}])",
    re.IGNORECASE,
)
_ELONGATION_RE: Final = re.compile(r"(\w)\1{2,}")


class Token(NamedTuple):
    """One unit of a post. ``kind`` is "word", "punct" or "symbol" (emoji or emoticon).

    A NamedTuple rather than a dataclass: the tokeniser makes millions of them per minute
    and tuple construction is several times cheaper."""

    text: str  # lower-cased; elongations collapsed to two letters
    kind: str
    valence: float = 0.0  # only for symbols
    caps: bool = False  # written in capitals in a text that is not all capitals
    elongated: bool = False


def collapse_elongation(word: str) -> str:
    """ "suuuuper" → "suuper": keep two, because Dutch and English have real double letters."""
    return _ELONGATION_RE.sub(r"\1\1", word)


def tokens(text: str) -> list[Token]:
    """Split ``text`` into tokens (see the module docstring for what is kept and dropped)."""
    # Capitals only mean shouting when the rest of the text is not capitals too; a text that
    # changes when upper-cased has a lower-case letter somewhere.
    shouting_possible = text != text.upper()
    # Most posts have no stretched word: skip the per-word regex then.
    stretched = _ELONGATION_RE.search(text) is not None
    out: list[Token] = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        value = match.group(kind) if kind else ""
        if kind == "word":
            lower = value.lower()
            collapsed = collapse_elongation(lower) if stretched else lower
            caps = shouting_possible and len(value) > 1 and value.isupper()
            out.append(Token(collapsed, "word", caps=caps, elongated=collapsed != lower))
        elif kind == "punct":
            out.append(Token(value, "punct"))
        elif kind == "emoticon":
            out.append(Token(value.lower(), "symbol", EMOTICON_VALENCE[value.lower()]))
        elif kind == "emoji":
            out.append(Token(value, "symbol", EMOJI_VALENCE[value]))
        # URLs and mentions are dropped on purpose.
    return out
