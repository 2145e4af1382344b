"""Evaluation of sentiment backends and language detectors on labelled files.

Contract of :func:`metrics`: ``accuracy`` over all rows; ``macro_f1`` and ``macro_recall``
averaged over the labels present in the *gold* data (a binary positive/negative set is thus
judged on two classes, and every "neutral" prediction counts as an error); ``per_class`` holds
precision/recall/F1/support for every label seen in gold or predictions; ``confusion`` is
``{gold: {predicted: count}}``; ``texts_per_second`` is the backend's throughput on the file
(including language detection, excluding file reading).

Files: CSV (``.csv``), tab-separated (``.tsv``, ``.txt``) with a header row, or JSON Lines
(``.jsonl``, ``.ndjson``), decoded as UTF-8, then UTF-8 with BOM, then Windows-1252.
Sentiment labels: positive/neutral/negative, pos/neu/neg, 1/0/-1 (and +1); any other scheme
(such as 0/1/2 or stars) needs a label map. Language labels: ISO 639-1 codes; codes outside
nl/en/de/fr/es and "unknown"/"und"/"other" all count as "unknown".
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from koers.textkit.language import LANGUAGES, UNKNOWN, detect_languages
from koers.textkit.messages import InputError
from koers.textkit.sentiment import analyse, normalise_lang

SENTIMENT_LABELS: Final = ("positive", "neutral", "negative")
_SENTIMENT_ALIASES: Final[dict[str, str]] = {
    "positive": "positive", "pos": "positive", "1": "positive", "+1": "positive",
    "neutral": "neutral", "neu": "neutral", "0": "neutral",
    "negative": "negative", "neg": "negative", "-1": "negative",
}  # fmt: skip
ENCODINGS: Final = ("utf-8", "utf-8-sig", "cp1252")


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled example; ``line`` is the 1-based line of the file it ends on."""

    line: int
    text: str
    label: str


def decode(path: Path) -> str:
    """The text of ``path`` in the first of :data:`ENCODINGS` that decodes it."""
    if not path.is_file():
        raise InputError("file_not_found", path=str(path))
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Plain UTF-8 also decodes a BOM file, keeping the BOM; that is UTF-8-with-BOM.
        return text.removeprefix("\ufeff")
    raise InputError("bad_encoding", path=str(path))


def read_rows(path: Path, text_column: str, label_column: str) -> list[tuple[int, str, str]]:
    """``(line, text, raw label)`` for every record of a CSV, TSV or JSONL file."""
    content = decode(path)
    suffix = path.suffix.lower()
    rows: list[tuple[int, str, str]] = []
    if suffix in (".jsonl", ".ndjson"):
        for number, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError("bad_json_line", line=number, path=str(path)) from error
            if not isinstance(record, dict):
                raise InputError("bad_json_line", line=number, path=str(path))
            for column in (text_column, label_column):
                if column not in record:
                    raise InputError(
                        "missing_column", column=column, path=f"{path} (line {number})",
                        columns=", ".join(sorted(record)) or "-",
                    )  # fmt: skip
            rows.append((number, str(record[text_column]), str(record[label_column])))
        return rows
    if suffix == ".csv":
        delimiter = ","
    elif suffix in (".tsv", ".txt", ".tab"):
        delimiter = "\t"
    else:
        raise InputError("unknown_format", path=str(path))
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter)
    columns = reader.fieldnames or []
    for column in (text_column, label_column):
        if column not in columns:
            raise InputError(
                "missing_column", column=column, path=str(path), columns=", ".join(columns) or "-"
            )
    for record in reader:
        rows.append((reader.line_num, record[text_column] or "", record[label_column] or ""))
    return rows


