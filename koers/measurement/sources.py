"""The one module through which measurement reads other apps' data.

Apps depend downward (ARCHITECTURE.md): measurement reads strategy, publishing, listening and the
network adapters; they never read measurement. Everything measurement needs from them goes
through the small typed functions here, so a change in another app's models touches one file.

Connected: listening (``DailyRollup`` → share of voice, net sentiment) and publishing
(published ``Delivery`` rows → followed posts; ``Channel`` + ``publisher_for`` → metric
collection), strategy (the active cycle's SMART objectives with their KPIs, funnel stages
with target counts), and the inbox (engagement ``InboxItem`` → response rate and time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext_lazy

from koers.core.models import Workspace
from koers.engagement.models import InboxItem
from koers.engagement.models import Status as InboxStatus
from koers.listening.models import DailyRollup, Mention, MentionTopic, Topic, TopicKind
from koers.listening.rollups import daily_rollups_ready
from koers.measurement import formulas
from koers.measurement.periods import Period
from koers.networks import catalog
from koers.networks.base import Publisher
from koers.publishing.adapters import publisher_for
from koers.publishing.models import Channel, Delivery, DeliveryState
from koers.strategy import actions as strategy_actions
from koers.strategy.models import Cycle, CycleStatus, Objective, ObjectiveKpi
from koers.strategy.models import FunnelStage as StrategyFunnelStage


@dataclass(frozen=True)
class MentionTotals:
    """Mention counts of one period from the listening rollups."""

    brand: int | None
    competitors: dict[str, int] = field(default_factory=dict)
    positive: int | None = None
    neutral: int | None = None
    negative: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class Responses:
    """Inbox figures of one period: answered / eligible and the reply durations in seconds."""

    answered: int
    eligible: int
    durations: list[float]


@dataclass(frozen=True)
class PublishedPost:
    """A post the publishing app published, as measurement follows it."""

    workspace_id: int
    network: str
    channel_key: str
    channel_name: str
    remote_id: str
    url: str
    published_at: datetime
    campaign: str = ""
    excerpt: str = ""


@dataclass(frozen=True)
class ConnectedAccount:
    """A connected channel; ``publisher()`` builds its network adapter (decrypting secrets)."""

    workspace_id: int
    network: str
    channel_key: str
    channel_name: str
    publisher: Callable[[], Publisher]


@dataclass(frozen=True)
class ObjectiveRef:
    """A SMART objective of the strategy app, as far as measurement needs it."""

    id: int
    title: str
    kpi: str
    variant: str | None
    baseline: float | None
    target: float | None
    start: date | None
    deadline: date | None
    campaign: str = ""


def utc_bounds(workspace: Workspace, period: Period) -> tuple[datetime, datetime]:
    """The period as a half-open UTC interval: local midnight of ``start`` to the day after
    ``end`` (DST-safe: each bound is converted on its own date)."""
    zone = ZoneInfo(workspace.time_zone)
    first = datetime.combine(period.start, time(0), tzinfo=zone)
    after = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=zone)
    return first, after


def mention_totals(workspace: Workspace, period: Period) -> MentionTotals | None:
    """Brand and competitor mentions and brand sentiment from the listening ``DailyRollup``.

    Topics of kind "brand" count as the brand, "competitor" topics each as one competitor;
    only topics marked "counts for share of voice". A mention matching two brand topics is
    counted in both (the rollups count per topic). ``None`` when there is no brand topic.
    Three queries (the first time, or after a zone change, the days are counted again first),
    independent of the number of mentions.
    """
    topics = list(
        Topic.objects.filter(
            workspace=workspace,
            kind__in=[TopicKind.BRAND, TopicKind.COMPETITOR],
            counts_for_share_of_voice=True,
        ).values_list("pk", "name", "kind")
    )
    if not any(kind == TopicKind.BRAND for _pk, _name, kind in topics):
        return None
    # The daily rollups: local days of the workspace's zone, a few rows per topic and day.
    daily_rollups_ready(workspace)
    cells = (
        DailyRollup.objects.filter(
            workspace=workspace,
            day__gte=period.start,
            day__lte=period.end,
            topic_id__in=[pk for pk, _name, _kind in topics],
        )
        .values("topic_id", "sentiment")
        .annotate(n=Sum("count"))
        .order_by()
    )
    kinds = {pk: (name, kind) for pk, name, kind in topics}
    brand, competitors = 0, {name: 0 for name, kind in kinds.values() if kind != TopicKind.BRAND}
    sentiment = {"positive": 0, "neutral": 0, "negative": 0}
    for cell in cells:
        name, kind = kinds[cell["topic_id"]]
        if kind == TopicKind.BRAND:
            brand += cell["n"]
            sentiment[cell["sentiment"]] = sentiment.get(cell["sentiment"], 0) + cell["n"]
        else:
            competitors[name] += cell["n"]
    return MentionTotals(
        brand=brand,
        competitors=competitors,
        positive=sentiment["positive"],
        neutral=sentiment["neutral"],
        negative=sentiment["negative"],
        total=brand,
    )


def responses(workspace: Workspace, period: Period) -> Responses | None:
    """Inbox response figures of the messages *received* in the period (local days).

    Eligible: every inbox item received in the period except those closed as needing no
    reply. Answered: the eligible items that are answered (from koers or elsewhere), with
    ``(received_at, answered_at)`` pairs for the durations. An answer stamped a moment before
    its message (two clocks: ours and the network's) counts as an immediate answer rather
    than failing the whole KPI. ``None`` when nothing eligible was received (no value, like
    a KPI without a source). One query.
    """
    first, after = utc_bounds(workspace, period)
    rows = list(
        InboxItem.objects.filter(workspace=workspace, received_at__gte=first, received_at__lt=after)
        .exclude(status=InboxStatus.CLOSED)
        .order_by()  # not the model's due-time order: every item of the period was sorted
        .values_list("status", "received_at", "answered_at")
    )
    if not rows:
        return None
    pairs = [
        (received, max(received, answered))
        for status, received, answered in rows
        if status == InboxStatus.ANSWERED and answered is not None
    ]
    return Responses(
        answered=len(pairs), eligible=len(rows), durations=formulas.response_durations(pairs)
    )


METRIC_NETWORKS = tuple(
    network
    for network in catalog.networks()
    if (declared := catalog.capabilities(network)) and "post" in declared.metrics
)
"""Networks whose adapters report post and account metrics (declared capability; webhooks
don't)."""


def published_posts(
    workspace: Workspace | None = None, *, since: datetime | None = None
) -> list[PublishedPost]:
    """Deliveries the publishing app published on a network with metrics, with remote ids
    (only those published at or after ``since`` if given)."""
    deliveries = (
        Delivery.objects.filter(state=DeliveryState.PUBLISHED, channel__network__in=METRIC_NETWORKS)
        .exclude(remote_id="")
        .exclude(published_at=None)
        .select_related("channel", "item", "item__campaign")
    )
    if workspace is not None:
        deliveries = deliveries.filter(workspace=workspace)
    if since is not None:
        deliveries = deliveries.filter(published_at__gte=since)
    return [
        PublishedPost(
            workspace_id=d.workspace_id,
            network=d.channel.network,
            channel_key=str(d.channel_id),
            channel_name=d.channel.name,
            remote_id=d.remote_id,
            url=d.remote_url,
            published_at=d.published_at,
            campaign=d.item.campaign.name if d.item.campaign else "",
            excerpt=(d.text() or d.item.title)[:200],
        )
        for d in deliveries
    ]


def published_deliveries(workspace: Workspace, period: Period, campaign: str = "") -> QuerySet:
    """Posts published in the period (local days) on any channel, from the publishing app's
    deliveries: a post counts the moment it is published, before its first metrics."""
    first, after = utc_bounds(workspace, period)
    deliveries = Delivery.objects.filter(
        workspace=workspace,
        state=DeliveryState.PUBLISHED,
        published_at__gte=first,
        published_at__lt=after,
    )
    if campaign:
        deliveries = deliveries.filter(item__campaign__name=campaign)
    return deliveries


def has_delivery() -> Exists:
    """For a query on ``MeasuredPost``: the post is a published delivery of the publishing app
    (posts followed otherwise — the demo's history, deliveries since deleted — have none)."""
    return Exists(
        Delivery.objects.filter(
            workspace=OuterRef("workspace"),
            remote_id=OuterRef("remote_id"),
            state=DeliveryState.PUBLISHED,
        )
    )


def connected_accounts(workspace: Workspace | None = None) -> list[ConnectedAccount]:
    """Channels of networks that report metrics (not demo channels, which point nowhere)."""
    channels = Channel.objects.filter(network__in=METRIC_NETWORKS, is_demo=False)
    if workspace is not None:
        channels = channels.filter(workspace=workspace)
    return [
        ConnectedAccount(
            workspace_id=c.workspace_id,
            network=c.network,
            channel_key=str(c.pk),
            channel_name=c.name,
            publisher=lambda channel=c: publisher_for(channel),
        )
        for c in channels
    ]


def _active_cycle(workspace: Workspace) -> Cycle | None:
    return Cycle.objects.filter(workspace=workspace, status=CycleStatus.ACTIVE).first()


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def objectives(workspace: Workspace) -> list[ObjectiveRef]:
    """One row per KPI of each SMART objective of the active strategy cycle.

    The objective's baseline (nulmeting) and target are measured in its own metric, which is
    its first KPI; further KPIs have no baseline of their own (``None``: progress can't be
    judged) and use their KPI target. Objectives without a KPI are left out (DOMAIN.md §1).
    """
    cycle = _active_cycle(workspace)
    if cycle is None:
        return []
    kpis = (
        ObjectiveKpi.objects.filter(workspace=workspace, objective__cycle=cycle)
        .select_related("objective")
        .order_by("objective__created_at", "objective_id", "id")
    )
    found: list[ObjectiveRef] = []
    seen: set[int] = set()
    for k in kpis:
        first = k.objective_id not in seen
        seen.add(k.objective_id)
        found.append(
            ObjectiveRef(
                id=k.objective_id,
                title=k.objective.title,
                kpi=k.kpi_id,
                variant=k.variant or None,
                baseline=_float(k.objective.baseline) if first else None,
                target=_float(
                    k.target if k.target is not None or not first else k.objective.target
                ),
                start=k.objective.start or cycle.period_start,
                deadline=k.objective.deadline or cycle.period_end,
            )
        )
    return found


def funnel_targets(workspace: Workspace) -> list[tuple[dict[str, str], int | None]] | None:
    """The active cycle's funnel stages (names as entered, in both languages) with target
    counts, or ``None`` without an active cycle."""
    cycle = _active_cycle(workspace)
    if cycle is None:
        return None
    stages = StrategyFunnelStage.objects.filter(workspace=workspace, cycle=cycle).order_by(
        "position"
    )
    return [({"en": s.name, "nl": s.name}, s.count) for s in stages] or None


def record_objective_result(
    workspace: Workspace, actor, objective_id: int, value: float | None, on: date
) -> None:  # noqa: ANN001
    """The evaluated value becomes the strategy objective's ``result`` (the next cycle's
    baseline), through the strategy app's own action: its lock checks and audit row apply."""
    objective = Objective.objects.get(workspace=workspace, pk=objective_id)
    result = None if value is None else Decimal(str(round(value, 2)))
    strategy_actions.record_objective_result(objective, actor, result=result, on=on)


def objective_in_active_cycle(workspace: Workspace, objective_id: int) -> bool:
    cycle = _active_cycle(workspace)
    return cycle is not None and cycle.objectives.filter(pk=objective_id).exists()


@dataclass(frozen=True)
class MentionRef:
    published_at: datetime
    network: str
    author: str
    text: str
    sentiment: str
    url: str
    topics: tuple[str, ...]

    @property
    def sentiment_label(self) -> str:
        return str(SENTIMENT_LABELS.get(self.sentiment, self.sentiment))


SENTIMENT_LABELS = {
    "positive": gettext_lazy("positive"),
    "neutral": gettext_lazy("neutral"),
    "negative": gettext_lazy("negative"),
}


def mentions_behind(
    workspace: Workspace, period: Period, *, sentiment: str = "", limit: int = 200
) -> list[MentionRef]:
    """Drill-down: the newest mentions of brand and competitor topics in the period (the ones
    share of voice and net sentiment count), optionally of one sentiment."""
    first, after = utc_bounds(workspace, period)
    # EXISTS instead of a join + DISTINCT: the newest rows come from the workspace's time
    # index and the scan stops at ``limit`` (no sort of every mention in the period).
    counted = MentionTopic.objects.filter(
        mention=OuterRef("pk"), topic__kind__in=[TopicKind.BRAND, TopicKind.COMPETITOR]
    )
    found = (
        Mention.objects.filter(
            Exists(counted), workspace=workspace, published_at__gte=first, published_at__lt=after
        )
        .order_by("-published_at", "-id")
        .prefetch_related("topics")
    )
    if sentiment:
        found = found.filter(sentiment=sentiment)
    return [
        MentionRef(
            published_at=m.published_at,
            network=m.network,
            author=m.author_handle,
            text=m.text[:280],
            sentiment=m.sentiment,
            url=m.url,
            topics=tuple(t.name for t in m.topics.all()),
        )
        for m in found[:limit]
    ]
