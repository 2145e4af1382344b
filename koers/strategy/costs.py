"""ROI of a cycle from its rows: the roos' hours, the cycle's costs, the objectives' results.

``cycle_roi(cycle, basis="plan")`` values the objectives' *targets* (what the plan promises);
``basis="result"`` their evaluated results (what the evaluation shows). The arithmetic and its
"not known" rules live in the pure :mod:`koers.strategy.rules.roi`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from koers.strategy import rules
from koers.strategy.models import Cycle, CycleCosts, ResultValues

Basis = Literal["plan", "result"]


@dataclass(frozen=True)
class CycleRoi:
    basis: Basis
    weeks: float
    roi: rules.Roi
    costs: CycleCosts | None
    values: ResultValues | None


def weeks_of(cycle: Cycle) -> float:
    return ((cycle.period_end - cycle.period_start).days + 1) / 7


def _roles(cycle: Cycle) -> tuple[rules.RoleHours, ...]:
    return tuple(
        rules.RoleHours(
            rules.PETAL_NAMES[rules.Petal(p.petal)],
            p.effort_hours_per_week,
            in_use=bool(p.activities.strip()) or p.active,
        )
        for p in sorted(cycle.petals.all(), key=lambda p: list(rules.Petal).index(p.petal))
    )


def _results(cycle: Cycle, basis: Basis) -> tuple[rules.ResultLine, ...]:
    return tuple(
        rules.ResultLine(
            o.title, rules.ResultKind(o.result_kind), o.target if basis == "plan" else o.result
        )
        for o in cycle.objectives.all()
        if o.result_kind
    )


def cycle_roi(cycle: Cycle, basis: Basis = "plan") -> CycleRoi:
    costs = CycleCosts.objects.filter(cycle=cycle).first()
    values = ResultValues.objects.filter(workspace_id=cycle.workspace_id).first()
    weeks = weeks_of(cycle)
    inputs = rules.RoiInputs(
        weeks=round(weeks, 4),
        roles=_roles(cycle),
        hourly_rate=costs.hourly_rate if costs else None,
        tool_budget=costs.tool_budget if costs else None,
        ad_budget=costs.ad_budget if costs else None,
        results=_results(cycle, basis),
        unit_values={
            rules.ResultKind.LEAD: values.lead if values else None,
            rules.ResultKind.SAVED_CALL: values.saved_call if values else None,
            rules.ResultKind.VISIT: values.visit if values else None,
        },
    )
    return CycleRoi(basis, weeks, rules.compute_roi(inputs), costs, values)
