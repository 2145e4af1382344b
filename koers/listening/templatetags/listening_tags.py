"""Template helpers for pages that show mentions (listening, inbox, alerts, measure)."""

from __future__ import annotations

from typing import Any

from django import template

from koers.core import vocabulary
from koers.listening import languages, normalise
from koers.listening.models import TopicKind

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


@register.filter
def topic_kind(topic: Any, workspace: Any = None) -> str:
    """A topic's kind in its workspace's words: a municipality tracks its own organisation and
    other organisations, not a brand and competitors (``koers.core.vocabulary``)."""
    kind = getattr(topic, "kind", topic)
    owner = workspace if workspace is not None else getattr(topic, "workspace", None)
    label = vocabulary.topic_kind_label(kind, getattr(owner, "kind", None))
    return str(label) if label is not None else str(TopicKind(kind).label)
