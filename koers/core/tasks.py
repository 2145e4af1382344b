from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from koers.core import worker
from koers.core.queues import HEARTBEAT, HEARTBEAT_SECONDS
from koers.core.scheduler import beat, periodic


@periodic(every=timedelta(seconds=HEARTBEAT_SECONDS))
@task(queue_name="heartbeat", priority=HEARTBEAT)
def worker_heartbeat() -> None:
    """Runs through the real queue, so a fresh heartbeat proves tasks are being processed."""
    beat("worker")


@periodic(every=timedelta(minutes=1))
@task
def fail_orphaned_tasks() -> int:
    """Tasks left RUNNING by a killed worker become FAILED with a message saying so."""
    return worker.fail_orphaned_tasks()
