"""Reading CSV/JSONL files of posts for ``koers import``: rows → IncomingPost, or a reason.

Why not ``koers.networks.files.import_rows``: it reads the whole file and returns every post
at once (fine for an upload in the browser); the CLI must stream files of hundreds of thousands
of rows with a progress bar at constant memory. Dates are parsed by the networks parser, so
both accept the same formats.

``read_posts(path, fmt, mapping)`` yields ``(row_number, IncomingPost | Rejected)``: a row that
can't be read is *reported*, never skipped. ``mapping`` maps koers' field names to the file's
column names (``{"text": "message"}``); unmapped fields use their own name.

Times without an offset are wall-clock times in ``zone`` (the workspace's time zone; DST-safe,
see :func:`local_to_utc`); a time with an offset or a Unix timestamp is an instant as it is.

A row without an id gets a stable one (:func:`derived_id`): from the network and the post's
address when it has one, else from author, time (as an instant) and text. Importing the same
file again — or another export of the same posts — stores nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, BinaryIO

from koers.listening.normalise import Rejected
from koers.networks import csvcells
from koers.networks.base import IncomingPost
from koers.networks.files import local_to_utc, network_name, parse_date
from koers.networks.text import plain_text

FIELDS = ("id", "text", "created_at", "author", "author_name", "url", "lang", "links", "network")
FORMATS = ("csv", "jsonl")
NETWORK = "import"


def parse_mapping(text: str) -> dict[str, str]:
    """ "text=message,created_at=date" → {"text": "message", "created_at": "date"}."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        field, sep, column = part.partition("=")
        # koers.networks.files calls the date field "date"; accept both names.
        field = "created_at" if field.strip() == "date" else field
        if not sep or field.strip() not in FIELDS or not column.strip():
            raise ValueError(f"{part!r}: use FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}")
        mapping[field.strip()] = column.strip()
    return mapping


def guess_format(path: Path) -> str:
    return "csv" if path.suffix.lower() in (".csv", ".tsv") else "jsonl"


def parse_time(value: Any, zone: tzinfo = UTC) -> datetime | None:
    """A Unix timestamp, or any date text ``koers.networks.files.parse_date`` reads (ISO 8601,
    day-first European formats, export formats); a time without an offset is read in
    ``zone``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        # The common case first, at C speed; the networks parser for everything else.
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            return parse_date(text, zone)
        except ValueError:
            return None
    return local_to_utc(moment, zone) if moment.tzinfo is None else moment


def derived_id(network: str, url: str, author: str, created: datetime, text: str) -> str:
    """The id of a row that has none: the same post gets the same id in every import.

    By network and address when the row has one (the address names the post), else by author,
    time (as a UTC instant, however the file writes it) and text."""
    if url:
        key = f"url\n{network}\n{url}"
    else:
        key = f"post\n{network}\n{author}\n{created.astimezone(UTC).isoformat()}\n{text}"
    return "row:" + hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def _links(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value if v)
    if isinstance(value, str) and value.strip():
        return tuple(v for v in value.replace(",", " ").split() if v)
    return ()


def row_to_post(
    row: Mapping[str, Any], mapping: Mapping[str, str], zone: tzinfo = UTC
) -> IncomingPost | Rejected:
    def get(field: str) -> Any:
        return row.get(mapping.get(field, field))

    text = get("text")
    created = parse_time(get("created_at"), zone)
    if not isinstance(text, str) or not text.strip():
        return Rejected("no_text")
    if created is None:
        return Rejected("bad_time")
    # Other tools export HTML as often as plain text, and a cell does not say which.
    text, html_links = plain_text(text)
    author = str(get("author") or "")
    url = str(get("url") or "")
    # Any network name: aliases ("Twitter" → "x") are mapped, unknown names become "other".
    network = network_name(get("network"), NETWORK)
    remote_id = get("id")
    if remote_id is None or str(remote_id).strip() == "":
        remote_id = derived_id(network, url, author, created, text)
    links = _links(get("links"))
    return IncomingPost(
        network=network,
        remote_id=str(remote_id),
        url=url,
        author_handle=author,
        author_name=str(get("author_name") or author),
        text=text,
        lang=str(get("lang")) if get("lang") else None,
        created_at=created,
        links=links + tuple(u for u in html_links if u not in links),
    )


def _jsonl_rows(stream: io.TextIOBase) -> Iterator[tuple[int, dict[str, Any] | None]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            yield number, None
            continue
        yield number, value if isinstance(value, dict) else None


def _csv_rows(stream: io.TextIOBase) -> Iterator[tuple[int, dict[str, Any] | None]]:
    sample = stream.read(4096)
    stream.seek(0)
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample.splitlines()[0] if sample else False:
        delimiter = "\t"
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error:
        yield reader.line_num, None  # no readable header: nothing after it can be read either
        return
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # A cell over the csv module's field limit (128 KB): the row is reported and the
            # reader goes on with the next line.
            yield reader.line_num, None
            continue
        if not values:
            continue  # a blank line, as csv.DictReader skips it
        # Extra values beyond the header are ignored, missing ones read as absent.
        row: dict[str, Any] = dict(zip(header, values, strict=False))
        # Row numbers as a spreadsheet shows them: the header is row 1.
        yield reader.line_num, row


def _unescaped(
    rows: Iterator[tuple[int, dict[str, Any] | None]],
) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """CSV cells koers' own export escaped against formula injection get their text back."""
    for number, row in rows:
        yield (
            number,
            row
            and {k: csvcells.unescape_cell(v) if isinstance(v, str) else v for k, v in row.items()},
        )


def read_posts(
    binary: BinaryIO, fmt: str, mapping: Mapping[str, str] | None = None, zone: tzinfo = UTC
) -> Iterator[tuple[str, IncomingPost | Rejected]]:
    """``(ref, post or Rejected)`` for every row of the file (see the module docstring);
    times without an offset are read in ``zone``."""
    stream = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")
    rows = _unescaped(_csv_rows(stream)) if fmt == "csv" else _jsonl_rows(stream)
    mapping = mapping or {}
    for number, row in rows:
        ref = f"row {number}"
        yield ref, Rejected("bad_row") if row is None else row_to_post(row, mapping, zone)
