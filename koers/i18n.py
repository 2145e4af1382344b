"""Build and check koers' translations without GNU gettext at run time.

``python -m koers.i18n compile`` turns every ``django.po`` (koers/locale and each app's locale)
into its ``.mo`` (by ``make run`` and ``make test``; .mo files are build output, not committed).
``python -m koers.i18n check`` fails when a Dutch entry is missing, empty or fuzzy, so Dutch stays
complete, and when two catalogues translate the same msgid (same msgctxt) differently: Django merges
all catalogues into one, so only one of the two would ever be shown, everywhere. One word gets one
translation; a word with two meanings gets a ``pgettext`` context per meaning. Extracting new
strings uses Django's ``makemessages`` (needs GNU gettext, a dev tool).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Conflict:
    """One msgid (in one context and language) with more than one translation."""

    msgid: str
    msgctxt: str | None
    translations: dict[str, list[Path]]
    """Each translation → the catalogues that use it."""


def _language(po_path: Path) -> str:
    # .../locale/<language>/LC_MESSAGES/django.po
    return po_path.parent.parent.name


def _translation(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return " | ".join(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
    return entry.msgstr


def conflicting_translations(paths: Sequence[Path]) -> list[Conflict]:
    """Msgids that two catalogues of one language translate differently, in file order.

    Untranslated, fuzzy and obsolete entries are left out: :func:`untranslated` reports those.
    """
    found: dict[tuple[str, str | None, str, str], dict[str, list[Path]]] = defaultdict(dict)
    for po_path in paths:
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
                continue
            key = (_language(po_path), entry.msgctxt, entry.msgid, entry.msgid_plural)
            found[key].setdefault(_translation(entry), []).append(po_path)
    return [
        Conflict(msgid, msgctxt, translations)
        for (_lang, msgctxt, msgid, _plural), translations in found.items()
        if len(translations) > 1
    ]


def _shown(path: Path) -> str:
    return (
        str(path.relative_to(PACKAGE_DIR.parent))
        if path.is_relative_to(PACKAGE_DIR.parent)
        else str(path)
    )


def check_all(paths: Sequence[Path] | None = None) -> int:
    """Print every problem to stderr; 1 when there is any, else 0."""
    files = po_files() if paths is None else list(paths)
    status = 0
    for po_path in files:
        missing = untranslated(po_path)
        if missing:
            status = 1
            print(f"{po_path}: {len(missing)} untranslated or fuzzy entries:", file=sys.stderr)
            for msgid in missing[:20]:
                print(f"  {msgid!r}", file=sys.stderr)
    conflicts = conflicting_translations(files)
    for conflict in conflicts:
        context = f" (context {conflict.msgctxt!r})" if conflict.msgctxt is not None else ""
        print(f"{conflict.msgid!r}{context} is translated differently:", file=sys.stderr)
        for text, files in conflict.translations.items():
            print(f"  {text!r} in {', '.join(_shown(f) for f in files)}", file=sys.stderr)
    if conflicts:
        status = 1
        print(
            "Django merges the catalogues, so only one translation would be shown everywhere: "
            "choose one, or give each meaning its own pgettext context.",
            file=sys.stderr,
        )
    return status


def main(argv: list[str]) -> int:
    commands = {"compile": compile_all, "check": check_all}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m koers.i18n compile|check", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
