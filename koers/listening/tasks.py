"""Background work of listening: poll due sources (Mastodon, Bluesky search, RSS) every minute.

The Jetstream stream is long-running and runs in ``koers listen`` (foreground), not here.
"""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from koers.core.queues import BULK
from koers.core.scheduler import periodic
from koers.listening import sources, uploads


@periodic(every=timedelta(minutes=1), name="listening.poll_sources")
@task(queue_name="listening")
def poll_sources() -> int:
    """Poll every source that is due; each source is claimed so a run never doubles up."""
    return sources.poll_due()


@periodic(every=timedelta(hours=1), name="listening.remove_abandoned_uploads")
@task(queue_name="listening", priority=BULK)
def remove_abandoned_uploads() -> int:
    """Delete browser-import files whose column mapping never came (older than 24 hours)."""
    return uploads.remove_abandoned()


@task(queue_name="listening", priority=BULK)
def backfill_topic(topic_id: int) -> int:
    """Link a new or changed topic to the matching mentions already stored."""
    from koers.listening.models import Topic
    from koers.listening.pipeline import backfill_topic as backfill

    topic = Topic.objects.filter(pk=topic_id).first()
    return backfill(topic) if topic is not None else 0


@periodic(every=timedelta(hours=6), name="listening.train_sentiment_heads")
@task(queue_name="listening", priority=BULK)
def train_sentiment_heads() -> int:
    """Retrain the head of every workspace that chose the language model and has new
    corrections since its last training; returns how many were trained."""
    from django.db.models import Count, F

    from koers.listening import actions
    from koers.listening.actions import TrainingError
    from koers.listening.models import SentimentModel

    due = (
        SentimentModel.objects.filter(backend="embedding")
        .annotate(corrections=Count("workspace__listening_corrections"))
        .filter(corrections__gt=F("trained_on"))
    )
    trained = 0
    for model in due.select_related("workspace"):
        try:
            actions.train_sentiment_head(model.workspace, None)
        except TrainingError:
            continue  # too few corrections yet; the page tells the team how many are needed
        trained += 1
    return trained


@task(queue_name="listening", priority=BULK)
def count_days_again(workspace_id: int) -> bool:
    """Count a workspace's days (volume, sentiment, authors, hashtags and links per local day)
    again in its time zone after it changed; returns whether anything was counted."""
    from koers.core.models import Workspace
    from koers.listening.models import RollupZone
    from koers.listening.rollups import daily_rollups_ready

    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return False
    if RollupZone.objects.filter(workspace=workspace, zone=workspace.time_zone).exists():
        return False
    daily_rollups_ready(workspace)
    return True
