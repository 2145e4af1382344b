"""What the rules say about a stored cycle: rows → the pure rules' dataclasses → one report.

Nothing here decides a rule itself; it only translates models into the inputs of ``rules.py`` and
``technographics.py`` and gathers their answers, so views, the wizard and the plan document show
the same locks, warnings and completeness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from koers.measurement.formulas import KPI_CATALOGUE, UNIT_NAMES, Unit
from koers.strategy import rules
from koers.strategy import technographics as tg
from koers.strategy.models import (
    Cycle,
    FunnelStage,
    GroundswellRole,
    Objective,
    ProfileSource,
    Roos,
    RoosPetal,
    TacticOverride,
)
from koers.strategy.models import TechnographicsProfile as ProfileRow


def lang() -> str:
    """The active product language for the bilingual dicts of the pure modules."""
    code = (get_language() or "nl")[:2]
    return code if code in ("nl", "en") else "en"


def unit_name(unit: str) -> str:
    """A stored KPI unit (``formulas.Unit``) as people read it ("seconden"), or the text."""
    return pick(UNIT_NAMES[Unit(unit)]) if unit in Unit else unit


def pick(text: Mapping[str, str] | None) -> str:
    if not text:
        return ""
    return text.get(lang()) or text.get("en", "")


def smart_objective(objective: Objective) -> rules.SmartObjective:
    return rules.SmartObjective(
        title=objective.title,
        metric=objective.metric,
        channel=objective.channel,
        target_group=objective.target_group,
        target=objective.target,
        unit=objective.unit,
        baseline=objective.baseline,
        baseline_date=objective.baseline_date,
        owner=objective.owner,
        start=objective.start,
        deadline=objective.deadline,
        kpi_ids=tuple(k.kpi_id for k in objective.kpis.all()),
        groundswell=rules.Objective(objective.groundswell) if objective.groundswell else None,
    )


def profile(row: ProfileRow | None) -> tg.TechnographicsProfile | None:
    """Rebuild the pure profile from its stored numbers (``None`` stays unknown)."""
    if row is None:
        return None
    results = {}
    for rung in tg.Rung:
        members = row.members.get(rung.value)
        pct = row.percentages.get(rung.value)
        results[rung] = tg.RungResult(rung, members, pct, tg.RUNG_ACTIVITIES.get(rung, ()))
    return tg.TechnographicsProfile(row.respondents, results)


def post_plan(cycle: Cycle) -> rules.PostPlan:
    return rules.PostPlan(
        has_technographics_profile=_profile_row(cycle) is not None,
        # The target audiences (with a priority) or, for a cycle without them, the old text.
        audience_description=cycle.audience_description
        or "\n".join(a.name for a in cycle.audiences.all()),
        influencers=tuple(i.name for i in cycle.influencers.all()),
        objectives=tuple(
            rules.ObjectiveChoice(rules.Objective(c.objective), c.role == GroundswellRole.PRIMARY)
            for c in cycle.groundswell.all()
        ),
        smart_objectives=tuple(smart_objective(o) for o in cycle.objectives.all()),
        current_relationship=cycle.current_relationship,
        target_relationship=cycle.target_relationship,
        key_messages=tuple(cycle.lines("key_messages")),
        ambassadors=tuple(cycle.lines("ambassadors")),
        channels=tuple(
            rules.Channel(c.network, float(c.posts_per_week) if c.posts_per_week else None)
            for c in cycle.channels.all()
        ),
    )


def go_no_go(cycle: Cycle) -> rules.GoNoGo:
    return rules.GoNoGo(
        decision=rules.Decision(cycle.decision) if cycle.decision else None,
        decided_on=cycle.decided_on,
        rationale=cycle.decision_rationale,
        decided_by=cycle.decided_by_name,
    )


def go_evidence(cycle: Cycle, ticked: Sequence[str] | None = None) -> rules.GoEvidence:
    """What the uitstapmoment is judged on: steps 1–3, the profile (step 3), the SMART
    objectives (step 2) and the ticked criteria (``ticked``, else the stored ones)."""
    steps = {s.step: s for s in cycle.kerkhofs_steps.all()}
    problem = steps.get(rules.KerkhofsStep.PROBLEM.value)
    row = _profile_row(cycle)
    inactive = row.percentages.get(tg.Rung.INACTIVES.value) if row is not None else None
    chosen = cycle.go_criteria if ticked is None else ticked
    return rules.GoEvidence(
        steps_done=frozenset(
            rules.KerkhofsStep(s.step) for s in steps.values() if s.status == "done"
        ),
        problem=problem.notes if problem is not None else "",
        has_profile=row is not None,
        inactive_pct=float(inactive) if inactive is not None else None,
        smart_objectives=sum(
            1
            for o in cycle.objectives.all()
            if rules.check_smart(smart_objective(o)).passed and o.kpis.all()
        ),
        ticked=frozenset(rules.GoCriterion(c) for c in chosen if c in rules.GoCriterion),
    )


def planned_posts(cycle: Cycle) -> int:
    """Posts in the workspace's calendar within the cycle's period (step 8: the calendar it
    started). Read here, not copied: publishing owns the calendar."""
    from koers.publishing.models import ContentItem

    return ContentItem.objects.filter(
        workspace_id=cycle.workspace_id,
        local_date__gte=cycle.period_start,
        local_date__lte=cycle.period_end,
    ).count()


def step_facts(cycle: Cycle, planned: int) -> rules.StepFacts:
    steps = {s.step: s for s in cycle.kerkhofs_steps.all()}
    framework = steps.get(rules.KerkhofsStep.STRATEGIC_FRAMEWORK.value)
    integration = steps.get(rules.KerkhofsStep.INTEGRATION.value)
    project = steps.get(rules.KerkhofsStep.PROJECT_MANAGEMENT.value)
    return rules.StepFacts(
        has_primary_objective=any(
            c.role == GroundswellRole.PRIMARY for c in cycle.groundswell.all()
        ),
        approach=framework.approach if framework else "",
        partners=framework.partners if framework else "",
        campaigns=len(integration.campaigns.all()) if integration else 0,
        integration_text=integration.notes if integration else "",
        channels=tuple(
            rules.MediaPlanChannel(c.network, c.posts_per_week, c.budget, c.hours_per_week)
            for c in cycle.channels.all()
        ),
        has_lead=project is not None and project.lead_id is not None,
        objectives_with_kpi=sum(1 for o in cycle.objectives.all() if o.kpis.all()),
        planned_posts=planned,
    )


def roos(cycle: Cycle) -> rules.Roos:
    return roos_from(getattr(cycle, "roos", None), list(cycle.petals.all()))


def roos_from(centre: Roos | None, rows: list[RoosPetal]) -> rules.Roos:
    organiseren = rules.Organiseren()
    if centre is not None:
        organiseren = rules.Organiseren(
            roles=tuple(_lines(centre.roles)),
            processes=tuple(_lines(centre.processes)),
            guidelines=tuple(_lines(centre.guidelines)),
            internal=centre.internal,
            external=centre.external,
        )
    petals = {
        rules.Petal(p.petal): rules.PetalPlan(
            activities=tuple(_lines(p.activities)),
            channels=tuple(_lines(p.channels)),
            owner=p.owner,
            effort_hours_per_week=(
                float(p.effort_hours_per_week) if p.effort_hours_per_week is not None else None
            ),
            active=p.active,
        )
        for p in rows
    }
    return rules.Roos(organiseren, petals)


def funnel(stages: list[FunnelStage]) -> rules.FunnelAnalysis | None:
    if not stages:
        return None
    return rules.analyse_funnel(
        [s.count for s in stages],
        rules.stages_named([s.name for s in stages]),
        revenue=[float(s.expected_revenue) if s.expected_revenue is not None else None
                 for s in stages],
    )  # fmt: skip


def tactic_rules(workspace_id: int) -> dict[tg.Rung, tuple[Mapping[str, str], ...]]:
    """The default rung → tactics heuristic with the workspace's own texts in place."""
    result = dict(tg.DEFAULT_TACTICS)
    for override in TacticOverride.objects.filter(workspace_id=workspace_id):
        lines = _lines(override.text)
        result[tg.Rung(override.rung)] = tuple({"en": line, "nl": line} for line in lines)
    return result


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _profile_row(cycle: Cycle) -> ProfileRow | None:
    try:
        return cycle.technographics
    except ProfileRow.DoesNotExist:
        return None


