"""Posting an upload through the whole request stack while measuring the memory it takes.

The request body is built before measuring starts, so ``peak`` is what koers needed to receive
and process the upload (multipart parsing, the form, the import, the response): tests compare
it with the file's size to prove a file is streamed, never held whole.
"""

from __future__ import annotations

import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, ClientHandler, encode_multipart


@dataclass
class Posted:
    response: HttpResponse
    peak: int  # bytes: the most memory allocated at once while koers handled the request

    @property
    def text(self) -> str:
        return self.response.content.decode()


def post_file(
    user: object, url: str, field: str, path: Path, other: dict[str, str] | None = None
) -> Posted:
    """POST ``path`` as ``field`` (plus ``other`` fields) to ``url`` logged in as ``user``,
    following no redirect, in English."""
    client = Client()
    client.force_login(user)
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    with path.open("rb") as handle:
        body = encode_multipart(BOUNDARY, {**(other or {}), field: handle})
    # Not the MULTIPART_CONTENT constant itself: the factory would encode the body again.
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    request = RequestFactory().post(url, data=body, content_type=content_type)
    environ = {**request.environ, "HTTP_COOKIE": cookie, "HTTP_ACCEPT_LANGUAGE": "en"}
    del body, request
    handler = ClientHandler(enforce_csrf_checks=False)
    tracemalloc.start()
    try:
        response = handler(environ)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Posted(response, peak)
