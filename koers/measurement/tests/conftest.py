"""Measurement fixtures: posts with known counts, so every expected KPI can be computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from koers.measurement import actions
from koers.measurement.models import MeasuredPost
from koers.measurement.sources import PublishedPost
from koers.networks.base import PostMetrics


def add_post(
    workspace,
    remote_id: str,
    published_at: datetime,
    *,
    network: str = "mastodon",
    channel: str = "Mastodon @gemeente",
    campaign: str = "",
    followers: int | None = None,
    **counts,
) -> MeasuredPost:
    """Follow a post and record one snapshot with ``counts`` (missing counts: unavailable)."""
    post = actions.track_post(
        workspace,
        PublishedPost(
            workspace_id=workspace.pk,
            network=network,
            channel_key=channel,
            channel_name=channel,
            remote_id=remote_id,
            url=f"https://social.example/{remote_id}",
            published_at=published_at,
            campaign=campaign,
            excerpt=f"Bericht {remote_id}",
        ),
    )
    if followers is not None:
        post.followers_at_post = followers
        post.save(update_fields=["followers_at_post"])
    actions.record_post_metrics(
        workspace, [PostMetrics(remote_id=remote_id, **counts)], network=network
    )
    post.refresh_from_db()
    return post


@pytest.fixture
def october_posts(acme):
    """Two October posts in Acme:

    p1: likes 10, replies 2, reposts 3, quotes unknown, reach 200, impressions 400, 1000 followers
    p2: likes 4, replies 0, reposts 1, quotes 2, reach/impressions unknown, followers unknown
    """
    p1 = add_post(
        acme, "p1", datetime(2026, 10, 5, 8, 30, tzinfo=UTC), followers=1000,
        likes=10, replies=2, reposts=3, reach=200, impressions=400,
    )  # fmt: skip
    p2 = add_post(
        acme, "p2", datetime(2026, 10, 12, 15, 0, tzinfo=UTC), network="bluesky",
        channel="Bluesky @gemeente", likes=4, replies=0, reposts=1, quotes=2,
    )  # fmt: skip
    return p1, p2


OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The cast's accounts are created with the default (slow on purpose) hasher otherwise.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
