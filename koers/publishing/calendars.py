"""Month, week and list windows of the calendar in the workspace's time zone."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet

from koers.publishing.models import ContentItem, Delivery
from koers.publishing.timing import local_day_bounds


@dataclass
class Window:
    kind: str  # month | week | list
    first: date
    last: date
    previous: date
    next: date
    anchor: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def weeks(self) -> list[list[date]]:
        days = self.days
        return [days[i : i + 7] for i in range(0, len(days), 7)]


def month_window(anchor: date) -> Window:
    first_of_month = anchor.replace(day=1)
    last_of_month = first_of_month.replace(day=pycalendar.monthrange(anchor.year, anchor.month)[1])
    first = first_of_month - timedelta(days=first_of_month.weekday())
    last = last_of_month + timedelta(days=6 - last_of_month.weekday())
    previous = (first_of_month - timedelta(days=1)).replace(day=1)
    following = last_of_month + timedelta(days=1)
    return Window("month", first, last, previous, following, first_of_month)


def week_window(anchor: date) -> Window:
    first = anchor - timedelta(days=anchor.weekday())
    return Window(
        "week", first, first + timedelta(days=6), first - timedelta(7), first + timedelta(7), first
    )


def list_window(anchor: date) -> Window:
    return Window(
        "list",
        anchor,
        anchor + timedelta(days=27),
        anchor - timedelta(28),
        anchor + timedelta(28),
        anchor,
    )


def window_for(kind: str, anchor: date) -> Window:
    return {"week": week_window, "list": list_window}.get(kind, month_window)(anchor)


def items_in(queryset: QuerySet, window: Window, zone: str) -> QuerySet:
    start, _ = local_day_bounds(window.first, zone)
    _, end = local_day_bounds(window.last, zone)
    return (
        queryset.filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("campaign")
        .prefetch_related(Prefetch("deliveries", Delivery.objects.select_related("channel")))
        .order_by("scheduled_at", "id")
    )


def by_day(items: list[ContentItem]) -> dict[date, list[ContentItem]]:
    grouped: dict[date, list[ContentItem]] = {}
    for item in items:
        grouped.setdefault(item.local_date, []).append(item)
    return grouped
