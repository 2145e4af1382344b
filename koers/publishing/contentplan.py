"""The calendar's content-plan panel: per week the actual content mix against the workspace's
target and, per channel of the active strategy cycle's Technology step, the posts scheduled
against the posts per week planned there. The arithmetic is :func:`rules.weekly_plan`."""

from __future__ import annotations

from datetime import timedelta

from koers.core.models import Workspace
from koers.publishing import rules
from koers.publishing.calendars import Window
from koers.publishing.models import ContentItem, PublishingSettings


def planned_channels(workspace: Workspace) -> list[tuple[str, float | None]]:
    """(network or tool, posts per week) of the active cycle's Technology step."""
    from koers.strategy.models import Channel as StrategyChannel

    rows = StrategyChannel.objects.filter(workspace=workspace, cycle__status="active")
    return [
        (row.network, float(row.posts_per_week) if row.posts_per_week is not None else None)
        for row in rows.order_by("id")
    ]


def _planned_post(item: ContentItem) -> rules.PlannedPost:
    channels = tuple(
        frozenset({d.channel.network.casefold(), d.channel.name.casefold()})
        for d in item.deliveries.all()
    )
    assert item.local_date is not None  # only planned items reach the calendar
    return rules.PlannedPost(item.local_date, item.category, channels)


def weeks_for(workspace: Workspace, items: list[ContentItem], window: Window) -> list:
    """One :class:`rules.WeekPlan` per calendar week (Monday) the window touches."""
    weeks = sorted({day - timedelta(days=day.weekday()) for day in window.days})
    policy = PublishingSettings.for_workspace(workspace)
    return rules.weekly_plan(
        [_planned_post(i) for i in items if i.local_date is not None],
        weeks,
        policy.mix_targets,
        planned_channels(workspace),
    )
