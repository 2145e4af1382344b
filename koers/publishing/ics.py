"""The read-only calendar feed (iCalendar): scheduled and published items as events."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event

from koers.core.models import Workspace
from koers.publishing.models import ContentItem, State

FEED_STATES = (State.APPROVED, State.SCHEDULED, State.PUBLISHING, State.PUBLISHED, State.FAILED)


def feed(workspace: Workspace, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//koers//publishing//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"koers · {workspace.name}")
    calendar.add("x-wr-timezone", workspace.time_zone)
    items = (
        ContentItem.objects.filter(
            workspace=workspace, state__in=FEED_STATES, scheduled_at__isnull=False
        )
        .prefetch_related("deliveries__channel")
        .order_by("scheduled_at")
    )
    for item in items:
        event = Event()
        event.add("uid", f"item-{item.pk}@koers-{workspace.slug}")
        event.add("dtstamp", item.updated_at)
        event.add("dtstart", item.scheduled_at)
        event.add("dtend", item.scheduled_at + timedelta(minutes=15))
        channels = ", ".join(d.channel.name for d in item.deliveries.all())
        event.add("summary", f"{item.title} [{item.get_state_display()}]")
        event.add("description", f"{item.text}\n\n{channels}".strip())
        event.add("url", f"{base_url}/w/{workspace.slug}/calendar/items/{item.pk}/")
        event.add("categories", [item.category])
        calendar.add_component(event)
    return calendar.to_ical()
