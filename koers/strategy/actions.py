"""Every change to a strategy cycle goes through a function here.

Each action runs in one transaction and writes one audit row. Locks come from the pure rules:
an action refuses with :class:`StepLocked` (a ``PermissionDenied`` carrying the rules' reasons)
and a cycle that is no longer active refuses every change with :class:`CycleReadOnly`.
Who may call what (editor, admin for go/no-go) is checked by the views' access helper.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.core import vocabulary
from koers.core.actions import audit
from koers.core.models import Workspace
from koers.measurement.formulas import KPI_CATALOGUE
from koers.strategy import rules
from koers.strategy import status as cycle_status
from koers.strategy import technographics as tg
from koers.strategy.models import (
    MODEL_VERSIONS,
    Audience,
    Channel,
    Cycle,
    CycleCosts,
    CycleStatus,
    FunnelStage,
    GroundswellChoice,
    Influencer,
    KerkhofsStep,
    KeyMessage,
    Objective,
    ObjectiveKpi,
    ProfileSource,
    ResultValues,
    Roos,
    RoosPetal,
    SocialMediaPolicy,
    TacticOverride,
    TechnographicsProfile,
)


class CycleReadOnly(PermissionDenied):
    """The cycle is closed or archived: it is kept for comparison, not edited."""


class StepLocked(PermissionDenied):
    """A rule locks this part of the cycle; ``reasons`` say why (bilingual)."""

    def __init__(self, reasons: Sequence[rules.Reason]) -> None:
        self.reasons = tuple(reasons)
        super().__init__(" ".join(r.message["en"] for r in self.reasons))


class GoRefused(StepLocked):
    """ "Go" asked for before steps 1–3 and the go criteria allow it (``rules.go_readiness``)."""


class NotAMember(ValueError):
    """The chosen project lead is not a member of the workspace."""


def _editable(cycle: Cycle) -> None:
    if not cycle.is_active:
        raise CycleReadOnly(_("This cycle is closed; it can be read but not changed."))


def _actor_name(actor: AbstractBaseUser) -> str:
    full = getattr(actor, "get_full_name", lambda: "")()
    return full or actor.get_username()


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def kpi_unit(kpi_id: str) -> str:
    """The catalogue's unit of a KPI ("seconds", "percent", …), stored with its target."""
    definition = KPI_CATALOGUE.get(kpi_id)
    return definition.unit.value if definition is not None else ""


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _set_fields(obj: Any, fields: Mapping[str, Any]) -> list[str]:
    """Set and save ``fields`` on ``obj`` (a bound ModelForm may already have set them in
    memory, so comparing with the instance can't tell what changed); returns the names."""
    for name, value in fields.items():
        setattr(obj, name, value)
    if fields and obj.pk is not None:
        obj.save(update_fields=list(fields))
    return list(fields)


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


# ---------------------------------------------------------------------------------------------
# POST: People


@transaction.atomic
def update_people(cycle: Cycle, actor: AbstractBaseUser, *, audience_description: str) -> Cycle:
    _editable(cycle)
    _set_fields(cycle, {"audience_description": audience_description})
    audit(cycle.workspace, actor, "strategy.people", "updated the audience description", cycle)
    return cycle


@transaction.atomic
def add_influencer(cycle: Cycle, actor: AbstractBaseUser, **fields: Any) -> Influencer:
    _editable(cycle)
    influencer = Influencer.objects.create(workspace=cycle.workspace, cycle=cycle, **fields)
    audit(
        cycle.workspace, actor, "strategy.influencer_add", f"added influencer {influencer}", cycle
    )
    return influencer


@transaction.atomic
def remove_influencer(influencer: Influencer, actor: AbstractBaseUser) -> None:
    _editable(influencer.cycle)
    audit(
        influencer.workspace,
        actor,
        "strategy.influencer_remove",
        f"removed influencer {influencer}",
        influencer.cycle,
    )
    influencer.delete()


# ---------------------------------------------------------------------------------------------
# Social Technographics


def _profile_numbers(profile: tg.TechnographicsProfile) -> tuple[dict, dict]:
    percentages = {r.value: profile.rungs[r].percentage for r in tg.Rung}
    members = {r.value: profile.rungs[r].members for r in tg.Rung}
    return percentages, members


