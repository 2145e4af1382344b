"""Kerkhofs' Social Strategy Model: eight steps and the uitstapmoment (DOMAIN.md §5)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from koers.strategy.rules.reasons import (
    Bilingual,
    Lock,
    Number,
    Reason,
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
