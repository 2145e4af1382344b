"""Benchmark of the listening pipeline: ``koers import`` of generated posts, end to end.

Run: ``.venv/bin/python bench/bench_listening.py [--posts N] [--topics N] [--db sqlite,postgres]``.

For each database it writes a JSONL file of N generated posts (Dutch and English, 85% about one
of the subjects, 80% with a language from the "network"), creates a throwaway database (a
temporary SQLite file; for PostgreSQL a new database ``koers_bench_<pid>`` on the server of
``DATABASE_URL`` or ``BENCH_POSTGRES_URL``, dropped afterwards), migrates it, adds 50 topics
of realistic shapes, and imports the file through the full pipeline (normalise, dedupe, match,
language, sentiment, store, rollups). It prints posts/s (target ≥ 3,000) and the peak memory of
the importing process (``resource.getrusage``), then checks that the rollups equal a recount.
Posts per CPU-second of the importer are printed too: on a shared machine the wall clock also
measures the neighbours.
Each database runs in its own child process, so settings and memory are measured separately.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/koers_dev"


def topic_queries(count: int) -> list[tuple[str, str, str]]:
    """(name, kind, query) of ``count`` topics of varied shapes over generated subjects."""
    shapes = [
        "{n} OR #{t}",
        '"{n}" OR #{t} NOT vacature',
        "({n} OR #{t}) AND (parkeren OR vergunning OR afval OR park)",
        "{n} NEAR/5 (gemeente OR council OR raad)",
        "{p}* OR #{t}",
        '"gemeente {n}" OR "{n} council"',
    ]
    out = []
    for i in range(count):
        name, tag = f"Plaats{i}", f"plaats{i}"
        shape = shapes[i % len(shapes)]
        query = shape.format(n=name.lower(), t=tag, p=name.lower()[:6] + str(i))
        kind = "brand" if i == 0 else "competitor" if i < 4 else "campaign"
        out.append((name, kind, query))
    return out


def write_file(path: Path, posts: int, topics: int, seed: int) -> None:
    from koers.listening.sample import Subject, generate_posts

    subjects = [Subject(f"Plaats{i}", f"plaats{i}", 1.0 / (1 + i % 7)) for i in range(topics)]
    end = datetime(2026, 11, 25, tzinfo=UTC)
    start = end - timedelta(days=90)
    spikes = [start + timedelta(days=d) for d in (20, 47, 81)]
    with path.open("w", encoding="utf-8") as handle:
        for row in generate_posts(random.Random(seed), subjects, posts, start, end, spikes):  # noqa: S311
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def child(args: argparse.Namespace) -> None:
    """Runs inside the child process with DATABASE_URL set to the throwaway database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koers.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from koers.core.actions import create_workspace
    from koers.listening import actions
    from koers.listening.importing import read_posts
    from koers.listening.models import Mention, MentionTopic
    from koers.listening.rollups import recount, rollup_cells

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", "bench@example.nl", "x")
    workspace = create_workspace(user, name="Bench", slug="bench")
    for name, kind, query in topic_queries(args.topics):
        actions.create_topic(
            workspace, user, name=name, kind=kind, query=query, colour="#1f6feb",
            counts_for_share_of_voice=True, is_active=True,
        )  # fmt: skip
    source = actions.file_source(workspace, user, "bench")
    # Warm the language detector and sentiment lexicons outside the measurement.
    from koers.listening.pipeline import analyse_texts, detect_langs

    detect_langs(["warm up the detector"])
    analyse_texts(["warm up", "opwarmen"], ["en", "nl"])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    with open(args.file, "rb") as handle:
        report = actions.import_posts(workspace, user, source, read_posts(handle, "jsonl"))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    exact = rollup_cells(workspace) == recount(workspace)
    result = {
        "posts": report.received,
        "stored": report.stored,
        "unmatched": report.unmatched,
        "failed": report.failed,
        "links": MentionTopic.objects.count(),
        "mentions": Mention.objects.count(),
        "seconds": round(elapsed, 2),
        "posts_per_s": round(report.received / elapsed),
        # CPU time of the importing process only: on a busy machine the wall clock also
        # measures the neighbours (and, for PostgreSQL, the server's own work).
        "posts_per_cpu_s": round(report.received / cpu),
        "peak_rss_mb": round(peak / 1024),
        "rss_before_mb": round(before / 1024),
        "rollups_equal_recount": exact,
    }
    print(json.dumps(result))


def run_one(db: str, file: Path, args: argparse.Namespace) -> dict:
    env = dict(os.environ)
    cleanup = None
    if db == "sqlite":
        tmp = tempfile.mkdtemp(prefix="koers-bench-")
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        env["KOERS_DATA_DIR"] = tmp
    else:
        import psycopg

        server = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", DEFAULT_PG)
        if not server.startswith("postgres"):
            server = DEFAULT_PG
        name = f"koers_bench_{os.getpid()}"
        admin = server.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = server.rsplit("/", 1)[0] + "/" + name

        def cleanup() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    try:
        output = subprocess.run(  # noqa: S603 - our own script
            [
                sys.executable,
                __file__,
                "--child",
                "--file",
                str(file),
                "--topics",
                f"{args.topics}",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        if cleanup is not None:
            cleanup()
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--topics", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "posts.jsonl"
        write_file(file, args.posts, args.topics, args.seed)
        size = file.stat().st_size / 1e6
        print(f"{args.posts:,} posts, {args.topics} topics, file {size:.0f} MB")
        ok = True
        for db in args.db.split(","):
            result = run_one(db, file, args)
            print(
                f"{db:9} {result['posts_per_s']:>7,} posts/s  {result['seconds']:>6}s  "
                f"({result['posts_per_cpu_s']:,} per CPU-second of the importer)  "
                f"peak {result['peak_rss_mb']} MB  stored {result['stored']:,}  "
                f"links {result['links']:,}  unmatched {result['unmatched']:,}  "
                f"rollups=recount {result['rollups_equal_recount']}"
            )
            ok = ok and result["rollups_equal_recount"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
