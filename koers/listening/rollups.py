"""Hourly rollups per topic × network × language × sentiment: incremental and rebuildable.

Contract: after any sequence of pipeline runs, replays and sentiment corrections,
``rollup_cells(ws) == recount(ws)``. ``apply_deltas`` runs inside the transaction that changed
the mentions; its increments are atomic upserts in the database, so concurrent writers never
lose a count. ``rebuild_rollups`` and the pipeline take the workspace lock so a rebuild never
interleaves with a batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Max, Sum
from django.db.models.functions import TruncDate, TruncHour

from koers.core.models import Workspace
from koers.listening.models import (
    HASHTAG,
    LINK,
    TAG_LENGTH,
    AuthorDay,
    DailyRollup,
    HourlyRollup,
    MentionTopic,
    RollupZone,
    TagDay,
)

#: (topic_id, hour, network, lang, sentiment)
Cell = tuple[int, datetime, str, str, str]
#: (topic_id, local day, sentiment)
DayCell = tuple[int, date, str]
#: (topic_id, the mention's published time, network, author handle): a change of the links
AuthorDelta = tuple[int, datetime, str, str]
#: (topic_id, local day, network, author handle)
AuthorCell = tuple[int, date, str, str]
#: (topic_id, the mention's published time, HASHTAG or LINK, value): a change of the links
TagDelta = tuple[int, datetime, str, str]
#: (topic_id, HASHTAG or LINK, local day, value)
TagCell = tuple[int, str, date, str]


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def lock_workspace(workspace: Workspace) -> None:
    """Serialise writers of one workspace's mentions and rollups (PostgreSQL row lock; SQLite
    runs IMMEDIATE transactions, which already admit one writer at a time)."""
    list(Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk"))


def _add_counts(
    model: Any,
    workspace: Workspace,
    key: tuple[str, ...],
    rows: Iterable[tuple[tuple, int]],
    *,
    latest: tuple[str, ...] = (),
) -> None:
    """Add positive deltas to a count table in one upsert per 500 cells (``INSERT … ON
    CONFLICT (key) DO UPDATE SET count = count + excluded.count``, the same SQL on SQLite and
    PostgreSQL). ``rows``: (the values of ``key`` and ``latest``, delta); the ``latest``
    columns take the value of the newest delta (the author's name)."""
    rows = list(rows)
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = (*key, *latest)
    fields = {f.column: f for f in model._meta.concrete_fields}
    # Dates and times go through their field, as the ORM would; the rest are plain values.
    dated = [isinstance(fields[c], DateField) for c in columns]
    one = "(" + ", ".join(["%s"] * (len(columns) + 2)) + ")"
    update = ", ".join(
        [f"count = {table}.count + excluded.count"] + [f"{c} = excluded.{c}" for c in latest]
    )
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        params: list[object] = []
        for values, delta in chunk:
            params.append(workspace.pk)
            params += [
                fields[c].get_db_prep_value(v, connection) if d else v
                for c, v, d in zip(columns, values, dated, strict=True)
            ]
            params.append(delta)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (workspace_id, {', '.join(columns)}, count)"  # noqa: S608 - names from the model, values are parameters
                f" VALUES {', '.join([one] * len(chunk))}"
                f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {update}",
                params,
            )


def _subtract_counts(model: Any, key: tuple[str, ...], cells: Mapping[tuple, int]) -> None:
    """Take the negative deltas of ``cells`` off their cells in place; a cell reaching 0 is
    removed. A decrement that finds no cell is left alone: the days are then out of date (no
    ``RollupZone`` yet, or another zone) and are counted again before they are read."""
    for values, delta in cells.items():
        if delta < 0:
            cell = model.objects.filter(**dict(zip(key, values, strict=True)))
            cell.filter(count__gte=-delta).update(count=F("count") + delta)
            cell.filter(count__lte=0).delete()


