"""Objectives and KPI values for a period, and the period report (``koers.measurement``)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from koers.api.auth import Access
from koers.api.errors import COMMON, ApiError
from koers.api.schemas import Text
from koers.core.access import scoped
from koers.measurement import kpis, periods, report, sources
from koers.measurement.formulas import KPI_CATALOGUE
from koers.measurement.models import ReportSchedule
from koers.measurement.periods import Period

router = Router(tags=["measurement"])

# A period outside these years is a typo, and Python's dates end in 9999.
FIRST_YEAR, LAST_YEAR, LONGEST_DAYS = 2000, 2100, 3660


def period_of(text: str | None, workspace_today: date) -> Period:
    """``2026-10``, ``2026-Q4`` or ``2026-10-01..2026-10-15``; none: this month."""
    if not text:
        return periods.month(workspace_today)
    problem = ApiError(
        422, "invalid", _("The input is not valid."),
        {"period": [_("Use a month (2026-10), a quarter (2026-Q4) or 2026-10-01..2026-10-15.")]},
    )  # fmt: skip
    try:
        found = periods.parse(text)
    except (ValueError, OverflowError):
        raise problem from None
    years_ok = found.start.year >= FIRST_YEAR and found.end.year <= LAST_YEAR
    if not years_ok or found.days > LONGEST_DAYS:
        raise problem
    return found


def _today(access: Access) -> date:
    from zoneinfo import ZoneInfo

    return timezone.localtime(timezone=ZoneInfo(access.workspace.time_zone)).date()


class KpiValueOut(Schema):
    kpi: str
    name: str
    variant: str | None
    value: float | None = Field(description="null: no value (e.g. a zero denominator).")
    display: str
    numerator: float | None
    denominator: float | None
    unit: str


class KpiPage(Schema):
    period: str
    start: date
    end: date
    kpis: list[KpiValueOut]


def kpi_out(value: Any) -> KpiValueOut:
    data = kpis.as_dict(value)
    return KpiValueOut(name=KPI_CATALOGUE[value.kpi].name[kpis.lang()], **data)


class PeriodQuery(Schema):
    period: Text | None = Field(None, max_length=30, description="2026-10, 2026-Q4 or D..D")
    campaign: Text = Field("", max_length=120)


@router.get("/kpis", response={200: KpiPage, **COMMON})
def list_kpis(request: HttpRequest, query: Query[PeriodQuery]) -> Any:
    """Every KPI of the catalogue over the period (default: this month), as the dashboard."""
    access: Access = request.auth  # type: ignore[attr-defined]
    period = period_of(query.period, _today(access))
    inputs = kpis.gather(access.workspace, period, query.campaign)
    values = kpis.compute_all(inputs)
    return KpiPage(
        period=str(period),
        start=period.start,
        end=period.end,
        kpis=[kpi_out(v) for v in values.values()],
    )


class ObjectiveOut(Schema):
    id: int
    title: str
    kpi: str
    variant: str | None
    baseline: float | None
    target: float | None
    start: date | None
    deadline: date | None
    campaign: str
    value: KpiValueOut | None = Field(description="The KPI over the period; null if unknown.")


class ObjectivePage(Schema):
    period: str
    start: date
    end: date
    objectives: list[ObjectiveOut]


@router.get("/objectives", response={200: ObjectivePage, **COMMON})
def list_objectives(request: HttpRequest, query: Query[PeriodQuery]) -> Any:
    """The SMART objectives of the active strategy cycle (one row per KPI) with the KPI's
    value over the period (default: this month)."""
    access: Access = request.auth  # type: ignore[attr-defined]
    period = period_of(query.period, _today(access))
    gathered: dict[str, kpis.Inputs] = {}
    rows = []
    for objective in sources.objectives(access.workspace):
        value = None
        if objective.kpi in KPI_CATALOGUE:
            campaign = objective.campaign or query.campaign
            if campaign not in gathered:
                gathered[campaign] = kpis.gather(access.workspace, period, campaign)
            value = kpi_out(kpis.compute(gathered[campaign], objective.kpi, objective.variant))
        rows.append(
            ObjectiveOut(
                id=objective.id,
                title=objective.title,
                kpi=objective.kpi,
                variant=objective.variant,
                baseline=objective.baseline,
                target=objective.target,
                start=objective.start,
                deadline=objective.deadline,
                campaign=objective.campaign,
                value=value,
            )
        )
    return ObjectivePage(period=str(period), start=period.start, end=period.end, objectives=rows)


class ReportLink(Schema):
    format: str
    api: str = Field(description="This API's address of the file (with the same token).")
    page: str = Field(description="The address in koers' pages (for a logged-in member).")


class ScheduleOut(Schema):
    id: int
    frequency: str
    language: str
    campaign: str
    active: bool
    next_run_at: Any


class ReportsOut(Schema):
    period: str
    language: str
    links: list[ReportLink]
    schedules: list[ScheduleOut]


class ReportQuery(PeriodQuery):
    language: Literal["nl", "en"] | None = None


@router.get("/reports", response={200: ReportsOut, **COMMON})
def list_reports(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    """The period report's links (HTML, PDF, CSV — as the report page offers) and the
    workspace's report e-mail schedules."""
    access: Access = request.auth  # type: ignore[attr-defined]
    period = period_of(query.period, _today(access))
    language = query.language or access.workspace.language
    params = {"period": str(period), "language": language}
    if query.campaign:
        params["campaign"] = query.campaign
    page = reverse("measurement:report", args=[access.workspace.slug])
    api = reverse("api-v1:report_file")
    links = [
        ReportLink(
            format=output,
            api=f"{settings.BASE_URL}{api}?{urlencode(params | {'format': output})}",
            page=f"{settings.BASE_URL}{page}?{urlencode(params | {'format': output})}",
        )
        for output in ("html", "pdf", "csv")
    ]
    schedules = [
        ScheduleOut(id=s.pk, frequency=s.frequency, language=s.language, campaign=s.campaign,
                    active=s.active, next_run_at=s.next_run_at)
        for s in scoped(ReportSchedule.objects, access.workspace).order_by("id")
    ]  # fmt: skip
    return ReportsOut(period=str(period), language=language, links=links, schedules=schedules)


class ReportFileQuery(ReportQuery):
    format: Literal["html", "pdf", "csv"] = "html"


@router.get(
    "/reports/file",
    response={200: None, **COMMON},
    url_name="report_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report",
                "content": {
                    "text/html": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def report_file(request: HttpRequest, query: Query[ReportFileQuery]) -> HttpResponse:
    """The period report itself, as HTML, PDF or CSV (the same file the report page makes)."""
    access: Access = request.auth  # type: ignore[attr-defined]
    period = period_of(query.period, _today(access))
    language = query.language or access.workspace.language
    return report.response(access.workspace, period, language, query.format, query.campaign)
