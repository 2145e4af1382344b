"""The funnel, the Communicatieroos, the listening-maturity ladder and the results of
objectives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from koers.core.actions import audit
from koers.strategy import rules
from koers.strategy import status as cycle_status
from koers.strategy.actions.common import (
    StepLocked,
    _editable,
    _json,
    _set_fields,
)
from koers.strategy.models import (
    Cycle,
    FunnelStage,
    Objective,
    Roos,
    RoosPetal,
)

# ---------------------------------------------------------------------------------------------
# Funnel, roos, maturity


@transaction.atomic
def save_funnel(
    cycle: Cycle,
    actor: AbstractBaseUser,
    *,
    stages: Sequence[tuple[str, int | None]],
    revenue: Sequence[Decimal | None] | None = None,
) -> list[FunnelStage]:
    """Replace the funnel's stages (names are editable), their target counts and the revenue
    expected at each (``revenue`` lines up with ``stages``; none when not given)."""
    _editable(cycle)
    FunnelStage.objects.filter(cycle=cycle).delete()
    amounts = list(revenue or []) + [None] * len(stages)
    saved = FunnelStage.objects.bulk_create(
        FunnelStage(
            workspace=cycle.workspace,
            cycle=cycle,
            position=i,
            name=name,
            count=count,
            expected_revenue=amounts[i],
        )  # fmt: skip
        for i, (name, count) in enumerate(stages)
    )
    audit(
        cycle.workspace,
        actor,
        "strategy.funnel",
        "updated the funnel targets",
        cycle,
        stages=[[name, count] for name, count in stages],
    )
    return saved


@transaction.atomic
def save_organiseren(cycle: Cycle, actor: AbstractBaseUser, **fields: str) -> Roos:
    _editable(cycle)
    centre, _created = Roos.objects.get_or_create(cycle=cycle, workspace=cycle.workspace)
    changes = _set_fields(centre, fields)
    audit(
        cycle.workspace,
        actor,
        "strategy.roos_organiseren",
        "updated Organiseren",
        cycle,
        fields=changes,
    )
    return centre


class PetalsLocked(StepLocked):
    """Some petals can't be active yet; ``by_petal`` maps each of them to the reasons."""

    def __init__(self, by_petal: Mapping[str, Sequence[rules.Reason]]) -> None:
        self.by_petal = {petal: tuple(reasons) for petal, reasons in by_petal.items()}
        super().__init__([r for reasons in self.by_petal.values() for r in reasons])


@transaction.atomic
def save_roos(
    cycle: Cycle,
    actor: AbstractBaseUser,
    *,
    organiseren: Mapping[str, str] | None,
    petals: Mapping[str, Mapping[str, Any]],
) -> Roos:
    """Save the whole Communicatieroos at once: the centre (when given) and the petals.
    A petal may only be active when the rules allow it, judged on what is saved here together;
    if any petal is refused nothing is saved (``PetalsLocked`` names each refused petal)."""
    _editable(cycle)
    centre, _created = Roos.objects.get_or_create(cycle=cycle, workspace=cycle.workspace)
    _set_fields(centre, organiseren or {})
    rows = {p.petal: p for p in RoosPetal.objects.select_for_update().filter(cycle=cycle)}
    for petal, fields in petals.items():
        row = rows.get(petal) or RoosPetal(workspace=cycle.workspace, cycle=cycle, petal=petal)
        for name, value in fields.items():
            setattr(row, name, value)
        rows[petal] = row
    activation = rules.roos_status(cycle_status.roos_from(centre, list(rows.values()))).activation
    refused = {
        petal: activation[rules.Petal(petal)].reasons
        for petal in petals
        if rows[petal].active and activation[rules.Petal(petal)].locked
    }
    if refused:
        raise PetalsLocked(refused)
    for petal, fields in petals.items():
        row = rows[petal]
        if row.pk is None:
            row.save()
        else:
            row.save(update_fields=list(fields))
    audit(
        cycle.workspace,
        actor,
        "strategy.roos",
        "updated the Communicatieroos",
        cycle,
        organiseren=sorted(organiseren or {}),
        petals={p: sorted(f) for p, f in petals.items()},
    )
    return centre


@transaction.atomic
def save_petal(cycle: Cycle, actor: AbstractBaseUser, *, petal: str, **fields: Any) -> RoosPetal:
    """A petal can only be marked active when the rules allow it (Organiseren first)."""
    _editable(cycle)
    row, _created = RoosPetal.objects.get_or_create(
        cycle=cycle, petal=petal, defaults={"workspace": cycle.workspace}
    )
    for name, value in fields.items():
        setattr(row, name, value)
    if row.active:
        others = [p for p in cycle.petals.all() if p.petal != petal]
        centre = Roos.objects.filter(cycle=cycle).first()
        activation = rules.roos_status(cycle_status.roos_from(centre, [*others, row])).activation
        lock = activation[rules.Petal(petal)]
        if lock.locked:
            raise StepLocked(lock.reasons)
    row.save(update_fields=list(fields))
    audit(cycle.workspace, actor, "strategy.roos_petal", f"updated petal {petal}", row)
    return row


@transaction.atomic
def save_maturity(cycle: Cycle, actor: AbstractBaseUser, *, checked: Sequence[str]) -> Cycle:
    _editable(cycle)
    cycle.maturity_checked = sorted(set(checked))
    cycle.save(update_fields=["maturity_checked"])
    stage = rules.assess_maturity(cycle.maturity_checked).current_stage
    audit(
        cycle.workspace,
        actor,
        "strategy.maturity",
        f"listening maturity assessed at stage {stage}",
        cycle,
        checked=cycle.maturity_checked,
    )
    return cycle


@transaction.atomic
def record_objective_result(
    objective: Objective, actor: AbstractBaseUser | None, *, result: Decimal | None, on: date | None
) -> Objective:
    """The evaluation of an objective (e.g. from measurement). It becomes the baseline of the
    next cycle when that cycle is started (:func:`create_cycle`)."""
    _editable(objective.cycle)
    _set_fields(objective, {"result": result, "result_date": on if result is not None else None})
    audit(
        objective.workspace,
        actor,
        "strategy.objective_result",
        f"evaluated objective {objective.title}: {result}",
        objective,
        result=_json(result),
        on=_json(on),
    )
    return objective
