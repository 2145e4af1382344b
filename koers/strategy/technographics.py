"""Social Technographics (Li & Bernoff, Forrester): survey files → a rung profile.

Pure Python, no Django (see ARCHITECTURE.md, "Rule of the house"). DOMAIN.md §2 is the spec.

Contracts in one place:

* Rungs overlap: a respondent can be a Creator *and* a Spectator. Only Inactives is exclusive.
* Membership: Creators, Critics, Collectors, Joiners and Spectators need any of their activities
  at least **monthly**; Conversationalists need one at least **weekly**. Inactives are the
  respondents who are a member of none of the *measured* rungs.
* A rung whose activity columns are all absent from the survey is *unknown*: its members and
  percentage are ``None``, never 0. Inactives is then computed against the measured rungs only and
  the profile carries a warning saying so.
* Percentages are floats with full precision (``members / respondents * 100``); rounding to one
  decimal (half up) happens only when presenting (:func:`to_json`, :func:`format_table`).
* Every user-facing string exists in English and Dutch (``{"en": ..., "nl": ...}``).

Survey files (:func:`read_survey`): comma-, semicolon- or tab-separated (sniffed from the header
line), UTF-8 with or without BOM, or Windows-1252. Header names are the activity ids of
:data:`RUNG_ACTIVITIES`, the same words with spaces or hyphens ("publish blog"), or Dutch names
from :data:`DUTCH_HEADERS`. An optional respondent id column is recognised by the names in
:data:`ID_COLUMN_NAMES`. Other columns are ignored with a warning. Fully blank rows (Excel often
writes ``;;;;`` at the end) are skipped; a blank cell is "no answer" and does not make the
respondent a member through that activity.

Command line: ``python -m koers.strategy.technographics FILE.csv [--json] [--lang nl]``.
"""

from __future__ import annotations

import argparse
import csv
import enum
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO

Bilingual = Mapping[str, str]
"""A user-facing text in both product languages: ``{"en": ..., "nl": ...}``."""


class Frequency(enum.IntEnum):
    """How often a respondent does an activity. Ordinal: comparisons mean "at least"."""

    NEVER = 0
    LESS = 1
    MONTHLY = 2
    WEEKLY = 3
    DAILY = 4


class Rung(enum.StrEnum):
    """The seven rungs of the Social Technographics ladder (Conversationalists from 2010)."""

    CREATORS = "creators"
    CONVERSATIONALISTS = "conversationalists"
    CRITICS = "critics"
    COLLECTORS = "collectors"
    JOINERS = "joiners"
    SPECTATORS = "spectators"
    INACTIVES = "inactives"


ACTIVE_RUNGS: tuple[Rung, ...] = tuple(r for r in Rung if r is not Rung.INACTIVES)
"""The six rungs defined by activities, in ladder order."""

RUNG_ACTIVITIES: Mapping[Rung, tuple[str, ...]] = {
    Rung.CREATORS: (
        "publish_blog",
        "publish_webpage",
        "upload_video",
        "upload_audio",
        "write_articles",
    ),
    Rung.CONVERSATIONALISTS: ("update_status", "post_microblog"),
    Rung.CRITICS: ("post_reviews", "comment_blogs", "contribute_forums", "edit_wikis"),
    Rung.COLLECTORS: ("use_rss", "tag_content", "vote_websites"),
    Rung.JOINERS: ("maintain_profile", "visit_social_networks"),
    Rung.SPECTATORS: (
        "read_blogs",
        "watch_video",
        "listen_podcasts",
        "read_forums",
        "read_reviews",
    ),
}
"""Survey column ids per rung, exactly as DOMAIN.md §2."""

ACTIVITY_RUNG: Mapping[str, Rung] = {
    activity: rung for rung, activities in RUNG_ACTIVITIES.items() for activity in activities
}
ACTIVITY_IDS: frozenset[str] = frozenset(ACTIVITY_RUNG)

RUNG_THRESHOLD: Mapping[Rung, Frequency] = {
    Rung.CREATORS: Frequency.MONTHLY,
    # Forrester defined Conversationalists (2010) on weekly status updates: a monthly tweet
    # is not a conversation.
    Rung.CONVERSATIONALISTS: Frequency.WEEKLY,
    Rung.CRITICS: Frequency.MONTHLY,
    Rung.COLLECTORS: Frequency.MONTHLY,
    Rung.JOINERS: Frequency.MONTHLY,
    Rung.SPECTATORS: Frequency.MONTHLY,
}
"""Minimum frequency of any one activity that makes a respondent a member of the rung."""

