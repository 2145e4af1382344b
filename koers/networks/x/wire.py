"""X's addresses, access levels, limits and capabilities."""

from __future__ import annotations

from datetime import timedelta

import regex

from koers.networks.base import (
    Capabilities,
    Limits,
)
from koers.networks.text import URL_RE

NETWORK = "x"
API_URL = "https://api.x.com"
AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
WEB_URL = "https://x.com"
TOKEN_PATH = "/2/oauth2/token"  # noqa: S105 - an address, not a password
REVOKE_PATH = "/2/oauth2/revoke"
#: What koers asks for: read and write posts, read the account, stay connected, upload media.
SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access", "media.write")
#: Refresh this long before X says the access token expires (clocks differ, requests take time).
REFRESH_MARGIN = timedelta(minutes=2)
#: Bytes per APPEND (X takes up to 5 MB a segment).
CHUNK_BYTES = 4 * 1024 * 1024
#: How long a publish waits for X to process a video before it gives up (and retries later).
MAX_PROCESSING_SECONDS = 300.0
#: Posts per page when reading timelines, mentions and search (X's maximum is 100).
PAGE_SIZE = 100
#: Pages one poll of mentions or search reads at most (the rest comes next poll).
POLL_MAX_PAGES = 10

URL_LENGTH = 23  # every link counts as a t.co link
LIMITS = Limits(
    max_chars=280,
    url_length=URL_LENGTH,
    max_images=4,
    max_image_bytes=5 * 1024 * 1024,
    counts_graphemes=True,
    max_videos=1,
    max_video_bytes=512 * 1024 * 1024,
    max_video_seconds=140,
    media_types=("image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"),
)

#: X's access levels in the order X sells them, with the monthly post cap of each (per user
#: for Free and Basic, the app's cap for Pro). A channel may set its own in ``extra``.
ACCESS_LEVELS = ("free", "basic", "pro")
POST_CAPS = (("free", 500), ("basic", 3_000), ("pro", 300_000))
#: The lowest access level each koers feature needs.
FEATURE_LEVELS = {
    "publish": "free",  # post, reply, quote, threads, media, delete, the account itself
    "lookup": "basic",  # exactly-once check: the account's own posts
    "mentions": "basic",  # the inbox: mentions of the account
    "search": "basic",  # listening: recent search (7 days)
    "metrics": "basic",  # post metrics (public; non-public for the account's own recent posts)
    "full_archive": "pro",  # search older than 7 days (koers does not use it yet)
}
#: Plain English names of the features (msgids; the Django side translates them).
FEATURE_NAMES = {
    "publish": "publishing",
    "lookup": "checking whether a post already went out",
    "mentions": "mentions of the account in the inbox",
    "search": "listening through recent search",
    "metrics": "post metrics",
    "full_archive": "full-archive search",
}
LEVEL_NAMES = {"free": "Free", "basic": "Basic", "pro": "Pro"}

CAPABILITIES = Capabilities(
    network=NETWORK,
    label="X",
    publish=frozenset({"text", "link", "image", "images", "video", "thread", "reply", "quote"}),
    inbox=frozenset({"mention"}),
    metrics=frozenset({"post", "account", "impressions"}),
    listen="search",
    limits=LIMITS,
    provider="x",
    not_allowed=(
        "X does not take images and a video in the same post.",
        "X refuses a post whose text is the same as a recent one of the account.",
        "X does not let koers edit a post after it went out.",
        "X's Free access level has no mentions, search or post metrics.",
    ),
    post_caps=POST_CAPS,
)

# Code points X counts as one character; everything else (CJK, emoji) counts as two.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def _weight(char: str) -> int:
    code = ord(char)
    return 1 if any(low <= code <= high for low, high in _LIGHT) else 2


def text_length(text: str) -> int:
    """The length X counts: links 23, CJK and emoji 2, the rest 1 (twitter-text's weights)."""
    total, position = 0, 0
    for match in URL_RE.finditer(text):
        total += _plain_length(text[position : match.start()]) + URL_LENGTH
        position = match.end()
    return total + _plain_length(text[position:])


def _plain_length(text: str) -> int:
    total = 0
    for cluster in regex.findall(r"\X", text):
        if len(cluster) > 1 and any(_weight(c) == 2 for c in cluster):
            total += 2  # an emoji sequence (skin tone, ZWJ family) counts as one emoji
        else:
            total += sum(_weight(c) for c in cluster)
    return total
