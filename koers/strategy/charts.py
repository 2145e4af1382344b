"""Geometry for the server-drawn SVG charts (one code path for the page and the PDF).

The templates ``strategy/charts/ladder.svg.html`` and ``funnel.svg.html`` draw what these
functions compute; no inline script or style, so the markup passes the strict CSP.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.strategy import technographics as tg
from koers.strategy.status import pick

LABEL_WIDTH = 210
BAR_WIDTH = 330
ROW_HEIGHT = 34


@dataclass(frozen=True)
class LadderBar:
    y: float
    label: str
    percentage: float | None
    members: int | None
    width: float
    benchmark: float | None
    benchmark_x: float | None
    text_x: float
    rung: str


@dataclass(frozen=True)
class Ladder:
    width: int
    height: int
    bars: tuple[LadderBar, ...]
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH
    row_height: int = ROW_HEIGHT
    has_benchmark: bool = False


def ladder(profile: tg.TechnographicsProfile, benchmark: tg.Benchmark | None = None) -> Ladder:
    """The Technographics ladder: Creators at the top, Inactives at the bottom; bar length is the
    percentage of respondents; a vertical tick marks the benchmark's figure."""
    bars = []
    for i, rung in enumerate(tg.Rung):
        pct = profile.pct(rung)
        bench = benchmark.percentages.get(rung) if benchmark else None
        width = BAR_WIDTH * (pct or 0) / 100
        bars.append(
            LadderBar(
                y=i * ROW_HEIGHT + 6,
                label=pick(tg.RUNG_NAMES[rung]),
                percentage=tg.round_pct(pct),
                members=profile.rungs[rung].members,
                width=round(width, 1),
                benchmark=bench,
                benchmark_x=(
                    round(LABEL_WIDTH + BAR_WIDTH * bench / 100, 1) if bench is not None else None
                ),
                text_x=LABEL_WIDTH + BAR_WIDTH + 8,
                rung=rung.value,
            )
        )
    return Ladder(
        width=LABEL_WIDTH + BAR_WIDTH + 90,
        height=len(bars) * ROW_HEIGHT + 10,
        bars=tuple(bars),
        has_benchmark=benchmark is not None,
    )


@dataclass(frozen=True)
class FunnelBar:
    y: float
    x: float
    width: float
    label: str
    count: int | None


@dataclass(frozen=True)
class FunnelChart:
    width: int
    height: int
    bars: tuple[FunnelBar, ...]
    label_x: int
    count_x: int


def funnel(rows: list[tuple[str, int | None]]) -> FunnelChart:
    """Stage names on the left, centred bars whose width is the stage count relative to the
    largest (so the shape narrows like a funnel), the count on the right."""
    label_width, area, row = 190, 300, 30
    largest = max((c for _n, c in rows if c), default=0)
    bars = []
    for i, (name, count) in enumerate(rows):
        w = max(3.0, area * (count or 0) / largest) if largest else 3.0
        x = label_width + 10 + (area - w) / 2
        bars.append(FunnelBar(i * row + 4, round(x, 1), round(w, 1), name, count))
    width = label_width + area + 90
    return FunnelChart(
        width, len(rows) * row + 8, tuple(bars), label_width, label_width + area + 20
    )
