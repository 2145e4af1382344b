"""Kerkhofs' Social Strategy Model: eight steps and the uitstapmoment (DOMAIN.md §5)."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from koers.strategy.rules.reasons import (
    Bilingual,
    Lock,
    Number,
    Reason,
    format_in,
    is_blank,
    make_reason,
    missing_fields,
)
from koers.strategy.rules.smart import SmartObjective


class KerkhofsStep(enum.StrEnum):
    PROBLEM = "problem"
    TARGET_GROUP = "target_group"
    ONLINE_BEHAVIOUR = "online_behaviour"
    GO_NO_GO = "go_no_go"
    STRATEGIC_FRAMEWORK = "strategic_framework"
    INTEGRATION = "integration"
    MEDIA_PLAN = "media_plan"
    PROJECT_MANAGEMENT = "project_management"
    ACTIVATE_AND_MEASURE = "activate_and_measure"


@dataclass(frozen=True)
class KerkhofsStepInfo:
    step: KerkhofsStep
    number: int | None
    """1–8; ``None`` for the uitstapmoment between steps 3 and 4."""
    name: Bilingual


KERKHOFS_STEPS: tuple[KerkhofsStepInfo, ...] = (
    KerkhofsStepInfo(
        KerkhofsStep.PROBLEM, 1, {"en": "Problem and focus", "nl": "Probleem en aandachtspunt"}
    ),
    KerkhofsStepInfo(
        KerkhofsStep.TARGET_GROUP,
        2,
        {"en": "Target group and objective", "nl": "Doelgroep en doelstelling"},
    ),
    KerkhofsStepInfo(
        KerkhofsStep.ONLINE_BEHAVIOUR,
        3,
        {"en": "Online behaviour of the target group", "nl": "Online gedrag doelgroep"},
    ),
    KerkhofsStepInfo(
        KerkhofsStep.GO_NO_GO,
        None,
        {"en": "Exit point (go/no-go)", "nl": "Uitstapmoment (go/no-go)"},
    ),
    KerkhofsStepInfo(
        KerkhofsStep.STRATEGIC_FRAMEWORK,
        4,
        {"en": "Strategic framework", "nl": "Strategisch kader"},
    ),
    KerkhofsStepInfo(
        KerkhofsStep.INTEGRATION,
        5,
        {"en": "Integration with the marketing approach", "nl": "Integratie marktbewerking"},
    ),
    KerkhofsStepInfo(
        KerkhofsStep.MEDIA_PLAN,
        6,
        {"en": "Media plan and channel choice", "nl": "Mediaplan en kanaalkeuze"},
    ),
    KerkhofsStepInfo(
        KerkhofsStep.PROJECT_MANAGEMENT, 7, {"en": "Project management", "nl": "Projectmanagement"}
    ),
    KerkhofsStepInfo(
        KerkhofsStep.ACTIVATE_AND_MEASURE,
        8,
        {"en": "Activate and measure", "nl": "Activeren en meten"},
    ),
)

STEPS_AFTER_GO: tuple[KerkhofsStep, ...] = tuple(
    info.step for info in KERKHOFS_STEPS if info.number is not None and info.number >= 4
)


class Decision(enum.StrEnum):
    GO = "go"
    NO_GO = "no_go"


@dataclass(frozen=True)
class GoNoGo:
    """The uitstapmoment: stop before the larger investments unless there is a case to go on."""

    decision: Decision | None = None
    decided_on: date | None = None
    rationale: str = ""
    decided_by: str = ""


class CycleState(enum.StrEnum):
    UNDECIDED = "undecided"
    GO = "go"
    CLOSED_NO_GO = "closed_no_go"


@dataclass(frozen=True)
class KerkhofsState:
    """Which steps are open, and whether the cycle ended at the uitstapmoment."""

    state: CycleState
    locked_steps: frozenset[KerkhofsStep]
    reasons: tuple[Reason, ...]

    def lock(self, step: KerkhofsStep) -> Lock:
        return Lock(self.reasons if step in self.locked_steps else ())

    @property
    def cycle_closed(self) -> bool:
        return self.state is CycleState.CLOSED_NO_GO


def kerkhofs_state(go_no_go: GoNoGo | None) -> KerkhofsState:
    """Steps 4–8 are blocked unless the decision is "go" with date, rationale and who.

    A complete "no-go" closes the cycle: a valid, reportable outcome, not an error. An
    incomplete record (of either kind) keeps the cycle undecided and says what's missing.
    """
    record = go_no_go or GoNoGo()
    missing = [
        name
        for name, empty in (
            ("decision", record.decision is None),
            ("decided_on", record.decided_on is None),
            ("rationale", is_blank(record.rationale)),
            ("decided_by", is_blank(record.decided_by)),
        )
        if empty
    ]
    blocked = frozenset(STEPS_AFTER_GO)
    if missing:
        reason = missing_fields("go_no_go_missing", missing)
        return KerkhofsState(CycleState.UNDECIDED, blocked, (reason,))
    if record.decision is Decision.NO_GO:
        return KerkhofsState(CycleState.CLOSED_NO_GO, blocked, (make_reason("go_no_go_is_no_go"),))
    return KerkhofsState(CycleState.GO, frozenset(), ())


def next_cycle_objective(
    objective: SmartObjective, evaluated_value: Number, evaluated_on: date
) -> SmartObjective:
    """The objective for the next Kerkhofs cycle: this cycle's evaluation is its baseline
    (nulmeting). Target and period are cleared, because they must be set again."""
    return SmartObjective(
        title=objective.title,
        metric=objective.metric,
        channel=objective.channel,
        target_group=objective.target_group,
        unit=objective.unit,
        baseline=evaluated_value,
        baseline_date=evaluated_on,
        owner=objective.owner,
        kpi_ids=objective.kpi_ids,
        groundswell=objective.groundswell,
    )


# ---------------------------------------------------------------------------------------------
# The substance of the steps: the go/no-go gate, the strategic framework, what each step lacks.

KERKHOFS_MESSAGES: Mapping[str, Bilingual] = {
    "go_step_not_done": {
        "en": "Step {number} ({name}) is not complete yet.",
        "nl": "Stap {number} ({name}) is nog niet afgerond.",
    },
    "go_criterion_unticked": {
        "en": "Tick the criterion “{criterion}” once it holds.",
        "nl": "Vink het criterium ‘{criterion}’ aan zodra het klopt.",
    },
    "go_no_problem": {
        "en": "Step 1 doesn't state the problem to solve yet.",
        "nl": "Stap 1 beschrijft het op te lossen probleem nog niet.",
    },
    "go_no_online_behaviour": {
        "en": "Step 3 has no research on the target group's online behaviour: add a "
        "Technographics profile (your own survey or a benchmark).",
        "nl": "Stap 3 heeft geen onderzoek naar het online gedrag van de doelgroep: voeg een "
        "Technographics-profiel toe (eigen enquête of een benchmark).",
    },
    "go_not_reachable": {
        "en": "Per step 3, {inactive:.0f}% of the target group is inactive online: more than "
        "{limit:.0f}%, so the target group can hardly be reached online.",
        "nl": "Volgens stap 3 is {inactive:.0f}% van de doelgroep online inactief: meer dan "
        "{limit:.0f}%, dus de doelgroep is online nauwelijks te bereiken.",
    },
    "go_no_smart_objective": {
        "en": "No objective is SMART yet: make at least one objective SMART (step 2).",
        "nl": "Nog geen enkele doelstelling is SMART: maak ten minste één doelstelling SMART "
        "(stap 2).",
    },
    "technology_before_go": {
        "en": "Technology opens after a “go” at the exit point (Kerkhofs): record the go/no-go "
        "decision first.",
        "nl": "Technologie gaat open na een ‘go’ op het uitstapmoment (Kerkhofs): leg eerst het "
        "go/no-go-besluit vast.",
    },
    "framework_no_primary": {
        "en": "Choose the primary Groundswell objective (Objectives step).",
        "nl": "Kies de primaire Groundswell-doelstelling (stap Doelstellingen).",
    },
    "framework_no_approach": {
        "en": "Choose the approach: listening, a more human dialogue, co-development or "
        "engagement.",
        "nl": "Kies de aanpak: luisteren, een menselijkere dialoog, co-development of "
        "betrokkenheid.",
    },
    "framework_no_partners": {
        "en": "Choose with whom: ambassadors, top customers, all customers or co-creation.",
        "nl": "Kies met wie: ambassadeurs, topklanten, alle klanten of co-creatie.",
    },
    "integration_missing": {
        "en": "Link the campaigns this plan works with, or describe how it fits the other "
        "marketing and communication.",
        "nl": "Koppel de campagnes waarmee dit plan samenwerkt, of beschrijf hoe het aansluit op "
        "de andere marketing en communicatie.",
    },
    "media_plan_no_channels": {
        "en": "Choose the channels in the Technology step.",
        "nl": "Kies de kanalen in de stap Technologie.",
    },
    "media_plan_channel_incomplete": {
        "en": "{network}: set {fields}.",
        "nl": "{network}: vul {fields} in.",
    },
    "project_no_lead": {
        "en": "Choose the project lead: a member of the workspace.",
        "nl": "Kies de projectleider: een lid van de werkruimte.",
    },
    "activate_no_kpis": {
        "en": "No objective has a KPI yet, so there is nothing to measure.",
        "nl": "Nog geen doelstelling heeft een KPI, dus er valt niets te meten.",
    },
    "activate_no_posts": {
        "en": "Nothing is planned in the calendar within the cycle's period yet.",
        "nl": "Er staat nog niets in de kalender binnen de periode van de cyclus.",
    },
    "means_not_goal": {
        "en": "“{title}” reads like a goal for social media itself ({word}). Social media is a "
        "means, not a goal: state what it should achieve for the organisation.",
        "nl": "‘{title}’ leest als een doel voor social media zelf ({word}). Social media is een "
        "middel, geen doel: beschrijf wat het de organisatie moet opleveren.",
    },
}
"""The messages of this module (the shared catalogue stays in ``reasons``)."""


def kerkhofs_reason(code: str, **params: object) -> Reason:
    return Reason(
        code,
        {lang: format_in(lang, text, **params) for lang, text in KERKHOFS_MESSAGES[code].items()},
    )


MEANS_NOT_GOAL: Bilingual = {
    "en": "Social media is a means, not a goal. The objective says what the organisation wants "
    "to achieve (fewer calls, more participants, a better reputation); the channels only serve it.",
    "nl": "Social media is een middel, geen doel. De doelstelling zegt wat de organisatie wil "
    "bereiken (minder telefoontjes, meer deelnemers, een betere reputatie); de kanalen dienen "
    "alleen dat doel.",
}


class GoCriterion(enum.StrEnum):
    """The explicit checklist at the uitstapmoment: each must be ticked before a "go"."""

    PROBLEM_STATED = "problem_stated"
    REACHABLE_ONLINE = "reachable_online"
    OBJECTIVE_SMART = "objective_smart"
    CAPACITY_AVAILABLE = "capacity_available"


GO_CRITERIA: Mapping[GoCriterion, Bilingual] = {
    GoCriterion.PROBLEM_STATED: {
        "en": "The problem is stated (step 1)",
        "nl": "Het probleem is benoemd (stap 1)",
    },
    GoCriterion.REACHABLE_ONLINE: {
        "en": "The target group is reachable online (per step 3)",
        "nl": "De doelgroep is online bereikbaar (volgens stap 3)",
    },
    GoCriterion.OBJECTIVE_SMART: {
        "en": "The objective is SMART (step 2)",
        "nl": "De doelstelling is SMART (stap 2)",
    },
    GoCriterion.CAPACITY_AVAILABLE: {
        "en": "Capacity is available: people, hours and budget for the next steps",
        "nl": "Er is capaciteit: mensen, uren en budget voor de volgende stappen",
    },
}

STEPS_BEFORE_GO: tuple[KerkhofsStep, ...] = tuple(
    info.step for info in KERKHOFS_STEPS if info.number is not None and info.number <= 3
)

DEFAULT_MAX_INACTIVE_PCT = 50.0
"""Above this share of Inactives (step 3) the target group counts as not reachable online.
Forrester's mostly-Inactives advice is "keep the social budget small"; configurable."""