RUNG_NAMES: Mapping[Rung, Bilingual] = {
    Rung.CREATORS: {"en": "Creators", "nl": "Creators (makers)"},
    Rung.CONVERSATIONALISTS: {"en": "Conversationalists", "nl": "Conversationalists (praters)"},
    Rung.CRITICS: {"en": "Critics", "nl": "Critics (critici)"},
    Rung.COLLECTORS: {"en": "Collectors", "nl": "Collectors (verzamelaars)"},
    Rung.JOINERS: {"en": "Joiners", "nl": "Joiners (deelnemers)"},
    Rung.SPECTATORS: {"en": "Spectators", "nl": "Spectators (toeschouwers)"},
    Rung.INACTIVES: {"en": "Inactives", "nl": "Inactives (inactieven)"},
}

# Keys are normalised with _normalise_word(); "less often" / "minder vaak" are the words on
# Forrester's questionnaires, "less" / "minder" the short forms in DOMAIN.md.
FREQUENCY_WORDS: Mapping[str, Frequency] = {
    "daily": Frequency.DAILY,
    "weekly": Frequency.WEEKLY,
    "monthly": Frequency.MONTHLY,
    "less": Frequency.LESS,
    "less often": Frequency.LESS,
    "never": Frequency.NEVER,
    "dagelijks": Frequency.DAILY,
    "wekelijks": Frequency.WEEKLY,
    "maandelijks": Frequency.MONTHLY,
    "minder": Frequency.LESS,
    "minder vaak": Frequency.LESS,
    "nooit": Frequency.NEVER,
}

DUTCH_HEADERS: Mapping[str, str] = {
    # creators
    "blog publiceren": "publish_blog",
    "blog schrijven": "publish_blog",
    "webpagina publiceren": "publish_webpage",
    "webpaginas publiceren": "publish_webpage",
    "eigen website bijhouden": "publish_webpage",
    "video uploaden": "upload_video",
    "videos uploaden": "upload_video",
    "audio uploaden": "upload_audio",
    "artikelen schrijven": "write_articles",
    "artikel schrijven": "write_articles",
    # conversationalists
    "status bijwerken": "update_status",
    "statusupdate plaatsen": "update_status",
    "microblog plaatsen": "post_microblog",
    "berichten op microblogs plaatsen": "post_microblog",
    # critics
    "reviews plaatsen": "post_reviews",
    "beoordelingen plaatsen": "post_reviews",
    "recensies schrijven": "post_reviews",
    "reageren op blogs": "comment_blogs",
    "bijdragen aan forums": "contribute_forums",
    "wikis bewerken": "edit_wikis",
    # collectors
    "rss gebruiken": "use_rss",
    "content taggen": "tag_content",
    "tags toevoegen": "tag_content",
    "stemmen op websites": "vote_websites",
    # joiners
    "profiel bijhouden": "maintain_profile",
    "profiel op sociaal netwerk bijhouden": "maintain_profile",
    "sociale netwerken bezoeken": "visit_social_networks",
    # spectators
    "blogs lezen": "read_blogs",
    "videos bekijken": "watch_video",
    "video kijken": "watch_video",
    "podcasts luisteren": "listen_podcasts",
    "naar podcasts luisteren": "listen_podcasts",
    "forums lezen": "read_forums",
    "reviews lezen": "read_reviews",
    "beoordelingen lezen": "read_reviews",
    "recensies lezen": "read_reviews",
}
"""Dutch column headers → activity ids. Keys are normalised: lower case, apostrophes removed
("video's" → "videos"), hyphens/underscores as spaces, whitespace collapsed. Extend freely."""

ID_COLUMN_NAMES: frozenset[str] = frozenset(
    {
        "id",
        "respondent",
        "respondent id",
        "respondentid",
        "respondent nr",
        "respondentnummer",
        "nr",
        "nummer",
    }
)
"""Normalised header names that mark the optional respondent id column."""

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