@dataclass
class Completeness:
    """One row of the overview: a model of the cycle and how far it is filled in."""

    key: str
    done: bool
    summary: str
    reasons: list[rules.Reason] = field(default_factory=list)
    warnings: list[rules.Reason] = field(default_factory=list)
    locked: bool = False


@dataclass
class CycleReport:
    cycle: Cycle
    plan: rules.PostPlan
    post: dict[rules.PostStep, rules.StepStatus]
    technology_lock: rules.Lock
    kerkhofs: rules.KerkhofsState
    profile_row: ProfileRow | None
    profile: tg.TechnographicsProfile | None
    smart: dict[int, rules.SmartResult]
    funnel: rules.FunnelAnalysis | None
    roos: rules.RoosStatus
    maturity: rules.MaturityAssessment
    go_lock: rules.Lock
    """Why "go" can't be recorded yet (empty when it can)."""
    step_gaps: dict[rules.KerkhofsStep, tuple[rules.Reason, ...]]
    planned_posts: int
    means_warnings: tuple[rules.Reason, ...]
    seen: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Maturity items koers sees done (``rules.seen_items``), with what it saw."""

    @property
    def warnings(self) -> list[rules.Reason]:
        """Every open warning of the cycle, for the overview and the plan document."""
        found = [w for status in self.post.values() for w in status.warnings]
        found += list(self.funnel.warnings) if self.funnel else []
        found += list(self.roos.violations)
        if self.profile_row is not None:
            found += [
                rules.Reason(w.get("code", ""), w["message"]) for w in self.profile_row.warnings
            ]
        return found


def prefetched(cycles: QuerySet[Cycle], cycle_id: int) -> Cycle:
    """The cycle (from an already scoped queryset) with everything the report reads, in a
    fixed number of queries."""
    return (
        cycles.select_related("technographics", "roos", "decided_by")
        .prefetch_related(
            "influencers",
            "groundswell",
            "objectives__kpis",
            "channels",
            "kerkhofs_steps__campaigns",
            "kerkhofs_steps__lead",
            "funnel_stages",
            "petals",
            "audiences",
            "key_message_rows",
        )
        .get(pk=cycle_id)
    )


def cycle_report(cycle: Cycle) -> CycleReport:
    plan = post_plan(cycle)
    row = _profile_row(cycle)
    kerkhofs = rules.kerkhofs_state(go_no_go(cycle))
    planned = planned_posts(cycle)
    facts = step_facts(cycle, planned)
    from koers.strategy import maturity_use

    seen = rules.seen_items(maturity_use.listening_use(cycle))
    return CycleReport(
        cycle=cycle,
        plan=plan,
        post=rules.post_status(plan),
        technology_lock=rules.technology_gate(rules.technology_lock(plan), kerkhofs),
        kerkhofs=kerkhofs,
        profile_row=row,
        profile=profile(row),
        smart={o.pk: rules.check_smart(smart_objective(o)) for o in cycle.objectives.all()},
        funnel=funnel(list(cycle.funnel_stages.all())),
        roos=rules.roos_status(roos(cycle)),
        maturity=rules.assess_maturity(set(cycle.maturity_checked) | set(seen)),
        go_lock=rules.go_readiness(go_evidence(cycle)),
        step_gaps={step: rules.step_gaps(step, facts) for step in rules.STEPS_AFTER_GO},
        planned_posts=planned,
        means_warnings=rules.means_not_goal_warnings([o.title for o in cycle.objectives.all()]),
        seen=seen,
    )


def completeness(report: CycleReport) -> list[Completeness]:
    """Per model of the cycle: done or not, a one-line summary and why."""
    post = report.post
    cycle = report.cycle
    steps_done = sum(1 for s in cycle.kerkhofs_steps.all() if s.status == "done")
    petals_active = sum(1 for p in cycle.petals.all() if p.active)
    source = report.profile_row.source if report.profile_row else ""
    rows = [
        Completeness(
            "people",
            post[rules.PostStep.PEOPLE].complete,
            f"{len(report.plan.influencers)}",
            list(post[rules.PostStep.PEOPLE].missing),
            list(post[rules.PostStep.PEOPLE].warnings),
        ),
        Completeness("technographics", report.profile_row is not None, source),
        Completeness(
            "objectives",
            post[rules.PostStep.OBJECTIVES].complete,
            f"{len(report.plan.smart_objectives)}",
            list(post[rules.PostStep.OBJECTIVES].missing),
            list(post[rules.PostStep.OBJECTIVES].warnings),
        ),
        Completeness(
            "strategy",
            post[rules.PostStep.STRATEGY].complete,
            f"{len(report.plan.key_messages)}",
            list(post[rules.PostStep.STRATEGY].missing),
            list(post[rules.PostStep.STRATEGY].warnings),
        ),
        Completeness(
            "decision",
            report.kerkhofs.state is not rules.CycleState.UNDECIDED,
            report.kerkhofs.state.value,
            list(report.go_lock.reasons)
            if report.kerkhofs.state is rules.CycleState.UNDECIDED
            else [],
        ),
        Completeness(
            "technology",
            post[rules.PostStep.TECHNOLOGY].complete and not report.technology_lock.locked,
            f"{len(report.plan.channels)}",
            list(report.technology_lock.reasons or post[rules.PostStep.TECHNOLOGY].missing),
            locked=report.technology_lock.locked,
        ),
        Completeness(
            "kerkhofs",
            steps_done == len(rules.KERKHOFS_STEPS) - 1,
            f"{steps_done}/{len(rules.KERKHOFS_STEPS) - 1}",
        ),
        Completeness(
            "funnel",
            report.funnel is not None and all(r.count is not None for r in report.funnel.rows),
            "",
            warnings=list(report.funnel.warnings) if report.funnel else [],
        ),
        Completeness(
            "roos",
            report.roos.organiseren_ready and petals_active > 0,
            f"{petals_active}/4",
            list(report.roos.organiseren_missing),
            list(report.roos.violations),
        ),
        Completeness(
            "maturity",
            bool(cycle.maturity_checked) or bool(report.seen),
            f"{report.maturity.current_stage}/5",
        ),
    ]
    return rows


def kpi_label(kpi_id: str) -> str:
    definition = KPI_CATALOGUE.get(kpi_id)
    return pick(definition.name) if definition else kpi_id


def profile_source_label(row: ProfileRow) -> str:
    if row.source == ProfileSource.BENCHMARK and row.benchmark_id in tg.BENCHMARKS:
        return pick(tg.BENCHMARKS[row.benchmark_id].label)
    return row.filename


@dataclass(frozen=True)
class TacticRow:
    rung: tg.Rung
    name: str
    default: tuple[str, ...]
    override: str


def tactic_rows(overrides: Mapping[str, str]) -> list[TacticRow]:
    """Per active rung: the default tactics and the workspace's own text (if any)."""
    return [
        TacticRow(
            rung,
            pick(tg.RUNG_NAMES[rung]),
            tuple(pick(t) for t in tg.DEFAULT_TACTICS.get(rung, ())),
            overrides.get(rung.value, ""),
        )
        for rung in tg.ACTIVE_RUNGS
    ]


