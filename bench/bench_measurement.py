"""Benchmark of measurement dashboard loads over a large workspace.

Run: ``.venv/bin/python bench/bench_measurement.py [--mentions N] [--snapshots N] [--db postgres]``.

Creates a throwaway database (PostgreSQL: a new database ``koers_bench_m_<pid>`` on the server of
``BENCH_POSTGRES_URL`` or ``DATABASE_URL``, dropped afterwards; SQLite: a temporary file),
migrates it and fills one workspace with:

* 1,000,000 mentions as the listening app stores them for KPIs: ``HourlyRollup`` cells over 90
  days × 24 hours × 4 topics (1 brand, 3 competitors) × 2 networks × 2 languages × 3
  sentiments, whose counts add up to exactly ``--mentions``;
* 100,000 post snapshots: 20,000 ``MeasuredPost`` rows with 5 snapshots each, plus a daily
  follower count per channel and daily manual inputs.

It then times full dashboard builds (every KPI for the period and the previous period, charts,
best time to post, funnel, top posts) for a 30-day and a 90-day period, and one KPI through
``kpis.gather`` + ``compute``. It prints the median seconds of 7 loads and the number of SQL
queries (constant, independent of the data size). Target: < 0.300 s per dashboard load.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/koers_dev"
END = date(2026, 11, 25)
DAYS = 90


def fill(workspace, owner, mentions: int, snapshots: int, rng: random.Random) -> None:  # noqa: ANN001
    from koers.listening.models import HourlyRollup, Topic
    from koers.measurement.models import AccountSnapshot, ManualMetric, MeasuredPost, PostSnapshot

    topics = [
        Topic.objects.create(workspace=workspace, name=name, kind=kind, query=name.lower())
        for name, kind in (("Duinwijk", "brand"), ("Zeestad", "competitor"),
                           ("Bosdorp", "competitor"), ("Heidemeer", "competitor"))
    ]  # fmt: skip
    start = datetime.combine(END - timedelta(days=DAYS - 1), datetime.min.time(), tzinfo=UTC)
    cells = [
        (topic, start + timedelta(hours=h), network, lang, sentiment)
        for topic in topics
        for h in range(DAYS * 24)
        for network in ("mastodon", "bluesky")
        for lang in ("nl", "en")
        for sentiment in ("positive", "neutral", "negative")
    ]
    base, extra = divmod(mentions, len(cells))
    rows = [
        HourlyRollup(workspace=workspace, topic=t, hour=hour, network=n, lang=lang,
                     sentiment=s, count=base + (1 if i < extra else 0))
        for i, (t, hour, n, lang, s) in enumerate(cells)
    ]  # fmt: skip
    HourlyRollup.objects.bulk_create(rows, batch_size=5000)
    print(f"  {len(rows):,} rollup cells holding {mentions:,} mentions")

    per_post = 5
    posts = []
    for i in range(snapshots // per_post):
        published = start + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
        likes, reposts, replies = rng.randrange(40), rng.randrange(10), rng.randrange(8)
        network = "mastodon" if i % 2 else "bluesky"
        posts.append(
            MeasuredPost(
                workspace=workspace, network=network, channel_key=network,
                channel_name=network.title(), remote_id=f"bench-{i}", published_at=published,
                local_date=published.date(), local_weekday=published.weekday(),
                local_hour=published.hour, followers_at_post=2000 + i % 500, likes=likes,
                reposts=reposts, replies=replies, quotes=None if i % 2 else 1,
                engagements=likes + reposts + replies + (0 if i % 2 else 1), campaign=f"c{i % 5}",
            )
        )  # fmt: skip
    MeasuredPost.objects.bulk_create(posts, batch_size=5000)
    PostSnapshot.objects.bulk_create(
        (
            PostSnapshot(workspace=workspace, post=p, taken_at=p.published_at + timedelta(hours=k),
                         likes=p.likes, reposts=p.reposts, replies=p.replies)
            for p in posts
            for k in range(per_post)
        ),
        batch_size=5000,
    )  # fmt: skip
    days = [END - timedelta(days=d) for d in range(DAYS)]
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(workspace=workspace, network=n, channel_key=n, channel_name=n.title(),
                        taken_at=datetime.combine(d, datetime.min.time(), tzinfo=UTC),
                        local_date=d, followers=2000 + i)
        for i, d in enumerate(days) for n in ("mastodon", "bluesky")
    )  # fmt: skip
    ManualMetric.objects.bulk_create(
        ManualMetric(workspace=workspace, metric=m, day=d, value=rng.randrange(100, 2000),
                     entered_by=owner)
        for d in days for m in ("web_visits", "clicks", "conversions", "impressions", "reach")
    )  # fmt: skip
    print(f"  {len(posts):,} posts with {len(posts) * per_post:,} snapshots")


def timed(label: str, call, repeat: int = 7) -> None:  # noqa: ANN001
    from django.conf import settings
    from django.db import connection, reset_queries

    settings.DEBUG = True  # count queries
    call()  # warm-up (connection, caches)
    reset_queries()
    call()
    queries = len(connection.queries)
    settings.DEBUG = False
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    verdict = "ok" if median < 0.3 else "SLOW"
    print(
        f"  {label:<42} {median:.3f} s/load (min {min(seconds):.3f}), {queries} queries  {verdict}"
    )


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koers.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone, translation

    from koers.core.actions import create_workspace
    from koers.measurement import dashboard, kpis
    from koers.measurement.periods import Period

    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user("bench", "bench@example.nl", "x" * 20)
    workspace = create_workspace(owner, name="Bench", slug="bench", time_zone="Europe/Amsterdam")
    started = time.perf_counter()
    fill(workspace, owner, args.mentions, args.snapshots, random.Random(7))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  filled in {time.perf_counter() - started:.1f} s ({connection.vendor})")
    month = Period(END - timedelta(days=29), END)
    quarter = Period(END - timedelta(days=DAYS - 1), END)
    with translation.override("nl"), timezone.override("Europe/Amsterdam"):
        timed("dashboard, 30 days (+ previous 30)", lambda: dashboard.build(workspace, month))
        timed("dashboard, 90 days (+ previous 90)", lambda: dashboard.build(workspace, quarter))
        timed("dashboard, 90 days, one campaign",
              lambda: dashboard.build(workspace, quarter, campaign="c1"))  # fmt: skip
        timed("share of voice, 90 days (gather+compute)",
              lambda: kpis.compute(kpis.gather(workspace, quarter), "share_of_voice"))  # fmt: skip


def run_database(kind: str, args: argparse.Namespace) -> None:
    env = dict(os.environ)
    drop = None
    if kind == "postgres":
        import psycopg

        server = (
            os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG
        )
        if not server.startswith("postgres"):
            server = DEFAULT_PG
        name = f"koers_bench_m_{os.getpid()}"
        admin = server.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        env["DATABASE_URL"] = server.rsplit("/", 1)[0] + "/" + name
    else:
        folder = tempfile.mkdtemp(prefix="koers-bench-m-")
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    print(f"== {kind}")
    try:
        subprocess.run(
            [sys.executable, __file__, "--child", "--mentions", str(args.mentions),
             "--snapshots", str(args.snapshots)],
            env=env, check=True,
        )  # fmt: skip
    finally:
        if drop is not None:
            drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--snapshots", type=int, default=100_000)
    parser.add_argument("--db", default="postgres", help="postgres, sqlite or both (comma)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    for kind in args.db.split(","):
        run_database(kind.strip(), args)


if __name__ == "__main__":
    main()
