"""Errors and warnings about a survey, each in English and Dutch, by stable code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from koers.strategy.rules.reasons import format_in
from koers.strategy.technographics.ladder import Bilingual, Rung

MESSAGES: Mapping[str, Bilingual] = {
    "empty_file": {
        "en": "The file is empty.",
        "nl": "Het bestand is leeg.",
    },
    "undecodable": {
        "en": "The file can't be read as text (UTF-8 or Windows-1252). "
        "Save it as CSV from your spreadsheet program and try again.",
        "nl": "Het bestand is niet als tekst te lezen (UTF-8 of Windows-1252). "
        "Sla het in je spreadsheetprogramma op als CSV en probeer het opnieuw.",
    },
    "unreadable_row": {
        "en": "Row {row} can't be read as CSV: a cell is longer than 128 KB.",
        "nl": "Rij {row} is niet als CSV te lezen: een cel is langer dan 128 KB.",
    },
    "no_activity_columns": {
        "en": "None of the columns is a Technographics activity (for example publish_blog or "
        "watch_video). Found: {columns}.",
        "nl": "Geen enkele kolom is een Technographics-activiteit (bijvoorbeeld publish_blog of "
        "video's bekijken). Gevonden: {columns}.",
    },
    "duplicate_column": {
        "en": "Column “{column}” is the activity {activity}, which already has a column.",
        "nl": "Kolom ‘{column}’ is de activiteit {activity}, die al een kolom heeft.",
    },
    "wrong_field_count": {
        "en": "Row {row} has {found} fields; the header has {expected}.",
        "nl": "Rij {row} heeft {found} velden; de kopregel heeft er {expected}.",
    },
    "unknown_frequency": {
        "en": "Row {row}, column “{column}”: unknown frequency “{word}”. Use daily, weekly, "
        "monthly, less often or never (or dagelijks, wekelijks, maandelijks, minder vaak, nooit).",
        "nl": "Rij {row}, kolom ‘{column}’: onbekende frequentie ‘{word}’. Gebruik dagelijks, "
        "wekelijks, maandelijks, minder vaak of nooit (of daily, weekly, monthly, less often, "
        "never).",
    },
    "no_respondents": {
        "en": "The file has a header but no respondents.",
        "nl": "Het bestand heeft een kopregel maar geen respondenten.",
    },
    # Warnings (the file is still used).
    "no_answers": {
        "en": "Row {row} has no answers and is left out.",
        "nl": "Rij {row} heeft geen antwoorden en wordt overgeslagen.",
    },
    "duplicate_respondent": {
        "en": "Row {row}: respondent “{respondent}” appears more than once; both rows are counted.",
        "nl": "Rij {row}: respondent ‘{respondent}’ komt meer dan eens voor; "
        "beide rijen tellen mee.",
    },
    "unknown_column": {
        "en": "Column “{column}” is not a Technographics activity and is ignored.",
        "nl": "Kolom ‘{column}’ is geen Technographics-activiteit en wordt genegeerd.",
    },
    "unknown_rung": {
        "en": "{rung}: no columns in the survey, so this rung is unknown. Inactives are counted "
        "against the measured rungs only.",
        "nl": "{rung}: geen kolommen in de enquête, dus deze trede is onbekend. Inactieven zijn "
        "alleen geteld ten opzichte van de gemeten treden.",
    },
    "inactives_out_of_bounds": {
        "en": "Inactives ({inactives:.1f}%) is outside the possible range {low:.1f}–{high:.1f}% "
        "given the other rungs.",
        "nl": "Inactieven ({inactives:.1f}%) valt buiten het mogelijke bereik "
        "{low:.1f}–{high:.1f}% gezien de andere treden.",
    },
}
"""Message catalogue for errors and warnings, by code. Placeholders use str.format."""


def format_message(code: str, **params: object) -> dict[str, str]:
    return {lang: format_in(lang, text, **params) for lang, text in MESSAGES[code].items()}


class SurveyError(ValueError):
    """A survey file that can't be turned into a profile.

    ``row`` is 1-based with the header as row 1 (the row number a spreadsheet shows, as long as
    no cell contains a line break); ``column`` is the header name as written in the file.
    ``messages`` holds the explanation in English and Dutch; ``str(error)`` is the English one.
    """

    def __init__(
        self,
        code: str,
        *,
        row: int | None = None,
        column: str | None = None,
        word: str | None = None,
        **params: object,
    ) -> None:
        self.code = code
        self.row = row
        self.column = column
        self.word = word
        self.messages: dict[str, str] = format_message(
            code, row=row, column=column, word=word, **params
        )
        super().__init__(self.messages["en"])

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("en" or "nl"); English for an unknown language."""
        return self.messages.get(lang, self.messages["en"])


@dataclass(frozen=True)
class SurveyWarning:
    """Something the reader or the profile noticed that doesn't stop the analysis."""

    code: str
    message: Bilingual
    column: str | None = None
    rung: Rung | None = None
    row: int | None = None
