"""Forms: manual metric entry, CSV import (validated row by row), period picker, report schedule."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from koers.core.forms import IsoDateInput
from koers.measurement import periods
from koers.measurement.models import ManualMetric, ReportSchedule
from koers.networks import csvcells

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
MAX_CSV_BYTES = 2_000_000
MAX_CSV_ROWS = 10_000
TOO_LONG = _("This row can't be read: a cell is longer than 128 KB.")


class ManualMetricForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=ManualMetric.Metric.choices)
    day = forms.DateField(
        label=_("Date"),
        input_formats=DATE_FORMATS,
        widget=IsoDateInput(),
    )
    value = forms.IntegerField(label=_("Value"), min_value=0, max_value=10**15)
    channel = forms.CharField(
        label=_("Channel"),
        max_length=120,
        required=False,
        help_text=_("Empty: all channels together."),
    )
    stage = forms.IntegerField(
        label=_("Funnel stage"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("1 = first stage; only for funnel counts."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict:
        data = super().clean()
        metric, stage = data.get("metric"), data.get("stage")
        if metric == ManualMetric.Metric.FUNNEL_STAGE and not stage:
            self.add_error("stage", _("A funnel count needs its stage number."))
        elif metric and metric != ManualMetric.Metric.FUNNEL_STAGE and stage:
            self.add_error("stage", _("Only funnel counts have a stage."))
        data["stage"] = stage or 0
        data["channel"] = (data.get("channel") or "").strip()
        return data


# CSV headers may be English or Dutch; metric names may be ids or Dutch words.
HEADER_ALIASES = {
    "date": "day",
    "day": "day",
    "datum": "day",
    "dag": "day",
    "metric": "metric",
    "metriek": "metric",
    "meetwaarde": "metric",
    "maatstaf": "metric",  # the Dutch label of the field
    "value": "value",
    "waarde": "value",
    "aantal": "value",
    "channel": "channel",
    "kanaal": "channel",
    "stage": "stage",
    "fase": "stage",
    "note": "note",
    "notitie": "note",
    "opmerking": "note",
}
METRIC_ALIASES = {
    "webbezoeken": "web_visits",
    "websitebezoeken": "web_visits",
    "bezoeken": "web_visits",
    "nieuwsbriefabonnees": "newsletter_subscribers",
    "abonnees": "newsletter_subscribers",
    "conversies": "conversions",
    "klikken": "clicks",
    "vertoningen": "impressions",
    "bereik": "reach",
    "funnel": "funnel_stage",
    "trechter": "funnel_stage",
}
REQUIRED_COLUMNS = ("day", "metric", "value")


@dataclass(frozen=True)
class RowError:
    row: int
    """The line number in the file (the header is line 1)."""
    message: str


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns date, metric, value and optionally channel, stage, note (Dutch headers "
            "work too). Comma or semicolon separated, UTF-8 or Windows-1252."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


def _encoding(binary: IO[bytes]) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (Dutch Excel exports): checked chunk by
    chunk, so the file is never held in memory whole."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    binary.seek(0)
    try:
        while chunk := binary.read(64 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        binary.seek(0)
    return "utf-8-sig"


def parse_metric_csv(data: bytes | IO[bytes]) -> tuple[list[dict], list[RowError]]:
    """Validate every row with :class:`ManualMetricForm`; return clean rows and all errors.

    The file is read line by line (at most ``MAX_CSV_ROWS`` rows are kept). Line breaks may be
    \\n, \\r\\n or a bare \\r (old Mac exports). The caller imports nothing when there is any
    error ("nothing half-imported").
    """
    binary = io.BytesIO(data) if isinstance(data, bytes) else data
    stream = io.TextIOWrapper(binary, encoding=_encoding(binary), errors="replace", newline="")
    try:
        return _parse_rows(_records(csv.reader(stream, delimiter=_delimiter(stream))))
    finally:
        stream.detach()  # the upload stays open for Django to close


def _records(reader: Iterator[list[str]]) -> Iterator[list[str] | None]:
    """The reader's rows; None for a row it can't read (only a cell over the csv module's
    field limit of 128 KB: quotes and line breaks are all readable with newline="")."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None


