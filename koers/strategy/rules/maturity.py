"""Listening maturity (Don Bartholomew; DOMAIN.md §7): five stages with a checklist each."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from koers.strategy.rules.reasons import Bilingual


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: Bilingual
    feature: Bilingual
    """The koers feature that helps to tick this item."""


@dataclass(frozen=True)
class MaturityStage:
    number: int
    name: Bilingual
    checklist: tuple[ChecklistItem, ...]


SHARE_OF_VOICE_ITEM = "share_of_voice_tracked"
"""Stage 3 and higher require this item (DOMAIN.md §7)."""


def _item(item_id: str, en: str, nl: str, feature_en: str, feature_nl: str) -> ChecklistItem:
    return ChecklistItem(item_id, {"en": en, "nl": nl}, {"en": feature_en, "nl": feature_nl})


MATURITY_STAGES: tuple[MaturityStage, ...] = (
    MaturityStage(1, {"en": "Reactive alerts", "nl": "Reactieve signalen"}, (
        _item("alerts_brand", "Alerts are set up for the brand and product names.",
              "Er zijn signalen ingesteld voor de merk- en productnamen.",
              "Alerts: keyword rules", "Signalen: trefwoordregels"),
        _item("alerts_reader", "Someone is named to read the alerts and pass them on.",
              "Er is iemand aangewezen die de signalen leest en doorzet.",
              "Alerts: notification by e-mail", "Signalen: e-mail per signaal"),
    )),
    MaturityStage(2, {"en": "Monitoring own accounts and risk control",
                      "nl": "Eigen accounts monitoren en risicobeheersing"}, (
        _item("own_accounts_daily",
              "All own accounts are checked daily, including comments and direct messages.",
              "Alle eigen accounts worden dagelijks gecontroleerd, inclusief reacties en "
              "privéberichten.",
              "Inbox: mentions that need a reply", "Inbox: vermeldingen die een antwoord vragen"),
        _item("response_times_agreed", "Response times for questions and complaints are agreed.",
              "Er zijn reactietermijnen afgesproken voor vragen en klachten.",
              "Inbox: response-time target", "Inbox: norm voor reactietijd"),
        _item("escalation_procedure",
              "There is an escalation procedure for a crisis or a surge of complaints.",
              "Er is een escalatieprocedure voor een crisis of een golf van klachten.",
              "Alerts: negative-sentiment surge", "Signalen: plotselinge toename negatief "
              "sentiment"),
    )),
    MaturityStage(3, {"en": "Social listening", "nl": "Social listening"}, (
        _item("market_topics",
              "Tracked topics cover the market and category, not only your own accounts.",
              "De gevolgde onderwerpen omvatten de markt en de categorie, niet alleen de eigen "
              "accounts.",
              "Listening: tracked topics with Boolean queries",
              "Luisteren: gevolgde onderwerpen met Booleaanse zoekvragen"),
        _item(SHARE_OF_VOICE_ITEM, "Share of voice against named competitors is tracked.",
              "Het share of voice ten opzichte van benoemde concurrenten wordt bijgehouden.",
              "Listening: share of voice per brand set",
              "Luisteren: share of voice per merkenset"),
        _item("sentiment_checked",
              "Sentiment is measured and checked by hand on a sample.",
              "Sentiment wordt gemeten en steekproefsgewijs met de hand gecontroleerd.",
              "Listening: sentiment with manual correction",
              "Luisteren: sentiment met handmatige correctie"),
        _item("monthly_report", "A listening report is shared at least monthly.",
              "Er wordt minstens maandelijks een luisterrapport gedeeld.",
              "Measurement: scheduled reports", "Meten: geplande rapportages"),
    )),
    MaturityStage(4, {"en": "Strategic listening", "nl": "Strategisch luisteren"}, (
        _item("linked_to_objectives",
              "Listening measures are linked to the plan's SMART objectives.",
              "Luistermetingen zijn gekoppeld aan de SMART-doelstellingen van het plan.",
              "Strategy: objectives with KPIs", "Strategie: doelstellingen met KPI's"),
        _item("kpi_targets", "Each listening KPI has a baseline and a target.",
              "Elke luister-KPI heeft een nulmeting en een streefwaarde.",
              "Measurement: progress against target", "Meten: voortgang ten opzichte van doel"),
        _item("cycle_evaluated",
              "Results are evaluated every cycle and become the next baseline.",
              "Resultaten worden elke cyclus geëvalueerd en vormen de volgende nulmeting.",
              "Strategy: cycle evaluation", "Strategie: evaluatie van de cyclus"),
    )),
    MaturityStage(5, {"en": "Social intelligence", "nl": "Social intelligence"}, (
        _item("feeds_product", "Insights are passed to product development and acted upon.",
              "Inzichten gaan naar productontwikkeling en er wordt iets mee gedaan.",
              "Measurement: exports and the REST API (Settings → API tokens)",
              "Meten: exports en de REST API (Instellingen → API-tokens)"),
        _item("feeds_sales_marketing",
              "Insights reach sales and marketing with agreed follow-up.",
              "Inzichten bereiken verkoop en marketing, met afgesproken opvolging.",
              "Alerts: webhooks to other systems", "Signalen: webhooks naar andere systemen"),
        _item("intelligence_owner", "Social intelligence has an owner and a budget.",
              "Social intelligence heeft een eigenaar en een budget.",
              "Workspace roles", "Rollen in de werkruimte"),
    )),
)  # fmt: skip
"""Five stages with a checklist each. Item ids are stable; the texts may be edited."""


@dataclass(frozen=True)
class MaturityAssessment:
    current_stage: int
    """0 when even stage 1 isn't complete."""
    next_stage: MaturityStage | None
    to_do: tuple[ChecklistItem, ...]
    """Every unticked item up to and including the next stage (lower stages first)."""
    unknown_items: frozenset[str]
    """Ticked ids that aren't on any checklist (e.g. after an edit); ignored."""


def assess_maturity(
    checked: Collection[str], stages: Sequence[MaturityStage] = MATURITY_STAGES
) -> MaturityAssessment:
    """Current stage = the highest stage whose checklist and all lower checklists are complete.

    Stages 3 and up also require :data:`SHARE_OF_VOICE_ITEM`, even with an edited checklist.
    ``to_do`` lists what to tick to reach the next stage, each with the koers feature that helps.
    """
    ticked = set(checked)
    known = {item.id for stage in stages for item in stage.checklist} | {SHARE_OF_VOICE_ITEM}
    current = 0
    for stage in stages:
        needed = {item.id for item in stage.checklist}
        if stage.number >= 3:
            needed.add(SHARE_OF_VOICE_ITEM)
        if not needed <= ticked:
            break
        current = stage.number
    upcoming = next((s for s in stages if s.number == current + 1), None)
    to_do: list[ChecklistItem] = []
    if upcoming is not None:
        for stage in stages:
            if stage.number > upcoming.number:
                break
            to_do += [item for item in stage.checklist if item.id not in ticked]
        sov = next((i for s in stages for i in s.checklist if i.id == SHARE_OF_VOICE_ITEM), None)
        if upcoming.number >= 3 and sov is not None and sov not in to_do and sov.id not in ticked:
            to_do.append(sov)
    return MaturityAssessment(current, upcoming, tuple(to_do), frozenset(ticked - known))
