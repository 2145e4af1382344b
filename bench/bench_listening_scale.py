"""Benchmark of listening at scale: ingest rate and page latency as a workspace grows.

Run: ``.venv/bin/python bench/bench_listening_scale.py [--sizes 10000,100000,1000000]
[--db sqlite,postgres] [--batch 5000] [--requests 10] [--timeout 1800]
[--generate series|copy|insert] [--plans FILE]``; 10M on PostgreSQL (~15 minutes):
``--db postgres --sizes 10000,100000,1000000,10000000``.

For each database (a throwaway SQLite file; for PostgreSQL a new database ``koers_scale_<pid>``
on the server of ``BENCH_POSTGRES_URL``/``DATABASE_URL``, dropped afterwards, skipped when the
server can't be reached) a child process migrates, makes one workspace with 50 topics and grows
it to each size in turn: mentions are generated directly (on SQLite plain multi-row INSERTs;
on PostgreSQL made by the server with ``INSERT … SELECT … FROM generate_series`` and the bulk
tables' non-unique indexes dropped for the load and created again after it, or with
``--generate copy`` ``COPY … FROM STDIN`` from Python, or ``--generate insert`` as SQLite;
with their topic links, rollups and one inbox item per 200 mentions; the rollups are checked
against a recount up to 100k), then ``--batch`` generated posts are imported through the full
pipeline (mentions/s at that size), then each page is requested ``--requests`` times through
Django's test client, logged in (p50/p95 in ms, with the median SQL time, queries and CPU time
of the page, and the load average: on a shared machine the wall-clock figures include the wait
for a core). The curve is printed per database. Goal (issue 15): p95 under 300 ms per page at
1M mentions, and the ingest rate falling by no more than a third from 100k to 1M. Each child
stops after ``--timeout`` seconds; the figures measured until then are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/koers_dev"
TOPICS = 50
WORDS = [
    "fiets",
    "parkeren",
    "vergunning",
    "afval",
    "park",
    "gemeente",
    "raad",
    "service",
    "snel",
    "kapot",
    "mooi",
]


def _link(i: int) -> str:
    """The link of generated mention ``i`` (a few hundred news pages, shared)."""
    return f"https://nieuws.example/{i % 211}"


def _generate(workspace, topics, source, first: int, count: int, rng: random.Random) -> None:  # noqa: ANN001
    """Store ``count`` mentions numbered from ``first`` directly (no pipeline), published in
    the last 90 days, each linked to one or two topics, with rollups and some inbox items."""
    from django.db import transaction
    from django.utils import timezone

    from koers.engagement.models import InboxItem
    from koers.listening.pipeline import insert_links, insert_mentions
    from koers.listening.rollups import (
        apply_author_deltas,
        apply_deltas,
        apply_tag_deltas,
        hour_of,
        tag_deltas,
    )

    now = timezone.now()
    sentiments = ["positive", "neutral", "negative"]
    langs = ["nl"] * 6 + ["en"] * 3 + ["de"]
    chunk = 5000
    for start in range(first, first + count, chunk):
        rows, meta = [], []
        for i in range(start, min(start + chunk, first + count)):
            network = "mastodon" if i % 5 < 3 else "bluesky"
            lang = "ru" if i % 10007 == 0 else langs[i % len(langs)]
            sentiment = sentiments[rng.randrange(3)]
            moment = now - timedelta(seconds=rng.randrange(90 * 86400))
            picked = rng.sample(topics, 1 + (i % 4 == 0))
            text = f"{picked[0].name} {' '.join(rng.sample(WORDS, 4))} #{i % 997}"
            rows.append(
                (workspace.pk, source.pk, network, f"gen-{i}", f"https://gen.example/{i}",
                 f"@user{i % 5000}@gen.example", f"User {i % 5000}", text, f"{i % 99991:016x}",
                 lang, True, sentiment, 0.0, moment, now, [_link(i)], [f"tag{i % 97}"], [], "")
            )  # fmt: skip
            meta.append((network, f"gen-{i}", picked, moment, lang, sentiment))
        with transaction.atomic():
            ids = insert_mentions(rows)
            links, cells, authors, names, inbox = [], Counter(), Counter(), {}, []
            tags: Counter = Counter()
            for network, remote_id, picked, moment, lang, sentiment in meta:
                pk = ids[(network, remote_id)]
                handle = f"@user{int(remote_id[4:]) % 5000}@gen.example"
                names[(network, handle)] = f"User {int(remote_id[4:]) % 5000}"
                for topic in picked:
                    links.append((workspace.pk, pk, topic.pk, moment))
                    cells[(topic.pk, hour_of(moment), network, lang, sentiment)] += 1
                    authors[(topic.pk, moment, network, handle)] += 1
                number = int(remote_id[4:])
                tags.update(
                    tag_deltas(
                        [t.pk for t in picked], moment, [f"tag{number % 97}"], [_link(number)]
                    )
                )
                if pk % 200 == 0:
                    inbox.append(
                        InboxItem(workspace=workspace, mention_id=pk, origin="reply",
                                  received_at=moment, due_at=moment + timedelta(hours=4),
                                  negative=sentiment == "negative")
                    )  # fmt: skip
            insert_links(links)
            apply_deltas(workspace, cells)
            apply_author_deltas(workspace, authors, names)
            apply_tag_deltas(workspace, tags)
            InboxItem.objects.bulk_create(inbox)


MENTION_COPY = (
    "id", "workspace_id", "source_id", "network", "remote_id", "url", "author_handle",
    "author_name", "text", "text_hash", "lang", "lang_from_source", "sentiment",
    "sentiment_score", "published_at", "ingested_at", "links", "hashtags", "mentioned",
    "reply_to",
)  # fmt: skip


def _generate_copy(workspace, topics, source, first: int, count: int, rng: random.Random) -> None:  # noqa: ANN001
    """PostgreSQL: the same mentions as :func:`_generate`, written with ``COPY … FROM STDIN``
    (psycopg's copy) per 100,000; the hourly, daily and author-day rollups and the inbox items
    of each chunk are then added by set-based upserts from the rows just copied (the database
    counts, no cell leaves it)."""
    from zoneinfo import ZoneInfo

    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    zone = workspace.time_zone
    ZoneInfo(zone)  # a real zone name (it is put into the SQL below)
    sentiments = ["positive", "neutral", "negative"]
    langs = ["nl"] * 6 + ["en"] * 3 + ["de"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM listening_mention")
        next_id = cursor.fetchone()[0] + 1
    chunk = 100_000
    for start in range(first, first + count, chunk):
        stop = min(start + chunk, first + count)
        low = next_id
        with transaction.atomic():
            raw = connection.connection  # the psycopg connection, in Django's transaction
            with raw.cursor() as cursor:
                links = []
                columns = ", ".join(MENTION_COPY)
                with cursor.copy(f"COPY listening_mention ({columns}) FROM STDIN") as copy:
                    for i in range(start, stop):
                        network = "mastodon" if i % 5 < 3 else "bluesky"
                        lang = "ru" if i % 10007 == 0 else langs[i % len(langs)]
                        moment = now - timedelta(seconds=rng.randrange(90 * 86400))
                        sentiment = sentiments[rng.randrange(3)]
                        picked = rng.sample(topics, 1 + (i % 4 == 0))
                        text = f"{picked[0].name} {' '.join(rng.sample(WORDS, 4))} #{i % 997}"
                        copy.write_row(
                            (next_id, workspace.pk, source.pk, network, f"gen-{i}",
                             f"https://gen.example/{i}", f"@user{i % 5000}@gen.example",
                             f"User {i % 5000}", text, f"{i % 99991:016x}", lang, True, sentiment,
                             0.0, moment, now, json.dumps([_link(i)]), f'["tag{i % 97}"]', "[]",
                             "")
                        )  # fmt: skip
                        links += [(workspace.pk, next_id, t.pk, moment) for t in picked]
                        next_id += 1
                copy_sql = (
                    "COPY listening_mentiontopic (workspace_id, mention_id, topic_id, published_at)"
                    " FROM STDIN"
                )
                with cursor.copy(copy_sql) as copy:
                    for row in links:
                        copy.write_row(row)
                _rollups_of(cursor, workspace.pk, zone, low, next_id - 1)
                cursor.execute(
                    "INSERT INTO engagement_inboxitem (workspace_id, mention_id, origin, kind,"
                    " thread, received_at, due_at, negative, status, answered_how, close_reason,"
                    " close_note, created_at) SELECT workspace_id, id, 'reply', 'mention', '',"
                    " published_at, published_at + interval '4 hours', sentiment = 'negative',"
                    " 'open', '', '', '', now()"
                    " FROM listening_mention WHERE id BETWEEN %s AND %s AND id %% 200 = 0",
                    [low, next_id - 1],
                )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('listening_mention', 'id'), %s)", [next_id - 1]
        )


#: The expressions of generated mention ``i`` (bigint) computed by the server, the same shape
#: and distributions as :func:`_generate`: hashes of ``i`` (``hashint8extended`` with a seed
#: per attribute) stand in for the random draws, so the rows are reproducible and no row
#: crosses from Python. ``a``/``b``: the first and (every 4th mention) second topic's index;
#: the four words are picked from an offset with a stride (11 words, a prime: all distinct).
SERIES = """
SELECT i, %(low)s + i - %(first)s AS id,
  CASE WHEN i %% 5 < 3 THEN 'mastodon' ELSE 'bluesky' END AS network,
  CASE WHEN i %% 10007 = 0 THEN 'ru'
       ELSE (ARRAY['nl','nl','nl','nl','nl','nl','en','en','en','de'])[i %% 10 + 1] END AS lang,
  (ARRAY['positive','neutral','negative'])[(hashint8extended(i, 1) & 2147483647) %% 3 + 1]
    AS sentiment,
  %(now)s::timestamptz
    - make_interval(secs => (hashint8extended(i, 2) & 2147483647) %% 7776000) AS moment,
  (hashint8extended(i, 3) & 2147483647) %% 50 AS a,
  CASE WHEN i %% 4 = 0 THEN ((hashint8extended(i, 3) & 2147483647) %% 50 + 1
    + (hashint8extended(i, 4) & 2147483647) %% 49) %% 50 END AS b,
  (hashint8extended(i, 5) & 2147483647) %% 11 AS o,
  1 + (hashint8extended(i, 6) & 2147483647) %% 10 AS s
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i
"""


ROLLUP_TABLES = ("listening_hourlyrollup", "listening_dailyrollup", "listening_authorday",
                 "listening_tagday")  # fmt: skip


def _generate_series(workspace, topics, source, first: int, count: int, rng: random.Random) -> None:  # noqa: ANN001, ARG001
    """PostgreSQL: the mentions of :func:`_generate` made by the server from
    ``generate_series`` (``INSERT … SELECT``, see :data:`SERIES`), with their topic links and
    the rollups of all of them (one GROUP BY per table, :func:`_rollups_of_series`), then one
    inbox item per 200 mentions. For the load (one transaction per size) the non-unique
    indexes of the mention, link and rollup tables are dropped and created again after it from
    their own definitions (``pg_indexes`` is checked equal before and after), with
    ``synchronous_commit`` off and the foreign-key triggers skipped (``session_replication_role``
    replica: every generated key exists). ``rng`` is unused: hashes of the number draw."""
    from zoneinfo import ZoneInfo

    from django.db import connection, transaction
    from django.utils import timezone

    zone = workspace.time_zone
    ZoneInfo(zone)  # a real zone name
    tables = ("listening_mention", "listening_mentiontopic") + ROLLUP_TABLES
    schema = (
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY indexname"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM listening_mention")
        low = cursor.fetchone()[0] + 1
        cursor.execute(schema, [list(tables)])
        before = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " WHERE t.relname = ANY(%s) AND NOT x.indisunique ORDER BY 1",
            [list(tables)],
        )
        plain = cursor.fetchall()
    values = {
        "first": first, "last": first + count - 1, "low": low, "high": low + count - 1,
        "now": timezone.now(), "ws": workspace.pk, "source": source.pk,
        "topics": [t.pk for t in topics], "names": [t.name for t in topics],
        "words": WORDS,
    }  # fmt: skip
    phases = {}
    clock = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal clock
        phases[name] = round(time.perf_counter() - clock, 1)
        clock = time.perf_counter()

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for name, _ in plain:
            cursor.execute(f'DROP INDEX "{name}"')
        words = ", ".join(
            f"(%(words)s::text[])[((g.o + {k} * g.s) %% 11 + 1)::int]" for k in range(4)
        )
        cursor.execute(
            f"INSERT INTO listening_mention ({', '.join(MENTION_COPY)})"  # noqa: S608 - constant SQL, values are parameters
            " SELECT g.id, %(ws)s, %(source)s, g.network, 'gen-' || g.i,"
            " 'https://gen.example/' || g.i, '@user' || g.i %% 5000 || '@gen.example',"
            " 'User ' || g.i %% 5000,"
            " (%(names)s::text[])[(g.a + 1)::int] || ' '"
            f" || concat_ws(' ', {words}) || ' #' || g.i %% 997,"
            " lpad(to_hex(g.i %% 99991), 16, '0'), g.lang, true, g.sentiment, 0.0, g.moment,"
            " %(now)s, jsonb_build_array('https://nieuws.example/' || g.i %% 211),"
            " jsonb_build_array('tag' || g.i %% 97), '[]'::jsonb, ''"
            f" FROM ({SERIES}) g",
            values,
        )
        phase("mentions")
        cursor.execute(
            "INSERT INTO listening_mentiontopic (workspace_id, mention_id, topic_id, published_at)"  # noqa: S608 - constant SQL, values are parameters
            " SELECT %(ws)s, g.id, (%(topics)s::bigint[])[(t.n + 1)::int], g.moment"
            f" FROM ({SERIES}) g CROSS JOIN LATERAL (VALUES (g.a), (g.b)) t(n)"
            " WHERE t.n IS NOT NULL",
            values,
        )
        phase("links")
        _rollups_of_series(cursor, values | {"zone": zone}, phases)
        phase("rollups")
        for _, definition in plain:
            cursor.execute(definition)
        phase("indexes")
        cursor.execute(schema, [list(tables)])
        assert cursor.fetchall() == before, "the indexes differ from the migrations' schema"
        cursor.execute(
            "INSERT INTO engagement_inboxitem (workspace_id, mention_id, origin, kind,"
            " thread, received_at, due_at, negative, status, answered_how, close_reason,"
            " close_note, created_at) SELECT workspace_id, id, 'reply', 'mention', '',"
            " published_at, published_at + interval '4 hours', sentiment = 'negative',"
            " 'open', '', '', '', now()"
            " FROM listening_mention WHERE id BETWEEN %s AND %s AND id %% 200 = 0",
            [low, low + count - 1],
        )
        phase("inbox")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('listening_mention', 'id'), %s)",
            [low + count - 1],
        )
    print(json.dumps({"generated": count, "phases_s": phases}), file=sys.stderr, flush=True)


def _rollups_of_series(cursor, values: dict, spent: dict) -> None:  # noqa: ANN001
    """:func:`_rollups_of` for the mentions of :data:`SERIES`, counted from the same
    expressions instead of a join of the stored links and mentions (one GROUP BY per table;
    equal to the recount, checked up to 100k)."""
    rows = (
        "FROM (SELECT (%(topics)s::bigint[])[(t.n + 1)::int] AS topic_id, g.moment, g.network,"  # noqa: S608 - constant SQL
        " g.lang, g.sentiment, '@user' || g.i %% 5000 || '@gen.example' AS handle,"
        " 'User ' || g.i %% 5000 AS name, 'tag' || g.i %% 97 AS hashtag,"
        " 'https://nieuws.example/' || g.i %% 211 AS link"
        f" FROM ({SERIES}) g CROSS JOIN LATERAL (VALUES (g.a), (g.b)) t(n)"
        " WHERE t.n IS NOT NULL) r"
    )
    hour = "date_trunc('hour', r.moment AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    day = "(r.moment AT TIME ZONE %(zone)s)::date"
    statements = {
        "hourly": "INSERT INTO listening_hourlyrollup (workspace_id, topic_id, hour, network,"
        f" lang, sentiment, count) SELECT %(ws)s, r.topic_id, {hour}, r.network, r.lang,"
        f" r.sentiment, count(*) {rows} GROUP BY 2, 3, 4, 5, 6"
        " ON CONFLICT (topic_id, hour, network, lang, sentiment)"
        " DO UPDATE SET count = listening_hourlyrollup.count + excluded.count",
        "daily": "INSERT INTO listening_dailyrollup (workspace_id, topic_id, day, sentiment,"
        f" count) SELECT %(ws)s, r.topic_id, (({hour}) AT TIME ZONE %(zone)s)::date,"
        f" r.sentiment, count(*) {rows} GROUP BY 2, 3, 4 ON CONFLICT (topic_id, day, sentiment)"
        " DO UPDATE SET count = listening_dailyrollup.count + excluded.count",
        "authors": "INSERT INTO listening_authorday (workspace_id, topic_id, day, network,"
        f" author_handle, author_name, count) SELECT %(ws)s, r.topic_id, {day}, r.network,"
        f" r.handle, max(r.name), count(*) {rows} GROUP BY 2, 3, 4, 5"
        " ON CONFLICT (topic_id, day, network, author_handle)"
        " DO UPDATE SET count = listening_authorday.count + excluded.count",
    }
    for kind, column in (("hashtag", "hashtag"), ("link", "link")):
        statements[f"tag {kind}s"] = (
            "INSERT INTO listening_tagday (workspace_id, topic_id, kind, day, value, count)"
            f" SELECT %(ws)s, r.topic_id, '{kind}', {day}, r.{column}, count(*) {rows}"
            " GROUP BY 2, 3, 4, 5 ON CONFLICT (topic_id, kind, day, value)"
            " DO UPDATE SET count = listening_tagday.count + excluded.count"
        )
    for name, sql in statements.items():
        started = time.perf_counter()
        cursor.execute(sql, values)
        spent[name] = round(time.perf_counter() - started, 1)


def _rollups_of(cursor, workspace_id: int, zone: str, low: int, high: int) -> None:  # noqa: ANN001
    """Add the links of mentions ``low``..``high`` to the hourly, daily and author-day cells
    (as ``apply_deltas``, ``apply_author_deltas`` and ``apply_tag_deltas`` would, in one
    statement each)."""
    links = (
        "FROM listening_mentiontopic l JOIN listening_mention m ON m.id = l.mention_id"
        " WHERE l.mention_id BETWEEN %(low)s AND %(high)s"
    )
    values = {"ws": workspace_id, "zone": zone, "low": low, "high": high}
    hour = "date_trunc('hour', l.published_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    cursor.execute(
        "INSERT INTO listening_hourlyrollup (workspace_id, topic_id, hour, network, lang,"
        f" sentiment, count) SELECT %(ws)s, l.topic_id, {hour}, m.network, m.lang,"
        f" m.sentiment, count(*) {links} GROUP BY 2, 3, 4, 5, 6"
        " ON CONFLICT (topic_id, hour, network, lang, sentiment)"
        " DO UPDATE SET count = listening_hourlyrollup.count + excluded.count",
        values,
    )
    cursor.execute(
        "INSERT INTO listening_dailyrollup (workspace_id, topic_id, day, sentiment, count)"
        f" SELECT %(ws)s, l.topic_id, (({hour}) AT TIME ZONE %(zone)s)::date, m.sentiment,"
        f" count(*) {links} GROUP BY 2, 3, 4 ON CONFLICT (topic_id, day, sentiment)"
        " DO UPDATE SET count = listening_dailyrollup.count + excluded.count",
        values,
    )
    cursor.execute(
        "INSERT INTO listening_authorday (workspace_id, topic_id, day, network, author_handle,"
        " author_name, count) SELECT %(ws)s, l.topic_id,"
        " (l.published_at AT TIME ZONE %(zone)s)::date, m.network, m.author_handle,"
        f" max(m.author_name), count(*) {links} GROUP BY 2, 3, 4, 5"
        " ON CONFLICT (topic_id, day, network, author_handle)"
        " DO UPDATE SET count = listening_authorday.count + excluded.count",
        values,
    )
    cursor.execute(
        "INSERT INTO listening_tagday (workspace_id, topic_id, kind, day, value, count)"
        " SELECT %(ws)s, l.topic_id, t.kind, (l.published_at AT TIME ZONE %(zone)s)::date,"
        " t.value, count(*) FROM listening_mentiontopic l"
        " JOIN listening_mention m ON m.id = l.mention_id CROSS JOIN LATERAL ("
        "  SELECT 'hashtag' AS kind, left(v, 500) AS value"
        "  FROM jsonb_array_elements_text(m.hashtags) v WHERE v <> ''"
        "  UNION SELECT 'link', left(v, 500) FROM jsonb_array_elements_text(m.links) v"
        "  WHERE v <> '') t"
        " WHERE l.mention_id BETWEEN %(low)s AND %(high)s GROUP BY 2, 3, 4, 5"
        " ON CONFLICT (topic_id, kind, day, value)"
        " DO UPDATE SET count = listening_tagday.count + excluded.count",
        values,
    )


def _check_rollups(workspace) -> None:  # noqa: ANN001
    """The generated rollups equal a recount (checked at the small sizes only)."""
    from zoneinfo import ZoneInfo

    from koers.listening import rollups

    zone = ZoneInfo(workspace.time_zone)
    assert rollups.rollup_cells(workspace) == rollups.recount(workspace), "hourly cells"
    assert rollups.daily_cells(workspace) == rollups.daily_recount(workspace, zone), "days"
    assert rollups.author_cells(workspace) == rollups.author_recount(workspace, zone), "authors"
    assert rollups.tag_cells(workspace) == rollups.tag_recount(workspace, zone), "hashtags, links"


def _import_rate(workspace, user, source, size: int, batch: int) -> float:  # noqa: ANN001
    """Mentions per second of ``koers import`` of ``batch`` generated posts (50 subjects)."""
    from django.utils import timezone

    from koers.listening import actions
    from koers.listening.sample import Subject, generate_posts

    end = timezone.now().astimezone(UTC)
    subjects = [Subject(f"Plaats{i}", f"plaats{i}", 1.0 / (1 + i % 7)) for i in range(TOPICS)]
    rows = list(generate_posts(random.Random(size), subjects, batch, end - timedelta(days=30), end))
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    import io

    from koers.listening.importing import read_posts

    started = time.perf_counter()
    report = actions.import_posts(workspace, user, source, read_posts(io.BytesIO(lines), "jsonl"))
    elapsed = time.perf_counter() - started
    return report.stored / elapsed


def _page_urls(workspace, topics) -> dict[str, tuple[str, dict]]:  # noqa: ANN001
    from django.urls import reverse

    from koers.listening.models import Mention

    slug = workspace.slug
    stream = reverse("listening:mentions", args=[slug])
    older = Mention.objects.filter(workspace=workspace).order_by("-published_at", "-id")
    second = older.values_list("pk", flat=True)[50]
    return {
        "overview": (reverse("listening:index", args=[slug]), {}),
        "stream": (stream, {}),
        "stream page 2": (stream, {"before": second}),
        "stream topic": (stream, {"topic": topics[7].pk}),
        "stream negative nl": (stream, {"sentiment": "negative", "lang": "nl"}),
        "stream lang ru": (stream, {"lang": "ru"}),
        "stream search": (stream, {"q": "kapot"}),
        "stream search none": (stream, {"q": "nergens"}),  # in no text: the worst case
        "topic page": (reverse("listening:topic", args=[slug, topics[0].pk]), {}),
        "share of voice 90d": (reverse("listening:index", args=[slug]), {"period": 90}),
        "inbox": (reverse("engagement:index", args=[slug]), {}),
        "measure dashboard": (reverse("measurement:index", args=[slug]), {}),
    }


#: Tables whose size follows the mentions (their queries' plans are printed by --plans).
GROWING = ("listening_mention", "listening_hourlyrollup", "listening_dailyrollup",
           "listening_authorday", "listening_tagday", "engagement_inboxitem")  # fmt: skip


def _plans(workspace, topics, client, path: str, size: int) -> None:  # noqa: ANN001
    """Append the plans of each page's queries of the tables that grow with the mentions to
    ``path`` (PostgreSQL: EXPLAIN ANALYZE with buffers; SQLite: EXPLAIN QUERY PLAN), to check
    each matches its index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    analyse = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else None
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"\n##### {connection.vendor} at {size:,} mentions\n")
        for name, (url, params) in _page_urls(workspace, topics).items():
            with CaptureQueriesContext(connection) as captured:
                client.get(url, params)
            out.write(f"\n=== {name}\n")
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or not any(
                    f'"{table}' in sql for table in GROWING
                ):
                    continue
                out.write(f"\n-- {float(query['time']) * 1000:.1f} ms: {sql}\n")
                with connection.cursor() as cursor:
                    cursor.execute((analyse or "EXPLAIN QUERY PLAN ") + sql)
                    rows = cursor.fetchall()
                out.write("\n".join(str(row[0] if analyse else row[-1]) for row in rows) + "\n")


