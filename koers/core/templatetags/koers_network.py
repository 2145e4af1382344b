"""``{{ channel.health_reason|network_error }}``: a stored network error in the page's language."""

from __future__ import annotations

from django import template

from koers.core.neterrors import translate

register = template.Library()


@register.filter
def network_error(message: str) -> str:
    return translate(message or "")
