from __future__ import annotations

from koers.textkit.lexicon_nl import lexicon, polarity
from koers.textkit.sentiment import analyse


def label(text: str) -> str:
    return analyse([text], lang_hint="nl")[0].label


def test_plain_positive_and_negative_words_get_their_sign() -> None:
    assert label("Wat een mooie dag") == "positive"
    assert label("Wat een slechte service") == "negative"


def test_a_factual_post_is_neutral() -> None:
    assert label("De trein van 8.15 naar Amsterdam vertrekt van spoor 5") == "neutral"


def test_niet_flips_and_damps_a_positive_word() -> None:
    assert polarity("Dit is goed") > 0
    assert polarity("Dit is niet goed") < 0
    assert abs(polarity("Dit is niet goed")) < abs(polarity("Dit is goed"))


def test_niet_slecht_is_mildly_positive() -> None:
    assert 0 < polarity("Niet slecht") < polarity("Goed")


def test_geen_and_nooit_negate_too() -> None:
    assert polarity("Geen aanrader") < 0
    assert polarity("Ik ben nooit blij met jullie") < 0


def test_geen_enkele_reactie_is_a_complaint() -> None:
    assert label("Geen enkele reactie van de klantenservice") == "negative"
    assert label("Nog steeds geen internet") == "negative"


def test_negation_stops_at_the_end_of_a_sentence() -> None:
    assert polarity("Niet vandaag. Mooi weer") > 0


def test_intensifiers_strengthen_and_downtoners_weaken() -> None:
    base = polarity("Dit is leuk")
    for booster in ("heel", "erg", "super", "zeer", "echt", "ontzettend"):
        assert polarity(f"Dit is {booster} leuk") > base, booster
    assert polarity("Dit is een beetje jammer") > polarity("Dit is jammer")


def test_intensifying_compounds_are_split() -> None:
    assert polarity("superleuk") > polarity("leuk") > 0
    assert polarity("keigoed") > polarity("goed") > 0


def test_an_intensifier_alone_is_not_sentiment() -> None:
    assert polarity("Ik heb de hele taart op") == 0.0
    assert polarity("Is het echt waar") == 0.0


def test_elongated_words_are_found_and_count_as_emphasis() -> None:
    assert polarity("suuuuper") > 0
    assert polarity("mooooi") > polarity("mooi") > 0


def test_capitals_and_exclamation_marks_add_emphasis() -> None:
    assert polarity("Dit is SLECHT") < polarity("Dit is slecht") < 0
    assert polarity("Mooi!!!") > polarity("Mooi") > 0


def test_emoji_and_emoticons_carry_sentiment() -> None:
    assert label("Vanavond pizza 😍") == "positive"
    assert label("Alweer maandag 😩") == "negative"
    assert label("Vanavond pizza :)") == "positive"
    assert label("Trein weg :(") == "negative"


def test_maar_puts_the_weight_on_what_follows() -> None:
    assert label("Het boek is mooi maar het einde is teleurstellend") == "negative"
    assert label("Het begin was saai maar het werd geweldig") == "positive"


def test_inflected_adjectives_are_found() -> None:
    assert polarity("een mooie film") > 0
    assert polarity("een slechte film") < 0
    assert polarity("de leukste dag") > 0


def test_prepositions_that_look_like_adjectives_are_neutral() -> None:
    # "naar" is also the adjective "nasty" in the lexicon.
    assert polarity("Ik ga morgen naar Utrecht") == 0.0


def test_the_lexicon_comes_from_pattern_and_our_supplement() -> None:
    words = lexicon()
    assert len(words) > 2500
    assert words["prachtig"] > 0.5
    assert words["storing"] < 0


def test_a_negator_inside_a_phrase_does_not_negate_what_follows() -> None:
    assert label("Echt niet normaal hoe goed dit is") == "positive"


def test_common_complaint_phrases_are_negative() -> None:
    assert label("Ik ben er helemaal klaar mee") == "negative"
    assert label("De voorstelling viel erg tegen") == "negative"
