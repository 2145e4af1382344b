"""The plan document: a whole cycle as HTML, PDF (WeasyPrint) or Markdown, in Dutch or English.

One context feeds all three formats and the same SVG chart templates, so what the PDF shows is
what the page shows. The language is the workspace's report language unless ``?lang=`` says
otherwise.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from koers.core import vocabulary
from koers.core.models import Workspace
from koers.measurement.formulas import KPI_CATALOGUE, formula_text
from koers.strategy import charts, costs, participation, policy_document, rules, status, wizard
from koers.strategy import technographics as tg
from koers.strategy.models import Cycle, Objective

# WeasyPrint logs every layout step at INFO; a CLI export or a busy worker only wants problems.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CSS_PATH = Path(__file__).resolve().parent / "static" / "strategy" / "plan.css"
LANGUAGES = ("nl", "en")


def language_for(workspace: Workspace, requested: str | None) -> str:
    if requested in LANGUAGES:
        return requested
    return workspace.language if workspace.language in LANGUAGES else "nl"


@dataclass(frozen=True)
class KpiLine:
    name: str
    variant: str
    level: str
    formula: str
    target: Any
    unit: str = ""


@dataclass(frozen=True)
class ObjectiveSection:
    objective: Objective
    smart: rules.SmartResult
    kpis: tuple[KpiLine, ...]
    groundswell: str
    level: str


def _kpi_lines(objective: Objective) -> tuple[KpiLine, ...]:
    lines = []
    for kpi in objective.kpis.all():
        definition = KPI_CATALOGUE.get(kpi.kpi_id)
        if definition is None:
            lines.append(KpiLine(kpi.kpi_id, kpi.variant, "", "", kpi.target))
            continue
        variant = next((v for v in definition.variants if v.id == kpi.variant), None)
        lines.append(
            KpiLine(
                status.pick(definition.name),
                status.pick(variant.name) if variant else "",
                status.pick(rules.LEVELS[definition.level]["name"]),
                formula_text(variant.formula if variant else definition.formula, status.lang()),
                kpi.target,
                status.unit_name(kpi.unit or definition.unit.value),
            )
        )
    return tuple(lines)


def _objective_sections(report: status.CycleReport) -> list[ObjectiveSection]:
    sections = []
    for objective in report.cycle.objectives.all():
        info = (
            rules.GROUNDSWELL_OBJECTIVES.get(rules.Objective(objective.groundswell))
            if objective.groundswell
            else None
        )
        level = rules.LEVELS[rules.Level(objective.level)]["name"] if objective.level else None
        sections.append(
            ObjectiveSection(
                objective,
                report.smart[objective.pk],
                _kpi_lines(objective),
                status.pick(info.name) if info else "",
                status.pick(level),
            )
        )
    return sections


def document_context(cycle: Cycle) -> dict[str, Any]:
    """Everything the plan shows, in the active language (call inside ``translation.override``)."""
    report = status.cycle_report(cycle)
    row = report.profile_row
    benchmark = tg.BENCHMARKS.get(row.compare_with) if row else None
    steps = {s.step: s for s in cycle.kerkhofs_steps.all()}
    context: dict[str, Any] = {
        "cycle": cycle,
        "workspace": cycle.workspace,
        "report": report,
        "rows": status.completeness(report),
        "objective_sections": _objective_sections(report),
        "groundswell": [
            (rules.GROUNDSWELL_OBJECTIVES[rules.Objective(c.objective)], c.role)
            for c in sorted(cycle.groundswell.all(), key=lambda c: c.role != "primary")
        ],
        "kerkhofs": [(info, steps.get(info.step.value)) for info in rules.KERKHOFS_STEPS],
        "petals": [
            (
                rules.PETAL_NAMES[rules.Petal(p.petal)],
                p,
                report.roos.activation[rules.Petal(p.petal)],
            )
            for p in cycle.petals.all()
        ],
        "maturity_stages": rules.MATURITY_STAGES,
        # The workspace's words (koers.core.vocabulary) also where no request renders the plan.
        "words": vocabulary.words(cycle.workspace.kind),
        "generated": timezone.localdate(),
        "compare_benchmark": benchmark,
        "part_labels": {s.key: s.label for s in wizard.STEPS},
        "sub": status.kerkhofs_substance(report),
        "approaches": {a.value: name for a, name in rules.APPROACHES.items()},
        "partners": {p.value: name for p, name in rules.PARTNERS.items()},
        "go_criteria": {c.value: label for c, label in rules.GO_CRITERIA.items()},
    }
    context |= policy_document.context(cycle.workspace) | {"generated": timezone.localdate()}
    if report.profile is not None:
        context["ladder"] = charts.ladder(report.profile, benchmark)
        context["advice"] = tg.suggest_tactics(
            report.profile, status.tactic_rules(cycle.workspace_id)
        )
        context["suggested_objectives"] = status.suggested_objectives(context["advice"])
        context["source_label"] = status.profile_source_label(row)
        context["source_benchmark"] = tg.BENCHMARKS.get(row.benchmark_id)
    if report.funnel is not None:
        context["funnel_chart"] = charts.funnel(
            [(r.stage.name["en"], r.count) for r in report.funnel.rows]
        )
        context["shape"] = charts.funnel_shape(
            [(r.stage.name["en"], r.count) for r in report.funnel.rows]
        )
    context |= _content_strategy_context(cycle, report)
    return context


def _content_strategy_context(cycle: Cycle, report: status.CycleReport) -> dict[str, Any]:
    """The plan's parts for issue 17: audiences, roos drawing, 1 % rule, costs and ROI."""
    planned, achieved = costs.cycle_roi(cycle, "plan"), costs.cycle_roi(cycle, "result")
    return {
        "audiences": list(cycle.audiences.all()),
        "roos_chart": charts.roos(list(cycle.petals.all()), report.roos),
        "participation": participation.for_cycle(cycle, report.profile),
        "planned_roi": planned,
        "achieved_roi": achieved,
        "roi_pair": (planned, achieved),
    }


def render_html(request: HttpRequest | None, cycle: Cycle, language: str, *, pdf: bool) -> str:
    with translation.override(language):
        context = document_context(cycle) | {"pdf": pdf, "language": language}
        if pdf:
            context["css"] = CSS_PATH.read_text(encoding="utf-8")
        return render_to_string("strategy/plan/document.html", context, request=request)


def render_pdf(request: HttpRequest | None, cycle: Cycle, language: str) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which only the PDF export needs.
    from weasyprint import HTML

    html = render_html(request, cycle, language, pdf=True)
    return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf()


def render_markdown(cycle: Cycle, language: str) -> str:
    with translation.override(language):
        text = render_to_string("strategy/plan/document.md", document_context(cycle))
    # Template tags leave runs of blank lines; Markdown needs at most one.
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def filename(cycle: Cycle, language: str, extension: str) -> str:
    return f"{slugify(cycle.workspace.name)}-{slugify(cycle.name)}-{language}.{extension}"


def response(request: HttpRequest, cycle: Cycle, fmt: str, language: str) -> HttpResponse:
    if fmt == "html":
        return HttpResponse(render_html(request, cycle, language, pdf=False))
    if fmt == "pdf":
        result = HttpResponse(render_pdf(request, cycle, language), content_type="application/pdf")
    elif fmt == "md":
        result = HttpResponse(
            render_markdown(cycle, language), content_type="text/markdown; charset=utf-8"
        )
    else:
        raise Http404
    name = filename(cycle, language, fmt)
    result["Content-Disposition"] = f'attachment; filename="{name}"'
    return result
