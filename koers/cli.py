"""The ``koers`` command: Django management with short names, plus the pure-Python tools.

``koers serve|worker|migrate|createuser|check|…`` run Django commands; ``koers query``,
``koers technographics``, ``koers eval`` and ``koers sentiment`` call pure packages directly
(no database needed). Configuration and database problems print one clear line, never a traceback.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

from koers import __version__

# koers subcommand → Django management command.
ALIASES = {"check": "koers_check"}

# Tools that need no Django at all: subcommand → module with ``main(argv) -> int``.
PURE_TOOLS = {
    "query": ("koers.query.cli", False),
    "technographics": ("koers.strategy.technographics.cli", False),
    "eval": ("koers.textkit.cli", True),
    "sentiment": ("koers.textkit.cli", True),
}


def _fail(message: str, as_json: bool, code: str) -> int:
    if as_json:
        problem = {"level": "error", "code": code, "message": message}
        print(json.dumps({"ok": False, "problems": [problem]}))
    else:
        print(f"koers: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["--version"], ["version"]):
        print(f"koers {__version__}")
        return 0
    if argv and argv[0] in PURE_TOOLS:
        module_name, keep_name = PURE_TOOLS[argv[0]]
        module = importlib.import_module(module_name)
        return module.main(argv if keep_name else argv[1:])
    if argv and argv[0] in ALIASES:
        argv[0] = ALIASES[argv[0]]
    as_json = "--json" in argv

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koers.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        return _fail(f"configuration problem: {exc}", as_json, "config.invalid")
    try:
        execute_from_command_line(["koers", *argv])
    except DatabaseError as exc:
        from koers.core.checks import describe_database

        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return _fail(
            f"database problem ({describe_database()}): {first_line}", as_json, "database.error"
        )
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
