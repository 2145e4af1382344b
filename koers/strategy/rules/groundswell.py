"""Groundswell's five objectives and the one-primary rule (DOMAIN.md §1 and §3)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from koers.strategy.rules.reasons import Bilingual, Reason, make_reason


class Objective(enum.StrEnum):
    LISTENING = "listening"
    TALKING = "talking"
    ENERGIZING = "energizing"
    SUPPORTING = "supporting"
    EMBRACING = "embracing"


@dataclass(frozen=True)
class ObjectiveInfo:
    name: Bilingual
    meaning: Bilingual
    business_function: Bilingual
    example_metrics: tuple[Bilingual, ...]


GROUNDSWELL_OBJECTIVES: Mapping[Objective, ObjectiveInfo] = {
    Objective.LISTENING: ObjectiveInfo(
        {"en": "Listening", "nl": "Luisteren"},
        {"en": "Research: understand your customers.", "nl": "Onderzoek: je klanten begrijpen."},
        {"en": "Research", "nl": "Onderzoek"},
        (
            {"en": "Insights gained", "nl": "Opgedane inzichten"},
            {"en": "Research cost saved", "nl": "Bespaarde onderzoekskosten"},
        ),
    ),
    Objective.TALKING: ObjectiveInfo(
        {"en": "Talking", "nl": "Praten"},
        {"en": "Spread your messages.", "nl": "Je boodschappen verspreiden."},
        {"en": "Marketing", "nl": "Marketing"},
        (
            {"en": "Reach", "nl": "Bereik"},
            {"en": "Views", "nl": "Weergaven"},
            {"en": "Comments", "nl": "Reacties"},
            {"en": "Funnel conversion", "nl": "Conversie in de funnel"},
        ),
    ),
    Objective.ENERGIZING: ObjectiveInfo(
        {"en": "Energizing", "nl": "Activeren"},
        {
            "en": "Let enthusiastic customers spread the word.",
            "nl": "Enthousiaste klanten het woord laten verspreiden.",
        },
        {"en": "Sales", "nl": "Verkoop"},
        (
            {"en": "Active ambassadors", "nl": "Actieve ambassadeurs"},
            {"en": "Reviews", "nl": "Reviews"},
            {"en": "Referral conversions", "nl": "Conversies via aanbevelingen"},
        ),
    ),
    Objective.SUPPORTING: ObjectiveInfo(
        {"en": "Supporting", "nl": "Ondersteunen"},
        {"en": "Help customers help each other.", "nl": "Klanten elkaar laten helpen."},
        {"en": "Support", "nl": "Klantenservice"},
        (
            {
                "en": "Questions answered by the community",
                "nl": "Vragen beantwoord door de community",
            },
            {
                "en": "Questions that no longer reach the contact centre",
                "nl": "Vragen die het contactcentrum niet meer bereiken",
            },
        ),
    ),
    Objective.EMBRACING: ObjectiveInfo(
        {"en": "Embracing", "nl": "Omarmen"},
        {
            "en": "Let customers help build your products.",
            "nl": "Klanten meebouwen aan je producten.",
        },
        {"en": "Development", "nl": "Productontwikkeling"},
        (
            {"en": "Ideas submitted", "nl": "Ingediende ideeën"},
            {"en": "Ideas implemented", "nl": "Uitgevoerde ideeën"},
        ),
    ),
}


@dataclass(frozen=True)
class ObjectiveChoice:
    """A Groundswell objective chosen for the plan."""

    objective: Objective
    primary: bool = False


def check_primary_objective(
    choices: Sequence[ObjectiveChoice],
) -> tuple[list[Reason], list[Reason]]:
    """Exactly one primary objective. Returns ``(missing, warnings)``.

    None is missing (the step is incomplete); two or more is a warning only (DOMAIN.md §1).
    """
    primaries = sum(1 for c in choices if c.primary)
    if primaries == 0:
        return [make_reason("objectives_no_primary")], []
    if primaries > 1:
        return [], [make_reason("objectives_many_primaries", count=primaries)]
    return [], []
