"""The calendar's blocks on the workspace overview: posts today and this week per channel,
posts waiting for approval or failed, and channels that are broken. Three queries."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from koers.core.access import scoped
from koers.core.models import Membership, Role, Workspace
from koers.core.overview import Panel
from koers.publishing.models import Channel, ContentItem, DeliveryState, Health, State
from koers.publishing.timing import local_day_bounds

SHOWN = 5  # items listed by name per kind; the count says how many there are in all


class CalendarPanel:
    def panel(self, workspace: Workspace, membership: Membership, now: datetime) -> Panel:
        today = timezone.localtime(now, timezone.get_current_timezone()).date()
        week_first = today - timedelta(days=today.weekday())
        day = Q(deliveries__item__scheduled_at__range=_bounds(today, today, workspace))
        week_last = week_first + timedelta(days=6)
        week = Q(deliveries__item__scheduled_at__range=_bounds(week_first, week_last, workspace))
        live = ~Q(deliveries__state=DeliveryState.CANCELLED)
        channels = list(
            scoped(Channel.objects, workspace)
            .annotate(
                today=Count("deliveries", filter=day & live),
                week=Count("deliveries", filter=week & live),
            )
            .order_by("name")
        )
        items = scoped(ContentItem.objects, workspace)
        counts = items.aggregate(
            waiting=Count("pk", filter=Q(state=State.IN_REVIEW)),
            failed=Count("pk", filter=Q(state=State.FAILED)),
        )
        listed = list(
            items.filter(state__in=[State.IN_REVIEW, State.FAILED])
            .only("pk", "title", "state", "scheduled_at")
            .order_by("scheduled_at", "pk")[: 2 * SHOWN]
        )
        data = {
            "channels": channels,
            "today_total": sum(c.today for c in channels),
            "week_total": sum(c.week for c in channels),
            "week_first": week_first,
            "broken": [c for c in channels if c.health == Health.BROKEN],
            "waiting": counts["waiting"],
            "waiting_items": [i for i in listed if i.state == State.IN_REVIEW][:SHOWN],
            "failed": counts["failed"],
            "failed_items": [i for i in listed if i.state == State.FAILED][:SHOWN],
            "can_approve": membership.can(Role.EDITOR),
            "can_connect": membership.can(Role.ADMIN),
            "can_write": membership.can(Role.CONTRIBUTOR),
        }
        return Panel("calendar", "publishing/overview.html", 10, data)


def _bounds(first, last, workspace: Workspace) -> tuple[datetime, datetime]:  # noqa: ANN001
    """From local midnight of ``first`` up to (not including) the midnight after ``last``;
    ``__range`` is inclusive, so one microsecond less."""
    start, _ = local_day_bounds(first, workspace.time_zone)
    _, end = local_day_bounds(last, workspace.time_zone)
    return start, end - timedelta(microseconds=1)
