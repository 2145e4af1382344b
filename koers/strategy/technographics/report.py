"""Presenting a profile: rounding half up, JSON and a plain-text table."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from koers.strategy.technographics.ladder import ACTIVE_RUNGS, RUNG_NAMES, Bilingual, Rung
from koers.strategy.technographics.profile import TechnographicsProfile, sanity_warnings


def round_pct(value: float | None, places: int = 1) -> float | None:
    """Round half up (not banker's rounding: 12.25 → 12.3, as people expect on a report)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def to_json(profile: TechnographicsProfile) -> dict[str, object]:
    """``{"respondents": n, "rungs": {"creators": pct, …six rungs…}, "inactives": pct}``.

    Percentages are rounded half up to one decimal; an unknown rung is ``null``.
    """
    return {
        "respondents": profile.respondents,
        "rungs": {rung.value: round_pct(profile.pct(rung)) for rung in ACTIVE_RUNGS},
        "inactives": round_pct(profile.pct(Rung.INACTIVES)),
    }


_TABLE_TEXT: Mapping[str, Bilingual] = {
    "title": {"en": "Technographics profile: {n} respondents",
              "nl": "Technographics-profiel: {n} respondenten"},
    "header": {"en": "Rung", "nl": "Trede"},
    "members": {"en": "Members", "nl": "Leden"},
    "unknown": {"en": "unknown (no columns)", "nl": "onbekend (geen kolommen)"},
    "warnings": {"en": "Warnings:", "nl": "Waarschuwingen:"},
}  # fmt: skip


def format_table(profile: TechnographicsProfile, lang: str = "en") -> str:
    """A plain-text table of the profile for terminals and e-mail."""
    lines = [
        _TABLE_TEXT["title"][lang].format(n=profile.respondents),
        "",
        f"{_TABLE_TEXT['header'][lang]:<32} {_TABLE_TEXT['members'][lang]:>7} {'%':>6}",
    ]
    for rung in Rung:
        result = profile.rungs[rung]
        name = RUNG_NAMES[rung][lang]
        if result.members is None:
            lines.append(f"{name:<32} {_TABLE_TEXT['unknown'][lang]}")
        else:
            pct = round_pct(result.percentage)
            shown = "—" if pct is None else f"{pct:.1f}"
            lines.append(f"{name:<32} {result.members:>7} {shown:>6}")
    warnings = profile.warnings + sanity_warnings(profile)
    if warnings:
        lines += ["", _TABLE_TEXT["warnings"][lang]]
        lines += [f"  - {w.message[lang]}" for w in warnings]
    return "\n".join(lines) + "\n"
