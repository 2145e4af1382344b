"""Connecting Meta accounts (Facebook Pages, Instagram professional accounts, Threads profiles).

The :class:`MetaFlow` speaks the generic :class:`~koers.publishing.connect.Flow`: the Facebook
Login dialog with the scopes of the chosen features, the code exchanged for a long-lived user
token, the Pages from ``/me/accounts`` (each with its own Page token) and the Instagram
account linked to each Page. Threads has its own authorize endpoint, app id and token: when
the person chooses Threads, the flow sends them to the Threads dialog instead (one dialog per
connection; connect again for the other).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from koers.networks import meta as wire
from koers.publishing.connect import Account, AuthorizeRequest, Feature, Grant, register

if TYPE_CHECKING:
    from koers.publishing.models import Channel, NetworkApp
    from koers.publishing.oauth import Callback

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return timezone.now()


def hosts() -> wire.MetaHosts:
    """Meta's own hosts, or one fake server (``KOERS_META_URL``) for tests and demos."""
    return (
        wire.MetaHosts.single(settings.KOERS_META_URL)
        if settings.KOERS_META_URL
        else (wire.MetaHosts())
    )


FEATURES = (
    Feature(
        "facebook",
        gettext_noop("Publish on Facebook Pages"),
        ("pages_show_list", "pages_manage_posts", "pages_read_engagement", "business_management"),
        gettext_noop(
            "List the Pages you manage (pages_show_list, business_management), publish posts, "
            "photos and videos on them (pages_manage_posts) and read their posts to confirm a "
            "post went out exactly once (pages_read_engagement)."
        ),
    ),
    Feature(
        "instagram",
        gettext_noop("Publish on Instagram"),
        ("instagram_basic", "instagram_content_publish", "pages_show_list"),
        gettext_noop(
            "Find the Instagram professional account linked to each Page (instagram_basic) and "
            "publish images, carousels and reels on it (instagram_content_publish)."
        ),
    ),
    Feature(
        "comments",
        gettext_noop("Comments and first comments"),
        ("pages_manage_engagement", "instagram_manage_comments"),
        gettext_noop(
            "Place a first comment under a post and, later, answer and moderate comments "
            "(pages_manage_engagement, instagram_manage_comments)."
        ),
    ),
    Feature(
        "insights",
        gettext_noop("Measure reach and engagement"),
        ("read_insights", "instagram_manage_insights"),
        gettext_noop(
            "Read the figures of the Page, the account and each post (read_insights, "
            "instagram_manage_insights)."
        ),
    ),
    Feature(
        "messages",
        gettext_noop("Messenger messages"),
        ("pages_messaging",),
        gettext_noop(
            "Receive and answer the Page's Messenger conversations in the inbox (pages_messaging)."
        ),
    ),
    Feature(
        "instagram_messages",
        gettext_noop("Instagram direct messages"),
        ("instagram_manage_messages", "instagram_basic", "pages_show_list"),
        gettext_noop(
            "Receive and answer the Instagram account's direct messages in the inbox "
            "(instagram_manage_messages)."
        ),
    ),
    Feature(
        "threads",
        gettext_noop("Publish on Threads"),
        ("threads_basic", "threads_content_publish"),
        gettext_noop(
            "Read your Threads profile (threads_basic) and publish posts, images and "
            "carousels on it (threads_content_publish). Threads asks in its own window: "
            "choose it on its own."
        ),
        alone=True,
    ),
)


