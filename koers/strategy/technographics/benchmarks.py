"""Published Technographics benchmarks and the comparison of a profile with one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from koers.strategy.technographics.ladder import Bilingual, Rung
from koers.strategy.technographics.profile import TechnographicsProfile


@dataclass(frozen=True)
class Benchmark:
    """Published rung percentages. ``None`` means the publication gives no figure."""

    id: str
    label: Bilingual
    data_year: str
    population: Bilingual
    source: str
    percentages: Mapping[Rung, float | None]
    sample_size: int | None = None


def _rungs(**values: float) -> dict[Rung, float | None]:
    return {rung: values.get(rung.value) for rung in Rung}


BENCHMARKS: Mapping[str, Benchmark] = {
    b.id: b
    for b in (
        Benchmark(
            id="us-2007",
            label={"en": "US online adults, 2007", "nl": "Online volwassenen VS, 2007"},
            data_year="2007",
            population={"en": "US online adults", "nl": "Online volwassenen in de VS"},
            source="Forrester Research Social Technographics (2007), as published in "
            "Li & Bernoff, Groundswell (2008)",
            percentages=_rungs(
                creators=18, critics=25, collectors=12, joiners=25, spectators=48, inactives=44
            ),
        ),
        Benchmark(
            id="us-2009q4",
            label={"en": "US online adults, Q4 2009", "nl": "Online volwassenen VS, Q4 2009"},
            data_year="Q4 2009",
            population={"en": "US online adults", "nl": "Online volwassenen in de VS"},
            source="Forrester Research, Social Technographics update introducing "
            "Conversationalists (2010)",
            sample_size=10_112,
            percentages=_rungs(
                creators=24,
                conversationalists=33,
                critics=37,
                collectors=20,
                joiners=59,
                spectators=70,
                inactives=17,
            ),
        ),
        Benchmark(
            id="europe-2007",
            label={"en": "European online adults, 2007", "nl": "Online volwassenen Europa, 2007"},
            data_year="2007",
            population={"en": "European online adults", "nl": "Online volwassenen in Europa"},
            source="Forrester Research, European Technographics (2007)",
            percentages=_rungs(creators=10, critics=19, collectors=9, joiners=13, spectators=40),
        ),
        Benchmark(
            id="netherlands-2007",
            label={"en": "Dutch online adults, 2007", "nl": "Online volwassenen Nederland, 2007"},
            data_year="2007",
            population={"en": "Dutch online adults", "nl": "Online volwassenen in Nederland"},
            source="Forrester Research, European Technographics (2007), Dutch figure",
            percentages=_rungs(creators=17),
        ),
    )
}
"""Published benchmarks from DOMAIN.md §2. Check the source before quoting a figure externally."""


@dataclass(frozen=True)
class RungComparison:
    """Profile vs benchmark for one rung; ``difference`` in percentage points (profile − bench)."""

    rung: Rung
    profile: float | None
    benchmark: float | None
    difference: float | None


def compare(profile: TechnographicsProfile, benchmark: Benchmark) -> tuple[RungComparison, ...]:
    """Per-rung differences in ladder order. ``None`` where either side has no figure."""
    result = []
    for rung in Rung:
        mine, theirs = profile.pct(rung), benchmark.percentages.get(rung)
        diff = mine - theirs if mine is not None and theirs is not None else None
        result.append(RungComparison(rung, mine, theirs, diff))
    return tuple(result)
