"""Realistic generated posts for the demo and the benchmark (pure Python, reproducible).

``generate_posts(rng, subjects, count, start, end, spikes)`` yields dicts in the import file
format (``id``, ``text``, ``created_at``, ``author``, ``author_name``, ``lang``, ``network``,
``links``): Dutch and English posts about the given subjects, spread over the period with
extra volume on the spike days, with a plausible mix of praise, complaints and neutral news.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

NL_POSITIVE = [
    "Wat een mooi initiatief van {s}! 👏",
    "Complimenten aan {s}, snel en vriendelijk geholpen.",
    "Prachtige dag in {s}, het nieuwe park is echt een aanwinst #{tag}",
    "Blij met de nieuwe fietspaden in {s}, eindelijk veilig naar school.",
    "Top dat {s} het afval nu beter ophaalt. Goed gedaan!",
    "Heerlijk concert gisteravond, dank {s} 🎉 #{tag}",
]
NL_NEGATIVE = [
    "Alweer geen reactie van {s} op mijn melding. Slecht!",
    "Waarom duurt de vergunning bij {s} zo lang? Echt belachelijk.",
    "Parkeren in {s} is een ramp geworden 😡 #{tag}",
    "De website van {s} ligt er weer uit, wat een gedoe.",
    "Teleurgesteld in {s}: de beloofde bankjes staan er nog steeds niet.",
    "Kapotte straatverlichting in {s}, al weken gemeld. Onveilig!",
]
NL_NEUTRAL = [
    "Raadsvergadering van {s} vanavond om 19.30 uur, agenda op de site.",
    "{s} start maandag met werkzaamheden aan de Dorpsstraat.",
    "Weet iemand hoe laat het gemeentehuis van {s} open is?",
    "Nieuwe openingstijden milieustraat {s} #{tag} {link}",
    "Bekendmaking: {s} zoekt inwoners voor het participatiepanel.",
    "Lees het plan van {s} over de binnenstad: {link}",
]
EN_POSITIVE = [
    "Lovely weekend in {s}, the beach was amazing! #{tag}",
    "Great job by {s} on the new cycling lanes, really impressed.",
    "Thanks {s} for the quick help today 🙏",
]
EN_NEGATIVE = [
    "Terrible parking situation in {s} again, so frustrating 😠",
    "Still no answer from {s} about my complaint. Awful service.",
    "The {s} website is down again, this is ridiculous.",
]
EN_NEUTRAL = [
    "Visiting {s} next week, any tips? #{tag}",
    "{s} council meeting tonight, the agenda is online: {link}",
    "Roadworks in {s} start on Monday.",
]
OTHER = [
    "Koffie en een goed boek, meer heb ik vandaag niet nodig ☕",
    "Who else is watching the match tonight?",
    "Mooie zonsondergang vanavond 🌅",
    "New blog post about remote work: {link}",
    "Regen, regen en nog eens regen. Typisch november.",
    "Just finished a 10k run, feeling great!",
    "Iemand een tip voor een goede fietsenmaker?",
    "The new album is out and it's brilliant",
]
FIRST = [
    "jan",
    "sanne",
    "pieter",
    "fatima",
    "kees",
    "lotte",
    "mo",
    "anouk",
    "daan",
    "emma",
    "sven",
    "noor",
    "bram",
    "yara",
    "tim",
    "eva",
    "lucas",
    "sara",
    "ruben",
    "lisa",
]
INSTANCES = ["mastodon.nl", "mastodon.social", "social.vlaanderen", "mstdn.io", "toot.community"]


@dataclass(frozen=True)
class Subject:
    """What posts talk about: the name as written in posts and a hashtag."""

    name: str
    tag: str
    weight: float = 1.0


def _author(rng: random.Random, network: str) -> tuple[str, str]:
    first = rng.choice(FIRST)
    number = rng.randint(1, 400)
    name = f"{first.capitalize()} {chr(65 + number % 26)}."
    if network == "bluesky":
        return f"@{first}{number}.bsky.social", name
    return f"@{first}{number}@{rng.choice(INSTANCES)}", name


def _moment(rng: random.Random, start: datetime, end: datetime, spikes: Sequence[datetime]):
    if spikes and rng.random() < 0.25:
        day = rng.choice(spikes)
        # A spike: most posts within a few hours of the news.
        return day + timedelta(hours=abs(rng.gauss(6, 5)) % 24, minutes=rng.randint(0, 59))
    seconds = (end - start).total_seconds()
    moment = start + timedelta(seconds=rng.random() * seconds)
    # Fewer posts at night.
    if moment.hour < 7 and rng.random() < 0.7:
        moment += timedelta(hours=9)
    return min(moment, end)


def generate_posts(
    rng: random.Random,
    subjects: Sequence[Subject],
    count: int,
    start: datetime,
    end: datetime,
    spikes: Sequence[datetime] = (),
    *,
    off_topic: float = 0.15,
    english: float = 0.25,
) -> Iterator[dict[str, object]]:
    """See the module docstring; ``off_topic`` is the share of posts about none of the subjects."""
    weights = [s.weight for s in subjects]
    for number in range(count):
        network = "mastodon" if rng.random() < 0.6 else "bluesky"
        handle, name = _author(rng, network)
        link = f"https://nieuws.example/{rng.randint(1, 60)}"
        if rng.random() < off_topic:
            text = rng.choice(OTHER).format(link=link)
            lang = "en" if text.isascii() and " the " in f" {text} " else "nl"
        else:
            subject = rng.choices(subjects, weights)[0]
            is_english = rng.random() < english
            mood = rng.random()
            if is_english:
                pool = EN_NEGATIVE if mood < 0.3 else EN_POSITIVE if mood < 0.6 else EN_NEUTRAL
            else:
                pool = NL_NEGATIVE if mood < 0.3 else NL_POSITIVE if mood < 0.6 else NL_NEUTRAL
            text = rng.choice(pool).format(s=subject.name, tag=subject.tag, link=link)
            lang = "en" if is_english else "nl"
        yield {
            "id": f"{network}-{number}-{rng.getrandbits(32):08x}",
            "text": text,
            "created_at": _moment(rng, start, end, spikes).isoformat(),
            "author": handle,
            "author_name": name,
            # Most networks give the language; some posts leave it to detection.
            "lang": lang if rng.random() < 0.8 else None,
            "network": network,
            "links": [link] if link in text else [],
        }
