from __future__ import annotations

import string

from koers.textkit.messages import CATALOGUE, BackendUnavailable, message


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_exists_in_english_and_dutch_with_the_same_fields() -> None:
    for key, texts in CATALOGUE.items():
        assert set(texts) == {"en", "nl"}, key
        assert fields(texts["en"]) == fields(texts["nl"]), key


def test_an_unknown_language_falls_back_to_english() -> None:
    assert message("file_not_found", "fr", path="x") == "File not found: x."


def test_an_error_translates_itself() -> None:
    error = BackendUnavailable("head_missing", path="h.npz")
    assert "h.npz" in str(error)
    assert error.translated("nl").startswith("Het bestand 'h.npz'")