def _delimiter(stream: io.TextIOWrapper) -> str:
    first = stream.readline()
    stream.seek(0)
    return ";" if first.count(";") > first.count(",") else ","


def _parse_rows(reader: Iterator[list[str] | None]) -> tuple[list[dict], list[RowError]]:
    raw_header = next(reader, [])
    if raw_header is None:
        return [], [RowError(1, str(TOO_LONG))]
    header = [HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in raw_header]
    if not any(header):
        return [], [RowError(1, str(_("The file is empty.")))]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        message = _("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        return [], [RowError(1, str(message))]
    rows, errors, seen = [], [], {}
    for line, values in enumerate(reader, start=2):
        if values is None:
            errors.append(RowError(line, str(TOO_LONG)))
            continue
        if not any(v.strip() for v in values):
            continue
        if line > MAX_CSV_ROWS + 1:
            errors.append(RowError(line, str(_("Too many rows (at most 10,000)."))))
            break
        cells = csvcells.unescape_row(v.strip() for v in values)  # a cell like '-2 → -2
        row = dict(zip(header, cells, strict=False))
        row["metric"] = METRIC_ALIASES.get(row.get("metric", "").lower(), row.get("metric", ""))
        row["value"] = row.get("value", "").replace(" ", "")
        form = ManualMetricForm(row)
        if not form.is_valid():
            errors.append(RowError(line, _row_message(form)))
            continue
        key = tuple(form.cleaned_data[k] for k in ("metric", "day", "channel", "stage"))
        if key in seen:
            message = _("Same date, metric, channel and stage as row %(row)s.") % {"row": seen[key]}
            errors.append(RowError(line, str(message)))
            continue
        seen[key] = line
        rows.append(form.cleaned_data)
    return rows, errors


def _row_message(form: ManualMetricForm) -> str:
    parts = []
    for name, field_errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in field_errors)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


class PeriodForm(forms.Form):
    """The period picker: a month, a quarter or two dates; empty means the last 30 days."""

    period = forms.CharField(
        label=_("Period"),
        required=False,
        help_text=_("A month (2026-10), a quarter (2026-Q4) or leave empty and choose dates."),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=IsoDateInput(),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=IsoDateInput(),
    )
    campaign = forms.CharField(label=_("Campaign"), required=False, max_length=120)

    def period_or(self, today: date) -> periods.Period:
        """The chosen period, or the 30 days up to ``today`` when nothing (valid) is chosen."""
        if not self.is_valid():
            return periods.last_days(today, 30)
        data = self.cleaned_data
        if data["period"]:
            try:
                return periods.parse(data["period"])
            except ValueError:
                return periods.last_days(today, 30)
        if data["start"] and data["end"] and data["start"] <= data["end"]:
            return periods.Period(data["start"], data["end"])
        return periods.last_days(today, 30)


class ReportScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportSchedule
        fields = ["recipients", "frequency", "language", "campaign"]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 3})}

    def clean_recipients(self) -> str:
        text = self.cleaned_data["recipients"]
        addresses = ReportSchedule(recipients=text).recipient_list()
        if not addresses:
            raise forms.ValidationError(_("Enter at least one e-mail address."))
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(address)s is not a valid e-mail address.") % {"address": address}
                ) from None
        return "\n".join(addresses)


class ReportRequestForm(forms.Form):
    period = forms.CharField(label=_("Period"), initial="", max_length=30)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)
    campaign = forms.CharField(label=_("Campaign"), required=False, max_length=120)

    def clean_period(self) -> periods.Period:
        try:
            return periods.parse(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(
                _("Use a month (2026-10), a quarter (2026-Q4) or 2026-10-01..2026-10-15.")
            ) from None


# The evaluated value becomes the strategy objective's result: a decimal of 14 digits, 2 after
# the point. A larger number would be stored by SQLite and then fail every page that reads it.
RESULT_LIMIT = 10**12 - 0.01


class EvaluationForm(forms.Form):
    value = forms.FloatField(
        label=_("Evaluated value"),
        required=False,
        min_value=-RESULT_LIMIT,
        max_value=RESULT_LIMIT,
        help_text=_("Filled in with the measured value; correct it if you know better."),
    )
    reached = forms.BooleanField(label=_("Target reached"), required=False)
    learnings = forms.CharField(
        label=_("Learnings"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
