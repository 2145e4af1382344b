from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from koers.core.checks import describe_database, run_all


class Command(BaseCommand):
    help = "Validate koers' configuration and database and print clear problems."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the result as JSON."
        )

    def handle(self, *args, as_json: bool = False, **options) -> None:
        problems = run_all()
        errors = [p for p in problems if p.level == "error"]
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": not errors,
                        "database": describe_database(),
                        "problems": [p.as_dict() for p in problems],
                    }
                )
            )
        else:
            self.stdout.write(f"database: {describe_database()}")
            for problem in problems:
                self.stdout.write(f"{problem.level}: {problem.message}")
            if not problems:
                self.stdout.write(self.style.SUCCESS("everything looks fine"))
        if errors:
            raise CommandError(f"{len(errors)} problem(s) found", returncode=1)
