"""Short-lived signed addresses for an item's media, for networks that fetch media themselves.

Instagram and Threads take an image or video by URL, not as an upload: they fetch it from koers
while creating the post. :func:`signed_url` gives such an address under ``KOERS_BASE_URL``
(``/m/<signed>/``) that works for ``KOERS_MEDIA_URL_SECONDS`` and only for that one file;
:func:`media_id` checks it (signature and age) for the view that serves the file.

Meta's servers must be able to reach ``KOERS_BASE_URL``: :func:`base_url_problem` says when
it is a local or private address they cannot.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "koers.publishing.media-url"


def signed_url(media_pk: int) -> str:
    token = signing.dumps({"m": media_pk}, salt=SALT, compress=False)
    return settings.BASE_URL + reverse("media-signed", kwargs={"token": token})


def media_id(token: str) -> int | None:
    """The media row the token names, or ``None`` when tampered with or expired."""
    try:
        value = signing.loads(token, salt=SALT, max_age=settings.KOERS_MEDIA_URL_SECONDS)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    found = value.get("m") if isinstance(value, dict) else None
    return found if isinstance(found, int) else None


def fetch_problem() -> str:
    """:func:`base_url_problem` for the configured Meta: none when Meta is the local fake
    (``KOERS_META_URL``: demos and tests), which reaches local addresses."""
    return "" if settings.KOERS_META_URL else base_url_problem()


def base_url_problem(base_url: str | None = None) -> str:
    """Why Meta can't fetch from ``KOERS_BASE_URL`` ("" when it looks public): "local" for a
    name like localhost or a loopback/private address, "http" when it is not HTTPS."""
    url = base_url if base_url is not None else settings.BASE_URL
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or host == "localhost" or host.endswith((".local", ".localhost", ".internal")):
        return "local"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None and "." not in host:
        return "local"  # a bare machine name resolves only inside the network
    if address is not None and not address.is_global:
        return "local"
    if parts.scheme != "https":
        return "http"
    return ""
