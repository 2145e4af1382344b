"""First pipeline step, pure Python: an incoming post → a clean, checked :class:`Normalised`.

Contract: :func:`normalise` returns a :class:`Normalised` or raises :class:`Rejected` with a
stable ``code`` (a key of :data:`REASONS`, bilingual). Its ``text`` is plain text: every reader
converts its own HTML (it knows the content type; parsing plain text as HTML again would eat
"<br />" written as text or "the <blink> tag"). It tidies whitespace, expands links
that a network shortened for display ("voorbeeld.nl/lange-we…") from the post's own link list,
collects hashtags and mentions from the post's data and its text, normalises the language code
("nl-NL" → "nl"), keeps the post's address and links only when they are http(s)
(:func:`web_url`: every source passes here, so no ``javascript:`` link is ever stored) and
computes :func:`text_hash`, shared by near-identical reposts.
No Django here: the pipeline wraps it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from koers.networks.text import HASHTAG_RE, MASTODON_MENTION_RE

NETWORKS: Final = ("mastodon", "bluesky", "rss", "import", "x")
MAX_TEXT: Final = 20_000
MAX_REMOTE_ID: Final = 300

REASONS: Final[dict[str, dict[str, str]]] = {
    "no_id": {"en": "The post has no id.", "nl": "Het bericht heeft geen id."},
    "id_too_long": {
        "en": "The post id is longer than 300 characters.",
        "nl": "De id van het bericht is langer dan 300 tekens.",
    },
    "no_text": {"en": "The post has no text.", "nl": "Het bericht heeft geen tekst."},
    "bad_time": {
        "en": "The post has no valid date and time with a time zone.",
        "nl": "Het bericht heeft geen geldige datum en tijd met tijdzone.",
    },
    "bad_row": {
        "en": "The row can't be read (not valid JSON or CSV).",
        "nl": "De regel is niet te lezen (geen geldige JSON of CSV).",
    },
    "bad_network": {
        "en": "The post comes from a network koers does not know.",
        "nl": "Het bericht komt van een netwerk dat koers niet kent.",
    },
}

_SPACES_RE: Final = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES_RE: Final = re.compile(r"\n{3,}")
# A link shown shortened: optional scheme, a host with a dot, a path, then an ellipsis.
_TRUNCATED_RE: Final = re.compile(r"(?:https?://)?[\w.-]+\.[a-z]{2,}[^\s]*?(?:\.\.\.|…)", re.I)
_HASH_DROP_RE: Final = re.compile(r"https?://\S+|@[\w.@-]+|^(?:rt|via)\b|[^\w\s]", re.IGNORECASE)
_HASH_SPACES_RE: Final = re.compile(r"\s+")


class Rejected(ValueError):  # noqa: N818 - reads as "the post was rejected"
    """The post can't be stored; ``code`` is a key of :data:`REASONS`."""

    def __init__(self, code: str) -> None:
        super().__init__(REASONS[code]["en"])
        self.code = code


def reason(code: str, lang: str = "en") -> str:
    return REASONS.get(code, {}).get(lang if lang in ("en", "nl") else "en", code)


@dataclass(frozen=True, slots=True)
class Normalised:
    network: str
    remote_id: str
    url: str
    author_handle: str
    author_name: str
    text: str
    lang: str | None
    published_at: datetime
    links: tuple[str, ...]
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    reply_to: str
    text_hash: str


def lang_code(value: Any) -> str | None:
    """ "nl-NL" → "nl", "EN" → "en", "" / None / "und" → None."""
    if not isinstance(value, str) or not value.strip():
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() and code != "und" else None


def web_url(value: Any) -> str:
    """``value`` when it is an http(s) address, else "". Other schemes (``javascript:``,
    ``data:``, ``vbscript:``, ``file:`` …) would run or open something when clicked; the
    template filter of the same name applies this to rows stored before it existed."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    scheme, colon, rest = url.partition(":")
    return url if colon and scheme.lower() in ("http", "https") and rest.startswith("//") else ""


def tidy(text: str) -> str:
    text = _SPACES_RE.sub(" ", text)
    return _BLANK_LINES_RE.sub("\n\n", text).strip()


def expand_links(text: str, links: tuple[str, ...]) -> str:
    """Replace display-shortened URLs ("example.nl/blog/lange-t…") by the post's full link."""
    if not links or ("…" not in text and "..." not in text):
        return text

    def full(match: re.Match[str]) -> str:
        shown = match.group(0)
        stem = shown.rstrip(".…")
        bare = stem.split("://", 1)[-1].lower()
        for link in links:
            if link.split("://", 1)[-1].lower().startswith(bare):
                return link
        return shown

    return _TRUNCATED_RE.sub(full, text)


def text_hash(text: str) -> str:
    """16 hex digits shared by posts that differ only in case, punctuation, links, mentions
    or a leading "RT"/"via": near-identical reposts."""
    core = _HASH_SPACES_RE.sub(" ", _HASH_DROP_RE.sub(" ", text.casefold())).strip()
    return hashlib.blake2b(core.encode("utf-8"), digest_size=8).hexdigest()


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def normalise(
    *,
    network: str,
    remote_id: Any,
    text: Any,
    created_at: Any,
    url: str = "",
    author_handle: str = "",
    author_name: str = "",
    lang: Any = None,
    links: tuple[str, ...] = (),
    hashtags: tuple[str, ...] = (),
    mentions: tuple[str, ...] = (),
    reply_to: str | None = None,
) -> Normalised:
    """See the module docstring; raises :class:`Rejected`."""
    if network not in NETWORKS:
        raise Rejected("bad_network")
    remote = str(remote_id).strip() if remote_id is not None else ""
    if not remote:
        raise Rejected("no_id")
    if len(remote) > MAX_REMOTE_ID:
        raise Rejected("id_too_long")
    if not isinstance(created_at, datetime) or created_at.tzinfo is None:
        raise Rejected("bad_time")
    if not isinstance(text, str):
        raise Rejected("no_text")
    all_links = _unique(web_url(link) for link in links)
    plain = tidy(expand_links(text, all_links))[:MAX_TEXT]
    if not plain:
        raise Rejected("no_text")
    tags = _unique(
        [t.lower().lstrip("#") for t in hashtags]
        + [m.group("tag").lower() for m in HASHTAG_RE.finditer(plain)]
    )
    handles = _unique(
        [m if m.startswith(("@", "did:")) else "@" + m for m in mentions]
        + [m.group(0).lower() for m in MASTODON_MENTION_RE.finditer(plain)]
    )
    return Normalised(
        network=network,
        remote_id=remote,
        url=web_url(url)[:500],
        author_handle=(author_handle or "")[:200],
        author_name=(author_name or "")[:200],
        text=plain,
        lang=lang_code(lang),
        published_at=created_at,
        links=all_links,
        hashtags=tags,
        mentions=handles,
        reply_to=(reply_to or "")[:300],
        text_hash=text_hash(plain),
    )
