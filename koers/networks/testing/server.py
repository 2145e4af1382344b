"""A small threaded HTTP server on 127.0.0.1 with failure knobs, the base of every fake network.

Usage (all fakes share it)::

    with FakeMastodon() as server:          # starts on an ephemeral port
        client = SomeAdapter(server.url)    # ``url`` has no trailing slash
        server.fail_next(2, status=503)     # the next 2 requests answer 503
        server.delay_after_handling("/api/v1/statuses", seconds=2.0)
        ...                                 # next matching request is handled, THEN stalls
        server.requests                     # every request seen, in order

The server runs each request in its own daemon thread, so a stalled response never blocks
the others and never blocks shutdown.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as the fake saw it. ``query``/``form`` values are lists (repeatable keys)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        """URL-encoded form fields (what Mastodon.py sends for status_post)."""
        return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)

    def multipart(self) -> dict[str, tuple[bytes, str | None]]:
        """Multipart fields: name → (payload, filename)."""
        raw = b"Content-Type: " + self.header("content-type").encode() + b"\r\n\r\n" + self.body
        message = BytesParser(policy=HTTP).parsebytes(raw)
        fields: dict[str, tuple[bytes, str | None]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            # decode=True gives the bytes of a leaf part, or None when it has no body.
            payload = part.get_payload(decode=True)
            fields[str(name)] = (
                payload if isinstance(payload, bytes) else b"",
                part.get_filename(),
            )
        return fields


@dataclass
class Response:
    """A response. With ``stream`` set, its chunks are written as they come (then the
    connection closes) instead of ``body``: for server-sent events."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Callable[[], Iterator[bytes]] | None = None

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return cls(
            status,
            json.dumps(data).encode("utf-8"),
            {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        )


@dataclass
class _Failure:
    remaining: int
    status: int
    path_prefix: str
    headers: dict[str, str]
    body: Any


@dataclass
class _Delay:
    remaining: int
    seconds: float
    path_prefix: str
    method: str | None


class FakeServer:
    """Base class: subclasses implement :meth:`route`. Use as a context manager.

    Knobs (thread-safe, may be set while running):

    * :meth:`fail_next` — the next *n* matching requests get ``status`` (503 by default)
      without reaching :meth:`route`, so nothing is created.
    * :meth:`delay_after_handling` — the next matching request IS handled (the post is
      created) and only then the server sleeps before answering: the client times out after
      sending, which is the "unknown outcome" case.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._failures: list[_Failure] = []
        self._delays: list[_Delay] = []
        self.requests: list[Request] = []
        #: Listening port; 0 = any free port (set before ``start`` to pin one, e.g. for a demo).
        self.port = 0
        self._open_connections: set[socket.socket] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeServer:
        handler = _make_handler(self._dispatch, self._open_connections)
        httpd = _QuietServer(("127.0.0.1", self.port), handler)
        # A handler stalled by delay_after_handling must not block server_close().
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        host, port = httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=type(self).__name__
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening AND drop open keep-alive connections, like a server that went away."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        for connection in list(self._open_connections):
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- knobs ----------------------------------------------------------------------------
    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        path_prefix: str = "",
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """Answer the next ``count`` requests under ``path_prefix`` with ``status``."""
        with self._lock:
            self._failures.append(
                _Failure(count, status, path_prefix, headers or {}, body or {"error": "Injected"})
            )

    def delay_after_handling(
        self, path_prefix: str, seconds: float, *, count: int = 1, method: str | None = "POST"
    ) -> None:
        """Handle the next matching request normally, then wait ``seconds`` before replying."""
        with self._lock:
            self._delays.append(_Delay(count, seconds, path_prefix, method))

    def count(self, method: str, path: str) -> int:
        """How many requests with this method hit exactly this path."""
        with self._lock:
            return sum(1 for r in self.requests if r.method == method and r.path == path)

    # -- dispatch -------------------------------------------------------------------------
    def route(self, request: Request) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError

    def _dispatch(self, request: Request) -> tuple[Response, float]:
        with self._lock:
            self.requests.append(request)
            for failure in self._failures:
                if failure.remaining > 0 and request.path.startswith(failure.path_prefix):
                    failure.remaining -= 1
                    return Response.json(failure.body, failure.status, failure.headers), 0.0
            delay = 0.0
            for pending in self._delays:
                if (
                    pending.remaining > 0
                    and request.path.startswith(pending.path_prefix)
                    and (pending.method is None or pending.method == request.method)
                ):
                    pending.remaining -= 1
                    delay = pending.seconds
                    break
            response = self.route(request)
        return response, delay


class _QuietServer(ThreadingHTTPServer):
    """Drops connection errors silently (clients time out on purpose in tests) but still
    prints real handler bugs."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def _make_handler(
    dispatch: Callable[[Request], tuple[Response, float]],
    open_connections: set[socket.socket],
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            open_connections.add(self.connection)

        def finish(self) -> None:
            try:
                super().finish()
            except OSError:
                pass  # the connection was dropped by stop() or by the client
            finally:
                open_connections.discard(self.connection)

        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            response, delay = dispatch(request)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                if response.stream is not None:
                    # No length: the body ends when the connection closes (like SSE).
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    for chunk in response.stream():
                        self.wfile.write(chunk)
                        self.wfile.flush()
                    return
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up (timeout test): nobody is left to answer.
                self.close_connection = True

        do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
            # Quiet: tests assert on ``requests``; stderr noise hides real failures.
            return

    return Handler
