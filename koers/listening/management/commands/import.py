"""``koers import FILE --workspace W --source-name N``: run a CSV/JSONL file through the pipeline.

Shows a progress bar on stderr; ``--json`` prints the final summary (imported, duplicates,
unmatched, errors with row numbers) as one JSON object on stdout. Importing the same file again
imports nothing twice. Times without an offset are read in the workspace's time zone.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser

from koers.core.models import Workspace
from koers.listening import actions
from koers.listening.importing import FORMATS, guess_format, parse_mapping, read_posts
from koers.listening.normalise import reason
from koers.listening.pipeline import IngestReport


class Progress:
    """A one-line progress bar on stderr, driven by how far into the file the reader is."""

    def __init__(self, stream: Any, total_bytes: int, handle: Any, enabled: bool) -> None:
        self.stream, self.total, self.handle, self.enabled = stream, total_bytes, handle, enabled
        self.started = time.monotonic()

    def __call__(self, report: IngestReport) -> None:
        if not self.enabled:
            return
        # The reader closes the file when it reaches the end.
        done = self.total if self.handle.closed else min(self.handle.tell(), self.total)
        share = done / self.total if self.total else 1.0
        bar = "#" * int(share * 30)
        rate = report.received / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\r[{bar:<30}] {share:6.1%}  {report.received:,} rows  {rate:,.0f}/s"
            f"  stored {report.stored:,}  errors {report.failed:,}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import posts from a CSV or JSONL file into a workspace's listening."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--workspace", required=True, help="workspace address (slug)")
        parser.add_argument("--source-name", required=True, help="name of the file source")
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")
        parser.add_argument(
            "--map", default="", help="FIELD=COLUMN,… e.g. text=message,created_at=date"
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"no workspace with the address {options['workspace']!r}")
        try:
            mapping = parse_mapping(options["map"])
        except ValueError as error:
            raise CommandError(f"--map: {error}") from None
        fmt = options["format"] or guess_format(path)
        source = actions.file_source(workspace, None, options["source_name"])
        with path.open("rb") as handle:
            progress = Progress(
                sys.stderr, path.stat().st_size, handle, enabled=not options["no_progress"]
            )
            report = actions.import_posts(
                workspace,
                None,
                source,
                read_posts(handle, fmt, mapping, ZoneInfo(workspace.time_zone)),
                batch_size=options["batch_size"],
                on_batch=progress,
            )
            progress.close()
        self._summary(report, options["json"])

    def _summary(self, report: IngestReport, as_json: bool) -> None:
        summary = {
            "imported": report.stored,
            "duplicates": report.duplicates,
            "unmatched": report.unmatched,
            "received": report.received,
            "errors": [
                {"row": f["ref"], "code": f["reason"], "message": reason(f["reason"])}
                for f in report.failures
            ],
            "error_count": report.failed,
        }
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"imported {report.stored}, duplicates {report.duplicates}, "
            f"unmatched {report.unmatched}, errors {report.failed} (of {report.received} rows)"
        )
        for error in summary["errors"]:
            self.stdout.write(f"  {error['row']}: {error['message']}")
