"""Instagram and Threads publish in two steps: a container (invisible, expires after 24 h),
then ``media_publish``/``threads_publish``, with the container kept in the checkpoint."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from koers.networks.base import (
    AccountMetrics,
    ConnectionStatus,
    Limits,
    MediaItem,
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
from koers.networks.meta.facebook import _delete, _insights, comment_once, graph_comment_once
from koers.networks.meta.graph import (
    INSTAGRAM_LIMITS,
    THREADS_LIMITS,
    THREADS_VERSION,
    GraphClient,
    _ContainerExpiredError,
    _sentence,
    _when,
    find_by_text,
)
from koers.networks.text import find_hashtags, grapheme_count

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Instagram and Threads: container → (status) → publish
# ---------------------------------------------------------------------------------------------
class _ContainerPublisher:
    """What Instagram and Threads share: media by public URL, containers, publish."""

    network = ""
    label = ""
    status_field = "status_code"
    publish_edge = "media_publish"
    media_edge = "media"
    caption_field = "caption"
    quota_edge = "content_publishing_limit"
    #: Insight metrics read per post: (reach metric, views metric, the edge's fields).
    insight_metrics = "reach,views"
    count_fields = "like_count,comments_count"
    limits_value: Limits = INSTAGRAM_LIMITS

    def __init__(
        self,
        graph: GraphClient,
        user_id: str,
        *,
        poll_interval: float = 2.0,
        poll_timeout: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.graph = graph
        self.user_id = user_id
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self._sleep = sleep

    def limits(self) -> Limits:
        return self.limits_value

    def validate(self, post: OutgoingPost) -> list[Problem]:
        limits = self.limits_value
        problems = validate_against_limits(post, limits, grapheme_count(post.text))
        if limits.max_hashtags is not None:
            tags = len(find_hashtags(post.text))
            if tags > limits.max_hashtags:
                problems.append(
                    Problem(
                        "too_many_hashtags",
                        f"{tags} hashtags; {self.label} allows {limits.max_hashtags}.",
                    )
                )
        if len(post.media) > 1 and any(item.is_video for item in post.media):
            problems.append(
                Problem("video_alone", f"A {self.label} video goes out on its own.", "media")
            )
        for index, item in enumerate(post.media, start=1):
            if not item.url:
                problems.append(
                    Problem(
                        "no_public_url",
                        f"Attachment {index} has no public address {self.label} can fetch.",
                        "media",
                    )
                )
        return problems

    # -- the steps ----------------------------------------------------------------------------
    def _item_fields(self, item: MediaItem, *, in_carousel: bool) -> dict[str, Any]:
        raise NotImplementedError

    def _text_fields(self, post: OutgoingPost) -> dict[str, Any]:
        raise NotImplementedError

    def _create(self, fields: dict[str, Any]) -> str:
        # A container is invisible until published: a lost answer just leaves one unused.
        answer = self.graph.post(f"{self.user_id}/{self.media_edge}", **fields)
        return str(answer["id"])

    def _wait(self, container_id: str) -> str:
        """Poll the container until it is ready (FINISHED, or PUBLISHED already); raise when
        it failed or took too long."""
        deadline = time.monotonic() + self.poll_timeout
        while True:
            body = self.graph.get(container_id, fields=f"{self.status_field},id")
            status = str(body.get(self.status_field) or "FINISHED")
            if status in ("FINISHED", "PUBLISHED"):
                return status
            if status == "ERROR":
                raise PermanentError(
                    _sentence(self.label, "processing", "container", "ERROR"), network=self.network
                )
            if status == "EXPIRED":
                raise _ContainerExpiredError
            if time.monotonic() >= deadline:
                raise RetryableError(
                    f"{self.label} is still processing the media; koers checks again later.",
                    network=self.network,
                    retry_after=60.0,
                )
            self._sleep(self.poll_interval)

    def _check_quota(self) -> None:
        """Instagram's ``content_publishing_limit``; Threads has its own (same shape)."""
        body = self.graph.get(f"{self.user_id}/{self.quota_edge}", fields="quota_usage,config")
        entries = body.get("data") or []
        if not entries:
            return
        usage = int(entries[0].get("quota_usage") or 0)
        total = int((entries[0].get("config") or {}).get("quota_total") or 0)
        if total and usage >= total:
            raise RetryableError(
                _sentence(self.label, "publish_limit", "quota", f"{usage}of{total}"),
                network=self.network,
                retry_after=3600.0,
            )

    def _container(self, post: OutgoingPost) -> str:
        """A ready container for the post: the saved one when it is still usable."""
        checkpoint = post.checkpoint
        saved = (checkpoint.data if checkpoint is not None else {}).get("container")
        if saved:
            try:
                if self._wait(saved) == "PUBLISHED":
                    # Published by a try whose answer was lost, and not found by the lookup
                    # yet: still unknown, never a second publish.
                    raise UnknownOutcomeError(
                        f"No answer from {self.label} after sending; the post may exist.",
                        network=self.network,
                    )
                return saved
            except _ContainerExpiredError:
                pass  # make a new one below
        if len(post.media) > 1:
            children = [
                self._create(self._item_fields(item, in_carousel=True)) for item in post.media
            ]
            for child in children:
                self._wait(child)
            fields = {
                "media_type": "CAROUSEL",
                "children": ",".join(children),
                **self._text_fields(post),
            }
        elif post.media:
            fields = {
                **self._item_fields(post.media[0], in_carousel=False),
                **self._text_fields(post),
            }
        else:
            fields = {"media_type": "TEXT", **self._text_fields(post)}
        container = self._create(fields)
        if checkpoint is not None:
            checkpoint.save({"container": container})
        try:
            self._wait(container)
        except _ContainerExpiredError:
            if checkpoint is not None:
                checkpoint.save({})
            raise RetryableError(
                f"{self.label} let the media expire; koers makes it again.", network=self.network
            ) from None
        return container

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems:
            raise PermanentError(" ".join(p.message for p in problems), network=self.network)
        done = (post.checkpoint.data if post.checkpoint is not None else {}).get("published")
        if done:  # an earlier try published it and saved the id, then stopped
            result = self._result(done)
            if post.first_comment:  # it may have stopped before its first comment
                self._comment(done, post.first_comment, since=result.published_at, look_first=True)
            return result
        container = self._container(post)
        self._check_quota()
        answer = self.graph.post(
            f"{self.user_id}/{self.publish_edge}", write=True, creation_id=container
        )
        remote_id = str(answer["id"])
        if post.checkpoint is not None:
            post.checkpoint.save({"container": container, "published": remote_id})
        result = self._result(remote_id)
        if post.first_comment:
            self._comment(remote_id, post.first_comment, since=result.published_at)
        return result

    def _result(self, remote_id: str) -> PublishResult:
        """The published post's address. The post exists already: a failed read must not
        look like a failed publish (the caller would publish again), so it falls back."""
        try:
            details = self.graph.get(remote_id, fields="id,permalink,timestamp")
        except NetworkError as error:
            logger.warning("details of %s not read: %s", remote_id, error.message)
            details = {}
        return PublishResult(
            remote_id=remote_id,
            url=str(details.get("permalink") or ""),
            published_at=_when(details.get("timestamp")),
        )

    def _comment(
        self, remote_id: str, text: str, *, since: datetime, look_first: bool = False
    ) -> None:
        """The account's first comment under its media, exactly once."""
        graph_comment_once(
            self.graph, remote_id, text, since=since, field="text", author=self.user_id,
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
            f"{self.user_id}/{self.media_edge}",
            fields=f"id,{self.caption_field},timestamp,permalink",
            limit=50,
        )
        found = find_by_text(
            pages,
            post.text,
            since=since,
            exclude=exclude,
            text_field=self.caption_field,
            time_field="timestamp",
            url_field="permalink",
            newest_first=True,
        )
        if found is not None and post.first_comment:
            # The attempt whose answer was lost stopped before its first comment (or not).
            self._comment(
                found.remote_id, post.first_comment, since=found.published_at, look_first=True
            )
        return found

    def delete(self, remote_id: str) -> None:
        _delete(self.graph, remote_id)

    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        found = []
        for remote_id in remote_ids:
            try:
                body = self.graph.get(remote_id, fields=self.count_fields)
            except PermanentError:
                continue
            seen = _insights(self.graph, remote_id, self.insight_metrics)
            found.append(self._metrics(remote_id, body, seen))
        return found

    def _metrics(self, remote_id: str, body: dict[str, Any], seen: dict[str, int]) -> PostMetrics:
        return PostMetrics(
            remote_id=remote_id,
            likes=body.get("like_count"),
            replies=body.get("comments_count"),
            reach=seen.get("reach"),
            impressions=seen.get("views"),
        )

    def fetch_account_metrics(self) -> AccountMetrics:
        body = self.graph.get(self.user_id, fields="followers_count,follows_count,media_count")
        return AccountMetrics(
            followers=body.get("followers_count"),
            following=body.get("follows_count"),
            posts=body.get("media_count"),
        )

    def check_connection(self) -> ConnectionStatus:
        try:
            body = self.graph.get(self.user_id, fields="id,username")
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        return ConnectionStatus(
            ok=True, account=f"@{body.get('username') or ''}", account_id=str(body["id"])
        )