def suggested_objectives(advice: tg.TacticAdvice) -> list[rules.ObjectiveInfo]:
    """The Groundswell objectives that suit the dominant rungs (listening first)."""
    return [rules.GROUNDSWELL_OBJECTIVES[rules.Objective(o)] for o in tg.suggest_objectives(advice)]


@dataclass(frozen=True)
class SurveyColumn:
    """One recognised survey column, as the Technographics page lists it: its name in the
    template of the page's language, its id, the other names it is recognised by, its rung."""

    name: str
    activity: str
    aliases: tuple[str, ...]
    rung: str


def survey_columns() -> list[SurveyColumn]:
    language = lang()
    rows = []
    for activity, rung, dutch_names in tg.recognised_columns():
        name = tg.template_columns_by_activity(language)[activity]
        dutch = tg.DUTCH_TEMPLATE_NAMES[activity]
        others = dutch_names if language == "nl" else (dutch, *dutch_names)
        rows.append(
            SurveyColumn(
                name=name,
                activity=activity,
                aliases=_distinct(others, shown=name),
                rung=pick(tg.RUNG_NAMES[tg.Rung(rung)]),
            )
        )
    return rows


def _distinct(names: Sequence[str], *, shown: str) -> tuple[str, ...]:
    """The names once each, leaving out the name shown; the same name spelled without its
    apostrophe ("video's" and "videos") counts once."""
    seen = {_normal(shown)}
    found = []
    for name in names:
        if _normal(name) not in seen:
            seen.add(_normal(name))
            found.append(name)
    return tuple(found)