class MetaFlow:
    provider = "meta"
    features = FEATURES

    def authorize(self, app: NetworkApp, features: set[str]) -> AuthorizeRequest:
        chosen = [f for f in FEATURES if f.key in features]
        scopes: list[str] = []
        for feature in chosen:
            scopes += [s for s in feature.scopes if s not in scopes]
        if features == {"threads"}:
            return AuthorizeRequest(
                url=wire.threads_dialog_url(hosts()),
                scopes=tuple(scopes),
                scope_separator=",",
                client_id=threads_client_id(app),
            )
        scopes = [s for s in scopes if not s.startswith("threads_")]
        return AuthorizeRequest(
            url=wire.facebook_dialog_url(hosts()),
            scopes=tuple(scopes),
            scope_separator=",",
        )

    def exchange(self, app: NetworkApp, callback: Callback) -> Grant:
        if callback.extra.get("features") == "threads":
            profile = wire.exchange_threads_code(
                hosts(),
                client_id=threads_client_id(app),
                client_secret=threads_secret(app),
                code=callback.code,
                redirect_uri=callback.redirect_uri,
            )
            return Grant(
                access_token=profile.token.access_token,
                expires_at=profile.token.expires_at,
                scopes=("threads",),
                extra={
                    "threads_user_id": profile.user_id,
                    "username": profile.username,
                    "name": profile.name,
                },
            )
        token = wire.exchange_facebook_code(
            hosts(),
            client_id=app.client_id,
            client_secret=app.client_secret,
            code=callback.code,
            redirect_uri=callback.redirect_uri,
        )
        scopes = wire.granted_scopes(hosts(), token.access_token)
        return Grant(access_token=token.access_token, expires_at=token.expires_at, scopes=scopes)

    def accounts(self, app: NetworkApp, grant: Grant) -> list[Account]:
        where = hosts()
        if "threads" in grant.scopes:
            user_id = str(grant.extra["threads_user_id"])
            return [
                Account(
                    network="threads",
                    remote_id=user_id,
                    name=str(grant.extra.get("name") or user_id),
                    handle=str(grant.extra.get("username") or ""),
                    endpoint=where.threads_graph,
                    access_token=grant.access_token,
                    expires_at=grant.expires_at,
                    extra={"threads_user_id": user_id, "token_issued_at": _now().isoformat()},
                )
            ]
        found: list[Account] = []
        for page in wire.facebook_pages(where, grant.access_token):
            # A Page token made from a long-lived user token does not expire; it stops
            # working when the person loses the Page or the user token is revoked.
            found.append(
                Account(
                    network="facebook",
                    remote_id=page.page_id,
                    name=page.name,
                    handle="",
                    endpoint=where.graph,
                    access_token=page.token,
                    extra={"page_id": page.page_id, "scopes": list(grant.scopes)},
                )
            )
            if page.instagram_id:
                found.append(
                    Account(
                        network="instagram",
                        remote_id=page.instagram_id,
                        # By handle: the account's name is often the Page's name too.
                        name=f"@{page.instagram_username}"
                        if page.instagram_username
                        else (page.instagram_name or page.instagram_id),
                        handle=page.instagram_username,
                        endpoint=where.graph,
                        access_token=page.token,
                        extra={
                            "ig_user_id": page.instagram_id,
                            "page_id": page.page_id,
                            "scopes": list(grant.scopes),
                        },
                    )
                )
        return found


def threads_client_id(app: NetworkApp) -> str:
    """Threads apps have their own id and secret (Meta console: Use cases → Threads API)."""
    return str(app.extra.get("threads_client_id") or app.client_id)


def threads_secret(app: NetworkApp) -> str:
    from koers.core.crypto import decrypt

    stored = app.extra.get("threads_secret_enc")
    return decrypt(stored) if stored else app.client_secret


register(MetaFlow())


# ---------------------------------------------------------------------------------------------
# Threads tokens: refreshed before they expire (the hourly channel check calls this)
# ---------------------------------------------------------------------------------------------
def token_issued_at(channel: Channel) -> datetime:
    """When the channel's Threads token was made: stored at connect and refresh; a channel
    connected before that was stored got its token when it was connected."""
    stored = (channel.extra or {}).get("token_issued_at")
    return datetime.fromisoformat(stored) if stored else channel.created_at


def refresh_threads_expiring(before: datetime, now: datetime | None = None) -> int:
    """Renew the tokens of Threads channels that expire before ``before``, as far as Meta
    allows (the token is at least 24 hours old and not expired yet); returns how many were
    renewed. A refresh Meta refuses marks the channel broken with Meta's reason."""
    from koers.publishing.models import Channel, Health, Network

    now = now or timezone.now()
    due = (
        Channel.objects.filter(
            network=Network.THREADS,
            is_demo=False,
            expires_at__isnull=False,
            expires_at__lte=before,
            expires_at__gt=now,
        )
        .exclude(health=Health.BROKEN)
        .select_related("workspace")
    )
    renewed = 0
    for channel in due:
        if now - token_issued_at(channel) < wire.THREADS_REFRESH_MIN_AGE:
            continue
        if refresh_threads_channel(channel):
            renewed += 1
    return renewed


def refresh_threads_channel(channel: Channel) -> bool:
    """Swap the channel's Threads token for a fresh one; True when it was renewed."""
    from django.db import transaction

    from koers.core.actions import audit
    from koers.core.crypto import DecryptionError
    from koers.networks.base import NetworkError, RetryableError
    from koers.publishing import actions

    try:
        token = wire.refresh_threads_token(hosts(), channel.secret)
    except RetryableError as error:
        # Meta unavailable or busy: the next hourly run tries again (the expiry warning
        # still goes out in time if it never works).
        logger.warning("Threads token refresh for channel %s: %s", channel.pk, error.message)
        return False
    except (NetworkError, DecryptionError) as error:
        actions.mark_channel_broken(channel, getattr(error, "message", str(error)))
        return False
    with transaction.atomic():
        channel.set_secret(token.access_token)
        channel.expires_at = token.expires_at
        channel.extra = (channel.extra or {}) | {"token_issued_at": _now().isoformat()}
        channel.warned_at = None
        channel.save(update_fields=["secret_enc", "expires_at", "extra", "warned_at"])
        audit(
            channel.workspace,
            None,
            "channel.reconnect",
            f"new credentials for {channel.name}",
            channel,
        )
    return True
