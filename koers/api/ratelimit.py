"""Requests per token per window, counted in Django's cache; over the limit: 429 + Retry-After.

A fixed window: the counter ``api-rate:<token>:<window number>`` is created with ``add`` (only
the first request of a window creates it) and raised with ``incr``. With a cache that all web
processes share and whose ``incr`` is atomic (Redis, Memcached), the limit holds across
processes. Django's default cache (local memory, which koers uses: it sets no ``CACHES``) is
per process: with N web processes (``koers serve`` starts 2) a token may make up to N times the
limit. Django's database and file caches share counts but their ``incr`` is not atomic.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from koers.api.errors import ApiError
from koers.api.models import ApiToken


def limits() -> tuple[int, int]:
    """(requests, seconds) per token."""
    return settings.KOERS_API_RATE_LIMIT, settings.KOERS_API_RATE_WINDOW


def check(token: ApiToken) -> None:
    allowed, window = limits()
    now = time.time()
    number = int(now // window)
    key = f"api-rate:{token.pk}:{number}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens the window
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > allowed:
        retry_after = max(1, math.ceil((number + 1) * window - now))
        raise ApiError(
            429,
            "rate_limited",
            _("Too many requests with this token; try again in %(seconds)s seconds.")
            % {"seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
