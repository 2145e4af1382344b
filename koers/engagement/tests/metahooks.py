"""The Meta webhook in tests: signed deliveries as Meta documents them (the fixtures with the
fake Graph API, its Page and Acme's channels are in ``conftest.py``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from koers.engagement import meta
from koers.engagement.models import MetaEvent
from koers.networks.meta import GRAPH_VERSION

V = f"/{GRAPH_VERSION}"
SECRET = "app-secret-123"
URL = "/hooks/meta/"


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(client, payload, *, secret: str = SECRET, signature: str | None = None):
    body = json.dumps(payload).encode()
    headers = {}
    if signature is None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = _sign(body, secret)
    elif signature:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    return client.post(URL, data=body, content_type="application/json", **headers)


def _feed(page_id: str, comment_id: str, *, verb: str = "add", message: str = "Wanneer?"):
    """A Page ``feed`` change as Meta documents it (Webhooks for Pages, field feed)."""
    return {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": int(time.time()),
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "from": {"id": "9876543210", "name": "Jan Jansen"},
                            "post": {"status_type": "mobile_status_update", "is_published": True},
                            "message": message,
                            "post_id": f"{page_id}_111",
                            "comment_id": comment_id,
                            "created_time": int(time.time()),
                            "item": "comment",
                            "parent_id": f"{page_id}_111",
                            "verb": verb,
                        },
                    }
                ],
            }
        ],
    }


def _messenger(page_id: str, person: str, mid: str, text: str, *, age: float = 0):
    return {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": int(time.time() * 1000),
                "messaging": [
                    {
                        "sender": {"id": person},
                        "recipient": {"id": page_id},
                        "timestamp": int((time.time() - age) * 1000),
                        "message": {"mid": mid, "text": text},
                    }
                ],
            }
        ],
    }


def _process_all() -> list[str]:
    return [
        meta.process(pk) for pk in MetaEvent.objects.order_by("pk").values_list("pk", flat=True)
    ]
