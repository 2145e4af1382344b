"""Streaming CSV downloads: rows are written as they are read, so a large export needs no memory.

Every CSV koers writes goes through :func:`koers.networks.csvcells.writer`, which neutralises
cells a spreadsheet would run as a formula (see that module for the rules, also for numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

from koers.networks import csvcells


class _Echo:
    """A file-like object whose ``write`` returns the line, for a CSV writer in a generator."""

    def write(self, value: str) -> str:
        return value


def streaming_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> StreamingHttpResponse:
    writer = csvcells.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
