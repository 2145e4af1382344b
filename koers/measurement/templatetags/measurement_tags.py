"""Template filters of the measurement pages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from koers.measurement.formulas import formula_text

register = template.Library()


@register.filter
def formula(text: str) -> str:
    """A KPI formula in the page's language: ``{{ kpi.formula|formula }}``."""
    return formula_text(text, get_language() or "nl")
