from __future__ import annotations

import json
import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand

from koers.privacy import backup
from koers.privacy.management.commands.backup import fail


class Command(BaseCommand):
    help = "Restore a koers backup into an empty database and data folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="An archive written by `koers backup`.")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, file: str, as_json: bool, **options) -> None:
        try:
            result = backup.restore(Path(file))
        except backup.BackupError as exc:
            fail(self, exc.code, exc.message, as_json)
        except (OSError, tarfile.TarError) as exc:
            fail(self, "file.error", f"could not restore the backup: {exc}", as_json)
        m = result.manifest
        if as_json:
            payload = {
                "ok": True,
                "manifest": m,
                "migrated": result.migrated,
                "notes": result.notes,
            }
            self.stdout.write(json.dumps(payload))
            return
        for note in result.notes:
            self.stderr.write(f"note: {note}")
        self.stdout.write(
            f"restored the backup of {m['created_at']} (koers {m['koers_version']}, "
            f"{m['database_vendor']}, {m['media_files']} media files)"
            + (f"; applied {len(result.migrated)} newer migrations" if result.migrated else "")
        )
