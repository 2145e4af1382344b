"""Benchmark of koers.publishing: schedule 10,000 posts and dispatch them with 2 worker processes.

Run: ``.venv/bin/python bench/bench_publishing.py [--items N] [--workers N] [--workspaces N]``.

Needs a PostgreSQL server: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``)
names the server; the benchmark creates a throwaway database ``koers_bench_<pid>`` on it and drops
it at the end. Without a reachable server it says so and exits 0.

What it does:

1. migrates the throwaway database; creates ``--workspaces`` workspaces, each with a webhook
   channel pointing at a local fake receiver (127.0.0.1, HMAC-verified, dedupes on
   Idempotency-Key), and schedules ``--items`` posts spread over them, all due now;
2. the scheduler step (``dispatch.queue_due``) queues every due delivery and enqueues one
   ``publish_delivery`` task each (django-tasks-db, the production queue);
3. ``--workers`` forked processes run django-tasks-db's worker loop in batch mode (claims with
   SELECT … FOR UPDATE SKIP LOCKED, then our own conditional-UPDATE claim per delivery) until the
   queue is empty;
4. prints items/s and checks: every delivery published, zero duplicate sends (one request per
   idempotency key at the receiver), zero lost.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-webhook-secret-0123456789"  # noqa: S105 - a local fake receiver's key


def _server_url() -> str:
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    import faulthandler

    faulthandler.dump_traceback_later(float(os.environ.get("BENCH_DUMP_AFTER", "1e9")), exit=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--workspaces", type=int, default=50)
    args = parser.parse_args()

    server = _server_url()
    if not server.startswith("postgres"):
        print("bench_publishing: DATABASE_URL is not PostgreSQL; skipped")
        return 0
    # A timeout or Ctrl+C must still drop the throwaway database (the ``finally`` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    name = f"koers_bench_{os.getpid()}"
    try:
        _admin(server, f"CREATE DATABASE {name}")
    except Exception as error:  # noqa: BLE001 - any connection failure means "no server here"
        print(f"bench_publishing: no PostgreSQL server reachable ({type(error).__name__}); skipped")
        return 0
    data_dir = tempfile.mkdtemp(prefix="koers-bench-")
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "DATABASE_URL": _with_db(server, name),
        "DJANGO_SETTINGS_MODULE": "koers.settings",
        "KOERS_DATA_DIR": data_dir,
        "KOERS_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "KOERS_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        # The fake webhook receiver listens on 127.0.0.1, which koers refuses by default.
        "KOERS_OUTBOUND_ALLOWLIST": "127.0.0.1/32",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    try:
        return run(args, env)
    finally:
        from django.db import connections

        connections.close_all()
        _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _work(worker_id: str) -> None:
    import logging

    from django_tasks_db.management.commands.db_worker import Worker

    logging.getLogger("django.tasks").setLevel(logging.WARNING)  # one line per task otherwise

    Worker(
        queue_names=["publishing"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def run(args: argparse.Namespace, env: dict[str, str]) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from koers.core.actions import create_workspace
    from koers.networks.testing.webhook import FakeWebhookReceiver
    from koers.publishing import actions, dispatch
    from koers.publishing.models import ContentItem, Delivery, DeliveryState, State

    receiver = FakeWebhookReceiver(secret=SECRET.encode()).start()
    owner = get_user_model().objects.create_user("bench", "bench@example.nl", "x")
    now = timezone.now()
    started = time.perf_counter()
    per_workspace = args.items // args.workspaces
    for w in range(args.workspaces):
        workspace = create_workspace(owner, name=f"Bench {w}", slug=f"bench-{w}")
        channel = actions.connect_channel(
            workspace,
            owner,
            network="webhook",
            name="Hook",
            endpoint=receiver.url + "/hook",
            secret=SECRET,
            is_demo=True,
        )
        items = []
        for n in range(per_workspace):
            item = ContentItem(
                workspace=workspace,
                title=f"Bericht {n}",
                text=f"Benchmarkbericht {w}-{n}",
                state=State.SCHEDULED,
                created_by=owner,
            )
            item.set_from_instant(now - timedelta(minutes=n % 30), workspace.time_zone)
            items.append(item)
        ContentItem.objects.bulk_create(items, batch_size=1000)
        Delivery.objects.bulk_create(
            [
                Delivery(
                    workspace=workspace,
                    item=i,
                    channel=channel,
                    due_at=i.scheduled_at,
                    idempotency_key=f"bench-{w}-{n}",
                )
                for n, i in enumerate(items)
            ],
            batch_size=1000,
        )
    total = per_workspace * args.workspaces
    schedule_s = time.perf_counter() - started

    started = time.perf_counter()
    queued = dispatch.queue_due()
    queue_s = time.perf_counter() - started
    tasks = DBTaskResult.objects.count()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["publishing"],
            interval=0.1,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=50,
            worker_id="profile",
            excluded_queue_names=[],
        )
        profile = cProfile.Profile()
        t0 = time.perf_counter()
        profile.enable()
        worker.run()
        profile.disable()
        print(f"50 tasks in-process: {time.perf_counter() - t0:.2f} s")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)

    # Worker processes: forked children running django-tasks-db's worker loop until the queue
    # is empty (the same loop ``koers worker`` runs). Connections are closed before forking so
    # each child opens its own.
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    workers = [context.Process(target=_work, args=(f"bench-{n}",)) for n in range(args.workers)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=3600)
    failed = [w for w in workers if w.exitcode != 0]
    dispatch_s = time.perf_counter() - started
    receiver.stop()

    keys = Counter(r.header("idempotency-key") for r in receiver.requests)
    published = Delivery.objects.filter(state=DeliveryState.PUBLISHED).count()
    duplicates = sum(c - 1 for c in keys.values() if c > 1)
    lost = total - published
    print(
        f"scheduled {total} items in {schedule_s:.1f} s (bulk insert, {args.workspaces} workspaces)"
    )
    print(f"queued {queued} deliveries / {tasks} tasks in {queue_s:.1f} s")
    print(
        f"dispatched with {args.workers} worker processes in {dispatch_s:.1f} s: "
        f"{total / dispatch_s:.0f} items/s"
    )
    print(
        f"published {published}, requests {len(receiver.requests)}, distinct keys {len(keys)}, "
        f"duplicates {duplicates}, lost {lost}"
    )
    for worker in failed:
        print(f"worker {worker.name} failed with exit code {worker.exitcode}")
    ok = not failed and duplicates == 0 and lost == 0 and len(keys) == total
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
