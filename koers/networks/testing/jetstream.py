"""A local Jetstream replayer: a WebSocket server that plays back recorded events.

    events = sample_events(count=10)                  # realistic commit events
    with FakeJetstream(events, disconnect_after=4) as server:
        source = JetstreamSource(server.url, sleep=lambda s: None)
        ...
        server.cursors                                 # cursor asked for on each connection

It honours ``wantedCollections`` and ``cursor`` (events with ``time_us >= cursor``) like
Jetstream, sends events in ``time_us`` order, and with ``disconnect_after=n`` drops every
connection after n events (a network break) so reconnect and resume can be tested.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

_BASE_TIME_US = 1_764_000_000_000_000  # 2025-11-24, a plausible recent cursor

_TEXTS = [
    ("Koffie bij Café de Zon ☕ #koffie", ["nl"]),
    ("Nieuwe blog over social-media strategie https://voorbeeld.nl/blog", ["nl"]),
    ("Great talk on community building today!", ["en"]),
    ("Wie gaat er naar het festival? 🎉 #zomer", ["nl"]),
]


def _rkey(index: int) -> str:
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    value = ((_BASE_TIME_US + index * 1000) << 10) | (index & 0x3FF)
    return "".join(alphabet[(value >> (5 * i)) & 0x1F] for i in reversed(range(13)))


def sample_events(count: int = 10, *, step_us: int = 250_000) -> list[dict[str, Any]]:
    """``count`` post-creation events shaped like Jetstream's, plus a like and a delete mixed in.

    Posts are numbered in their text ("… #3") so tests can check completeness.
    """
    events: list[dict[str, Any]] = []
    for index in range(count):
        text, langs = _TEXTS[index % len(_TEXTS)]
        did = "did:plc:" + hashlib.sha256(f"author{index % 3}".encode()).hexdigest()[:24]
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": f"{text} #{index}",
            "langs": langs,
            "createdAt": f"2025-11-24T16:00:{index % 60:02d}.000Z",
        }
        if "#koffie" in text:
            start = len(text.encode("utf-8")) - len("#koffie")
            record["facets"] = [
                {
                    "$type": "app.bsky.richtext.facet",
                    "index": {"byteStart": start, "byteEnd": start + len("#koffie")},
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "koffie"}],
                }
            ]
        events.append(
            {
                "did": did,
                "time_us": _BASE_TIME_US + index * step_us,
                "kind": "commit",
                "commit": {
                    "rev": _rkey(index + 1000),
                    "operation": "create",
                    "collection": "app.bsky.feed.post",
                    "rkey": _rkey(index),
                    "record": record,
                    "cid": "bafyreia" + hashlib.sha256(str(index).encode()).hexdigest()[:51],
                },
            }
        )
    # Noise a post consumer must ignore.
    events.append(
        {
            "did": events[0]["did"],
            "time_us": _BASE_TIME_US + 1,
            "kind": "commit",
            "commit": {
                "rev": _rkey(2000),
                "operation": "delete",
                "collection": "app.bsky.feed.post",
                "rkey": _rkey(0),
            },
        }
    )
    events.append(
        {
            "did": events[0]["did"],
            "time_us": _BASE_TIME_US + 2,
            "kind": "identity",
            "identity": {
                "did": events[0]["did"],
                "handle": "anna.bsky.social",
                "seq": 1,
                "time": "2025-11-24T16:00:00.000Z",
            },
        }
    )
    return sorted(events, key=lambda e: e["time_us"])


class FakeJetstream:
    """Replays ``events`` to every connection from the connection's cursor on."""

    def __init__(
        self,
        events: Sequence[dict[str, Any]],
        *,
        disconnect_after: int | None = None,
        fail_connections: int = 0,
    ) -> None:
        self.events = sorted(events, key=lambda e: e["time_us"])
        self.disconnect_after = disconnect_after
        #: Refuse the next n handshakes with HTTP 503 (Jetstream restarting).
        self.fail_connections = fail_connections
        self.cursors: list[int | None] = []
        #: Listening port; 0 = any free port (set before ``start`` to pin one).
        self.port = 0
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def _handler(self, websocket: ServerConnection) -> None:
        query = parse_qs(urlsplit(websocket.request.path if websocket.request else "").query)
        cursor = int(query["cursor"][0]) if "cursor" in query else None
        wanted = set(query.get("wantedCollections", []))
        self.cursors.append(cursor)
        if cursor is None:
            return  # "from now": a replay has no live tail; the connection just ends
        sent = 0
        for event in self.events:
            if event["time_us"] < cursor:
                continue
            collection = (event.get("commit") or {}).get("collection")
            if wanted and event["kind"] == "commit" and collection not in wanted:
                continue
            if self.disconnect_after is not None and sent >= self.disconnect_after:
                return  # leaving the handler closes the connection: a break mid-stream
            try:
                websocket.send(json.dumps(event))
            except ConnectionClosed:
                return
            sent += 1
        # All replayed: keep the connection open (quiet live tail) until the client leaves.
        try:
            websocket.recv()
        except ConnectionClosed:
            return

    def _process_request(self, connection: ServerConnection, request: Any) -> Any:
        if self.fail_connections > 0:
            self.fail_connections -= 1
            from http import HTTPStatus

            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "restarting\n")
        return None

    def start(self) -> FakeJetstream:
        self._server = serve(
            self._handler, "127.0.0.1", self.port, process_request=self._process_request
        )
        host, port = self._server.socket.getsockname()[:2]
        self.url = f"ws://{host}:{port}/subscribe"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    def __enter__(self) -> FakeJetstream:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