def _message(code: str, **params: object) -> dict[str, str]:
    return {lang: text.format(**params) for lang, text in MESSAGES[code].items()}


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
        self.messages: dict[str, str] = _message(code, row=row, column=column, word=word, **params)
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


# ---------------------------------------------------------------------------------------------
# Frequencies and membership


def _normalise_word(text: str) -> str:
    return " ".join(text.strip().lower().split())


class UnknownFrequencyError(ValueError):
    """Raised by :func:`parse_frequency` for a word that isn't a frequency."""


def parse_frequency(word: str) -> Frequency | None:
    """Parse an English or Dutch frequency word, ignoring case and extra whitespace.

    Returns ``None`` for a blank cell ("no answer"). Raises :class:`UnknownFrequencyError` for
    any other word, so a typo is never silently read as "never".
    """
    key = _normalise_word(word)
    if not key:
        return None
    try:
        return FREQUENCY_WORDS[key]
    except KeyError:
        raise UnknownFrequencyError(word) from None


def rungs_for(answers: Mapping[str, Frequency | None]) -> frozenset[Rung]:
    """The rungs a respondent belongs to, given their answers per activity id.

    Activities missing from ``answers`` (or answered blank) don't count. The result contains
    :attr:`Rung.INACTIVES` alone when no other rung applies; callers that know some rungs
    weren't measured must interpret that (see :func:`build_profile`).
    """
    member_of = {
        rung
        for rung in ACTIVE_RUNGS
        if any(
            (freq := answers.get(activity)) is not None and freq >= RUNG_THRESHOLD[rung]
            for activity in RUNG_ACTIVITIES[rung]
        )
    }
    return frozenset(member_of) if member_of else frozenset({Rung.INACTIVES})


# ---------------------------------------------------------------------------------------------
# Reading survey files


@dataclass(frozen=True)
class Respondent:
    """One survey row. ``answers`` has an entry for every activity column present in the file."""

    respondent_id: str | None
    answers: Mapping[str, Frequency | None]
    row: int


@dataclass(frozen=True)
class Survey:
    """A parsed survey file: which activity columns it has and every respondent's answers."""

    respondents: tuple[Respondent, ...]
    activity_columns: tuple[str, ...]
    id_column: str | None = None
    encoding: str = "utf-8"
    delimiter: str = ","
    warnings: tuple[SurveyWarning, ...] = ()


def _decode(data: bytes) -> tuple[str, str]:
    if not data.strip():
        raise SurveyError("empty_file")
    # A NUL byte means UTF-16 or a binary file (an .xlsx upload); cp1252 would "decode" it into
    # garbage, so refuse early with the helpful message.
    if b"\x00" in data:
        raise SurveyError("undecodable")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            raise SurveyError("undecodable") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows-1252 leaves five bytes undefined, so random binary data still fails here.
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise SurveyError("undecodable") from None


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter from the first non-blank line: the most frequent of ; , and tab.

    csv.Sniffer guesses from several lines and is easily fooled by free-text columns; header
    names almost never contain these characters, so counting them on the header is robust.
    Ties (including a one-column file) fall back to the comma.
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _normalise_header(name: str) -> str:
    text = name.strip().lower()
    for char in "'’‘`":
        text = text.replace(char, "")
    text = text.replace("_", " ").replace("-", " ")
    return " ".join(text.split())


_NORMALISED_DUTCH_HEADERS: Mapping[str, str] = {
    _normalise_header(k): v for k, v in DUTCH_HEADERS.items()
}


def map_header(name: str, header_map: Mapping[str, str] = DUTCH_HEADERS) -> str | None:
    """The activity id a column header stands for, or ``None``.

    Accepts the id itself ("publish_blog"), the id written with spaces or hyphens
    ("Publish blog"), or a name from ``header_map`` (normalised the same way).
    """
    key = _normalise_header(name)
    as_id = key.replace(" ", "_")
    if as_id in ACTIVITY_IDS:
        return as_id
    if header_map is DUTCH_HEADERS:
        return _NORMALISED_DUTCH_HEADERS.get(key)
    return {_normalise_header(k): v for k, v in header_map.items()}.get(key)


