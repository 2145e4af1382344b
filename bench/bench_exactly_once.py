"""Benchmark: exactly-once publishing under a hostile network and crashing workers.

Run: ``.venv/bin/python bench/bench_exactly_once.py [--items 2000] [--phase both|sqlite|…]``.

Two phases, each against a local fake Mastodon instance in its hostile mode (it ignores
``Idempotency-Key``; by default 5 % of requests are dropped after the status was created, 5 % get
503 with nothing created, 5 % get 429 with ``Retry-After``, 2 % answer only after 20 seconds):

* **postgresql** — a throwaway database on ``DATABASE_URL``'s server (default
  ``postgres://postgres@127.0.0.1:5432/postgres``), three ``koers worker`` processes;
* **sqlite** — one ``koers serve`` process on a SQLite database in a temporary data folder.

``--items`` posts (a tenth of them with identical text) fall due over ``--spread`` seconds. Every
``--kill-every`` seconds one koers process is killed with SIGKILL and started again at once. When
every delivery has settled (or ``--timeout`` passes) the benchmark prints, per phase:

* delivered — distinct statuses on the fake server that belong to a delivery (must equal items);
* duplicates — statuses beyond one per delivery (counted per text, so identical texts count right);
* lost — deliveries not published;
* wrongly marked published — a delivery whose remote id is not on the server, or is shared;
* swapped — a delivery whose remote id is the status another delivery's request created; only
  possible between identical texts, so what is on the network is still right (reported only);
* the due → published latency p50 / p95 / max.

Needs nothing but this machine: without a PostgreSQL server the postgresql phase says so and is
left out. Processes started here are killed when the benchmark ends, however it ends.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from koers.networks.testing.mastodon import FakeMastodon

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KOERS = [sys.executable, "-m", "koers"]


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Fleet:
    """The koers processes of one phase: start, kill -9 one at random, restart it."""

    def __init__(self, commands: list[list[str]], env: dict[str, str], log_dir: Path) -> None:
        self.commands = commands
        self.env = env
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * len(commands)
        self.kills = 0
        self.starts = 0

    def start(self, index: int) -> None:
        log = (self.log_dir / f"proc-{index}-{self.starts}.log").open("wb")
        self.procs[index] = subprocess.Popen(  # noqa: S603 - our own command line
            self.commands[index],
            env=self.env,
            cwd=str(ROOT),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.starts += 1

    def start_all(self) -> None:
        for index in range(len(self.commands)):
            self.start(index)

    def kill_one(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.commands))
        proc = self.procs[index]
        if proc is not None:
            proc.send_signal(signal.SIGKILL)  # the parent only: its children must follow it
            proc.wait(timeout=30)
            self.kills += 1
        self.start(index)

    def stop(self) -> None:
        for proc in self.procs:
            if proc is None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _setup(items: int, identical_share: float, spread: float, endpoint: str, token: str) -> float:
    """One workspace, one Mastodon channel, ``items`` posts; returns the first due time."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from koers.core.actions import create_workspace
    from koers.publishing import actions
    from koers.publishing.models import ContentItem, Delivery, Network, State

    owner = get_user_model().objects.create_user("bench", "bench@example.nl", "x")
    workspace = create_workspace(owner, name="Bench", slug="bench")
    channel = actions.connect_channel(
        workspace,
        owner,
        network=Network.MASTODON,
        name="Mastodon",
        endpoint=endpoint,
        secret=token,
        is_demo=True,
    )
    start = timezone.now() + timedelta(seconds=5)
    identical = int(items * identical_share)
    built = []
    for n in range(items):
        # A tenth say the same thing, in groups of five (a campaign's repeated reminder).
        text = (
            f"Herinnering: de inspraakavond is donderdag {n // 5}"
            if n < identical
            else (f"Bericht {n} over de gemeenteraad van Duinwijk")
        )
        item = ContentItem(
            workspace=workspace,
            title=f"Bericht {n}",
            text=text,
            state=State.SCHEDULED,
            created_by=owner,
        )
        item.set_from_instant(start + timedelta(seconds=spread * n / items), workspace.time_zone)
        built.append(item)
    ContentItem.objects.bulk_create(built, batch_size=500)
    Delivery.objects.bulk_create(
        [
            Delivery(
                workspace=workspace,
                item=item,
                channel=channel,
                due_at=item.scheduled_at,
                idempotency_key=f"bench-{n}",
            )
            for n, item in enumerate(built)
        ],
        batch_size=500,
    )
    return start.timestamp()


def _settled() -> tuple[int, int]:
    from koers.publishing.dispatch import ACTIVE
    from koers.publishing.models import Delivery

    return (
        Delivery.objects.filter(state__in=ACTIVE).count(),
        Delivery.objects.count(),
    )