@transaction.atomic
def save_survey_profile(
    cycle: Cycle, actor: AbstractBaseUser, *, filename: str, profile: tg.TechnographicsProfile
) -> TechnographicsProfile:
    """Store the profile of an uploaded survey (parsed and validated by the form)."""
    _editable(cycle)
    percentages, members = _profile_numbers(profile)
    warnings = [
        {"code": w.code, "message": dict(w.message), "column": w.column}
        for w in profile.warnings + tg.sanity_warnings(profile)
    ]
    row, _created = TechnographicsProfile.objects.update_or_create(
        cycle=cycle,
        defaults={
            "workspace": cycle.workspace,
            "source": ProfileSource.SURVEY,
            "benchmark_id": "",
            "filename": filename[:200],
            "respondents": profile.respondents,
            "percentages": percentages,
            "members": members,
            "warnings": warnings,
            "updated_at": timezone.now(),
        },
    )
    audit(
        cycle.workspace,
        actor,
        "strategy.technographics_survey",
        f"uploaded survey {filename} ({profile.respondents} respondents)",
        cycle,
        respondents=profile.respondents,
    )
    return row


@transaction.atomic
def use_benchmark(
    cycle: Cycle, actor: AbstractBaseUser, *, benchmark_id: str
) -> TechnographicsProfile:
    """Use a published benchmark as the audience profile (when there is no survey)."""
    _editable(cycle)
    benchmark = tg.BENCHMARKS[benchmark_id]
    percentages = {r.value: benchmark.percentages.get(r) for r in tg.Rung}
    row, _created = TechnographicsProfile.objects.update_or_create(
        cycle=cycle,
        defaults={
            "workspace": cycle.workspace,
            "source": ProfileSource.BENCHMARK,
            "benchmark_id": benchmark_id,
            "filename": "",
            "respondents": benchmark.sample_size or 0,
            "percentages": percentages,
            "members": {},
            "warnings": [],
            "updated_at": timezone.now(),
        },
    )
    audit(
        cycle.workspace,
        actor,
        "strategy.technographics_benchmark",
        f"used benchmark {benchmark_id} as the audience profile",
        cycle,
    )
    return row


@transaction.atomic
def set_comparison(
    cycle: Cycle, actor: AbstractBaseUser, *, benchmark_id: str
) -> TechnographicsProfile:
    _editable(cycle)
    row = TechnographicsProfile.objects.select_for_update().get(cycle=cycle)
    row.compare_with = benchmark_id
    row.save(update_fields=["compare_with"])
    audit(
        cycle.workspace,
        actor,
        "strategy.technographics_compare",
        f"compare the profile with {benchmark_id or 'nothing'}",
        cycle,
    )
    return row


@transaction.atomic
def set_tactics(workspace: Workspace, actor: AbstractBaseUser, *, rung: str, text: str) -> None:
    """The workspace's own tactics for a rung; empty text restores the default heuristic."""
    if text.strip():
        TacticOverride.objects.update_or_create(
            workspace=workspace, rung=rung, defaults={"text": text.strip()}
        )
        summary = f"set own tactics for {rung}"
    else:
        TacticOverride.objects.filter(workspace=workspace, rung=rung).delete()
        summary = f"restored default tactics for {rung}"
    audit(workspace, actor, "strategy.tactics", summary, rung=rung)


# ---------------------------------------------------------------------------------------------
# POST: Objectives


@transaction.atomic
def set_groundswell(
    cycle: Cycle, actor: AbstractBaseUser, *, roles: Mapping[str, str]
) -> list[GroundswellChoice]:
    """``roles`` maps Groundswell objective ids to "primary", "secondary" or "" (not chosen)."""
    _editable(cycle)
    GroundswellChoice.objects.filter(cycle=cycle).delete()
    chosen = GroundswellChoice.objects.bulk_create(
        GroundswellChoice(workspace=cycle.workspace, cycle=cycle, objective=obj, role=role)
        for obj, role in roles.items()
        if role
    )
    audit(
        cycle.workspace,
        actor,
        "strategy.groundswell",
        "chose Groundswell objectives",
        cycle,
        roles={k: v for k, v in roles.items() if v},
    )
    return chosen


OBJECTIVE_FIELDS = (
    "title",
    "groundswell",
    "level",
    "metric",
    "channel",
    "target_group",
    "unit",
    "baseline",
    "baseline_date",
    "target",
    "start",
    "deadline",
    "owner",
    "result",
    "result_date",
    "result_kind",
)