def read_survey(data: bytes, *, header_map: Mapping[str, str] = DUTCH_HEADERS) -> Survey:
    """Parse a survey file given as bytes. Raises :class:`SurveyError` on any problem.

    Errors: ``empty_file``, ``undecodable``, ``no_activity_columns``, ``duplicate_column``,
    ``wrong_field_count`` (fewer fields than the header, or extra non-blank fields),
    ``unknown_frequency`` and ``no_respondents``. Warnings on the result: ``unknown_column``,
    ``no_answers`` (a row whose activity cells are all blank is left out) and
    ``duplicate_respondent``.
    """
    text, encoding = _decode(data)
    delimiter = _sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    # Row numbers count from the first physical row; leading blank lines keep their numbers.
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if _has_content(row)]
    if not numbered:
        raise SurveyError("empty_file")
    header_row, header = numbered[0]

    warnings: list[SurveyWarning] = []
    activity_at: dict[int, str] = {}
    id_index: int | None = None
    for index, name in enumerate(header):
        if not name.strip():
            continue  # an unnamed trailing column from a spreadsheet export
        activity = map_header(name, header_map)
        if activity is not None:
            if activity in activity_at.values():
                raise SurveyError(
                    "duplicate_column", row=header_row, column=name, activity=activity
                )
            activity_at[index] = activity
        elif id_index is None and _normalise_header(name) in ID_COLUMN_NAMES:
            id_index = index
        else:
            warnings.append(
                SurveyWarning("unknown_column", _message("unknown_column", column=name), name)
            )
    if not activity_at:
        found = ", ".join(name for name in header if name.strip()) or "—"
        raise SurveyError("no_activity_columns", row=header_row, columns=found)

    respondents: list[Respondent] = []
    seen_ids: set[str] = set()
    for number, row in numbered[1:]:
        respondent = _read_row(number, row, header, activity_at, id_index)
        # A row with an id but no answers is someone who didn't fill in the survey; counting
        # them would inflate Inactives.
        if all(answer is None for answer in respondent.answers.values()):
            warnings.append(
                SurveyWarning("no_answers", _message("no_answers", row=number), row=number)
            )
            continue
        if respondent.respondent_id is not None:
            if respondent.respondent_id in seen_ids:
                warnings.append(
                    SurveyWarning(
                        "duplicate_respondent",
                        _message(
                            "duplicate_respondent", row=number, respondent=respondent.respondent_id
                        ),
                        row=number,
                    )
                )
            seen_ids.add(respondent.respondent_id)
        respondents.append(respondent)
    if not respondents:
        raise SurveyError("no_respondents", row=header_row)
    return Survey(
        respondents=tuple(respondents),
        activity_columns=tuple(activity_at.values()),
        id_column=header[id_index] if id_index is not None else None,
        encoding=encoding,
        delimiter=delimiter,
        warnings=tuple(warnings),
    )


def _has_content(row: Sequence[str]) -> bool:
    return any(cell.strip() for cell in row)


def _read_row(
    number: int,
    row: Sequence[str],
    header: Sequence[str],
    activity_at: Mapping[int, str],
    id_index: int | None,
) -> Respondent:
    # Spreadsheets sometimes pad rows with empty trailing fields; only real extra data counts.
    extra_has_data = _has_content(row[len(header) :])
    if len(row) < len(header) or extra_has_data:
        raise SurveyError("wrong_field_count", row=number, found=len(row), expected=len(header))
    answers: dict[str, Frequency | None] = {}
    for index, activity in activity_at.items():
        cell = row[index]
        try:
            answers[activity] = parse_frequency(cell)
        except UnknownFrequencyError:
            raise SurveyError(
                "unknown_frequency", row=number, column=header[index], word=cell.strip()
            ) from None
    respondent_id = (row[id_index].strip() or None) if id_index is not None else None
    return Respondent(respondent_id=respondent_id, answers=answers, row=number)


# ---------------------------------------------------------------------------------------------
# Profiles


@dataclass(frozen=True)
class RungResult:
    """One rung of a profile. ``members``/``percentage`` are ``None`` when the rung is unknown."""

    rung: Rung
    members: int | None
    percentage: float | None
    columns: tuple[str, ...] = ()
    """The activity columns that were measured for this rung (empty for Inactives)."""

    @property
    def known(self) -> bool:
        return self.members is not None


