"""Command line for textkit: evaluate on labelled files, or score one text.

    python -m koers.textkit.cli eval sentiment FILE [--text-column C] [--label-column L]
        [--lang nl] [--backend lexicon|embedding] [--label-map JSON] [--json]
    python -m koers.textkit.cli eval language FILE [--text-column C] [--label-column L]
        [--detector fasttext|lingua] [--json]
    python -m koers.textkit.cli sentiment "text" [--lang nl] [--backend B]

Exit status: 0 on success, 2 on bad input (missing file, undecodable file, missing column,
unknown label — the message names the label and the line) or a missing optional backend.
``main`` is what the project's ``koers`` command calls; it writes only to the given streams.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO

from koers.textkit.evaluate import (
    evaluate_language,
    evaluate_sentiment,
    parse_label_map,
    read_language_file,
    read_sentiment_file,
)
from koers.textkit.language import DEFAULT_DETECTOR
from koers.textkit.messages import TextkitError
from koers.textkit.sentiment import analyse, backend_names


class _ArgumentError(Exception):
    """argparse wants to exit; main() turns this into exit status 2 without SystemExit."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _ArgumentError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="koers textkit", description="Language detection and sentiment.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    evaluate = commands.add_parser("eval", help="evaluate on a labelled CSV, TSV or JSONL file")
    kinds = evaluate.add_subparsers(dest="kind", required=True, parser_class=_Parser)
    sentiment = kinds.add_parser("sentiment", help="labels positive/neutral/negative")
    sentiment.add_argument("file", type=Path)
    sentiment.add_argument("--text-column", default="text")
    sentiment.add_argument("--label-column", default="label")
    sentiment.add_argument("--lang", default=None, help="language of every text (else detected)")
    sentiment.add_argument("--backend", default="lexicon")
    sentiment.add_argument("--label-map", default=None, help='e.g. {"4":"positive","0":"negative"}')
    sentiment.add_argument("--json", action="store_true", help="print the metrics as JSON")
    language = kinds.add_parser("language", help="labels are ISO 639-1 codes or 'unknown'")
    language.add_argument("file", type=Path)
    language.add_argument("--text-column", default="text")
    language.add_argument("--label-column", default="lang")
    language.add_argument("--detector", default=DEFAULT_DETECTOR, choices=("fasttext", "lingua"))
    language.add_argument("--json", action="store_true", help="print the metrics as JSON")

    one = commands.add_parser("sentiment", help="score one text and print it as JSON")
    one.add_argument("text")
    one.add_argument("--lang", default=None)
    one.add_argument("--backend", default="lexicon")
    return parser


def _table(result: dict[str, Any]) -> str:
    lines = [
        f"n={result['n']}  accuracy={result['accuracy']:.3f}  macro_f1={result['macro_f1']:.3f}"
        f"  macro_recall={result['macro_recall']:.3f}  texts/s={result['texts_per_second']}",
        f"{'label':<10} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for label, row in result["per_class"].items():
        lines.append(
            f"{label:<10} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f}"
            f" {row['support']:>8}"
        )
    lines.append("confusion (rows gold, columns predicted): " + json.dumps(result["confusion"]))
    return "\n".join(lines)


def _run(args: argparse.Namespace, stdout: TextIO) -> None:
    if args.command == "sentiment":
        [analysed] = analyse([args.text], lang_hint=args.lang, backend=args.backend)
        stdout.write(json.dumps(dataclasses.asdict(analysed), ensure_ascii=False) + "\n")
        return
    if args.kind == "sentiment":
        if args.backend not in backend_names():
            raise TextkitError(
                "unknown_backend", backend=args.backend, choices=", ".join(backend_names())
            )
        rows = read_sentiment_file(
            args.file, args.text_column, args.label_column, parse_label_map(args.label_map)
        )
        result = evaluate_sentiment(rows, lang=args.lang, backend=args.backend)
    else:
        rows = read_language_file(args.file, args.text_column, args.label_column)
        result = evaluate_language(rows, detector=args.detector)
    stdout.write((json.dumps(result, ensure_ascii=False) if args.json else _table(result)) + "\n")


def main(argv: list[str], stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    """Run the command in ``argv`` (without the program name); return the exit status."""
    try:
        args = _parser().parse_args(argv)
        _run(args, stdout)
    except _ArgumentError as error:
        stderr.write(f"{error}\n")
        return 2
    except TextkitError as error:
        stderr.write(f"error: {error}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
