"""X (API v2): publish posts, replies, quotes, threads' parts, images and video; read mentions,
recent search and metrics. OAuth 2.0 Authorization Code with PKCE and rotating refresh tokens.

Everything goes through :func:`koers.networks.safety.http_client` (httpx). No Django here.

* **Tokens** (:class:`XAuth`): an access token lives two hours; with ``offline.access`` X hands
  a refresh token that is valid for ONE refresh — the answer carries the next one. Every new
  pair is handed to ``on_token_change`` before anything else happens, so a crash right after a
  refresh never loses the only valid refresh token. A refused refresh is :class:`AuthError`
  with X's reason (the channel is broken until someone reconnects it).
* **Exactly once**: X has no idempotency key. :meth:`XPublisher.lookup` pages the account's
  own posts (``GET /2/users/:id/tweets``, ``start_time`` = the first attempt, less the clock
  skew; ``pagination_token``) and compares text (links and X's ``t.co`` media links left out,
  since X rewrites them), the reply and quote targets and the number of media.
* **Media** (v2 upload, ``media.write``): ``POST /2/media/upload/initialize`` →
  ``…/{id}/append`` (chunks of :data:`CHUNK_BYTES`, ``segment_index``) → ``…/{id}/finalize``
  → while ``processing_info.state`` is ``pending``/``in_progress``: wait ``check_after_secs``
  and ask ``GET /2/media/upload?command=STATUS&media_id=…``. ``failed`` is
  :class:`PermanentError` with X's reason. Alt text: ``POST /2/media/metadata``.
* **Errors**: X answers problem JSON (``{"title", "detail", "type", "status"}``) or
  ``{"errors": [{"message", "code"}]}``. 429 is :class:`RetryableError` with ``retry_after``
  from ``x-rate-limit-reset`` (or the 24-hour user cap's reset when that one is used up). A
  403 ``client-not-enrolled`` or an error code 453 means the app's **access level** lacks the
  endpoint: :class:`AccessLevelError` says in plain words which level the feature needs.

The package: :mod:`.wire` (addresses, access levels, limits, capabilities), :mod:`.errors`,
:mod:`.auth` (tokens), :mod:`.client`, :mod:`.publisher` and :mod:`.reading`.
"""

from __future__ import annotations

from koers.networks.base import Tokens
from koers.networks.x.auth import (
    XAuth,
    authorize_url,
    exchange_code,
)
from koers.networks.x.client import (
    XClient,
)
from koers.networks.x.errors import (
    AccessLevelError,
    access_statement,
    classify,
    is_access_problem,
    retry_after,
)
from koers.networks.x.publisher import (
    XPublisher,
)
from koers.networks.x.reading import (
    XMentionsSource,
    XSearchSource,
    tweet_to_incoming,
)
from koers.networks.x.wire import (
    ACCESS_LEVELS,
    API_URL,
    AUTHORIZE_URL,
    CAPABILITIES,
    CHUNK_BYTES,
    FEATURE_LEVELS,
    FEATURE_NAMES,
    LEVEL_NAMES,
    LIMITS,
    MAX_PROCESSING_SECONDS,
    NETWORK,
    PAGE_SIZE,
    POLL_MAX_PAGES,
    POST_CAPS,
    REFRESH_MARGIN,
    REVOKE_PATH,
    SCOPES,
    TOKEN_PATH,
    URL_LENGTH,
    WEB_URL,
    text_length,
)

__all__ = [
    "ACCESS_LEVELS",
    "API_URL",
    "AUTHORIZE_URL",
    "AccessLevelError",
    "CAPABILITIES",
    "CHUNK_BYTES",
    "FEATURE_LEVELS",
    "FEATURE_NAMES",
    "LEVEL_NAMES",
    "LIMITS",
    "MAX_PROCESSING_SECONDS",
    "NETWORK",
    "PAGE_SIZE",
    "POLL_MAX_PAGES",
    "POST_CAPS",
    "REFRESH_MARGIN",
    "REVOKE_PATH",
    "SCOPES",
    "TOKEN_PATH",
    "Tokens",
    "URL_LENGTH",
    "WEB_URL",
    "XAuth",
    "XClient",
    "XMentionsSource",
    "XPublisher",
    "XSearchSource",
    "access_statement",
    "authorize_url",
    "classify",
    "exchange_code",
    "is_access_problem",
    "retry_after",
    "text_length",
    "tweet_to_incoming",
]
