from __future__ import annotations

from koers.textkit.sentiment import analyse


def scores(*texts: str) -> list[float]:
    return [r.score for r in analyse(list(texts), lang_hint="en")]


def test_english_uses_vader() -> None:
    [result] = analyse(["I love this, great job!"], lang_hint="en")
    assert (result.lang, result.label, result.backend) == ("en", "positive", "lexicon")


def test_english_negation_flips_the_sign() -> None:
    good, not_good = scores("The service was good", "The service was not good")
    assert good > 0 > not_good


def test_english_intensifiers_strengthen() -> None:
    good, very_good = scores("The food was good", "The food was extremely good")
    assert very_good > good > 0


def test_english_emoji_count() -> None:
    neutral, happy = scores("Pizza tonight", "Pizza tonight 😍")
    assert happy > neutral


def test_a_factual_english_post_is_neutral() -> None:
    assert analyse(["The train leaves at 8:15 from platform 5"], "en")[0].label == "neutral"