@transaction.atomic
def save_objective(
    cycle: Cycle,
    actor: AbstractBaseUser,
    objective: Objective | None,
    fields: Mapping[str, Any],
    kpis: Iterable[Mapping[str, Any]],
) -> Objective:
    """Create or update a SMART objective and replace its KPIs (``kpi_id``, ``variant``,
    ``target``)."""
    _editable(cycle)
    values = {name: fields[name] for name in OBJECTIVE_FIELDS if name in fields}
    values["needs_review"] = False  # saved through the form: a person has looked at it
    kpis = list(kpis)
    if "unit" in values and not values["unit"] and kpis:
        # Baseline and target are measured with the first KPI: without a unit of their own
        # they are in that KPI's unit.
        values["unit"] = cycle_status.unit_name(kpi_unit(kpis[0]["kpi_id"]))
    if objective is None:
        objective = Objective.objects.create(workspace=cycle.workspace, cycle=cycle, **values)
        verb = "added"
        changes = {k: _json(v) for k, v in values.items()}
    else:
        _set_fields(objective, values)
        changes = {k: _json(v) for k, v in values.items()}
        verb = "changed"
    objective.kpis.all().delete()
    ObjectiveKpi.objects.bulk_create(
        ObjectiveKpi(
            workspace=cycle.workspace,
            objective=objective,
            kpi_id=k["kpi_id"],
            variant=k.get("variant") or "",
            target=k.get("target"),
            unit=kpi_unit(k["kpi_id"]),
        )
        for k in kpis
    )
    audit(
        cycle.workspace,
        actor,
        "strategy.objective",
        f"{verb} objective {objective.title}",
        objective,
        changes=changes,
    )
    return objective


@transaction.atomic
def delete_objective(objective: Objective, actor: AbstractBaseUser) -> None:
    _editable(objective.cycle)
    audit(
        objective.workspace,
        actor,
        "strategy.objective_delete",
        f"deleted objective {objective.title}",
        objective.cycle,
    )
    objective.delete()


@transaction.atomic
def add_example_objective(cycle: Cycle, actor: AbstractBaseUser, *, index: int) -> Objective:
    """One click: an example objective from the seeds as a starting point (to be made SMART)."""
    _editable(cycle)
    example = rules.EXAMPLE_OBJECTIVES[index]
    language = cycle_status.lang()
    objective = Objective.objects.create(
        workspace=cycle.workspace,
        cycle=cycle,
        title=vocabulary.example_objective_text(index, example.text, cycle.workspace.kind)[
            language
        ],
        groundswell=example.groundswell.value,
        level=example.level.value,
        metric=example.metric[language],
        unit=example.unit[language],
        baseline=_decimal(example.baseline),
        target=_decimal(example.target),
    )
    ObjectiveKpi.objects.bulk_create(
        ObjectiveKpi(
            workspace=cycle.workspace,
            objective=objective,
            kpi_id=kpi_id,
            target=_decimal(example.kpi_targets.get(kpi_id)),
            unit=kpi_unit(kpi_id),
        )
        for kpi_id in example.kpi_ids
    )
    audit(
        cycle.workspace,
        actor,
        "strategy.objective",
        f"added example objective {index + 1}",
        objective,
    )
    return objective


# ---------------------------------------------------------------------------------------------
# POST: Strategy and Technology


@transaction.atomic
def update_strategy(cycle: Cycle, actor: AbstractBaseUser, **fields: str) -> Cycle:
    """``current_relationship``, ``target_relationship``, ``key_messages``, ``ambassadors``."""
    _editable(cycle)
    changes = _set_fields(cycle, fields)
    if "key_messages" in fields:
        sync_key_messages(cycle)
    audit(
        cycle.workspace, actor, "strategy.strategy", "updated the strategy", cycle, fields=changes
    )
    return cycle


def sync_key_messages(cycle: Cycle) -> None:
    """Keep the ``KeyMessage`` rows in step with the lines of ``cycle.key_messages``: a line
    that stays keeps its row (and the posts tagged with it), a new line gets a row, a removed
    line's row goes (its posts lose the tag, not themselves)."""
    lines = [line[:300] for line in cycle.lines("key_messages")]
    rows = {row.text: row for row in KeyMessage.objects.filter(cycle=cycle)}
    KeyMessage.objects.filter(cycle=cycle).exclude(text__in=lines).delete()
    for position, line in enumerate(dict.fromkeys(lines)):
        row = rows.get(line)
        if row is None:
            KeyMessage.objects.create(
                workspace=cycle.workspace, cycle=cycle, text=line, position=position
            )
        elif row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def _check_technology(cycle: Cycle) -> None:
    """Technology is decided last: after People, Objectives and Strategy, and after a "go"."""
    state = rules.kerkhofs_state(cycle_status.go_no_go(cycle))
    lock = rules.technology_gate(rules.technology_lock(cycle_status.post_plan(cycle)), state)
    if lock.locked:
        raise StepLocked(lock.reasons)


@transaction.atomic
def add_channel(cycle: Cycle, actor: AbstractBaseUser, **fields: Any) -> Channel:
    """Technology is decided last: refused while People, Objectives or Strategy is incomplete."""
    _editable(cycle)
    _check_technology(cycle)
    channel = Channel.objects.create(workspace=cycle.workspace, cycle=cycle, **fields)
    audit(cycle.workspace, actor, "strategy.channel_add", f"added channel {channel}", cycle)
    return channel


