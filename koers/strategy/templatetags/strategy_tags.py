"""Template helpers for the strategy pages: bilingual texts from the pure modules, lines."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

from koers.strategy import status
from koers.strategy.technographics.report import round_pct

register = template.Library()


@register.filter
def bi(text: Mapping[str, str] | None) -> str:
    """``{"en": …, "nl": …}`` in the active language."""
    return status.pick(text)


@register.filter
def pct(value: float | None) -> float | None:
    """A percentage rounded half up to one decimal (``None`` stays "no value")."""
    return round_pct(value)


@register.filter
def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def kpi_name(kpi_id: str) -> str:
    return status.kpi_label(kpi_id)


@register.filter
def kpi_unit(unit: str) -> str:
    """A stored KPI unit ("seconds") in the page's language ("seconden")."""
    return status.unit_name(unit) if unit else ""


@register.filter
def get(mapping: Mapping, key: object) -> object:
    return mapping.get(key) if mapping else None


@register.filter
def pct_of(fraction: float | None) -> float | None:
    """A fraction (0.25) as a percentage rounded half up (25.0)."""
    return None if fraction is None else round_pct(fraction * 100)


@register.filter
def smart_letters(result: object) -> tuple:
    """The S-M-A-R-T checks of a ``SmartResult`` (whose ``[]`` looks up a letter, so the
    template engine can't reach ``.letters`` by itself)."""
    return getattr(result, "letters", ())
