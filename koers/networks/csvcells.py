"""CSV cells a spreadsheet will not run as formulas ("CSV injection"), and the way back.

Pure, like :mod:`koers.networks.safety`; the Django side of exports is ``koers.core.exports``.

Following OWASP's *CSV Injection* page: a text cell that starts with ``=``, ``+``, ``-``,
``@``, a TAB or a carriage return is written with one ``'`` in front (a spreadsheet then shows
it as text: ``=HYPERLINK(…)`` stays visible, nothing runs), and every text field is quoted
(``csv.QUOTE_NONNUMERIC``; embedded ``"`` are doubled by the csv module), so a separator inside
a field can never start a new cell that begins with a formula.

**Numbers.** Only ``str`` values are escaped. An ``int``, ``float`` or ``Decimal`` is a value
koers computed itself (a measure value of ``-2``, a change of ``-0.5``): it is written as it
is, unquoted, so spreadsheets still read a number. Text from outside (mention text, author
names, titles, channel names) always reaches the writer as ``str``, so a mention reading
``-2+3`` is escaped. Callers must therefore pass their own numbers as numbers, never as text.

**Round trip.** koers' own importers call :func:`unescape_cell` on every CSV cell: it removes
the one leading ``'`` when the rest starts with one of those characters. So that text which
itself starts with ``'`` followed by such a character survives export → import too,
:func:`escape_cell` also prefixes such text (``'=1`` is written ``''=1``, ``''=1`` as ``'''=1``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Final, Protocol

#: Cell starts that spreadsheets read as a formula (OWASP: = + - @ TAB CR).
TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
QUOTE: Final = "'"


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


def _needs_prefix(text: str) -> bool:
    # Apostrophes before a trigger count too, so that an import removes exactly the one
    # apostrophe the export added: ''-2 is written '''-2 and read back as ''-2.
    return text.lstrip(QUOTE).startswith(TRIGGERS)


def escape_cell(value: object) -> object:
    """``value`` safe for a spreadsheet: text gets a leading ``'`` when needed; numbers and
    ``None`` are returned unchanged (see the module docstring)."""
    if isinstance(value, str) and _needs_prefix(value):
        return QUOTE + value
    return value


def unescape_cell(text: str) -> str:
    """The inverse of :func:`escape_cell` for a cell read back from a CSV file."""
    if text.startswith(QUOTE) and _needs_prefix(text[1:]):
        return text[1:]
    return text


def unescape_row(cells: Iterable[str]) -> list[str]:
    return [unescape_cell(cell) for cell in cells]


class SafeWriter:
    """``csv.writer`` that escapes every cell and quotes every text field; the one writer
    behind every CSV koers produces."""

    def __init__(self, out: _Writable) -> None:
        self._writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([escape_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable) -> SafeWriter:
    return SafeWriter(out)
