"""Strategy rules: POST, Groundswell objectives, SMART, Kerkhofs, funnel, roos, listening maturity.

Pure Python, no Django (ARCHITECTURE.md, "Rule of the house"); DOMAIN.md §1 and §3–8 are the
spec. The Django layer stores plans and calls these functions to decide what to show, lock or warn.

Conventions:

* Inputs and results are frozen dataclasses. Collections in inputs are tuples.
* Every user-facing string is a ``{"en": ..., "nl": ...}`` dict (:data:`Bilingual`).
* A rule that says *why* returns :class:`Reason` objects (stable ``code`` + bilingual message),
  so the UI can translate, and tests can assert on codes instead of prose.
* Thresholds that the sources don't pin down are keyword parameters with documented defaults.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeGuard

Bilingual = Mapping[str, str]
"""A user-facing text in both product languages: ``{"en": ..., "nl": ...}``."""

Number = int | float | Decimal


@dataclass(frozen=True)
class Reason:
    """Why something is locked, incomplete or worth a warning."""

    code: str
    message: Bilingual


def _reason(code: str, **params: object) -> Reason:
    return Reason(code, {lang: text.format(**params) for lang, text in MESSAGES[code].items()})


MESSAGES: Mapping[str, Bilingual] = {
    # POST
    "people_no_profile": {
        "en": "Add a Technographics profile of the audience.",
        "nl": "Voeg een Technographics-profiel van de doelgroep toe.",
    },
    "people_no_audience": {
        "en": "Describe the audience and how it behaves online.",
        "nl": "Beschrijf de doelgroep en hoe die zich online gedraagt.",
    },
    "people_no_influencers": {
        "en": "No influencers or opinion leaders listed yet.",
        "nl": "Er staan nog geen influencers of opinieleiders op de lijst.",
    },
    "objectives_no_primary": {
        "en": "Choose one primary Groundswell objective.",
        "nl": "Kies één primaire Groundswell-doelstelling.",
    },
    "objectives_many_primaries": {
        "en": "{count} primary objectives: choose one and make the others secondary.",
        "nl": "{count} primaire doelstellingen: kies er één en maak de andere secundair.",
    },
    "objectives_none": {
        "en": "Add at least one SMART objective.",
        "nl": "Voeg ten minste één SMART-doelstelling toe.",
    },
    "objective_no_kpi": {
        "en": "Objective “{title}” has no KPI.",
        "nl": "Doelstelling ‘{title}’ heeft geen KPI.",
    },
    "objective_not_smart": {
        "en": "Objective “{title}” is not SMART yet: {letters} missing.",
        "nl": "Doelstelling ‘{title}’ is nog niet SMART: {letters} ontbreekt.",
    },
    "strategy_no_current": {
        "en": "Describe the current relationship with customers.",
        "nl": "Beschrijf de huidige relatie met klanten.",
    },
    "strategy_no_target": {
        "en": "Describe the relationship you want: imagine the endpoint.",
        "nl": "Beschrijf de relatie die je wilt: stel je het eindpunt voor.",
    },
    "strategy_no_messages": {
        "en": "Write at least one key message.",
        "nl": "Schrijf ten minste één kernboodschap.",
    },
    "strategy_no_ambassadors": {
        "en": "No ambassadors named yet.",
        "nl": "Er zijn nog geen ambassadeurs genoemd.",
    },
    "technology_no_channels": {
        "en": "Choose at least one channel with a posting frequency.",
        "nl": "Kies ten minste één kanaal met een publicatiefrequentie.",
    },
    "technology_no_frequency": {
        "en": "Set how often to post on {network}.",
        "nl": "Geef aan hoe vaak er op {network} gepost wordt.",
    },
    "technology_locked": {
        "en": "Technology is decided last: complete {step} first.",
        "nl": "Technologie kies je als laatste: maak eerst {step} af.",
    },
    # SMART
    "smart_s_missing": {
        "en": "Set the {fields}.",
        "nl": "Vul in: {fields}.",
    },
    "smart_s_ok": {
        "en": "Metric, channel and target group are set.",
        "nl": "Maatstaf, kanaal en doelgroep zijn ingevuld.",
    },
    "smart_m_missing": {
        "en": "Set the {fields}.",
        "nl": "Vul in: {fields}.",
    },
    "smart_m_ok": {
        "en": "Numeric target, unit and dated baseline are set.",
        "nl": "Numerieke streefwaarde, eenheid en gedateerde nulmeting zijn ingevuld.",
    },
    "smart_m_baseline_after_start": {
        "en": "The baseline is dated after the start; measure it before you begin.",
        "nl": "De nulmeting is van na de start; meet die voordat je begint.",
    },
    "smart_a_missing": {
        "en": "Name an owner who is accountable.",
        "nl": "Wijs een eigenaar aan die verantwoordelijk is.",
    },
    "smart_a_ok": {"en": "An owner is set.", "nl": "Er is een eigenaar."},
    "smart_r_missing": {
        "en": "Realism can't be judged without a numeric target and baseline.",
        "nl": "Haalbaarheid is niet te beoordelen zonder numerieke streefwaarde en nulmeting.",
    },
    "smart_r_too_high": {
        "en": "The target is {factor:.1f}× the baseline, more than the plausible {limit:g}×.",
        "nl": "De streefwaarde is {factor:.1f}× de nulmeting, meer dan de aannemelijke {limit:g}×.",
    },
    "smart_r_too_low": {
        "en": "The target is a {factor:.1f}× reduction of the baseline, more than the plausible "
        "{limit:g}×.",
        "nl": "De streefwaarde is een verlaging met factor {factor:.1f} ten opzichte van de "
        "nulmeting, meer dan de aannemelijke {limit:g}×.",
    },
    "smart_r_equal": {
        "en": "The target equals the baseline: there is nothing to achieve.",
        "nl": "De streefwaarde is gelijk aan de nulmeting: er valt niets te bereiken.",
    },
    "smart_r_zero_baseline": {
        "en": "The baseline is zero, so growth can't be compared; check the target by hand.",
        "nl": "De nulmeting is nul, dus groei is niet te vergelijken; controleer de "
        "streefwaarde zelf.",
    },
    "smart_r_ok": {
        "en": "The target is plausible compared with the baseline.",
        "nl": "De streefwaarde is aannemelijk vergeleken met de nulmeting.",
    },
    "smart_t_missing": {
        "en": "Set a start date and a deadline.",
        "nl": "Vul een startdatum en een deadline in.",
    },
    "smart_t_order": {
        "en": "The deadline must be after the start.",
        "nl": "De deadline moet na de startdatum liggen.",
    },
    "smart_t_ok": {"en": "The deadline is after the start.", "nl": "De deadline ligt na de start."},
    # Kerkhofs
    "go_no_go_missing": {
        "en": "Steps 4–8 open after a go. The go/no-go record still needs {fields}.",
        "nl": "Stap 4–8 gaan open na een go. Bij het go/no-go-besluit ontbreekt nog: {fields}.",
    },
    "go_no_go_is_no_go": {
        "en": "The decision was no-go: this cycle is closed. Start a new cycle to continue.",
        "nl": "Het besluit was no-go: deze cyclus is afgesloten. Start een nieuwe cyclus om verder "
        "te gaan.",
    },
    # Funnel
    "funnel_increase": {
        "en": "{later} ({later_count}) is larger than {earlier} ({earlier_count}): a funnel "
        "narrows, so check the counts.",
        "nl": "{later} ({later_count}) is groter dan {earlier} ({earlier_count}): een trechter "
        "wordt smaller, dus controleer de aantallen.",
    },
    "funnel_early_revenue": {
        "en": "Revenue is recorded at {stage}, before customers exist.",
        "nl": "Er is omzet geboekt bij {stage}, terwijl er nog geen klanten zijn.",
    },
    # Roos
    "roos_missing": {
        "en": "Organiseren needs {fields} before any petal can be active.",
        "nl": "Organiseren heeft {fields} nodig voordat een blad actief kan zijn.",
    },
    "roos_petal_incomplete": {
        "en": "{petal}: fill in {fields}.",
        "nl": "{petal}: vul {fields} in.",
    },
    "roos_active_too_early": {
        "en": "{petal} is marked active, but Organiseren isn't ready.",
        "nl": "{petal} staat op actief, maar Organiseren is nog niet klaar.",
    },
}
"""Message catalogue by code. Placeholders use str.format."""


def _join(parts: Sequence[Bilingual], lang: str) -> str:
    words = [p[lang] for p in parts]
    if len(words) <= 1:
        return "".join(words)
    conj = " and " if lang == "en" else " en "
    return ", ".join(words[:-1]) + conj + words[-1]


def _fields_reason(code: str, fields: Sequence[Bilingual], **params: object) -> Reason:
    return Reason(
        code,
        {
            lang: MESSAGES[code][lang].format(fields=_join(fields, lang), **params)
            for lang in ("en", "nl")
        },
    )


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _is_number(value: object) -> TypeGuard[Number]:
    # bool is an int subclass; True is not a target.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return math.isfinite(value)


# =============================================================================================
# Measurement levels (Bartholomew / Vierfasenmodel; DOMAIN.md §7)


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


# =============================================================================================
# Groundswell's five objectives (DOMAIN.md §3)


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
            {"en": "Deflected support contacts", "nl": "Voorkomen contacten met de klantenservice"},
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
        return [_reason("objectives_no_primary")], []
    if primaries > 1:
        return [], [_reason("objectives_many_primaries", count=primaries)]
    return [], []


# =============================================================================================
# SMART objectives (DOMAIN.md §8)


@dataclass(frozen=True)
class SmartObjective:
    """One measurable objective. Empty strings and ``None`` both mean "not set"."""

    title: str
    metric: str | None = None
    channel: str | None = None
    target_group: str | None = None
    target: Number | None = None
    unit: str | None = None
    baseline: Number | None = None
    baseline_date: date | None = None
    owner: str | None = None
    start: date | None = None
    deadline: date | None = None
    kpi_ids: tuple[str, ...] = ()
    groundswell: Objective | None = None


class SmartStatus(enum.StrEnum):
    PASSED = "passed"
    WARNING = "warning"
    MISSING = "missing"


@dataclass(frozen=True)
class LetterCheck:
    letter: str
    status: SmartStatus
    reason: Reason


@dataclass(frozen=True)
class SmartResult:
    """Per-letter results, in S-M-A-R-T order."""

    letters: tuple[LetterCheck, ...]

    def __getitem__(self, letter: str) -> LetterCheck:
        return next(c for c in self.letters if c.letter == letter)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c.letter for c in self.letters if c.status is SmartStatus.MISSING)

    @property
    def passed(self) -> bool:
        """True when nothing is missing (warnings allowed)."""
        return not self.missing


_FIELD_NAMES: Mapping[str, Bilingual] = {
    "metric": {"en": "metric", "nl": "maatstaf"},
    "channel": {"en": "channel", "nl": "kanaal"},
    "target_group": {"en": "target group", "nl": "doelgroep"},
    "target": {"en": "numeric target", "nl": "numerieke streefwaarde"},
    "unit": {"en": "unit", "nl": "eenheid"},
    "baseline": {"en": "baseline value", "nl": "waarde van de nulmeting"},
    "baseline_date": {"en": "baseline date", "nl": "datum van de nulmeting"},
    "decision": {"en": "the decision (go or no-go)", "nl": "het besluit (go of no-go)"},
    "decided_on": {"en": "the date", "nl": "de datum"},
    "rationale": {"en": "the rationale", "nl": "de onderbouwing"},
    "decided_by": {"en": "who decided", "nl": "wie besloot"},
    "roles": {"en": "roles", "nl": "rollen"},
    "processes": {"en": "processes", "nl": "processen"},
    "guidelines": {"en": "guidelines", "nl": "richtlijnen"},
    "activities": {"en": "activities", "nl": "activiteiten"},
    "channels": {"en": "channels", "nl": "kanalen"},
    "owner": {"en": "owner", "nl": "eigenaar"},
    "effort": {"en": "effort", "nl": "inspanning"},
}

DEFAULT_MAX_GROWTH_FACTOR = 3.0
"""R: a target more than 3× the baseline (or a reduction to less than a third) gets a warning.
The sources give no number; this is a conservative default for one cycle."""


def check_smart(
    objective: SmartObjective, *, max_growth_factor: float = DEFAULT_MAX_GROWTH_FACTOR
) -> SmartResult:
    """Check one objective letter by letter (DOMAIN.md §8).

    S: metric, channel and target group set. M: numeric target, unit, baseline value and baseline
    date set (a baseline dated after the start is a warning). A: owner set. R: target vs
    baseline within ``max_growth_factor`` in either direction, else a warning; equal to the
    baseline is a warning; a zero baseline passes with a note. T: start and deadline set and the
    deadline strictly after the start.
    """
    o = objective
    checks: list[LetterCheck] = []

    s_missing = [f for f in ("metric", "channel", "target_group") if _blank(getattr(o, f))]
    checks.append(
        LetterCheck("S", SmartStatus.MISSING, _missing_fields("smart_s_missing", s_missing))
        if s_missing
        else LetterCheck("S", SmartStatus.PASSED, _reason("smart_s_ok"))
    )

    m_missing = [f for f in ("target", "baseline") if not _is_number(getattr(o, f))]
    m_missing += [f for f in ("unit",) if _blank(o.unit)]
    m_missing += ["baseline_date"] if o.baseline_date is None else []
    if m_missing:
        checks.append(
            LetterCheck("M", SmartStatus.MISSING, _missing_fields("smart_m_missing", m_missing))
        )
    elif o.start is not None and o.baseline_date is not None and o.baseline_date > o.start:
        checks.append(
            LetterCheck("M", SmartStatus.WARNING, _reason("smart_m_baseline_after_start"))
        )
    else:
        checks.append(LetterCheck("M", SmartStatus.PASSED, _reason("smart_m_ok")))

    checks.append(
        LetterCheck("A", SmartStatus.MISSING, _reason("smart_a_missing"))
        if _blank(o.owner)
        else LetterCheck("A", SmartStatus.PASSED, _reason("smart_a_ok"))
    )

    checks.append(_check_realistic(o.target, o.baseline, max_growth_factor))

    if o.start is None or o.deadline is None:
        checks.append(LetterCheck("T", SmartStatus.MISSING, _reason("smart_t_missing")))
    elif o.deadline <= o.start:
        checks.append(LetterCheck("T", SmartStatus.MISSING, _reason("smart_t_order")))
    else:
        checks.append(LetterCheck("T", SmartStatus.PASSED, _reason("smart_t_ok")))
    return SmartResult(tuple(checks))


def _missing_fields(code: str, fields: Sequence[str]) -> Reason:
    return _fields_reason(code, [_FIELD_NAMES[f] for f in fields])


def _check_realistic(target: Number | None, baseline: Number | None, limit: float) -> LetterCheck:
    if not (_is_number(target) and _is_number(baseline)):
        return LetterCheck("R", SmartStatus.MISSING, _reason("smart_r_missing"))
    t, b = float(target), float(baseline)
    if t == b:
        return LetterCheck("R", SmartStatus.WARNING, _reason("smart_r_equal"))
    if b == 0:
        return LetterCheck("R", SmartStatus.PASSED, _reason("smart_r_zero_baseline"))
    # Ratios only make sense for values on the same side of zero (counts, rates, durations).
    if t > b and t / b > limit:
        return LetterCheck(
            "R", SmartStatus.WARNING, _reason("smart_r_too_high", factor=t / b, limit=limit)
        )
    if t < b and (t <= 0 or b / t > limit):
        factor = math.inf if t <= 0 else b / t
        return LetterCheck(
            "R", SmartStatus.WARNING, _reason("smart_r_too_low", factor=factor, limit=limit)
        )
    return LetterCheck("R", SmartStatus.PASSED, _reason("smart_r_ok"))


@dataclass(frozen=True)
class ExampleObjective:
    """A worked SMART example from the seed material, for the objective wizard."""

    text: Bilingual
    groundswell: Objective
    level: Level
    kpi_ids: tuple[str, ...]


EXAMPLE_OBJECTIVES: tuple[ExampleObjective, ...] = (
    ExampleObjective(
        {
            "en": "Answer 90% of customer questions on Mastodon and Facebook within 4 hours "
            "during office hours, from 1 March to 31 May.",
            "nl": "Beantwoord van 1 maart tot en met 31 mei 90% van de klantvragen via Mastodon "
            "en Facebook binnen 4 uur tijdens kantooruren.",
        },
        Objective.SUPPORTING,
        Level.ENGAGEMENT,
        ("response_rate", "response_time"),
    ),
    ExampleObjective(
        {
            "en": "Get the spring campaign shared by 15 influencers in our sector before 30 June.",
            "nl": "Zorg dat 15 influencers uit onze branche de voorjaarscampagne vóór 30 juni "
            "delen.",
        },
        Objective.ENERGIZING,
        Level.INFLUENCE,
        ("amplification_rate",),
    ),
    ExampleObjective(
        {
            "en": "Raise our share of voice against the three main competitors from 18% to 25% "
            "by the end of the year.",
            "nl": "Verhoog ons share of voice ten opzichte van de drie grootste concurrenten van "
            "18% naar 25% vóór het einde van het jaar.",
        },
        Objective.TALKING,
        Level.EXPOSURE,
        ("share_of_voice",),
    ),
)


# =============================================================================================
# POST (DOMAIN.md §1)


class PostStep(enum.StrEnum):
    PEOPLE = "people"
    OBJECTIVES = "objectives"
    STRATEGY = "strategy"
    TECHNOLOGY = "technology"


POST_STEPS: Mapping[PostStep, Mapping[str, Bilingual]] = {
    PostStep.PEOPLE: {
        "name": {"en": "People", "nl": "Mensen"},
        "question": {
            "en": "Who is the audience, how do they behave online, who are the influencers?",
            "nl": "Wie is de doelgroep, hoe gedraagt die zich online, wie zijn de opinieleiders?",
        },
    },
    PostStep.OBJECTIVES: {
        "name": {"en": "Objectives", "nl": "Doelstellingen"},
        "question": {
            "en": "What do we want to achieve? Start by listening, and make it SMART.",
            "nl": "Wat willen we bereiken? Begin met luisteren en maak het SMART.",
        },
    },
    PostStep.STRATEGY: {
        "name": {"en": "Strategy", "nl": "Strategie"},
        "question": {
            "en": "How will the relationship with customers change? Imagine the endpoint.",
            "nl": "Hoe verandert de relatie met klanten? Stel je het eindpunt voor.",
        },
    },
    PostStep.TECHNOLOGY: {
        "name": {"en": "Technology", "nl": "Technologie"},
        "question": {
            "en": "Which networks and tools? Decided last.",
            "nl": "Welke netwerken en hulpmiddelen? Dat kies je als laatste.",
        },
    },
}


@dataclass(frozen=True)
class Channel:
    network: str
    posts_per_week: float | None = None


@dataclass(frozen=True)
class PostPlan:
    """Everything the POST wizard stores, as the rules need it."""

    has_technographics_profile: bool = False
    audience_description: str = ""
    influencers: tuple[str, ...] = ()
    objectives: tuple[ObjectiveChoice, ...] = ()
    smart_objectives: tuple[SmartObjective, ...] = ()
    current_relationship: str = ""
    target_relationship: str = ""
    key_messages: tuple[str, ...] = ()
    ambassadors: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ()


@dataclass(frozen=True)
class StepStatus:
    """``complete`` is true when nothing is missing; warnings never block."""

    step: PostStep
    missing: tuple[Reason, ...] = ()
    warnings: tuple[Reason, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Lock:
    """Whether something is locked, and every reason why (empty when unlocked)."""

    reasons: tuple[Reason, ...] = ()

    @property
    def locked(self) -> bool:
        return bool(self.reasons)


def post_step_status(
    plan: PostPlan, step: PostStep, *, max_growth_factor: float = DEFAULT_MAX_GROWTH_FACTOR
) -> StepStatus:
    """What's missing (blocking) and what deserves a warning for one POST step.

    People: profile and audience description required; no influencers is a warning.
    Objectives: one primary Groundswell objective, ≥1 SMART objective, each with ≥1 KPI and no
    SMART letter missing; a second primary or a SMART warning is a warning.
    Strategy: current and target relationship and ≥1 key message; no ambassadors is a warning.
    Technology: ≥1 channel, each with a posting frequency. (Whether Technology may be edited at
    all is :func:`technology_lock`.)
    """
    missing: list[Reason] = []
    warnings: list[Reason] = []
    if step is PostStep.PEOPLE:
        if not plan.has_technographics_profile:
            missing.append(_reason("people_no_profile"))
        if _blank(plan.audience_description):
            missing.append(_reason("people_no_audience"))
        if not any(not _blank(i) for i in plan.influencers):
            warnings.append(_reason("people_no_influencers"))
    elif step is PostStep.OBJECTIVES:
        primary_missing, primary_warnings = check_primary_objective(plan.objectives)
        missing += primary_missing
        warnings += primary_warnings
        if not plan.smart_objectives:
            missing.append(_reason("objectives_none"))
        for objective in plan.smart_objectives:
            if not objective.kpi_ids:
                missing.append(_reason("objective_no_kpi", title=objective.title))
            smart = check_smart(objective, max_growth_factor=max_growth_factor)
            if smart.missing:
                missing.append(
                    _reason(
                        "objective_not_smart",
                        title=objective.title,
                        letters="/".join(smart.missing),
                    )
                )
            warnings += [c.reason for c in smart.letters if c.status is SmartStatus.WARNING]
    elif step is PostStep.STRATEGY:
        if _blank(plan.current_relationship):
            missing.append(_reason("strategy_no_current"))
        if _blank(plan.target_relationship):
            missing.append(_reason("strategy_no_target"))
        if not any(not _blank(m) for m in plan.key_messages):
            missing.append(_reason("strategy_no_messages"))
        if not any(not _blank(a) for a in plan.ambassadors):
            warnings.append(_reason("strategy_no_ambassadors"))
    else:
        if not plan.channels:
            missing.append(_reason("technology_no_channels"))
        missing += [
            _reason("technology_no_frequency", network=c.network)
            for c in plan.channels
            if c.posts_per_week is None
        ]
    return StepStatus(step, tuple(missing), tuple(warnings))


def post_status(plan: PostPlan, **options: float) -> dict[PostStep, StepStatus]:
    """:func:`post_step_status` for every step, in POST order."""
    return {step: post_step_status(plan, step, **options) for step in PostStep}


def technology_lock(plan: PostPlan, **options: float) -> Lock:
    """Technology stays locked until People, Objectives and Strategy are complete.

    The reasons name each incomplete step and then list what that step is missing.
    """
    reasons: list[Reason] = []
    for step in (PostStep.PEOPLE, PostStep.OBJECTIVES, PostStep.STRATEGY):
        status = post_step_status(plan, step, **options)
        if not status.complete:
            names = POST_STEPS[step]["name"]
            reasons.append(
                Reason(
                    "technology_locked",
                    {
                        lang: MESSAGES["technology_locked"][lang].format(step=names[lang])
                        for lang in ("en", "nl")
                    },
                )
            )
            reasons += status.missing
    return Lock(tuple(reasons))


# =============================================================================================
# Kerkhofs' Social Strategy Model (DOMAIN.md §5)


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
            ("rationale", _blank(record.rationale)),
            ("decided_by", _blank(record.decided_by)),
        )
        if empty
    ]
    blocked = frozenset(STEPS_AFTER_GO)
    if missing:
        reason = _missing_fields("go_no_go_missing", missing)
        return KerkhofsState(CycleState.UNDECIDED, blocked, (reason,))
    if record.decision is Decision.NO_GO:
        return KerkhofsState(CycleState.CLOSED_NO_GO, blocked, (_reason("go_no_go_is_no_go"),))
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


# =============================================================================================
# Social Media Funnel (DOMAIN.md §4)


@dataclass(frozen=True)
class FunnelStage:
    name: Bilingual
    revenue_allowed: bool = False


DEFAULT_FUNNEL_STAGES: tuple[FunnelStage, ...] = (
    FunnelStage({"en": "Audience", "nl": "Publiek"}),
    FunnelStage({"en": "Fans/Friends", "nl": "Fans/vrienden"}),
    FunnelStage({"en": "Subscribers", "nl": "Abonnees"}),
    FunnelStage({"en": "Prospects", "nl": "Prospects"}),
    FunnelStage({"en": "Customers", "nl": "Klanten"}, revenue_allowed=True),
    FunnelStage({"en": "Loyalists/Advocates", "nl": "Loyale klanten/ambassadeurs"}, True),
)
"""Stage names are configurable; pass your own stages to :func:`analyse_funnel`."""


@dataclass(frozen=True)
class FunnelRow:
    stage: FunnelStage
    count: int | None
    step_conversion: float | None
    """``N[i+1] / N[i]`` as a fraction (0.25 = 25%); ``None`` on the last stage or 0/missing."""
    cumulative_conversion: float | None
    """``N[i] / N[0]`` as a fraction; ``None`` when the first stage is 0 or missing."""


@dataclass(frozen=True)
class FunnelAnalysis:
    rows: tuple[FunnelRow, ...]
    warnings: tuple[Reason, ...]


def _ratio(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def analyse_funnel(
    counts: Sequence[int | None],
    stages: Sequence[FunnelStage] = DEFAULT_FUNNEL_STAGES,
    *,
    revenue: Sequence[float | None] | None = None,
) -> FunnelAnalysis:
    """Step and cumulative conversion per stage, with warnings.

    Warns when a count is larger than the last known count above it, and when ``revenue`` is
    recorded (> 0) at a stage before the first stage with ``revenue_allowed``. Raises
    ``ValueError`` when the lengths differ or a count is negative (a programming error).
    """
    if len(counts) != len(stages) or (revenue is not None and len(revenue) != len(stages)):
        raise ValueError("one count (and revenue figure) per stage")
    if any(c is not None and c < 0 for c in counts):
        raise ValueError("funnel counts can't be negative")

    rows = []
    for i, (stage, count) in enumerate(zip(stages, counts, strict=True)):
        step = _ratio(counts[i + 1], count) if i + 1 < len(counts) else None
        rows.append(FunnelRow(stage, count, step, _ratio(count, counts[0])))

    warnings: list[Reason] = []
    previous: tuple[FunnelStage, int] | None = None
    for stage, count in zip(stages, counts, strict=True):
        if count is None:
            continue
        if previous is not None and count > previous[1]:
            warnings.append(_funnel_increase(previous[0], previous[1], stage, count))
        previous = (stage, count)

    if revenue is not None:
        for stage, amount in zip(stages, revenue, strict=True):
            if stage.revenue_allowed:
                break
            if amount:
                warnings.append(
                    Reason(
                        "funnel_early_revenue",
                        {
                            lang: MESSAGES["funnel_early_revenue"][lang].format(
                                stage=stage.name[lang]
                            )
                            for lang in ("en", "nl")
                        },
                    )
                )
    return FunnelAnalysis(tuple(rows), tuple(warnings))


def _funnel_increase(
    earlier: FunnelStage, earlier_count: int, later: FunnelStage, later_count: int
) -> Reason:
    return Reason(
        "funnel_increase",
        {
            lang: MESSAGES["funnel_increase"][lang].format(
                earlier=earlier.name[lang],
                earlier_count=earlier_count,
                later=later.name[lang],
                later_count=later_count,
            )
            for lang in ("en", "nl")
        },
    )


# =============================================================================================
# Communicatieroos (Paul Blok; DOMAIN.md §6)


class Petal(enum.StrEnum):
    LUISTEREN = "luisteren"
    REAGEREN = "reageren"
    ZENDEN = "zenden"
    ACTIVEREN = "activeren"


PETAL_NAMES: Mapping[Petal | str, Bilingual] = {
    Petal.LUISTEREN: {"en": "Listening", "nl": "Luisteren"},
    Petal.REAGEREN: {"en": "Responding", "nl": "Reageren"},
    Petal.ZENDEN: {"en": "Broadcasting (content, incl. employees)", "nl": "Zenden"},
    Petal.ACTIVEREN: {"en": "Activating", "nl": "Activeren"},
    "organiseren": {"en": "Organising", "nl": "Organiseren"},
}


@dataclass(frozen=True)
class Organiseren:
    """The centre of the roos: internal (employees) and external (partners) organisation."""

    roles: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    guidelines: tuple[str, ...] = ()
    internal: str = ""
    """How employees are activated."""
    external: str = ""
    """Which partners are involved."""


@dataclass(frozen=True)
class PetalPlan:
    activities: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    owner: str = ""
    effort_hours_per_week: float | None = None
    active: bool = False


@dataclass(frozen=True)
class Roos:
    organiseren: Organiseren = Organiseren()
    petals: Mapping[Petal, PetalPlan] | None = None


@dataclass(frozen=True)
class RoosStatus:
    organiseren_ready: bool
    organiseren_missing: tuple[Reason, ...]
    activation: Mapping[Petal, Lock]
    """Per petal: may it be marked active, and if not, why."""
    violations: tuple[Reason, ...]
    """Petals stored as active although Organiseren isn't ready (old data, imports)."""


