"""Scale-out: several `koers worker` processes share one queue and run each task exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest
from django.utils import timezone

from koers.core.queues import TIME_CRITICAL_QUEUES

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def worker_env(tmp_path):
    """A migrated throwaway database: PostgreSQL when the suite runs on it, else SQLite (WAL)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["KOERS_DATA_DIR"] = str(tmp_path)
    url = os.environ.get("DATABASE_URL", "")
    dropdb = None
    if url.startswith("postgres"):
        name = f"koers_worker_{uuid.uuid4().hex[:8]}"
        admin = urlparse(url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlparse(url)._replace(path=f"/{name}").geturl()

        def dropdb() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path}/koers.sqlite3"
    koers = [sys.executable, "-m", "koers"]
    subprocess.run([*koers, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    yield env
    if dropdb is not None:
        dropdb()


def probe(env, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "koers.core.tests.worker_probe", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_two_worker_processes_run_every_task_exactly_once(worker_env):
    assert probe(worker_env, "enqueue", "60")["pending"] == 60
    command = [sys.executable, "-m", "koers", "worker", "--interval", "0.05", "--no-scheduler"]
    workers = [
        subprocess.Popen(command, env=worker_env, cwd=ROOT, stdout=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 90
        state = probe(worker_env, "status")
        while state["pending"] and time.monotonic() < deadline:
            time.sleep(0.5)
            state = probe(worker_env, "status")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    assert state["runs"] == list(range(60))  # every task once: none lost, none twice
    assert state["successful"] == 60


def _run_one(queue_names: list[str], monkeypatch) -> None:
    """One pass of django-tasks-db's worker as koers runs it: claim and run at most one task."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.management.commands.db_worker import Worker

    # The worker drops connections outside autocommit; here that is the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    Worker(
        queue_names=queue_names,
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-host-abcdefgh-0",
        excluded_queue_names=[],
    ).run()


def _status_by_task(task_path_end: str) -> list[str]:
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(task_path__endswith=task_path_end).values_list(
            "status", flat=True
        )
    )


@pytest.mark.django_db
def test_a_due_publish_task_is_claimed_before_link_checks_enqueued_earlier(monkeypatch):
    from koers.publishing.tasks import check_links, publish_delivery

    for item_id in range(40):
        check_links.enqueue(10_000_000 + item_id)
    publish_delivery.enqueue(10_000_000)
    _run_one(["*"], monkeypatch)
    assert _status_by_task(".publish_delivery") != ["READY"]
    assert _status_by_task(".check_links") == ["READY"] * 40


@pytest.mark.django_db
def test_the_time_critical_thread_serves_publishing_replies_and_alerts_never_link_checks(
    monkeypatch,
):
    from koers.core.worker import Runner

    runner = Runner(concurrency=2)
    assert [w.queue_names for w in runner.workers] == [["*"], ["*"], TIME_CRITICAL_QUEUES]
    from koers.alerts.tasks import send_alert_email
    from koers.engagement.tasks import send_reply
    from koers.publishing.tasks import check_links, publish_delivery, queue_due_posts

    for task in (publish_delivery, queue_due_posts, send_reply, send_alert_email):
        assert task.queue_name in TIME_CRITICAL_QUEUES
    assert check_links.queue_name not in TIME_CRITICAL_QUEUES
    check_links.enqueue(10_000_000)
    _run_one(TIME_CRITICAL_QUEUES, monkeypatch)
    assert _status_by_task(".check_links") == ["READY"]


def _running_task(worker_id: str, started_minutes_ago: float):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from koers.publishing.tasks import check_links

    result = check_links.enqueue(10_000_000)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        worker_ids=[worker_id],
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
    )
    return result.id


@pytest.mark.django_db
def test_a_task_left_running_by_a_killed_worker_is_marked_failed_with_a_reason(settings):
    from django_tasks_db.models import DBTaskResult

    from koers.core.models import Heartbeat
    from koers.core.worker import fail_orphaned_tasks

    settings.KOERS_HEARTBEAT_MAX_AGE = 60
    Heartbeat.objects.create(
        name="runner:web1-deadbeef", seen_at=timezone.now() - timedelta(minutes=5)
    )
    killed = _running_task("web1-deadbeef-0", started_minutes_ago=6)
    never_beat = _running_task("db-worker-of-old-0", started_minutes_ago=30)
    assert fail_orphaned_tasks() == 2
    for pk in (killed, never_beat):
        row = DBTaskResult.objects.get(pk=pk)
        assert row.status == "FAILED"
        assert row.finished_at is not None
        assert "stopped while running this task" in row.traceback
    assert not Heartbeat.objects.filter(name="runner:web1-deadbeef").exists()


@pytest.mark.django_db
def test_a_long_task_of_a_live_worker_keeps_running(settings):
    from django_tasks_db.models import DBTaskResult

    from koers.core.models import Heartbeat
    from koers.core.worker import fail_orphaned_tasks

    settings.KOERS_HEARTBEAT_MAX_AGE = 60
    Heartbeat.objects.create(name="runner:web1-a1b2c3d4", seen_at=timezone.now())
    slow = _running_task("web1-a1b2c3d4-urgent", started_minutes_ago=45)
    just_started = _running_task("elsewhere-0f0f0f0f-0", started_minutes_ago=0.2)
    assert fail_orphaned_tasks() == 0
    assert DBTaskResult.objects.get(pk=slow).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=just_started).status == "RUNNING"


@pytest.mark.django_db
def test_a_runner_beats_and_forgets_its_heartbeat_on_a_clean_stop():
    from koers.core.models import Heartbeat
    from koers.core.worker import Runner

    runner = Runner(concurrency=1, schedule=False)
    runner._beat_once()  # what start() does first and the heartbeat thread repeats
    assert Heartbeat.objects.filter(name=runner.heartbeat_name).exists()
    runner.stop()
    assert not Heartbeat.objects.filter(name=runner.heartbeat_name).exists()
