"""The KPI catalogue as the page and ``koers kpi list --json`` show it (both languages)."""

from __future__ import annotations

from koers.measurement.formulas import KPI_CATALOGUE, KpiDefinition
from koers.strategy.rules.levels import LEVELS


def entry(definition: KpiDefinition) -> dict:
    """Stable JSON shape of one catalogue entry (documented in ``commands/kpi.py``)."""
    return {
        "id": definition.id,
        "name": dict(definition.name),
        "level": definition.level.value,
        "level_name": dict(LEVELS[definition.level]["name"]),
        "formula": definition.formula,
        "numerator": dict(definition.numerator) if definition.numerator else None,
        "denominator": dict(definition.denominator) if definition.denominator else None,
        "unit": definition.unit.value,
        "variants": [
            {"id": v.id, "name": dict(v.name), "formula": v.formula} for v in definition.variants
        ],
        "default_variant": definition.default_variant,
    }


def entries() -> list[dict]:
    return [entry(d) for d in KPI_CATALOGUE.values()]