def _normal(name: str) -> str:
    return " ".join(name.lower().replace("'", "").replace("_", " ").split())


def split_survey_warnings(warnings: list[dict[str, Any]]) -> tuple[list[str], list[dict]]:
    """The names of the file's unused columns, and the other warnings of a stored profile."""
    ignored = [w["column"] for w in warnings if w["code"] == "unknown_column" and w.get("column")]
    others = [w for w in warnings if not (w["code"] == "unknown_column" and w.get("column"))]
    return ignored, others


@dataclass(frozen=True)
class CarriedObjective:
    objective: Objective
    baseline: Any
    baseline_date: Any
    evaluated: bool


@dataclass(frozen=True)
class CarryReview:
    """What starting the next cycle will take over from ``previous`` (only the chosen parts)."""

    previous: Cycle
    parts: tuple[str, ...]
    report: CycleReport
    objectives: tuple[CarriedObjective, ...]
    active_petals: tuple[str, ...]
    profile_label: str


def carry_review(previous: Cycle, parts: Sequence[str]) -> CarryReview:
    objectives = tuple(
        CarriedObjective(o, o.result, o.result_date, True)
        if o.result is not None and o.result_date is not None
        else CarriedObjective(o, o.baseline, o.baseline_date, False)
        for o in previous.objectives.all()
    )
    petals = tuple(
        pick(rules.PETAL_NAMES[rules.Petal(p.petal)]) for p in previous.petals.all() if p.active
    )
    report = cycle_report(previous)
    label = profile_source_label(report.profile_row) if report.profile_row else ""
    return CarryReview(previous, tuple(parts), report, objectives, petals, label)


