"""The Social Technographics ladder: rungs, their activities, frequencies and membership.

* Rungs overlap: a respondent can be a Creator *and* a Spectator. Only Inactives is exclusive.
* Membership: Creators, Critics, Collectors, Joiners and Spectators need any of their activities
  at least **monthly**; Conversationalists need one at least **weekly**.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

Bilingual = Mapping[str, str]
"""A user-facing text in both product languages: ``{"en": ..., "nl": ...}``."""


class Frequency(enum.IntEnum):
    """How often a respondent does an activity. Ordinal: comparisons mean "at least"."""

    NEVER = 0
    LESS = 1
    MONTHLY = 2
    WEEKLY = 3
    DAILY = 4


class Rung(enum.StrEnum):
    """The seven rungs of the Social Technographics ladder (Conversationalists from 2010)."""

    CREATORS = "creators"
    CONVERSATIONALISTS = "conversationalists"
    CRITICS = "critics"
    COLLECTORS = "collectors"
    JOINERS = "joiners"
    SPECTATORS = "spectators"
    INACTIVES = "inactives"


ACTIVE_RUNGS: tuple[Rung, ...] = tuple(r for r in Rung if r is not Rung.INACTIVES)
"""The six rungs defined by activities, in ladder order."""

RUNG_ACTIVITIES: Mapping[Rung, tuple[str, ...]] = {
    Rung.CREATORS: (
        "publish_blog",
        "publish_webpage",
        "upload_video",
        "upload_audio",
        "write_articles",
    ),
    Rung.CONVERSATIONALISTS: ("update_status", "post_microblog"),
    Rung.CRITICS: ("post_reviews", "comment_blogs", "contribute_forums", "edit_wikis"),
    Rung.COLLECTORS: ("use_rss", "tag_content", "vote_websites"),
    Rung.JOINERS: ("maintain_profile", "visit_social_networks"),
    Rung.SPECTATORS: (
        "read_blogs",
        "watch_video",
        "listen_podcasts",
        "read_forums",
        "read_reviews",
    ),
}
"""Survey column ids per rung, exactly as DOMAIN.md §2."""

ACTIVITY_RUNG: Mapping[str, Rung] = {
    activity: rung for rung, activities in RUNG_ACTIVITIES.items() for activity in activities
}
ACTIVITY_IDS: frozenset[str] = frozenset(ACTIVITY_RUNG)

RUNG_THRESHOLD: Mapping[Rung, Frequency] = {
    Rung.CREATORS: Frequency.MONTHLY,
    # Forrester defined Conversationalists (2010) on weekly status updates: a monthly tweet
    # is not a conversation.
    Rung.CONVERSATIONALISTS: Frequency.WEEKLY,
    Rung.CRITICS: Frequency.MONTHLY,
    Rung.COLLECTORS: Frequency.MONTHLY,
    Rung.JOINERS: Frequency.MONTHLY,
    Rung.SPECTATORS: Frequency.MONTHLY,
}
"""Minimum frequency of any one activity that makes a respondent a member of the rung."""

RUNG_NAMES: Mapping[Rung, Bilingual] = {
    Rung.CREATORS: {"en": "Creators", "nl": "Creators (makers)"},
    Rung.CONVERSATIONALISTS: {"en": "Conversationalists", "nl": "Conversationalists (praters)"},
    Rung.CRITICS: {"en": "Critics", "nl": "Critics (critici)"},
    Rung.COLLECTORS: {"en": "Collectors", "nl": "Collectors (verzamelaars)"},
    Rung.JOINERS: {"en": "Joiners", "nl": "Joiners (deelnemers)"},
    Rung.SPECTATORS: {"en": "Spectators", "nl": "Spectators (toeschouwers)"},
    Rung.INACTIVES: {"en": "Inactives", "nl": "Inactives (inactieven)"},
}

# Keys are normalised with _normalise_word(); "less often" / "minder vaak" are the words on
# Forrester's questionnaires, "less" / "minder" the short forms in DOMAIN.md.
FREQUENCY_WORDS: Mapping[str, Frequency] = {
    "daily": Frequency.DAILY,
    "weekly": Frequency.WEEKLY,
    "monthly": Frequency.MONTHLY,
    "less": Frequency.LESS,
    "less often": Frequency.LESS,
    "never": Frequency.NEVER,
    "dagelijks": Frequency.DAILY,
    "wekelijks": Frequency.WEEKLY,
    "maandelijks": Frequency.MONTHLY,
    "minder": Frequency.LESS,
    "minder vaak": Frequency.LESS,
    "nooit": Frequency.NEVER,
}


def _normalise_word(text: str) -> str:
    return " ".join(text.strip().lower().split())


class UnknownFrequencyError(ValueError):
    """Raised by :func:`parse_frequency` for a word that isn't a frequency."""


def parse_frequency(word: str) -> Frequency | None:
    """Parse an English or Dutch frequency word, ignoring case and extra whitespace.

    Returns ``None`` for a blank cell ("no answer"). Raises :class:`UnknownFrequencyError` for
    any other word, so a typo is never silently read as "never".
    """
    key = _normalise_word(word)
    if not key:
        return None
    try:
        return FREQUENCY_WORDS[key]
    except KeyError:
        raise UnknownFrequencyError(word) from None


def rungs_for(answers: Mapping[str, Frequency | None]) -> frozenset[Rung]:
    """The rungs a respondent belongs to, given their answers per activity id.

    Activities missing from ``answers`` (or answered blank) don't count. The result contains
    :attr:`Rung.INACTIVES` alone when no other rung applies; callers that know some rungs
    weren't measured must interpret that (see :func:`build_profile`).
    """
    member_of = {
        rung
        for rung in ACTIVE_RUNGS
        if any(
            (freq := answers.get(activity)) is not None and freq >= RUNG_THRESHOLD[rung]
            for activity in RUNG_ACTIVITIES[rung]
        )
    }
    return frozenset(member_of) if member_of else frozenset({Rung.INACTIVES})
