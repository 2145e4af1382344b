"""The 1 % rule of participation inequality (90-9-1, Nielsen 2006) applied to a cycle.

The audience size is the funnel's first stage; the shares are the configurable default in
:mod:`koers.strategy.technographics.tactics`. The Technographics profile says how many of the
audience *are* creators somewhere online; this rule says how many of the visitors of *your*
channels will create something there — a much smaller number, which is the point of showing both.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.strategy import technographics as tg
from koers.strategy.models import Cycle


@dataclass(frozen=True)
class Participation:
    audience: int | None
    """The funnel's first stage count; ``None`` when not set (the page then shows per 1,000)."""
    per: int
    creators: float
    contributors: float
    lurkers: float
    rule: tg.ParticipationRule
    profile_creators_pct: float | None


def for_cycle(cycle: Cycle, profile: tg.TechnographicsProfile | None) -> Participation:
    first = next(iter(cycle.funnel_stages.all()), None)
    audience = first.count if first is not None and first.count else None
    per = audience or 1000
    expected = tg.expected_participation(per)
    creators_pct = profile.pct(tg.Rung.CREATORS) if profile is not None else None
    return Participation(
        audience,
        per,
        expected["creators"],
        expected["contributors"],
        expected["lurkers"],
        tg.PARTICIPATION_90_9_1,
        tg.round_pct(creators_pct) if creators_pct is not None else None,
    )
