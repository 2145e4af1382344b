"""Import of CSV/JSONL exports from other listening tools, in three explicit steps.

1. :func:`read_table` — bytes → columns + rows (CSV with sniffed delimiter, UTF-8 with or
   without BOM; or JSON Lines, nested objects flattened as ``user.name``).
2. :func:`suggest_mapping` — guesses which column holds the text, author, date, … from
   common names in English and Dutch. The caller shows it and lets the user correct it.
3. :func:`import_rows` — every row becomes either an :class:`IncomingPost` or one or more
   :class:`RowError` (row number, column, reason). No row is ever dropped silently:
   ``len(posts) + len(rows with errors) == total_rows`` always holds.

Row numbers are what a person sees in a spreadsheet: in a CSV the header is row 1 and the
first data row is row 2; in JSONL the first line is row 1.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from koers.networks import csvcells
from koers.networks.base import IncomingPost
from koers.networks.text import find_hashtags, find_urls, plain_text

FIELDS = ("text", "author", "author_name", "date", "url", "network", "lang", "id")
REQUIRED = ("text",)
# Column names other tools use, lower-case, for suggest_mapping (first match wins).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "content",
        "message",
        "body",
        "full_text",
        "snippet",
        "tekst",
        "bericht",
        "inhoud",
        "post",
        "mention",
    ),
    "author": (
        "author",
        "handle",
        "username",
        "user",
        "screen_name",
        "user.screen_name",
        "author.handle",
        "account",
        "auteur",
        "gebruiker",
        "from",
    ),
    "author_name": (
        "author_name",
        "name",
        "display_name",
        "user.name",
        "author.name",
        "naam",
        "full_name",
    ),
    "date": (
        "date",
        "created_at",
        "createdat",
        "timestamp",
        "published",
        "published_at",
        "time",
        "datetime",
        "datum",
        "tijd",
        "posted",
    ),
    "url": ("url", "link", "permalink", "post_url", "uri"),
    "network": ("network", "source", "platform", "channel", "medium", "netwerk", "kanaal", "bron"),
    "lang": ("lang", "language", "taal", "locale"),
    "id": ("id", "post_id", "guid", "status_id", "tweet_id", "uid", "mention_id"),
}
MAX_FILE_BYTES = 200 * 1024 * 1024

# The networks a mention may come from: koers' own sources (mastodon, bluesky, rss), a file
# without a network column ("import"), and the networks of other tools' exports. Any other
# name becomes "other": an export of Facebook or TikTok posts is never refused for its network.
NETWORK_NAMES = (
    "mastodon",
    "bluesky",
    "rss",
    "import",
    "facebook",
    "instagram",
    "threads",
    "whatsapp",
    "x",
    "linkedin",
    "youtube",
    "tiktok",
    "news",
    "forum",
    "review",
    "other",
)
# Other spellings in exports (Coosto, OBI4wan, Brandwatch, Meltwater, spreadsheets by hand),
# compared without case, spaces, dots, dashes and underscores.
NETWORK_ALIASES = {
    "twitter": "x",
    "xcom": "x",
    "twittercom": "x",
    "tweet": "x",
    "tweets": "x",
    "fb": "facebook",
    "facebookcom": "facebook",
    "facebookpage": "facebook",
    "facebookpages": "facebook",
    "messenger": "facebook",
    "ig": "instagram",
    "insta": "instagram",
    "instagramcom": "instagram",
    "threadsnet": "threads",
    "threadscom": "threads",
    "wa": "whatsapp",
    "whatsappbusiness": "whatsapp",
    "li": "linkedin",
    "linkedincom": "linkedin",
    "yt": "youtube",
    "youtubecom": "youtube",
    "tiktokcom": "tiktok",
    "bsky": "bluesky",
    "bskyapp": "bluesky",
    "blueskysocial": "bluesky",
    "fediverse": "mastodon",
    "nieuws": "news",
    "onlinenews": "news",
    "nieuwssite": "news",
    "nieuwssites": "news",
    "forums": "forum",
    "fora": "forum",
    "reviews": "review",
    "recensie": "review",
    "recensies": "review",
    "beoordeling": "review",
    "beoordelingen": "review",
    "overig": "other",
    "overige": "other",
    "anders": "other",
}


def network_name(value: object, default: str = "import") -> str:
    """The network a file's cell names: one of :data:`NETWORK_NAMES`. Empty → ``default``;
    "Twitter" → "x", "FB" → "facebook", "Instagram.com" → "instagram"; unknown → "other"."""
    raw = str(value or "").strip().lower()
    if not raw:
        return default
    if raw in NETWORK_NAMES:
        return raw
    key = re.sub(r"[\s._-]+", "", raw.removeprefix("www."))
    if key in NETWORK_NAMES:
        return key
    return NETWORK_ALIASES.get(key, "other")


class FileFormatError(ValueError):
    """The file as a whole can't be read (not CSV/JSONL, not UTF-8, no header)."""


