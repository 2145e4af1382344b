"""The one module through which measurement reads other apps' data.

Apps depend downward (ARCHITECTURE.md): measurement reads strategy, publishing, listening and the
network adapters; they never read measurement. Everything measurement needs from them goes
through the small typed functions here, so a change in another app's models touches one file.

What is connected so far is documented per function; a function whose source app has no models
yet returns "nothing known" (``None`` or an empty list), which the KPI layer shows as "no value".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from koers.core.models import Workspace
from koers.measurement.periods import Period
from koers.networks.base import AccountMetrics, PostMetrics


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
    """A connected channel with a way to reach its network adapter."""

    workspace_id: int
    network: str
    channel_key: str
    channel_name: str
    fetch_post_metrics: Callable[[list[str]], list[PostMetrics]]
    fetch_account_metrics: Callable[[], AccountMetrics]


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


def mention_totals(workspace: Workspace, period: Period) -> MentionTotals | None:
    """Brand/competitor and sentiment counts from the listening rollups.

    Not connected yet: the listening app has no rollup model on ``main``. Returns ``None``.
    """
    return None


def responses(workspace: Workspace, period: Period) -> Responses | None:
    """Inbox response figures. Not connected: the engagement (inbox) app doesn't exist yet."""
    return None


def published_posts(workspace: Workspace | None = None) -> list[PublishedPost]:
    """Successfully published posts with their remote ids (all workspaces when ``None``).

    Not connected yet: the publishing app has no publish-attempt model on ``main``.
    """
    return []


def connected_accounts(workspace: Workspace | None = None) -> list[ConnectedAccount]:
    """Channels with credentials, each with its network adapter's metric calls.

    Not connected yet: the publishing app has no channel model on ``main``.
    """
    return []


def objectives(workspace: Workspace) -> list[ObjectiveRef]:
    """SMART objectives of the workspace's current cycle.

    Not connected yet: the strategy app has no objective model on ``main``.
    """
    return []


def funnel_targets(workspace: Workspace) -> list[tuple[dict[str, str], int | None]] | None:
    """The strategy's funnel stages (bilingual names) with target counts, or ``None``.

    Not connected yet: the strategy app has no funnel model on ``main``.
    """
    return None
