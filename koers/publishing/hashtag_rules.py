"""What a hashtag is being used for right now (the #Aurora lesson, DOMAIN.md §9): pure rules.

Celeb Boutique tweeted about a dress with the trending #Aurora, which was about a shooting.
Before a post with a hashtag is approved, koers reads the tag's recent posts (networks that can
search tags, and the workspace's own listening data) and summarises them here:

* **busy**: at least ``min_posts`` posts in the window;
* **unrelated**: busy, and fewer than ``overlap_threshold`` of the tag's most frequent
  co-occurring words (the top ``top`` words, stop words and the tag itself left out) appear in
  the post's own words (its text and title, its key message, the workspace's listening topics).
  With the default 0.1 over the top 10 that is: *not one* of them;
* **negative**: busy, and at least ``negative_threshold`` of the posts that have a sentiment
  are negative (sentiment from :func:`koers.textkit.analyse` or the listening pipeline).

Pure Python, no Django; table-tested in ``tests/test_hashtag_rules.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WORD = re.compile(r"[#@]?[^\W\d_][\w'’-]{2,}", re.UNICODE)
URL = re.compile(r"https?://\S+")
_STOP_WORDS_TEXT = (
    "the and for with that this from have has are was were you your our their they them his "
    "her its but not all any can will just about into out over more most what when where who "
    "why how than then there here been being also only very much some such one two new now "
    "get got via amp rt http https www com de het een en van in op te dat die voor met zijn "
    "niet aan er om ook als bij of uit nog maar dan wel wat dit naar door over tot wordt "
    "worden zo je jij we wij ze zij hij haar hun ons onze jullie mijn meer hoe waar wie kan "
    "kunnen moet moeten zal zullen heeft hebben had was waren geen al nu toch weer veel alle "
    "iets echt gaat gaan doen"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split(" "))


def fold(word: str) -> str:
    return word.casefold().lstrip("#@").strip("'’-")


def words(text: str) -> list[str]:
    """The content words of ``text``: lower-case, without URLs, mentions, numbers and stop
    words; a hashtag counts as its word (#Aurora → aurora)."""
    found = []
    for match in WORD.finditer(URL.sub(" ", text or "")):
        token = match.group(0)
        if token.startswith("@"):
            continue
        word = fold(token)
        if len(word) >= 3 and word not in STOP_WORDS:
            found.append(word)
    return found


@dataclass(frozen=True)
class TagPost:
    text: str
    created_at: datetime
    sentiment: str | None = None
    """"positive", "neutral", "negative" or ``None`` (not scored)."""
    source: str = ""


@dataclass(frozen=True)
class TagSummary:
    tag: str
    posts: int
    window_hours: int
    top_words: tuple[tuple[str, int], ...]
    sentiment: Mapping[str, int]
    per_source: Mapping[str, int]

    @property
    def per_hour(self) -> float:
        return self.posts / self.window_hours

    @property
    def negative_share(self) -> float | None:
        """Negative posts over the posts with a sentiment; ``None`` without any."""
        scored = sum(self.sentiment.values())
        return self.sentiment.get("negative", 0) / scored if scored else None

    @property
    def negative_pct(self) -> float | None:
        share = self.negative_share
        return None if share is None else share * 100


def summarise(
    tag: str, posts: Iterable[TagPost], *, now: datetime, window_hours: int = 24, top: int = 10
) -> TagSummary:
    """The posts of the last ``window_hours`` (before ``now``): how many, the ``top`` most
    frequent words besides the tag (counted once per post), the sentiment counts."""
    since = now - timedelta(hours=window_hours)
    own = fold(tag)
    recent = [p for p in posts if since <= p.created_at <= now]
    counts: Counter[str] = Counter()
    for post in recent:
        counts.update({w for w in words(post.text) if w != own})
    sentiment = Counter(p.sentiment for p in recent if p.sentiment)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return TagSummary(
        own,
        len(recent),
        window_hours,
        tuple(ordered),
        dict(sentiment),
        dict(Counter(p.source for p in recent)),
    )


@dataclass(frozen=True)
class TagVerdict:
    summary: TagSummary
    busy: bool
    overlap: float | None
    """Share of the top words that are also the post's own words; ``None`` without top words."""
    shared_words: tuple[str, ...]
    unrelated: bool
    negative: bool

    @property
    def warn(self) -> bool:
        return self.unrelated or self.negative


def judge(
    summary: TagSummary,
    own_words: Iterable[str],
    *,
    min_posts: int = 5,
    overlap_threshold: float = 0.1,
    negative_threshold: float = 0.4,
) -> TagVerdict:
    """Whether the tag is busy with a subject unrelated to the post, or a negative one."""
    mine = {fold(w) for w in own_words}
    top = [w for w, _n in summary.top_words]
    shared = tuple(w for w in top if w in mine)
    overlap = len(shared) / len(top) if top else None
    busy = summary.posts >= min_posts
    unrelated = busy and overlap is not None and overlap < overlap_threshold
    share = summary.negative_share
    negative = busy and share is not None and share >= negative_threshold
    return TagVerdict(summary, busy, overlap, shared, unrelated, negative)


def own_words(texts: Sequence[str]) -> set[str]:
    """The post's own words: every content word of its texts, title, key message, topics."""
    return {w for text in texts for w in words(text)}
