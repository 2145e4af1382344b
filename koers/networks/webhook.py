"""Webhook channel: POST a signed JSON body to a URL the customer runs (httpx).

Wire contract for receivers (document this to customers as is):

* ``POST <url>`` with ``Content-Type: application/json``; body is UTF-8 JSON.
* ``X-Koers-Event``: ``post.publish``, ``post.delete``, ``ping`` or an alert event name.
* ``X-Koers-Timestamp``: Unix time in seconds when the request was signed.
* ``X-Koers-Signature``: ``sha256=<hex>``, the HMAC-SHA256 with the shared secret of
  ``<timestamp>.<raw body>`` (the timestamp, a full stop, then the body bytes exactly as
  received). Receivers compare in constant time and reject timestamps older than 5 minutes
  (replay protection); :func:`verify_signature` does both.
* ``Idempotency-Key``: the same for every retry of one delivery; receivers must treat a
  second request with a key they have seen as the first one (answer the same, create nothing).
* A 2xx answer is success. The answer to ``post.publish`` may be JSON
  ``{"id": "...", "url": "..."}``; koers stores those as the remote id and URL.
* koers retries on 5xx, 429 (honouring ``Retry-After``) and connection failures; 4xx other
  than 401/403/429 are final; 401/403 mark the channel broken.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from koers.networks.base import (
    AccountMetrics,
    AuthError,
    Capabilities,
    ConnectionStatus,
    Limits,
    NetworkError,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Problem,
    PublishResult,
    RetryableError,
    UnknownOutcomeError,
    validate_against_limits,
)
from koers.networks.safety import BlockedAddressError, OutboundBlockedError, http_client
from koers.networks.text import grapheme_count

NETWORK = "webhook"
SIGNATURE_HEADER = "X-Koers-Signature"
TIMESTAMP_HEADER = "X-Koers-Timestamp"
EVENT_HEADER = "X-Koers-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TOLERANCE_SECONDS = 300
DEFAULT_LIMITS = Limits(
    max_chars=100_000,
    url_length=None,
    max_images=10,
    max_image_bytes=10 * 1024 * 1024,
    counts_graphemes=True,
)
CAPABILITIES = Capabilities(
    network=NETWORK,
    label="Webhook",
    publish=frozenset({"text", "link", "image", "images"}),
    inbox=frozenset(),
    metrics=frozenset(),
    listen="none",
    limits=DEFAULT_LIMITS,
)


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The ``X-Koers-Signature`` value for ``body`` signed at ``timestamp``."""
    digest = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: bytes,
    body: bytes,
    signature: str,
    timestamp: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """True when ``signature`` is koers' signature of ``body`` at a recent ``timestamp``."""
    try:
        signed_at = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - signed_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, signed_at, body), signature)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max((moment - datetime.now(UTC)).total_seconds(), 0.0)


def _classify_response(response: httpx.Response, host: str) -> NetworkError | None:
    status = response.status_code
    if 200 <= status < 300:
        return None
    # The receiver's own words, shortened: they are shown to the user who set it up.
    reason = response.text[:200].strip() or response.reason_phrase
    if status in (401, 403):
        return AuthError(
            f"The webhook at {host} refused the signature or key ({status}: {reason}).",
            network=NETWORK,
            status=status,
        )
    if status == 429 or status >= 500:
        return RetryableError(
            f"The webhook at {host} is unavailable ({status}).",
            network=NETWORK,
            status=status,
            retry_after=_retry_after(response),
        )
    return PermanentError(
        f"The webhook at {host} refused the delivery ({status}: {reason}).",
        network=NETWORK,
        status=status,
    )


def post_classified(
    http: httpx.Client,
    url: str,
    body: bytes,
    headers: dict[str, str],
    host: str,
    *,
    network: str = NETWORK,
) -> httpx.Response:
    """POST ``body`` to a customer's endpoint; the 2xx response, or a classified error.

    Shared by every outbound webhook (signed events here, chat cards in ``chat.py``): nothing
    sent (blocked, not reachable) is retryable or refused; sent without an answer is unknown.
    """
    try:
        response = http.post(url, content=body, headers=headers)
    except BlockedAddressError:
        raise OutboundBlockedError(host, network=network) from None
    except (httpx.ConnectError, httpx.ConnectTimeout):
        raise RetryableError(f"Could not reach the webhook at {host}.", network=network) from None
    except (
        httpx.TimeoutException,
        httpx.RemoteProtocolError,
        httpx.ReadError,
        httpx.WriteError,
    ):
        raise UnknownOutcomeError(
            f"No answer from the webhook at {host} after sending.", network=network
        ) from None
    except httpx.HTTPError as error:
        raise RetryableError(
            f"The webhook at {host} failed ({type(error).__name__}).", network=network
        ) from None
    problem = _classify_response(response, host)
    if problem is not None:
        raise problem
    return response


