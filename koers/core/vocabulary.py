"""The words a workspace's kind calls for (``Workspace.kind``).

A municipality has residents and other organisations, not customers and competitors. Pages
that speak about the public or about share of voice take their sentence from ``words`` (the
context processor puts it in every page as ``words``), each sentence a msgid of its own so
the Dutch and the English both read right.

``topic_kind_brand``/``topic_kind_competitor`` name the two share-of-voice kinds of a listening
topic (``koers.listening``'s ``topic_kind`` filter and topic form use them). ``maturity`` and
``maturity_features`` replace the listening-maturity checklist texts (``koers.strategy.rules.
maturity``, bilingual like that module: ``{"en": …, "nl": …}``) whose words are a company's,
keyed by item id; an id that isn't there keeps the module's text.
"""

from __future__ import annotations

from typing import Any

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
    "sov_help": _("Brands and competitors with this on form the set for share of voice."),
    "listening_section": _(
        "Tracked topics for your brand, competitors and campaigns: mentions from Mastodon, "
        "Bluesky, RSS and imports, with language, sentiment and share of voice."
    ),
    "topic_kind_brand": _("Brand"),
    "topic_kind_competitor": _("Competitor"),
    "maturity_top": _(
        "The highest stage is reached: listening feeds product development, sales and marketing."
    ),
    "maturity": {},
    "maturity_features": {},
    "groundswell": {},
    "reasons": {},
    "example_objectives": {},
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
    "listening_section": _(
        "Tracked topics for your organisation, other organisations and campaigns: mentions "
        "from Mastodon, Bluesky, RSS and imports, with language, sentiment and share of voice."
    ),
    "sov_help": _(
        "Your own organisation and the other organisations with this on form the set for share "
        "of voice."
    ),
    "topic_kind_brand": _("Own organisation"),
    "topic_kind_competitor": _("Other organisation"),
    "maturity_top": _(
        "The highest stage is reached: listening feeds policy, services and communication."
    ),
    # The checklist items of koers.strategy.rules.maturity that speak of brands, markets,
    # competitors, products and sales, in a public body's or non-profit's words.
    "maturity": {
        "alerts_brand": {
            "en": "Alerts are set up for the organisation's name and its services.",
            "nl": "Er zijn signalen ingesteld voor de naam van de organisatie en haar diensten.",
        },
        "market_topics": {
            "en": "Tracked topics cover the policy areas and public issues, not only your own "
            "accounts.",
            "nl": "De gevolgde onderwerpen omvatten de beleidsterreinen en maatschappelijke "
            "thema's, niet alleen de eigen accounts.",
        },
        "share_of_voice_tracked": {
            "en": "Share of voice against named comparable organisations is tracked.",
            "nl": "Het share of voice ten opzichte van benoemde vergelijkbare organisaties wordt "
            "bijgehouden.",
        },
        "feeds_product": {
            "en": "Insights are passed to policy and service development and acted upon.",
            "nl": "Inzichten gaan naar beleid en dienstverlening en er wordt iets mee gedaan.",
        },
        "feeds_sales_marketing": {
            "en": "Insights reach the departments and the board with agreed follow-up.",
            "nl": "Inzichten bereiken de vakafdelingen en het bestuur, met afgesproken opvolging.",
        },
    },
    "maturity_features": {
        "share_of_voice_tracked": {
            "en": "Listening: share of voice per set of organisations",
            "nl": "Luisteren: share of voice per set organisaties",
        },
    },
    # Groundswell's objectives (koers.strategy.rules.groundswell) by their English name: the
    # meaning and business function in words for an organisation without customers or sales.
    "groundswell": {
        "Listening": {
            "meaning": {
                "en": "Research: understand your audience.",
                "nl": "Onderzoek: je doelgroep begrijpen.",
            },
        },
        "Talking": {"business_function": {"en": "Communication", "nl": "Communicatie"}},
        "Energizing": {
            "meaning": {
                "en": "Let enthusiastic people in your audience spread the word.",
                "nl": "Enthousiaste mensen uit je doelgroep het woord laten verspreiden.",
            },
            "business_function": {"en": "Participation", "nl": "Participatie"},
        },
        "Supporting": {
            "meaning": {"en": "Help people help each other.", "nl": "Mensen elkaar laten helpen."},
            "business_function": {"en": "Public service", "nl": "Dienstverlening"},
        },
        "Embracing": {
            "meaning": {
                "en": "Let people help shape your policy and services.",
                "nl": "Mensen laten meedenken over je beleid en diensten.",
            },
            "business_function": {
                "en": "Policy and service development",
                "nl": "Beleids- en dienstontwikkeling",
            },
        },
    },
    # The SMART examples (koers.strategy.rules.EXAMPLE_OBJECTIVES) by position, where the
    # seed text speaks of customers or competitors.
    "example_objectives": {
        0: {
            "en": "Answer 90% of the questions asked on Mastodon and Facebook within 4 hours "
            "during office hours, from 1 March to 31 May (now 60%).",
            "nl": "Beantwoord van 1 maart tot en met 31 mei 90% van de gestelde vragen via "
            "Mastodon en Facebook binnen 4 uur tijdens kantooruren (nu 60%).",
        },
        2: {
            "en": "Raise our share of voice against three comparable organisations from 18% to "
            "25% by the end of the year.",
            "nl": "Verhoog ons share of voice ten opzichte van drie vergelijkbare organisaties "
            "van 18% naar 25% vóór het einde van het jaar.",
        },
    },
    # Reasons of koers.strategy.rules by code, where the rule's text speaks of customers.
    "reasons": {
        "strategy_no_current": {
            "en": "Describe the current relationship with your audience.",
            "nl": "Beschrijf de huidige relatie met je doelgroep.",
        },
    },
}

WORDS: dict[str, dict[str, Any]] = {
    WorkspaceKind.COMPANY: _COMPANY,
    WorkspaceKind.PUBLIC_BODY: _PUBLIC,
    WorkspaceKind.NON_PROFIT: _PUBLIC,
}


def words(kind: str | None) -> dict[str, Any]:
    """The sentences for a workspace of ``kind``; a company's when the kind is unknown."""
    return WORDS.get(kind or "", _COMPANY)


def groundswell_text(info: Any, part: str, workspace_kind: str | None) -> dict[str, str]:
    """``part`` ("meaning", "business_function") of a Groundswell ``ObjectiveInfo`` in the
    workspace's words (bilingual)."""
    own = words(workspace_kind)["groundswell"].get(info.name["en"], {})
    text: dict[str, str] = own.get(part) or getattr(info, part)
    return text


def example_objective_text(
    index: int, text: dict[str, str], workspace_kind: str | None
) -> dict[str, str]:
    """The text of SMART example ``index`` (bilingual) in the workspace's words."""
    own: dict[str, str] | None = words(workspace_kind)["example_objectives"].get(index)
    return own or text


def topic_kind_label(topic_kind: str, workspace_kind: str | None) -> Promise | None:
    """The name of a listening topic kind (``brand``, ``competitor``) in the workspace's words;
    None for the other kinds (their own label is right for every workspace)."""
    label = words(workspace_kind).get(f"topic_kind_{topic_kind}")
    return label if isinstance(label, Promise) else None