def parse_label_map(raw: str | None) -> dict[str, str]:
    """``--label-map`` JSON (``{"4": "positive", "2": "neutral", "0": "negative"}``)."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputError("bad_label_map", reason=str(error)) from error
    if not isinstance(value, dict):
        raise InputError("bad_label_map", reason="not a JSON object")
    out: dict[str, str] = {}
    for key, target in value.items():
        label = _SENTIMENT_ALIASES.get(str(target).strip().lower())
        if label is None:
            raise InputError("bad_label_map", reason=f"'{key}' maps to unknown label '{target}'")
        out[str(key).strip().lower()] = label
    return out


def sentiment_label(raw: str, line: int, label_map: Mapping[str, str] | None = None) -> str:
    """Normalise one gold sentiment label; :class:`InputError` names the label and line."""
    key = raw.strip().lower()
    if label_map and key in label_map:
        return label_map[key]
    label = _SENTIMENT_ALIASES.get(key)
    if label is None:
        choices = "positive/neutral/negative, pos/neu/neg, 1/0/-1"
        if label_map:
            choices += ", or the label map's " + ", ".join(sorted(label_map))
        raise InputError("unknown_label", label=raw, line=line, choices=choices)
    return label


def language_label(raw: str, line: int) -> str:
    """Normalise one gold language label ("nl", "NL", "nl-BE" → "nl"; "it" → "unknown")."""
    key = raw.strip().lower()
    if key in (UNKNOWN, "und", "other", "xx"):
        return UNKNOWN
    code = normalise_lang(key)
    if code is None or not (len(code) == 2 and code.isalpha()):
        choices = ", ".join((*LANGUAGES, UNKNOWN)) + " or another ISO 639-1 code"
        raise InputError("unknown_label", label=raw, line=line, choices=choices)
    return code if code in LANGUAGES else UNKNOWN


def read_sentiment_file(
    path: Path,
    text_column: str = "text",
    label_column: str = "label",
    label_map: Mapping[str, str] | None = None,
) -> list[Row]:
    """Labelled sentiment rows of ``path`` (labels normalised)."""
    rows = [
        Row(line, text, sentiment_label(raw, line, label_map))
        for line, text, raw in read_rows(path, text_column, label_column)
    ]
    if not rows:
        raise InputError("empty_file", path=str(path))
    return rows


def read_language_file(
    path: Path, text_column: str = "text", label_column: str = "lang"
) -> list[Row]:
    """Labelled language rows of ``path`` (labels normalised)."""
    rows = [
        Row(line, text, language_label(raw, line))
        for line, text, raw in read_rows(path, text_column, label_column)
    ]
    if not rows:
        raise InputError("empty_file", path=str(path))
    return rows


def metrics(gold: Sequence[str], predicted: Sequence[str], seconds: float) -> dict[str, Any]:
    """Scores of ``predicted`` against ``gold`` (see the module docstring)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    n = len(gold)
    labels = sorted(set(gold) | set(predicted))
    per_class: dict[str, dict[str, float | int]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        predicted_n = sum(1 for p in predicted if p == label)
        support = sum(1 for g in gold if g == label)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4), "support": support,
        }  # fmt: skip
    gold_labels = sorted(set(gold))
    confusion = {g: {p: 0 for p in labels} for g in gold_labels}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1

    def macro(key: str) -> float:
        values = [float(per_class[label][key]) for label in gold_labels]
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "n": n,
        "accuracy": round(sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / n, 4)
        if n
        else 0.0,
        "macro_f1": macro("f1"),
        "macro_recall": macro("recall"),
        "per_class": per_class,
        "confusion": confusion,
        "texts_per_second": round(n / seconds, 1) if seconds > 0 else None,
    }


def evaluate_sentiment(
    rows: Sequence[Row], lang: str | None = None, backend: str = "lexicon", batch_size: int = 256
) -> dict[str, Any]:
    """Run ``backend`` on the rows (``lang`` as the hint for all, or detected) and score it."""
    texts = [r.text for r in rows]
    predicted: list[str] = []
    analyse(texts[:1], lang_hint=lang, backend=backend)  # load models outside the timed part
    start = time.perf_counter()
    for begin in range(0, len(texts), batch_size):
        chunk = texts[begin : begin + batch_size]
        predicted.extend(r.label for r in analyse(chunk, lang_hint=lang, backend=backend))
    seconds = time.perf_counter() - start
    return metrics([r.label for r in rows], predicted, seconds)


def evaluate_language(rows: Sequence[Row], detector: str | None = None) -> dict[str, Any]:
    """Run a language detector on the rows and score it."""
    texts = [r.text for r in rows]
    detect: Callable[[Sequence[str]], list[str]] = (
        (lambda batch: detect_languages(batch, detector)) if detector else detect_languages
    )
    detect(texts[:1])  # load the model outside the timed part
    start = time.perf_counter()
    # Gold labels name the five measured languages, anything else is "unknown": so are the
    # predictions (the detector itself keeps every language it knows).
    predicted = [lang if lang in LANGUAGES else UNKNOWN for lang in detect(texts)]
    seconds = time.perf_counter() - start
    return metrics([r.label for r in rows], predicted, seconds)