def apply_deltas(workspace: Workspace, deltas: Mapping[Cell, int]) -> None:
    """Add ``deltas`` to the stored cells in one upsert per 500 cells
    (``INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count``, the same SQL on
    SQLite and PostgreSQL); cells that reach 0 are removed."""
    _apply_daily(workspace, daily_deltas(deltas, ZoneInfo(workspace.time_zone)))
    decrements = {cell: d for cell, d in deltas.items() if d < 0}
    deltas = {cell: d for cell, d in deltas.items() if d > 0}
    _decrement(decrements)
    _add_counts(
        HourlyRollup, workspace, ("topic_id", "hour", "network", "lang", "sentiment"),
        deltas.items(),
    )  # fmt: skip


def _decrement(decrements: Mapping[Cell, int]) -> None:
    """Subtract from existing cells (sentiment corrections); a cell reaching 0 is removed."""
    for (topic_id, hour, network, lang, sentiment), delta in decrements.items():
        cell = HourlyRollup.objects.filter(
            topic_id=topic_id, hour=hour, network=network, lang=lang, sentiment=sentiment
        )
        if cell.filter(count__gte=-delta).update(count=F("count") + delta) != 1:
            raise ValueError(f"rollup cell {topic_id}/{hour}/{sentiment} would go below zero")
        cell.filter(count=0).delete()


def daily_deltas(deltas: Mapping[Cell, int], zone: ZoneInfo) -> dict[DayCell, int]:
    """The hourly deltas summed per topic × local day (of the hour's start) × sentiment."""
    days: dict[datetime, date] = {}
    out: Counter = Counter()
    for (topic_id, hour, _network, _lang, sentiment), delta in deltas.items():
        day = days.get(hour)
        if day is None:
            day = days[hour] = hour.astimezone(zone).date()
        out[(topic_id, day, sentiment)] += delta
    return {cell: d for cell, d in out.items() if d}


def _apply_daily(workspace: Workspace, deltas: Mapping[DayCell, int]) -> None:
    """Add ``deltas`` to the daily cells (an upsert per 500 cells, like the hourly ones). A
    decrement that finds no cell is left alone: the days are then out of date (no
    ``RollupZone`` yet, or another zone) and are rebuilt before they are read."""
    key = ("topic_id", "day", "sentiment")
    _add_counts(DailyRollup, workspace, key, [(cell, d) for cell, d in deltas.items() if d > 0])
    _subtract_counts(DailyRollup, key, deltas)


