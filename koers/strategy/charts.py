"""Geometry for the server-drawn SVG charts (one code path for the page and the PDF).

The templates ``strategy/charts/ladder.svg.html`` and ``funnel.svg.html`` draw what these
functions compute; no inline script or style, so the markup passes the strict CSP.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.strategy import rules
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


# ---------------------------------------------------------------------------------------------
# The Communicatieroos as a rose: four petals around Organiseren

ROOS_STATES = ("active", "ready", "incomplete", "too_early")
"""A petal's state: active; may be made active; missing something; active before Organiseren
was ready (old data). The template colours each and names it in the legend."""

ROOS_FILL = {
    "active": "#bfe3cf",
    "ready": "#fff0bf",
    "incomplete": "#e6e9ee",
    "too_early": "#f6cccc",
}
ROOS_STROKE = {
    "active": "#1f7a5c",
    "ready": "#b7860b",
    "incomplete": "#8a94a3",
    "too_early": "#b42318",
}
# (centre x, centre y, radius x, radius y) of each petal, clockwise from the top.
_PETAL_SHAPES = ((300, 100, 122, 80), (482, 232, 98, 108), (300, 364, 122, 80), (118, 232, 98, 108))


@dataclass(frozen=True)
class RoosPetalShape:
    petal: str
    name: str
    owner: str
    hours: float | None
    state: str
    cx: int
    cy: int
    rx: int
    ry: int
    fill: str
    stroke: str

    @property
    def text_y(self) -> int:
        # Top and bottom petals keep their text clear of the centre circle.
        shift = {100: -22, 364: 8}.get(self.cy, -14)
        return self.cy + shift


@dataclass(frozen=True)
class RoosChart:
    petals: tuple[RoosPetalShape, ...]
    centre_ready: bool
    centre_fill: str
    centre_stroke: str
    width: int = 600
    height: int = 520


def _short(text: str, length: int = 22) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def roos(petals: list, status: rules.RoosStatus) -> RoosChart:
    """``petals``: the cycle's ``RoosPetal`` rows; ``status``: ``rules.roos_status`` of them."""
    rows = {p.petal: p for p in petals}
    shapes = []
    for petal, (cx, cy, rx, ry) in zip(rules.Petal, _PETAL_SHAPES, strict=True):
        row = rows.get(petal.value)
        active = bool(row and row.active)
        if active:
            state = "active" if status.organiseren_ready else "too_early"
        else:
            state = "incomplete" if status.activation[petal].locked else "ready"
        hours = row.effort_hours_per_week if row else None
        name = pick(rules.PETAL_NAMES[petal]).split(" (")[0]
        shapes.append(
            RoosPetalShape(
                petal.value,
                name,
                _short(row.owner if row else ""),
                float(hours) if hours is not None else None,
                state,
                cx,
                cy,
                rx,
                ry,
                ROOS_FILL[state],
                ROOS_STROKE[state],
            )  # fmt: skip
        )
    ready = status.organiseren_ready
    return RoosChart(
        tuple(shapes),
        ready,
        ROOS_FILL["active" if ready else "incomplete"],
        ROOS_STROKE["active" if ready else "incomplete"],
    )


# ---------------------------------------------------------------------------------------------
# The funnel drawn as a funnel: one trapezoid per stage, narrowing with the counts


@dataclass(frozen=True)
class FunnelBand:
    points: str
    label: str
    count: int | None
    y: float
    text_y: float
    shade: str
    text_fill: str


@dataclass(frozen=True)
class FunnelShape:
    width: int
    height: int
    centre_x: float
    bands: tuple[FunnelBand, ...]
    label_x: int


_FUNNEL_SHADES = ("#1f7a5c", "#2a8c6b", "#3a9e7b", "#55b08f", "#74c0a3", "#97d0b8", "#b7dfcd")


def funnel_shape(rows: list[tuple[str, int | None]]) -> FunnelShape:
    """Stages from top to bottom as stacked trapezoids. Each band's top edge is as wide as its
    own count relative to the first known count and its bottom edge as the next stage's, so the
    shape narrows like the real funnel; unknown counts keep the width above them. Widths follow
    the square root of the share, with a floor, so a stage of 1 % is still wide enough to read
    its number — the numbers on the bands are the truth, the shape is the picture."""
    area, band, gap, label_width = 320.0, 40.0, 4.0, 210
    largest = max((c for _n, c in rows if c), default=0)
    floor = 0.24

    def width_of(count: int | None, previous: float) -> float:
        if count is None or not largest:
            return previous
        return area * max(floor, min(1.0, (count / largest) ** 0.5))

    widths: list[float] = []
    previous = area
    for _name, count in rows:
        previous = width_of(count, previous)
        widths.append(previous)
    centre = 10 + area / 2
    bands = []
    for i, (name, count) in enumerate(rows):
        top = widths[i]
        bottom = widths[i + 1] if i + 1 < len(widths) else top * 0.8
        y = i * (band + gap) + 4
        points = " ".join(
            f"{x:.1f},{yy:.1f}"
            for x, yy in (
                (centre - top / 2, y), (centre + top / 2, y),
                (centre + bottom / 2, y + band), (centre - bottom / 2, y + band),
            )
        )  # fmt: skip
        shade = _FUNNEL_SHADES[min(i, len(_FUNNEL_SHADES) - 1)]
        text = "#ffffff" if i < 4 else "#1f2d3d"  # readable on the darker and the lighter shades
        bands.append(FunnelBand(points, name, count, y, y + band / 2 + 5, shade, text))
    height = int(len(rows) * (band + gap) + 8)
    return FunnelShape(int(area + 20 + label_width), height, centre, tuple(bands), int(area + 30))
