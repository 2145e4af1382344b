"""A fake webhook receiver that checks koers' signatures and dedupes on Idempotency-Key.

with FakeWebhookReceiver(secret=b"s3cret") as receiver:
    publisher = WebhookPublisher(receiver.url + "/hook", b"s3cret")
    receiver.deliveries            # accepted deliveries (parsed JSON bodies)
    receiver.rejected              # requests whose signature did not verify
"""

from __future__ import annotations

import json
from typing import Any

from koers.networks.testing.server import FakeServer, Request, Response
from koers.networks.webhook import verify_signature


class FakeWebhookReceiver(FakeServer):
    def __init__(self, secret: bytes) -> None:
        super().__init__()
        self.secret = secret
        self.deliveries: list[dict[str, Any]] = []
        self.rejected: list[Request] = []
        self._answers: dict[str, Response] = {}

    def own_posts(self) -> list[dict[str, Any]]:
        return [
            {"id": f"msg-{n}", "text": body.get("text", ""), "created_at": None}
            for n, body in enumerate(self.deliveries, start=1)
        ]

    def route(self, request: Request) -> Response:
        if not verify_signature(
            self.secret,
            request.body,
            request.header("x-koers-signature"),
            request.header("x-koers-timestamp"),
        ):
            self.rejected.append(request)
            return Response(401, b"bad signature", {"Content-Type": "text/plain"})
        key = request.header("idempotency-key")
        # A receiver that breaks the contract (fault plan ``ignore-idempotency``) stores again.
        if key in self._answers and not self.ignore_idempotency:
            return self._answers[key]
        body = json.loads(request.body)
        self.deliveries.append(body)
        answer = Response.json(
            {
                "id": f"msg-{len(self.deliveries)}",
                "url": f"{self.url}/messages/{len(self.deliveries)}",
            },
            201,
        )
        self._answers[key] = answer
        return answer