@dataclass(frozen=True)
class TechnographicsProfile:
    """Percentage of respondents per rung. Rungs overlap; only Inactives is exclusive."""

    respondents: int
    rungs: Mapping[Rung, RungResult]
    warnings: tuple[SurveyWarning, ...] = ()

    def pct(self, rung: Rung) -> float | None:
        return self.rungs[rung].percentage

    def percentages(self) -> dict[Rung, float | None]:
        return {rung: self.rungs[rung].percentage for rung in Rung}

    @property
    def unknown_rungs(self) -> tuple[Rung, ...]:
        return tuple(r for r in ACTIVE_RUNGS if not self.rungs[r].known)


def _pct(members: int, respondents: int) -> float | None:
    return members / respondents * 100 if respondents else None


def build_profile(
    respondents: Sequence[Respondent | Mapping[str, Frequency | None]],
    activity_columns: Iterable[str] | None = None,
    *,
    warnings: Sequence[SurveyWarning] = (),
) -> TechnographicsProfile:
    """Count rung members and percentages.

    ``activity_columns`` says which activities were asked; by default the union of the keys in
    the answers. A rung none of whose activities was asked is unknown (``None``). With zero
    respondents every percentage is ``None`` ("no value").
    """
    answer_sets = [r.answers if isinstance(r, Respondent) else r for r in respondents]
    if activity_columns is None:
        asked = {activity for answers in answer_sets for activity in answers}
    else:
        asked = set(activity_columns)
    unknown_activities = asked - ACTIVITY_IDS
    if unknown_activities:
        raise ValueError(f"not activity ids: {sorted(unknown_activities)}")

    counts = dict.fromkeys(Rung, 0)
    for answers in answer_sets:
        for rung in rungs_for(answers):
            counts[rung] += 1

    total = len(answer_sets)
    results: dict[Rung, RungResult] = {}
    all_warnings = list(warnings)
    for rung in ACTIVE_RUNGS:
        columns = tuple(a for a in RUNG_ACTIVITIES[rung] if a in asked)
        if columns:
            results[rung] = RungResult(rung, counts[rung], _pct(counts[rung], total), columns)
        else:
            results[rung] = RungResult(rung, None, None, ())
            all_warnings.append(
                SurveyWarning(
                    "unknown_rung",
                    {
                        lang: MESSAGES["unknown_rung"][lang].format(rung=RUNG_NAMES[rung][lang])
                        for lang in ("en", "nl")
                    },
                    rung=rung,
                )
            )
    inactives = counts[Rung.INACTIVES]
    results[Rung.INACTIVES] = RungResult(Rung.INACTIVES, inactives, _pct(inactives, total))
    return TechnographicsProfile(total, results, tuple(all_warnings))


def profile_from_survey(survey: Survey) -> TechnographicsProfile:
    """The profile of a parsed survey, carrying the reader's warnings along."""
    return build_profile(survey.respondents, survey.activity_columns, warnings=survey.warnings)


def profile_from_bytes(
    data: bytes, *, header_map: Mapping[str, str] = DUTCH_HEADERS
) -> TechnographicsProfile:
    """Read a survey file and compute its profile. Raises :class:`SurveyError`."""
    return profile_from_survey(read_survey(data, header_map=header_map))


# ---------------------------------------------------------------------------------------------
# Sanity bound on Inactives


@dataclass(frozen=True)
class InactivesBound:
    """The range Inactives can take given the other rungs: ``low ≤ inactives ≤ high``."""

    low: float
    high: float
    inactives: float | None
    ok: bool | None
    """``None`` when Inactives or every other rung is unknown (nothing to check)."""


def check_inactives_bound(
    percentages: Mapping[Rung, float | None], *, tolerance: float = 0.5
) -> InactivesBound:
    """Check ``100 − Σothers ≤ Inactives ≤ 100 − max(others)`` over the known rungs.

    Inactives can't exceed the share left by the largest rung (those members are active), and
    can't be below what remains if the other rungs didn't overlap at all. The lower bound is
    clamped at 0. ``tolerance`` (percentage points) absorbs rounding in published figures,
    which are whole percentages. Unknown rungs are left out, which only widens the range.
    """
    others = [p for r in ACTIVE_RUNGS if (p := percentages.get(r)) is not None]
    inactives = percentages.get(Rung.INACTIVES)
    if not others:
        return InactivesBound(0.0, 100.0, inactives, None)
    low = max(0.0, 100.0 - sum(others))
    high = 100.0 - max(others)
    if inactives is None:
        return InactivesBound(low, high, None, None)
    ok = low - tolerance <= inactives <= high + tolerance
    return InactivesBound(low, high, inactives, ok)


