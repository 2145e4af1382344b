"""Pure logic of the listening pages: chart geometry, rising terms, top lists. No Django.

* :func:`line_chart` — polylines for a server-rendered SVG (one code path for HTML and PDF).
* :func:`rising_terms` — terms that rose most versus the previous period.
* :func:`top_counts` — the most frequent values of list fields (hashtags, links).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from koers.query import fold

_WORD_RE: Final = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)
_URL_RE: Final = re.compile(r"https?://\S+|@\S+")

# Common Dutch and English words that never say what a conversation is about.
_STOPWORD_TEXT: Final = """
    de het een en van in is op te dat die voor met niet zijn er aan ook als bij of maar om dan
    nog wel naar uit worden kan al zo door over tot hebben wordt moet geen je we ik u jij hij
    zij ze wij mijn jouw onze hun hier daar wat wie waar hoe waarom deze dit meer heel echt weer
    was waren had heeft mij me ons nu toch even gaat gaan komt wil zou kunnen na of iets alle
    the a an and or of to in on at for with is are was were be been it this that these those
    i you he she we they my your our their me him her us them not no yes so but if then than
    just very really from by as about into out up down more most all any some can will would
    have has had do does did what who where when why how there here its it's
"""
STOPWORDS: Final = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    points: str  # "x,y x,y …" for <polyline points=…>
    total: int


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    bottom: int
    top: int
    lines: tuple[Line, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[tuple[float, int], ...]  # (y, value)
    max_value: int


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


def line_chart(
    series: Sequence[tuple[str, str, Sequence[int]]],
    labels: Sequence[str],
    *,
    width: int = 760,
    height: int = 240,
    max_ticks: int = 8,
) -> Chart:
    """Geometry of a line chart: ``series`` is (name, colour, values per label)."""
    left, right, top, bottom = 44, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((max(values, default=0) for _n, _c, values in series), default=0)
    top_value = _nice_max(peak)
    count = max(len(labels), 1)

    def x(index: int) -> float:
        return left + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y(value: int) -> float:
        return top + plot_h - plot_h * value / top_value

    lines = tuple(
        Line(
            name,
            colour,
            " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values)),
            sum(values),
        )
        for name, colour, values in series
    )
    step = max(1, -(-count // max_ticks))
    x_ticks = tuple(Tick(x(i), labels[i]) for i in range(0, len(labels), step))
    y_ticks = tuple((y(v), v) for v in (0, top_value // 2, top_value))
    return Chart(width, height, left, height - bottom, top, lines, x_ticks, y_ticks, top_value)


def terms(text: str) -> list[str]:
    """Folded content words of ``text`` (no links, mentions, stopwords or one-letter words)."""
    words = _WORD_RE.findall(_URL_RE.sub(" ", text))
    folded = (fold(w.lstrip("#")) for w in words)
    return [w for w in folded if len(w) > 2 and w not in STOPWORDS]


@dataclass(frozen=True)
class RisingTerm:
    term: str
    now: int
    before: int

    @property
    def growth(self) -> float:
        return (self.now + 1) / (self.before + 1)


def rising_terms(
    current: Iterable[str],
    previous: Iterable[str],
    *,
    limit: int = 10,
    min_count: int = 3,
    exclude: Iterable[str] = (),
) -> list[RisingTerm]:
    """Terms used at least ``min_count`` times now that grew most vs the previous period
    (growth = (now + 1) / (before + 1), ties by how often they occur now). Each text counts a
    term once, so one long post can't make a trend."""
    skip = {fold(e) for e in exclude}
    now: Counter[str] = Counter()
    for text in current:
        now.update(set(terms(text)))
    before: Counter[str] = Counter()
    for text in previous:
        before.update(set(terms(text)))
    found = [
        RisingTerm(term, n, before[term])
        for term, n in now.items()
        if n >= min_count and term not in skip
    ]
    found = [t for t in found if t.growth > 1]
    found.sort(key=lambda t: (-t.growth, -t.now, t.term))
    return found[:limit]


def top_counts(lists: Iterable[Sequence[str]], limit: int = 10) -> list[tuple[str, int]]:
    """The most frequent values over many lists (each list counts a value once)."""
    counter: Counter[str] = Counter()
    for values in lists:
        counter.update(set(values))
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]


def sentiment_split(counts: Mapping[str, int]) -> dict[str, float | None]:
    """Share of positive/neutral/negative in percent, and net sentiment
    ((pos − neg) / (pos + neu + neg) · 100); None when there are no mentions."""
    pos, neu, neg = (counts.get(k, 0) for k in ("positive", "neutral", "negative"))
    total = pos + neu + neg
    if not total:
        return {"positive": None, "neutral": None, "negative": None, "net": None}
    return {
        "positive": 100 * pos / total,
        "neutral": 100 * neu / total,
        "negative": 100 * neg / total,
        "net": 100 * (pos - neg) / total,
    }
