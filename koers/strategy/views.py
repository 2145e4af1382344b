"""Strategy pages: the cycle overview, one page per wizard step, and the plan document.

Every view reads the cycle through :func:`get_cycle_for_member` (404 outside the workspace, 403
for a POST below editor or on a closed cycle) and changes it only through ``actions``. Locks
from the rules come back as :class:`actions.StepLocked` and are shown by :func:`shows_locks`.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koers.core.access import get_scoped_or_404, scoped, workspace_view
from koers.core.models import Role, Workspace
from koers.strategy import (
    actions,
    charts,
    costs,
    forms,
    maturity_use,
    participation,
    plan,
    rules,
    status,
    wizard,
)
from koers.strategy import technographics as tg
from koers.strategy.models import (
    Audience,
    Channel,
    Cycle,
    CycleStatus,
    Influencer,
    Objective,
    RoosPetal,
    TacticOverride,
)

GET_POST = require_http_methods(["GET", "POST"])


def get_cycle_for_member(
    request: HttpRequest, workspace: Workspace, cycle_id: int, *, need: str = Role.EDITOR
) -> Cycle:
    """The cycle with everything its pages read. A POST needs ``need`` and an active cycle."""
    try:
        cycle = status.prefetched(scoped(Cycle.objects, workspace), cycle_id)
    except Cycle.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        if not request.membership.can(need):  # type: ignore[attr-defined]
            raise PermissionDenied(_("Your role may not change the strategy."))
        if not cycle.is_active:
            raise actions.CycleReadOnly(_("This cycle is closed; it can be read but not changed."))
    return cycle


def shows_locks(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn a refused change (a rule's lock, a closed cycle) into a 403 page that says why."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except actions.StepLocked as locked:
            context = {"reasons": locked.reasons, "active": "strategy"}
            return render(request, "strategy/locked.html", context, status=403)
        except actions.CycleReadOnly as closed:
            context = {"message": str(closed), "active": "strategy"}
            return render(request, "strategy/locked.html", context, status=403)

    return wrapper


def _page(request: HttpRequest, cycle: Cycle, key: str, **extra: Any) -> dict[str, Any]:
    report = status.cycle_report(cycle)
    membership = request.membership  # type: ignore[attr-defined]
    rows = {row.key: row for row in status.completeness(report)}
    first_open = next((k for k, r in rows.items() if not r.done and not r.locked), "plan")
    return {
        "workspace": cycle.workspace,
        "cycle": cycle,
        "report": report,
        "rows": rows,
        "first_open": first_open,
        "done_count": sum(1 for r in rows.values() if r.done),
        "steps": wizard.STEPS,
        "step": key,
        "next_step": wizard.next_step(key) if key in wizard.STEP_KEYS else None,
        "previous_step": wizard.previous_step(key) if key in wizard.STEP_KEYS else None,
        "can_edit": cycle.is_active and membership.can(Role.EDITOR),
        "can_decide": cycle.is_active and membership.can(Role.ADMIN),
        "active": "strategy",
        **extra,
    }


def _saved(request: HttpRequest, cycle: Cycle, key: str) -> HttpResponse:
    """After a save: on to the next wizard step ("save and continue"), or back to this one.
    An HTMX autosave (a field changed) gets the small "saved" fragment instead."""
    if request.htmx:  # type: ignore[attr-defined]
        return _autosaved(request, ok=True)
    messages.success(request, _("Saved."))
    target = wizard.next_step(key) if "continue" in request.POST else None
    return redirect(f"strategy:{target or key}", slug=cycle.workspace.slug, cycle_id=cycle.pk)


def _autosaved(request: HttpRequest, *, ok: bool) -> HttpResponse:
    context = {"ok": ok, "saved_at": timezone.localtime()}
    return render(request, "strategy/partials/autosave.html", context)


# ---------------------------------------------------------------------------------------------
# Cycles


@workspace_view()
@require_GET
def index(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The overview of the active cycle, or how to start the first one."""
    active = scoped(Cycle.objects, workspace).filter(status=CycleStatus.ACTIVE).first()
    if active is None:
        context = {
            "workspace": workspace,
            "cycles": scoped(Cycle.objects, workspace),
            "form": forms.CycleForm(),
            "can_edit": request.membership.can(Role.EDITOR),  # type: ignore[attr-defined]
            "active": "strategy",
        }
        return render(request, "strategy/start.html", context)
    cycle = get_cycle_for_member(request, workspace, active.pk)
    return render(request, "strategy/overview.html", _page(request, cycle, "overview"))


