"""The evaluation page's rows: one per objective of the active cycle, with its measured value,
the suggested verdict and any evaluation already recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from koers.core.models import Workspace
from koers.measurement import progress
from koers.measurement.forms import EvaluationForm
from koers.measurement.formulas import present
from koers.measurement.models import ObjectiveEvaluation
from koers.strategy import costs
from koers.strategy.models import Cycle, CycleStatus


@dataclass
class EvaluationRow:
    row: progress.ObjectiveProgress
    evaluation: ObjectiveEvaluation | None
    form: EvaluationForm

    @property
    def suggested_reached(self) -> bool:
        actual = self.row.progress.actual
        return actual is not None and actual >= 1.0


def rows(workspace: Workspace, today: date) -> list[EvaluationRow]:
    """The first KPI of each objective decides its evaluation (objectives may list several)."""
    seen: dict[int, progress.ObjectiveProgress] = {}
    for row in progress.for_workspace(workspace, today):
        seen.setdefault(row.objective.id, row)
    done = {
        e.objective_id: e
        for e in ObjectiveEvaluation.objects.filter(workspace=workspace, objective_id__in=seen)
    }
    found = []
    for objective_id, row in seen.items():
        evaluation = done.get(objective_id)
        if evaluation is not None:
            initial = {"value": evaluation.value, "reached": evaluation.reached,
                       "learnings": evaluation.learnings}  # fmt: skip
        else:
            measured = present(row.value.value, 2)
            actual = row.progress.actual
            initial = {"value": None if measured is None else float(measured),
                       "reached": actual is not None and actual >= 1.0}  # fmt: skip
        form = EvaluationForm(initial=initial, prefix=f"o{objective_id}")
        found.append(EvaluationRow(row, evaluation, form))
    return found


def cycle_roi(workspace: Workspace) -> tuple[Cycle, costs.CycleRoi] | None:
    """The active cycle's ROI on its evaluated results (the evaluation is its end point)."""
    cycle = Cycle.objects.filter(workspace=workspace, status=CycleStatus.ACTIVE).first()
    if cycle is None:
        return None
    return cycle, costs.cycle_roi(cycle, "result")
