"""The browser import: an uploaded file is kept privately between the upload and the mapping
step (under ``KOERS_DATA_DIR/imports``, never served), then read by the same reader and
pipeline as ``koers import``, so both report the same row errors in the same words.

Life of a file: ``<token>.upload`` after step 1; :func:`claim` renames it to
``<token>.importing`` when the import starts (so only one import reads it, and the clean-up
leaves it alone); :func:`discard` removes it afterwards. Uploads whose import never started
are removed by :func:`remove_abandoned` after ``ABANDONED_AFTER``. File times are set from
koers' clock, so the clean-up and its tests agree on a file's age.
"""

from __future__ import annotations

import codecs
import io
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone

from koers.networks.files import FileFormatError, read_table, suggest_mapping

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 5
# The columns and the preview come from the first lines of the file; the import reads it all.
HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 64 * 1024
# An upload whose column mapping was never sent: the person left (or the session expired).
ABANDONED_AFTER = timedelta(hours=24)
# An import that claimed its file but never discarded it (the process died mid-import).
CRASHED_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Upload:
    token: str
    filename: str
    fmt: str
    columns: list[str]
    preview: list[list[str]]


def _dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def path_for(token: str, suffix: str = ".upload") -> Path:
    if not token.isalnum():
        raise FileNotFoundError(token)
    return _dir() / f"{token}{suffix}"


def _stamp(path: Path) -> None:
    moment = timezone.now().timestamp()
    os.utime(path, (moment, moment))


def store(data: bytes | IO[bytes], filename: str) -> Upload:
    """Read the columns from the start of the file (raises ``FileFormatError`` for unreadable
    files) and keep the file, as UTF-8, copied chunk by chunk: memory stays bounded whatever
    the file's size."""
    binary = io.BytesIO(data) if isinstance(data, bytes) else data
    binary.seek(0)
    head = binary.read(HEAD_BYTES)
    if b"\x00" in head[:65536]:  # a binary file (spreadsheet, archive), not text
        raise FileFormatError("binary file")
    if len(head) == HEAD_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]  # whole lines only: the rest is read later
    # The head is smaller than the csv module's field limit (128 KB), so no csv.Error here.
    table = read_table(head, filename)
    if not table.columns:
        raise FileFormatError("no columns")
    token = secrets.token_hex(16)
    path = path_for(token)
    try:
        _copy_as_utf8(binary, path)
    except FileFormatError:
        path.unlink(missing_ok=True)
        raise
    _stamp(path)
    # The same rule read_table used to read the columns: by extension, else by the first byte.
    lower = filename.lower()
    jsonl = lower.endswith((".jsonl", ".ndjson", ".json")) or (
        not lower.endswith((".csv", ".tsv", ".txt")) and head.lstrip()[:1] == b"{"
    )
    fmt = "jsonl" if jsonl else "csv"
    preview = [[row.get(c, "") for c in table.columns] for _n, row in table.rows[:PREVIEW_ROWS]]
    return Upload(token, filename, fmt, list(table.columns), preview)


def _copy_as_utf8(binary: IO[bytes], path: Path) -> None:
    """Copy ``binary`` to ``path``: as it is when it is UTF-8, else read as Windows-1252 (what
    read_table accepts too; Dutch Excel) and written as UTF-8, because the import reads UTF-8."""
    for encoding in ("utf-8", "cp1252"):
        binary.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("wb") as out:
                while chunk := binary.read(CHUNK_BYTES):
                    text = decoder.decode(chunk)
                    out.write(chunk if encoding == "utf-8" else text.encode("utf-8"))
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return
    raise FileFormatError("neither UTF-8 nor Windows-1252")


def suggested(columns: list[str]) -> dict[str, str]:
    """koers' best guess per field, as initial form values (``date`` is ``created_at`` here)."""
    guess = suggest_mapping(columns)
    renamed = {("created_at" if k == "date" else k): v for k, v in guess.items()}
    return {k: v for k, v in renamed.items() if v}


def claim(token: str) -> Path:
    """Take the upload for the import that starts now; ``FileNotFoundError`` when it is gone
    (cleaned up as abandoned, or already imported by a second click)."""
    claimed = path_for(token, ".importing")
    os.rename(path_for(token), claimed)  # atomic: one import wins, the clean-up skips it
    _stamp(claimed)
    return claimed


def discard(token: str) -> None:
    path_for(token).unlink(missing_ok=True)
    path_for(token, ".importing").unlink(missing_ok=True)


def remove_abandoned(now: datetime | None = None) -> int:
    """Remove uploads never imported within ``ABANDONED_AFTER`` (and files of imports that
    died over ``CRASHED_AFTER`` ago); returns how many files were removed."""
    moment = (now or timezone.now()).timestamp()
    limits = {
        ".upload": moment - ABANDONED_AFTER.total_seconds(),
        ".importing": moment - CRASHED_AFTER.total_seconds(),
    }
    removed = 0
    for path in _dir().iterdir():
        limit = limits.get(path.suffix)
        try:
            if limit is None or path.stat().st_mtime > limit:
                continue
            path.unlink()
        except FileNotFoundError:  # claimed or discarded meanwhile
            continue
        removed += 1
    if removed:
        logger.info("Removed %d abandoned import file(s)", removed)
    return removed
