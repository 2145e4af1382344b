from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand

from koers.privacy import backup


class Command(BaseCommand):
    help = "Write one consistent archive of the database and media files (safe while koers runs)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The archive to write (e.g. koers-2026-12-01.tar.gz).")
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="Also store the secret key and the encryption keys (keep such archives apart).",
        )
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, file: str, include_keys: bool, as_json: bool, **options) -> None:
        try:
            result = backup.create(Path(file), include_keys=include_keys)
        except backup.BackupError as exc:
            fail(self, exc.code, exc.message, as_json)
        except (OSError, tarfile.TarError) as exc:
            fail(self, "file.error", f"could not write the backup: {exc}", as_json)
        for note in result.notes:
            self.stderr.write(note)
        m = result.manifest
        if as_json:
            self.stdout.write(json.dumps({"ok": True, "file": str(Path(file).resolve()), **m}))
        else:
            self.stdout.write(
                f"backup written to {file}: {m['database_vendor']} database, "
                f"{m['media_files']} media files, koers {m['koers_version']}"
                + (", with keys" if include_keys else "")
            )


def fail(command: BaseCommand, code: str, message: str, as_json: bool) -> None:
    """One line (or one JSON object), exit code 2, never a traceback."""
    if as_json:
        problem = {"level": "error", "code": code, "message": message}
        command.stdout.write(json.dumps({"ok": False, "problems": [problem]}))
    else:
        command.stderr.write(f"koers: {message}")
    sys.exit(2)
