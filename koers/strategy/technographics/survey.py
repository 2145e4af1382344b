"""Reading survey files: decoding, the delimiter, header names, one respondent per row.

See the package docstring for the accepted formats. Every problem raises
:class:`~koers.strategy.technographics.messages.SurveyError` with the row and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from koers.strategy.technographics.ladder import (
    ACTIVITY_IDS,
    RUNG_ACTIVITIES,
    Frequency,
    UnknownFrequencyError,
    parse_frequency,
)
from koers.strategy.technographics.messages import SurveyError, SurveyWarning, format_message

DUTCH_HEADERS: Mapping[str, str] = {
    # creators
    "blog publiceren": "publish_blog",
    "blog schrijven": "publish_blog",
    "blog bijhouden": "publish_blog",
    "bloggen": "publish_blog",
    "blogs schrijven": "publish_blog",
    "webpagina publiceren": "publish_webpage",
    "webpaginas publiceren": "publish_webpage",
    "webpagina maken": "publish_webpage",
    "eigen website bijhouden": "publish_webpage",
    "website bijhouden": "publish_webpage",
    "video uploaden": "upload_video",
    "videos uploaden": "upload_video",
    "videos plaatsen": "upload_video",
    "video plaatsen": "upload_video",
    "audio uploaden": "upload_audio",
    "podcast maken": "upload_audio",
    "podcasts maken": "upload_audio",
    "artikelen schrijven": "write_articles",
    "artikel schrijven": "write_articles",
    "artikelen publiceren": "write_articles",
    "verhalen schrijven": "write_articles",
    # conversationalists
    "status bijwerken": "update_status",
    "statusupdate plaatsen": "update_status",
    "statusupdates plaatsen": "update_status",
    "status updaten": "update_status",
    "microblog plaatsen": "post_microblog",
    "berichten op microblogs plaatsen": "post_microblog",
    "microbloggen": "post_microblog",
    "tweeten": "post_microblog",
    "korte berichten plaatsen": "post_microblog",
    # critics
    "reviews plaatsen": "post_reviews",
    "reviews schrijven": "post_reviews",
    "beoordelingen plaatsen": "post_reviews",
    "beoordelingen geven": "post_reviews",
    "recensies schrijven": "post_reviews",
    "recensies plaatsen": "post_reviews",
    "reageren op blogs": "comment_blogs",
    "op blogs reageren": "comment_blogs",
    "reacties op blogs plaatsen": "comment_blogs",
    "bijdragen aan forums": "contribute_forums",
    "bijdragen aan fora": "contribute_forums",
    "berichten op forums plaatsen": "contribute_forums",
    "op forums posten": "contribute_forums",
    "wikis bewerken": "edit_wikis",
    "wikipedia bewerken": "edit_wikis",
    "bijdragen aan wikis": "edit_wikis",
    # collectors
    "rss gebruiken": "use_rss",
    "rss feeds gebruiken": "use_rss",
    "rss feeds lezen": "use_rss",
    "content taggen": "tag_content",
    "tags toevoegen": "tag_content",
    "taggen": "tag_content",
    "stemmen op websites": "vote_websites",
    "op websites stemmen": "vote_websites",
    "stemmen": "vote_websites",
    # joiners
    "profiel bijhouden": "maintain_profile",
    "profiel op sociaal netwerk bijhouden": "maintain_profile",
    "profiel op sociale netwerken bijhouden": "maintain_profile",
    "profiel op sociale media bijhouden": "maintain_profile",
    "sociale netwerken bezoeken": "visit_social_networks",
    "sociale netwerksites bezoeken": "visit_social_networks",
    "sociale media bezoeken": "visit_social_networks",
    "sociale media gebruiken": "visit_social_networks",
    # spectators
    "blogs lezen": "read_blogs",
    "blog lezen": "read_blogs",
    "videos bekijken": "watch_video",
    "video kijken": "watch_video",
    "videos kijken": "watch_video",
    "video bekijken": "watch_video",
    "naar videos kijken": "watch_video",
    "podcasts luisteren": "listen_podcasts",
    "naar podcasts luisteren": "listen_podcasts",
    "podcasts beluisteren": "listen_podcasts",
    "podcast luisteren": "listen_podcasts",
    "forums lezen": "read_forums",
    "fora lezen": "read_forums",
    "reviews lezen": "read_reviews",
    "beoordelingen lezen": "read_reviews",
    "recensies lezen": "read_reviews",
}
"""Dutch column headers → activity ids. Keys are normalised: lower case, apostrophes and
punctuation removed ("video's" → "videos", "Blogs lezen?" → "blogs lezen"), hyphens, slashes and
underscores as spaces, whitespace collapsed. The first name per activity is the one the template
uses. Extend freely."""

DUTCH_TEMPLATE_NAMES: Mapping[str, str] = {
    "publish_blog": "Blog publiceren",
    "publish_webpage": "Webpagina publiceren",
    "upload_video": "Video's uploaden",
    "upload_audio": "Audio uploaden",
    "write_articles": "Artikelen schrijven",
    "update_status": "Status bijwerken",
    "post_microblog": "Microblog plaatsen",
    "post_reviews": "Reviews plaatsen",
    "comment_blogs": "Reageren op blogs",
    "contribute_forums": "Bijdragen aan forums",
    "edit_wikis": "Wiki's bewerken",
    "use_rss": "RSS gebruiken",
    "tag_content": "Content taggen",
    "vote_websites": "Stemmen op websites",
    "maintain_profile": "Profiel bijhouden",
    "visit_social_networks": "Sociale netwerken bezoeken",
    "read_blogs": "Blogs lezen",
    "watch_video": "Video's bekijken",
    "listen_podcasts": "Podcasts luisteren",
    "read_forums": "Forums lezen",
    "read_reviews": "Reviews lezen",
}
"""The Dutch column names of the downloadable template (each one is in DUTCH_HEADERS)."""

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

    @property
    def ignored_columns(self) -> tuple[str, ...]:
        """The file's columns that were not used (neither an activity nor the id column)."""
        return tuple(w.column for w in self.warnings if w.code == "unknown_column" and w.column)


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
    for char in "'’‘`?!.:\"“”()":
        text = text.replace(char, "")
    for char in "_-/":
        text = text.replace(char, " ")
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


