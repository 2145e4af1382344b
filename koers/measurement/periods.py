"""Reporting periods: inclusive date ranges in the workspace's calendar.

Pure Python (no Django). A period is ``start..end`` inclusive; the previous period has the same
number of days and ends the day before ``start`` (a calendar month compares with the previous
calendar month instead, so October compares with September, not with "the 31 days before").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def previous(self) -> Period:
        """The period to compare with: previous calendar month/quarter, else the same length."""
        if _MONTH.match(self.label):
            return month(self.start - timedelta(days=1))
        if _QUARTER.match(self.label):
            before = self.start - timedelta(days=1)
            return parse(f"{before.year}-Q{(before.month - 1) // 3 + 1}")
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def __str__(self) -> str:
        return self.label or f"{self.start.isoformat()}..{self.end.isoformat()}"


def month(day: date) -> Period:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(start, following - timedelta(days=1), f"{start:%Y-%m}")


def parse(text: str) -> Period:
    """``2026-10`` (a month), ``2026-Q4`` (a quarter) or ``2026-10-01..2026-10-15``.

    Raises ``ValueError`` with a readable message for anything else.
    """
    text = text.strip()
    if m := _MONTH.match(text):
        return month(date(int(m[1]), int(m[2]), 1))
    if m := _QUARTER.match(text):
        year, quarter = int(m[1]), int(m[2])
        start = date(year, 3 * quarter - 2, 1)
        end = month(date(year, 3 * quarter, 1)).end
        return Period(start, end, f"{year}-Q{quarter}")
    if ".." in text:
        first, last = text.split("..", 1)
        return Period(date.fromisoformat(first), date.fromisoformat(last))
    raise ValueError(f"not a period: {text!r} (use 2026-10, 2026-Q4 or 2026-10-01..2026-10-15)")


def last_days(today: date, days: int) -> Period:
    """The ``days`` days up to and including ``today``."""
    return Period(today - timedelta(days=days - 1), today)
