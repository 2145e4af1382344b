"""Kerkhofs' Social Strategy Model: its steps and the go/no-go exit point."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from koers.core.actions import audit
from koers.strategy import rules
from koers.strategy import status as cycle_status
from koers.strategy.actions.common import (
    GoRefused,
    NotAMember,
    StepLocked,
    _actor_name,
    _editable,
    _json,
    _set_fields,
)
from koers.strategy.models import (
    Cycle,
    CycleStatus,
    KerkhofsStep,
)

# ---------------------------------------------------------------------------------------------
# Kerkhofs


@transaction.atomic
def update_kerkhofs_step(
    step: KerkhofsStep,
    actor: AbstractBaseUser,
    *,
    status: str,
    notes: str,
    owner: str,
    **content: Any,
) -> KerkhofsStep:
    """Steps 4–8 are refused unless the go/no-go decision is a complete "go"."""
    cycle = step.cycle
    _editable(cycle)
    state = rules.kerkhofs_state(cycle_status.go_no_go(cycle))
    lock = state.lock(rules.KerkhofsStep(step.step))
    if lock.locked:
        raise StepLocked(lock.reasons)
    fields = {"status": status, "notes": notes, "owner": owner, **content}
    changes = _save_step_content(step, fields)
    audit(
        cycle.workspace,
        actor,
        "strategy.kerkhofs_step",
        f"updated Kerkhofs step {step.step}",
        step,
        fields=changes,
    )
    return step


STEP_FIELDS = ("status", "notes", "owner", "approach", "partners", "lead")


def _save_step_content(step: KerkhofsStep, fields: Mapping[str, Any]) -> list[str]:
    """Save a step's own fields and, for step 5, its linked campaigns (only the workspace's).
    The project lead must be a member of the workspace (the form offers only members)."""
    lead = fields.get("lead")
    if lead is not None and not step.workspace.memberships.filter(user=lead).exists():
        raise NotAMember(_("The project lead must be a member of the workspace."))
    changes = _set_fields(step, {k: fields[k] for k in STEP_FIELDS if k in fields})
    if "campaigns" in fields:
        chosen = [c for c in fields["campaigns"] if c.workspace_id == step.workspace_id]
        step.campaigns.set(chosen)
        changes.append("campaigns")
    return changes


@transaction.atomic
def save_kerkhofs_steps(
    cycle: Cycle,
    actor: AbstractBaseUser,
    steps: Mapping[str, Mapping[str, str]],
    *,
    decision: Mapping[str, Any] | None = None,
) -> None:
    """Save the Kerkhofs steps of one page together (``steps`` maps a step id to its
    ``status``/``notes``/``owner``) and, when given, the go/no-go decision with them. All or
    nothing: a step locked before "go" refuses the whole save (``StepLocked``)."""
    _editable(cycle)
    state = rules.kerkhofs_state(cycle_status.go_no_go(cycle))
    records = {
        s.step: s
        for s in KerkhofsStep.objects.select_for_update().filter(cycle=cycle, step__in=steps)
    }
    for step_id, fields in steps.items():
        lock = state.lock(rules.KerkhofsStep(step_id))
        if lock.locked:
            raise StepLocked(lock.reasons)
        _save_step_content(records[step_id], fields)
    if steps:
        audit(
            cycle.workspace,
            actor,
            "strategy.kerkhofs_step",
            f"updated Kerkhofs steps {', '.join(steps)}",
            cycle,
            steps={
                k: {f: _json_field(v) for f, v in fields.items()} for k, fields in steps.items()
            },
        )
    if decision is None:
        return
    recorded = (cycle.decision, cycle.decided_on, cycle.decision_rationale)
    criteria = list(decision.get("criteria") or [])
    same = recorded == tuple(decision[k] for k in DECISION_FIELDS)
    if not same or sorted(criteria) != sorted(cycle.go_criteria):
        # unchanged: who decided stays as it was
        record_go_no_go(
            cycle, actor, **{k: decision[k] for k in DECISION_FIELDS}, criteria=criteria
        )


def _json_field(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "all") or isinstance(value, (list, tuple)):
        return [getattr(v, "pk", v) for v in (value.all() if hasattr(value, "all") else value)]
    return _json(value)


DECISION_FIELDS = ("decision", "decided_on", "rationale")


@transaction.atomic
def record_go_no_go(
    cycle: Cycle,
    actor: AbstractBaseUser,
    *,
    decision: str,
    decided_on: date,
    rationale: str,
    criteria: Collection[str] = (),
) -> Cycle:
    """Record the uitstapmoment. A "no-go" is a valid outcome at any time: it closes the cycle,
    which then reports why. A "go" opens Technology and steps 4–8, and is refused
    (:class:`GoRefused`, nothing saved) until steps 1–3 are complete and every go criterion
    (``rules.GO_CRITERIA``) is ticked and agrees with what the cycle holds."""
    _editable(cycle)
    ticked = [c.value for c in rules.GoCriterion if c.value in set(criteria)]  # in list order
    if decision == rules.Decision.GO:
        lock = rules.go_readiness(cycle_status.go_evidence(_fresh(cycle), ticked))
        if lock.locked:
            raise GoRefused(lock.reasons)
    cycle.go_criteria = ticked
    cycle.decision = decision
    cycle.decided_on = decided_on
    cycle.decision_rationale = rationale
    cycle.decided_by = actor
    cycle.decided_by_name = _actor_name(actor)
    fields = ["decision", "decided_on", "decision_rationale", "decided_by", "decided_by_name"]
    fields.append("go_criteria")
    if decision == rules.Decision.NO_GO:
        cycle.status = CycleStatus.CLOSED_NO_GO
        fields.append("status")
    cycle.save(update_fields=fields)
    audit(
        cycle.workspace,
        actor,
        "strategy.go_no_go",
        f"decided {decision} for {cycle.name}",
        cycle,
        decision=decision,
        decided_on=decided_on.isoformat(),
        criteria=ticked,
    )
    return cycle


def _fresh(cycle: Cycle) -> Cycle:
    """The cycle as stored now (steps saved earlier in this transaction included), with what
    the go evidence reads."""
    return (
        Cycle.objects.filter(pk=cycle.pk)
        .select_related("technographics")
        .prefetch_related("kerkhofs_steps", "objectives__kpis")
        .get()
    )
