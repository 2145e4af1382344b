"""Measurement levels (Bartholomew / Vierfasenmodel; DOMAIN.md §7)."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from koers.strategy.rules.reasons import Bilingual


class Level(enum.StrEnum):
    """Every KPI has one of these levels, in this order."""

    EXPOSURE = "exposure"
    ENGAGEMENT = "engagement"
    INFLUENCE = "influence"
    ACTION = "action"


LEVELS: Mapping[Level, Mapping[str, Bilingual]] = {
    Level.EXPOSURE: {
        "name": {"en": "Exposure", "nl": "Blootstelling"},
        "question": {"en": "Did the audience see us?", "nl": "Heeft de doelgroep ons gezien?"},
    },
    Level.ENGAGEMENT: {
        "name": {"en": "Engagement", "nl": "Betrokkenheid"},
        "question": {"en": "Did they interact?", "nl": "Hebben ze interactie gehad?"},
    },
    Level.INFLUENCE: {
        "name": {"en": "Influence", "nl": "Beïnvloeding"},
        "question": {
            "en": "Did their opinion or attitude change?",
            "nl": "Is hun mening of houding veranderd?",
        },
    },
    Level.ACTION: {
        "name": {"en": "Action", "nl": "Actie"},
        "question": {
            "en": "Did they act: buy, sign up, recommend?",
            "nl": "Kwamen ze in actie: kopen, aanmelden, aanbevelen?",
        },
    },
}
