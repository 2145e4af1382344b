"""One log line for a task run that matters: a slow run is a warning.

Django logs every run's start and end at INFO and failures at ERROR (``django.tasks``); the
settings keep the INFO lines out of the terminal unless ``KOERS_LOG_LEVEL=DEBUG``. What an
operator still needs to see is a run that took long — a slow network or a job that grew.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.tasks.base import TaskResultStatus

logger = logging.getLogger(__name__)


def warn_when_slow(sender: Any, task_result: Any, **kwargs: Any) -> None:
    started, finished = task_result.started_at, task_result.finished_at
    if started is None or finished is None or task_result.status != TaskResultStatus.SUCCESSFUL:
        return  # failures are logged as errors by Django itself
    seconds = (finished - started).total_seconds()
    if seconds >= settings.KOERS_SLOW_TASK_SECONDS:
        logger.warning(
            "task %s (%s) took %.0f s", task_result.id, task_result.task.module_path, seconds
        )