def _report(name: str, fake: FakeMastodon, fleet: Fleet, elapsed: float) -> bool:
    from koers.publishing.models import Delivery, DeliveryState

    deliveries = list(
        Delivery.objects.select_related("item").values_list(
            "idempotency_key", "state", "remote_id", "due_at", "published_at", "item__text"
        )
    )
    statuses = fake.own_posts()
    created_by = fake.created_with
    expected = Counter(text for *_, text in deliveries)
    on_server = Counter(s["text"] for s in statuses)
    duplicates = sum(max(0, on_server[t] - expected[t]) for t in on_server)
    stray = sum(on_server[t] for t in on_server if t not in expected)
    ids = {str(s["id"]) for s in statuses}
    published = [d for d in deliveries if d[1] == DeliveryState.PUBLISHED]
    remote = Counter(d[2] for d in published)
    wrong = sum(1 for d in published if d[2] not in ids or remote[d[2]] > 1)
    swapped = sum(1 for d in published if d[2] in created_by and created_by[d[2]] != d[0])
    lost = len(deliveries) - len(published)
    latencies = sorted(
        (d[4] - d[3]).total_seconds() for d in published if d[4] is not None and d[3] is not None
    )

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    delivered = len({d[2] for d in published} & ids)
    print(
        f"[{name}] {len(deliveries)} deliveries in {elapsed:.0f} s, "
        f"{fleet.kills} kill -9, {fleet.starts} starts"
    )
    posts = sum(1 for r in fake.requests if r.method == "POST" and r.path == "/api/v1/statuses")
    print(f"[{name}] {posts} POST /api/v1/statuses; faults injected: {fake.injected}")
    print(
        f"[{name}] delivered {delivered}, duplicates {duplicates}, lost {lost}, "
        f"wrongly marked published {wrong}, stray statuses {stray}, "
        f"swapped (identical text) {swapped}"
    )
    print(
        f"[{name}] due→published latency p50 {pct(0.5):.1f} s, p95 {pct(0.95):.1f} s, "
        f"max {latencies[-1] if latencies else 0:.1f} s"
    )
    ok = delivered == len(deliveries) and duplicates == lost == wrong == stray == 0
    print(f"[{name}] {'OK' if ok else 'FAILED'}")
    return ok


def _run_phase(
    name: str, args: argparse.Namespace, env: dict[str, str], commands: list[list[str]]
) -> bool:
    import django

    os.environ.update(env)
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from koers.networks.testing.server import FaultPlan

    call_command("migrate", verbosity=0)
    from koers.networks.testing.mastodon import FakeMastodon

    rng = random.Random(args.seed)
    fake = FakeMastodon(max_characters=500)
    fake.faults = FaultPlan.parse(f"{args.hostile},seed={args.seed}")
    fake.start()
    log_dir = Path(tempfile.mkdtemp(prefix=f"koers-bench-{name}-logs-"))
    fleet = Fleet(commands, env, log_dir)
    started = time.monotonic()
    try:
        _setup(args.items, 0.1, args.spread, fake.url, fake.token)
        connections.close_all()
        fleet.start_all()
        next_kill = time.monotonic() + args.kill_every
        while time.monotonic() - started < args.timeout:
            time.sleep(1.0)
            active, total = _settled()
            connections.close_all()
            if active == 0 and time.monotonic() - started > args.spread:
                break
            if time.monotonic() >= next_kill and time.monotonic() - started < args.spread + 60:
                fleet.kill_one(rng)
                next_kill = time.monotonic() + args.kill_every
        elapsed = time.monotonic() - started
    finally:
        fleet.stop()
        fake.stop()
    ok = _report(name, fake, fleet, elapsed)
    print(f"[{name}] process logs: {log_dir}")
    connections.close_all()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kill-every", type=float, default=30.0)
    parser.add_argument(
        "--spread", type=float, default=120.0, help="seconds over which posts fall due"
    )
    parser.add_argument("--timeout", type=float, default=1200.0)
    parser.add_argument("--phase", choices=["both", "postgresql", "sqlite"], default="both")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--hostile",
        default="ignore-idempotency,drop=0.05,fail=0.05,ratelimit=0.05,delay=0.02:20,retry-after=5,only=/api/v1/statuses",
    )
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "koers.settings",
        "KOERS_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "KOERS_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "KOERS_OUTBOUND_ALLOWLIST": "127.0.0.1/32",
        "PYTHONPATH": str(ROOT),
    }
    phases = ["postgresql", "sqlite"] if args.phase == "both" else [args.phase]
    results = []
    # Each phase runs in its own process: Django is set up once per process, per database.
    if len(phases) > 1:
        for phase in phases:
            code = subprocess.call([sys.executable, __file__, *sys.argv[1:], "--phase", phase])  # noqa: S603
            results.append(code == 0)
        return 0 if all(results) else 1
    phase = phases[0]
    data_dir = tempfile.mkdtemp(prefix=f"koers-bench-{phase}-")
    env = {**base, "KOERS_DATA_DIR": data_dir}
    if phase == "postgresql":
        server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        if not server.startswith("postgres"):
            server = "postgres://postgres@127.0.0.1:5432/postgres"
        name = f"koers_bench_eo_{os.getpid()}"
        try:
            _admin(server, f"CREATE DATABASE {name}")
        except Exception as error:  # noqa: BLE001 - any connection failure means "no server here"
            print(f"[postgresql] no PostgreSQL server reachable ({type(error).__name__}); left out")
            return 0
        env["DATABASE_URL"] = _with_db(server, name)
        commands = [[*KOERS, "worker", "--concurrency", "2"] for _ in range(args.workers)]
        try:
            return 0 if _run_phase(phase, args, env, commands) else 1
        finally:
            _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    env["DATABASE_URL"] = f"sqlite:///{data_dir}/koers.sqlite3"
    port = _free_port()
    commands = [[*KOERS, "serve", "--port", str(port), "--web-workers", "1", "--task-workers", "2"]]
    return 0 if _run_phase(phase, args, env, commands) else 1


if __name__ == "__main__":
    sys.exit(main())