class WebhookSender:
    """Signs and sends one JSON event; the building block for the channel and for alerts."""

    def __init__(
        self, url: str, secret: bytes, *, timeout: float = 10.0, http: httpx.Client | None = None
    ) -> None:
        self.url = url
        self.host = httpx.URL(url).host
        self._secret = secret
        # The URL is the customer's: public addresses only (koers.networks.safety).
        self._http = http or http_client(
            timeout=httpx.Timeout(timeout), headers={"User-Agent": "koers-webhook"}
        )

    def __repr__(self) -> str:  # the secret stays out of logs
        return f"WebhookSender({self.url!r})"

    def send(self, event: str, payload: dict[str, Any], idempotency_key: str) -> httpx.Response:
        """POST the signed event; returns the 2xx response or raises a classified error."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            EVENT_HEADER: event,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
            IDEMPOTENCY_HEADER: idempotency_key,
        }
        return post_classified(self._http, self.url, body, headers, self.host)


class WebhookPublisher:
    """A "network" that is a customer's own endpoint (intranet, chat bridge, CMS…).

    ``lookup`` returns ``None``: a generic endpoint has nothing to query, and the receiver
    contract (dedupe on ``Idempotency-Key``) makes re-sending with the same key safe. Metrics
    are unavailable (all ``None``/empty).
    """

    network = NETWORK

    def __init__(
        self,
        url: str,
        secret: bytes,
        *,
        max_chars: int = 100_000,
        timeout: float = 10.0,
        http: httpx.Client | None = None,
    ) -> None:
        self.sender = WebhookSender(url, secret, timeout=timeout, http=http)
        self._limits = Limits(
            max_chars=max_chars,
            url_length=None,
            max_images=10,
            max_image_bytes=10 * 1024 * 1024,
            counts_graphemes=True,
        )

    def limits(self) -> Limits:
        return self._limits

    def validate(self, post: OutgoingPost) -> list[Problem]:
        return validate_against_limits(post, self._limits, grapheme_count(post.text))

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems:
            raise PermanentError(" ".join(p.message for p in problems), network=NETWORK)
        payload = {
            "idempotency_key": idempotency_key,
            "text": post.text,
            "language": post.language,
            "content_warning": post.content_warning,
            "visibility": post.visibility,
            "link": post.link_card_url,
            "in_reply_to": post.in_reply_to,
            "media": [
                {
                    "filename": m.filename,
                    "mime_type": m.mime_type,
                    "alt_text": m.alt_text,
                    "data_base64": base64.b64encode(m.data).decode("ascii"),
                }
                for m in post.media
            ],
        }
        response = self.sender.send("post.publish", payload, idempotency_key)
        answer: dict[str, Any] = {}
        if response.headers.get("content-type", "").startswith("application/json"):
            try:
                parsed = response.json()
            except ValueError:
                parsed = {}
            answer = parsed if isinstance(parsed, dict) else {}
        return PublishResult(
            remote_id=str(answer.get("id") or idempotency_key),
            url=str(answer.get("url") or ""),
            published_at=datetime.now(UTC),
        )

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        return None

    def delete(self, remote_id: str) -> None:
        self.sender.send("post.delete", {"id": remote_id}, f"delete-{remote_id}")

    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        return [PostMetrics(remote_id=r) for r in remote_ids]

    def fetch_account_metrics(self) -> AccountMetrics:
        return AccountMetrics(followers=None, following=None, posts=None)

    def check_connection(self) -> ConnectionStatus:
        """Sends a signed ``ping``; ok when the receiver answers 2xx."""
        try:
            self.sender.send("ping", {"ping": True}, f"ping-{int(time.time())}")
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        return ConnectionStatus(ok=True, account=self.sender.host)
