"""The background runner used by ``koers worker`` and ``koers serve``: task workers + scheduler.

Task execution is django-tasks-db's own ``Worker`` (it claims rows with ``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so N processes scale out); we only run it in threads beside our scheduler.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from django.db import DatabaseError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from koers.core.scheduler import load_task_modules, tick

logger = logging.getLogger(__name__)


class Runner:
    """Run ``concurrency`` task-worker threads and, optionally, the scheduler loop."""

    def __init__(
        self,
        *,
        concurrency: int = 1,
        interval: float = 1.0,
        schedule: bool = True,
        tick_seconds: float = 5.0,
    ) -> None:
        self.base_id = f"{socket.gethostname()[:30]}-{get_random_string(8)}"
        self.workers = [
            Worker(
                queue_names=["*"],
                interval=interval,
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=f"{self.base_id}-{i}",
                excluded_queue_names=[],
            )
            for i in range(concurrency)
        ]
        self.schedule = schedule
        self.tick_seconds = tick_seconds
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        load_task_modules()
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

    def wait(self) -> None:
        """Block until stopped (Ctrl+C or SIGTERM handled by the caller)."""
        while not self.stopping.is_set():
            self.stopping.wait(1.0)
