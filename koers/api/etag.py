"""ETag and If-Match: two editors can't overwrite each other's changes without knowing.

The ETag of a resource is a hash of its JSON representation, so any change a client could
see changes it. Every update of an existing resource must send ``If-Match`` with the ETag it
last read: missing → 428, different from the current one → 412, and nothing is changed. The
comparison happens with the row locked (``select_for_update``), inside the transaction of the
change, so a concurrent update can't slip in between the check and the write.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from koers.api.errors import ApiError


def of(representation: Any) -> str:
    """The (strong) ETag of a resource's JSON representation."""
    data = (
        representation.model_dump(mode="json")
        if hasattr(representation, "model_dump")
        else representation
    )
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def tag(response: HttpResponse, representation: Any) -> HttpResponse:
    response["ETag"] = of(representation)
    return response


def require(request: HttpRequest, current: Any) -> None:
    """Check ``If-Match`` against the current representation (call with the row locked)."""
    sent = request.headers.get("If-Match", "").strip()
    if not sent:
        raise ApiError(
            428,
            "if_match_required",
            _("Send the header If-Match with the ETag you last read, so no change is lost."),
        )
    if sent == "*":
        return
    candidates = {value.strip().removeprefix("W/") for value in sent.split(",")}
    if of(current) not in candidates:
        raise ApiError(
            412,
            "etag_mismatch",
            _("Someone changed this in the meantime; read it again and retry your change."),
        )