@dataclass(frozen=True)
class GoEvidence:
    """What koers knows at the uitstapmoment, and which criteria the decider ticked."""

    steps_done: frozenset[KerkhofsStep] = frozenset()
    problem: str = ""
    """Step 1's text: the problem to solve."""
    has_profile: bool = False
    """Step 3: a Technographics profile (own survey or benchmark) exists."""
    inactive_pct: float | None = None
    """Step 3: the profile's share of Inactives, ``None`` when unknown."""
    smart_objectives: int = 0
    """How many objectives pass every SMART letter."""
    ticked: frozenset[GoCriterion] = frozenset()


def go_readiness(
    evidence: GoEvidence, *, max_inactive_pct: float = DEFAULT_MAX_INACTIVE_PCT
) -> Lock:
    """May "go" be recorded? Steps 1–3 complete, every criterion ticked, and the criteria that
    koers can check agree with what is stored (a tick alone doesn't make a problem stated).

    A "no-go" needs none of this: stopping is always allowed. Reasons come in step order.
    """
    reasons: list[Reason] = []
    for info in KERKHOFS_STEPS:
        if info.step in STEPS_BEFORE_GO and info.step not in evidence.steps_done:
            reasons.append(
                Reason(
                    "go_step_not_done",
                    {
                        lang: format_in(
                            lang,
                            KERKHOFS_MESSAGES["go_step_not_done"][lang],
                            number=info.number,
                            name=info.name[lang],
                        )
                        for lang in ("en", "nl")
                    },
                )
            )
    if is_blank(evidence.problem):
        reasons.append(kerkhofs_reason("go_no_problem"))
    if not evidence.has_profile:
        reasons.append(kerkhofs_reason("go_no_online_behaviour"))
    elif evidence.inactive_pct is not None and evidence.inactive_pct > max_inactive_pct:
        reasons.append(
            kerkhofs_reason(
                "go_not_reachable", inactive=evidence.inactive_pct, limit=max_inactive_pct
            )
        )
    if evidence.smart_objectives < 1:
        reasons.append(kerkhofs_reason("go_no_smart_objective"))
    for criterion, label in GO_CRITERIA.items():
        if criterion not in evidence.ticked:
            reasons.append(
                Reason(
                    "go_criterion_unticked",
                    {
                        lang: KERKHOFS_MESSAGES["go_criterion_unticked"][lang].format(
                            criterion=label[lang]
                        )
                        for lang in ("en", "nl")
                    },
                )
            )
    return Lock(tuple(reasons))


