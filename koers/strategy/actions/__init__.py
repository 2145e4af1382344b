"""Every change to a strategy cycle goes through a function here.

Each action runs in one transaction and writes one audit row. Locks come from the pure rules:
an action refuses with :class:`StepLocked` (a ``PermissionDenied`` carrying the rules' reasons)
and a cycle that is no longer active refuses every change with :class:`CycleReadOnly`.
Who may call what (editor, admin for go/no-go) is checked by the views' access helper.

The package: :mod:`.common` (the refusals and shared helpers), :mod:`.cycles`, :mod:`.post`
(People, Technographics, Objectives, Strategy and Technology), :mod:`.kerkhofs`,
:mod:`.policy`, :mod:`.roos` (funnel, roos, maturity, results) and :mod:`.content`
(audiences, ROI).
"""

from __future__ import annotations

from koers.strategy.actions.common import (
    CycleReadOnly,
    GoRefused,
    NotAMember,
    StepLocked,
    kpi_unit,
)
from koers.strategy.actions.content import (
    add_audience,
    remove_audience,
    save_costs,
)
from koers.strategy.actions.cycles import (
    CARRY_PARTS,
    create_cycle,
)
from koers.strategy.actions.kerkhofs import (
    DECISION_FIELDS,
    STEP_FIELDS,
    record_go_no_go,
    save_kerkhofs_steps,
    update_kerkhofs_step,
)
from koers.strategy.actions.policy import (
    fill_policy_from_template,
    policy_for,
    save_policy,
)
from koers.strategy.actions.post import (
    CHANNEL_FIELDS,
    OBJECTIVE_FIELDS,
    add_channel,
    add_example_objective,
    add_influencer,
    delete_objective,
    remove_channel,
    remove_influencer,
    save_objective,
    save_survey_profile,
    set_comparison,
    set_groundswell,
    set_tactics,
    sync_key_messages,
    update_channel,
    update_people,
    update_strategy,
    use_benchmark,
)
from koers.strategy.actions.roos import (
    PetalsLocked,
    record_objective_result,
    save_funnel,
    save_maturity,
    save_organiseren,
    save_petal,
    save_roos,
)

__all__ = [
    "CARRY_PARTS",
    "CHANNEL_FIELDS",
    "CycleReadOnly",
    "DECISION_FIELDS",
    "GoRefused",
    "NotAMember",
    "OBJECTIVE_FIELDS",
    "PetalsLocked",
    "STEP_FIELDS",
    "StepLocked",
    "add_audience",
    "add_channel",
    "add_example_objective",
    "add_influencer",
    "create_cycle",
    "delete_objective",
    "fill_policy_from_template",
    "kpi_unit",
    "policy_for",
    "record_go_no_go",
    "record_objective_result",
    "remove_audience",
    "remove_channel",
    "remove_influencer",
    "save_costs",
    "save_funnel",
    "save_kerkhofs_steps",
    "save_maturity",
    "save_objective",
    "save_organiseren",
    "save_petal",
    "save_policy",
    "save_roos",
    "save_survey_profile",
    "set_comparison",
    "set_groundswell",
    "set_tactics",
    "sync_key_messages",
    "update_channel",
    "update_kerkhofs_step",
    "update_people",
    "update_strategy",
    "use_benchmark",
]
