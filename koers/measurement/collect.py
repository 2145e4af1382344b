"""Metric collection: follow newly published posts, then ask each connected account's network
adapter for post and account metrics and store them as snapshots.

A failing network (expired token, instance down) is logged and skipped; the other accounts are
still collected, and the next run tries again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from koers.core.models import Workspace
from koers.measurement import actions, sources
from koers.measurement.models import MeasuredPost
from koers.networks.base import NetworkError

logger = logging.getLogger(__name__)

FOLLOW_DAYS = 90
"""Posts are re-measured for this many days after publication; later counts barely change."""

FRESH = timedelta(hours=2)
"""A post published this recently gets the follower count just measured as "followers at post
time" when none was known when it was first followed (collection runs hourly)."""


@dataclass
class CollectResult:
    new_posts: int = 0
    post_snapshots: int = 0
    account_snapshots: int = 0
    failures: int = 0


FIRST_METRICS_WINDOW = timedelta(hours=1)
"""A post published this recently without metrics gets its first ones from the frequent job
(``collect_fresh``); older posts wait for the hourly round (``collect_all``)."""


def sync_posts(result: CollectResult, since: datetime | None = None) -> None:
    """Follow every published post of every workspace that isn't followed yet (only those
    published at or after ``since`` if given)."""
    by_workspace: dict[int, list[sources.PublishedPost]] = {}
    for post in sources.published_posts(since=since):
        by_workspace.setdefault(post.workspace_id, []).append(post)
    for workspace in Workspace.objects.filter(pk__in=by_workspace):
        result.new_posts += actions.track_posts(workspace, by_workspace[workspace.pk])


def collect_account(
    workspace: Workspace,
    account: sources.ConnectedAccount,
    now: datetime,
    result: CollectResult,
    remote_ids: list[str] | None = None,
) -> None:
    """Snapshot the account and its followed posts (only ``remote_ids`` if given)."""
    started = time.monotonic()
    if remote_ids is None:
        remote_ids = list(
            MeasuredPost.objects.filter(
                workspace=workspace,
                channel_key=account.channel_key,
                published_at__gte=now - timedelta(days=FOLLOW_DAYS),
            ).values_list("remote_id", flat=True)
        )
    try:
        publisher = account.publisher()
        followers = publisher.fetch_account_metrics()
        metrics = publisher.fetch_post_metrics(remote_ids) if remote_ids else []
    except NetworkError as error:
        result.failures += 1
        logger.warning("metrics of channel %s failed: %s", account.channel_key, error)
        return
    actions.record_account_metrics(
        workspace,
        followers,
        network=account.network,
        channel_key=account.channel_key,
        channel_name=account.channel_name,
        taken_at=now,
    )
    result.account_snapshots += 1
    if followers.followers is not None:
        MeasuredPost.objects.filter(
            workspace=workspace,
            channel_key=account.channel_key,
            followers_at_post=None,
            published_at__gte=now - FRESH,
        ).update(followers_at_post=followers.followers)
    result.post_snapshots += actions.record_post_metrics(
        workspace, metrics, network=account.network, taken_at=now
    )
    logger.info(
        "metrics of channel %s: %d posts in %.2fs",
        account.channel_key,
        len(metrics),
        time.monotonic() - started,
    )


def collect_all(now: datetime | None = None) -> CollectResult:
    now = now or timezone.now()
    result = CollectResult()
    sync_posts(result)
    accounts = sources.connected_accounts()
    workspaces = Workspace.objects.in_bulk({a.workspace_id for a in accounts})
    for account in accounts:
        collect_account(workspaces[account.workspace_id], account, now, result)
    return result


def collect_fresh(now: datetime | None = None) -> CollectResult:
    """First metrics of the posts published in the last hour that have none yet.

    Runs every few minutes, so the dashboard and report show a new post minutes after it is
    published instead of at the next hourly round. Accounts without such a post are left to
    ``collect_all``: with nothing new, this costs two queries.
    """
    now = now or timezone.now()
    since = now - FIRST_METRICS_WINDOW
    result = CollectResult()
    sync_posts(result, since=since)
    waiting: dict[tuple[int, str], list[str]] = {}
    for workspace_id, channel_key, remote_id in MeasuredPost.objects.filter(
        metrics_at=None, published_at__gte=since
    ).values_list("workspace_id", "channel_key", "remote_id"):
        waiting.setdefault((workspace_id, channel_key), []).append(remote_id)
    if not waiting:
        return result
    accounts = [
        a for a in sources.connected_accounts() if (a.workspace_id, a.channel_key) in waiting
    ]
    workspaces = Workspace.objects.in_bulk({a.workspace_id for a in accounts})
    for account in accounts:
        remote_ids = waiting[(account.workspace_id, account.channel_key)]
        collect_account(workspaces[account.workspace_id], account, now, result, remote_ids)
    return result