class InstagramPublisher(_ContainerPublisher):
    """An Instagram professional account, through the Page token of the Page it is linked to."""

    network = "instagram"
    label = "Instagram"
    limits_value = INSTAGRAM_LIMITS

    def __init__(
        self, graph_url: str, ig_user_id: str, token: str, *, timeout: float = 30.0, **kwargs: Any
    ) -> None:
        graph = GraphClient(graph_url, token, label="Instagram", timeout=timeout)
        super().__init__(graph, ig_user_id, **kwargs)

    def validate(self, post: OutgoingPost) -> list[Problem]:
        problems = super().validate(post)
        if not post.media:
            problems.append(
                Problem("needs_media", "An Instagram post needs an image or a video.", "media")
            )
        return problems

    def _item_fields(self, item: MediaItem, *, in_carousel: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if item.is_video:
            fields = {"media_type": "VIDEO" if in_carousel else "REELS", "video_url": item.url}
        else:
            fields = {"image_url": item.url}
            if item.alt_text:
                fields["alt_text"] = item.alt_text
        if in_carousel:
            fields["is_carousel_item"] = "true"
        return fields

    def _text_fields(self, post: OutgoingPost) -> dict[str, Any]:
        return {"caption": post.text}


class ThreadsPublisher(_ContainerPublisher):
    """A Threads profile (Threads API, its own host and token)."""

    network = "threads"
    label = "Threads"
    status_field = "status"
    publish_edge = "threads_publish"
    media_edge = "threads"
    caption_field = "text"
    quota_edge = "threads_publishing_limit"
    limits_value = THREADS_LIMITS
    insight_metrics = "views,likes,replies,reposts,quotes"
    count_fields = "id"

    def _metrics(self, remote_id: str, body: dict[str, Any], seen: dict[str, int]) -> PostMetrics:
        """Threads counts everything in its insights; it reports views, not reach."""
        return PostMetrics(
            remote_id=remote_id,
            likes=seen.get("likes"),
            replies=seen.get("replies"),
            reposts=seen.get("reposts"),
            quotes=seen.get("quotes"),
            impressions=seen.get("views"),
        )

    def fetch_account_metrics(self) -> AccountMetrics:
        seen = _insights(self.graph, self.user_id, "followers_count", "threads_insights")
        return AccountMetrics(followers=seen.get("followers_count"), following=None, posts=None)

    def __init__(
        self, threads_url: str, user_id: str, token: str, *, timeout: float = 30.0, **kwargs: Any
    ) -> None:
        graph = GraphClient(
            threads_url, token, version=THREADS_VERSION, label="Threads", timeout=timeout
        )
        super().__init__(graph, user_id, **kwargs)

    def _item_fields(self, item: MediaItem, *, in_carousel: bool) -> dict[str, Any]:
        if item.is_video:
            fields = {"media_type": "VIDEO", "video_url": item.url}
        else:
            fields = {"media_type": "IMAGE", "image_url": item.url}
        if in_carousel:
            fields["is_carousel_item"] = "true"
        elif item.alt_text:
            fields["alt_text"] = item.alt_text
        return fields

    def _text_fields(self, post: OutgoingPost) -> dict[str, Any]:
        fields = {"text": post.text}
        if post.link_card_url and not post.media:
            fields["link_attachment"] = post.link_card_url
        return fields

    def _comment(
        self, remote_id: str, text: str, *, since: datetime, look_first: bool = False
    ) -> None:
        """Threads has no comments edge: the first comment is the account's own reply,
        exactly once (its replies are read before it is sent again)."""

        def place() -> None:
            reply = self._create({"media_type": "TEXT", "text": text, "reply_to_id": remote_id})
            self._wait(reply)
            self.graph.post(f"{self.user_id}/{self.publish_edge}", write=True, creation_id=reply)

        def placed() -> bool:
            pages = self.graph.pages(
                f"{remote_id}/replies",
                fields="id,text,timestamp,is_reply_owned_by_me",
                reverse="true",
                limit=100,
            )
            found = find_by_text(
                pages,
                text,
                since=since,
                text_field="text",
                time_field="timestamp",
                newest_first=True,
                accept=lambda r: bool(r.get("is_reply_owned_by_me")),
            )
            return found is not None

        comment_once(place, placed, where=remote_id, look_first=look_first)