def roos_status(roos: Roos) -> RoosStatus:
    """A petal can't be active until Organiseren has roles, processes and guidelines; a petal
    also needs activities, channels, an owner and an effort estimate before it can go active."""
    centre = roos.organiseren
    centre_missing = [
        f
        for f in ("roles", "processes", "guidelines")
        if not any(map(str.strip, getattr(centre, f)))
    ]
    centre_reasons: tuple[Reason, ...] = ()
    if centre_missing:
        centre_reasons = (_missing_fields("roos_missing", centre_missing),)
    petals = roos.petals or {}
    activation: dict[Petal, Lock] = {}
    violations: list[Reason] = []
    for petal in Petal:
        plan = petals.get(petal, PetalPlan())
        reasons = list(centre_reasons)
        petal_missing = [
            f for f in ("activities", "channels") if not any(map(str.strip, getattr(plan, f)))
        ]
        petal_missing += ["owner"] if _blank(plan.owner) else []
        petal_missing += ["effort"] if plan.effort_hours_per_week is None else []
        if petal_missing:
            reasons.append(_petal_reason("roos_petal_incomplete", petal, petal_missing))
        activation[petal] = Lock(tuple(reasons))
        if plan.active and centre_reasons:
            violations.append(_petal_reason("roos_active_too_early", petal))
    return RoosStatus(not centre_missing, centre_reasons, activation, tuple(violations))


