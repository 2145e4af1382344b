"""Template helpers for pages that show mentions (listening, inbox, alerts, measure)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from koers.core import vocabulary
from koers.listening import languages, normalise
from koers.listening.models import Network, TopicKind

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


# A monochrome letter mark per network (no logo files: a letter or sign on the network's
# colour, koers/listening/static/listening/listening.css ``.net-<name>``).
NETWORK_MARKS = {
    "mastodon": "M",
    "bluesky": "B",
    "rss": "R",
    "import": "↓",
    "facebook": "f",
    "instagram": "IG",
    "threads": "@",
    "whatsapp": "WA",
    "x": "X",
    "linkedin": "in",
    "youtube": "▶",
    "tiktok": "TT",
    "news": "N",
    "forum": "Fo",
    "review": "★",
    "other": "•",
}


@register.filter
def network_icon(network: str) -> SafeString:
    """``{{ m.network|network_icon }}``: the network's mark and name ("f Facebook")."""
    name = network if network in NETWORK_MARKS else "other"
    label = Network(network).label if network in Network.values else network
    return format_html(
        '<span class="net"><span class="net-mark net-{}" aria-hidden="true">{}</span> {}</span>',
        name,
        NETWORK_MARKS[name],
        label,
    )
