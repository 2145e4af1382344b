"""The background runner used by ``koers worker`` and ``koers serve``: task workers + scheduler.

Task execution is django-tasks-db's own ``Worker`` (it claims rows with ``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so N processes scale out); we only run it in threads beside our scheduler.

Each runner keeps a heartbeat of its own (``runner:<id>``, every ``RUNNER_BEAT_SECONDS``) while its
process lives. A task whose runner stopped beating was killed mid-run (kill -9, power cut, OOM):
``fail_orphaned_tasks`` marks it failed instead of leaving it RUNNING forever.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from koers.core.models import Heartbeat
from koers.core.queues import TIME_CRITICAL_QUEUES
from koers.core.scheduler import beat, load_task_modules, tick

logger = logging.getLogger(__name__)

RUNNER_BEAT_SECONDS = 10.0
RUNNER_PREFIX = "runner:"
ORPHAN_ERROR = "koers.core.worker.WorkerLost"


def runner_of(worker_id: str) -> str:
    """The runner id inside a worker id (``<runner>-<thread>``; runner ids contain dashes too)."""
    return worker_id.rsplit("-", 1)[0]


def _worker(worker_id: str, queue_names: list[str], interval: float) -> Worker:
    return Worker(
        queue_names=queue_names,
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


class Runner:
    """Run ``concurrency`` task-worker threads, one time-critical thread and, optionally, the
    scheduler loop."""

    def __init__(
        self,
        *,
        concurrency: int = 1,
        interval: float = 1.0,
        schedule: bool = True,
        tick_seconds: float = 5.0,
    ) -> None:
        self.base_id = f"{socket.gethostname()[:30]}-{get_random_string(8)}"
        # General threads take any queue, highest priority first (see koers/core/queues.py).
        self.workers = [_worker(f"{self.base_id}-{i}", ["*"], interval) for i in range(concurrency)]
        # One more thread serves only publishing, replies and alerts, so a due post never waits
        # behind a slow link check that occupies every general thread.
        self.workers.append(_worker(f"{self.base_id}-urgent", TIME_CRITICAL_QUEUES, interval))
        self.schedule = schedule
        self.tick_seconds = tick_seconds
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    @property
    def heartbeat_name(self) -> str:
        return f"{RUNNER_PREFIX}{self.base_id}"

    def start(self) -> None:
        load_task_modules()
        self._beat_once()
        self._spawn(self._beat_loop, "koers-runner-heartbeat")
        for worker in self.workers:
            self._spawn(worker.run, f"koers-worker-{worker.worker_id}")
        if self.schedule:
            self._spawn(self._schedule_loop, "koers-scheduler")

    def _spawn(self, target, name: str) -> None:
        def run() -> None:
            while not self.stopping.is_set():
                try:
                    target()
                    return
                except DatabaseError as exc:
                    # The database went away (restart, network): wait and carry on, don't die.
                    logger.warning("%s: database error, restarting in 5 s: %s", name, exc)
                    self.stopping.wait(5.0)
                finally:
                    connection.close()

        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _beat_once(self) -> None:
        beat(self.heartbeat_name, detail=f"{len(self.workers)} task threads")

    def _beat_loop(self) -> None:
        while not self.stopping.wait(RUNNER_BEAT_SECONDS):
            close_old_connections()
            try:
                self._beat_once()
            except DatabaseError as exc:
                logger.warning("runner heartbeat failed, retrying: %s", exc)

    def _schedule_loop(self) -> None:
        while not self.stopping.is_set():
            close_old_connections()
            try:
                tick(claimed_by=self.base_id)
            except DatabaseError as exc:
                # A locked or briefly unreachable database: keep going, the rows stay due.
                logger.warning("scheduler tick failed, retrying: %s", exc)
            self.stopping.wait(self.tick_seconds)

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        for worker in self.workers:
            worker.running = False
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if not any(thread.is_alive() for thread in self.threads):
            # A clean stop: nothing of ours is running any more, so no heartbeat to keep.
            try:
                Heartbeat.objects.filter(name=self.heartbeat_name).delete()
            except DatabaseError as exc:
                logger.warning("could not remove the runner heartbeat: %s", exc)

    def wait(self) -> None:
        """Block until stopped (Ctrl+C or SIGTERM handled by the caller)."""
        while not self.stopping.is_set():
            self.stopping.wait(1.0)


def fail_orphaned_tasks(now: datetime | None = None) -> int:
    """Mark RUNNING tasks failed whose runner has shown no sign of life for the heartbeat max age.

    Only a killed process leaves a task RUNNING without a live runner; a slow task keeps its
    runner beating. Publishing and replies need no re-run from here: their own claims expire and
    are recovered (``recover_publishing``, ``recover_replies``). Returns how many were marked.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.KOERS_HEARTBEAT_MAX_AGE)
    alive = {
        name.removeprefix(RUNNER_PREFIX): seen
        for name, seen in Heartbeat.objects.filter(name__startswith=RUNNER_PREFIX).values_list(
            "name", "seen_at"
        )
    }
    failed = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    for pk, worker_ids, task_path in running.values_list("pk", "worker_ids", "task_path"):
        worker_id = worker_ids[-1] if worker_ids else ""
        seen = alive.get(runner_of(worker_id))
        if seen is not None and seen >= cutoff:
            continue
        last_sign = seen.isoformat() if seen else "never"
        message = (
            f"The worker {worker_id or '(unknown)'} stopped while running this task "
            f"(last heartbeat: {last_sign}); marked failed by koers.\n"
        )
        failed += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=ORPHAN_ERROR,
            traceback=message,
            return_value=None,
        )
        logger.warning(
            "task %s (%s) was left running by a stopped worker; marked failed", pk, task_path
        )
    # Runners that stopped beating are gone for good (a restart gets a new id): forget them.
    Heartbeat.objects.filter(name__startswith=RUNNER_PREFIX, seen_at__lt=cutoff).delete()
    return failed
