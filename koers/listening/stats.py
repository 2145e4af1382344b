"""Numbers for the listening pages, read from the rollups (volumes, sentiment, share of voice)
and the author and tag days (a topic's top authors, hashtags and links); rising terms from
the newest texts of one topic.

Every function takes the workspace and filters by it first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Max, Sum
from django.utils import timezone

from koers.core.models import Workspace
from koers.listening import rollups, rules
from koers.listening.models import (
    HASHTAG,
    LINK,
    AuthorDay,
    DailyRollup,
    HourlyRollup,
    MentionTopic,
    TagDay,
    Topic,
    TopicKind,
)

PERIODS = (7, 30, 90)
# Newest texts per period for rising terms (hashtags and links are counted in the tag days).
RISING_SAMPLE = 500


@dataclass(frozen=True)
class Period:
    days: int
    start: datetime
    end: datetime

    @property
    def previous(self) -> Period:
        return Period(self.days, self.start - timedelta(days=self.days), self.start)

    def dates(self) -> list[date]:
        first = timezone.localtime(self.start).date()
        return [first + timedelta(days=i) for i in range(self.days)]


def period_of(days: int, now: datetime | None = None) -> Period:
    """The last ``days`` whole local days including today (in the active time zone)."""
    local = timezone.localtime(now or timezone.now())
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = midnight + timedelta(days=1)
    return Period(days, end - timedelta(days=days), end)


def _rollups(workspace: Workspace, period: Period, **filters: Any):
    return HourlyRollup.objects.filter(
        workspace=workspace, hour__gte=period.start, hour__lt=period.end, **filters
    )


def _days(workspace: Workspace, period: Period, model: Any = DailyRollup, **filters: Any):
    """The workspace's daily rollups (or ``AuthorDay`` cells) of the period's local days
    (kept in its time zone; after a change of zone, counted again in the background)."""
    if getattr(workspace, "_daily_rollups_ready", None) != workspace.time_zone:
        rollups.days_counted(workspace)
        workspace._daily_rollups_ready = workspace.time_zone  # type: ignore[attr-defined]
    first = timezone.localtime(period.start).date()
    return model.objects.filter(
        workspace=workspace, day__gte=first, day__lt=first + timedelta(days=period.days), **filters
    )


def daily_volume(
    workspace: Workspace, topics: list[Topic], period: Period
) -> tuple[list[str], list[tuple[str, str, list[int]]]]:
    """Labels (local dates) and per topic (name, colour, mentions per local day)."""
    days = period.dates()
    index = {d: i for i, d in enumerate(days)}
    values: dict[int, list[int]] = {t.pk: [0] * len(days) for t in topics}
    rows = (
        _days(workspace, period, topic__in=topics)
        .values_list("topic_id", "day")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for topic_id, day, n in rows:
        i = index.get(day)
        if i is not None:
            values[topic_id][i] += n
    labels = [d.strftime("%d-%m") for d in days]
    return labels, [(t.name, t.colour, values[t.pk]) for t in topics]


def sentiment_by_topic(
    workspace: Workspace, period: Period, topic: Topic | None = None
) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(dict)
    cells = _days(workspace, period) if topic is None else _days(workspace, period, topic=topic)
    rows = cells.values_list("topic_id", "sentiment").annotate(n=Sum("count")).order_by()
    for topic_id, sentiment, n in rows:
        out[topic_id][sentiment] = n
    return out


def share_of_voice(
    topics: list[Topic], totals: dict[int, int]
) -> list[tuple[Topic, int, float | None]]:
    """DOMAIN.md §8: brand / (brand + competitors) · 100 for each topic of the set (brands and
    competitors that count for share of voice), with ``koers.measurement.formulas``."""
    from koers.measurement.formulas import share_of_voice as formula

    members = [
        t
        for t in topics
        if t.counts_for_share_of_voice and t.kind in (TopicKind.BRAND, TopicKind.COMPETITOR)
    ]
    rows = []
    for topic in members:
        own = totals.get(topic.pk, 0)
        others = [totals.get(o.pk, 0) for o in members if o.pk != topic.pk]
        rows.append((topic, own, formula(own, others).value))
    return rows


def topic_totals(workspace: Workspace, period: Period) -> dict[int, int]:
    rows = _days(workspace, period).values_list("topic_id").annotate(n=Sum("count")).order_by()
    return dict(rows)


def rollup_total(workspace: Workspace, topic: Topic, period: Period, **cells: str) -> int:
    """Mentions of ``topic`` in the period (optionally of one network, language, sentiment),
    summed from the rollups."""
    if "network" in cells or "lang" in cells:
        hourly = _rollups(workspace, period, topic=topic, **cells)
        return hourly.aggregate(n=Sum("count"))["n"] or 0
    return _days(workspace, period, topic=topic, **cells).aggregate(n=Sum("count"))["n"] or 0


def _links_in(workspace: Workspace, topic: Topic, period: Period):
    return MentionTopic.objects.filter(
        workspace=workspace,
        topic=topic,
        published_at__gte=period.start,
        published_at__lt=period.end,
    )


def author_totals(workspace: Workspace, topic: Topic, period: Period):  # noqa: ANN201 - values
    """The topic's authors by mentions in the period, most first (``author_handle``,
    ``network``, ``name``, ``n``), summed from the author days (read through their unique
    index, which starts with topic and day): never a count over the topic's links."""
    return (
        _days(workspace, period, AuthorDay, topic=topic)
        .values("network", "author_handle")
        .annotate(n=Sum("count"), name=Max("author_name"))
        .order_by("-n", "author_handle", "network")
    )


def top_authors(workspace: Workspace, topic: Topic, period: Period, limit: int = 10) -> list:
    return list(author_totals(workspace, topic, period)[:limit])


def tag_totals(workspace: Workspace, topic: Topic, period: Period, kind: str):  # noqa: ANN201 - values
    """The topic's hashtags (or links) by mentions in the period, most first (ties by value):
    each mention counts a value once (as ``rules.top_counts``), summed from the tag days (one
    range of their unique index: topic, kind, day), never read from the mentions."""
    return (
        _days(workspace, period, TagDay, topic=topic, kind=kind)
        .values_list("value")
        .annotate(n=Sum("count"))
        .order_by("-n", "value")
    )


def top_tags(
    workspace: Workspace, topic: Topic, period: Period, kind: str, limit: int = 10
) -> list[tuple[str, int]]:
    return [(value, n) for value, n in tag_totals(workspace, topic, period, kind)[:limit]]


def rising_texts(workspace: Workspace, topic: Topic, period: Period):  # noqa: ANN201 - values
    """The topic's newest texts of the period (at most ``RISING_SAMPLE`` are read), through the
    topic's links: their index gives the order (no sort), each mention read by its key."""
    return (
        _links_in(workspace, topic, period)
        .order_by("-published_at", "-mention_id")
        .values_list("mention__text", flat=True)
    )


def _texts(workspace: Workspace, topic: Topic, period: Period) -> list[str]:
    return list(rising_texts(workspace, topic, period)[:RISING_SAMPLE])


def topic_insights(workspace: Workspace, topic: Topic, period: Period) -> dict[str, Any]:
    """Top hashtags and links of the period (from the tag days), and the terms that rose most
    in the newest mentions vs the previous period's newest."""
    return {
        "hashtags": top_tags(workspace, topic, period, HASHTAG),
        "links": top_tags(workspace, topic, period, LINK),
        "rising": rules.rising_terms(
            _texts(workspace, topic, period),
            _texts(workspace, topic, period.previous),
            exclude=rules.terms(topic.query),
        ),
    }
