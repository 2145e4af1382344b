"""``koers technographics FILE.csv [--json] [--lang nl]``: print the profile of a survey file.

Also ``python -m koers.strategy.technographics``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from koers.strategy.technographics.messages import SurveyError
from koers.strategy.technographics.profile import profile_from_bytes
from koers.strategy.technographics.report import format_table, to_json


def main(argv: Sequence[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """``FILE.csv [--json] [--lang en|nl]``: print the profile. Exit 0, or 2 on a bad file.

    ``stdout``/``stderr`` default to the current ``sys.stdout``/``sys.stderr`` (looked up at call
    time so test capture works). Error messages go to ``stderr``.
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    parser = argparse.ArgumentParser(
        prog="technographics", description="Social Technographics profile of a survey file."
    )
    parser.add_argument("file", help="survey CSV (comma or semicolon, UTF-8 or Windows-1252)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--lang", choices=("en", "nl"), default="en")
    args = parser.parse_args(list(argv))
    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as error:
        print(f"{args.file}: {error.strerror or error}", file=err)
        return 2
    try:
        profile = profile_from_bytes(data)
    except SurveyError as error:
        print(f"{args.file}: {error.message(args.lang)}", file=err)
        return 2
    if args.json:
        json.dump(to_json(profile), out, indent=2)
        out.write("\n")
    else:
        out.write(format_table(profile, args.lang))
    return 0
