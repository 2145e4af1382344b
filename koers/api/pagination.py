"""Keyset pagination: an opaque cursor that names the last row of the page (never OFFSET)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.utils.translation import gettext as _

from koers.api.errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode(*parts: object) -> str:
    raw = "|".join(p.isoformat() if isinstance(p, datetime) else str(p) for p in parts)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _bad() -> ApiError:
    return ApiError(
        422, "invalid", _("The input is not valid."), {"cursor": [_("Unknown cursor.")]}
    )


def decode_id(cursor: str | None) -> int | None:
    if not cursor:
        return None
    parts = _parts(cursor)
    if len(parts) != 1 or not parts[0].isdigit():
        raise _bad()
    return int(parts[0])


def decode_time_id(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    parts = _parts(cursor)
    try:
        moment, pk = datetime.fromisoformat(parts[0]), int(parts[1])
    except (ValueError, IndexError):
        raise _bad() from None
    if moment.tzinfo is None or len(parts) != 2:
        raise _bad()
    return moment, pk


def _parts(cursor: str) -> list[str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _bad() from None
    return raw.split("|")
