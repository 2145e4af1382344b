"""Text measuring and extraction shared by the adapters: graphemes, URLs, tags, HTML → text.

Grapheme clusters are counted with the ``regex`` module's ``\\X`` (extended grapheme clusters,
UAX #29), which is what Bluesky's 300-"character" limit and Mastodon's ``each_grapheme_cluster``
count. The standard library's ``re`` has no ``\\X``; ``regex`` is installed as a dependency of
the pinned stack (see the report), so koers does not implement segmentation itself.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import regex

_GRAPHEME = regex.compile(r"\X")

# A URL as people type it in a post: scheme + host + anything up to whitespace, minus the
# trailing punctuation that belongs to the sentence ("see https://x.nl/a.").
URL_RE = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""

# Hashtags: "#" after start or whitespace, letters/digits/underscore in any script, not only
# digits (Mastodon and Bluesky both ignore "#1").
HASHTAG_RE = regex.compile(
    r"(?:^|(?<=\s))#(?P<tag>[\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*)"
)
# Bluesky handles are domain names; Mastodon mentions are @user or @user@domain.
BSKY_MENTION_RE = regex.compile(
    r"(?:^|(?<=[\s(]))@(?P<handle>(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
    r"[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
)
MASTODON_MENTION_RE = regex.compile(
    r"(?:^|(?<=[\s(]))@(?P<user>[a-zA-Z0-9_]+(?:[a-zA-Z0-9_.-]+[a-zA-Z0-9_]+)?)"
    r"(?:@(?P<domain>[a-zA-Z0-9.-]+[a-zA-Z0-9]))?"
)


def grapheme_count(text: str) -> int:
    """Number of user-perceived characters: "é" (e + combining accent) and "👍🏽" count 1."""
    return len(_GRAPHEME.findall(text))


def find_urls(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, url)`` in code-point offsets, trailing sentence punctuation excluded."""
    found: list[tuple[int, int, str]] = []
    for match in URL_RE.finditer(text):
        url = match.group(0)
        # Keep a closing bracket that has its opening one inside the URL (wiki-style links).
        while url and url[-1] in _TRAILING_PUNCTUATION:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        found.append((match.start(), match.start() + len(url), url))
    return found


def find_hashtags(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, tag)``; the span includes the "#", the tag does not."""
    return [(m.start(), m.end(), m.group("tag")) for m in HASHTAG_RE.finditer(text)]


def mastodon_length(text: str, url_length: int = 23) -> int:
    """Length as Mastodon's StatusLengthValidator counts it.

    Every URL counts ``url_length`` characters whatever its real length, and a remote mention
    ``@user@domain`` counts only as ``@user`` (the domain is free). The rest is counted in
    grapheme clusters.
    """
    pieces: list[str] = []
    position = 0
    for start, end, _url in find_urls(text):
        pieces.append(text[position:start])
        pieces.append("x" * url_length)
        position = end
    pieces.append(text[position:])
    without_urls = "".join(pieces)
    without_domains = MASTODON_MENTION_RE.sub(lambda m: "@" + m.group("user"), without_urls)
    return grapheme_count(without_domains)


def utf8_offset(text: str, index: int) -> int:
    """Byte offset in UTF-8 of code-point index ``index`` (Bluesky facets index bytes)."""
    return len(text[:index].encode("utf-8"))


class _TextExtractor(HTMLParser):
    """Mastodon status HTML → plain text: paragraphs become blank lines, <br> a newline."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            href = dict(attrs).get("href")
            classes = (dict(attrs).get("class") or "").split()
            # Mentions and hashtags are links too; only real links go to ``links``.
            if href and "mention" not in classes and "hashtag" not in classes:
                self.links.append(href)
        elif tag == "span":
            # Mastodon shortens long URLs with <span class="invisible">; the text must show
            # the whole URL, so invisible spans are kept, not dropped.
            pass

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Plain text and the real links (not mentions/hashtags) of a Mastodon status body."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts)).strip()
    return text, parser.links
