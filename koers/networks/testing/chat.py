"""A fake chat incoming webhook: Slack (``/slack/…``, answers ``200 ok``) and Teams Workflows
(``/teams/…``, answers ``202``). It refuses a body that is not the service's documented shape
the way the real one does (Slack: ``400 invalid_blocks``; Teams: ``400``), and every knob of
:class:`FakeServer` (``fail_next``, ``ratelimit_next``, ``delay_after_handling``) applies.

with FakeChatReceiver() as receiver:
    ChatSender("slack", receiver.url + "/slack/T1/B1/x").send(card)
    receiver.cards          # accepted bodies, in order: [(kind, json)]
"""

from __future__ import annotations

import json
from typing import Any

from koers.networks.testing.server import FakeServer, Request, Response


def slack_shape_ok(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return False
    blocks = body.get("blocks")
    return (
        isinstance(blocks, list)
        and 0 < len(blocks) <= 50
        and all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks)
    )


def teams_shape_ok(body: Any) -> bool:
    if not isinstance(body, dict) or body.get("type") != "message":
        return False
    attachments = body.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return False
    first = attachments[0]
    card = first.get("content") if isinstance(first, dict) else None
    return (
        first.get("contentType") == "application/vnd.microsoft.card.adaptive"
        and isinstance(card, dict)
        and card.get("type") == "AdaptiveCard"
        and isinstance(card.get("version"), str)
        and isinstance(card.get("body"), list)
    )


class FakeChatReceiver(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.cards: list[tuple[str, dict[str, Any]]] = []

    def route(self, request: Request) -> Response:
        if request.method != "POST":
            return Response(405, b"", {})
        try:
            body = json.loads(request.body)
        except ValueError:
            return Response(400, b"invalid_payload", {"Content-Type": "text/plain"})
        if request.path.startswith("/slack/"):
            if not slack_shape_ok(body):
                return Response(400, b"invalid_blocks", {"Content-Type": "text/plain"})
            self.cards.append(("slack", body))
            return Response(200, b"ok", {"Content-Type": "text/plain"})
        if request.path.startswith("/teams/"):
            if not teams_shape_ok(body):
                return Response.json({"error": {"code": "InvalidRequestContent"}}, 400)
            self.cards.append(("teams", body))
            return Response(202, b"", {})
        if request.path.startswith("/gone/"):
            return Response(404, b"no_service", {"Content-Type": "text/plain"})
        return Response(404, b"", {})