def daily_recount(workspace: Workspace, zone: ZoneInfo) -> dict[DayCell, int]:
    """The daily cells summed from the hourly ones (the truth the daily rollups must equal)."""
    rows = (
        HourlyRollup.objects.filter(workspace=workspace)
        .values_list("topic_id", "hour", "sentiment")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return daily_deltas({(t, hour_of(h), "", "", s): n for t, h, s, n in rows}, zone)


def daily_cells(workspace: Workspace) -> dict[DayCell, int]:
    rows = DailyRollup.objects.filter(workspace=workspace).values_list(
        "topic_id", "day", "sentiment", "count"
    )
    return {(t, d, s): n for t, d, s, n in rows}


def daily_rollups_ready(workspace: Workspace) -> None:
    """Make sure the daily rollups are counted in the workspace's current time zone: one
    query when they are; otherwise (first use, or the zone changed) rebuilt from the hourly
    cells under the workspace lock."""
    if RollupZone.objects.filter(workspace=workspace, zone=workspace.time_zone).exists():
        return
    rebuild_daily(workspace)


def days_counted(workspace: Workspace) -> None:
    """Before the pages read the days: count them on first use (a workspace without days yet).
    After a change of time zone the days are counted again in the background
    (:func:`zone_changed`): at a million mentions that takes a minute, too long for a page, so
    until then the pages read the days as they are (counted in the old zone, plus what came
    in since)."""
    if not RollupZone.objects.filter(workspace=workspace).exists():
        rebuild_daily(workspace)


def zone_changed(
    sender: object, instance: Workspace, created: bool = False, **kwargs: object
) -> None:
    """``post_save`` of a workspace (connected in ``ListeningConfig.ready``): when its time
    zone is no longer the one its days are counted in, count them again in a task, after the
    save is committed."""
    fields = kwargs.get("update_fields")
    if created or (fields is not None and "time_zone" not in fields):
        return
    stale = RollupZone.objects.filter(workspace=instance).exclude(zone=instance.time_zone)
    if stale.exists():
        from koers.listening.tasks import count_days_again

        transaction.on_commit(lambda: count_days_again.enqueue(instance.pk))


@transaction.atomic
def rebuild_daily(workspace: Workspace) -> int:
    """Count the workspace's days (``DailyRollup`` and ``AuthorDay``) again in its current
    time zone."""
    lock_workspace(workspace)
    DailyRollup.objects.filter(workspace=workspace).delete()
    cells = daily_recount(workspace, ZoneInfo(workspace.time_zone))
    DailyRollup.objects.bulk_create(
        [
            DailyRollup(workspace=workspace, topic_id=t, day=d, sentiment=s, count=n)
            for (t, d, s), n in cells.items()
        ],
        batch_size=1000,
    )
    _rebuild_author_days(workspace, ZoneInfo(workspace.time_zone))
    _rebuild_tag_days(workspace, ZoneInfo(workspace.time_zone))
    RollupZone.objects.update_or_create(workspace=workspace, defaults={"zone": workspace.time_zone})
    return len(cells)


# ---------------------------------------------------------------------------------------------
# Authors per topic and local day (the topic page's top authors)
# ---------------------------------------------------------------------------------------------
def author_days(deltas: Mapping[AuthorDelta, int], zone: ZoneInfo) -> dict[AuthorCell, int]:
    """The link deltas summed per topic × local day (of the mention's time) × network × author."""
    out: Counter = Counter()
    for (topic_id, moment, network, handle), delta in deltas.items():
        out[(topic_id, moment.astimezone(zone).date(), network, handle)] += delta
    return {cell: d for cell, d in out.items() if d}


def apply_author_deltas(
    workspace: Workspace,
    deltas: Mapping[AuthorDelta, int],
    names: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """Add link deltas to the workspace's ``AuthorDay`` cells, in the transaction that changed
    the links: increments as upserts per 500 cells (``names``: (network, handle) → the name
    to show), decrements in place; a cell reaching 0 is removed. As with the daily cells, a
    decrement that finds no cell means the days are out of date and will be rebuilt."""
    names = names or {}
    cells = author_days(deltas, ZoneInfo(workspace.time_zone))
    key = ("topic_id", "day", "network", "author_handle")
    _add_counts(
        AuthorDay, workspace, key,
        [
            ((*cell, names.get((cell[2], cell[3]), "")[:200]), d)
            for cell, d in cells.items()
            if d > 0
        ],
        latest=("author_name",),
    )  # fmt: skip
    _subtract_counts(AuthorDay, key, cells)


def _author_groups(workspace: Workspace, zone: ZoneInfo):  # noqa: ANN202 - a values queryset
    """The workspace's links counted per topic × local day × network × author (with one of
    the author's names), in the database."""
    return (
        MentionTopic.objects.filter(workspace=workspace)
        .annotate(day=TruncDate("published_at", tzinfo=zone))
        .values_list("topic_id", "day", "mention__network", "mention__author_handle")
        .annotate(n=Count("id"), name=Max("mention__author_name"))
        .order_by()
    )


def author_recount(workspace: Workspace, zone: ZoneInfo) -> dict[AuthorCell, int]:
    """The author days counted from the raw links and mentions (the truth ``AuthorDay`` must
    equal)."""
    return {(t, d, net, h): n for t, d, net, h, n, _name in _author_groups(workspace, zone)}


def author_cells(workspace: Workspace) -> dict[AuthorCell, int]:
    rows = AuthorDay.objects.filter(workspace=workspace).values_list(
        "topic_id", "day", "network", "author_handle", "count"
    )
    return {(t, d, net, h): n for t, d, net, h, n in rows}


@transaction.atomic
def rebuild_author_days(workspace: Workspace) -> None:
    """Count the author and tag days again from the links (after mentions were deleted or had
    their author removed outside the pipeline: retention, a person's erasure request), so no
    handle outlives its mentions here."""
    lock_workspace(workspace)
    zone = RollupZone.objects.filter(workspace=workspace).values_list("zone", flat=True).first()
    _rebuild_author_days(workspace, ZoneInfo(zone or workspace.time_zone))
    _rebuild_tag_days(workspace, ZoneInfo(zone or workspace.time_zone))


def take_out_of_days(
    workspace: Workspace, mention_ids: Iterable[int], *, emptied: Iterable[int] = ()
) -> None:
    """Take mentions out of the author and tag days before they are deleted, or emptied
    (``emptied``: those kept, with their author, hashtags and links removed, which then count
    for the empty handle), so the days equal a recount afterwards without counting them all
    again (an erasure request: a minute at a million mentions). The hourly and daily counts
    stay. Call it in the transaction that changes the mentions."""
    emptied = set(emptied)
    authors: Counter = Counter()
    tags: Counter = Counter()
    ids = list(dict.fromkeys(mention_ids))
    lock_workspace(workspace)
    for start in range(0, len(ids), 500):
        links = MentionTopic.objects.filter(
            workspace=workspace, mention_id__in=ids[start : start + 500]
        ).values_list(
            "mention_id",
            "topic_id",
            "published_at",
            "mention__network",
            "mention__author_handle",
            "mention__hashtags",
            "mention__links",
        )
        for mention_id, topic_id, moment, network, handle, hashtags, urls in links:
            authors[(topic_id, moment, network, handle)] -= 1
            if mention_id in emptied:
                authors[(topic_id, moment, network, "")] += 1
            tags.update(tag_deltas([topic_id], moment, hashtags, urls, -1))
    apply_author_deltas(workspace, authors)
    apply_tag_deltas(workspace, tags)


def _rebuild_author_days(workspace: Workspace, zone: ZoneInfo) -> None:
    """Replace the workspace's author days by a recount, in one INSERT … SELECT (the counts
    never leave the database)."""
    AuthorDay.objects.filter(workspace=workspace).delete()
    sql, params = _author_groups(workspace, zone).query.sql_with_params()
    table = connection.ops.quote_name(AuthorDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (topic_id, day, network, author_handle, count, author_name,"  # noqa: S608 - table name from the model, the query from the ORM
            f" workspace_id) SELECT cells.*, %s FROM ({sql}) cells",
            [workspace.pk, *params],
        )


# ---------------------------------------------------------------------------------------------
# Hashtags and links per topic and local day (the topic page's top hashtags and links)
# ---------------------------------------------------------------------------------------------
def tags_of(hashtags: Iterable[str], links: Iterable[str]) -> set[tuple[str, str]]:
    """What one mention adds to its topics' tag days: each hashtag and link once (cut to
    ``TAG_LENGTH``), as (HASHTAG or LINK, value)."""
    found = {(HASHTAG, str(tag)[:TAG_LENGTH]) for tag in hashtags or () if tag}
    return found | {(LINK, str(link)[:TAG_LENGTH]) for link in links or () if link}


def tag_deltas(
    topic_ids: Iterable[int],
    moment: datetime,
    hashtags: Iterable[str],
    links: Iterable[str],
    sign: int = 1,
) -> Counter:
    """The tag deltas of one mention linked to ``topic_ids`` (``sign`` -1: unlinked)."""
    tags = tags_of(hashtags, links)
    return Counter({(t, moment, kind, value): sign for t in topic_ids for kind, value in tags})


def tag_days(deltas: Mapping[TagDelta, int], zone: ZoneInfo) -> dict[TagCell, int]:
    """The tag deltas summed per topic × kind × local day (of the mention's time) × value."""
    out: Counter = Counter()
    days: dict[datetime, date] = {}
    for (topic_id, moment, kind, value), delta in deltas.items():
        day = days.get(moment)
        if day is None:
            day = days[moment] = moment.astimezone(zone).date()
        out[(topic_id, kind, day, value)] += delta
    return {cell: d for cell, d in out.items() if d}


def apply_tag_deltas(workspace: Workspace, deltas: Mapping[TagDelta, int]) -> None:
    """Add tag deltas to the workspace's ``TagDay`` cells, in the transaction that changed the
    links (as :func:`apply_author_deltas`: upserts per 500 cells, decrements in place, a cell
    reaching 0 removed; a decrement that finds no cell means the days are out of date and will
    be rebuilt)."""
    cells = tag_days(deltas, ZoneInfo(workspace.time_zone))
    key = ("topic_id", "kind", "day", "value")
    _add_counts(TagDay, workspace, key, [(cell, d) for cell, d in cells.items() if d > 0])
    _subtract_counts(TagDay, key, cells)


def tag_recount(workspace: Workspace, zone: ZoneInfo) -> dict[TagCell, int]:
    """The tag days counted from the raw links and mentions (the truth ``TagDay`` must equal),
    read in chunks (hashtags and links are JSON lists: counted here, the same on SQLite and
    PostgreSQL)."""
    rows = (
        MentionTopic.objects.filter(workspace=workspace)
        .order_by()
        .values_list("topic_id", "published_at", "mention__hashtags", "mention__links")
    )
    out: Counter = Counter()
    for topic_id, moment, hashtags, links in rows.iterator(chunk_size=5000):
        day = moment.astimezone(zone).date()
        out.update((topic_id, kind, day, value) for kind, value in tags_of(hashtags, links))
    return dict(out)


def tag_cells(workspace: Workspace) -> dict[TagCell, int]:
    rows = TagDay.objects.filter(workspace=workspace).values_list(
        "topic_id", "kind", "day", "value", "count"
    )
    return {(t, k, d, v): n for t, k, d, v, n in rows}


def _rebuild_tag_days(workspace: Workspace, zone: ZoneInfo) -> None:
    """Replace the workspace's tag days by a recount, in one INSERT … SELECT per kind: the
    mentions' JSON lists are unnested by the database (``json_each`` on SQLite,
    ``jsonb_array_elements_text`` on PostgreSQL) and each value counted once per mention, cut
    to ``TAG_LENGTH``, as :func:`tags_of` does (:func:`tag_recount` is the same count in
    Python, the truth the tests compare with). The counts never leave the database."""
    TagDay.objects.filter(workspace=workspace).delete()
    table = connection.ops.quote_name(TagDay._meta.db_table)
    for kind, field in ((HASHTAG, "hashtags"), (LINK, "links")):
        links = (
            MentionTopic.objects.filter(workspace=workspace)
            .annotate(day=TruncDate("published_at", tzinfo=zone), tags=F(f"mention__{field}"))
            .values_list("topic_id", "day", "mention_id", "tags")
            .order_by()
        )
        sql, params = links.query.sql_with_params()
        if connection.vendor == "postgresql":
            unnest = "CROSS JOIN LATERAL jsonb_array_elements_text(cells.tags) AS tag(value)"
        else:
            unnest = ", json_each(cells.tags) AS tag"
        value = f"SUBSTR(tag.value, 1, {TAG_LENGTH})"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (workspace_id, topic_id, kind, day, value, count)"  # noqa: S608 - table name from the model, the query from the ORM
                f" SELECT %s, cells.topic_id, %s, cells.day, {value},"
                f" COUNT(DISTINCT cells.mention_id) FROM ({sql}) cells {unnest}"
                f" WHERE tag.value IS NOT NULL AND tag.value <> ''"
                f" GROUP BY cells.topic_id, cells.day, {value}",
                [workspace.pk, kind, *params],
            )


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
    rebuild_daily(workspace)
    return len(cells)


def totals(workspace: Workspace, start: datetime, end: datetime, **filters: object) -> Counter:
    """Mentions per topic id in [start, end) from the rollups."""
    rows = (
        HourlyRollup.objects.filter(workspace=workspace, hour__gte=start, hour__lt=end, **filters)
        .values_list("topic_id")
        .annotate(n=Sum("count"))
    )
    return Counter(dict(rows))