def template_columns_by_activity(language: str) -> dict[str, str]:
    """Activity id → its column name in the template of ``language``, in ladder order."""
    activities = [a for rung in RUNG_ACTIVITIES for a in RUNG_ACTIVITIES[rung]]
    if language == "nl":
        return {a: DUTCH_TEMPLATE_NAMES[a] for a in activities}
    return {a: a.replace("_", " ").capitalize() for a in activities}


def template_columns(language: str) -> list[str]:
    """The columns of the downloadable survey template, in ladder order: a respondent column
    and one per activity, in Dutch (``"nl"``) or English names."""
    first = "Respondentnummer" if language == "nl" else "Respondent"
    return [first, *template_columns_by_activity(language).values()]


def template_csv(language: str) -> str:
    """The survey template as CSV text: only the header line. Dutch uses semicolons, as Dutch
    spreadsheet programs do; English uses commas."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";" if language == "nl" else ",").writerow(
        template_columns(language)
    )
    return buffer.getvalue()


def recognised_columns() -> list[tuple[str, str, tuple[str, ...]]]:
    """Every activity column a survey may have, in ladder order: (activity id, rung id, the
    Dutch names it is also recognised by)."""
    return [
        (activity, rung.value, tuple(k for k, v in DUTCH_HEADERS.items() if v == activity))
        for rung in RUNG_ACTIVITIES
        for activity in RUNG_ACTIVITIES[rung]
    ]


def read_survey(data: bytes, *, header_map: Mapping[str, str] = DUTCH_HEADERS) -> Survey:
    """Parse a survey file given as bytes. Raises :class:`SurveyError` on any problem.

    Errors: ``empty_file``, ``undecodable``, ``unreadable_row`` (a cell over 128 KB),
    ``no_activity_columns``, ``duplicate_column``, ``wrong_field_count`` (fewer fields than
    the header, or extra non-blank fields), ``unknown_frequency`` and ``no_respondents``.
    Warnings on the result: ``unknown_column``, ``no_answers`` (a row whose activity cells are
    all blank is left out) and ``duplicate_respondent``.
    """
    text, encoding = _decode(data)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)  # bounded in the browser: the survey form refuses files over 5 MB
    except csv.Error:
        # Only a cell over the csv module's field limit (128 KB): newline="" reads every
        # quote and line break.
        raise SurveyError("unreadable_row", row=reader.line_num) from None
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
                SurveyWarning("unknown_column", format_message("unknown_column", column=name), name)
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
                SurveyWarning("no_answers", format_message("no_answers", row=number), row=number)
            )
            continue
        if respondent.respondent_id is not None:
            if respondent.respondent_id in seen_ids:
                warnings.append(
                    SurveyWarning(
                        "duplicate_respondent",
                        format_message(
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
