"""Measurement pages: dashboard, KPI catalogue, manual/CSV inputs, drill-down, reports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from koers.core.access import get_scoped_or_404, scoped, workspace_view
from koers.core.models import Role, Workspace
from koers.measurement import (
    actions,
    catalogue,
    dashboard,
    evaluation,
    kpis,
    progress,
    report,
    sources,
)
from koers.measurement.forms import (
    CsvUploadForm,
    EvaluationForm,
    ManualMetricForm,
    PeriodForm,
    ReportRequestForm,
    ReportScheduleForm,
    parse_metric_csv,
)
from koers.measurement.models import ManualMetric, ReportSchedule

ENTRIES_SHOWN = 60


def _period_form(request: HttpRequest) -> tuple[PeriodForm, object]:
    form = PeriodForm(request.GET or None)
    return form, form.period_or(timezone.localdate())


@workspace_view()
def index(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form, period = _period_form(request)
    campaign = form.cleaned_data.get("campaign", "") if form.is_bound and form.is_valid() else ""
    board = dashboard.build(workspace, period, campaign=campaign)
    context = {"workspace": workspace, "form": form, "board": board, "active": "measure"}
    template = "measurement/partials/dashboard.html" if request.htmx else "measurement/index.html"
    return render(request, template, context)


@workspace_view()
def kpi_catalogue(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    context = {"workspace": workspace, "kpis": catalogue.entries(), "active": "measure"}
    return render(request, "measurement/catalogue.html", context)


@workspace_view()
def posts(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Drill-down: the posts behind the period's numbers, with their latest counts."""
    form, period = _period_form(request)
    campaign = form.cleaned_data.get("campaign", "") if form.is_bound and form.is_valid() else ""
    rows = kpis._posts(workspace, period, campaign).order_by("-published_at")[:500]
    context = {
        "workspace": workspace,
        "form": form,
        "period": period,
        "posts": rows,
        "active": "measure",
    }
    return render(request, "measurement/posts.html", context)