@dataclass(frozen=True, slots=True)
class Table:
    """Columns in file order and rows as (row number, {column: value})."""

    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    # Rows that could not even be split into columns (bad JSON line): row number → reason.
    unreadable: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """koers field → column name; ``None`` = not in this file."""

    text: str
    author: str | None = None
    author_name: str | None = None
    date: str | None = None
    url: str | None = None
    network: str | None = None
    lang: str | None = None
    id: str | None = None

    def column(self, name: str) -> str | None:
        column: str | None = getattr(self, name)
        return column


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    posts: tuple[IncomingPost, ...]
    errors: tuple[RowError, ...]
    total_rows: int
    rows_with_errors: int = field(default=0)


# ---------------------------------------------------------------------------------------------
# Step 1: read
# ---------------------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheet exports on Windows are often cp1252. Almost any byte sequence decodes
        # as cp1252, so it is only tried after UTF-8 failed.
        return data.decode("cp1252", errors="strict")


def _flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping):
            flat.update(_flatten(item, f"{name}."))
        elif isinstance(item, list):
            flat[name] = json.dumps(item, ensure_ascii=False)
        elif item is None:
            flat[name] = ""
        else:
            flat[name] = str(item)
    return flat


def _read_jsonl(text: str) -> Table:
    columns: dict[str, None] = {}
    rows: list[tuple[int, dict[str, str]]] = []
    unreadable: list[tuple[int, str]] = []
    # split("\n"), not splitlines(): JSON strings may hold a raw U+2028, which splitlines()
    # would treat as a line break and so cut one record in two.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            unreadable.append((number, f"not valid JSON ({error.msg} at character {error.pos})"))
            continue
        if not isinstance(value, dict):
            unreadable.append((number, "not a JSON object"))
            continue
        flat = _flatten(value)
        columns.update(dict.fromkeys(flat))
        rows.append((number, flat))
    return Table(tuple(columns), tuple(rows), tuple(unreadable))


def _read_csv(text: str) -> Table:
    sample = text[:20_000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise FileFormatError("The file is empty.") from None
    columns = tuple(name.strip() for name in header)
    if not any(columns):
        raise FileFormatError("The first row holds no column names.")
    rows: list[tuple[int, dict[str, str]]] = []
    unreadable: list[tuple[int, str]] = []
    row_number = 1
    for values in reader:
        row_number += 1
        if not any(v.strip() for v in values):
            continue  # blank line: not a row (reported nowhere because it holds nothing)
        if len(values) != len(columns):
            unreadable.append((row_number, f"{len(values)} values for {len(columns)} columns"))
            continue
        rows.append((row_number, dict(zip(columns, csvcells.unescape_row(values), strict=True))))
    return Table(columns, tuple(rows), tuple(unreadable))


def read_table(data: bytes, filename: str = "") -> Table:
    """Parse a CSV or JSONL export (chosen by extension, else by the first character)."""
    if len(data) > MAX_FILE_BYTES:
        raise FileFormatError(f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise FileFormatError("The file is neither UTF-8 nor Windows-1252 text.") from None
    lower = filename.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")) or (
        not lower.endswith((".csv", ".tsv", ".txt")) and text.lstrip().startswith("{")
    ):
        return _read_jsonl(text)
    return _read_csv(text)


# ---------------------------------------------------------------------------------------------
# Step 2: map
# ---------------------------------------------------------------------------------------------
def suggest_mapping(columns: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    """field → best-guess column (or None). A guess to show, never applied unasked."""
    by_lower = {c.lower().strip(): c for c in columns}
    suggestion: dict[str, str | None] = {}
    taken: set[str] = set()
    for name in FIELDS:
        suggestion[name] = None
        for synonym in _SYNONYMS[name]:
            column = by_lower.get(synonym)
            if column is not None and column not in taken:
                suggestion[name] = column
                taken.add(column)
                break
    return suggestion


def mapping_from(choice: Mapping[str, str | None], columns: tuple[str, ...]) -> ColumnMapping:
    """Validate a user's field → column choice; raises ``ValueError`` naming the problem."""
    unknown = [f for f in choice if f not in FIELDS]
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(unknown)}.")
    for name, column in choice.items():
        if column is not None and column not in columns:
            raise ValueError(f"Column {column!r} (for {name}) is not in the file.")
    for name in REQUIRED:
        if not choice.get(name):
            raise ValueError(f"Choose the column that holds the {name}.")
    return ColumnMapping(**{k: v for k, v in choice.items() if v is not None})


# ---------------------------------------------------------------------------------------------
# Step 3: import
# ---------------------------------------------------------------------------------------------
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%a %b %d %H:%M:%S %z %Y",  # Twitter/X exports
)
_EPOCH = re.compile(r"^\d{9,13}(\.\d+)?$")


