"""Command line for trying queries: ``python -m koers.query.cli check|match …``.

``check QUERY [--lang en|nl]``
    Prints ``{"ok": true, "normalized": "…"}`` and exits 0, or
    ``{"ok": false, "error": "…", "code": "…", "position": n}`` and exits 2.
``match QUERY FILE.jsonl [--json] [--lang en|nl]``
    Reads one post object per line (``{"id", "text", …}``, see :class:`koers.query.Post`; blank
    lines are skipped; ``-`` reads standard input) and prints the ids of matching posts, one per
    line, or as one JSON array with ``--json``.
``match QUERY --text "…" [--json]``
    Matches a single text, whose id is ``"text"``: prints ``text`` when it matches.

Exit status of ``match`` follows grep: 0 when at least one post matched, 1 when none did,
2 for an invalid query or input (the message goes to standard error; a bad JSONL line is named
by its 1-based line number).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TextIO

from koers.query.errors import QueryError
from koers.query.matcher import Matcher, compile_query
from koers.query.normalize import normalize
from koers.query.post import Post, PostError

EXIT_MATCH = 0
EXIT_NO_MATCH = 1
EXIT_ERROR = 2

_LINE_ERROR = {
    "en": "{path}, line {line}: {problem}",
    "nl": "{path}, regel {line}: {problem}",
}
_FILE_ERROR = {
    "en": "Cannot read {path}: {problem}",
    "nl": "Kan {path} niet lezen: {problem}",
}
_BAD_JSON = {
    "en": "invalid JSON ({msg} at column {col})",
    "nl": "ongeldige JSON ({msg} in kolom {col})",
}
_NOT_AN_OBJECT = {
    "en": "expected one JSON object per line",
    "nl": "verwacht één JSON-object per regel",
}


class InputError(Exception):
    """A post file that cannot be read; the message is ready to show."""


def build_parser() -> argparse.ArgumentParser:
    """The argparse definition (exposed so the ``koers query`` command can reuse it)."""
    parser = argparse.ArgumentParser(
        prog="koers query", description="Check and try koers topic queries."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate a query and print its normal form")
    check.add_argument("query")
    check.add_argument("--lang", choices=("en", "nl"), default="en", help="message language")
    match = commands.add_parser("match", help="print the ids of posts that match a query")
    match.add_argument("query")
    source = match.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", help="JSONL file with one post per line, - for stdin")
    source.add_argument("--text", help="match this one text (its id is 'text')")
    match.add_argument("--json", action="store_true", help="print the ids as one JSON array")
    match.add_argument("--lang", choices=("en", "nl"), default="en", help="message language")
    return parser


def main(argv: list[str], stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    """Run the command line; returns the exit status instead of exiting (except on --help or
    a usage error, where argparse exits with status 0 or 2)."""
    args = build_parser().parse_args(argv)
    if args.command == "check":
        return _check(args.query, args.lang, stdout)
    return _match(args, stdout, stderr)


def _check(query: str, lang: str, stdout: TextIO) -> int:
    try:
        normalized = normalize(query)
    except QueryError as error:
        result: dict[str, object] = {
            "ok": False,
            "error": error.message(lang),
            "code": error.code,
            "position": error.position,
        }
        _print_json(result, stdout)
        return EXIT_ERROR
    _print_json({"ok": True, "normalized": normalized}, stdout)
    return EXIT_MATCH


def _match(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        matcher = compile_query(args.query)
    except QueryError as error:
        print(error.message(args.lang), file=stderr)
        return EXIT_ERROR
    if args.text is not None:
        matched: list[object] = ["text"] if matcher.matches(Post("text", args.text)) else []
    else:
        try:
            matched = _matching_ids(matcher, args.file, args.lang, None if args.json else stdout)
        except InputError as error:
            print(error, file=stderr)
            return EXIT_ERROR
    if args.json:
        _print_json(matched, stdout)
    elif args.text is not None:
        for post_id in matched:
            print(post_id, file=stdout)
    return EXIT_MATCH if matched else EXIT_NO_MATCH


def _matching_ids(matcher: Matcher, path: str, lang: str, stream: TextIO | None) -> list[object]:
    """Ids of matching posts in file order. When ``stream`` is given each id is also printed
    there as soon as it is found, so a large file streams instead of waiting for the end."""
    matched: list[object] = []
    for post in _read_posts(path, lang):
        if matcher.matches(post):
            matched.append(post.id)
            if stream is not None:
                print(_id_text(post.id), file=stream)
    return matched


def _read_posts(path: str, lang: str) -> Iterator[Post]:
    if path == "-":
        yield from _posts_in(sys.stdin, path, lang)
        return
    try:
        with open(path, encoding="utf-8") as handle:
            yield from _posts_in(handle, path, lang)
    except OSError as error:
        raise InputError(_FILE_ERROR[lang].format(path=path, problem=error.strerror)) from error


def _posts_in(handle: TextIO, path: str, lang: str) -> Iterator[Post]:
    number = 0
    try:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield _parse_line(line, path, number, lang)
    except UnicodeDecodeError as error:
        problem = f"not UTF-8 after line {number}"
        raise InputError(_FILE_ERROR[lang].format(path=path, problem=problem)) from error


def _parse_line(line: str, path: str, number: int, lang: str) -> Post:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        problem = _BAD_JSON[lang].format(msg=error.msg, col=error.colno)
        raise InputError(
            _LINE_ERROR[lang].format(path=path, line=number, problem=problem)
        ) from None
    if not isinstance(data, dict):
        problem = _NOT_AN_OBJECT[lang]
        raise InputError(_LINE_ERROR[lang].format(path=path, line=number, problem=problem))
    try:
        return Post.from_dict(data)
    except PostError as error:
        problem = error.message(lang)
        raise InputError(
            _LINE_ERROR[lang].format(path=path, line=number, problem=problem)
        ) from None


def _id_text(post_id: object) -> str:
    return post_id if isinstance(post_id, str) else json.dumps(post_id)


def _print_json(value: object, stdout: TextIO) -> None:
    print(json.dumps(value, ensure_ascii=False), file=stdout)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
