"""CSV import and export of content items.

Two import formats, told apart by the first row:

* **Bulk schedule** (the common format of scheduling tools): no header; columns
  ``date-time, message[, link]``. Date-times as ``2026-03-29 09:00``, ``29-03-2026 09:00`` or
  ``29/03/2026 09:00`` (day first), in the workspace's time zone.
* **koers CSV** (what the export writes): a header row starting with ``title``; columns
  ``title, date, time, text, link, category, campaign, channels, objective, notes``;
  ``channels`` are channel names separated by ``|``, ``campaign`` is the campaign's code.

Files are UTF-8 (a BOM is fine), comma- or semicolon-separated. Every row is validated before
anything is stored; either all rows are imported, or (on request) only the valid ones. Imported
items are drafts: they still need approval before they can be published.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from koers.core.models import Workspace
from koers.networks import csvcells
from koers.publishing import actions
from koers.publishing.models import Campaign, Category, Channel, ContentItem
from koers.strategy.models import Objective

HEADER = [
    "title",
    "date",
    "time",
    "text",
    "link",
    "category",
    "campaign",
    "channels",
    "objective",
    "notes",
]
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M")
_url = URLValidator(schemes=["http", "https"])


@dataclass
class Row:
    number: int
    title: str
    day: date | None
    at: time | None
    text: str
    link: str = ""
    category: str = ""
    campaign: Campaign | None = None
    channels: list[Channel] = field(default_factory=list)
    objective: Objective | None = None
    notes: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text. Save it as CSV (UTF-8).")) from None


def _records(text: str) -> list[list[str]]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    # Cells koers' own export escaped against formula injection get their text back.
    return [
        csvcells.unescape_row(r)
        for r in csv.reader(io.StringIO(text), delimiter=delimiter)
        if any(c.strip() for c in r)
    ]


def _datetime(value: str) -> datetime:
    for pattern in DATETIME_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern)  # noqa: DTZ007 - wall clock, zone added later
        except ValueError:
            continue
    raise ValueError(value)


def _check_link(link: str) -> None:
    if link:
        try:
            _url(link)
        except ValidationError:
            raise ValueError(_("“%(link)s” is not a web address.") % {"link": link}) from None


def _bulk_row(number: int, cells: list[str], category: str) -> Row:
    if len(cells) not in (2, 3):
        raise ValueError(
            _("expected 2 or 3 columns (date-time, message, link), found %(n)d") % {"n": len(cells)}
        )
    try:
        moment = _datetime(cells[0])
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date and time like 2026-03-29 09:00") % {"value": cells[0]}
        ) from None
    text = cells[1].strip()
    if not text:
        raise ValueError(_("the message is empty"))
    link = cells[2].strip() if len(cells) == 3 else ""
    _check_link(link)
    return Row(number, text[:60], moment.date(), moment.time(), text, link, category)


def _own_row(number: int, cells: list[str], lookups: dict, category: str) -> Row:
    if len(cells) != len(HEADER):
        raise ValueError(
            _("expected %(want)d columns, found %(n)d") % {"want": len(HEADER), "n": len(cells)}
        )
    values = dict(zip(HEADER, (c.strip() for c in cells), strict=True))
    try:
        day = date.fromisoformat(values["date"]) if values["date"] or values["time"] else None
        at = time.fromisoformat(values["time"]) if day else None
    except ValueError:
        raise ValueError(_("date must look like 2026-03-29 and time like 09:00")) from None
    if not values["title"] or not values["text"]:
        raise ValueError(_("title and text are required"))
    _check_link(values["link"])
    chosen = values["category"] or category
    if chosen not in Category.values:
        raise ValueError(_("unknown category “%(value)s”") % {"value": chosen})
    campaign = None
    if values["campaign"]:
        campaign = lookups["campaigns"].get(values["campaign"])
        if campaign is None:
            raise ValueError(_("unknown campaign “%(value)s”") % {"value": values["campaign"]})
    channels = []
    for name in filter(None, (n.strip() for n in values["channels"].split("|"))):
        if name not in lookups["channels"]:
            raise ValueError(_("unknown channel “%(value)s”") % {"value": name})
        channels.append(lookups["channels"][name])
    return Row(
        number,
        values["title"],
        day,
        at,
        values["text"],
        values["link"],
        chosen,
        campaign,
        channels,
        _objective(values["objective"], lookups),
        values["notes"],
    )


def _objective(title: str, lookups: dict) -> Objective | None:
    """The workspace objective with this title (case-insensitive), or a row error."""
    if not title:
        return None
    found = lookups["objectives"].get(title.casefold())
    if found is None:
        raise ValueError(_("unknown objective “%(value)s”") % {"value": title})
    return found


def parse(workspace: Workspace, data: bytes, *, default_category: str = "promotion") -> Report:
    """Validate every row; the report lists (row number, reason) for each bad row."""
    report = Report()
    records = _records(_decode(data))
    own = bool(records) and [c.strip().lower() for c in records[0]][:1] == ["title"]
    lookups = {
        "campaigns": {c.slug: c for c in Campaign.objects.filter(workspace=workspace)},
        "channels": {c.name: c for c in Channel.objects.filter(workspace=workspace)},
        # Titles may repeat across cycles: the newest cycle's objective wins (later keys win).
        "objectives": {
            o.title.casefold(): o
            for o in Objective.objects.filter(workspace=workspace).order_by(
                "cycle__period_start", "pk"
            )
        },
    }
    for number, cells in enumerate(records, start=1):
        if own and number == 1:
            continue
        try:
            row = (
                _own_row(number, cells, lookups, default_category)
                if own
                else _bulk_row(number, cells, default_category)
            )
        except ValueError as error:
            report.errors.append((number, str(error)))
        else:
            report.rows.append(row)
    if not records:
        report.errors.append((0, _("The file has no rows.")))
    return report


def import_file(
    workspace: Workspace,
    actor: AbstractBaseUser,
    data: bytes,
    *,
    only_valid: bool = False,
    default_category: str = "promotion",
) -> Report:
    try:
        report = parse(workspace, data, default_category=default_category)
    except ValidationError as error:
        return Report(errors=[(0, error.messages[0])])
    if report.errors and not only_valid:
        return report
    with transaction.atomic():
        for row in report.rows:
            actions.save_item(
                workspace,
                actor,
                title=row.title,
                text=row.text,
                link=row.link,
                category=row.category,
                campaign=row.campaign,
                objective=row.objective,
                notes=row.notes,
                day=row.day,
                at=row.at,
                channel_texts={c.pk: "" for c in row.channels},
            )
            report.imported += 1
    return report


def export(workspace: Workspace, out: IO[str]) -> None:
    writer = csvcells.writer(out)
    writer.writerow(HEADER)
    items = (
        ContentItem.objects.filter(workspace=workspace)
        .select_related("campaign", "objective")
        .prefetch_related("deliveries__channel")
        .order_by("scheduled_at", "id")
    )
    for item in items:
        writer.writerow(
            [
                item.title,
                item.local_date.isoformat() if item.local_date else "",
                item.local_time.strftime("%H:%M") if item.local_time else "",
                item.text,
                item.link,
                item.category,
                item.campaign.slug if item.campaign else "",
                "|".join(d.channel.name for d in item.deliveries.all()),
                item.objective.title if item.objective else "",
                item.notes,
            ]
        )