def _rebuilds(workspace) -> dict[str, float]:  # noqa: ANN001
    """Seconds to count the author days and the tag days again from the links (what retention
    and an erasure run), and all the days (what a time-zone change runs)."""
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from koers.listening import rollups

    zone = ZoneInfo(workspace.time_zone)
    timings = {}
    for name, step in (
        ("author days", lambda: rollups._rebuild_author_days(workspace, zone)),
        ("tag days", lambda: rollups._rebuild_tag_days(workspace, zone)),
        ("all days (zone change)", lambda: rollups.rebuild_daily(workspace)),
    ):
        started = time.perf_counter()
        with transaction.atomic():
            step()
        timings[name] = round(time.perf_counter() - started, 2)
    return timings


def _pages(workspace, topics, client, requests: int) -> dict[str, tuple[float, ...]]:  # noqa: ANN001
    """p50 and p95 of each page in ms, with the median time spent in SQL, the queries and
    the median CPU time of this process (on a busy machine the wall-clock figures mostly
    measure the wait for a core; the CPU time is what the page itself costs here, SQLite's
    work included, PostgreSQL's server work not)."""
    from django.db import connection

    pages = _page_urls(workspace, topics)
    spent = [0.0, 0]  # seconds in the database, queries

    def timed(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += 1

    out = {}
    for name, (url, params) in pages.items():
        client.get(url, params)  # warm
        times, db, cpu, queries = [], [], [], 0
        for _ in range(requests):
            spent[:] = [0.0, 0]
            started, used = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timed):
                response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            db.append(spent[0] * 1000)
            queries = spent[1]
            assert response.status_code == 200, (name, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        out[name] = (statistics.median(times), p95, statistics.median(db), queries)
        out[name] += (statistics.median(cpu),)
    return out


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koers.test_settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    # Pages render without collected static files (as in the test suite).
    plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
    override_settings(STORAGES={"staticfiles": {"BACKEND": plain}}).enable()

    from bench_listening import topic_queries

    from koers.core.actions import create_workspace
    from koers.listening import actions
    from koers.listening.models import Mention
    from koers.listening.pipeline import analyse_texts, detect_langs

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", "bench@example.nl", "x")
    workspace = create_workspace(user, name="Bench", slug="bench")
    topics = [
        actions.create_topic(
            workspace, user, name=name, kind=kind, query=query, colour="#1f6feb",
            counts_for_share_of_voice=True, is_active=True,
        )
        for name, kind, query in topic_queries(TOPICS)
    ]  # fmt: skip
    generated = actions.file_source(workspace, user, "generated")
    imported = actions.file_source(workspace, user, "imported")
    detect_langs(["warm up the detector"])
    analyse_texts(["warm up", "opwarmen"], ["en", "nl"])
    client = Client()
    client.force_login(user)
    rng = random.Random(7)
    stored = 0
    copying = connection.vendor == "postgresql" and args.generate != "insert"
    if copying:
        from koers.listening.rollups import daily_rollups_ready

        daily_rollups_ready(workspace)  # the days exist (in the workspace's zone) before COPY
    for size in args.sizes:
        started = time.perf_counter()
        generate = {"copy": _generate_copy, "series": _generate_series}.get(args.generate)
        generate = generate if connection.vendor == "postgresql" and generate else _generate
        generate(workspace, topics, generated, stored, size - stored, rng)
        stored = size
        if size <= 100_000:
            _check_rollups(workspace)
        if connection.vendor == "postgresql":
            # Statistics and the visibility map, as autovacuum keeps them after a while (an
            # index-only scan reads the table for every page not marked all-visible).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        generated_s = time.perf_counter() - started
        rate = _import_rate(workspace, user, imported, size, args.batch)
        pages = _pages(workspace, topics, client, args.requests)
        if args.plans and (size >= 1_000_000 or size == args.sizes[-1]):
            _plans(workspace, topics, client, args.plans, size)
        if args.rebuild:
            result_rebuild = _rebuilds(workspace)
        total = Mention.objects.filter(workspace=workspace).count()
        result = {"size": size, "stored": total, "generated_s": round(generated_s, 1)}
        result["load"] = round(os.getloadavg()[0], 1)  # the machine is shared: say how busy
        result |= {"import_per_s": round(rate), "pages": pages}
        if args.rebuild:
            result["rebuild_s"] = result_rebuild
        print(json.dumps(result), flush=True)


def run_one(db: str, args: argparse.Namespace) -> list[dict]:
    env = dict(os.environ, KOERS_ALLOWED_HOSTS="testserver")
    cleanup = None
    tmp = tempfile.mkdtemp(prefix="koers-scale-")
    env["KOERS_DATA_DIR"] = tmp
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        import psycopg

        server = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", DEFAULT_PG)
        if not server.startswith("postgres"):
            server = DEFAULT_PG
        name = f"koers_scale_{os.getpid()}"
        admin = server.rsplit("/", 1)[0] + "/postgres"
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f"CREATE DATABASE {name}")
        except psycopg.OperationalError as exc:
            print(f"{db}: skipped, server not reachable ({type(exc).__name__})")
            return []
        env["DATABASE_URL"] = server.rsplit("/", 1)[0] + "/" + name

        def cleanup() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    command = [sys.executable, __file__, "--child", "--sizes", ",".join(map(str, args.sizes))]
    command += ["--batch", str(args.batch), "--requests", str(args.requests)]
    command += ["--generate", args.generate] + (["--rebuild"] if args.rebuild else [])
    if args.plans:
        command += ["--plans", f"{args.plans}.{db}"]
    results: list[dict] = []
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
        deadline = time.monotonic() + args.timeout
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith("{"):
                    results.append(json.loads(line))
                    _print_row(db, results[-1])
                if time.monotonic() > deadline:
                    break
        finally:
            if time.monotonic() <= deadline:
                with contextlib.suppress(subprocess.TimeoutExpired):  # then killed below
                    process.wait(timeout=max(1.0, deadline - time.monotonic()))
            if process.poll() is None:
                process.kill()
                print(f"{db}: stopped after --timeout {args.timeout}s")
            if cleanup is not None:
                cleanup()
            shutil.rmtree(tmp, ignore_errors=True)
    return results


