"""A small bilingual (English/Dutch) message catalogue for textkit's user-facing errors.

textkit imports no Django, so it cannot use ``gettext`` catalogues of the project. The Django
layer shows these messages to people (for example when an optional backend is missing), so
both languages are kept complete here; :func:`message` picks one and fills in the fields.
"""

from __future__ import annotations

from typing import Final

# Every key has both languages; tests check that the placeholders agree.
CATALOGUE: Final[dict[str, dict[str, str]]] = {
    "backend_not_installed": {
        "en": (
            "The sentiment backend '{backend}' is not installed: the Python package "
            "'{package}' is missing. Install it with: pip install {requirement}"
        ),
        "nl": (
            "De sentimentmodule '{backend}' is niet geïnstalleerd: het Python-pakket "
            "'{package}' ontbreekt. Installeer het met: pip install {requirement}"
        ),
    },
    "unknown_backend": {
        "en": "Unknown sentiment backend '{backend}'. Choose one of: {choices}.",
        "nl": "Onbekende sentimentmodule '{backend}'. Kies uit: {choices}.",
    },
    "head_missing": {
        "en": (
            "The classifier head file '{path}' is missing; run: python -m koers.textkit.train_head"
        ),
        "nl": (
            "Het bestand '{path}' met de classificatiekop ontbreekt; draai: "
            "python -m koers.textkit.train_head"
        ),
    },
    "bad_head": {
        "en": "The classifier head could not be read: {reason}.",
        "nl": "De classificatiekop kon niet worden gelezen: {reason}.",
    },
    "hint_length": {
        "en": "lang_hint has {hints} entries but there are {texts} texts.",
        "nl": "lang_hint heeft {hints} waarden maar er zijn {texts} teksten.",
    },
    "too_few_examples": {
        "en": (
            "Too few labelled examples to learn from: '{label}' has {count}, at least "
            "{min_count} per label are needed."
        ),
        "nl": (
            "Te weinig gelabelde voorbeelden om van te leren: '{label}' heeft er {count}, "
            "er zijn er minstens {min_count} per label nodig."
        ),
    },
    "too_few_labels": {
        "en": "At least two different labels are needed to learn from; got: {labels}.",
        "nl": (
            "Er zijn minstens twee verschillende labels nodig om van te leren; gekregen: {labels}."
        ),
    },
    "unknown_label": {
        "en": "Unknown label '{label}' on line {line}. Expected one of: {choices}.",
        "nl": "Onbekend label '{label}' op regel {line}. Verwacht een van: {choices}.",
    },
    "missing_column": {
        "en": "Column '{column}' not found in {path}. Columns present: {columns}.",
        "nl": "Kolom '{column}' niet gevonden in {path}. Aanwezige kolommen: {columns}.",
    },
    "file_not_found": {
        "en": "File not found: {path}.",
        "nl": "Bestand niet gevonden: {path}.",
    },
    "bad_encoding": {
        "en": "Cannot read {path}: it is not UTF-8, UTF-8 with BOM or Windows-1252 text.",
        "nl": "Kan {path} niet lezen: het is geen UTF-8-, UTF-8-met-BOM- of Windows-1252-tekst.",
    },
    "bad_label_map": {
        "en": "--label-map must be a JSON object of label to positive/neutral/negative: {reason}.",
        "nl": (
            "--label-map moet een JSON-object van label naar "
            "positive/neutral/negative zijn: {reason}."
        ),
    },
    "bad_json_line": {
        "en": "Line {line} of {path} is not a JSON object.",
        "nl": "Regel {line} van {path} is geen JSON-object.",
    },
    "unknown_format": {
        "en": (
            "Cannot tell the format of {path}: use a .csv, .tsv, .txt "
            "(tab-separated) or .jsonl file."
        ),
        "nl": (
            "Onbekend formaat van {path}: gebruik een .csv-, .tsv-, .txt- "
            "(tabgescheiden) of .jsonl-bestand."
        ),
    },
    "empty_file": {
        "en": "{path} contains no rows to evaluate.",
        "nl": "{path} bevat geen rijen om te evalueren.",
    },
}

LANGUAGES: Final = ("en", "nl")


def message(key: str, language: str = "en", **fields: object) -> str:
    """Return message ``key`` in ``language`` (``en`` or ``nl``; anything else falls back to
    English) with ``fields`` filled in. An unknown key raises ``KeyError``: that is a bug."""
    texts = CATALOGUE[key]
    return texts.get(language, texts["en"]).format(**fields)


class TextkitError(Exception):
    """An error whose message exists in English and Dutch.

    ``str(error)`` is English (for logs and the CLI); the Django layer calls
    ``error.translated("nl")`` to show it to a Dutch-speaking user.
    """

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        self.fields = fields
        super().__init__(message(key, "en", **fields))

    def translated(self, language: str) -> str:
        """The message in ``language`` (``en`` or ``nl``)."""
        return message(self.key, language, **self.fields)


class BackendUnavailable(TextkitError):
    """An optional backend cannot run because a package or a data file is missing."""


class InputError(TextkitError, ValueError):
    """Bad input from a person: a file, a column, a label, too few examples."""
