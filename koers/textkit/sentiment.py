"""The one sentiment interface of koers: :func:`analyse`.

Contract:

* ``analyse(texts, lang_hint=None, backend="lexicon")`` returns one :class:`Result` per text,
  in order. A backend is called once per call with all texts it must score (batched).
* ``lang_hint`` is one language for all texts or a list with one entry per text; an entry
  that is given (the source's own language field) wins over detection, ``None`` or "" means
  "detect". Hints are normalised ("nl-NL" → "nl").
* Empty and whitespace-only texts are neutral with score 0.0 and no backend is asked.
* A backend may decline a text (return ``None`` for it, e.g. a language it does not know);
  that text falls back to the ``lexicon`` backend and its Result says ``backend="lexicon"``.
* A backend that cannot run at all (package missing) raises
  :class:`~koers.textkit.messages.BackendUnavailable` with an English and a Dutch message,
  instead of silently giving other answers.

Backends: ``lexicon`` (fast, for streams; VADER for English, our Dutch scorer for Dutch,
emoji/emoticons only for a text whose language is unknown — an emoji-only post —, and no
sentiment (neutral, 0.0) for any other language: it has no lexicon, and a guess from a few
words that happen to be English or Dutch would be a wrong answer) and ``embedding``
(multilingual-e5-small plus a logistic-regression head; for mentions a person reads).
Scores are in [-1, 1].
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, Protocol

from koers.textkit import lexicon_nl
from koers.textkit.language import UNKNOWN, detect_languages
from koers.textkit.messages import InputError, TextkitError
from koers.textkit.normalise import tokens

if TYPE_CHECKING:
    from koers.textkit.head import Head

LABELS: Final = ("positive", "neutral", "negative")
#: Languages the lexicon backend has a lexicon for; other known languages get no sentiment.
LEXICON_LANGUAGES: Final = ("nl", "en")
# VADER's own recommendation for its compound score.
ENGLISH_NEUTRAL_BAND: Final = 0.05
# Tuned on koers/textkit/tests/data/sentiment_nl.tsv (our own posts): see README.md.
DUTCH_NEUTRAL_BAND: Final = 0.1
SYMBOL_NEUTRAL_BAND: Final = 0.1
# Streams can carry pasted essays; the lexicon cost is linear, but bounded is better.
MAX_LEXICON_CHARS: Final = 10_000


@dataclass(frozen=True, slots=True)
class Result:
    """Sentiment of one text: ``label`` is positive/neutral/negative, ``score`` in [-1, 1],
    ``lang`` the language used (hinted or detected, "unknown" when unsure), ``backend`` the
    backend that produced it."""

    lang: str
    label: str
    score: float
    backend: str


Scored = tuple[str, float]


class Backend(Protocol):
    """Scores many texts at once. Returns ``(label, score)`` or ``None`` (declined) per text."""

    name: str

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> list[Scored | None]: ...


def label_for(score: float, band: float) -> str:
    """positive above ``band``, negative below ``-band``, neutral in between."""
    if score > band:
        return "positive"
    if score < -band:
        return "negative"
    return "neutral"


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def symbol_polarity(text: str) -> float:
    """Language-independent best effort: emoji and emoticons only."""
    total = sum(t.valence for t in tokens(text) if t.kind == "symbol")
    return lexicon_nl.squash(total)


class LexiconBackend:
    """VADER for English, :mod:`koers.textkit.lexicon_nl` for Dutch, emoji/emoticons for text
    of unknown language, neutral for other languages. Never declines a text."""

    name = "lexicon"

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> list[Scored | None]:
        out: list[Scored | None] = []
        for text, lang in zip(texts, langs, strict=True):
            text = text[:MAX_LEXICON_CHARS]
            if lang == "en":
                value = float(_vader().polarity_scores(text)["compound"])
                out.append((label_for(value, ENGLISH_NEUTRAL_BAND), value))
            elif lang == "nl":
                value = lexicon_nl.polarity(text)
                out.append((label_for(value, DUTCH_NEUTRAL_BAND), value))
            elif lang != UNKNOWN:
                out.append(("neutral", 0.0))  # no lexicon for this language: no sentiment
            else:
                value = symbol_polarity(text)
                out.append((label_for(value, SYMBOL_NEUTRAL_BAND), value))
        return out


class EmbeddingBackend:
    """multilingual-e5-small embeddings and a logistic-regression head (default: the one in
    ``heads/``; pass a workspace's own head to use what its team taught). Never declines."""

    name = "embedding"

    def __init__(self, head: Head | None = None) -> None:
        self._head = head

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> list[Scored | None]:
        from koers.textkit.embedding import embed
        from koers.textkit.head import load_default_head

        vectors = embed(texts)  # first: a missing package is the error to report
        head = self._head if self._head is not None else _default_head(load_default_head)
        return list(head.predict(vectors))


@lru_cache(maxsize=1)
def _default_head(loader: Callable[[], Head]) -> Head:
    return loader()


_BACKENDS: dict[str, Backend] = {"lexicon": LexiconBackend(), "embedding": EmbeddingBackend()}


def register_backend(backend: Backend) -> None:
    """Make ``backend`` available to :func:`analyse` under ``backend.name`` (tests, plugins)."""
    _BACKENDS[backend.name] = backend


def unregister_backend(name: str) -> None:
    """Remove a backend added with :func:`register_backend`; built-ins stay."""
    if name not in ("lexicon", "embedding"):
        _BACKENDS.pop(name, None)


def backend_names() -> tuple[str, ...]:
    """Names :func:`analyse` accepts."""
    return tuple(_BACKENDS)


def normalise_lang(value: str | None) -> str | None:
    """ "nl-NL" → "nl", "EN" → "en", None/"" → None (detect)."""
    if not value or not value.strip():
        return None
    return value.strip().lower().replace("_", "-").split("-")[0]


def _hints(lang_hint: str | Sequence[str | None] | None, n: int) -> list[str | None]:
    if lang_hint is None or isinstance(lang_hint, str):
        return [normalise_lang(lang_hint)] * n
    hints = list(lang_hint)
    if len(hints) != n:
        raise InputError("hint_length", hints=len(hints), texts=n)
    return [normalise_lang(h) for h in hints]


def analyse(
    texts: Sequence[str],
    lang_hint: str | Sequence[str | None] | None = None,
    backend: str = "lexicon",
    *,
    head: Head | None = None,
    detector: str | None = None,
) -> list[Result]:
    """Sentiment of every text (see the module docstring for the contract).

    ``head`` (embedding backend only) replaces the default head, e.g. a workspace's own.
    ``detector`` picks the language detector (default: the measured best, see
    :mod:`koers.textkit.language`).
    """
    if backend not in _BACKENDS:
        raise TextkitError("unknown_backend", backend=backend, choices=", ".join(sorted(_BACKENDS)))
    if head is not None and backend != "embedding":
        raise ValueError("a head is only used by the embedding backend")
    chosen: Backend = EmbeddingBackend(head) if head is not None else _BACKENDS[backend]
    texts = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
    langs = _hints(lang_hint, len(texts))
    blank = [not t.strip() for t in texts]
    to_detect = [i for i, lang in enumerate(langs) if lang is None and not blank[i]]
    if to_detect:
        kwargs = {"detector": detector} if detector else {}
        found = detect_languages([texts[i] for i in to_detect], **kwargs)
        for i, lang in zip(to_detect, found, strict=True):
            langs[i] = lang
    final_langs = [lang or UNKNOWN for lang in langs]

    results: list[Result | None] = [None] * len(texts)
    for i in range(len(texts)):
        if blank[i]:
            results[i] = Result(final_langs[i], "neutral", 0.0, chosen.name)
    todo = [i for i in range(len(texts)) if not blank[i]]
    if todo:
        scored = chosen.score([texts[i] for i in todo], [final_langs[i] for i in todo])
        declined = []
        for i, item in zip(todo, scored, strict=True):
            if item is None:
                declined.append(i)
            else:
                results[i] = Result(final_langs[i], item[0], _clip(item[1]), chosen.name)
        if declined:
            fallback = _BACKENDS["lexicon"]
            again = fallback.score([texts[i] for i in declined], [final_langs[i] for i in declined])
            for i, item in zip(declined, again, strict=True):
                label, value = item if item is not None else ("neutral", 0.0)
                results[i] = Result(final_langs[i], label, _clip(value), fallback.name)
    return [r for r in results if r is not None]


def _clip(value: float) -> float:
    return max(-1.0, min(1.0, float(value)))
