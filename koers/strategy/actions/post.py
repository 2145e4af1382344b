"""Forrester's POST: People (audience, influencers, the Social Technographics profile),
Objectives (Groundswell, SMART objectives with KPIs), Strategy and Technology (channels)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from koers.core import vocabulary
from koers.core.actions import audit
from koers.core.models import Workspace
from koers.strategy import rules
from koers.strategy import status as cycle_status
from koers.strategy import technographics as tg
from koers.strategy.actions.common import (
    StepLocked,
    _decimal,
    _editable,
    _json,
    _set_fields,
    kpi_unit,
)
from koers.strategy.models import (
    Channel,
    Cycle,
    GroundswellChoice,
    Influencer,
    KeyMessage,
    Objective,
    ObjectiveKpi,
    ProfileSource,
    TacticOverride,
    TechnographicsProfile,
)

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
