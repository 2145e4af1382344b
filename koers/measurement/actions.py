"""Every state change of the measurement app: one transaction and one audit row each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.core.actions import audit
from koers.core.models import Workspace
from koers.measurement import sources
from koers.measurement.models import (
    POST_COUNTS,
    AccountSnapshot,
    ManualMetric,
    MeasuredPost,
    ObjectiveEvaluation,
    PostSnapshot,
    ReportSchedule,
)
from koers.measurement.sources import PublishedPost
from koers.networks.base import AccountMetrics, PostMetrics

# ---------------------------------------------------------------------------------------------
# Manual and CSV inputs


def _upsert_manual(workspace: Workspace, actor, row: dict, source: str) -> ManualMetric:
    metric, _created = ManualMetric.objects.update_or_create(
        workspace=workspace,
        metric=row["metric"],
        day=row["day"],
        channel=row.get("channel", ""),
        stage=row.get("stage") or 0,
        defaults={
            "value": row["value"],
            "note": row.get("note", ""),
            "source": source,
            "entered_by": actor,
            "entered_at": timezone.now(),
        },
    )
    return metric


@transaction.atomic
def record_manual_metric(workspace: Workspace, actor: AbstractBaseUser, **row) -> ManualMetric:
    """Enter one number for one day; an existing entry for the same day/metric is replaced."""
    metric = _upsert_manual(workspace, actor, row, "manual")
    audit(
        workspace,
        actor,
        "measurement.manual",
        f"{metric.metric} {metric.day}: {metric.value}",
        metric,
        metric=metric.metric,
        day=metric.day.isoformat(),
        value=metric.value,
    )
    return metric


@transaction.atomic
def import_manual_metrics(
    workspace: Workspace, actor: AbstractBaseUser, rows: Sequence[dict], filename: str = ""
) -> int:
    """Import validated CSV rows, all or none (the caller passes only a fully valid file)."""
    for row in rows:
        _upsert_manual(workspace, actor, row, "csv")
    audit(
        workspace,
        actor,
        "measurement.import",
        f"imported {len(rows)} metric rows from {filename or 'CSV'}",
        rows=len(rows),
        filename=filename[:100],
    )
    return len(rows)


@transaction.atomic
def delete_manual_metric(metric: ManualMetric, actor: AbstractBaseUser) -> None:
    audit(
        metric.workspace,
        actor,
        "measurement.manual_delete",
        f"deleted {metric.metric} {metric.day}",
        metric,
    )
    metric.delete()


# ---------------------------------------------------------------------------------------------
# Metric collection


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def engagements_of(counts: PostMetrics | PostSnapshot) -> int | None:
    """likes + replies + reposts (+ quotes when the network counts them): the default variant."""
    parts = (counts.likes, counts.replies, counts.reposts)
    if any(p is None for p in parts):
        return None
    return sum(p for p in parts if p is not None) + (counts.quotes or 0)


def _followers_at(workspace: Workspace, channel_key: str, moment: datetime) -> int | None:
    snapshot = (
        AccountSnapshot.objects.filter(
            workspace=workspace, channel_key=channel_key, taken_at__lte=moment
        )
        .exclude(followers=None)
        .order_by("-taken_at")
        .values_list("followers", flat=True)
        .first()
    )
    return snapshot


def track_post(workspace: Workspace, published: PublishedPost) -> MeasuredPost:
    """Start following a published post (idempotent; called inside a collecting action)."""
    local = _local(published.published_at, workspace.time_zone)
    post, _created = MeasuredPost.objects.get_or_create(
        workspace=workspace,
        network=published.network,
        remote_id=published.remote_id,
        defaults={
            "channel_key": published.channel_key,
            "channel_name": published.channel_name,
            "url": published.url,
            "campaign": published.campaign,
            "excerpt": published.excerpt[:200],
            "published_at": published.published_at,
            "local_date": local.date(),
            "local_weekday": local.weekday(),
            "local_hour": local.hour,
            "followers_at_post": _followers_at(
                workspace, published.channel_key, published.published_at
            ),
        },
    )
    return post


@transaction.atomic
def track_posts(workspace: Workspace, published: Iterable[PublishedPost]) -> int:
    """Follow every published post not followed yet; one audit row when any is new."""
    known = set(
        MeasuredPost.objects.filter(workspace=workspace).values_list("network", "remote_id")
    )
    new = [p for p in published if (p.network, p.remote_id) not in known]
    for item in new:
        track_post(workspace, item)
    if new:
        audit(workspace, None, "measurement.track", f"following {len(new)} new posts")
    return len(new)


def _apply_snapshot(post: MeasuredPost, metrics: PostMetrics, taken_at: datetime) -> PostSnapshot:
    values = {name: getattr(metrics, name, None) for name in POST_COUNTS}
    snapshot = PostSnapshot(workspace_id=post.workspace_id, post=post, taken_at=taken_at, **values)
    for name, value in values.items():
        setattr(post, name, value)
    post.engagements = engagements_of(metrics)
    post.metrics_at = taken_at
    return snapshot


@transaction.atomic
def record_post_metrics(
    workspace: Workspace,
    metrics: Sequence[PostMetrics],
    *,
    network: str,
    taken_at: datetime | None = None,
) -> int:
    """Store one snapshot per post and refresh each post's latest counts. Unknown remote ids
    (posts we don't follow) are skipped. Returns the number of snapshots stored."""
    taken_at = taken_at or timezone.now()
    by_remote = {
        p.remote_id: p
        for p in MeasuredPost.objects.filter(
            workspace=workspace, network=network, remote_id__in=[m.remote_id for m in metrics]
        )
    }
    snapshots, posts = [], []
    for item in metrics:
        post = by_remote.get(item.remote_id)
        if post is not None:
            snapshots.append(_apply_snapshot(post, item, taken_at))
            posts.append(post)
    PostSnapshot.objects.bulk_create(snapshots)
    MeasuredPost.objects.bulk_update(posts, [*POST_COUNTS, "engagements", "metrics_at"])
    if snapshots:
        audit(
            workspace,
            None,
            "measurement.post_metrics",
            f"{len(snapshots)} post snapshots from {network}",
            network=network,
            posts=len(snapshots),
        )
    return len(snapshots)


@transaction.atomic
def record_account_metrics(
    workspace: Workspace,
    metrics: AccountMetrics,
    *,
    network: str,
    channel_key: str,
    channel_name: str,
    taken_at: datetime | None = None,
) -> AccountSnapshot:
    taken_at = taken_at or timezone.now()
    snapshot = AccountSnapshot.objects.create(
        workspace=workspace,
        network=network,
        channel_key=channel_key,
        channel_name=channel_name,
        taken_at=taken_at,
        local_date=_local(taken_at, workspace.time_zone).date(),
        followers=metrics.followers,
        following=metrics.following,
        posts=metrics.posts,
    )
    audit(
        workspace,
        None,
        "measurement.account_metrics",
        f"{channel_name}: {metrics.followers if metrics.followers is not None else '—'} followers",
        snapshot,
    )
    return snapshot


# ---------------------------------------------------------------------------------------------
# Report schedules


def next_delivery(frequency: str, after: datetime, tz: str) -> datetime:
    """07:00 local on the 1st of the next month (monthly) or on the next Monday (weekly)."""
    local = _local(after, tz)
    if frequency == ReportSchedule.Frequency.WEEKLY:
        day: date = local.date() + timedelta(days=7 - local.weekday())
    else:
        day = (local.date().replace(day=1) + timedelta(days=32)).replace(day=1)
    return datetime(day.year, day.month, day.day, 7, tzinfo=ZoneInfo(tz))


@transaction.atomic
def create_report_schedule(
    workspace: Workspace, actor: AbstractBaseUser, **fields
) -> ReportSchedule:
    schedule = ReportSchedule.objects.create(
        workspace=workspace,
        created_by=actor,
        next_run_at=next_delivery(fields["frequency"], timezone.now(), workspace.time_zone),
        **fields,
    )
    audit(
        workspace,
        actor,
        "measurement.schedule",
        f"report {schedule.frequency} to {len(schedule.recipient_list())} recipients",
        schedule,
    )
    return schedule


@transaction.atomic
def delete_report_schedule(schedule: ReportSchedule, actor: AbstractBaseUser) -> None:
    audit(schedule.workspace, actor, "measurement.schedule_delete", "schedule removed", schedule)
    schedule.delete()


REPORT_LEASE = timedelta(minutes=30)


def claim_report_schedule(schedule: ReportSchedule, now: datetime) -> bool:
    """Take a due schedule for sending: only the process whose conditional update touches the
    row sends; a crash retries after ``REPORT_LEASE``."""
    claimed = ReportSchedule.objects.filter(
        pk=schedule.pk, active=True, next_run_at=schedule.next_run_at, next_run_at__lte=now
    ).update(next_run_at=now + REPORT_LEASE)
    return claimed == 1


@transaction.atomic
def mark_report_sent(schedule: ReportSchedule, sent_at: datetime, period: str) -> None:
    schedule.last_sent_at = sent_at
    schedule.next_run_at = next_delivery(schedule.frequency, sent_at, schedule.workspace.time_zone)
    schedule.save(update_fields=["last_sent_at", "next_run_at"])
    audit(
        schedule.workspace,
        None,
        "measurement.report_sent",
        f"report {period} sent to {len(schedule.recipient_list())} recipients",
        schedule,
        period=period,
    )


# ---------------------------------------------------------------------------------------------
# Evaluation and the next cycle


@transaction.atomic
def evaluate_objective(
    workspace: Workspace,
    actor: AbstractBaseUser,
    *,
    objective_id: int,
    kpi_id: str,
    variant: str,
    value: float | None,
    reached: bool,
    learnings: str,
    evaluated_on: date,
) -> ObjectiveEvaluation:
    """Record (or replace) the evaluation of one objective of the active cycle; its value
    becomes the objective's result, the next cycle's baseline."""
    if not sources.objective_in_active_cycle(workspace, objective_id):
        raise ValidationError(_("Only objectives of the active cycle can be evaluated."))
    evaluation, _created = ObjectiveEvaluation.objects.update_or_create(
        objective_id=objective_id,
        defaults={
            "workspace": workspace,
            "kpi_id": kpi_id,
            "variant": variant,
            "value": value,
            "reached": reached,
            "learnings": learnings,
            "evaluated_on": evaluated_on,
            "evaluated_by": actor,
        },
    )
    sources.record_objective_result(workspace, actor, objective_id, value, evaluated_on)
    audit(
        workspace,
        actor,
        "measurement.evaluate",
        f"objective {objective_id}: {'reached' if reached else 'not reached'}",
        evaluation,
        value=value,
        reached=reached,
    )
    return evaluation
