"""``koers rotatekeys``: re-encrypt every stored channel credential with the newest key.

Rotation: put a new Fernet key in front of ``KOERS_ENCRYPTION_KEYS`` (keep the old ones), run
``koers rotatekeys``, then remove the old key. (Django command names can't contain "-", hence
``rotatekeys`` rather than ``rotate-keys``.)
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from koers.core.crypto import DecryptionError
from koers.publishing.actions import rotate_credentials


class Command(BaseCommand):
    help = "Re-encrypt all stored channel credentials with the newest encryption key."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options) -> None:
        try:
            count = rotate_credentials()
        except DecryptionError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps({"channels": count}))
        else:
            self.stdout.write(f"Re-encrypted the credentials of {count} channel(s).")
