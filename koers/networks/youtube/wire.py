"""YouTube's addresses, scopes, costs and limits: what the other modules and the catalog read."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from koers.networks.base import (
    Capabilities,
    Limits,
)

NETWORK = "youtube"
API_URL = "https://www.googleapis.com"
AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 - an address, not a password
WATCH_URL = "https://www.youtube.com/watch?v="
SCOPE_UPLOAD = "https://www.googleapis.com/auth/youtube.upload"
SCOPE_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
SCOPE_READONLY = "https://www.googleapis.com/auth/youtube.readonly"
SCOPES = (SCOPE_UPLOAD, SCOPE_FORCE_SSL, SCOPE_READONLY)
#: Renew this long before Google says the access token expires.
REFRESH_MARGIN = timedelta(minutes=2)
#: Bytes per PUT of a resumable upload (a multiple of 256 KiB, as Google requires).
CHUNK_BYTES = 8 * 256 * 1024 * 4
#: What the project's daily quota is and what calls cost (units).
DAILY_QUOTA_UNITS = 10_000
UPLOAD_COST_UNITS = 1_600
COMMENT_COST_UNITS = 50
#: Google resets the daily quota at midnight Pacific time.
QUOTA_ZONE = ZoneInfo("America/Los_Angeles")
#: Items per page of playlistItems, commentThreads (YouTube's maximum: 50 and 100).
PAGE_SIZE = 50
COMMENT_PAGE_SIZE = 100
LOOKUP_MAX_PAGES = 20
#: How long ``publish`` follows processing before it leaves the video to finish on its own.
MAX_PROCESSING_SECONDS = 120.0
PROCESSING_POLL_SECONDS = 5.0

MAX_TITLE_CHARS = 100
MAX_DESCRIPTION_BYTES = 5_000
MAX_TAGS_CHARS = 500
MAX_COMMENT_CHARS = 10_000
#: YouTube's "People & Blogs"; the category every upload from koers gets.
DEFAULT_CATEGORY = "22"
VIDEO_TYPES = (
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-msvideo",
    "video/mpeg",
    "video/x-matroska",
)
PRIVACY = ("public", "unlisted", "private")
LIMITS = Limits(
    max_chars=MAX_DESCRIPTION_BYTES,
    url_length=None,
    max_images=0,
    max_image_bytes=0,
    counts_graphemes=False,
    max_videos=1,
    max_video_bytes=256 * 1024**3,
    # 12 hours for verified accounts; an unverified channel uploads at most 15 minutes.
    max_video_seconds=12 * 3600,
    media_types=VIDEO_TYPES,
    max_comment_chars=MAX_COMMENT_CHARS,
    max_title_chars=MAX_TITLE_CHARS,
    max_description_bytes=MAX_DESCRIPTION_BYTES,
    max_tags_chars=MAX_TAGS_CHARS,
    forbidden_chars="<>",
)
CAPABILITIES = Capabilities(
    network=NETWORK,
    label="YouTube",
    publish=frozenset({"video", "reply"}),
    inbox=frozenset({"comment"}),
    metrics=frozenset({"post", "account", "video_views"}),
    listen="none",
    limits=LIMITS,
    provider="google",
    video_options=frozenset({"title", "tags", "privacy", "publish_at"}),
    not_allowed=(
        "Posts without a video (YouTube takes only videos from koers; community posts have "
        "no API).",
        "A scheduled video that is public or unlisted before its time: a video with a publish "
        "time is uploaded as private and YouTube makes it public at that time.",
        "Public videos from a Google Cloud project Google has not audited: they stay private "
        "until the audit.",
        "More than about six uploads a day: every upload costs 1,600 of the project's 10,000 "
        "daily quota units.",
        "The characters < and > in a title or description.",
    ),
)
