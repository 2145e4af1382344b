"""Background work of the publishing app; tasks take ids, never objects.

Periodic (via ``koers.core.scheduler``): queue due posts, recover lost claims, check channel
health and warn before credentials expire. On demand: publish one delivery, check one
channel, check an item's links.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
from django.tasks import task
from django.utils import timezone, translation

from koers.core.crypto import DecryptionError
from koers.core.outbound import blocked_message
from koers.core.queues import BULK, URGENT
from koers.core.scheduler import periodic
from koers.networks.base import ConnectionStatus, Limits, NetworkError
from koers.networks.safety import BlockedAddressError, HostBlocked, http_client
from koers.networks.safety import check_url as check_outbound_url
from koers.publishing import actions, dispatch, linkedin, meta
from koers.publishing.adapters import publisher_for
from koers.publishing.models import Channel, ContentItem, Health, LinkCheck
from koers.publishing.policy import item_urls

logger = logging.getLogger(__name__)

EXPIRY_WARNING = timedelta(days=7)
LINK_TIMEOUT = 10.0


@task(queue_name="publishing", priority=URGENT)
def publish_delivery(delivery_id: int) -> str:
    return dispatch.publish_delivery(delivery_id)


@periodic(every=timedelta(seconds=20))
@task(queue_name="publishing", priority=URGENT)
def queue_due_posts() -> int:
    dispatch.flag_overdue()
    return dispatch.queue_due()


@periodic(every=timedelta(minutes=1))
@task(queue_name="publishing", priority=URGENT)
def recover_publishing() -> dict[str, int]:
    return dispatch.recover()


def check_channel_now(channel: Channel) -> tuple[ConnectionStatus, Limits | None]:
    """Ask the network (outside any transaction) if the channel works, and its real limits.

    Never raises for network trouble: it is reported in the status instead.
    """
    try:  # the address may have been saved before the guard existed, or the policy changed
        check_outbound_url(channel.endpoint)
    except HostBlocked:
        with translation.override(channel.workspace.language):
            return ConnectionStatus(ok=False, reason=blocked_message()), None
    try:
        publisher = publisher_for(channel)
    except (DecryptionError, NetworkError) as error:  # e.g. no developer app registered
        return ConnectionStatus(ok=False, reason=str(error)), None
    status = publisher.check_connection()
    if not status.ok:
        return status, None
    try:
        return status, publisher.limits()
    except NetworkError:  # the account works but the limits could not be read: keep the last
        return status, None


@task(priority=BULK)
def check_channel(channel_id: int) -> bool:
    channel = Channel.objects.select_related("workspace").filter(pk=channel_id).first()
    if channel is None or channel.is_demo:
        return False
    status, limits = check_channel_now(channel)
    actions.record_channel_check(channel, status, limits=limits)
    return status.ok


@periodic(every=timedelta(hours=1))
@task(priority=BULK)
def check_channels() -> int:
    """Health of every channel; e-mail the owners when one breaks or expires within a week."""
    checked = 0
    for channel in Channel.objects.select_related("workspace").filter(is_demo=False):
        status, limits = check_channel_now(channel)
        actions.record_channel_check(channel, status, limits=limits)
        checked += 1
    soon = timezone.now() + EXPIRY_WARNING
    linkedin.refresh_expiring(soon)  # pages with a refresh token renew instead of warning
    meta.refresh_threads_expiring(soon)  # Threads tokens renew (a refusal: channel broken)
    expiring = Channel.objects.filter(
        expires_at__isnull=False, expires_at__lte=soon, warned_at__isnull=True, is_demo=False
    ).exclude(health=Health.BROKEN)
    for channel in expiring.select_related("workspace"):
        actions.warn_expiry(channel)
    return checked


def check_url(url: str, client: httpx.Client) -> tuple[bool, str]:
    """HEAD (then GET when HEAD is not allowed), following redirects: 2xx/3xx end = works.

    ``client`` should come from :func:`link_client`: a link (or a redirect) to a private
    address is reported as ``"private network"`` and never visited.
    """
    if not url.lower().startswith(("http://", "https://")):
        return False, "not a web address"
    try:
        response = client.head(url)
        if response.status_code in (403, 405, 501):
            response = client.get(url)
    except BlockedAddressError:
        return False, "private network"
    except httpx.TimeoutException:
        return False, "no answer in time"
    except httpx.HTTPError as error:
        return False, type(error).__name__
    if response.status_code >= 400:
        return False, f"HTTP {response.status_code}"
    return True, ""


def link_client() -> httpx.Client:
    """Links are typed by users: the client refuses private addresses (koers.networks.safety)."""
    return http_client(
        timeout=LINK_TIMEOUT, follow_redirects=True, headers={"User-Agent": "koers link check"}
    )


@task(priority=BULK)
def check_links(item_id: int) -> int:
    item = ContentItem.objects.filter(pk=item_id).first()
    if item is None:
        return 0
    urls = item_urls(item)
    with link_client() as client:
        for url in urls:
            ok, reason = check_url(url, client)
            LinkCheck.objects.update_or_create(
                workspace_id=item.workspace_id,
                url=url[:500],
                defaults={"ok": ok, "reason": reason, "checked_at": timezone.now()},
            )
    return len(urls)


@task(priority=BULK)
def check_hashtag(workspace_id: int, tag: str) -> int:
    """What ``#tag`` is used for right now (the #Aurora check); returns the posts read."""
    from koers.publishing import hashtags

    return hashtags.refresh(workspace_id, tag).summary.get("posts", 0)
