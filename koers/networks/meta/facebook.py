"""Facebook Pages: publishing (one ``POST /{page}/feed``, photos uploaded unpublished first),
the lookup by message, insights and the first comment placed once."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    AccountMetrics,
    AuthError,
    ConnectionStatus,
    Limits,
    NetworkError,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Problem,
    PublishResult,
    RetryableError,
    UnknownOutcomeError,
    validate_against_limits,
)
from koers.networks.meta.graph import (
    FACEBOOK_LIMITS,
    GraphClient,
    _ContainerExpiredError,
    find_by_text,
)
from koers.networks.text import grapheme_count

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Facebook Pages
# ---------------------------------------------------------------------------------------------
class FacebookPublisher:
    """Publishes to one Facebook Page with the Page's access token."""

    network = "facebook"

    def __init__(
        self, graph_url: str, page_id: str, page_token: str, *, timeout: float = 30.0
    ) -> None:
        self.page_id = page_id
        self.graph = GraphClient(graph_url, page_token, label="Facebook", timeout=timeout)

    def limits(self) -> Limits:
        return FACEBOOK_LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        problems = validate_against_limits(post, FACEBOOK_LIMITS, grapheme_count(post.text))
        videos = [item for item in post.media if item.is_video]
        if videos and len(post.media) > 1:
            problems.append(
                Problem("video_alone", "A Facebook video goes out on its own.", field="media")
            )
        return problems

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems:
            raise PermanentError(" ".join(p.message for p in problems), network=self.network)
        if post.media and post.media[0].is_video:
            item = post.media[0]
            answer = self.graph.call(
                "POST",
                f"{self.page_id}/videos",
                data={"description": post.text},
                files={"source": (item.filename, item.data, item.mime_type)},
                write=True,
            )
            remote_id = f"{self.page_id}_{answer['id']}"
        else:
            data: dict[str, Any] = {"message": post.text}
            # Photos are uploaded unpublished (never visible on their own), then attached to
            # one post: a retry after a failed upload leaves no stray photo on the Page.
            for index, item in enumerate(post.media):
                photo = self.graph.call(
                    "POST",
                    f"{self.page_id}/photos",
                    data={"published": "false", "alt_text_custom": item.alt_text},
                    files={"source": (item.filename, item.data, item.mime_type)},
                )
                data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo["id"]})
            if post.link_card_url and not post.media:
                data["link"] = post.link_card_url
            answer = self.graph.post(f"{self.page_id}/feed", write=True, **data)
            remote_id = str(answer["id"])
        result = PublishResult(
            remote_id=remote_id,
            url=f"https://www.facebook.com/{remote_id}",
            published_at=datetime.now(UTC),
        )
        if post.first_comment:
            self.place_first_comment(remote_id, post.first_comment, since=result.published_at)
        return result

    def place_first_comment(
        self, remote_id: str, text: str, *, since: datetime, look_first: bool = False
    ) -> None:
        """The Page's first comment under its post, exactly once (see :func:`comment_once`)."""
        graph_comment_once(
            self.graph, remote_id, text, since=since, field="message", author=self.page_id,
            look_first=look_first,
        )  # fmt: skip

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        pages = self.graph.pages(
            f"{self.page_id}/published_posts",
            fields="id,message,created_time,permalink_url",
            since=int((since - LOOKUP_CLOCK_SKEW).timestamp()),
            limit=100,
        )
        found = find_by_text(
            pages,
            post.text,
            since=since,
            exclude=exclude,
            text_field="message",
            time_field="created_time",
            url_field="permalink_url",
            newest_first=True,
        )
        if found is not None and post.first_comment:
            # The attempt whose answer was lost stopped before its first comment (or not).
            self.place_first_comment(
                found.remote_id, post.first_comment, since=found.published_at, look_first=True
            )
        return found

    def delete(self, remote_id: str) -> None:
        _delete(self.graph, remote_id)

    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        found = []
        for remote_id in remote_ids:
            try:
                body = self.graph.get(
                    remote_id,
                    fields="reactions.summary(total_count),comments.summary(total_count),shares",
                )
            except PermanentError:
                continue  # deleted since
            seen = _insights(self.graph, remote_id, "post_impressions,post_impressions_unique")
            found.append(
                PostMetrics(
                    remote_id=remote_id,
                    likes=_summary(body, "reactions"),
                    replies=_summary(body, "comments"),
                    reposts=int((body.get("shares") or {}).get("count") or 0),
                    reach=seen.get("post_impressions_unique"),
                    impressions=seen.get("post_impressions"),
                )
            )
        return found

    def fetch_account_metrics(self) -> AccountMetrics:
        body = self.graph.get(self.page_id, fields="followers_count,fan_count")
        return AccountMetrics(followers=body.get("followers_count"), following=None, posts=None)

    def check_connection(self) -> ConnectionStatus:
        try:
            body = self.graph.get(self.page_id, fields="id,name")
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        return ConnectionStatus(ok=True, account=str(body.get("name") or ""), account_id=body["id"])


