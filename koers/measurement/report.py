"""The period report in Dutch or English: HTML, PDF (WeasyPrint) and CSV of every number.

HTML and PDF render the same template with the same ``charts.py`` SVG; the PDF gets the print
stylesheet from the app's static folder. E-mail sends the PDF as an attachment.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koers.core.models import Workspace
from koers.measurement import actions, dashboard, periods, progress
from koers.measurement.models import ReportSchedule
from koers.measurement.periods import Period
from koers.networks import csvcells

STYLESHEET = Path(__file__).resolve().parent / "static" / "measurement" / "report.css"
FORMATS = ("html", "pdf", "csv")


def _context(workspace: Workspace, period: Period, campaign: str, pdf: bool) -> dict:
    today = timezone.localdate()
    return {
        "workspace": workspace,
        "board": dashboard.build(workspace, period, campaign=campaign),
        "objectives": progress.for_workspace(workspace, min(today, period.end)),
        "generated_at": timezone.localtime(),
        "pdf": pdf,
    }


def render_html(
    workspace: Workspace, period: Period, language: str, campaign: str = "", *, pdf: bool = False
) -> str:
    with translation.override(language), timezone.override(workspace.time_zone):
        return render_to_string(
            "measurement/report.html", _context(workspace, period, campaign, pdf)
        )


def render_pdf(workspace: Workspace, period: Period, language: str, campaign: str = "") -> bytes:
    import weasyprint  # heavy import (cairo, pango): only when a PDF is asked for

    html = render_html(workspace, period, language, campaign, pdf=True)
    stylesheet = weasyprint.CSS(filename=str(STYLESHEET))
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[stylesheet])


CSV_HEADER = [
    "section",
    "key",
    "variant",
    "name",
    "value",
    "numerator",
    "denominator",
    "unit",
    "previous_value",
    "period_start",
    "period_end",
]


def render_csv(workspace: Workspace, period: Period, language: str, campaign: str = "") -> str:
    """Every number of the report, machine-readable: decimal point, empty cell = no value."""
    with translation.override(language), timezone.override(workspace.time_zone):
        board = dashboard.build(workspace, period, campaign=campaign)
        out = io.StringIO()
        writer = csvcells.writer(out)
        writer.writerow(CSV_HEADER)
        span = [period.start.isoformat(), period.end.isoformat()]

        def row(section, key, name, value, *, variant="", num=None, den=None, unit="count",
                previous=None) -> None:  # fmt: skip
            writer.writerow(
                [section, key, variant, name, _n(value), _n(num), _n(den), unit, _n(previous)]
                + span
            )

        for kpi in board.rows:
            v = kpi.current
            unit = kpi.definition.unit.value
            row("kpi", v.kpi, kpi.name, v.value, variant=v.variant or "", num=v.numerator,
                den=v.denominator, unit=unit, previous=kpi.previous.value)  # fmt: skip
        for day, posts, engagements in board.daily:
            row("daily_posts", day.isoformat(), _("Posts"), posts)
            row("daily_engagements", day.isoformat(), _("Engagements"), engagements)
        for index, (name, stage, target, _step, _cum) in enumerate(board.funnel_rows, start=1):
            row("funnel", index, name, stage.count)
            row("funnel_step_conversion", index, name, stage.step_conversion, unit="fraction")
            row("funnel_cumulative_conversion", index, name, stage.cumulative_conversion,
                unit="fraction")  # fmt: skip
            if target is not None:
                row("funnel_target", index, name, target)
        for best in board.best_times:
            for weekday, hour, mean, n in best.best:
                row("best_time", best.channel, f"{weekday} {hour:02d}:00", mean, den=n,
                    unit="mean_engagements")  # fmt: skip
        return out.getvalue()


def _n(value: float | int | None) -> str | float | int:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def filename(workspace: Workspace, period: Period, language: str, output: str) -> str:
    return f"koers-{workspace.slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}-{language}.{output}"


def response(
    workspace: Workspace, period: Period, language: str, output: str, campaign: str = ""
) -> HttpResponse:
    """The report as an HTTP response; an unknown ``output`` falls back to HTML."""
    name = filename(workspace, period, language, output)
    if output == "pdf":
        response = HttpResponse(
            render_pdf(workspace, period, language, campaign), content_type="application/pdf"
        )
    elif output == "csv":
        response = HttpResponse(
            render_csv(workspace, period, language, campaign),
            content_type="text/csv; charset=utf-8",
        )
    else:
        return HttpResponse(render_html(workspace, period, language, campaign))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def period_for(schedule: ReportSchedule, now: datetime) -> Period:
    """Monthly: the previous calendar month; weekly: the 7 days before today (local)."""
    today = timezone.localtime(now, timezone=ZoneInfo(schedule.workspace.time_zone)).date()
    if schedule.frequency == ReportSchedule.Frequency.WEEKLY:
        return periods.last_days(today - timedelta(days=1), 7)
    return periods.month(today.replace(day=1) - timedelta(days=1))


def send_scheduled(schedule: ReportSchedule, now: datetime) -> Period:
    """E-mail the report PDF to the schedule's recipients and move the schedule on."""
    workspace = schedule.workspace
    period = period_for(schedule, now)
    pdf = render_pdf(workspace, period, schedule.language, schedule.campaign)
    with translation.override(schedule.language):
        subject = _("%(workspace)s: report %(period)s") % {
            "workspace": workspace.name,
            "period": str(period),
        }
        body = _("Attached is the koers report for %(workspace)s, period %(start)s to %(end)s.") % {
            "workspace": workspace.name,
            "start": period.start,
            "end": period.end,
        }
    message = EmailMessage(subject, body, to=schedule.recipient_list())
    message.attach(filename(workspace, period, schedule.language, "pdf"), pdf, "application/pdf")
    message.send()
    actions.mark_report_sent(schedule, now, str(period))
    return period
