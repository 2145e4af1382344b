"""Objective progress: each SMART objective's KPI over its own period vs baseline and target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from koers.core.models import Workspace
from koers.measurement import kpis, sources
from koers.measurement.formulas import (
    KPI_CATALOGUE,
    PROGRESS_STATUS_NAMES,
    KpiValue,
    Progress,
    ProgressStatus,
    classify_progress,
    progress_rule,
)
from koers.measurement.periods import Period


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: sources.ObjectiveRef
    period: Period | None
    value: KpiValue
    progress: Progress

    @property
    def kpi_name(self) -> str:
        definition = KPI_CATALOGUE.get(self.objective.kpi)
        return definition.name[kpis.lang()] if definition else self.objective.kpi

    @property
    def display(self) -> str:
        return kpis.display(self.value) if self.value.kpi in KPI_CATALOGUE else kpis.NO_VALUE

    @property
    def status_name(self) -> str:
        return PROGRESS_STATUS_NAMES[self.progress.status][kpis.lang()]

    @property
    def rule(self) -> str:
        return self.progress.rule[kpis.lang()]

    @property
    def reason(self) -> str:
        return self.progress.reason[kpis.lang()] if self.progress.reason else ""

    @property
    def percent_done(self) -> int | None:
        actual = self.progress.actual
        return None if actual is None else round(actual * 100)

    @property
    def percent_expected(self) -> int | None:
        expected = self.progress.expected
        return None if expected is None else round(expected * 100)


def measure(
    workspace: Workspace,
    objective: sources.ObjectiveRef,
    today: date,
    gathered: dict[tuple[Period, str], kpis.Inputs] | None = None,
) -> ObjectiveProgress:
    """The KPI from the objective's start up to today (or its deadline, if that has passed).

    ``gathered`` shares the inputs between objectives of the same period and campaign (most
    objectives of a cycle run over the whole cycle), so they are read once."""
    period = None
    value = KpiValue(objective.kpi, None)
    if objective.start and objective.deadline and objective.kpi in KPI_CATALOGUE:
        end = min(today, objective.deadline)
        if end >= objective.start:
            period = Period(objective.start, end)
            key = (period, objective.campaign)
            inputs = gathered.get(key) if gathered is not None else None
            if inputs is None:
                inputs = kpis.gather(workspace, period, objective.campaign)
                if gathered is not None:
                    gathered[key] = inputs
            value = kpis.compute(inputs, objective.kpi, objective.variant)
    if objective.baseline is None or objective.target is None:
        rule = progress_rule()
        reason = {"en": "A baseline and a target are needed to judge progress.",
                  "nl": "Voor een oordeel over de voortgang zijn een nulmeting en een "
                        "streefwaarde nodig."}  # fmt: skip
        progress = Progress(ProgressStatus.NO_VALUE, None, None, rule, reason)
        return ObjectiveProgress(objective, period, value, progress)
    progress = classify_progress(
        baseline=objective.baseline,
        target=objective.target,
        start=objective.start or today,
        deadline=objective.deadline or today,
        current=value.value,
        today=today,
    )
    return ObjectiveProgress(objective, period, value, progress)


def for_workspace(workspace: Workspace, today: date) -> list[ObjectiveProgress]:
    gathered: dict[tuple[Period, str], kpis.Inputs] = {}
    return [measure(workspace, o, today, gathered) for o in sources.objectives(workspace)]
