"""Text measuring and extraction shared by the adapters: graphemes, URLs, tags, HTML → text.

Grapheme clusters are counted with the ``regex`` module's ``\\X`` (extended grapheme clusters,
UAX #29), which is what Bluesky's 300-"character" limit and Mastodon's ``each_grapheme_cluster``
count. The standard library's ``re`` has no ``\\X``; ``regex`` is installed as a dependency of
the pinned stack (see the report), so koers does not implement segmentation itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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


def tags_length(tags: Iterable[str]) -> int:
    """Characters a list of keywords takes as YouTube counts them: a tag with a space counts
    its two quotes, and the commas between tags count too."""
    listed = [t for t in tags if t]
    return sum(len(t) + (2 if " " in t else 0) for t in listed) + max(0, len(listed) - 1)


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


# Elements that start on a new line when shown: their text must not run into the text around
# them ("<p>50%</p><p>360 x 640</p>" reads "50%" and "360 x 640", not "50%360 x 640").
_PARAGRAPHS = frozenset({"p", "blockquote", "pre", "table", "ul", "ol", "dl", "figure", "hr"})
_LINES = frozenset(
    {
        "div", "li", "dt", "dd", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
        "article", "header", "footer", "aside", "nav", "main", "address", "figcaption",
        "caption", "summary", "details", "form", "fieldset", "legend",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
# Never shown as text.
_HIDDEN = frozenset({"script", "style", "template", "noscript", "head", "title"})
_WHITESPACE_RE = re.compile(r"[ \t\r\n\f\v]+")
_LINE_EDGES_RE = re.compile(r" *\n *")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    """HTML → plain text as a browser would show it: runs of whitespace in the markup are one
    space (except in ``<pre>``), ``<br>`` is a line break, block elements start a new line and
    paragraphs a new paragraph; character references are decoded exactly once."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden_depth = 0
        self._pre_depth = 0

    def _break(self, value: str) -> None:
        """Ensure the text so far ends with ``value`` (a space or line breaks), without
        stacking: the end of one block and the start of the next are one break."""
        if not self.parts:
            return
        tail = self.parts[-1]
        if value == " ":
            if not tail[-1:].isspace():
                self.parts.append(value)
            return
        have = len(tail) - len(tail.rstrip("\n")) if tail.strip(" ") else 0
        if len(value) > have:
            self.parts.append("\n" * (len(value) - have))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _PARAGRAPHS:
            self._break("\n\n")
            self._pre_depth += tag == "pre"
        elif tag in _LINES:
            self._break("\n")
        elif tag in _CELLS:
            self._break(" ")
        elif tag == "a":
            href = dict(attrs).get("href")
            classes = (dict(attrs).get("class") or "").split()
            # Mentions and hashtags are links too; only real links go to ``links``.
            if href and "mention" not in classes and "hashtag" not in classes:
                self.links.append(href)
        # Mastodon shortens long URLs with <span class="invisible">; the text must show the
        # whole URL, so invisible spans are kept, not dropped.

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HIDDEN:  # <script/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(self._hidden_depth - 1, 0)
        elif tag in _PARAGRAPHS:
            self._pre_depth = max(self._pre_depth - (tag == "pre"), 0)
            self._break("\n\n")
        elif tag in _LINES:
            self._break("\n")

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        self.parts.append(data if self._pre_depth else _WHITESPACE_RE.sub(" ", data))


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Plain text and the real links (not mentions/hashtags) of an HTML fragment (a Mastodon
    status body, a feed entry's HTML content)."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = _LINE_EDGES_RE.sub("\n", "".join(parser.parts))
    return _BLANK_LINES_RE.sub("\n\n", text).strip(), parser.links


# Tags that mark a text of unknown type (an imported row) as HTML.
_HTML_RE = re.compile(r"<(?:p|br|a|span|div|b|i|em|strong)\b[^>]*>", re.IGNORECASE)


def plain_text(text: str) -> tuple[str, list[str]]:
    """For text of unknown type (a cell of an imported file): converted when it holds HTML
    markup (``<p>``, ``<br>``, ``<a …>`` …), else returned unchanged — "History of the <blink>
    tag" stays as it is. Text whose type is known is converted (or not) by its reader."""
    if "<" in text and _HTML_RE.search(text):
        return html_to_text(text)
    return text, []
