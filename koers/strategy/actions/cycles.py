"""Strategy cycles: a new cycle, and what it carries over from the previous one."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from koers.core.actions import audit
from koers.core.models import Workspace
from koers.strategy import rules
from koers.strategy.models import (
    MODEL_VERSIONS,
    Audience,
    Channel,
    Cycle,
    CycleStatus,
    FunnelStage,
    GroundswellChoice,
    Influencer,
    KerkhofsStep,
    Objective,
    ObjectiveKpi,
    Roos,
    RoosPetal,
    TechnographicsProfile,
)

# ---------------------------------------------------------------------------------------------
# Cycles


CARRY_PARTS = ("people", "technographics", "roos", "maturity", "channels", "objectives")
"""What a new cycle can take over from the previous one (each a checkbox when starting it):
the audience and influencers, the Technographics profile, the Communicatieroos, the listening
maturity checklist, the Technology step's channels, and the objectives (with their Groundswell
choice), whose evaluated results become the new baselines."""


@transaction.atomic
def create_cycle(
    workspace: Workspace,
    actor: AbstractBaseUser,
    *,
    name: str,
    period_start: date,
    period_end: date,
    carry: Collection[str] = CARRY_PARTS,
) -> Cycle:
    """Start a new active cycle. The previous active cycle is archived (kept read-only, and
    otherwise unchanged); the parts named in ``carry`` are copied from it (see
    :data:`CARRY_PARTS`). Carried objectives are marked "to review": the evaluation is the new
    baseline (Kerkhofs: the evaluation is the next cycle's nulmeting), the rest is a proposal."""
    previous = (
        Cycle.objects.select_for_update()
        .filter(workspace=workspace, status=CycleStatus.ACTIVE)
        .first()
    )
    if previous is not None:
        previous.status = CycleStatus.ARCHIVED
        previous.save(update_fields=["status"])
    cycle = Cycle.objects.create(
        workspace=workspace,
        name=name,
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
        model_versions=MODEL_VERSIONS,
    )
    KerkhofsStep.objects.bulk_create(
        KerkhofsStep(workspace=workspace, cycle=cycle, step=info.step.value)
        for info in rules.KERKHOFS_STEPS
        if info.step is not rules.KerkhofsStep.GO_NO_GO
    )
    language = workspace.language if workspace.language in ("nl", "en") else "nl"
    FunnelStage.objects.bulk_create(
        FunnelStage(workspace=workspace, cycle=cycle, position=i, name=stage.name[language])
        for i, stage in enumerate(rules.default_funnel_stages(workspace.kind))
    )
    Roos.objects.create(workspace=workspace, cycle=cycle)
    RoosPetal.objects.bulk_create(
        RoosPetal(workspace=workspace, cycle=cycle, petal=p.value) for p in rules.Petal
    )
    carried = [p for p in CARRY_PARTS if p in carry] if previous is not None else []
    for part in carried:
        _CARRY[part](previous, cycle)
    audit(
        workspace,
        actor,
        "strategy.cycle_create",
        f"started strategy cycle {name}",
        cycle,
        previous=previous.pk if previous else None,
        carried=carried,
    )
    return cycle


def _carry_people(previous: Cycle, cycle: Cycle) -> None:
    cycle.audience_description = previous.audience_description
    cycle.save(update_fields=["audience_description"])
    Audience.objects.bulk_create(
        Audience(
            workspace=cycle.workspace,
            cycle=cycle,
            name=a.name,
            description=a.description,
            priority=a.priority,
        )  # fmt: skip
        for a in previous.audiences.all()
    )
    Influencer.objects.bulk_create(
        Influencer(
            workspace=cycle.workspace,
            cycle=cycle,
            name=i.name,
            handle=i.handle,
            network=i.network,
            reach=i.reach,
            notes=i.notes,
        )  # fmt: skip
        for i in previous.influencers.all()
    )


def _carry_technographics(previous: Cycle, cycle: Cycle) -> None:
    old = TechnographicsProfile.objects.filter(cycle=previous).first()
    if old is None:
        return
    TechnographicsProfile.objects.create(
        workspace=cycle.workspace, cycle=cycle, source=old.source, benchmark_id=old.benchmark_id,
        filename=old.filename, respondents=old.respondents, percentages=old.percentages,
        members=old.members, warnings=old.warnings, compare_with=old.compare_with,
        updated_at=old.updated_at,  # when the profile was made, not when it was carried over
    )  # fmt: skip


def _carry_roos(previous: Cycle, cycle: Cycle) -> None:
    old = Roos.objects.filter(cycle=previous).first()
    if old is not None:
        fields = {f: getattr(old, f) for f in ("roles", "processes", "guidelines")}
        fields |= {"internal": old.internal, "external": old.external}
        Roos.objects.filter(cycle=cycle).update(**fields)
    for old_petal in previous.petals.all():
        RoosPetal.objects.filter(cycle=cycle, petal=old_petal.petal).update(
            activities=old_petal.activities,
            channels=old_petal.channels,
            owner=old_petal.owner,
            effort_hours_per_week=old_petal.effort_hours_per_week,
            active=old_petal.active,
        )


def _carry_maturity(previous: Cycle, cycle: Cycle) -> None:
    cycle.maturity_checked = list(previous.maturity_checked)
    cycle.save(update_fields=["maturity_checked"])


def _carry_channels(previous: Cycle, cycle: Cycle) -> None:
    Channel.objects.bulk_create(
        Channel(
            workspace=cycle.workspace,
            cycle=cycle,
            network=c.network,
            purpose=c.purpose,
            posts_per_week=c.posts_per_week,
        )  # fmt: skip
        for c in previous.channels.all()
    )


def _carry_objectives(previous: Cycle, cycle: Cycle) -> None:
    """Every objective returns, marked "to review": an evaluated result (with its date) becomes
    the baseline, the old target and KPI targets are kept as a proposal, the period is cleared."""
    GroundswellChoice.objects.bulk_create(
        GroundswellChoice(
            workspace=cycle.workspace, cycle=cycle, objective=g.objective, role=g.role
        )
        for g in previous.groundswell.all()
    )
    for old in previous.objectives.prefetch_related("kpis"):
        baseline, baseline_date = old.baseline, old.baseline_date
        if old.result is not None and old.result_date is not None:
            baseline, baseline_date = old.result, old.result_date  # the last evaluated value
        new = Objective.objects.create(
            workspace=cycle.workspace, cycle=cycle, title=old.title, groundswell=old.groundswell,
            level=old.level, metric=old.metric, channel=old.channel,
            target_group=old.target_group, unit=old.unit, baseline=baseline,
            baseline_date=baseline_date, target=old.target, owner=old.owner, needs_review=True,
        )  # fmt: skip
        ObjectiveKpi.objects.bulk_create(
            ObjectiveKpi(
                workspace=cycle.workspace,
                objective=new,
                kpi_id=k.kpi_id,
                variant=k.variant,
                target=k.target,
            )  # fmt: skip
            for k in old.kpis.all()
        )


_CARRY = {
    "people": _carry_people,
    "technographics": _carry_technographics,
    "roos": _carry_roos,
    "maturity": _carry_maturity,
    "channels": _carry_channels,
    "objectives": _carry_objectives,
}