def sanity_warnings(profile: TechnographicsProfile) -> tuple[SurveyWarning, ...]:
    """Warnings from :func:`check_inactives_bound` for a profile (empty when it holds)."""
    bound = check_inactives_bound(profile.percentages())
    if bound.ok is not False:
        return ()
    return (
        SurveyWarning(
            "inactives_out_of_bounds",
            _message(
                "inactives_out_of_bounds", inactives=bound.inactives, low=bound.low, high=bound.high
            ),
            rung=Rung.INACTIVES,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Benchmarks


@dataclass(frozen=True)
class Benchmark:
    """Published rung percentages. ``None`` means the publication gives no figure."""

    id: str
    label: Bilingual
    data_year: str
    population: Bilingual
    source: str
    percentages: Mapping[Rung, float | None]
    sample_size: int | None = None


def _rungs(**values: float) -> dict[Rung, float | None]:
    return {rung: values.get(rung.value) for rung in Rung}


BENCHMARKS: Mapping[str, Benchmark] = {
    b.id: b
    for b in (
        Benchmark(
            id="us-2007",
            label={"en": "US online adults, 2007", "nl": "Online volwassenen VS, 2007"},
            data_year="2007",
            population={"en": "US online adults", "nl": "Online volwassenen in de VS"},
            source="Forrester Research Social Technographics (2007), as published in "
            "Li & Bernoff, Groundswell (2008)",
            percentages=_rungs(
                creators=18, critics=25, collectors=12, joiners=25, spectators=48, inactives=44
            ),
        ),
        Benchmark(
            id="us-2009q4",
            label={"en": "US online adults, Q4 2009", "nl": "Online volwassenen VS, Q4 2009"},
            data_year="Q4 2009",
            population={"en": "US online adults", "nl": "Online volwassenen in de VS"},
            source="Forrester Research, Social Technographics update introducing "
            "Conversationalists (2010)",
            sample_size=10_112,
            percentages=_rungs(
                creators=24,
                conversationalists=33,
                critics=37,
                collectors=20,
                joiners=59,
                spectators=70,
                inactives=17,
            ),
        ),
        Benchmark(
            id="europe-2007",
            label={"en": "European online adults, 2007", "nl": "Online volwassenen Europa, 2007"},
            data_year="2007",
            population={"en": "European online adults", "nl": "Online volwassenen in Europa"},
            source="Forrester Research, European Technographics (2007)",
            percentages=_rungs(creators=10, critics=19, collectors=9, joiners=13, spectators=40),
        ),
        Benchmark(
            id="netherlands-2007",
            label={"en": "Dutch online adults, 2007", "nl": "Online volwassenen Nederland, 2007"},
            data_year="2007",
            population={"en": "Dutch online adults", "nl": "Online volwassenen in Nederland"},
            source="Forrester Research, European Technographics (2007), Dutch figure",
            percentages=_rungs(creators=17),
        ),
    )
}
"""Published benchmarks from DOMAIN.md §2. Check the source before quoting a figure externally."""


@dataclass(frozen=True)
class RungComparison:
    """Profile vs benchmark for one rung; ``difference`` in percentage points (profile − bench)."""

    rung: Rung
    profile: float | None
    benchmark: float | None
    difference: float | None


def compare(profile: TechnographicsProfile, benchmark: Benchmark) -> tuple[RungComparison, ...]:
    """Per-rung differences in ladder order. ``None`` where either side has no figure."""
    result = []
    for rung in Rung:
        mine, theirs = profile.pct(rung), benchmark.percentages.get(rung)
        diff = mine - theirs if mine is not None and theirs is not None else None
        result.append(RungComparison(rung, mine, theirs, diff))
    return tuple(result)


# ---------------------------------------------------------------------------------------------
# Tactics and the 90-9-1 rule


DEFAULT_TACTICS: Mapping[Rung, tuple[Bilingual, ...]] = {
    Rung.CREATORS: (
        {"en": "Blogs and user-generated content",
         "nl": "Blogs en door gebruikers gemaakte content"},
        {"en": "Outreach to creators and bloggers", "nl": "Makers en bloggers actief benaderen"},
    ),
    Rung.CONVERSATIONALISTS: (
        {"en": "Dialogue through status updates and microblogs",
         "nl": "In gesprek gaan via statusupdates en microblogs"},
    ),
    Rung.CRITICS: (
        {"en": "Ratings and reviews", "nl": "Beoordelingen en reviews"},
        {"en": "Forums and discussion", "nl": "Forums en discussies"},
    ),
    Rung.COLLECTORS: (
        {"en": "RSS feeds, tagging and idea voting", "nl": "RSS-feeds, tags en stemmen op ideeën"},
    ),
    Rung.JOINERS: (
        {"en": "Pages and groups on social networks",
         "nl": "Pagina's en groepen op sociale netwerken"},
    ),
    Rung.SPECTATORS: (
        {"en": "Video, blogs and podcasts to watch, read and hear",
         "nl": "Video, blogs en podcasts om te bekijken, lezen en beluisteren"},
    ),
}  # fmt: skip
"""Rung → tactics heuristic (DOMAIN.md §2). Editable: pass your own to :func:`suggest_tactics`."""

RUNG_OBJECTIVES: Mapping[Rung, tuple[str, ...]] = {
    Rung.CREATORS: ("embracing", "energizing"),
    Rung.CONVERSATIONALISTS: ("talking", "supporting"),
    Rung.CRITICS: ("energizing", "supporting"),
    Rung.COLLECTORS: ("listening", "embracing"),
    Rung.JOINERS: ("talking", "energizing"),
    Rung.SPECTATORS: ("talking",),
}
"""Rung → Groundswell objective ids that suit it (a heuristic after Li & Bernoff, ch. 4–8:
creators and critics can be energized and help build products, joiners and spectators are
reached by talking). Listening suits every profile and is always suggested first."""


def suggest_objectives(
    advice: TacticAdvice, rules: Mapping[Rung, Sequence[str]] = RUNG_OBJECTIVES
) -> tuple[str, ...]:
    """Groundswell objective ids for the dominant rungs, "listening" first, without repeats."""
    found = ["listening"]
    for rung in advice.dominant_rungs:
        found += [o for o in rules.get(rung, ()) if o not in found]
    return tuple(found)


SMALL_BUDGET_ADVICE: Bilingual = {
    "en": "Most of the audience is inactive online: keep the social-media budget small.",
    "nl": "Het grootste deel van de doelgroep is online inactief: "
    "houd het socialemediabudget klein.",
}


@dataclass(frozen=True)
class TacticAdvice:
    """Which rungs dominate and the tactics that fit them."""

    dominant_rungs: tuple[Rung, ...]
    tactics: tuple[Bilingual, ...]
    keep_budget_small: bool
    notes: tuple[Bilingual, ...] = ()


def suggest_tactics(
    profile: TechnographicsProfile,
    rules: Mapping[Rung, Sequence[Bilingual]] = DEFAULT_TACTICS,
    *,
    margin: float = 5.0,
    inactives_threshold: float = 50.0,
) -> TacticAdvice:
    """Tactics for the dominant rung(s).

    Dominant = the known active rungs within ``margin`` percentage points of the largest one.
    When Inactives is at least ``inactives_threshold`` % the advice is to keep the social budget
    small (the tactics are still listed for the active minority). Unknown rungs never dominate.
    """
    known = {r: p for r in ACTIVE_RUNGS if (p := profile.pct(r)) is not None}
    dominant: tuple[Rung, ...] = ()
    if known and max(known.values()) > 0:
        top = max(known.values())
        dominant = tuple(r for r in ACTIVE_RUNGS if r in known and known[r] >= top - margin)
    tactics = tuple(t for rung in dominant for t in rules.get(rung, ()))
    inactives = profile.pct(Rung.INACTIVES)
    small = inactives is not None and inactives >= inactives_threshold
    return TacticAdvice(dominant, tactics, small, (SMALL_BUDGET_ADVICE,) if small else ())


@dataclass(frozen=True)
class ParticipationRule:
    """Share of an online community that creates, contributes and only reads (percent)."""

    creators: float = 1.0
    contributors: float = 9.0
    lurkers: float = 90.0
    source: str = "Jakob Nielsen, 'Participation Inequality' (2006): the 90-9-1 rule"

    def __post_init__(self) -> None:
        if abs(self.creators + self.contributors + self.lurkers - 100.0) > 1e-9:
            raise ValueError("participation shares must add up to 100")


PARTICIPATION_90_9_1 = ParticipationRule()
"""The seed's rule of thumb: ~1% of visitors create. A default; pass your own rule."""


def expected_participation(
    audience: int, rule: ParticipationRule = PARTICIPATION_90_9_1
) -> dict[str, float]:
    """Expected number of creators, contributors and lurkers in an audience of ``audience``."""
    return {
        "creators": audience * rule.creators / 100,
        "contributors": audience * rule.contributors / 100,
        "lurkers": audience * rule.lurkers / 100,
    }


# ---------------------------------------------------------------------------------------------
# Presentation: JSON, table, command line


def round_pct(value: float | None, places: int = 1) -> float | None:
    """Round half up (not banker's rounding: 12.25 → 12.3, as people expect on a report)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def to_json(profile: TechnographicsProfile) -> dict[str, object]:
    """``{"respondents": n, "rungs": {"creators": pct, …six rungs…}, "inactives": pct}``.

    Percentages are rounded half up to one decimal; an unknown rung is ``null``.
    """
    return {
        "respondents": profile.respondents,
        "rungs": {rung.value: round_pct(profile.pct(rung)) for rung in ACTIVE_RUNGS},
        "inactives": round_pct(profile.pct(Rung.INACTIVES)),
    }


_TABLE_TEXT: Mapping[str, Bilingual] = {
    "title": {"en": "Technographics profile: {n} respondents",
              "nl": "Technographics-profiel: {n} respondenten"},
    "header": {"en": "Rung", "nl": "Trede"},
    "members": {"en": "Members", "nl": "Leden"},
    "unknown": {"en": "unknown (no columns)", "nl": "onbekend (geen kolommen)"},
    "warnings": {"en": "Warnings:", "nl": "Waarschuwingen:"},
}  # fmt: skip


def format_table(profile: TechnographicsProfile, lang: str = "en") -> str:
    """A plain-text table of the profile for terminals and e-mail."""
    lines = [
        _TABLE_TEXT["title"][lang].format(n=profile.respondents),
        "",
        f"{_TABLE_TEXT['header'][lang]:<32} {_TABLE_TEXT['members'][lang]:>7} {'%':>6}",
    ]
    for rung in Rung:
        result = profile.rungs[rung]
        name = RUNG_NAMES[rung][lang]
        if result.members is None:
            lines.append(f"{name:<32} {_TABLE_TEXT['unknown'][lang]}")
        else:
            pct = round_pct(result.percentage)
            shown = "—" if pct is None else f"{pct:.1f}"
            lines.append(f"{name:<32} {result.members:>7} {shown:>6}")
    warnings = profile.warnings + sanity_warnings(profile)
    if warnings:
        lines += ["", _TABLE_TEXT["warnings"][lang]]
        lines += [f"  - {w.message[lang]}" for w in warnings]
    return "\n".join(lines) + "\n"


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


__all__ = [
    "ACTIVE_RUNGS",
    "ACTIVITY_IDS",
    "ACTIVITY_RUNG",
    "BENCHMARKS",
    "DEFAULT_TACTICS",
    "DUTCH_HEADERS",
    "FREQUENCY_WORDS",
    "ID_COLUMN_NAMES",
    "MESSAGES",
    "PARTICIPATION_90_9_1",
    "RUNG_ACTIVITIES",
    "RUNG_NAMES",
    "RUNG_OBJECTIVES",
    "RUNG_THRESHOLD",
    "Benchmark",
    "Frequency",
    "InactivesBound",
    "ParticipationRule",
    "Respondent",
    "Rung",
    "RungComparison",
    "RungResult",
    "Survey",
    "SurveyError",
    "SurveyWarning",
    "TacticAdvice",
    "TechnographicsProfile",
    "UnknownFrequencyError",
    "build_profile",
    "check_inactives_bound",
    "compare",
    "expected_participation",
    "format_table",
    "main",
    "map_header",
    "parse_frequency",
    "profile_from_bytes",
    "profile_from_survey",
    "read_survey",
    "round_pct",
    "rungs_for",
    "sanity_warnings",
    "suggest_objectives",
    "suggest_tactics",
    "to_json",
]

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
