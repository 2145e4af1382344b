"""Strategy rules: POST, Groundswell objectives, SMART, Kerkhofs, funnel, roos, listening maturity.

Pure Python, no Django (ARCHITECTURE.md, "Rule of the house"); DOMAIN.md §1 and §3–8 are the
spec. The Django layer stores plans and calls these functions to decide what to show, lock or warn.
One module per model (``post``, ``groundswell``, ``smart``, ``kerkhofs``, ``funnel``, ``roos``,
``maturity``, ``levels``); ``reasons`` holds what they share. This package re-exports the public
API so the Django layer can write ``rules.post_status(...)``.

Conventions:

* Inputs and results are frozen dataclasses. Collections in inputs are tuples.
* Every user-facing string is a ``{"en": ..., "nl": ...}`` dict (:data:`Bilingual`).
* A rule that says *why* returns :class:`Reason` objects (stable ``code`` + bilingual message),
  so the UI can translate, and tests can assert on codes instead of prose.
* Thresholds that the sources don't pin down are keyword parameters with documented defaults.
"""

from __future__ import annotations

from koers.strategy.rules.funnel import (
    DEFAULT_FUNNEL_STAGES,
    FunnelAnalysis,
    FunnelRow,
    FunnelStage,
    analyse_funnel,
    default_funnel_stages,
    stages_named,
)
from koers.strategy.rules.groundswell import (
    GROUNDSWELL_OBJECTIVES,
    Objective,
    ObjectiveChoice,
    ObjectiveInfo,
    check_primary_objective,
)
from koers.strategy.rules.kerkhofs import (
    APPROACHES,
    GO_CRITERIA,
    KERKHOFS_STEPS,
    MEANS_NOT_GOAL,
    PARTNERS,
    STEPS_AFTER_GO,
    STEPS_BEFORE_GO,
    Approach,
    CycleState,
    Decision,
    GoCriterion,
    GoEvidence,
    GoNoGo,
    KerkhofsState,
    KerkhofsStep,
    KerkhofsStepInfo,
    MediaPlanChannel,
    Partners,
    StepFacts,
    go_readiness,
    kerkhofs_state,
    means_not_goal_warnings,
    next_cycle_objective,
    step_gaps,
    technology_gate,
)
from koers.strategy.rules.levels import (
    LEVELS,
    Level,
)
from koers.strategy.rules.maturity import (
    LISTENING_KPIS,
    MATURITY_STAGES,
    SHARE_OF_VOICE_ITEM,
    ChecklistItem,
    ListeningUse,
    MaturityAssessment,
    MaturityStage,
    assess_maturity,
    seen_items,
)
from koers.strategy.rules.policy import (
    POLICY_FIELDS,
    POLICY_SECTIONS,
    PolicySection,
    PolicyStatus,
    fill_from_template,
    policy_status,
)
from koers.strategy.rules.post import (
    POST_STEPS,
    Channel,
    PostPlan,
    PostStep,
    StepStatus,
    post_status,
    post_step_status,
    technology_lock,
)
from koers.strategy.rules.reasons import (
    MESSAGES,
    Bilingual,
    Lock,
    Number,
    Reason,
)
from koers.strategy.rules.roos import (
    PETAL_NAMES,
    Organiseren,
    Petal,
    PetalPlan,
    Roos,
    RoosStatus,
    roos_status,
)
from koers.strategy.rules.smart import (
    DEFAULT_MAX_GROWTH_FACTOR,
    EXAMPLE_OBJECTIVES,
    ExampleObjective,
    LetterCheck,
    SmartObjective,
    SmartResult,
    SmartStatus,
    check_smart,
)

__all__ = [
    "Bilingual",
    "Number",
    "Reason",
    "Lock",
    "MESSAGES",
    "Level",
    "LEVELS",
    "Objective",
    "ObjectiveInfo",
    "GROUNDSWELL_OBJECTIVES",
    "ObjectiveChoice",
    "check_primary_objective",
    "SmartObjective",
    "SmartStatus",
    "LetterCheck",
    "SmartResult",
    "DEFAULT_MAX_GROWTH_FACTOR",
    "check_smart",
    "ExampleObjective",
    "EXAMPLE_OBJECTIVES",
    "PostStep",
    "POST_STEPS",
    "Channel",
    "PostPlan",
    "StepStatus",
    "post_step_status",
    "post_status",
    "technology_lock",
    "KerkhofsStep",
    "KerkhofsStepInfo",
    "KERKHOFS_STEPS",
    "STEPS_AFTER_GO",
    "Decision",
    "GoNoGo",
    "CycleState",
    "KerkhofsState",
    "kerkhofs_state",
    "next_cycle_objective",
    "STEPS_BEFORE_GO",
    "GoCriterion",
    "GO_CRITERIA",
    "GoEvidence",
    "go_readiness",
    "technology_gate",
    "Approach",
    "APPROACHES",
    "Partners",
    "PARTNERS",
    "MediaPlanChannel",
    "StepFacts",
    "step_gaps",
    "MEANS_NOT_GOAL",
    "means_not_goal_warnings",
    "FunnelStage",
    "DEFAULT_FUNNEL_STAGES",
    "default_funnel_stages",
    "FunnelRow",
    "FunnelAnalysis",
    "analyse_funnel",
    "Petal",
    "PETAL_NAMES",
    "Organiseren",
    "PetalPlan",
    "Roos",
    "RoosStatus",
    "roos_status",
    "ChecklistItem",
    "MaturityStage",
    "SHARE_OF_VOICE_ITEM",
    "MATURITY_STAGES",
    "MaturityAssessment",
    "assess_maturity",
    "LISTENING_KPIS",
    "ListeningUse",
    "seen_items",
    "POLICY_FIELDS",
    "POLICY_SECTIONS",
    "PolicySection",
    "PolicyStatus",
    "fill_from_template",
    "policy_status",
]

# ROI of a cycle (issue 17 item 5): imported last so the list above stays as it was.
from koers.strategy.rules.roi import (  # noqa: E402
    RESULT_KIND_NAMES,
    ResultKind,
    ResultLine,
    Roi,
    RoiInputs,
    RoleHours,
    compute_roi,
)

__all__ += [
    "stages_named",
    "RESULT_KIND_NAMES",
    "ResultKind",
    "ResultLine",
    "Roi",
    "RoiInputs",
    "RoleHours",
    "compute_roi",
]
