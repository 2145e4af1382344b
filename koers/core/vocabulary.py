"""The words a workspace's kind calls for (``Workspace.kind``).

A municipality has residents and other organisations, not customers and competitors. Pages
that speak about the public or about share of voice take their sentence from ``words`` (the
context processor puts it in every page as ``words``), each sentence a msgid of its own so
the Dutch and the English both read right.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from koers.core.models import WorkspaceKind

_COMPANY = {
    "listening_intro": _(
        "Track what people say about your organisation, your competitors and your campaigns. "
        "Start with a topic: a search query koers matches against every incoming post."
    ),
    "sov_formula": _("Brand mentions / (brand + competitors) × 100, over the chosen period."),
    "sov_missing": _(
        "Add a brand topic and at least one competitor to compare your share of voice."
    ),
    "sov_topics": _("brand and competitors"),
}
_PUBLIC = {
    "listening_intro": _(
        "Track what residents say about your organisation, about other organisations and "
        "about your campaigns. Start with a topic: a search query koers matches against every "
        "incoming post."
    ),
    "sov_formula": _(
        "Mentions of your organisation / (yours + other organisations') × 100, over the "
        "chosen period."
    ),
    "sov_missing": _(
        "Add a topic for your own organisation and at least one for another organisation to "
        "compare your share of voice."
    ),
    "sov_topics": _("your organisation and other organisations"),
}

WORDS: dict[str, dict[str, Promise]] = {
    WorkspaceKind.COMPANY: _COMPANY,
    WorkspaceKind.PUBLIC_BODY: _PUBLIC,
    WorkspaceKind.NON_PROFIT: _PUBLIC,
}


def words(kind: str | None) -> dict[str, Promise]:
    """The sentences for a workspace of ``kind``; a company's when the kind is unknown."""
    return WORDS.get(kind or "", _COMPANY)
