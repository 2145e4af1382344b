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
items are drafts: they still need approval before they can be published. The file is read line
by line, twice (check, then store), so a large file never sits in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
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
#: Row errors listed in the report; more are counted only (a wrong file can have 100,000 rows).
MAX_REPORTED_ERRORS = 100
#: The largest file the import form accepts (README, Configuration).
MAX_IMPORT_BYTES = 10 * 1024 * 1024


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
    errors: list[tuple[int, str]] = field(default_factory=list)
    imported: int = 0
    #: Bad rows beyond the first MAX_REPORTED_ERRORS: counted, not listed.
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, number: int, reason: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((number, reason))
        else:
            self.more_errors += 1


class FileError(ValueError):
    """The file as a whole can't be read (not UTF-8, not CSV); nothing is imported."""


def _records(binary: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(number, cells) of each non-blank row, read line by line from the file (never whole).

    Raises :class:`FileError` when the file is not UTF-8 or a row is not CSV.
    """
    stream = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        sample = stream.read(4096)
        stream.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.reader(stream, delimiter=delimiter)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise FileError(
                    _(
                        "Row %(row)d can't be read as CSV: a quote is out of place or a cell is"
                        " longer than 128 KB."
                    )
                    % {"row": number + 1}
                ) from None
            if any(c.strip() for c in cells):
                number += 1
                # Cells koers' own export escaped against formula injection get their text back.
                yield number, csvcells.unescape_row(cells)
    except UnicodeDecodeError:
        raise FileError(_("The file is not UTF-8 text. Save it as CSV (UTF-8).")) from None
    finally:
        stream.detach()  # the caller's file stays open (a second pass reads it again)


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


def _lookups(workspace: Workspace) -> dict:
    return {
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


def rows(
    workspace: Workspace, binary: IO[bytes], *, default_category: str = "promotion"
) -> Iterator[Row | tuple[int, str]]:
    """Each row of the file checked: a :class:`Row`, or (row number, reason) for a bad row.
    Reads the file once, line by line; raises :class:`FileError` for an unreadable file."""
    lookups = _lookups(workspace)
    own = False
    empty = True
    for number, cells in _records(binary):
        empty = False
        if number == 1 and [c.strip().lower() for c in cells][:1] == ["title"]:
            own = True
            continue
        try:
            yield (
                _own_row(number, cells, lookups, default_category)
                if own
                else _bulk_row(number, cells, default_category)
            )
        except ValueError as error:
            yield number, str(error)
    if empty:
        yield 0, _("The file has no rows.")


def import_file(
    workspace: Workspace,
    actor: AbstractBaseUser,
    data: bytes | IO[bytes],
    *,
    only_valid: bool = False,
    default_category: str = "promotion",
) -> Report:
    """Check every row, then (when all are valid, or ``only_valid``) store the valid ones as
    drafts in one transaction. Two passes over the file, so memory stays bounded whatever its
    size: the report keeps the first ``MAX_REPORTED_ERRORS`` errors and counts the rest."""
    binary = io.BytesIO(data) if isinstance(data, bytes) else data
    report = Report()
    options = {"default_category": default_category}
    try:
        for result in rows(workspace, binary, **options):
            if isinstance(result, tuple):
                report.add_error(*result)
        if report.errors and not only_valid:
            return report
        binary.seek(0)
        with transaction.atomic():
            for result in rows(workspace, binary, **options):
                if isinstance(result, Row):
                    _save(workspace, actor, result)
                    report.imported += 1
    except FileError as error:
        return Report(errors=[(0, str(error))])
    return report


def _save(workspace: Workspace, actor: AbstractBaseUser, row: Row) -> None:
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
