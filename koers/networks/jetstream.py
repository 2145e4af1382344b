"""Bluesky firehose for listening: a Jetstream WebSocket consumer (JSON, one event a message).

Jetstream (https://github.com/bluesky-social/jetstream) serves the network's commits as JSON
at ``/subscribe?wantedCollections=app.bsky.feed.post&cursor=<time_us>``. This consumer yields
new posts together with their ``time_us``; the caller stores that number as its cursor
*after* it has stored the post.

No gaps, duplicates allowed: on (re)connect the consumer asks for ``cursor - overlap_us``, so
events around the break are delivered again rather than lost (Jetstream's clock is the
server's, and events with equal or close ``time_us`` may straddle the cut). Deduplication by
``IncomingPost.remote_id`` (the at-uri) is the caller's job — the listening pipeline dedupes
anyway. Reconnects back off exponentially up to ``backoff_max`` seconds, and reset after a
message arrives.

Deletions of posts and of whole accounts are passed to the caller's ``on_delete`` (see
:meth:`JetstreamSource.stream`); the listening pipeline removes the stored mentions.

Authors arrive as DIDs only (Jetstream carries no handles): ``author_handle`` is the DID
until the listening pipeline resolves it.

Uses the ``websockets`` package (sync client), a dependency of ``atproto``. atproto's own
``atproto_jetstream`` speaks the newer sequence-numbered v2 wire, not the public
``time_us`` one, hence this small consumer.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from websockets.exceptions import InvalidHandshake, InvalidURI, WebSocketException
from websockets.sync.client import connect

from koers.networks.base import IncomingPost, RetryableError
from koers.networks.bluesky import NETWORK, POST_COLLECTION, record_to_incoming
from koers.networks.safety import (
    HostBlocked,
    OutboundBlockedError,
    checked_addresses,
    current_policy,
)

logger = logging.getLogger(__name__)

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"


@dataclass(frozen=True, slots=True)
class JetstreamPost:
    """One new post and the ``time_us`` to store as the cursor once it is saved."""

    post: IncomingPost
    time_us: int


@dataclass(frozen=True, slots=True)
class JetstreamDelete:
    """A post its author deleted (``remote_id``: its at-uri), or — ``account`` set, a DID, and
    ``remote_id`` empty — every post of an account that was deleted; at ``time_us``."""

    remote_id: str
    time_us: int
    account: str = ""


def event_to_delete(event: dict[str, Any]) -> str | None:
    """The at-uri of the post a Jetstream delete event removes; ``None`` for anything else."""
    commit = event.get("commit") or {}
    if (
        event.get("kind") != "commit"
        or commit.get("operation") != "delete"
        or commit.get("collection") != POST_COLLECTION
        or not event.get("did")
        or not commit.get("rkey")
    ):
        return None
    return f"at://{event['did']}/{POST_COLLECTION}/{commit['rkey']}"


def event_to_account_deletion(event: dict[str, Any]) -> str | None:
    """The DID of an account a Jetstream account event says was deleted (for good: not a
    deactivation or suspension, which can be undone); ``None`` for anything else."""
    account = event.get("account") or {}
    if event.get("kind") != "account" or account.get("active", True):
        return None
    if account.get("status") != "deleted" or not event.get("did"):
        return None
    return str(event["did"])


def event_to_post(event: dict[str, Any], web_url: str = "https://bsky.app") -> IncomingPost | None:
    """A Jetstream commit event → IncomingPost; ``None`` for anything but a post creation."""
    commit = event.get("commit") or {}
    if (
        event.get("kind") != "commit"
        or commit.get("operation") != "create"
        or commit.get("collection") != POST_COLLECTION
        or not isinstance(commit.get("record"), dict)
    ):
        return None
    did = str(event["did"])
    uri = f"at://{did}/{POST_COLLECTION}/{commit['rkey']}"
    return record_to_incoming(
        uri=uri, did=did, handle="", name="", record=commit["record"], web_url=web_url
    )


class JetstreamSource:
    """Consumes Jetstream with cursor resume and reconnect-with-backoff.

    ``sleep`` is injectable so tests need not wait; ``max_failures`` (consecutive failed
    connections, ``None`` = forever) turns a dead endpoint into :class:`RetryableError`.
    """

    network = NETWORK

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        collections: Sequence[str] = (POST_COLLECTION,),
        overlap_us: int = 2_000_000,
        backoff_initial: float = 1.0,
        backoff_max: float = 60.0,
        open_timeout: float = 10.0,
        receive_timeout: float = 90.0,
        max_failures: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.collections = tuple(collections)
        self.overlap_us = overlap_us
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.open_timeout = open_timeout
        self.receive_timeout = receive_timeout
        self.max_failures = max_failures
        self._sleep = sleep
        #: How many connections were opened (for monitoring and tests).
        self.connections = 0

    def subscribe_url(self, cursor: int | None) -> str:
        params: list[tuple[str, str]] = [("wantedCollections", c) for c in self.collections]
        if cursor is not None:
            params.append(("cursor", str(max(cursor - self.overlap_us, 0))))
        return f"{self.url}?{urlencode(params)}"

    def _checked_socket(self, url: str) -> socket.socket | None:
        """A socket to a checked address of the stream's host (``None``: no check needed).

        The stream address is typed by users, so the outbound guard applies; websockets then
        speaks TLS over this socket, verified against the host name.
        """
        parts = urlsplit(url)
        host = parts.hostname or ""
        policy = current_policy()
        if policy.checks_nothing or policy.host_allowed(host):
            return None
        port = parts.port or (443 if parts.scheme == "wss" else 80)
        try:
            addresses = checked_addresses(host, port, policy)
        except HostBlocked:
            raise OutboundBlockedError(host, network=NETWORK) from None
        return socket.create_connection((addresses[0], port), timeout=self.open_timeout)

    def stream(
        self,
        cursor: int | None = None,
        stop: threading.Event | None = None,
        on_delete: Callable[[JetstreamDelete], None] | None = None,
    ) -> Iterator[JetstreamPost]:
        """Yield posts from ``cursor`` (None = from now) until ``stop`` is set.

        ``on_delete`` is called with every post deletion and account deletion (a
        :class:`JetstreamDelete`), in stream order with the posts
        (a consumer that buffers posts stores them before it forgets a deleted one: a post
        created and deleted within one buffer is then removed, not kept). The networks' terms
        require that a deleted post is removed wherever it was stored.
        ``stop`` is noticed within about a second, also on a quiet stream.
        """
        stop = stop or threading.Event()
        last = cursor
        backoff = self.backoff_initial
        failures = 0
        while not stop.is_set():
            try:
                url = self.subscribe_url(last)
                with connect(
                    url,
                    sock=self._checked_socket(url),
                    open_timeout=self.open_timeout,
                    close_timeout=2,
                    max_size=2**22,
                ) as websocket:
                    self.connections += 1
                    quiet_since = time.monotonic()
                    while not stop.is_set():
                        # Short receives so ``stop`` is noticed within a second; a stream
                        # quiet for ``receive_timeout`` is treated as dead and reconnected.
                        try:
                            message = websocket.recv(timeout=min(1.0, self.receive_timeout))
                        except TimeoutError:
                            if time.monotonic() - quiet_since > self.receive_timeout:
                                raise
                            continue
                        quiet_since = time.monotonic()
                        failures, backoff = 0, self.backoff_initial
                        try:
                            event = json.loads(message)
                        except json.JSONDecodeError:
                            # One malformed message must not kill the stream: skip it.
                            logger.warning("Jetstream sent a message that is not JSON; skipped")
                            continue
                        time_us = int(event.get("time_us") or 0)
                        post = event_to_post(event)
                        if time_us and (last is None or time_us > last):
                            last = time_us
                        if post is not None:
                            yield JetstreamPost(post, time_us)
                        elif on_delete is not None:
                            if deleted := event_to_delete(event):
                                on_delete(JetstreamDelete(deleted, time_us))
                            elif gone := event_to_account_deletion(event):
                                on_delete(JetstreamDelete("", time_us, account=gone))
            except (WebSocketException, OSError, TimeoutError) as error:
                if isinstance(error, InvalidURI):
                    raise
                failures += 1
                if self.max_failures is not None and failures > self.max_failures:
                    raise RetryableError(
                        f"Jetstream unreachable after {failures - 1} attempts.", network=NETWORK
                    ) from None
                kind = "handshake" if isinstance(error, InvalidHandshake) else "connection"
                logger.info(
                    "Jetstream %s lost (%s); reconnecting in %.1fs",
                    kind,
                    type(error).__name__,
                    backoff,
                )
                if stop.is_set():
                    break
                self._sleep(backoff)
                backoff = min(backoff * 2, self.backoff_max)
