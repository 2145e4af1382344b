"""Template helpers for pages that show mentions (listening, inbox, alerts, measure)."""

from __future__ import annotations

from typing import Any

from django import template

from koers.listening import languages, normalise

register = template.Library()


@register.filter
def web_url(value: Any) -> str:
    """The address when it is http(s), else "": use it in every ``href`` of an address that
    came from outside (``{% if m.url|web_url %}<a href="{{ m.url|web_url }}">``), so a
    ``javascript:`` address stored before ingest refused them is never a link."""
    return normalise.web_url(value)


@register.filter
def language_name(code: str) -> str:
    """A stored language code as its name in the page's language ("ru" → "Russisch")."""
    return languages.language_name(code)
