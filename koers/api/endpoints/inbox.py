"""Inbox items: list, assign, reply, close — through ``koers.engagement`` and its forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema

from koers.api import etag
from koers.api.auth import Access, need
from koers.api.endpoints.listening import MentionOut, mention_out
from koers.api.errors import COMMON, IF_MATCH, UPDATE, form_errors
from koers.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_id, encode
from koers.api.schemas import MAX_ID, Id, Input, Text
from koers.core.access import get_scoped_or_404, scoped
from koers.core.models import Role
from koers.engagement import actions, replies
from koers.engagement.forms import AssignForm, CloseForm, ReplyForm
from koers.engagement.models import CloseReason, InboxItem, Reply, Status
from koers.listening.models import Network, Sentiment

router = Router(tags=["inbox"])
InboxId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Person(Schema):
    id: int
    username: str


class ReplyOut(Schema):
    id: int
    channel: int
    text: str
    state: str
    remote_url: str
    error: str
    created_at: datetime


class InboxItemOut(Schema):
    id: int
    status: Status
    origin: str
    received_at: datetime
    due_at: datetime
    assignee: Person | None
    answered_at: datetime | None
    answered_how: str
    close_reason: str
    close_note: str
    mention: MentionOut
    replies: list[ReplyOut]


class InboxPage(Schema):
    items: list[InboxItemOut]
    next: str | None


def _person(user: Any) -> Person | None:
    return None if user is None else Person(id=user.pk, username=user.get_username())


def inbox_out(item: InboxItem) -> InboxItemOut:
    return InboxItemOut(
        id=item.pk,
        status=item.status,
        origin=item.origin,
        received_at=item.received_at,
        due_at=item.due_at,
        assignee=_person(item.assignee),
        answered_at=item.answered_at,
        answered_how=item.answered_how,
        close_reason=item.close_reason,
        close_note=item.close_note,
        mention=mention_out(item.mention),
        replies=[
            ReplyOut(
                id=r.pk,
                channel=r.channel_id,
                text=r.text,
                state=r.state,
                remote_url=r.remote_url,
                error=r.error,
                created_at=r.created_at,
            )
            for r in item.replies.all()
        ],
    )


def _items(access: Access) -> QuerySet[InboxItem]:
    return (
        scoped(InboxItem.objects, access.workspace)
        .select_related("mention", "assignee")
        .prefetch_related(
            "mention__topic_links", Prefetch("replies", Reply.objects.order_by("created_at", "id"))
        )
    )


class InboxFilters(Schema):
    status: Status | None = None
    assignee: Id | None = None
    unassigned: bool = False
    network: Network | None = None
    sentiment: Sentiment | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: Text | None = None


@router.get("/inbox", response={200: InboxPage, **COMMON})
def list_inbox(request: HttpRequest, filters: Query[InboxFilters]) -> Any:
    """Inbox items in id order (oldest first); follow ``next`` for more."""
    access: Access = request.auth  # type: ignore[attr-defined]
    items = _items(access).order_by("id")
    after = decode_id(filters.cursor)
    if after is not None:
        items = items.filter(pk__gt=after)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.assignee:
        items = items.filter(assignee_id=filters.assignee)
    if filters.unassigned:
        items = items.filter(assignee__isnull=True)
    if filters.network:
        items = items.filter(mention__network=filters.network)
    if filters.sentiment:
        items = items.filter(mention__sentiment=filters.sentiment)
    found = list(items[: filters.limit + 1])
    more = len(found) > filters.limit
    found = found[: filters.limit]
    return InboxPage(
        items=[inbox_out(i) for i in found], next=encode(found[-1].pk) if more else None
    )


@router.get("/inbox/{item_id}", response={200: InboxItemOut, **COMMON})
def get_inbox_item(request: HttpRequest, response: HttpResponse, item_id: InboxId) -> Any:
    access: Access = request.auth  # type: ignore[attr-defined]
    out = inbox_out(get_scoped_or_404(_items(access), access.workspace, pk=item_id))
    etag.tag(response, out)
    return out


def _change(request: HttpRequest, response: HttpResponse, item_id: int, change: Any) -> Any:
    """Lock the item, check If-Match, make the change, answer with the item and its ETag."""
    access: Access = request.auth  # type: ignore[attr-defined]
    need(access, Role.CONTRIBUTOR)
    with transaction.atomic():
        item = get_scoped_or_404(
            _items(access).select_for_update(of=("self",)), access.workspace, pk=item_id
        )
        etag.require(request, inbox_out(item))
        change(access, item)
    out = inbox_out(get_scoped_or_404(_items(access), access.workspace, pk=item_id))
    etag.tag(response, out)
    return out


class AssignIn(Input):
    assignee: Id | None = Field(description="A member's user id; null: nobody.")


@router.post(
    "/inbox/{item_id}/assign", response={200: InboxItemOut, **UPDATE}, openapi_extra=IF_MATCH
)
def assign(
    request: HttpRequest, response: HttpResponse, item_id: InboxId, payload: AssignIn
) -> Any:
    def change(access: Access, item: InboxItem) -> None:
        form = AssignForm({"assignee": payload.assignee or ""}, workspace=access.workspace)
        if not form.is_valid():
            raise form_errors(form)
        actions.assign(item, access.user, form.cleaned_data["assignee"])

    return _change(request, response, item_id, change)


class ReplyIn(Input):
    channel: Id
    text: Text = Field(max_length=5000)


@router.post(
    "/inbox/{item_id}/reply", response={200: InboxItemOut, **UPDATE}, openapi_extra=IF_MATCH
)
def reply(request: HttpRequest, response: HttpResponse, item_id: InboxId, payload: ReplyIn) -> Any:
    """Queue a reply on one of the workspace's channels of the message's network; it is sent
    by the worker, exactly once (see the item's ``replies`` for its state)."""

    def change(access: Access, item: InboxItem) -> None:
        form = ReplyForm(payload.model_dump(), channels=replies.channels_for(item))
        if not form.is_valid():
            raise form_errors(form)
        replies.compose(item, access.user, **form.cleaned_data)

    return _change(request, response, item_id, change)


class CloseIn(Input):
    reason: CloseReason
    note: Text = Field("", max_length=300)


@router.post(
    "/inbox/{item_id}/close", response={200: InboxItemOut, **UPDATE}, openapi_extra=IF_MATCH
)
def close(request: HttpRequest, response: HttpResponse, item_id: InboxId, payload: CloseIn) -> Any:
    """Close without a reply (it then doesn't count for the response rate)."""

    def change(access: Access, item: InboxItem) -> None:
        form = CloseForm(payload.model_dump())
        if not form.is_valid():
            raise form_errors(form)
        actions.close(item, access.user, **form.cleaned_data)

    return _change(request, response, item_id, change)