@workspace_view()
def mentions(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Drill-down: the mentions behind share of voice and net sentiment in the period."""
    form, period = _period_form(request)
    sentiment = request.GET.get("sentiment", "")
    sentiment = sentiment if sentiment in ("positive", "neutral", "negative") else ""
    context = {
        "workspace": workspace,
        "period": period,
        "sentiment": sentiment,
        "mentions": sources.mentions_behind(workspace, period, sentiment=sentiment),
        "active": "measure",
    }
    return render(request, "measurement/mentions.html", context)


@workspace_view()
def inputs(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    context = {
        "workspace": workspace,
        "entries": scoped(ManualMetric.objects, workspace)[:ENTRIES_SHOWN],
        "form": ManualMetricForm(initial={"day": timezone.localdate()}),
        "upload_form": CsvUploadForm(),
        "can_edit": request.membership.can(Role.EDITOR),
        "active": "measure",
    }
    return render(request, "measurement/inputs.html", context)


@workspace_view(need=Role.EDITOR)
@require_POST
def input_add(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = ManualMetricForm(request.POST)
    if form.is_valid():
        actions.record_manual_metric(workspace, request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("measurement:inputs", slug=workspace.slug)
    context = {
        "workspace": workspace,
        "entries": scoped(ManualMetric.objects, workspace)[:ENTRIES_SHOWN],
        "form": form,
        "upload_form": CsvUploadForm(),
        "can_edit": True,
        "active": "measure",
    }
    return render(request, "measurement/inputs.html", context, status=400)


@workspace_view(need=Role.EDITOR)
@require_POST
def input_import(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = CsvUploadForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        rows, errors = parse_metric_csv(upload)
        if not errors:
            count = actions.import_manual_metrics(workspace, request.user, rows, upload.name)
            messages.success(request, _("%(count)s rows imported.") % {"count": count})
            return redirect("measurement:inputs", slug=workspace.slug)
    context = {
        "workspace": workspace,
        "entries": scoped(ManualMetric.objects, workspace)[:ENTRIES_SHOWN],
        "form": ManualMetricForm(),
        "upload_form": form,
        "row_errors": errors,
        "can_edit": True,
        "active": "measure",
    }
    return render(request, "measurement/inputs.html", context, status=400)


@workspace_view(need=Role.EDITOR)
@require_POST
def input_delete(request: HttpRequest, workspace: Workspace, entry_id: int) -> HttpResponse:
    entry = get_scoped_or_404(ManualMetric.objects, workspace, pk=entry_id)
    actions.delete_manual_metric(entry, request.user)
    messages.success(request, _("Deleted."))
    return redirect("measurement:inputs", slug=workspace.slug)


@workspace_view()
def objectives(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    rows = progress.for_workspace(workspace, timezone.localdate())
    context = {"workspace": workspace, "rows": rows, "active": "measure"}
    return render(request, "measurement/objectives.html", context)


@workspace_view()
def report_view(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The period report: a form, or the report as HTML, PDF or CSV (``format``)."""
    form = ReportRequestForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        context = {
            "workspace": workspace,
            "form": form,
            "schedules": scoped(ReportSchedule.objects, workspace),
            "schedule_form": ReportScheduleForm(initial={"language": workspace.language}),
            "can_edit": request.membership.can(Role.EDITOR),
            "active": "measure",
        }
        return render(request, "measurement/report_form.html", context)
    data = form.cleaned_data
    language = data["language"] or workspace.language
    output = request.GET.get("format", "html")
    return report.response(workspace, data["period"], language, output, data["campaign"])


@workspace_view(need=Role.EDITOR)
@require_http_methods(["POST"])
def schedule_add(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = ReportScheduleForm(request.POST)
    if form.is_valid():
        actions.create_report_schedule(workspace, request.user, **form.cleaned_data)
        messages.success(request, _("Report schedule saved."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("measurement:report", slug=workspace.slug)


@workspace_view(need=Role.EDITOR)
@require_POST
def schedule_delete(request: HttpRequest, workspace: Workspace, schedule_id: int) -> HttpResponse:
    schedule = get_scoped_or_404(ReportSchedule.objects, workspace, pk=schedule_id)
    actions.delete_report_schedule(schedule, request.user)
    messages.success(request, _("Report schedule removed."))
    return redirect("measurement:report", slug=workspace.slug)


@workspace_view()
def evaluate(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    return _evaluate_page(request, workspace, evaluation.rows(workspace, timezone.localdate()))


def _evaluate_page(
    request: HttpRequest, workspace: Workspace, rows: list, *, status: int = 200
) -> HttpResponse:
    context = {
        "workspace": workspace,
        "rows": rows,
        "can_edit": request.membership.can(Role.EDITOR),  # type: ignore[attr-defined]
        "active": "measure",
        "cycle_roi": evaluation.cycle_roi(workspace),
    }
    return render(request, "measurement/evaluate.html", context, status=status)


@workspace_view(need=Role.EDITOR)
@require_POST
def evaluate_objective(
    request: HttpRequest, workspace: Workspace, objective_id: int
) -> HttpResponse:
    rows = evaluation.rows(workspace, timezone.localdate())
    found = {r.row.objective.id: r for r in rows}
    if objective_id not in found:
        raise Http404
    form = EvaluationForm(request.POST, prefix=f"o{objective_id}")
    if not form.is_valid():
        found[objective_id].form = form  # shown again, the field marked
        return _evaluate_page(request, workspace, rows, status=400)
    row = found[objective_id].row
    actions.evaluate_objective(
        workspace, request.user, objective_id=objective_id, kpi_id=row.objective.kpi,
        variant=row.objective.variant or "", evaluated_on=timezone.localdate(),
        **form.cleaned_data,
    )  # fmt: skip
    messages.success(request, _("Evaluation saved."))
    return redirect("measurement:evaluate", slug=workspace.slug)