def _print_row(db: str, row: dict) -> None:
    print(
        f"{db:8} {row['size']:>9,} mentions  import {row['import_per_s']:>6,}/s  "
        f"(generated in {row['generated_s']}s; load average {row.get('load', '?')})",
        flush=True,
    )
    for name, seconds in row.get("rebuild_s", {}).items():
        print(f"{'':8} {'':9}   rebuild {name}: {seconds} s", flush=True)
    for name, (p50, p95, *db) in row["pages"].items():
        flag = "" if p95 < 300 else "  > 300 ms"
        sql = f"  (SQL {db[0]:6.1f} ms in {db[1]:>2} queries" if db else ""
        sql += f", CPU {db[2]:6.1f} ms)" if len(db) > 2 else (")" if db else "")
        print(
            f"{'':8} {'':9}   {name:20} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{sql}{flag}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument(
        "--generate",
        choices=["series", "copy", "insert"],
        default="series",
        help="how PostgreSQL gets its mentions: made by the server from generate_series"
        " (default), COPY from Python, or multi-row INSERTs as SQLite",
    )
    parser.add_argument(
        "--plans",
        default="",
        help="file to append the query plans at 1M and more (or the largest size) to, per db",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="also time counting the author, tag and all days again at each size",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.child:
        child(args)
        return 0
    for db in args.db.split(","):
        rows = run_one(db, args)
        if len(rows) > 1:
            first, last = rows[0], rows[-1]
            drop = 1 - last["import_per_s"] / max(first["import_per_s"], 1)
            print(
                f"{db}: import rate {first['import_per_s']:,}/s at {first['size']:,} → "
                f"{last['import_per_s']:,}/s at {last['size']:,} "
                f"({abs(drop):.0%} {'slower' if drop > 0 else 'faster'})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
