"""POST: People, Objectives, Strategy, Technology, and the Technology lock (DOMAIN.md §1)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from koers.strategy.rules.groundswell import ObjectiveChoice, check_primary_objective
from koers.strategy.rules.reasons import MESSAGES, Bilingual, Lock, Reason, is_blank, make_reason
from koers.strategy.rules.smart import (
    DEFAULT_MAX_GROWTH_FACTOR,
    SmartObjective,
    SmartStatus,
    check_smart,
)


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
            missing.append(make_reason("people_no_profile"))
        if is_blank(plan.audience_description):
            missing.append(make_reason("people_no_audience"))
        if not any(not is_blank(i) for i in plan.influencers):
            warnings.append(make_reason("people_no_influencers"))
    elif step is PostStep.OBJECTIVES:
        primary_missing, primary_warnings = check_primary_objective(plan.objectives)
        missing += primary_missing
        warnings += primary_warnings
        if not plan.smart_objectives:
            missing.append(make_reason("objectives_none"))
        for objective in plan.smart_objectives:
            if not objective.kpi_ids:
                missing.append(make_reason("objective_no_kpi", title=objective.title))
            smart = check_smart(objective, max_growth_factor=max_growth_factor)
            if smart.missing:
                missing.append(
                    make_reason(
                        "objective_not_smart",
                        title=objective.title,
                        letters="/".join(smart.missing),
                    )
                )
            warnings += [c.reason for c in smart.letters if c.status is SmartStatus.WARNING]
    elif step is PostStep.STRATEGY:
        if is_blank(plan.current_relationship):
            missing.append(make_reason("strategy_no_current"))
        if is_blank(plan.target_relationship):
            missing.append(make_reason("strategy_no_target"))
        if not any(not is_blank(m) for m in plan.key_messages):
            missing.append(make_reason("strategy_no_messages"))
        if not any(not is_blank(a) for a in plan.ambassadors):
            warnings.append(make_reason("strategy_no_ambassadors"))
    else:
        if not plan.channels:
            missing.append(make_reason("technology_no_channels"))
        missing += [
            make_reason("technology_no_frequency", network=c.network)
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