def technology_gate(post_lock: Lock, state: KerkhofsState) -> Lock:
    """Technology (POST) is decided last *and* after the uitstapmoment: locked until People,
    Objectives and Strategy are complete (``post_lock``) and the decision is a complete "go"."""
    reasons = list(post_lock.reasons)
    if state.state is not CycleState.GO:
        reasons.insert(0, kerkhofs_reason("technology_before_go"))
    return Lock(tuple(reasons))


class Approach(enum.StrEnum):
    """Step 4: how the relationship changes (Groundswell's ways of engaging)."""

    LISTENING = "listening"
    HUMAN_DIALOGUE = "human_dialogue"
    CO_DEVELOPMENT = "co_development"
    ENGAGEMENT = "engagement"


APPROACHES: Mapping[Approach, Bilingual] = {
    Approach.LISTENING: {"en": "Listening", "nl": "Luisteren"},
    Approach.HUMAN_DIALOGUE: {"en": "A more human dialogue", "nl": "Een menselijkere dialoog"},
    Approach.CO_DEVELOPMENT: {"en": "Co-development", "nl": "Co-development (samen ontwikkelen)"},
    Approach.ENGAGEMENT: {"en": "Engagement", "nl": "Betrokkenheid (engagement)"},
}


class Partners(enum.StrEnum):
    """Step 4: with whom."""

    AMBASSADORS = "ambassadors"
    TOP_CUSTOMERS = "top_customers"
    ALL_CUSTOMERS = "all_customers"
    CO_CREATION = "co_creation"


