"""Build and check koers' translations without GNU gettext at run time.

``python -m koers.i18n compile`` turns every ``django.po`` (koers/locale and each app's locale)
into its ``.mo`` (by ``make run`` and ``make test``; .mo files are build output, not committed).
``python -m koers.i18n check`` fails when a Dutch entry is missing, empty or fuzzy, so Dutch stays
complete. Extracting new strings uses Django's ``makemessages`` (needs GNU gettext, a dev tool).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent


def po_files() -> list[Path]:
    """The project catalogue (koers/locale) and each app's own (koers/<app>/locale)."""
    return sorted(PACKAGE_DIR.glob("locale/*/LC_MESSAGES/django.po")) + sorted(
        PACKAGE_DIR.glob("*/locale/*/LC_MESSAGES/django.po")
    )


def compile_all() -> int:
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return 0


def untranslated(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po if not e.obsolete and ("fuzzy" in e.flags or not e.translated())]
    return missing


def check_all() -> int:
    status = 0
    for po_path in po_files():
        missing = untranslated(po_path)
        if missing:
            status = 1
            print(f"{po_path}: {len(missing)} untranslated or fuzzy entries:", file=sys.stderr)
            for msgid in missing[:20]:
                print(f"  {msgid!r}", file=sys.stderr)
    return status


def main(argv: list[str]) -> int:
    commands = {"compile": compile_all, "check": check_all}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m koers.i18n compile|check", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
