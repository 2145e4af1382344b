"""Run by test_worker in a child process: enqueue probe tasks or report what ran (JSON)."""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koers.settings")
django.setup()

from django.tasks import task  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from koers.core.models import AuditEvent  # noqa: E402


@task
def record_run(n: int) -> None:
    """Leaves one audit row per execution, so a task run twice shows up as a duplicate."""
    AuditEvent.objects.create(action="test.run", object_id=str(n), summary=f"run {n}")


def main(command: str, count: int) -> None:
    if command == "enqueue":
        # Enqueue through the module's real name: run as a script this file is "__main__",
        # a task path no worker could import.
        from koers.core.tests.worker_probe import record_run as importable_task

        for n in range(count):
            importable_task.enqueue(n)
    runs = list(AuditEvent.objects.filter(action="test.run").values_list("object_id", flat=True))
    print(
        json.dumps(
            {
                "pending": DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count(),
                "successful": DBTaskResult.objects.filter(status="SUCCESSFUL").count(),
                "runs": sorted(int(r) for r in runs),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
