"""Background work of the inbox; tasks take ids, never objects.

Periodic (via ``koers.core.scheduler``): triage new mentions into the inbox, warn about overdue
items, recover reply claims whose worker stopped, retry hiding/deleting comments. On demand:
send one reply, hide or delete one comment.
"""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from koers.core.queues import URGENT
from koers.core.scheduler import periodic
from koers.engagement import actions, moderation, replies, triage, x_inbox


@periodic(every=timedelta(minutes=1))
@task(queue_name="engagement")
def triage_mentions() -> int:
    return triage.run()


@periodic(every=timedelta(minutes=10))
@task(queue_name="engagement")
def add_x_mention_sources() -> int:
    return x_inbox.ensure_mention_sources()


@periodic(every=timedelta(minutes=1))
@task(queue_name="engagement")
def warn_overdue() -> int:
    return actions.notify_overdue()


@periodic(every=timedelta(minutes=1))
@task(queue_name="engagement")
def recover_replies() -> dict[str, int]:
    return replies.recover()


@task(queue_name="replies", priority=URGENT)
def send_reply(reply_id: int) -> str:
    return replies.send(reply_id)


@task(queue_name="replies", priority=URGENT)
def moderate_comment(moderation_id: int) -> str:
    """Hide or delete one comment on its network (asked for in the inbox)."""
    return moderation.run(moderation_id)


@periodic(every=timedelta(minutes=1))
@task(queue_name="engagement")
def recover_moderations() -> dict[str, int]:
    return moderation.recover()


@task(queue_name="engagement", priority=URGENT)
def process_meta_event(event_id: int) -> str:
    from koers.engagement import meta

    return meta.process(event_id)


@periodic(every=timedelta(minutes=5))
@task(queue_name="engagement")
def retry_meta_events() -> int:
    from koers.engagement import meta

    return meta.retry_events()


@periodic(every=timedelta(minutes=10))
@task(queue_name="engagement")
def poll_meta_comments() -> int:
    """The fallback for installations Meta's webhooks can't reach (``KOERS_META_POLL``)."""
    from django.conf import settings

    from koers.engagement import meta

    return meta.poll_all() if settings.KOERS_META_POLL else 0


@periodic(every=timedelta(minutes=10))
@task(queue_name="engagement")
def poll_linkedin_inbox() -> int:
    """Comments on LinkedIn pages' posts and mentions of the pages (LinkedIn is polled)."""
    from koers.engagement import linkedin

    return linkedin.poll_all()


@periodic(every=timedelta(minutes=10))
@task(queue_name="engagement")
def poll_youtube_comments() -> int:
    """Comments on the connected YouTube channels' videos into the inbox."""
    from koers.engagement import youtube

    return youtube.poll_all()
