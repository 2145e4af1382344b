"""The browser import: an uploaded file is kept privately between the upload and the mapping
step (under ``KOERS_DATA_DIR/imports``, never served), then read by the same reader and
pipeline as ``koers import``, so both report the same row errors in the same words."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from koers.networks.files import FileFormatError, read_table, suggest_mapping

PREVIEW_ROWS = 5


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


def path_for(token: str) -> Path:
    if not token.isalnum():
        raise FileNotFoundError(token)
    return _dir() / f"{token}.upload"


def store(data: bytes, filename: str) -> Upload:
    """Read the columns (raises ``FileFormatError`` for unreadable files) and keep the bytes."""
    if b"\x00" in data[:65536]:  # a binary file (spreadsheet, archive), not text
        raise FileFormatError("binary file")
    table = read_table(data, filename)
    if not table.columns:
        raise FileFormatError("no columns")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # read_table accepted it as Windows-1252 (Dutch Excel); the import reader reads UTF-8.
        data = data.decode("cp1252").encode("utf-8")
    token = secrets.token_hex(16)
    path_for(token).write_bytes(data)
    # The same rule read_table used to read the columns: by extension, else by the first byte.
    lower = filename.lower()
    jsonl = lower.endswith((".jsonl", ".ndjson", ".json")) or (
        not lower.endswith((".csv", ".tsv", ".txt")) and data.lstrip()[:1] == b"{"
    )
    fmt = "jsonl" if jsonl else "csv"
    preview = [[row.get(c, "") for c in table.columns] for _n, row in table.rows[:PREVIEW_ROWS]]
    return Upload(token, filename, fmt, list(table.columns), preview)


def suggested(columns: list[str]) -> dict[str, str]:
    """koers' best guess per field, as initial form values (``date`` is ``created_at`` here)."""
    guess = suggest_mapping(columns)
    renamed = {("created_at" if k == "date" else k): v for k, v in guess.items()}
    return {k: v for k, v in renamed.items() if v}


def discard(token: str) -> None:
    path_for(token).unlink(missing_ok=True)
