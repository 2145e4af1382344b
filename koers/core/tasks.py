from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from koers.core.scheduler import beat, periodic


@periodic(every=timedelta(seconds=30))
@task
def worker_heartbeat() -> None:
    """Runs through the real queue, so a fresh heartbeat proves tasks are being processed."""
    beat("worker")
