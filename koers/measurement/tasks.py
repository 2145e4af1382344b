"""Periodic measurement jobs: metric collection and scheduled report e-mails."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from koers.core.scheduler import periodic
from koers.measurement import actions, collect, report
from koers.measurement.models import ReportSchedule

logger = logging.getLogger(__name__)


@periodic(every=timedelta(hours=1))
@task
def collect_metrics() -> None:
    """Follow new published posts and snapshot post and account metrics of every channel."""
    result = collect.collect_all()
    logger.info(
        "metrics: %d new posts, %d post snapshots, %d account snapshots, %d failures",
        result.new_posts,
        result.post_snapshots,
        result.account_snapshots,
        result.failures,
    )


@periodic(every=timedelta(minutes=5))
@task
def collect_first_metrics() -> None:
    """First metrics of posts published in the last hour without any, minutes after publishing."""
    result = collect.collect_fresh()
    if result.new_posts or result.post_snapshots or result.failures:
        logger.info(
            "first metrics: %d new posts, %d post snapshots, %d failures",
            result.new_posts,
            result.post_snapshots,
            result.failures,
        )


@periodic(every=timedelta(minutes=15))
@task
def send_due_reports() -> None:
    """E-mail every due report schedule (each one moves on after sending)."""
    now = timezone.now()
    due = ReportSchedule.objects.filter(active=True, next_run_at__lte=now).select_related(
        "workspace"
    )
    for schedule in due:
        if not actions.claim_report_schedule(schedule, now):
            continue  # another worker has it
        period = report.send_scheduled(schedule, now)
        logger.info("report %s sent for schedule %s", period, schedule.pk)
