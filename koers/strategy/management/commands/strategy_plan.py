"""``koers strategy_plan SLUG``: export a cycle's plan document, or its completeness as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from koers.core.access import scoped
from koers.core.models import Workspace
from koers.strategy import plan, status
from koers.strategy.models import Cycle, CycleStatus


class Command(BaseCommand):
    help = "Write the plan document of a strategy cycle (PDF, HTML or Markdown)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", help="workspace address (slug)")
        parser.add_argument("--cycle", type=int, help="cycle id (default: the active cycle)")
        parser.add_argument("--format", choices=("pdf", "html", "md"), default="pdf")
        parser.add_argument("--lang", choices=plan.LANGUAGES, help="default: report language")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument(
            "--json", action="store_true", help="print the completeness of each model as JSON"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"no workspace {options['workspace']!r}")
        cycles = scoped(Cycle.objects, workspace)
        chosen = (
            cycles.filter(pk=options["cycle"])
            if options["cycle"]
            else cycles.filter(status=CycleStatus.ACTIVE)
        ).first()
        if chosen is None:
            raise CommandError("no such cycle (and no active cycle) in this workspace")
        cycle = status.prefetched(cycles, chosen.pk)
        language = plan.language_for(workspace, options["lang"])
        if options["json"]:
            self.stdout.write(json.dumps(completeness(cycle, language), indent=2))
            return
        content: bytes
        if options["format"] == "pdf":
            content = plan.render_pdf(None, cycle, language)
        elif options["format"] == "html":
            content = plan.render_html(None, cycle, language, pdf=True).encode()
        else:
            content = plan.render_markdown(cycle, language).encode()
        if options["output"]:
            Path(options["output"]).write_bytes(content)
            self.stderr.write(f"wrote {options['output']} ({len(content)} bytes)")
        else:
            sys.stdout.buffer.write(content)


def completeness(cycle: Cycle, language: str) -> dict[str, Any]:
    with translation.override(language):
        report = status.cycle_report(cycle)
        return {
            "workspace": cycle.workspace.slug,
            "cycle": {"id": cycle.pk, "name": cycle.name, "status": cycle.status},
            "decision": cycle.decision or None,
            "models": [
                {
                    "key": row.key,
                    "done": row.done,
                    "locked": row.locked,
                    "missing": [status.pick(r.message) for r in row.reasons],
                    "warnings": [status.pick(r.message) for r in row.warnings],
                }
                for row in status.completeness(report)
            ],
        }
