"""Listening maturity (Don Bartholomew; DOMAIN.md §7): five stages with a checklist each."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from koers.strategy.rules.reasons import Bilingual, format_in


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: Bilingual
    feature: Bilingual
    """The koers feature that helps to tick this item."""
    page: str = ""
    """Stable id of the koers page that does it (``"alerts.rule_new"``); the Django layer
    turns it into a link. Empty when no page helps."""


@dataclass(frozen=True)
class MaturityStage:
    number: int
    name: Bilingual
    checklist: tuple[ChecklistItem, ...]


SHARE_OF_VOICE_ITEM = "share_of_voice_tracked"
"""Stage 3 and higher require this item (DOMAIN.md §7)."""


# The page that does each item (see ChecklistItem.page).
ITEM_PAGES: dict[str, str] = {
    "alerts_brand": "alerts.rule_new",
    "alerts_reader": "alerts.rules",
    "own_accounts_daily": "publishing.channels",
    "response_times_agreed": "strategy.policy",
    "escalation_procedure": "strategy.policy",
    "market_topics": "listening.topic_new",
    "share_of_voice_tracked": "listening.topic_new",
    "sentiment_checked": "listening.mentions",
    "monthly_report": "measurement.index",
    "linked_to_objectives": "strategy.objectives",
    "kpi_targets": "measurement.objectives",
    "cycle_evaluated": "measurement.evaluate",
    "feeds_product": "api",
    "feeds_sales_marketing": "alerts.rules",
    "intelligence_owner": "core.members",
}


def _item(item_id: str, en: str, nl: str, feature_en: str, feature_nl: str) -> ChecklistItem:
    return ChecklistItem(
        item_id,
        {"en": en, "nl": nl},
        {"en": feature_en, "nl": feature_nl},
        ITEM_PAGES.get(item_id, ""),
    )


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
              "Social media policy: response times", "Socialemediabeleid: reactietijden"),
        _item("escalation_procedure",
              "There is an escalation procedure for a crisis or a surge of complaints.",
              "Er is een escalatieprocedure voor een crisis of een golf van klachten.",
              "Social media policy: crisis and escalation",
              "Socialemediabeleid: crisis en escalatie"),
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
              "Exports and the REST API (API tokens)", "Exports en de REST-API (API-tokens)"),
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


LISTENING_KPIS: frozenset[str] = frozenset(
    {"share_of_voice", "net_sentiment", "response_rate", "response_time"}
)
"""KPIs of the catalogue that are measured from listening (configurable)."""


@dataclass(frozen=True)
class ListeningUse:
    """What koers sees of the workspace's real use of listening, counted by the Django layer."""

    brand_topics: int = 0
    market_topics: int = 0
    """Active topics of another kind than the own brand (competitors, campaigns, hashtags)."""
    sov_brand_topics: int = 0
    sov_competitor_topics: int = 0
    """Active brand/competitor topics that count for share of voice."""
    own_accounts: int = 0
    """Connected own accounts (their replies and mentions reach the inbox)."""
    keyword_alerts: int = 0
    alerts_with_recipients: int = 0
    sentiment_corrections: int = 0
    report_schedules: int = 0
    policy_response_times: bool = False
    policy_escalation: bool = False
    listening_kpis: int = 0
    listening_kpis_with_target: int = 0
    evaluated_objectives: int = 0


def _seen(en: str, nl: str, **params: object) -> Bilingual:
    return {"en": format_in("en", en, **params), "nl": format_in("nl", nl, **params)}


def seen_items(use: ListeningUse) -> dict[str, Bilingual]:
    """The checklist items koers can see are done, each with what it saw (to pre-fill the
    checklist). Items koers can't judge (who reads the alerts, owners, budgets) stay manual."""
    seen: dict[str, Bilingual] = {}
    if use.keyword_alerts:
        seen["alerts_brand"] = _seen(
            "Keyword alerts set up: {n}.",
            "Trefwoordsignalen ingesteld: {n}.",
            n=use.keyword_alerts,
        )
    if use.alerts_with_recipients:
        seen["alerts_reader"] = _seen(
            "Alerts that e-mail a named person: {n}.",
            "Signalen die een vaste persoon mailen: {n}.",
            n=use.alerts_with_recipients,
        )
    if use.own_accounts:
        seen["own_accounts_daily"] = _seen(
            "Own accounts connected: {n}; their reactions reach the inbox.",
            "Eigen accounts gekoppeld: {n}; de reacties komen in de inbox.",
            n=use.own_accounts,
        )
    if use.policy_response_times:
        seen["response_times_agreed"] = _seen(
            "The social media policy sets response times.",
            "Het socialemediabeleid legt reactietijden vast.",
        )
    if use.policy_escalation:
        seen["escalation_procedure"] = _seen(
            "The social media policy describes crisis and escalation.",
            "Het socialemediabeleid beschrijft crisis en escalatie.",
        )
    if use.market_topics:
        seen["market_topics"] = _seen(
            "Tracked topics beyond the own organisation: {n}.",
            "Gevolgde onderwerpen naast de eigen organisatie: {n}.",
            n=use.market_topics,
        )
    if use.sov_brand_topics and use.sov_competitor_topics:
        seen[SHARE_OF_VOICE_ITEM] = _seen(
            "Share of voice over own topics ({b}) and topics of others ({c}).",
            "Share of voice over eigen onderwerpen ({b}) en onderwerpen van anderen ({c}).",
            b=use.sov_brand_topics,
            c=use.sov_competitor_topics,
        )
    if use.sentiment_corrections:
        seen["sentiment_checked"] = _seen(
            "Sentiment corrections by hand: {n}.",
            "Sentimentcorrecties met de hand: {n}.",
            n=use.sentiment_corrections,
        )
    if use.report_schedules:
        seen["monthly_report"] = _seen(
            "Scheduled reports: {n}.", "Geplande rapportages: {n}.", n=use.report_schedules
        )
    if use.listening_kpis:
        seen["linked_to_objectives"] = _seen(
            "Listening KPIs in the objectives: {n}.",
            "Luister-KPI's in de doelstellingen: {n}.",
            n=use.listening_kpis,
        )
        if use.listening_kpis_with_target == use.listening_kpis:
            seen["kpi_targets"] = _seen(
                "Every listening KPI has a target.", "Elke luister-KPI heeft een streefwaarde."
            )
    if use.evaluated_objectives:
        seen["cycle_evaluated"] = _seen(
            "Objectives evaluated: {n}.",
            "Geëvalueerde doelstellingen: {n}.",
            n=use.evaluated_objectives,
        )
    return seen
