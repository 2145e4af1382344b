"""What a profile suggests: tactics and Groundswell objectives per rung, and the 90-9-1 rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from koers.strategy.technographics.ladder import ACTIVE_RUNGS, Bilingual, Rung
from koers.strategy.technographics.profile import TechnographicsProfile

DEFAULT_TACTICS: Mapping[Rung, tuple[Bilingual, ...]] = {
    Rung.CREATORS: (
        {"en": "Blogs and user-generated content",
         "nl": "Blogs en door gebruikers gemaakte content"},
        {"en": "Outreach to creators and bloggers", "nl": "Makers en bloggers actief benaderen"},
    ),
    Rung.CONVERSATIONALISTS: (
        {"en": "Dialogue through status updates and microblogs",
         "nl": "In gesprek gaan via statusupdates en microblogs"},
    ),
    Rung.CRITICS: (
        {"en": "Ratings and reviews", "nl": "Beoordelingen en reviews"},
        {"en": "Forums and discussion", "nl": "Forums en discussies"},
    ),
    Rung.COLLECTORS: (
        {"en": "RSS feeds, tagging and idea voting", "nl": "RSS-feeds, tags en stemmen op ideeën"},
    ),
    Rung.JOINERS: (
        {"en": "Pages and groups on social networks",
         "nl": "Pagina's en groepen op sociale netwerken"},
    ),
    Rung.SPECTATORS: (
        {"en": "Video, blogs and podcasts to watch, read and hear",
         "nl": "Video, blogs en podcasts om te bekijken, lezen en beluisteren"},
    ),
}  # fmt: skip
"""Rung → tactics heuristic (DOMAIN.md §2). Editable: pass your own to :func:`suggest_tactics`."""

RUNG_OBJECTIVES: Mapping[Rung, tuple[str, ...]] = {
    Rung.CREATORS: ("embracing", "energizing"),
    Rung.CONVERSATIONALISTS: ("talking", "supporting"),
    Rung.CRITICS: ("energizing", "supporting"),
    Rung.COLLECTORS: ("listening", "embracing"),
    Rung.JOINERS: ("talking", "energizing"),
    Rung.SPECTATORS: ("talking",),
}
"""Rung → Groundswell objective ids that suit it (a heuristic after Li & Bernoff, ch. 4–8:
creators and critics can be energized and help build products, joiners and spectators are
reached by talking). Listening suits every profile and is always suggested first."""


def suggest_objectives(
    advice: TacticAdvice, rules: Mapping[Rung, Sequence[str]] = RUNG_OBJECTIVES
) -> tuple[str, ...]:
    """Groundswell objective ids for the dominant rungs, "listening" first, without repeats."""
    found = ["listening"]
    for rung in advice.dominant_rungs:
        found += [o for o in rules.get(rung, ()) if o not in found]
    return tuple(found)


SMALL_BUDGET_ADVICE: Bilingual = {
    "en": "Most of the audience is inactive online: keep the social-media budget small.",
    "nl": "Het grootste deel van de doelgroep is online inactief: "
    "houd het socialemediabudget klein.",
}


@dataclass(frozen=True)
class TacticAdvice:
    """Which rungs dominate and the tactics that fit them."""

    dominant_rungs: tuple[Rung, ...]
    tactics: tuple[Bilingual, ...]
    keep_budget_small: bool
    notes: tuple[Bilingual, ...] = ()


def suggest_tactics(
    profile: TechnographicsProfile,
    rules: Mapping[Rung, Sequence[Bilingual]] = DEFAULT_TACTICS,
    *,
    margin: float = 5.0,
    inactives_threshold: float = 50.0,
) -> TacticAdvice:
    """Tactics for the dominant rung(s).

    Dominant = the known active rungs within ``margin`` percentage points of the largest one.
    When Inactives is at least ``inactives_threshold`` % the advice is to keep the social budget
    small (the tactics are still listed for the active minority). Unknown rungs never dominate.
    """
    known = {r: p for r in ACTIVE_RUNGS if (p := profile.pct(r)) is not None}
    dominant: tuple[Rung, ...] = ()
    if known and max(known.values()) > 0:
        top = max(known.values())
        dominant = tuple(r for r in ACTIVE_RUNGS if r in known and known[r] >= top - margin)
    tactics = tuple(t for rung in dominant for t in rules.get(rung, ()))
    inactives = profile.pct(Rung.INACTIVES)
    small = inactives is not None and inactives >= inactives_threshold
    return TacticAdvice(dominant, tactics, small, (SMALL_BUDGET_ADVICE,) if small else ())


@dataclass(frozen=True)
class ParticipationRule:
    """Share of an online community that creates, contributes and only reads (percent)."""

    creators: float = 1.0
    contributors: float = 9.0
    lurkers: float = 90.0
    source: str = "Jakob Nielsen, 'Participation Inequality' (2006): the 90-9-1 rule"

    def __post_init__(self) -> None:
        if abs(self.creators + self.contributors + self.lurkers - 100.0) > 1e-9:
            raise ValueError("participation shares must add up to 100")


PARTICIPATION_90_9_1 = ParticipationRule()
"""The seed's rule of thumb: ~1% of visitors create. A default; pass your own rule."""


def expected_participation(
    audience: int, rule: ParticipationRule = PARTICIPATION_90_9_1
) -> dict[str, float]:
    """Expected number of creators, contributors and lurkers in an audience of ``audience``."""
    return {
        "creators": audience * rule.creators / 100,
        "contributors": audience * rule.contributors / 100,
        "lurkers": audience * rule.lurkers / 100,
    }