PARTNERS: Mapping[Partners, Bilingual] = {
    Partners.AMBASSADORS: {"en": "Ambassadors", "nl": "Ambassadeurs"},
    Partners.TOP_CUSTOMERS: {"en": "Top customers", "nl": "Topklanten"},
    Partners.ALL_CUSTOMERS: {"en": "All customers", "nl": "Alle klanten"},
    Partners.CO_CREATION: {"en": "Co-creation", "nl": "Co-creatie"},
}


@dataclass(frozen=True)
class MediaPlanChannel:
    network: str
    posts_per_week: Number | None = None
    budget: Number | None = None
    hours_per_week: Number | None = None


@dataclass(frozen=True)
class StepFacts:
    """What steps 4–8 are made of, read from the rest of the cycle (linked, not retyped)."""

    has_primary_objective: bool = False
    approach: str = ""
    partners: str = ""
    campaigns: int = 0
    integration_text: str = ""
    channels: tuple[MediaPlanChannel, ...] = ()
    has_lead: bool = False
    objectives_with_kpi: int = 0
    planned_posts: int = 0


_CHANNEL_FIELDS: Mapping[str, Bilingual] = {
    "posts_per_week": {"en": "posts per week", "nl": "berichten per week"},
    "budget": {"en": "budget", "nl": "budget"},
    "hours_per_week": {"en": "hours per week", "nl": "uren per week"},
}