@workspace_view()
@require_GET
def overview(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    return render(request, "strategy/overview.html", _page(request, cycle, "overview"))


@workspace_view(need=Role.EDITOR)
@GET_POST
def cycle_new(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Start a cycle. After an earlier one: choose what to take over, review it, then start."""
    previous = scoped(Cycle.objects, workspace).filter(status=CycleStatus.ACTIVE).first()
    form = forms.CycleForm(request.POST if request.method == "POST" else None, carry_from=previous)
    context = {"workspace": workspace, "form": form, "previous": previous, "active": "strategy"}
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        if previous is not None and "confirm" not in request.POST:
            previous = status.prefetched(scoped(Cycle.objects, workspace), previous.pk)
            review = status.carry_review(previous, form.cleaned_data["carry"])
            return render(request, "strategy/cycle_review.html", context | {"review": review})
        cycle = actions.create_cycle(workspace, request.user, **form.cleaned_data)
        messages.success(request, _("Cycle started. Begin with the audience."))
        return redirect("strategy:people", slug=workspace.slug, cycle_id=cycle.pk)
    return render(request, "strategy/cycle_new.html", context)


@workspace_view()
@require_GET
def cycles(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """All cycles side by side: the active one and the earlier, read-only ones."""
    reports = [
        status.cycle_report(status.prefetched(scoped(Cycle.objects, workspace), c.pk))
        for c in scoped(Cycle.objects, workspace)
    ]
    context = {
        "workspace": workspace,
        "reports": reports,
        "rungs": [(r.value, status.pick(tg.RUNG_NAMES[r])) for r in tg.Rung],
    }
    return render(request, "strategy/cycles.html", context | {"active": "strategy"})


# ---------------------------------------------------------------------------------------------
# POST: People, Strategy, Technology


@workspace_view()
@GET_POST
@shows_locks
def people(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.PeopleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        actions.update_people(cycle, request.user, **form.cleaned_data)
        return _saved(request, cycle, "people")
    if request.htmx:  # type: ignore[attr-defined]
        return _autosaved(request, ok=False)
    context = _page(request, cycle, "people", form=form, influencer_form=forms.InfluencerForm())
    context["audience_form"] = forms.AudienceForm()
    return render(request, "strategy/step_people.html", context)


@workspace_view()
@require_POST
@shows_locks
def influencer_add(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.InfluencerForm(request.POST)
    if not form.is_valid():
        context = _page(request, cycle, "people", form=forms.PeopleForm(instance=cycle))
        context["influencer_form"] = form
        context["audience_form"] = forms.AudienceForm()
        return render(request, "strategy/step_people.html", context, status=400)
    actions.add_influencer(cycle, request.user, **form.cleaned_data)
    return _saved(request, cycle, "people")


@workspace_view()
@require_POST
@shows_locks
def influencer_remove(
    request: HttpRequest, workspace: Workspace, cycle_id: int, influencer_id: int
) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    influencer = get_scoped_or_404(Influencer.objects, workspace, pk=influencer_id, cycle=cycle)
    actions.remove_influencer(influencer, request.user)
    return _saved(request, cycle, "people")


@workspace_view()
@GET_POST
@shows_locks
def strategy(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.StrategyForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        actions.update_strategy(cycle, request.user, **form.cleaned_data)
        return _saved(request, cycle, "strategy")
    if request.htmx:  # type: ignore[attr-defined]
        return _autosaved(request, ok=False)
    return render(
        request, "strategy/step_strategy.html", _page(request, cycle, "strategy", form=form)
    )


@workspace_view()
@GET_POST
@shows_locks
def technology(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    """Networks and tools; locked (with the reasons) until People, Objectives, Strategy are done."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.add_channel(cycle, request.user, **form.cleaned_data)
        return _saved(request, cycle, "technology")
    context = _page(request, cycle, "technology", form=form)
    context["channel_forms"] = [
        (c, forms.ChannelForm(instance=c, prefix=f"c{c.pk}")) for c in cycle.channels.all()
    ]
    return render(request, "strategy/step_technology.html", context)


@workspace_view()
@require_POST
@shows_locks
def channel_remove(
    request: HttpRequest, workspace: Workspace, cycle_id: int, channel_id: int
) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    channel = get_scoped_or_404(Channel.objects, workspace, pk=channel_id, cycle=cycle)
    actions.remove_channel(channel, request.user)
    return _saved(request, cycle, "technology")


# ---------------------------------------------------------------------------------------------
# Social Technographics


def _technographics_page(request: HttpRequest, cycle: Cycle, **forms_: Any) -> dict[str, Any]:
    context = _page(request, cycle, "technographics")
    report = context["report"]
    row = report.profile_row
    benchmark = tg.BENCHMARKS.get(row.compare_with) if row else None
    overrides = {t.rung: t.text for t in TacticOverride.objects.filter(workspace=cycle.workspace)}
    context |= {
        "survey_form": forms.SurveyForm(),
        "benchmark_form": forms.BenchmarkForm(),
        "compare_form": forms.CompareForm(initial={"benchmark": row.compare_with if row else ""}),
        "benchmarks": list(tg.BENCHMARKS.values()),
        "compare_benchmark": benchmark,
        "tactic_rows": status.tactic_rows(overrides),
        "survey_columns": status.survey_columns(),
        "participation": participation.for_cycle(cycle, report.profile),
        **forms_,
    }
    if row is not None:
        context["ignored_columns"], context["profile_warnings"] = status.split_survey_warnings(
            row.warnings
        )
    if report.profile is not None:
        context["ladder"] = charts.ladder(report.profile, benchmark)
        context["comparison"] = tg.compare(report.profile, benchmark) if benchmark else None
        context["advice"] = tg.suggest_tactics(
            report.profile, status.tactic_rules(cycle.workspace_id)
        )
        context["suggested_objectives"] = status.suggested_objectives(context["advice"])
        context["source_label"] = status.profile_source_label(row)
    return context


@workspace_view()
@require_GET
def technographics(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    context = _technographics_page(request, cycle)
    return render(request, "strategy/step_technographics.html", context)


@workspace_view()
@require_POST
@shows_locks
def survey_upload(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    """Classify an uploaded survey; a bad file is shown inline, naming row and column."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.SurveyForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _technographics_page(request, cycle, survey_form=form)
        return render(request, "strategy/step_technographics.html", context, status=400)
    name = form.cleaned_data["survey"].name
    row = actions.save_survey_profile(cycle, request.user, filename=name, profile=form.profile)
    ignored, _others = status.split_survey_warnings(row.warnings)
    if ignored:
        columns = ", ".join(f"‘{c}’" for c in ignored)
        messages.warning(request, _("Not used from the file: %(columns)s.") % {"columns": columns})
    return _saved(request, cycle, "technographics")


@workspace_view()
@require_GET
def survey_template(
    request: HttpRequest, workspace: Workspace, cycle_id: int, language: str
) -> HttpResponse:
    """An empty survey file with every recognised column, in Dutch or English names."""
    get_cycle_for_member(request, workspace, cycle_id)
    if language not in ("nl", "en"):
        raise Http404
    response = HttpResponse(
        tg.template_csv(language).encode("utf-8-sig"),  # the BOM tells Excel it is UTF-8
        content_type="text/csv; charset=utf-8",
    )
    filename = f"technographics-survey-template-{language}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@workspace_view()
@require_POST
@shows_locks
def benchmark_use(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.BenchmarkForm(request.POST)
    if not form.is_valid():
        context = _technographics_page(request, cycle, benchmark_form=form)
        return render(request, "strategy/step_technographics.html", context, status=400)
    actions.use_benchmark(cycle, request.user, benchmark_id=form.cleaned_data["benchmark"])
    return _saved(request, cycle, "technographics")


@workspace_view()
@require_POST
@shows_locks
def benchmark_compare(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.CompareForm(request.POST)
    if not form.is_valid() or getattr(cycle, "technographics", None) is None:
        raise Http404
    actions.set_comparison(cycle, request.user, benchmark_id=form.cleaned_data["benchmark"])
    return _saved(request, cycle, "technographics")


@workspace_view()
@require_POST
@shows_locks
def tactics(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    """The workspace's own tactics text for one rung (the heuristic is editable)."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.TacticForm(request.POST)
    if not form.is_valid():
        context = _technographics_page(request, cycle)
        return render(request, "strategy/step_technographics.html", context, status=400)
    actions.set_tactics(workspace, request.user, **form.cleaned_data)
    return _saved(request, cycle, "technographics")


# ---------------------------------------------------------------------------------------------
# Objectives


@workspace_view()
@GET_POST
@shows_locks
def objectives(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    """Groundswell objectives (primary and secondaries) and the list of SMART objectives."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    roles = {c.objective: c.role for c in cycle.groundswell.all()}
    form = forms.GroundswellForm(
        request.POST or None, initial_roles=roles, workspace_kind=workspace.kind
    )
    if request.method == "POST" and form.is_valid():
        actions.set_groundswell(cycle, request.user, roles=form.roles())
        return _saved(request, cycle, "objectives")
    context = _page(request, cycle, "objectives", form=form, examples=rules.EXAMPLE_OBJECTIVES)
    context["secondaries"] = [o for o, r in roles.items() if r == "secondary"]
    return render(request, "strategy/step_objectives.html", context)


@workspace_view()
@GET_POST
@shows_locks
def objective_edit(
    request: HttpRequest, workspace: Workspace, cycle_id: int, objective_id: int | None = None
) -> HttpResponse:
    """Add or edit one SMART objective with its baseline, target, deadline, owner and KPIs."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    objective = None
    if objective_id is not None:
        objective = get_scoped_or_404(Objective.objects, workspace, pk=objective_id, cycle=cycle)
    data = request.POST if request.method == "POST" else None
    form = forms.ObjectiveForm(data, instance=objective)
    kpis = forms.KpiFormSet(data, initial=forms.kpi_initial(objective), prefix="kpi")
    if request.method == "POST" and form.is_valid() and kpis.is_valid():
        rows = [row for f in kpis if (row := f.kpi_row()) is not None]
        actions.save_objective(cycle, request.user, objective, form.cleaned_data, rows)
        return _saved(request, cycle, "objectives")
    context = _page(request, cycle, "objectives", form=form, kpis=kpis, objective=objective)
    return render(request, "strategy/objective_form.html", context)


@workspace_view()
@require_POST
@shows_locks
def objective_delete(
    request: HttpRequest, workspace: Workspace, cycle_id: int, objective_id: int
) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    objective = get_scoped_or_404(Objective.objects, workspace, pk=objective_id, cycle=cycle)
    actions.delete_objective(objective, request.user)
    return _saved(request, cycle, "objectives")


@workspace_view()
@require_POST
@shows_locks
def objective_example(
    request: HttpRequest, workspace: Workspace, cycle_id: int, index: int
) -> HttpResponse:
    """One click: an example objective from the seeds, opened for editing to make it SMART."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    if not 0 <= index < len(rules.EXAMPLE_OBJECTIVES):
        raise Http404
    objective = actions.add_example_objective(cycle, request.user, index=index)
    messages.success(request, _("Example added. Make it SMART: fill in the missing parts."))
    return redirect(
        "strategy:objective-edit", slug=workspace.slug, cycle_id=cycle.pk, objective_id=objective.pk
    )


# ---------------------------------------------------------------------------------------------
# Kerkhofs: steps and the uitstapmoment


def _block_data(data: Any, form_class: Any, prefix: str | None = None) -> Any:
    """The POST for one block of a page, or ``None`` when the block was not sent at all (then
    it stays as it is, instead of being emptied)."""
    if data is None:
        return None
    names = [f"{prefix}-{n}" if prefix else n for n in form_class.base_fields]
    return data if any(name in data for name in names) else None


def _all_valid(forms_: list[Any]) -> bool:
    """Some block was sent and every block sent is valid (a list, not a generator: each
    block gets its errors)."""
    sent = [f for f in forms_ if f.is_bound]
    return bool(sent) and all([f.is_valid() for f in sent])


def _step_forms(cycle: Cycle, numbers: range, data: Any = None) -> list[tuple[Any, Any]]:
    """One form per Kerkhofs step, all inside the page's single form (prefix = step id).
    Each form edits a copy, so a refused save never shows up in the page's report."""
    by_step = {s.step: s for s in cycle.kerkhofs_steps.all()}
    pairs = []
    for info in rules.KERKHOFS_STEPS:
        if info.number in numbers and info.step.value in by_step:
            prefix = info.step.value
            form_class = forms.step_form_class(info.step, cycle.workspace)
            bound = _block_data(data, form_class, prefix)
            record = copy(by_step[prefix])
            pairs.append((info, form_class(bound, instance=record, prefix=prefix)))
    return pairs


def _posted_steps(step_forms: list[tuple[Any, Any]]) -> dict[str, dict[str, Any]]:
    return {f.prefix: f.cleaned_data for _info, f in step_forms if f.is_bound}


@workspace_view()
@GET_POST
@shows_locks
def decision(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    """Steps 1–3 and the go/no-go decision in one form; editors save the steps, only admins
    and owners decide."""
    deciding = request.method == "POST" and any(
        request.POST.get(name) for name in forms.GoNoGoForm.base_fields
    )
    need = Role.ADMIN if deciding else Role.EDITOR
    cycle = get_cycle_for_member(request, workspace, cycle_id, need=need)
    initial = {"decision": cycle.decision, "decided_on": cycle.decided_on}
    initial |= {"rationale": cycle.decision_rationale, "criteria": cycle.go_criteria}
    form = forms.GoNoGoForm(request.POST if deciding else None, initial=initial)
    step_forms = _step_forms(cycle, range(1, 4), request.POST or None)
    blocks = [f for _i, f in step_forms] + ([form] if deciding else [])
    refused: tuple[rules.Reason, ...] = ()
    if request.method == "POST" and _all_valid(blocks):
        choice = form.cleaned_data if deciding else None
        try:
            actions.save_kerkhofs_steps(
                cycle, request.user, _posted_steps(step_forms), decision=choice
            )
        except actions.GoRefused as refusal:
            refused = refusal.reasons  # nothing was saved: the steps roll back with it
        else:
            if not cycle.is_active:
                messages.info(request, _("No-go recorded: the cycle is closed with this report."))
                return redirect("strategy:overview", slug=workspace.slug, cycle_id=cycle.pk)
            return _saved(request, cycle, "decision")
    context = _page(request, cycle, "decision", form=form, step_forms=step_forms)
    context |= {"refused": refused, "sub": status.kerkhofs_substance(context["report"])}
    return render(request, "strategy/step_decision.html", context, status=_status(request))


def _status(request: HttpRequest) -> int:
    """A page shown again after a POST shows refused input: 400."""
    return 400 if request.method == "POST" else 200


@workspace_view()
@GET_POST
@shows_locks
def kerkhofs(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    """Steps 4–8 in one form; refused (403, with the reason) before a "go"."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    step_forms = _step_forms(cycle, range(4, 9), request.POST or None)
    if request.method == "POST" and _all_valid([f for _i, f in step_forms]):
        actions.save_kerkhofs_steps(cycle, request.user, _posted_steps(step_forms))
        return _saved(request, cycle, "kerkhofs")
    context = _page(request, cycle, "kerkhofs", step_forms=step_forms)
    context["sub"] = status.kerkhofs_substance(context["report"])
    return render(request, "strategy/step_kerkhofs.html", context, status=_status(request))


@workspace_view()
@require_POST
@shows_locks
def channel_update(
    request: HttpRequest, workspace: Workspace, cycle_id: int, channel_id: int
) -> HttpResponse:
    """Autosave of one channel row of the media plan (posts per week, budget, hours)."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    channel = get_scoped_or_404(Channel.objects, workspace, pk=channel_id, cycle=cycle)
    form = forms.ChannelForm(request.POST, instance=copy(channel), prefix=f"c{channel.pk}")
    if not form.is_valid():
        if request.htmx:  # type: ignore[attr-defined]
            return _autosaved(request, ok=False)
        return redirect("strategy:technology", slug=workspace.slug, cycle_id=cycle.pk)
    actions.update_channel(channel, request.user, **form.cleaned_data)
    return _saved(request, cycle, "technology")


@workspace_view()
@GET_POST
@shows_locks
def funnel(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    initial = [
        {"name": s.name, "count": s.count, "expected_revenue": s.expected_revenue}
        for s in cycle.funnel_stages.all()
    ]
    formset = forms.FunnelFormSet(request.POST or None, initial=initial, prefix="stage")
    if request.method == "POST" and formset.is_valid():
        named = [f.cleaned_data for f in formset if (f.cleaned_data.get("name") or "").strip()]
        stages = [(d["name"].strip(), d.get("count")) for d in named]
        revenue = [d.get("expected_revenue") for d in named]
        actions.save_funnel(cycle, request.user, stages=stages, revenue=revenue)
        return _saved(request, cycle, "funnel")
    context = _page(request, cycle, "funnel", formset=formset)
    context["shape"] = charts.funnel_shape([(s.name, s.count) for s in cycle.funnel_stages.all()])
    context["participation"] = participation.for_cycle(cycle, context["report"].profile)
    return render(request, "strategy/step_funnel.html", context)


def _roos_forms(cycle: Cycle, data: Any = None) -> tuple[Any, list[tuple[Any, ...]]]:
    """The centre's form and (petal, name, saved active?, form) per petal, all in one form.
    The forms edit copies, so the page shows what is saved, never what was refused."""
    centre = forms.OrganiserenForm(
        _block_data(data, forms.OrganiserenForm), instance=copy(getattr(cycle, "roos", None))
    )
    rows = {p.petal: p for p in cycle.petals.all()}
    petals = []
    for petal in rules.Petal:
        row = rows.get(petal.value) or RoosPetal(cycle=cycle, petal=petal.value)
        bound = _block_data(data, forms.PetalForm, petal.value)
        form = forms.PetalForm(bound, instance=copy(row), prefix=petal.value)
        petals.append((petal, status.pick(rules.PETAL_NAMES[petal]), row.active, form))
    return centre, petals


def _refused_petals(cycle: Cycle, data: Any, locked: actions.PetalsLocked) -> tuple[Any, Any]:
    """The forms again with the user's input, but each refused petal not active, with why."""
    data = data.copy()
    for petal in locked.by_petal:
        data.pop(f"{petal}-active", None)
    centre, petals = _roos_forms(cycle, data)
    for petal, _name, _active, form in petals:
        if petal.value in locked.by_petal and form.is_valid():
            reasons = [status.pick(r.message) for r in locked.by_petal[petal.value]]
            form.add_error("active", [_("This petal can't be active yet."), *reasons])
    return centre, petals


@workspace_view()
@GET_POST
@shows_locks
def roos(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    """Organiseren (the centre) and the petals, saved together or not at all."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    centre, petals = _roos_forms(cycle, request.POST or None)
    if request.method == "POST" and _all_valid([centre] + [p[-1] for p in petals]):
        try:
            actions.save_roos(
                cycle,
                request.user,
                organiseren=centre.cleaned_data if centre.is_bound else None,
                petals={p.value: f.cleaned_data for p, _n, _a, f in petals if f.is_bound},
            )
        except actions.PetalsLocked as locked:
            centre, petals = _refused_petals(cycle, request.POST, locked)
        else:
            return _saved(request, cycle, "roos")
    context = _page(request, cycle, "roos", form=centre, petal_forms=petals)
    context["roos_chart"] = charts.roos(list(cycle.petals.all()), context["report"].roos)
    return render(request, "strategy/step_roos.html", context, status=_status(request))


@workspace_view()
@GET_POST
@shows_locks
def maturity(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.MaturityForm(request.POST or None, initial={"checked": cycle.maturity_checked})
    if request.method == "POST" and form.is_valid():
        actions.save_maturity(cycle, request.user, checked=form.cleaned_data["checked"])
        return _saved(request, cycle, "maturity")
    if request.htmx:  # type: ignore[attr-defined]
        return _autosaved(request, ok=False)
    context = _page(request, cycle, "maturity", form=form, stages=rules.MATURITY_STAGES)
    context["page_urls"] = maturity_use.page_urls(cycle)
    return render(request, "strategy/step_maturity.html", context)


# ---------------------------------------------------------------------------------------------
# The plan document


@workspace_view()
@require_GET
def plan_page(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    """The wizard's last step: the plan's formats, and the document itself as HTML below."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    first = plan.language_for(workspace, None)
    languages = sorted([("nl", "Nederlands"), ("en", "English")], key=lambda x: x[0] != first)
    context = _page(request, cycle, "plan", plan_languages=languages)
    return render(request, "strategy/step_plan.html", context)


@workspace_view()
@require_GET
def plan_document(
    request: HttpRequest, workspace: Workspace, cycle_id: int, fmt: str
) -> HttpResponse:
    """The whole cycle as ``html``, ``pdf`` or ``md``, in the report language (``?lang=``)."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    language = plan.language_for(workspace, request.GET.get("lang"))
    return plan.response(request, cycle, fmt, language)


# ---------------------------------------------------------------------------------------------
# Content strategy: target audiences


@workspace_view()
@require_POST
@shows_locks
def audience_add(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    form = forms.AudienceForm(request.POST)
    if not form.is_valid():
        context = _page(request, cycle, "people", form=forms.PeopleForm(instance=cycle))
        context |= {"influencer_form": forms.InfluencerForm(), "audience_form": form}
        return render(request, "strategy/step_people.html", context, status=400)
    actions.add_audience(cycle, request.user, **form.cleaned_data)
    return _saved(request, cycle, "people")


@workspace_view()
@require_POST
@shows_locks
def audience_remove(
    request: HttpRequest, workspace: Workspace, cycle_id: int, audience_id: int
) -> HttpResponse:
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    audience = get_scoped_or_404(Audience.objects, workspace, pk=audience_id, cycle=cycle)
    actions.remove_audience(audience, request.user)
    return _saved(request, cycle, "people")


# ---------------------------------------------------------------------------------------------
# Costs and ROI


@workspace_view()
@GET_POST
@shows_locks
def roi(request: HttpRequest, workspace: Workspace, cycle_id: int) -> HttpResponse:
    """Hours (from the roos) × rate, budgets, and what the objectives' results are worth."""
    cycle = get_cycle_for_member(request, workspace, cycle_id)
    found = costs.cycle_roi(cycle, "plan")
    data = request.POST or None
    cost_form = forms.CostsForm(data, instance=copy(found.costs), prefix="cost")
    value_form = forms.ResultValuesForm(data, instance=copy(found.values), prefix="value")
    if request.method == "POST" and cost_form.is_valid() and value_form.is_valid():
        actions.save_costs(
            cycle, request.user, costs=cost_form.cleaned_data, values=value_form.cleaned_data
        )
        return _saved(request, cycle, "roi")
    context = _page(
        request,
        cycle,
        "roi",
        cost_form=cost_form,
        value_form=value_form,
        planned=found,
        achieved=costs.cycle_roi(cycle, "result"),
    )
    return render(request, "strategy/step_roi.html", context, status=400 if data else 200)
