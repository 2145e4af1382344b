from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from koers.networks.files import (
    RowError,
    import_rows,
    iter_errors_as_csv,
    mapping_from,
    parse_date,
    read_table,
    suggest_mapping,
)

CSV = (
    "\ufeffBericht;Auteur;Datum;Link;Platform;Taal;ID\r\n"
    "Lekker koffie bij #CaféDeZon ☕;@anna;24-11-2025 09:30;https://voorbeeld.nl/1;"
    "Mastodon;nl;a1\r\n"
    ";@bram;24-11-2025 10:00;https://voorbeeld.nl/2;Bluesky;nl;a2\r\n"
    "Goed nieuws;@carla;gisteren;niet-een-link;Bluesky;nl;a3\r\n"
    '"Regel een\nregel twee";@dirk;2025-11-24T11:00:00Z;;;en;a4\r\n'
    "Dubbel;@anna;24-11-2025 09:30;;Mastodon;nl;a1\r\n"
    "te;weinig\r\n"
).encode()


def test_columns_are_detected_and_suggested_in_dutch_and_english():
    table = read_table(CSV, "export.csv")

    assert table.columns == ("Bericht", "Auteur", "Datum", "Link", "Platform", "Taal", "ID")
    assert suggest_mapping(table.columns) == {
        "text": "Bericht",
        "author": "Auteur",
        "author_name": None,
        "date": "Datum",
        "url": "Link",
        "network": "Platform",
        "lang": "Taal",
        "id": "ID",
    }


def test_every_row_is_imported_or_reported_with_row_column_and_reason():
    table = read_table(CSV, "export.csv")
    mapping = mapping_from(suggest_mapping(table.columns), table.columns)

    result = import_rows(table, mapping, assume_timezone=ZoneInfo("Europe/Amsterdam"))

    assert [p.remote_id for p in result.posts] == ["a1", "a4"]
    assert result.errors == (
        RowError(3, "Bericht", "text is empty"),
        RowError(4, "Datum", "unrecognised date 'gisteren'"),
        RowError(4, "Link", "not a web address: 'niet-een-link'"),
        RowError(6, "ID", "same post as row 2"),
        RowError(7, None, "2 values for 7 columns"),
    )
    assert result.total_rows == 6
    assert len(result.posts) + result.rows_with_errors == result.total_rows


def test_imported_posts_are_normalised_with_local_time_converted_to_utc():
    table = read_table(CSV, "export.csv")
    result = import_rows(
        table,
        mapping_from(suggest_mapping(table.columns), table.columns),
        assume_timezone=ZoneInfo("Europe/Amsterdam"),
    )

    first, multiline = result.posts
    assert first.network == "mastodon"
    assert first.created_at == datetime(2025, 11, 24, 8, 30, tzinfo=UTC)
    assert first.hashtags == ("cafédezon",)
    assert first.author_handle == "@anna"
    assert multiline.text == "Regel een\nregel twee"
    assert multiline.network == "import"  # empty network column → the default
    assert multiline.lang == "en"


def test_jsonl_with_nested_objects_and_a_broken_line():
    data = (
        b'{"id": "1", "content": "Hallo #wereld", "user": {"screen_name": "anna"},'
        b' "created_at": 1764000000}\n'
        b"{niet json\n"
        b'{"id": "2", "content": "", "user": {"screen_name": "bram"}, "created_at": 1764000000}\n'
    )
    table = read_table(data, "mentions.jsonl")
    suggestion = suggest_mapping(table.columns)
    assert (suggestion["text"], suggestion["author"]) == ("content", "user.screen_name")

    result = import_rows(table, mapping_from(suggestion, table.columns))

    assert [p.text for p in result.posts] == ["Hallo #wereld"]
    assert result.posts[0].created_at == datetime.fromtimestamp(1764000000, tz=UTC)
    assert [(e.row, e.column) for e in result.errors] == [(2, None), (3, "content")]
    assert "not valid JSON" in result.errors[0].reason


def test_rows_without_an_id_get_a_stable_id_so_a_reimport_dedupes():
    data = b"text,author\nHallo,anna\n"
    table = read_table(data, "a.csv")
    mapping = mapping_from({"text": "text", "author": "author"}, table.columns)

    first = import_rows(table, mapping).posts[0].remote_id
    again = import_rows(read_table(data, "a.csv"), mapping).posts[0].remote_id

    assert first == again and first.startswith("import:")


def test_a_mapping_without_text_or_with_a_missing_column_is_refused():
    columns = ("a", "b")
    with pytest.raises(ValueError, match="text"):
        mapping_from({"author": "a"}, columns)
    with pytest.raises(ValueError, match="not in the file"):
        mapping_from({"text": "c"}, columns)


def test_dates_in_common_export_formats():
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert parse_date("2025-07-01 12:00", amsterdam) == datetime(2025, 7, 1, 10, 0, tzinfo=UTC)
    assert parse_date("1764000000000") == datetime.fromtimestamp(1764000000, tz=UTC)
    assert parse_date("Mon Nov 24 09:30:00 +0000 2025") == datetime(2025, 11, 24, 9, 30, tzinfo=UTC)


def test_the_error_report_is_downloadable_as_csv():
    lines = list(iter_errors_as_csv((RowError(3, "Bericht", "text is empty"),)))

    # Text quoted, the row number a number (koers.networks.csvcells).
    assert lines == ['"row","column","reason"\r\n', '3,"Bericht","text is empty"\r\n']


def test_a_json_line_holding_a_raw_line_separator_stays_one_row():
    data = '{"text": "een\u2028twee"}\n{"text": "drie"}\n'.encode()

    table = read_table(data, "x.jsonl")

    assert [row for _number, row in table.rows] == [{"text": "een\u2028twee"}, {"text": "drie"}]
