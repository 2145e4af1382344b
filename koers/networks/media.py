"""Media helpers shared by adapters: image recompression to a size limit, OpenGraph cards.

Network-agnostic: the caller passes the limit and the network name used in error messages.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from html.parser import HTMLParser

import httpx
from PIL import Image, UnidentifiedImageError

from koers.networks.base import PermanentError
from koers.networks.safety import http_client

logger = logging.getLogger(__name__)


def card_http_client(timeout: float) -> httpx.Client:
    """The httpx client for link previews: short timeouts, redirects, public hosts only.

    Every connection (each redirect hop too) goes through the outbound guard
    (:mod:`koers.networks.safety`): a post cannot make koers read its own network.
    """
    return http_client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=5,
        headers={"User-Agent": "koers (link preview)"},
    )


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PreparedImage:
    data: bytes
    mime_type: str
    width: int
    height: int


def prepare_image(
    data: bytes, mime_type: str, max_bytes: int, *, network: str = ""
) -> PreparedImage:
    """The image at most ``max_bytes`` long (Bluesky's blob limit is 1,000,000).

    Small images pass unchanged. Larger ones are scaled down (longest side ≤ 2000 px, the
    Bluesky app's size) and re-encoded as JPEG at falling quality, then smaller, until they
    fit. Raises :class:`PermanentError` for data Pillow cannot read or refuses as a
    decompression bomb.
    """
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if len(data) <= max_bytes:
                return PreparedImage(data, mime_type, width, height)
            image = probe.convert("RGBA") if probe.mode in ("P", "LA") else probe.copy()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as error:
        raise PermanentError(
            f"The image can't be read ({type(error).__name__}).", network=network
        ) from None
    if image.mode in ("RGBA", "LA"):
        # JPEG has no transparency: flatten on white, as a reader would see it.
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    longest = 2000
    while True:
        candidate = image.copy()
        candidate.thumbnail((longest, longest))
        for quality in (90, 80, 70, 60, 50):
            buffer = io.BytesIO()
            candidate.save(buffer, format="JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return PreparedImage(buffer.getvalue(), "image/jpeg", *candidate.size)
        if longest <= 64:
            raise PermanentError("The image can't be made small enough.", network=network)
        longest = int(longest * 0.75)


# ---------------------------------------------------------------------------------------------
# Link cards
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LinkCard:
    url: str
    title: str
    description: str
    image_url: str | None


class _OpenGraphParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key and attributes.get("content") is not None:
                self.meta.setdefault(key.lower(), str(attributes["content"]))
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def fetch_link_card(url: str, http: httpx.Client, *, max_bytes: int = 1_000_000) -> LinkCard | None:
    """Title/description/image of a page from its OpenGraph tags; ``None`` when unavailable.

    Reads at most ``max_bytes`` of HTML. A page that fails to load yields no card rather than
    an error: a card is decoration and must never stop a post.
    """
    try:
        with http.stream("GET", url, headers={"Accept": "text/html"}) as response:
            if response.status_code != 200 or "html" not in response.headers.get(
                "content-type", ""
            ):
                return None
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= max_bytes:
                    break
            encoding = response.encoding or "utf-8"
    except httpx.HTTPError as error:
        logger.info("No link card for %s: %s", url, type(error).__name__)
        return None
    parser = _OpenGraphParser()
    parser.feed(b"".join(chunks).decode(encoding, errors="replace"))
    meta = parser.meta
    title = meta.get("og:title") or parser.title.strip()
    if not title:
        return None
    image = meta.get("og:image") or meta.get("twitter:image")
    return LinkCard(
        url=url,
        title=title[:300],
        description=(meta.get("og:description") or meta.get("description") or "")[:1000],
        image_url=str(httpx.URL(url).join(image)) if image else None,
    )
