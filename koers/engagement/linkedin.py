"""The LinkedIn inbox: comments on the page's posts and posts that @-mention the page, read on
a schedule into inbox items; replies sent as the page.

LinkedIn has no webhooks koers can rely on for pages without a public address, so every
connected page (not demo, not broken) is polled (:func:`poll_all`, every ten minutes):

* the comments under the page's ``POLL_POSTS`` most recently changed posts, every page of
  them; each comment of someone else becomes a *comment* item (the page's own comments —
  first comments, replies from koers — are left out);
* the page's ``SHARE_MENTION`` notifications since the last poll (the first poll looks back
  ``FIRST_LOOK_BACK``); each becomes a *mention* item.

Each item is a listening :class:`~koers.listening.models.Mention` keyed by its URN, so a
comment read twice is stored once. A refused token (expired, revoked) marks the channel
broken with LinkedIn's reason and stores nothing more for it.

Replies go out as the page through :class:`~koers.networks.linkedin_inbox.LinkedInReplier`:
a comment is answered with a comment carrying ``parentComment``, a mention with a comment
under the mentioning post; exactly once (see :mod:`koers.engagement.replies`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.core.crypto import DecryptionError
from koers.engagement.models import InboxItem, Kind, Origin, Reply
from koers.engagement.store import store_item
from koers.networks.base import AuthError, NetworkError
from koers.networks.linkedin import post_url
from koers.networks.linkedin_inbox import LinkedInInbox, LinkedInReplier
from koers.publishing import actions as publishing_actions
from koers.publishing.models import Channel, Health, Network

logger = logging.getLogger(__name__)

POLL_POSTS = 10
FIRST_LOOK_BACK = timedelta(days=7)
#: Notifications can arrive a little after the post they are about: each poll overlaps.
OVERLAP = timedelta(minutes=15)
CURSOR = "inbox_mentions_until"
TIMEOUT_SECONDS = 20.0


def _organization(channel: Channel) -> str:
    return str((channel.extra or {}).get("organization") or channel.account_id)


def inbox_for(channel: Channel) -> LinkedInInbox:
    return LinkedInInbox(
        channel.secret, _organization(channel), api_base=channel.endpoint, timeout=TIMEOUT_SECONDS
    )


def replier_for(reply: Reply) -> LinkedInReplier:
    channel = reply.channel
    return LinkedInReplier(
        channel.secret,
        _organization(channel),
        since=reply.created_at,
        api_base=channel.endpoint,
        timeout=TIMEOUT_SECONDS,
    )


def _since(channel: Channel, now: datetime) -> datetime:
    stored = (channel.extra or {}).get(CURSOR)
    if stored:
        return datetime.fromisoformat(stored) - OVERLAP
    return now - FIRST_LOOK_BACK


def poll(channel: Channel, now: datetime | None = None) -> int:
    """Read the page's comments and mentions into the inbox; returns how many items are new.

    Everything is read before anything is stored, so a refused token stores nothing."""
    now = now or timezone.now()
    inbox = inbox_for(channel)
    comments = [c for post in inbox.recent_posts(POLL_POSTS) for c in inbox.comments(post)]
    since = _since(channel, now)
    mentions = inbox.mentions(
        start_ms=int(since.timestamp() * 1000), end_ms=int(now.timestamp() * 1000)
    )
    before = InboxItem.objects.filter(workspace_id=channel.workspace_id).count()
    with transaction.atomic():
        for comment in comments:
            store_item(
                channel,
                network=Network.LINKEDIN,
                remote_id=comment.urn,
                text=comment.text,
                author_id=comment.actor,
                author_name="",
                published_at=comment.created,
                kind=Kind.COMMENT,
                origin=Origin.REPLY,
                reply_to=comment.post,
                url=post_url(comment.post),
            )
        for mention in mentions:
            store_item(
                channel,
                network=Network.LINKEDIN,
                remote_id=mention.post,
                text=mention.text or _("(a LinkedIn post that mentions the page)"),
                author_id=mention.author,
                author_name="",
                published_at=mention.created,
                kind=Kind.MENTION,
                origin=Origin.ADDRESSED,
                url=post_url(mention.post),
            )
        channel.extra = (channel.extra or {}) | {CURSOR: now.isoformat()}
        channel.save(update_fields=["extra"])
    return InboxItem.objects.filter(workspace_id=channel.workspace_id).count() - before


def poll_all() -> int:
    """Every connected LinkedIn page (not demo, not broken); returns the new items."""
    total = 0
    channels = Channel.objects.filter(network=Network.LINKEDIN, is_demo=False).exclude(
        health=Health.BROKEN
    )
    for channel in channels.select_related("workspace"):
        try:
            total += poll(channel)
        except AuthError as error:
            publishing_actions.mark_channel_broken(channel, error.message)
        except (NetworkError, DecryptionError) as error:
            logger.warning("linkedin inbox poll of channel %s: %s", channel.pk, error)
    return total
