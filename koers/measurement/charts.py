"""Server-rendered SVG charts: the ONE chart code path for pages, PDF reports and e-mail.

The SVG is drawn here rather than with pygal because pygal embeds ``<script>`` and ``<style>``
elements, which the strict CSP blocks on pages and WeasyPrint renders poorly. These charts use
only presentation attributes (``fill``, ``stroke``), so they work inlined under
``style-src 'self'``, in WeasyPrint and as files. Each chart carries a ``<title>`` and a
``<desc>``, and the templates show the same numbers in a table (accessibility, e-mail clients).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6f8b", "#9aa5b1", "#e07a5f", "#3d9970", "#b565a7", "#f2a541")
INK = "#1b2733"
MUTED = "#6b7785"
GRID = "#e3e7eb"
FONT = "DejaVu Sans, Verdana, sans-serif"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString

    def __str__(self) -> str:
        return self.svg


def nice_step(maximum: float, ticks: int = 4) -> float:
    """A round grid step (1, 2, 2.5 or 5 × 10ⁿ) so that ``ticks`` steps cover ``maximum``."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _number(value: float, language: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"
    if language == "nl":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def _text(x: float, y: float, text: str, *, anchor: str = "middle", size: int = 11,
          fill: str = MUTED, weight: str = "normal") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-family="{FONT}" fill="{fill}" font-weight="{weight}">{escape(text)}</text>'
    )


def _frame(title: str, description: str, width: int, height: int, body: list[str]) -> Chart:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="chart" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        + "".join(body)
        + "</svg>"
    )
    return Chart(title, mark_safe(svg))  # noqa: S308 - every text part is escaped above


def _y_axis(body: list[str], top: float, left: float, right: float, plot_h: float,
            maximum: float, language: str) -> float:  # fmt: skip
    step = nice_step(maximum)
    scale_max = step * max(1, math.ceil(maximum / step))
    value = 0.0
    while value <= scale_max + step / 1000:
        y = top + plot_h - value / scale_max * plot_h
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}" '
            'stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, _number(value, language), anchor="end", size=10))
        value += step
    return scale_max


def _legend(body: list[str], names: Sequence[str], x: float, y: float) -> None:
    for index, name in enumerate(names):
        colour = PALETTE[index % len(PALETTE)]
        body.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 17, y + 1, name, anchor="start", size=11, fill=INK))
        x += 30 + 7 * len(name)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    language: str = "nl",
    width: int = 720,
    height: int = 250,
) -> Chart:
    """Lines over shared x labels; ``None`` values leave a gap (unavailable is not 0)."""
    top, left, right, bottom = 34.0, 52.0, width - 14.0, height - 46.0
    plot_h, plot_w = bottom - top, right - left
    body = [_text(left, 20, title, anchor="start", size=14, fill=INK, weight="bold")]
    values = [v for _name, points in series for v in points if v is not None]
    scale_max = _y_axis(body, top, left, right, plot_h, max(values, default=0.0), language)
    n = max(len(labels), 1)
    step_x = plot_w / max(n - 1, 1)
    every = max(1, math.ceil(n / 10))
    for i, label in enumerate(labels):
        if i % every == 0 or (i == n - 1 and i % every >= every / 2):
            body.append(_text(left + i * step_x, bottom + 16, label, size=10))
    for index, (_name, points) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        segment: list[str] = []
        for i, value in enumerate(points):
            if value is None:
                _flush(body, segment, colour)
                segment = []
                continue
            y = top + plot_h - value / scale_max * plot_h
            segment.append(f"{left + i * step_x:.1f},{y:.1f}")
        _flush(body, segment, colour)
    _legend(body, [name for name, _points in series], left, height - 10)
    description = "; ".join(
        f"{name}: " + ", ".join("—" if v is None else _number(v, language) for v in points)
        for name, points in series
    )
    return _frame(title, description, width, height, body)


def _flush(body: list[str], segment: list[str], colour: str) -> None:
    if len(segment) == 1:
        x, y = segment[0].split(",")
        body.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{colour}"/>')
    elif segment:
        body.append(
            f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
            'stroke-width="2" stroke-linejoin="round"/>'
        )


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    language: str = "nl",
    width: int = 720,
    height: int = 250,
) -> Chart:
    """Grouped vertical bars; a missing value draws no bar and is labelled "—"."""
    top, left, right, bottom = 34.0, 52.0, width - 14.0, height - 46.0
    plot_h, plot_w = bottom - top, right - left
    body = [_text(left, 20, title, anchor="start", size=14, fill=INK, weight="bold")]
    values = [v for _name, points in series for v in points if v is not None]
    scale_max = _y_axis(body, top, left, right, plot_h, max(values, default=0.0), language)
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.7 / max(len(series), 1)
    fits = max(4, int(group_w / 6.2))  # about 6 px per character at font size 10
    for i, label in enumerate(labels):
        x0 = left + i * group_w + group_w * 0.15
        short = label if len(label) <= fits else label[: fits - 1] + "…"
        body.append(_text(left + (i + 0.5) * group_w, bottom + 16, short, size=10))
        for s, (_name, points) in enumerate(series):
            value = points[i] if i < len(points) else None
            x = x0 + s * bar_w
            if value is None:
                body.append(_text(x + bar_w / 2, bottom - 4, "—", size=10))
                continue
            h = value / scale_max * plot_h
            body.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
    if len(series) > 1:
        _legend(body, [name for name, _points in series], left, height - 10)
    description = "; ".join(
        f"{label}: "
        + ", ".join(
            "—" if (p[i] if i < len(p) else None) is None else _number(p[i], language)
            for _n, p in series
        )
        for i, label in enumerate(labels)
    )
    return _frame(title, description, width, height, body)


def heatmap(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: dict[tuple[int, int], tuple[float, int]],
    *,
    language: str = "nl",
    width: int = 720,
) -> Chart:
    """Weekday × hour grid: colour by mean value, the sample size printed in each cell.

    ``cells[(row, column)] = (mean, n)``; empty cells have no posts (no value, not 0).
    """
    left, top, cell_h = 40.0, 34.0, 22.0
    cell_w = (width - left - 10) / max(len(columns), 1)
    height = int(top + cell_h * len(rows) + 24)
    body = [_text(left, 20, title, anchor="start", size=14, fill=INK, weight="bold")]
    best = max((mean for mean, _n in cells.values()), default=0.0) or 1.0
    for r, row in enumerate(rows):
        y = top + r * cell_h
        body.append(_text(left - 6, y + 15, row, anchor="end", size=10))
        for c in range(len(columns)):
            x = left + c * cell_w
            if (r, c) not in cells:
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w - 1:.1f}" '
                    f'height="{cell_h - 1:.1f}" fill="#f6f7f8"/>'
                )
                continue
            mean, n = cells[(r, c)]
            opacity = 0.12 + 0.88 * (mean / best)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w - 1:.1f}" height="{cell_h - 1:.1f}"'
                f' fill="{PALETTE[0]}" fill-opacity="{opacity:.2f}"/>'
            )
            ink = "#ffffff" if opacity > 0.55 else INK
            body.append(_text(x + cell_w / 2, y + 15, str(n), size=9, fill=ink))
    for c, column in enumerate(columns):
        if c % 2 == 0:
            body.append(_text(left + (c + 0.5) * cell_w, height - 8, column, size=9))
    description = "; ".join(
        f"{rows[r]} {columns[c]}: {_number(mean, language)} (n={n})"
        for (r, c), (mean, n) in sorted(cells.items())
    )
    return _frame(title, description, width, height, body)
