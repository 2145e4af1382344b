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

from django.db import connection, transaction
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
    """Add ``deltas`` to the stored cells in one upsert per 500 cells
    (``INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count``, the same SQL on
    SQLite and PostgreSQL); cells that reach 0 are removed."""
    deltas = {cell: d for cell, d in deltas.items() if d}
    if not deltas:
        return
    table = connection.ops.quote_name(HourlyRollup._meta.db_table)
    hour_field = HourlyRollup._meta.get_field("hour")
    cells = list(deltas.items())
    for start in range(0, len(cells), 500):
        chunk = cells[start : start + 500]
        params: list[object] = []
        for (topic_id, hour, network, lang, sentiment), delta in chunk:
            params += [
                workspace.pk,
                topic_id,
                hour_field.get_db_prep_value(hour, connection),
                network,
                lang,
                sentiment,
                delta,
            ]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (workspace_id, topic_id, hour, network, lang, sentiment,"  # noqa: S608 - table name from the model, values are parameters
                f" count) VALUES {values} ON CONFLICT (topic_id, hour, network, lang, sentiment)"
                f" DO UPDATE SET count = {table}.count + excluded.count",
                params,
            )
    if any(d < 0 for d in deltas.values()):
        touched = {(c[0], c[1]) for c, d in deltas.items() if d < 0}
        for topic_id, hour in touched:
            HourlyRollup.objects.filter(topic_id=topic_id, hour=hour, count__lte=0).delete()


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
