"""``koers report --workspace W --period 2026-10 --format pdf|html|csv -o FILE [--lang nl|en]``.

Writes the period report (the same one the web page and the e-mail use) to FILE. The period is
a month (2026-10), a quarter (2026-Q4) or a range (2026-10-01..2026-10-15). ``--lang`` defaults
to the workspace's report language.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from koers.core.models import Workspace
from koers.measurement import periods, report


class Command(BaseCommand):
    help = "Write the measurement report of a period as PDF, HTML or CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workspace", required=True, help="Workspace address (slug).")
        parser.add_argument("--period", required=True, help="2026-10, 2026-Q4 or D..D")
        parser.add_argument("--format", dest="output", choices=report.FORMATS, default="pdf")
        parser.add_argument("-o", "--output-file", dest="path", required=True)
        parser.add_argument("--lang", choices=["nl", "en"])
        parser.add_argument("--campaign", default="")

    def handle(self, *args, workspace, period, output, path, lang, campaign, **options) -> None:
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None:
            raise CommandError(f"no workspace {workspace!r}")
        try:
            chosen = periods.parse(period)
        except ValueError as error:
            raise CommandError(str(error)) from None
        language = lang or found.language
        target = Path(path)
        if output == "pdf":
            target.write_bytes(report.render_pdf(found, chosen, language, campaign))
        elif output == "csv":
            target.write_text(report.render_csv(found, chosen, language, campaign), "utf-8")
        else:
            target.write_text(report.render_html(found, chosen, language, campaign), "utf-8")
        self.stdout.write(f"{target} ({output}, {language}, {chosen})")
