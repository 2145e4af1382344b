"""The one exception of the query language and its bilingual message catalogue.

Contract: every problem with a query raises :class:`QueryError` with a stable ``code`` (see
:data:`MESSAGES`), the 0-based character ``position`` in the query where the problem is, and a
``message(lang)`` in English (``"en"``) or Dutch (``"nl"``). Messages show the position 1-based
("character 5") because that is how people count; the attribute stays 0-based for programs.
"""

from __future__ import annotations

from typing import Final

#: code → {"en": template, "nl": template}. Templates may use {col} (1-based position) and
#: the parameters given to the error ({op}, {name}, {term}, {side}, {example}).
MESSAGES: Final[dict[str, dict[str, str]]] = {
    "empty_query": {
        "en": "The query is empty: type at least one search term.",
        "nl": "De zoekopdracht is leeg: typ minstens één zoekterm.",
    },
    "unbalanced_parenthesis": {
        "en": "Unbalanced parenthesis at character {col}: every '(' needs a matching ')'.",
        "nl": "Haakjes kloppen niet bij teken {col}: bij elk '(' hoort een ')'.",
    },
    "unbalanced_quote": {
        "en": 'The quote at character {col} is never closed: end the phrase with a second ".',
        "nl": "Het aanhalingsteken bij teken {col} wordt niet gesloten: sluit de woordgroep af"
        ' met een tweede ".',
    },
    "missing_operand": {
        "en": "A search term is missing {side} {op} at character {col}.",
        "nl": "Er ontbreekt een zoekterm {side} {op} bij teken {col}.",
    },
    "near_without_number": {
        "en": "{op} at character {col} needs a distance in words, for example {op}/3.",
        "nl": "{op} bij teken {col} heeft een afstand in woorden nodig, bijvoorbeeld {op}/3.",
    },
    "bad_near_operand": {
        "en": "{op} at character {col} can only join words, phrases or (… OR …) groups of them.",
        "nl": "{op} bij teken {col} kan alleen woorden, woordgroepen of groepen als (… OR …)"
        " daarvan verbinden.",
    },
    "unknown_field": {
        "en": 'Unknown field "{name}:" at character {col}. Use lang:, author:, network:, site:'
        " or country:, or put the text between quotes.",
        "nl": 'Onbekend veld "{name}:" bij teken {col}. Gebruik lang:, author:, network:, site:'
        " of country:, of zet de tekst tussen aanhalingstekens.",
    },
    "bad_field_value": {
        "en": 'The field "{name}:" at character {col} needs a valid value, for example {example}.',
        "nl": 'Het veld "{name}:" bij teken {col} heeft een geldige waarde nodig,'
        " bijvoorbeeld {example}.",
    },
    "no_positive_term": {
        "en": "The part of the query at character {col} uses only NOT or fields, so it would"
        " match posts without any search term: the whole stream. Add at least one search term"
        " that must occur (a word, phrase or hashtag).",
        "nl": "Het deel van de zoekopdracht bij teken {col} bestaat alleen uit NOT of velden en"
        " zou dus berichten zonder zoekterm vinden: de hele stroom. Voeg minstens één zoekterm"
        " toe die moet voorkomen (een woord, woordgroep of hashtag).",
    },
    "wildcard_prefix": {
        "en": 'The wildcard "{term}" at character {col} needs at least 3 letters or digits'
        " before the *.",
        "nl": 'Het jokerteken in "{term}" bij teken {col} heeft minstens 3 letters of cijfers'
        " vóór de * nodig.",
    },
    "empty_group": {
        "en": "The parentheses at character {col} are empty.",
        "nl": "De haakjes bij teken {col} zijn leeg.",
    },
    "empty_phrase": {
        "en": "The phrase between quotes at character {col} contains no words.",
        "nl": "De woordgroep tussen aanhalingstekens bij teken {col} bevat geen woorden.",
    },
    "bad_proximity": {
        "en": 'The ~ after the phrase at character {col} needs a number, for example "a b"~3.',
        "nl": 'De ~ na de woordgroep bij teken {col} heeft een getal nodig, bijvoorbeeld "a b"~3.',
    },
    "too_deep": {
        "en": "The query nests parentheses and NOT more than {limit} levels deep at character"
        " {col}: simplify it.",
        "nl": "De zoekopdracht nest haakjes en NOT meer dan {limit} niveaus diep bij teken {col}:"
        " maak hem eenvoudiger.",
    },
}

#: Words used inside messages that need translating themselves.
_SIDES: Final[dict[str, dict[str, str]]] = {
    "before": {"en": "before", "nl": "vóór"},
    "after": {"en": "after", "nl": "na"},
}

LANGUAGES: Final = ("en", "nl")


class QueryError(ValueError):
    """A query that cannot be parsed or would be unsafe to run.

    ``code`` is a key of :data:`MESSAGES`; ``position`` is the 0-based character index in the
    query; ``params`` fill the message template; ``topic_id`` is set by
    :func:`koers.query.compile_topics` to say which topic's query failed.
    """

    def __init__(self, code: str, position: int, **params: str) -> None:
        if code not in MESSAGES:
            raise KeyError(f"unknown query error code {code!r}")
        self.code = code
        self.position = position
        self.params = params
        self.topic_id: object | None = None
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The error as one sentence in ``lang`` ("en" or "nl"; anything else gives English)."""
        if lang not in LANGUAGES:
            lang = "en"
        params = dict(self.params)
        if "side" in params:
            params["side"] = _SIDES[params["side"]][lang]
        return MESSAGES[self.code][lang].format(col=self.position + 1, **params)

    def __repr__(self) -> str:
        return f"QueryError({self.code!r}, position={self.position})"