def _summary(body: dict[str, Any], edge: str) -> int | None:
    summary = (body.get(edge) or {}).get("summary") or {}
    count = summary.get("total_count")
    return int(count) if count is not None else None


def _insights(
    graph: GraphClient, node: str, metrics: str, edge: str = "insights"
) -> dict[str, int]:
    """Lifetime values of ``/{node}/insights``; empty when the insights permission was not
    granted (the feature is optional) or the post is too new to have any."""
    try:
        body = graph.get(f"{node}/{edge}", metric=metrics)
    except (AuthError, PermanentError):
        return {}
    values: dict[str, int] = {}
    for entry in body.get("data") or []:
        points = entry.get("values") or []
        value = points[-1].get("value") if points else entry.get("total_value", {}).get("value")
        if isinstance(value, int):
            values[str(entry.get("name"))] = value
    return values


def comment_once(
    place: Callable[[], Any],
    placed: Callable[[], bool],
    *,
    where: str,
    look_first: bool = False,
) -> None:
    """A first comment under a post that exists, placed exactly once: when Meta's answer is
    lost or it answers 429/5xx, the post's comments are read first and the account's own
    comment with the same text counts as placed; only when none is there is it sent again.
    ``look_first``: an earlier attempt may have placed it already (its answer was lost), so
    look before the first send too. A failure is logged, never a failed post: publishing
    again would make a second post."""
    try:
        if look_first and placed():
            return
        try:
            place()
            return
        except (UnknownOutcomeError, RetryableError) as error:
            logger.info("first comment on %s: %s; checking before sending again", where, error)
        if not placed():
            place()
    except NetworkError as error:
        logger.warning("first comment on %s failed: %s", where, error.message)
    except _ContainerExpiredError:
        logger.warning("first comment on %s failed: its container expired", where)


def graph_comment_once(
    graph: GraphClient,
    remote_id: str,
    text: str,
    *,
    since: datetime,
    field: str,
    author: str,
    look_first: bool = False,
) -> None:
    """:func:`comment_once` through the Graph API's ``/{id}/comments`` edge (Facebook and
    Instagram: the text is ``message`` and ``field`` is what the comments call it)."""
    comment_once(
        lambda: graph.post(f"{remote_id}/comments", write=True, message=text),
        lambda: _own_comment(graph, remote_id, text, since=since, field=field, author=author),
        where=remote_id,
        look_first=look_first,
    )


def _own_comment(
    graph: GraphClient, remote_id: str, text: str, *, since: datetime, field: str, author: str
) -> bool:
    """Whether ``author`` (the Page or the Instagram account) commented ``text`` under the
    post since ``since``."""
    time_field = "created_time" if field == "message" else "timestamp"
    pages = graph.pages(
        f"{remote_id}/comments",
        fields=f"id,{field},from,{time_field}",
        order="reverse_chronological",
        limit=100,
    )
    found = find_by_text(
        pages,
        text,
        since=since,
        text_field=field,
        time_field=time_field,
        newest_first=True,
        accept=lambda c: str((c.get("from") or {}).get("id") or "") == author,
    )
    return found is not None


def _delete(graph: GraphClient, remote_id: str) -> None:
    try:
        graph.call("DELETE", remote_id)
    except PermanentError as error:
        if "Meta error 100" not in error.message:
            raise


def is_gone(error: NetworkError) -> bool:
    """True for Meta's "object does not exist" (error 100, subcode 33): deleted, or never
    there for this token."""
    return isinstance(error, PermanentError) and "(Meta error 100/33)" in error.message