def _join(words: Sequence[str], lang: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + (" and " if lang == "en" else " en ") + words[-1]


def step_gaps(step: KerkhofsStep, facts: StepFacts) -> tuple[Reason, ...]:
    """What a step after the uitstapmoment still lacks, from its own content and its links.

    Step 4 needs the primary Groundswell objective, an approach and with whom; step 5 linked
    campaigns or an integration text; step 6 channels with posts per week, budget and hours;
    step 7 a project lead who is a member; step 8 KPIs to measure and posts in the calendar.
    """
    found: list[Reason] = []
    if step is KerkhofsStep.STRATEGIC_FRAMEWORK:
        if not facts.has_primary_objective:
            found.append(kerkhofs_reason("framework_no_primary"))
        if facts.approach not in set(Approach):
            found.append(kerkhofs_reason("framework_no_approach"))
        if facts.partners not in set(Partners):
            found.append(kerkhofs_reason("framework_no_partners"))
    elif step is KerkhofsStep.INTEGRATION:
        if facts.campaigns < 1 and is_blank(facts.integration_text):
            found.append(kerkhofs_reason("integration_missing"))
    elif step is KerkhofsStep.MEDIA_PLAN:
        if not facts.channels:
            found.append(kerkhofs_reason("media_plan_no_channels"))
        for channel in facts.channels:
            missing = [name for name in _CHANNEL_FIELDS if getattr(channel, name) is None]
            if missing:
                found.append(
                    Reason(
                        "media_plan_channel_incomplete",
                        {
                            lang: KERKHOFS_MESSAGES["media_plan_channel_incomplete"][lang].format(
                                network=channel.network,
                                fields=_join([_CHANNEL_FIELDS[m][lang] for m in missing], lang),
                            )
                            for lang in ("en", "nl")
                        },
                    )
                )
    elif step is KerkhofsStep.PROJECT_MANAGEMENT:
        if not facts.has_lead:
            found.append(kerkhofs_reason("project_no_lead"))
    elif step is KerkhofsStep.ACTIVATE_AND_MEASURE:
        if facts.objectives_with_kpi < 1:
            found.append(kerkhofs_reason("activate_no_kpis"))
        if facts.planned_posts < 1:
            found.append(kerkhofs_reason("activate_no_posts"))
    return tuple(found)


MEANS_WORDS: Mapping[str, tuple[str, ...]] = {
    "en": ("followers", "likes", "fans", "presence on", "be on social", "a facebook page"),
    "nl": ("volgers", "likes", "fans", "aanwezig op", "aanwezigheid op", "een facebookpagina"),
}
"""Words that make an objective read like a goal for the channel itself (configurable)."""


def means_not_goal_warnings(
    titles: Collection[str], words: Mapping[str, tuple[str, ...]] = MEANS_WORDS
) -> tuple[Reason, ...]:
    """Warn for each objective whose title is about the channel (followers, likes, being
    present) rather than what it achieves for the organisation; one warning per title."""
    found = []
    for title in titles:
        lowered = title.lower()
        hit = next((w for lang in ("nl", "en") for w in words.get(lang, ()) if w in lowered), None)
        if hit is not None:
            found.append(kerkhofs_reason("means_not_goal", title=title, word=hit))
    return tuple(found)
