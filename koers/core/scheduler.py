"""Periodic jobs without a leader: each due run is claimed by one conditional UPDATE.

Any number of ``koers worker`` processes may call ``tick()``. A job's row is moved forward with
``UPDATE … SET next_run_at = now + every WHERE name = … AND next_run_at <= now``; only the process
whose update touched the row enqueues the task, in the same transaction. So a run is enqueued once
however many schedulers race, and a crashed scheduler loses nothing (the row stays due).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.db import transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from koers.core.models import Heartbeat, PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: Task


REGISTRY: dict[str, Periodic] = {}


def periodic(every: timedelta, name: str | None = None) -> Callable[[Task], Task]:
    """Register a django task to be enqueued every ``every`` (apply above ``@task``)."""

    def decorator(task: Task) -> Task:
        job_name = name or task.module_path
        REGISTRY[job_name] = Periodic(job_name, every, task)
        return task

    return decorator


def load_task_modules() -> None:
    """Import ``<app>.tasks`` of every installed koers app so their jobs register."""
    for config in apps.get_app_configs():
        if config.name.startswith("koers.") and module_has_submodule(config.module, "tasks"):
            importlib.import_module(f"{config.name}.tasks")


def beat(name: str, detail: str = "", now: datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": now or timezone.now(), "detail": detail[:200]}
    )


def tick(now: datetime | None = None, claimed_by: str = "") -> list[str]:
    """Enqueue every due periodic job exactly once; return the names enqueued by this call."""
    now = now or timezone.now()
    existing = set(PeriodicJob.objects.values_list("name", flat=True))
    missing = [PeriodicJob(name=n, next_run_at=now) for n in REGISTRY if n not in existing]
    if missing:
        PeriodicJob.objects.bulk_create(missing, ignore_conflicts=True)
    enqueued = []
    for job in REGISTRY.values():
        with transaction.atomic():
            claimed = PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now).update(
                next_run_at=now + job.every, last_run_at=now, last_claimed_by=claimed_by[:64]
            )
            if claimed == 1:
                job.task.enqueue()
                enqueued.append(job.name)
    beat("scheduler", detail=claimed_by, now=now)
    if enqueued:
        logger.info("scheduler enqueued %s", ", ".join(enqueued))
    return enqueued
