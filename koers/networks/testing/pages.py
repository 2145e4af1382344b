"""A fake website: HTML pages with OpenGraph tags and images, for link-card tests.

with FakePages() as pages:
    pages.add_html("/artikel", title="Koers", description="…", image="/plaatje.png")
    url = f"{pages.url}/artikel"
"""

from __future__ import annotations

import html
import io

from PIL import Image

from koers.networks.testing.server import FakeServer, Request, Response


def _png(width: int = 60, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


class FakePages(FakeServer):
    """Serves what was added; any ``image`` path named in ``add_html`` serves a small PNG."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, Response] = {}

    def add_html(
        self, path: str, *, title: str, description: str = "", image: str | None = None
    ) -> None:
        meta = [f'<meta property="og:title" content="{html.escape(title)}">']
        if description:
            meta.append(f'<meta property="og:description" content="{html.escape(description)}">')
        if image:
            meta.append(f'<meta property="og:image" content="{html.escape(image)}">')
            self.pages[image] = Response(200, _png(), {"Content-Type": "image/png"})
        body = (
            "<!doctype html><html><head><meta charset=utf-8>"
            f"<title>{html.escape(title)} – site</title>{''.join(meta)}</head>"
            f"<body><h1>{html.escape(title)}</h1></body></html>"
        )
        self.pages[path] = Response(
            200, body.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"}
        )

    def add_redirect(self, path: str, location: str, status: int = 302) -> None:
        self.pages[path] = Response(status, b"", {"Location": location})

    def route(self, request: Request) -> Response:
        return self.pages.get(request.path) or Response(404, b"not found")
