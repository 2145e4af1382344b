"""The terminal of `koers serve` shows what matters: slow and failed task runs, not every run."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone


def _result(seconds: float, status=TaskResultStatus.SUCCESSFUL):
    started = timezone.now()
    return SimpleNamespace(
        id="t-1",
        status=status,
        started_at=started,
        finished_at=started + timedelta(seconds=seconds),
        task=SimpleNamespace(module_path="koers.publishing.tasks.check_links"),
    )


def test_task_runs_are_not_logged_at_info_unless_the_log_level_is_debug():
    assert not logging.getLogger("django.tasks").isEnabledFor(logging.INFO)
    assert not logging.getLogger("django_tasks_db").isEnabledFor(logging.INFO)
    assert logging.getLogger("django.tasks").isEnabledFor(logging.ERROR)  # failures still show


def test_a_slow_task_run_is_a_warning_and_a_quick_one_is_silent(caplog, settings):
    settings.KOERS_SLOW_TASK_SECONDS = 60
    with caplog.at_level(logging.INFO, logger="koers.core.tasklog"):
        task_finished.send(sender=None, task_result=_result(2))
        assert caplog.records == []
        task_finished.send(sender=None, task_result=_result(75))

    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "check_links" in record.getMessage() and "75 s" in record.getMessage()