def local_to_utc(wall: datetime, zone: tzinfo) -> datetime:
    """A naive wall-clock time in ``zone`` → the aware UTC instant, across clock changes.

    A time that occurs twice (the autumn change: 02:30 in Amsterdam is first +02:00, then
    +01:00) is the first of the two, as an export sorted by time reads it; a time that does
    not exist (the spring change skips 02:00–03:00) moves forward by the gap (02:30 → 03:30
    summer time), as a clock would show it. ``zoneinfo``'s ``fold=0`` does both.
    """
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def parse_date(value: str, assume: tzinfo = UTC) -> datetime:
    """ISO 8601, common European formats, or Unix seconds/milliseconds → aware UTC.

    Day-first for slashes and dashes (Dutch and most exports outside the US); a date without
    an offset is read in ``assume`` (see :func:`local_to_utc`). Raises ``ValueError`` with a
    readable reason.
    """
    value = value.strip()
    if _EPOCH.match(value):
        number = float(value)
        return datetime.fromtimestamp(number / 1000 if number > 1e11 else number, tz=UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for pattern in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, pattern)  # noqa: DTZ007 - zone added below
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"unrecognised date {value!r}") from None
    if parsed.tzinfo is None:
        return local_to_utc(parsed, assume)
    return parsed.astimezone(UTC)


def _stable_id(network: str, url: str, author: str, created: datetime | None, text: str) -> str:
    """Same post in a re-import → same id, so the caller's dedupe drops it: by network and
    address when the row has one, else by author, time (as an instant; none when the file has
    no dates) and text."""
    if url:
        key = "\x1f".join(("url", network, url))
    else:
        when = created.astimezone(UTC).isoformat() if created is not None else ""
        key = "\x1f".join(("post", network, author, when, text))
    return f"import:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def _row_post(
    row: dict[str, str],
    mapping: ColumnMapping,
    *,
    default_network: str,
    assume: tzinfo,
    imported_at: datetime,
) -> tuple[IncomingPost | None, list[tuple[str | None, str]]]:
    problems: list[tuple[str | None, str]] = []

    def get(name: str) -> str:
        column = mapping.column(name)
        return (row.get(column) or "").strip() if column else ""

    # Other tools export HTML as often as plain text, and a cell does not say which.
    text, html_links = plain_text(get("text"))
    if not text:
        problems.append((mapping.text, "text is empty"))
    created = imported_at
    if mapping.date:
        raw_date = get("date")
        if not raw_date:
            problems.append((mapping.date, "date is empty"))
        else:
            try:
                created = parse_date(raw_date, assume)
            except ValueError as error:
                problems.append((mapping.date, str(error)))
    url = get("url")
    if url and not re.match(r"^https?://\S+$", url, re.IGNORECASE):
        problems.append((mapping.url, f"not a web address: {url[:80]!r}"))
    lang = get("lang").lower() or None
    if lang and not re.match(r"^[a-z]{2,3}([-_][a-z0-9]{2,8})*$", lang):
        problems.append((mapping.lang, f"not a language code: {lang[:20]!r}"))
    if problems:
        return None, problems
    network = network_name(get("network"), default_network)
    author = get("author")
    remote_id = get("id") or _stable_id(
        network, url, author, created if mapping.date else None, text
    )
    return IncomingPost(
        network=network,
        remote_id=remote_id,
        url=url,
        author_handle=author,
        author_name=get("author_name") or author,
        text=text,
        lang=lang.replace("_", "-") if lang else None,
        created_at=created,
        links=tuple(dict.fromkeys([*html_links, *(u for _s, _e, u in find_urls(text))])),
        hashtags=tuple(dict.fromkeys(t.lower() for _s, _e, t in find_hashtags(text))),
    ), []


def import_rows(
    table: Table,
    mapping: ColumnMapping,
    *,
    default_network: str = "import",
    assume_timezone: tzinfo = UTC,
) -> ImportResult:
    """Every row → a post or its errors; duplicates of an id earlier in the file are errors.

    Without a date column the import time is used as ``created_at``.
    """
    imported_at = datetime.now(UTC)
    posts: list[IncomingPost] = []
    errors = [RowError(number, None, reason) for number, reason in table.unreadable]
    failed_rows = {number for number, _ in table.unreadable}
    first_seen: dict[tuple[str, str], int] = {}
    for number, row in table.rows:
        post, problems = _row_post(
            row,
            mapping,
            default_network=default_network,
            assume=assume_timezone,
            imported_at=imported_at,
        )
        if post is not None:
            key = (post.network, post.remote_id)
            if key in first_seen:
                problems = [(mapping.id, f"same post as row {first_seen[key]}")]
            else:
                first_seen[key] = number
                posts.append(post)
        if problems:
            failed_rows.add(number)
            errors.extend(RowError(number, column, reason) for column, reason in problems)
    errors.sort(key=lambda e: e.row)
    return ImportResult(
        posts=tuple(posts),
        errors=tuple(errors),
        total_rows=len(table.rows) + len(table.unreadable),
        rows_with_errors=len(failed_rows),
    )


def iter_errors_as_csv(errors: tuple[RowError, ...]) -> Iterator[str]:
    """The error report as CSV lines (row,column,reason) for download next to the import."""
    buffer = io.StringIO()
    writer = csvcells.writer(buffer)
    writer.writerow(("row", "column", "reason"))
    for error in errors:
        writer.writerow((error.row, error.column or "", error.reason))
    yield from buffer.getvalue().splitlines(keepends=True)
