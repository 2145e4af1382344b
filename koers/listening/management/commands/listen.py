"""``koers listen [--workspace W] [--once]``: run the listening sources in the foreground.

Without ``--once`` it streams every Jetstream source (one thread each) and polls the pollable
sources when they are due, until Ctrl-C. ``--once`` polls every due source one time and exits
(``--json`` prints what happened).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from koers.core.models import Workspace
from koers.listening import sources
from koers.listening.models import Source, SourceKind, SourceStatus


class Command(BaseCommand):
    help = "Run the listening sources in the foreground (Ctrl-C stops)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="only this workspace (address)")
        parser.add_argument("--once", action="store_true", help="poll due sources once, then exit")
        parser.add_argument("--interval", type=float, default=15.0, help="seconds between checks")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace_id = None
        if options["workspace"]:
            workspace = Workspace.objects.filter(slug=options["workspace"]).first()
            if workspace is None:
                raise CommandError(f"no workspace with the address {options['workspace']!r}")
            workspace_id = workspace.pk
        if options["once"]:
            polled = sources.poll_due(workspace_id)
            summary = {"polled": polled}
            self.stdout.write(json.dumps(summary) if options["json"] else f"polled {polled}")
            return
        self._run_forever(workspace_id, options["interval"])

    def _run_forever(self, workspace_id: int | None, interval: float) -> None:
        stop = threading.Event()
        streams = Source.objects.filter(kind=SourceKind.BLUESKY_JETSTREAM).exclude(
            status__in=(SourceStatus.PAUSED, SourceStatus.BROKEN)
        )
        if workspace_id is not None:
            streams = streams.filter(workspace_id=workspace_id)
        threads = [
            threading.Thread(target=_stream, args=(s, stop), name=f"jetstream-{s.pk}", daemon=True)
            for s in streams.select_related("workspace")
        ]
        for thread in threads:
            thread.start()
        self.stderr.write(f"listening: {len(threads)} stream(s); polling every {interval:.0f}s")
        try:
            while not stop.is_set():
                polled = sources.poll_due(workspace_id)
                if polled:
                    self.stderr.write(f"polled {polled} source(s)")
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stderr.write("stopping…")
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=100)


def _stream(source: Source, stop: threading.Event) -> None:
    try:
        sources.run_jetstream(source, stop)
    finally:
        connection.close()
