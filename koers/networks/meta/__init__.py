"""The Meta family: Facebook Pages, Instagram professional accounts and Threads (Graph API).

No Django here: the wire format, the error mapping, the token exchange and one publisher per
network. The Django side (the connect flow, signed media addresses) lives in
:mod:`koers.publishing.meta`.

Versions: the Facebook/Instagram Graph API is spoken at :data:`GRAPH_VERSION`, the Threads API
at :data:`THREADS_VERSION`; both are pinned here and nowhere else.

Idempotency (the Graph API has no idempotency key):

* Facebook: ``publish`` is one ``POST /{page}/feed`` (photos are uploaded unpublished first, so
  they never show on their own). ``lookup`` pages back through ``/{page}/published_posts``
  (cursor paging) to the attempt's start and matches the message, like Mastodon's lookup.
* Instagram and Threads publish in two steps: a *container* (invisible, expires after 24 h),
  then ``media_publish``/``threads_publish``. The container id is saved in the post's
  :class:`~koers.networks.base.Checkpoint` before it is polled or published, so a retry after
  a crash or a dropped answer publishes that same container (publishing a container twice is
  refused by Meta) or, when the lookup finds the post, nothing at all. A lost answer to the
  publish call is an unknown outcome: the caller looks up the account's media by caption.
* ``content_publishing_limit`` (Instagram: 100 posts per 24 h, a carousel counts as one) is
  read before publishing; at the limit the try is retryable (nothing is created) instead of
  spending a failed call.

The package: :mod:`.graph` (hosts, versions, limits and capabilities, errors, the HTTP client,
the lookup by text), :mod:`.facebook` (Pages), :mod:`.containers` (Instagram and Threads),
:mod:`.connect` (token exchanges and accounts).
"""

from __future__ import annotations

from koers.networks.meta.connect import (
    THREADS_REFRESH_MIN_AGE,
    PageAccount,
    ThreadsProfile,
    Token,
    exchange_facebook_code,
    exchange_threads_code,
    facebook_dialog_url,
    facebook_pages,
    granted_scopes,
    refresh_threads_token,
    threads_dialog_url,
)
from koers.networks.meta.containers import (
    InstagramPublisher,
    ThreadsPublisher,
)
from koers.networks.meta.facebook import (
    FacebookPublisher,
    comment_once,
    is_gone,
)
from koers.networks.meta.graph import (
    CAPABILITIES_BY_NETWORK,
    FACEBOOK_LIMITS,
    GRAPH_VERSION,
    HASHTAG_LIMIT_SUBCODE,
    HASHTAG_LIMIT_WAIT,
    INSTAGRAM_LIMITS,
    SECRET_PARAMS,
    SENTENCES,
    THREADS_LIMITS,
    THREADS_VERSION,
    GraphClient,
    MetaHosts,
    _when,
    classify,
    find_by_text,
)

__all__ = [
    "CAPABILITIES_BY_NETWORK",
    "FACEBOOK_LIMITS",
    "FacebookPublisher",
    "GRAPH_VERSION",
    "GraphClient",
    "HASHTAG_LIMIT_SUBCODE",
    "HASHTAG_LIMIT_WAIT",
    "INSTAGRAM_LIMITS",
    "InstagramPublisher",
    "MetaHosts",
    "PageAccount",
    "SECRET_PARAMS",
    "SENTENCES",
    "THREADS_LIMITS",
    "THREADS_REFRESH_MIN_AGE",
    "THREADS_VERSION",
    "ThreadsProfile",
    "ThreadsPublisher",
    "Token",
    "_when",
    "classify",
    "comment_once",
    "exchange_facebook_code",
    "exchange_threads_code",
    "facebook_dialog_url",
    "facebook_pages",
    "find_by_text",
    "granted_scopes",
    "is_gone",
    "refresh_threads_token",
    "threads_dialog_url",
]
