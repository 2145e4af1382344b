"""Measure per key message: how many posts carried each key message of the strategy in a
period, and what they earned (engagements from the followed posts' latest metrics).

A post is a published delivery; its key message is the content item's. Engagements are
``None`` ("—") when no post of the message has metrics yet — never a fake 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.core.models import Workspace
from koers.measurement.models import MeasuredPost
from koers.measurement.periods import Period
from koers.measurement.sources import published_deliveries


@dataclass(frozen=True)
class KeyMessageRow:
    key_message: str
    posts: int
    measured: int
    engagements: int | None

    @property
    def per_post(self) -> float | None:
        return (
            None
            if self.engagements is None or not self.measured
            else (self.engagements / self.measured)
        )


def per_key_message(
    workspace: Workspace, period: Period, campaign: str = ""
) -> list[KeyMessageRow]:
    """One row per key message with posts in the period (posts without one last, as "")."""
    deliveries = list(
        published_deliveries(workspace, period, campaign)
        .exclude(remote_id="")
        .values_list("channel__network", "remote_id", "item__key_message__text")
    )
    if not deliveries:
        return []
    remote_ids = {remote_id for _n, remote_id, _k in deliveries}
    engagements = {
        (network, remote_id): value
        for network, remote_id, value in MeasuredPost.objects.filter(
            workspace=workspace, remote_id__in=remote_ids
        ).values_list("network", "remote_id", "engagements")
    }
    grouped: dict[str, list[int | None]] = {}
    for network, remote_id, message in deliveries:
        grouped.setdefault(message or "", []).append(engagements.get((network, remote_id)))
    rows = []
    for message, values in grouped.items():
        known = [v for v in values if v is not None]
        rows.append(KeyMessageRow(message, len(values), len(known), sum(known) if known else None))
    return sorted(rows, key=lambda r: (r.key_message == "", -r.posts, r.key_message))