CHANNEL_FIELDS = ("network", "purpose", "posts_per_week", "budget", "hours_per_week")


@transaction.atomic
def update_channel(channel: Channel, actor: AbstractBaseUser, **fields: Any) -> Channel:
    """Change a channel of the media plan (posts per week, budget, hours): locked like adding."""
    _editable(channel.cycle)
    _check_technology(channel.cycle)
    changes = _set_fields(channel, {k: v for k, v in fields.items() if k in CHANNEL_FIELDS})
    audit(
        channel.workspace,
        actor,
        "strategy.channel_update",
        f"changed channel {channel}",
        channel.cycle,
        fields=changes,
    )
    return channel


@transaction.atomic
def remove_channel(channel: Channel, actor: AbstractBaseUser) -> None:
    _editable(channel.cycle)
    _check_technology(channel.cycle)
    audit(
        channel.workspace,
        actor,
        "strategy.channel_remove",
        f"removed channel {channel}",
        channel.cycle,
    )
    channel.delete()


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


# ---------------------------------------------------------------------------------------------
# The social media policy (per workspace)


def policy_for(workspace: Workspace) -> SocialMediaPolicy:
    """The workspace's policy; an empty one (not stored) when nobody wrote it yet."""
    found = SocialMediaPolicy.objects.filter(workspace=workspace).first()
    return found or SocialMediaPolicy(workspace=workspace)


@transaction.atomic
def save_policy(workspace: Workspace, actor: AbstractBaseUser, **texts: str) -> SocialMediaPolicy:
    """Save sections of the policy (``rules.POLICY_FIELDS``; others are ignored)."""
    policy, _created = SocialMediaPolicy.objects.select_for_update().get_or_create(
        workspace=workspace
    )
    fields = {k: v for k, v in texts.items() if k in rules.POLICY_FIELDS}
    fields |= {"updated_at": timezone.now(), "updated_by": actor}
    changes = _set_fields(policy, fields)
    audit(
        workspace,
        actor,
        "strategy.policy",
        "updated the social media policy",
        policy,
        fields=[c for c in changes if c in rules.POLICY_FIELDS],
    )
    return policy


@transaction.atomic
def fill_policy_from_template(
    workspace: Workspace, actor: AbstractBaseUser, *, language: str
) -> SocialMediaPolicy:
    """Write the public-body template into every *empty* section; written text stays."""
    policy, _created = SocialMediaPolicy.objects.select_for_update().get_or_create(
        workspace=workspace
    )
    filled = rules.fill_from_template(
        policy.texts(), language if language in ("nl", "en") else "nl"
    )
    _set_fields(policy, filled | {"updated_at": timezone.now(), "updated_by": actor})
    audit(
        workspace,
        actor,
        "strategy.policy_template",
        "filled the social media policy from the public-body template",
        policy,
        sections=sorted(filled),
        language=language,
    )
    return policy


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


# ---------------------------------------------------------------------------------------------
# Content strategy: target audiences (POST People)


@transaction.atomic
def add_audience(cycle: Cycle, actor: AbstractBaseUser, **fields: Any) -> Audience:
    _editable(cycle)
    audience = Audience.objects.create(workspace=cycle.workspace, cycle=cycle, **fields)
    audit(cycle.workspace, actor, "strategy.audience_add", f"added audience {audience}", cycle)
    return audience


@transaction.atomic
def remove_audience(audience: Audience, actor: AbstractBaseUser) -> None:
    _editable(audience.cycle)
    audit(
        audience.workspace,
        actor,
        "strategy.audience_remove",
        f"removed audience {audience}",
        audience.cycle,
    )
    audience.delete()


# ---------------------------------------------------------------------------------------------
# ROI: costs of the cycle and what a unit of a result is worth to the workspace


@transaction.atomic
def save_costs(
    cycle: Cycle,
    actor: AbstractBaseUser,
    *,
    costs: Mapping[str, Decimal | None],
    values: Mapping[str, Decimal | None],
) -> CycleCosts:
    """``costs``: hourly_rate, tool_budget, ad_budget (this cycle); ``values``: lead,
    saved_call, visit (the workspace's value per unit, used by every cycle)."""
    _editable(cycle)
    row, _created = CycleCosts.objects.get_or_create(cycle=cycle, workspace=cycle.workspace)
    _set_fields(row, costs)
    per_unit, _created = ResultValues.objects.get_or_create(workspace=cycle.workspace)
    _set_fields(per_unit, values)
    audit(
        cycle.workspace,
        actor,
        "strategy.costs",
        "updated the costs and the value of results",
        cycle,
        costs={k: _json(v) for k, v in costs.items()},
        values={k: _json(v) for k, v in values.items()},
    )
    return row