def _petal_reason(code: str, petal: Petal, fields: Sequence[str] = ()) -> Reason:
    return Reason(
        code,
        {
            lang: MESSAGES[code][lang].format(
                petal=PETAL_NAMES[petal][lang],
                fields=_join([_FIELD_NAMES[f] for f in fields], lang),
            )
            for lang in ("en", "nl")
        },
    )


# =============================================================================================
# Listening maturity (Don Bartholomew; DOMAIN.md §7)


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
    MaturityStage(1, {"en": "Reactive alerts", "nl": "Reactieve meldingen"}, (
        _item("alerts_brand", "Alerts are set up for the brand and product names.",
              "Er zijn meldingen ingesteld voor de merk- en productnamen.",
              "Alerts: keyword rules", "Meldingen: trefwoordregels"),
        _item("alerts_reader", "Someone is named to read the alerts and pass them on.",
              "Er is iemand aangewezen die de meldingen leest en doorzet.",
              "Alerts: notification by e-mail", "Meldingen: melding per e-mail"),
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
              "Alerts: negative-sentiment surge", "Meldingen: plotselinge toename negatief "
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
              "Measurement: exports and API", "Meten: exports en API"),
        _item("feeds_sales_marketing",
              "Insights reach sales and marketing with agreed follow-up.",
              "Inzichten bereiken verkoop en marketing, met afgesproken opvolging.",
              "Alerts: webhooks to other systems", "Meldingen: webhooks naar andere systemen"),
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
