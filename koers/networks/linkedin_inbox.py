"""The LinkedIn inbox on the wire: comments on the page's posts, @-mentions of the page, and
comments placed as the page exactly once (first comments and replies).

No Django here (the inbox items live in :mod:`koers.engagement.linkedin`).

* Comments: ``GET /rest/socialActions/{post URN}/comments`` pages with ``start``/``count``
  up to ``paging.total``; a comment's own replies are read the same way with the comment's
  URN (``urn:li:comment:(<post>,<id>)``) in the path.
* Mentions: ``GET /rest/organizationalEntityNotifications?q=criteria`` with
  ``actions=List(SHARE_MENTION)`` and a ``timeRange`` (Organization Social Action
  Notifications, pull); the mentioning post is read with ``GET /rest/posts/{URN}``.
* Comments as the page: ``POST /rest/socialActions/{URN}/comments`` with ``actor`` (the
  organisation), ``object`` (the post) and, for a reply to a comment, ``parentComment``.
  LinkedIn has no idempotency key: before a comment is sent again, the target's comments are
  listed and one by the page with the same text (since the attempt) counts as sent.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    Limits,
    OutgoingPost,
    PermanentError,
    Problem,
    PublishResult,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.linkedin import (
    API_BASE,
    LIMITS,
    LINKEDIN_VERSION,
    MAX_COMMENT_CHARS,
    NETWORK,
    _encode,
    _fingerprint,
    _LinkedInBase,
    _ms_to_datetime,
    organization_urn,
    post_url,
    unescape_little_text,
)
from koers.networks.text import grapheme_count

logger = logging.getLogger(__name__)

#: Comments per page (the finder allows up to 100).
COMMENT_PAGE_SIZE = 50
COMMENT_MAX_PAGES = 40
NOTIFICATION_PAGE_SIZE = 50
NOTIFICATION_MAX_PAGES = 20
#: The notification actions koers reads: posts that @-mention the page.
MENTION_ACTIONS = ("SHARE_MENTION",)
_COMMENT_URN = re.compile(r"urn:li:comment:\((?P<object>urn:li:\w+:[^,]+),(?P<id>[^)]+)\)")


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment as LinkedIn lists it; ``post`` is the post (activity/share) it is under."""

    urn: str
    post: str
    actor: str
    text: str
    created: datetime
    parent: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A post that @-mentions the page (``notification`` is LinkedIn's notification id)."""

    notification: str
    post: str
    author: str
    text: str
    created: datetime


def post_of(urn: str) -> str:
    """The post a comment URN is under (``urn:li:comment:(<post>,<id>)`` → ``<post>``); any
    other URN is a post itself."""
    match = _COMMENT_URN.fullmatch(urn)
    return match.group("object") if match else urn


def _comment(element: dict[str, Any], target: str) -> Comment:
    object_urn = str(element.get("object") or post_of(target))
    urn = str(
        element.get("commentUrn")
        or element.get("$URN")
        or f"urn:li:comment:({object_urn},{element.get('id')})"
    )
    created = (element.get("created") or {}).get("time") or 0
    return Comment(
        urn=urn,
        post=object_urn,
        actor=str(element.get("actor") or ""),
        text=str((element.get("message") or {}).get("text") or ""),
        created=_ms_to_datetime(created) if created else datetime.now(UTC),
        parent=str(element.get("parentComment") or ""),
    )


def read_comments(
    client: _LinkedInBase,
    target: str,
    *,
    page_size: int = COMMENT_PAGE_SIZE,
    max_pages: int = COMMENT_MAX_PAGES,
) -> list[Comment]:
    """Every comment under ``target`` (a post, or a comment for its replies), page by page
    up to ``paging.total``."""
    found: list[Comment] = []
    for page in range(max_pages):
        data = client._request(
            "GET",
            f"/rest/socialActions/{_encode(target)}/comments",
            query=f"start={page * page_size}&count={page_size}",
        ).json()
        elements = [e for e in data.get("elements") or [] if isinstance(e, dict)]
        found += [_comment(e, target) for e in elements]
        total = (data.get("paging") or {}).get("total")
        if not elements or (total is not None and (page + 1) * page_size >= int(total)):
            break
    return found


def find_comment(
    client: _LinkedInBase, actor: str, target: str, text: str, *, since: datetime
) -> Comment | None:
    """The comment ``actor`` placed under ``target`` with ``text`` at or after ``since``."""
    not_before = since - LOOKUP_CLOCK_SKEW
    wanted = _fingerprint(text)
    for comment in read_comments(client, target):
        if (
            comment.actor == actor
            and comment.created >= not_before
            and _fingerprint(comment.text) == wanted
        ):
            return comment
    return None


def send_comment(client: _LinkedInBase, actor: str, target: str, text: str) -> str:
    """Place one comment as ``actor`` under ``target`` (a post, or a comment to reply to);
    returns the new comment's URN. Sent once: a lost answer raises UnknownOutcomeError."""
    if grapheme_count(text) > MAX_COMMENT_CHARS:
        raise PermanentError(
            f"A LinkedIn comment has at most {MAX_COMMENT_CHARS} characters.", network=NETWORK
        )
    body: dict[str, Any] = {"actor": actor, "object": post_of(target), "message": {"text": text}}
    if target.startswith("urn:li:comment:"):
        body["parentComment"] = target
    response = client._request(
        "POST", f"/rest/socialActions/{_encode(target)}/comments", json=body, write=True
    )
    urn = response.headers.get("x-restli-id")
    if not urn:
        try:
            urn = response.json().get("commentUrn") or response.json().get("id")
        except ValueError:
            urn = ""
    return str(urn or "")


def comment_once(
    client: _LinkedInBase,
    actor: str,
    target: str,
    text: str,
    *,
    since: datetime,
    look_first: bool = False,
) -> str:
    """Place a comment exactly once: when LinkedIn's answer is lost or it answers 429/5xx,
    the target's comments are read first and a comment by ``actor`` with the same text
    counts as placed; only when none is there is it sent one more time. ``look_first``:
    an earlier attempt may have placed it already, so look before the first send too."""
    if look_first:
        found = find_comment(client, actor, target, text, since=since)
        if found is not None:
            return found.urn
    try:
        return send_comment(client, actor, target, text)
    except (UnknownOutcomeError, RetryableError) as error:
        logger.info("LinkedIn comment under %s: %s; checking before sending again", target, error)
    found = find_comment(client, actor, target, text, since=since)
    if found is not None:
        return found.urn
    return send_comment(client, actor, target, text)


def read_mentions(
    client: _LinkedInBase, organization: str, *, start_ms: int, end_ms: int
) -> list[Mention]:
    """Posts that @-mentioned the page between ``start_ms`` and ``end_ms`` (epoch ms)."""
    base = (
        f"q=criteria&actions=List({','.join(MENTION_ACTIONS)})"
        f"&organizationalEntity={_encode(organization)}"
        f"&timeRange=(start:{int(start_ms)},end:{int(end_ms)})"
    )
    notifications: list[dict[str, Any]] = []
    for page in range(NOTIFICATION_MAX_PAGES):
        data = client._request(
            "GET",
            "/rest/organizationalEntityNotifications",
            query=f"{base}&start={page * NOTIFICATION_PAGE_SIZE}&count={NOTIFICATION_PAGE_SIZE}",
        ).json()
        elements = [e for e in data.get("elements") or [] if isinstance(e, dict)]
        notifications += elements
        total = (data.get("paging") or {}).get("total")
        if (
            len(elements) < NOTIFICATION_PAGE_SIZE
            or total is not None
            and (page + 1) * NOTIFICATION_PAGE_SIZE >= int(total)
        ):
            break
    found: list[Mention] = []
    for element in notifications:
        if element.get("action") not in MENTION_ACTIONS:
            continue
        post = str(element.get("generatedActivity") or element.get("sourcePost") or "")
        if not post:
            continue
        found.append(_mention(client, element, post))
    return found


def _mention(client: _LinkedInBase, element: dict[str, Any], post: str) -> Mention:
    """The mentioning post's text and author; a post the page may not read keeps its URN."""
    decorated = element.get("decoratedGeneratedActivity") or {}
    author = str((decorated.get("share") or {}).get("owner") or "")
    text = ""
    created = element.get("lastModifiedAt") or 0
    try:
        data = client._request("GET", f"/rest/posts/{_encode(post)}").json()
    except PermanentError as error:
        logger.info("LinkedIn mention %s not readable: %s", post, error.message)
    else:
        author = str(data.get("author") or author)
        text = unescape_little_text(str(data.get("commentary") or ""))
        created = data.get("publishedAt") or data.get("createdAt") or created
    return Mention(
        notification=str(element.get("notificationId") or post),
        post=post,
        author=author,
        text=text,
        created=_ms_to_datetime(created) if created else datetime.now(UTC),
    )


class LinkedInInbox(_LinkedInBase):
    """Reads one organisation page's recent posts, their comments and its mentions."""

    def __init__(
        self,
        access_token: str,
        organization_id: str,
        *,
        api_base: str = API_BASE,
        timeout: float = 30.0,
        version: str = LINKEDIN_VERSION,
    ) -> None:
        super().__init__(access_token, api_base=api_base, timeout=timeout, version=version)
        self.organization = organization_urn(organization_id)

    def recent_posts(self, count: int) -> list[str]:
        """URNs of the page's ``count`` most recently changed posts."""
        data = self._request(
            "GET",
            "/rest/posts",
            query=f"author={_encode(self.organization)}&q=author&sortBy=LAST_MODIFIED"
            f"&count={count}&start=0",
        ).json()
        return [str(e["id"]) for e in data.get("elements") or [] if e.get("id")]

    def comments(self, post: str) -> list[Comment]:
        """Comments of other people under ``post`` (the page's own are left out)."""
        return [c for c in read_comments(self, post) if c.actor != self.organization]

    def mentions(self, *, start_ms: int, end_ms: int) -> list[Mention]:
        return read_mentions(self, self.organization, start_ms=start_ms, end_ms=end_ms)


class LinkedInReplier(_LinkedInBase):
    """Answers a comment (``parentComment``) or a mentioning post (a comment under it) as
    the page. ``since`` is when the reply was made: every try first looks for the reply
    under the target, so a try after a lost answer or a 5xx never places it twice."""

    network = NETWORK

    def __init__(
        self,
        access_token: str,
        organization_id: str,
        *,
        since: datetime,
        api_base: str = API_BASE,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(access_token, api_base=api_base, timeout=timeout)
        self.organization = organization_urn(organization_id)
        self.since = since

    def limits(self) -> Limits:
        return LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        if not post.text.strip():
            return [Problem("empty", "A reply needs text.")]
        if grapheme_count(post.text) > MAX_COMMENT_CHARS:
            return [
                Problem(
                    "too_long",
                    f"A LinkedIn comment has at most {MAX_COMMENT_CHARS} characters.",
                )
            ]
        return []

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems or not post.in_reply_to:
            raise PermanentError(
                " ".join(p.message for p in problems) or "Nothing to reply to.", network=NETWORK
            )
        found = self.lookup(idempotency_key, post, since=self.since)
        if found is not None:
            return found
        urn = send_comment(self, self.organization, post.in_reply_to, post.text)
        return PublishResult(
            remote_id=urn, url=post_url(post_of(post.in_reply_to)), published_at=datetime.now(UTC)
        )

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        target = post.in_reply_to or ""
        found = find_comment(self, self.organization, target, post.text, since=since)
        if found is None or found.urn in exclude:
            return None
        return PublishResult(
            remote_id=found.urn, url=post_url(found.post), published_at=found.created
        )
