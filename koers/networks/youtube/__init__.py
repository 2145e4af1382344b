"""YouTube (Data API v3): upload videos as a channel, read and answer comments, statistics.

OAuth 2.0 with Google (authorization code + PKCE, ``access_type=offline``,
``prompt=consent``) gives an access token of an hour and a refresh token that does not rotate.
:class:`GoogleAuth` renews the access token before it runs out; Google answering the refresh
with ``invalid_grant`` means the person revoked the access (or the refresh token expired):
:class:`RevokedError`, the channel is broken until someone reconnects it.

Everything goes through :func:`koers.networks.safety.http_client` (httpx). No Django here.

* **Errors**: Google answers ``{"error": {"code", "message", "errors": [{"domain",
  "reason"}]}}``. 401 → one refresh and one retry, then :class:`AuthError`; 403 with
  ``quotaExceeded``/``dailyLimitExceeded`` → :class:`QuotaError` (retryable after midnight
  Pacific time, when the project's 10,000 daily units come back); ``rateLimitExceeded`` and
  429 → :class:`RetryableError`; other 403s → :class:`AuthError`; 5xx → retryable.
* **Upload** (resumable): ``POST /upload/youtube/v3/videos?uploadType=resumable&part=
  snippet,status`` with the metadata → a session URI in ``Location``; the file goes in
  :data:`CHUNK_BYTES` pieces (``PUT`` with ``Content-Range``); YouTube answers ``308 Resume
  Incomplete`` with ``Range: bytes=0-N`` (what it kept) until the last piece, then 200/201
  with the video. The session URI and the offset are saved in the post's checkpoint before
  each step, so a worker that crashed asks the session where it stands (``PUT`` with
  ``Content-Range: bytes */total``) and goes on from there — a video is never uploaded twice.
  A session that is gone (404/410: a week old) starts over.
* **Scheduled publishing**: ``status.publishAt`` only works on a private video; a post with
  ``publish_at`` is therefore uploaded as private and YouTube makes it public at that time.
* **Processing**: after the upload :meth:`YouTubePublisher.publish` reads
  ``status.uploadStatus``/``processingDetails`` until processed (or its wait ends — the video
  exists then and finishes on its own); ``failed``/``rejected`` → :class:`PermanentError`
  with YouTube's reason.
* **Exactly once**: the resumable session is the key. After an unknown outcome without a
  session (the metadata POST timed out) :meth:`YouTubePublisher.lookup` pages the channel's
  uploads playlist (``nextPageToken``) back to the attempt and matches title and description.

The package: :mod:`.wire` (addresses, scopes, costs, ``LIMITS``, ``CAPABILITIES``),
:mod:`.client` (errors, tokens, the authorised client), :mod:`.publisher` (one channel).
"""

from __future__ import annotations

from koers.networks.base import Tokens
from koers.networks.text import tags_length
from koers.networks.youtube.client import (
    GoogleAuth,
    ProcessingError,
    QuotaError,
    RevokedError,
    YouTubeClient,
    classify,
    error_reason,
    exchange_code,
    seconds_to_quota_reset,
)
from koers.networks.youtube.publisher import (
    YouTubePublisher,
    comment_url,
    description_bytes,
    fingerprint,
    privacy_of,
    title_of,
    top_level,
    video_statistics,
    video_url,
)
from koers.networks.youtube.wire import (
    API_URL,
    AUTHORIZE_URL,
    CAPABILITIES,
    CHUNK_BYTES,
    COMMENT_COST_UNITS,
    DAILY_QUOTA_UNITS,
    LIMITS,
    MAX_DESCRIPTION_BYTES,
    MAX_TAGS_CHARS,
    MAX_TITLE_CHARS,
    NETWORK,
    SCOPE_FORCE_SSL,
    SCOPE_READONLY,
    SCOPE_UPLOAD,
    SCOPES,
    TOKEN_URL,
    UPLOAD_COST_UNITS,
    WATCH_URL,
)

__all__ = [
    "API_URL",
    "AUTHORIZE_URL",
    "CAPABILITIES",
    "CHUNK_BYTES",
    "COMMENT_COST_UNITS",
    "DAILY_QUOTA_UNITS",
    "LIMITS",
    "MAX_DESCRIPTION_BYTES",
    "MAX_TAGS_CHARS",
    "MAX_TITLE_CHARS",
    "NETWORK",
    "SCOPES",
    "SCOPE_FORCE_SSL",
    "SCOPE_READONLY",
    "SCOPE_UPLOAD",
    "TOKEN_URL",
    "UPLOAD_COST_UNITS",
    "WATCH_URL",
    "GoogleAuth",
    "ProcessingError",
    "QuotaError",
    "RevokedError",
    "Tokens",
    "YouTubeClient",
    "YouTubePublisher",
    "classify",
    "comment_url",
    "description_bytes",
    "error_reason",
    "exchange_code",
    "fingerprint",
    "privacy_of",
    "seconds_to_quota_reset",
    "tags_length",
    "title_of",
    "top_level",
    "video_statistics",
    "video_url",
]
