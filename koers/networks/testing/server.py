"""A small threaded HTTP server on 127.0.0.1 with failure knobs, the base of every fake network.

Usage (all fakes share it)::

    with FakeMastodon() as server:          # starts on an ephemeral port
        client = SomeAdapter(server.url)    # ``url`` has no trailing slash
        server.fail_next(2, status=503)     # the next 2 requests answer 503
        server.delay_after_handling("/api/v1/statuses", seconds=2.0)
        ...                                 # next matching request is handled, THEN stalls
        server.drop_next(1, "/api/v1/statuses")      # handled, then the connection is cut
        server.swallow_next(1, "/api/v1/statuses", seconds=25)  # not handled, 503 late
        server.ratelimit_next(1, retry_after=30)     # 429 with the network's headers
        server.faults = FaultPlan.parse("drop=0.05,fail=0.05,ignore-idempotency,seed=7")
        server.requests                     # every request seen, in order

The fault plan is also settable from another process: ``POST /_fake/faults`` with the spec
as the body (``GET`` shows it and how many faults were injected, ``DELETE`` clears it);
``GET /_fake/posts`` lists the account's own posts. Control requests are neither recorded
nor faulted.

The server runs each request in its own daemon thread, so a stalled response never blocks
the others and never blocks shutdown.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
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
    #: Close the connection without answering (the request was received and handled).
    drop: bool = False

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return cls(
            status,
            json.dumps(data).encode("utf-8"),
            {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        )


@dataclass
class FaultPlan:
    """Random misbehaviour, drawn for every request from a generator seeded with ``seed``.

    Probabilities are per request (only requests under one of ``only``, or all when empty):

    * ``fail`` — 503 before handling: nothing is created.
    * ``ratelimit`` — 429 before handling, with ``Retry-After: retry_after`` and the network's
      own rate-limit headers: nothing is created.
    * ``swallow`` — not handled; after ``swallow_seconds`` the answer is 503.
    * ``drop`` — handled (the post IS created), then the connection is closed unanswered
      ("dropped after receipt").
    * ``drop503`` — handled (the post IS created), then answered 503 as if it was not.
    * ``delay`` — handled, then answered after ``delay_seconds`` (clients with a shorter
      timeout see no answer).

    ``ignore_idempotency``: the server forgets idempotency keys (Mastodon's
    ``Idempotency-Key``, Bluesky's record key) — every POST creates a new post.

    Text form (CLI ``--hostile``, ``POST /_fake/faults``)::

        drop=0.05,drop503=0.02,fail=0.05,ratelimit=0.05,delay=0.02:20,swallow=0.01:25,
        ignore-idempotency,seed=7,retry-after=2,only=/api/v1/statuses|/xrpc/com.atproto.repo.createRecord
    """

    fail: float = 0.0
    ratelimit: float = 0.0
    swallow: float = 0.0
    swallow_seconds: float = 25.0
    drop: float = 0.0
    drop503: float = 0.0
    delay: float = 0.0
    delay_seconds: float = 20.0
    ignore_idempotency: bool = False
    seed: int = 0
    retry_after: int = 1
    only: tuple[str, ...] = ()

    @classmethod
    def parse(cls, spec: str) -> FaultPlan:
        """``drop=0.05,delay=0.02:20,ignore-idempotency,...`` → plan; ValueError when wrong."""
        plan = cls()
        for raw in spec.replace(";", ",").split(","):
            part = raw.strip()
            if not part:
                continue
            name, _, value = part.partition("=")
            name = name.strip().replace("-", "_")
            if name == "ignore_idempotency" and not value:
                plan.ignore_idempotency = True
            elif name in ("fail", "ratelimit", "drop", "drop503"):
                setattr(plan, name, _probability(name, value))
            elif name in ("delay", "swallow"):
                chance, _, seconds = value.partition(":")
                setattr(plan, name, _probability(name, chance))
                if seconds:
                    setattr(plan, f"{name}_seconds", float(seconds))
            elif name in ("seed", "retry_after"):
                setattr(plan, name, int(value))
            elif name == "only":
                plan.only = tuple(p for p in value.split("|") if p)
            else:
                raise ValueError(f"unknown fault {name!r} in {spec!r}")
        if plan.fail + plan.ratelimit + plan.swallow + plan.drop + plan.drop503 + plan.delay > 1:
            raise ValueError(f"fault probabilities add up to more than 1 in {spec!r}")
        return plan

    def spec(self) -> str:
        """The text form; ``FaultPlan.parse(plan.spec()) == plan``."""
        parts = [
            f"{n}={getattr(self, n)}"
            for n in ("fail", "ratelimit", "drop", "drop503")
            if getattr(self, n)
        ]
        parts += [
            f"{n}={getattr(self, n)}:{getattr(self, n + '_seconds')}"
            for n in ("delay", "swallow")
            if getattr(self, n)
        ]
        if self.ignore_idempotency:
            parts.append("ignore-idempotency")
        parts += [f"seed={self.seed}", f"retry-after={self.retry_after}"]
        if self.only:
            parts.append("only=" + "|".join(self.only))
        return ",".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _probability(name: str, value: str) -> float:
    chance = float(value)
    if not 0 <= chance <= 1:
        raise ValueError(f"{name}={value}: a probability is between 0 and 1")
    return chance


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


@dataclass
class _Once:
    """A one-shot fault for the next ``remaining`` matching requests."""

    kind: str  # "drop" | "drop-503" | "swallow" | "ratelimit"
    remaining: int
    path_prefix: str
    method: str | None
    seconds: float = 0.0

    def matches(self, request: Request) -> bool:
        return (
            self.remaining > 0
            and request.path.startswith(self.path_prefix)
            and (self.method is None or self.method == request.method)
        )


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
        self._once: list[_Once] = []
        self._faults = FaultPlan()
        self._random = random.Random(0)  # noqa: S311 - fault injection, not cryptography
        #: How many faults of each kind were injected (fail, ratelimit, swallow, drop, delay).
        self.injected: dict[str, int] = {}
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

    def drop_next(
        self,
        count: int = 1,
        path_prefix: str = "",
        *,
        method: str | None = "POST",
        answer_503: bool = False,
    ) -> None:
        """Handle the next matching request (the post is created), then cut the connection
        without answering — or, with ``answer_503``, answer 503 as if nothing happened."""
        with self._lock:
            kind = "drop-503" if answer_503 else "drop"
            self._once.append(_Once(kind, count, path_prefix, method))

    def swallow_next(
        self, count: int = 1, path_prefix: str = "", *, seconds: float = 25.0, method: str = "POST"
    ) -> None:
        """Do NOT handle the next matching request; answer 503 after ``seconds``."""
        with self._lock:
            self._once.append(_Once("swallow", count, path_prefix, method, seconds))

    def ratelimit_next(
        self, count: int = 1, path_prefix: str = "", *, retry_after: int = 30
    ) -> None:
        """Answer the next matching requests 429 with the network's rate-limit headers."""
        with self._lock:
            self._once.append(_Once("ratelimit", count, path_prefix, None, retry_after))

    @property
    def faults(self) -> FaultPlan:
        return self._faults

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        """Switch to ``plan``; its random draws restart from its ``seed``."""
        with self._lock:
            self._faults = plan
            self._random = random.Random(plan.seed)  # noqa: S311 - not cryptography

    @property
    def ignore_idempotency(self) -> bool:
        return self._faults.ignore_idempotency

    def ratelimit_headers(self, retry_after: int) -> dict[str, str]:
        """The headers a 429 of this network carries (subclasses add their own)."""
        return {"Retry-After": str(retry_after)}

    def own_posts(self) -> list[dict[str, Any]]:
        """``[{"id", "text", "created_at"}]`` of the account's posts, for ``/_fake/posts``."""
        return []

    def count(self, method: str, path: str) -> int:
        """How many requests with this method hit exactly this path."""
        with self._lock:
            return sum(1 for r in self.requests if r.method == method and r.path == path)

    # -- dispatch -------------------------------------------------------------------------
    def route(self, request: Request) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError

    def _control(self, request: Request) -> Response:
        """``/_fake/faults`` (GET, POST spec, DELETE) and ``/_fake/posts`` (GET)."""
        if request.path == "/_fake/posts":
            with self._lock:
                return Response.json(self.own_posts())
        if request.path != "/_fake/faults":
            return Response.json({"error": "unknown control endpoint"}, 404)
        if request.method == "DELETE":
            self.faults = FaultPlan()
        elif request.method in ("POST", "PUT"):
            text = request.body.decode("utf-8").strip()
            if text.startswith("{"):
                text = str(json.loads(text).get("spec", ""))
            try:
                self.faults = FaultPlan.parse(text)
            except ValueError as error:
                return Response.json({"error": str(error)}, 400)
        with self._lock:
            return Response.json(
                {"spec": self._faults.spec(), **self._faults.as_dict(), "injected": self.injected}
            )

    def _injected(self, kind: str) -> None:
        self.injected[kind] = self.injected.get(kind, 0) + 1

    def _random_fault(self, request: Request) -> str | None:
        plan = self._faults
        if plan.only and not request.path.startswith(plan.only):
            return None
        draw = self._random.random()
        for name in ("fail", "ratelimit", "swallow", "drop", "drop503", "delay"):
            chance: float = getattr(plan, name)
            if draw < chance:
                return "drop-503" if name == "drop503" else name
            draw -= chance
        return None

    def _dispatch(self, request: Request) -> tuple[Response, float]:
        if request.path.startswith("/_fake/"):
            return self._control(request), 0.0
        with self._lock:
            self.requests.append(request)
            once = next((o for o in self._once if o.matches(request)), None)
            if once is not None:
                once.remaining -= 1
                kind = once.kind
                seconds = once.seconds
            else:
                kind = self._random_fault(request) or ""
                plan = self._faults
                seconds = {
                    "swallow": plan.swallow_seconds,
                    "delay": plan.delay_seconds,
                    "ratelimit": plan.retry_after,
                }.get(kind, 0.0)
            if kind:
                self._injected(kind)
            if kind == "fail":
                return Response.json({"error": "Injected: unavailable"}, 503), 0.0
            if kind == "ratelimit":
                headers = self.ratelimit_headers(int(seconds))
                return Response.json({"error": "Too many requests"}, 429, headers), 0.0
            if kind == "swallow":
                return Response.json({"error": "Injected: gateway gave up"}, 503), seconds
            if kind in ("drop", "drop-503", "delay"):
                handled = self.route(request)
                if kind == "drop":
                    return Response(drop=True), 0.0
                if kind == "drop-503":
                    return Response.json({"error": "Injected: unavailable"}, 503), 0.0
                return handled, seconds
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
            if response.drop:
                # Received and handled, never answered: the client sees the connection close.
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
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