@dataclass(frozen=True)
class KerkhofsSubstance:
    """What the steps link to, for the pages and the plan: read from the rest of the cycle
    and the workspace, never copied into the steps."""

    primary: rules.ObjectiveInfo | None
    secondaries: tuple[rules.ObjectiveInfo, ...]
    objectives: tuple[Objective, ...]
    smart_passed: int
    smart_ok: frozenset[int]
    """Ids of the objectives that pass every SMART letter."""
    profile_label: str
    reachable_pct: float | None
    inactive_pct: float | None
    channels: tuple[Any, ...]
    posts_per_week: Any
    budget: Any
    hours_per_week: Any
    planned_posts: int
    kpis: tuple[str, ...]
    means_not_goal: Mapping[str, str] = field(default_factory=lambda: rules.MEANS_NOT_GOAL)


def _total(values: Sequence[Any]) -> Any:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def kerkhofs_substance(report: CycleReport) -> KerkhofsSubstance:
    cycle = report.cycle
    choices = list(cycle.groundswell.all())
    infos = {c.role: [] for c in choices}  # type: dict[str, list[rules.ObjectiveInfo]]
    for c in choices:
        infos[c.role].append(rules.GROUNDSWELL_OBJECTIVES[rules.Objective(c.objective)])
    row = report.profile_row
    inactive = row.percentages.get(tg.Rung.INACTIVES.value) if row is not None else None
    channels = tuple(cycle.channels.all())
    objectives = tuple(cycle.objectives.all())
    ok = frozenset(o.pk for o in objectives if report.smart[o.pk].passed)
    return KerkhofsSubstance(
        primary=(infos.get(GroundswellRole.PRIMARY) or [None])[0],
        secondaries=tuple(infos.get(GroundswellRole.SECONDARY, [])),
        objectives=objectives,
        smart_passed=len(ok),
        smart_ok=ok,
        profile_label=profile_source_label(row) if row is not None else "",
        reachable_pct=None if inactive is None else 100 - float(inactive),
        inactive_pct=None if inactive is None else float(inactive),
        channels=channels,
        posts_per_week=_total([c.posts_per_week for c in channels]),
        budget=_total([c.budget for c in channels]),
        hours_per_week=_total([c.hours_per_week for c in channels]),
        planned_posts=report.planned_posts,
        kpis=tuple(dict.fromkeys(kpi_label(k.kpi_id) for o in objectives for k in o.kpis.all())),
    )
