"""Hourly rollups per topic × network × language × sentiment: incremental and rebuildable.

Contract: after any sequence of pipeline runs, replays and sentiment corrections,
``rollup_cells(ws) == recount(ws)``. ``apply_deltas`` must run inside the transaction that
changed the mentions, while the workspace row is locked (see ``lock_workspace``), so two
writers never read the same old count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncHour

from koers.core.models import Workspace
from koers.listening.models import HourlyRollup, MentionTopic

#: (topic_id, hour, network, lang, sentiment)
Cell = tuple[int, datetime, str, str, str]


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def lock_workspace(workspace: Workspace) -> None:
    """Serialise writers of one workspace's mentions and rollups (PostgreSQL row lock; SQLite
    runs IMMEDIATE transactions, which already admit one writer at a time)."""
    list(Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk"))


def apply_deltas(workspace: Workspace, deltas: Mapping[Cell, int]) -> None:
    """Add ``deltas`` to the stored cells; cells that reach 0 are removed."""
    deltas = {cell: d for cell, d in deltas.items() if d}
    if not deltas:
        return
    topics = {c[0] for c in deltas}
    hours = {c[1] for c in deltas}
    existing: dict[Cell, HourlyRollup] = {}
    hour_list = sorted(hours)
    for start in range(0, len(hour_list), 500):
        rows = HourlyRollup.objects.filter(
            workspace=workspace, topic_id__in=topics, hour__in=hour_list[start : start + 500]
        )
        for row in rows:
            existing[(row.topic_id, row.hour, row.network, row.lang, row.sentiment)] = row
    to_update, to_create, to_delete = [], [], []
    for cell, delta in deltas.items():
        row = existing.get(cell)
        if row is None:
            if delta < 0:
                raise ValueError(f"rollup cell {cell} would go below zero")
            topic_id, hour, network, lang, sentiment = cell
            to_create.append(
                HourlyRollup(
                    workspace=workspace,
                    topic_id=topic_id,
                    hour=hour,
                    network=network,
                    lang=lang,
                    sentiment=sentiment,
                    count=delta,
                )
            )
            continue
        row.count += delta
        if row.count < 0:
            raise ValueError(f"rollup cell {cell} would go below zero")
        (to_update if row.count else to_delete).append(row)
    if to_create:
        HourlyRollup.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        HourlyRollup.objects.bulk_update(to_update, ["count"], batch_size=500)
    if to_delete:
        HourlyRollup.objects.filter(pk__in=[r.pk for r in to_delete]).delete()


def recount(workspace: Workspace) -> dict[Cell, int]:
    """The cells counted from the raw mention/topic rows (the truth the rollups must equal)."""
    rows = (
        MentionTopic.objects.filter(workspace=workspace)
        .annotate(hour=TruncHour("mention__published_at", tzinfo=UTC))
        .values_list("topic_id", "hour", "mention__network", "mention__lang", "mention__sentiment")
        .annotate(n=Count("id"))
    )
    return {(t, hour_of(h), net, lang, s): n for t, h, net, lang, s, n in rows}


def rollup_cells(workspace: Workspace) -> dict[Cell, int]:
    rows = HourlyRollup.objects.filter(workspace=workspace).values_list(
        "topic_id", "hour", "network", "lang", "sentiment", "count"
    )
    return {(t, hour_of(h), net, lang, s): n for t, h, net, lang, s, n in rows}


@transaction.atomic
def rebuild_rollups(workspace: Workspace) -> int:
    """Replace the workspace's rollups by a recount; returns the number of cells."""
    lock_workspace(workspace)
    HourlyRollup.objects.filter(workspace=workspace).delete()
    cells = recount(workspace)
    HourlyRollup.objects.bulk_create(
        [
            HourlyRollup(
                workspace=workspace,
                topic_id=t,
                hour=h,
                network=net,
                lang=lang,
                sentiment=s,
                count=n,
            )
            for (t, h, net, lang, s), n in cells.items()
        ],
        batch_size=1000,
    )
    return len(cells)


def totals(workspace: Workspace, start: datetime, end: datetime, **filters: object) -> Counter:
    """Mentions per topic id in [start, end) from the rollups."""
    rows = (
        HourlyRollup.objects.filter(workspace=workspace, hour__gte=start, hour__lt=end, **filters)
        .values_list("topic_id")
        .annotate(n=Sum("count"))
    )
    return Counter(dict(rows))
