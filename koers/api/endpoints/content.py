"""Channels (read), content items and the calendar — through ``koers.publishing.actions``,
validated by the same form as the calendar's item page (``ItemForm``)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta
from typing import Annotated, Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from koers.api import etag
from koers.api.auth import Access, need
from koers.api.errors import COMMON, IF_MATCH, UPDATE, ApiError, Error, form_errors, rejected
from koers.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_id, encode
from koers.api.schemas import MAX_ID, Clock, Day, Id, Input, Text
from koers.core.access import get_scoped_or_404, scoped
from koers.core.models import Role
from koers.publishing import actions, calendars
from koers.publishing.forms import ItemForm
from koers.publishing.models import (
    Category,
    Channel,
    ContentItem,
    Delivery,
    Health,
    PublishingSettings,
    State,
)

router = Router(tags=["content"])
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
ChannelId = Annotated[int, Path(ge=1, le=MAX_ID)]


# --- channels -------------------------------------------------------------------------------
class ChannelOut(Schema):
    id: int
    name: str
    network: str
    handle: str
    account: str
    health: Health
    health_reason: str
    checked_at: datetime | None
    expires_at: datetime | None


@router.get("/channels", response={200: list[ChannelOut], **COMMON})
def list_channels(request: HttpRequest) -> Any:
    """The workspace's connected channels (never their credentials)."""
    access: Access = request.auth  # type: ignore[attr-defined]
    return list(scoped(Channel.objects, access.workspace).order_by("name", "id"))


@router.get("/channels/{channel_id}", response={200: ChannelOut, **COMMON})
def get_channel(request: HttpRequest, channel_id: ChannelId) -> Any:
    access: Access = request.auth  # type: ignore[attr-defined]
    return get_scoped_or_404(Channel.objects, access.workspace, pk=channel_id)


# --- content items --------------------------------------------------------------------------
class DeliveryOut(Schema):
    channel: int
    channel_name: str
    network: str
    text: str = Field(description="The channel's own text; empty: the item's text is used.")
    state: str
    remote_url: str
    error: str


class ItemOut(Schema):
    id: int
    title: str
    text: str
    link: str
    category: Category
    campaign: int | None
    objective: int | None
    notes: str
    state: State
    flag: str
    date: dt.date | None = Field(description="Planned day in the workspace's time zone.")
    time: dt.time | None = Field(description="Planned wall-clock time in the workspace's zone.")
    zone: str
    scheduled_at: datetime | None
    created_at: datetime
    updated_at: datetime
    channels: list[DeliveryOut]


class ItemPage(Schema):
    items: list[ItemOut]
    next: str | None = Field(description="Cursor of the next page; null on the last page.")


class ChannelText(Input):
    channel: Id
    text: Text = ""


class ItemIn(Input):
    """A content item as the calendar's form takes it; every field optional on update."""

    title: Text | None = Field(None, max_length=140)
    text: Text | None = None
    link: Text | None = Field(None, max_length=500)
    category: Category | None = None
    campaign: Id | None = None
    objective: Id | None = None
    notes: Text | None = None
    date: Day | None = None
    time: Clock | None = Field(None, description="Empty with a date: 09:00.")
    channels: list[ChannelText] | None = Field(None, max_length=50)


def item_out(item: ContentItem) -> ItemOut:
    deliveries = sorted(item.deliveries.all(), key=lambda d: (d.channel.name, d.channel_id))
    return ItemOut(
        id=item.pk,
        title=item.title,
        text=item.text,
        link=item.link,
        category=item.category,
        campaign=item.campaign_id,
        objective=item.objective_id,
        notes=item.notes,
        state=item.state,
        flag=item.flag,
        date=item.local_date,
        time=item.local_time,
        zone=item.zone,
        scheduled_at=item.scheduled_at,
        created_at=item.created_at,
        updated_at=item.updated_at,
        channels=[
            DeliveryOut(
                channel=d.channel_id,
                channel_name=d.channel.name,
                network=d.channel.network,
                text=d.text_override,
                state=d.state,
                remote_url=d.remote_url,
                error=d.error,
            )
            for d in deliveries
        ],
    )


def _items(access: Access) -> QuerySet[ContentItem]:
    return scoped(ContentItem.objects, access.workspace).prefetch_related(
        Prefetch("deliveries", Delivery.objects.select_related("channel"))
    )


def _fresh(access: Access, item_id: int) -> ContentItem:
    return get_scoped_or_404(_items(access), access.workspace, pk=item_id)


def _locked(access: Access, item_id: int) -> ContentItem:
    """The item with its row locked for the rest of the transaction (or 404)."""
    return get_scoped_or_404(
        _items(access).select_for_update(of=("self",)), access.workspace, pk=item_id
    )


class ItemFilters(Schema):
    state: State | None = None
    category: Category | None = None
    campaign: Id | None = None
    channel: Id | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: Text | None = None


@router.get("/items", response={200: ItemPage, **COMMON})
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> Any:
    """Content items in id order, ``limit`` per page; follow ``next`` for more."""
    access: Access = request.auth  # type: ignore[attr-defined]
    items = _items(access).order_by("id")
    after = decode_id(filters.cursor)
    if after is not None:
        items = items.filter(pk__gt=after)
    for name in ("state", "category"):
        if getattr(filters, name):
            items = items.filter(**{name: getattr(filters, name)})
    if filters.campaign:
        items = items.filter(campaign_id=filters.campaign)
    if filters.channel:
        items = items.filter(deliveries__channel_id=filters.channel).distinct()
    found = list(items[: filters.limit + 1])
    more = len(found) > filters.limit
    found = found[: filters.limit]
    return ItemPage(items=[item_out(i) for i in found], next=encode(found[-1].pk) if more else None)


@router.get("/items/{item_id}", response={200: ItemOut, **COMMON})
def get_item(request: HttpRequest, response: HttpResponse, item_id: ItemId) -> Any:
    """One item; its ``ETag`` goes into ``If-Match`` of the next change."""
    access: Access = request.auth  # type: ignore[attr-defined]
    out = item_out(_fresh(access, item_id))
    etag.tag(response, out)
    return out


def _form_data(payload: ItemIn, item: ContentItem | None) -> dict[str, Any]:
    """The item page's form input: the stored values, overlaid with the fields sent."""
    data: dict[str, Any] = {"category": Category.PROMOTION}  # the model's default
    if item is not None:
        data = {
            "title": item.title,
            "text": item.text,
            "link": item.link,
            "category": item.category,
            "campaign": item.campaign_id or "",
            "objective": item.objective_id or "",
            "notes": item.notes,
            "day": item.local_date.isoformat() if item.local_date else "",
            "at": item.local_time.strftime("%H:%M") if item.local_time else "",
            "channels": [d.channel_id for d in item.deliveries.all()],
        }
        data |= {f"text_{d.channel_id}": d.text_override for d in item.deliveries.all()}
    sent = payload.model_dump(exclude_unset=True)
    for name, key in (("title", "title"), ("text", "text"), ("link", "link"), ("notes", "notes"),
                      ("category", "category"), ("campaign", "campaign"),
                      ("objective", "objective")):  # fmt: skip
        if name in sent:
            data[key] = "" if sent[name] is None else sent[name]
    if "date" in sent:
        data["day"] = sent["date"].isoformat() if sent["date"] else ""
    if "time" in sent:
        data["at"] = sent["time"].strftime("%H:%M") if sent["time"] else ""
    if "channels" in sent:
        chosen = payload.channels or []
        data = {k: v for k, v in data.items() if not k.startswith("text_")}
        data["channels"] = [c.channel for c in chosen]
        data |= {f"text_{c.channel}": c.text for c in chosen}
    return data


def _save(access: Access, payload: ItemIn, item: ContentItem | None) -> ContentItem:
    form = ItemForm(_form_data(payload, item), instance=item, workspace=access.workspace)
    if not form.is_valid():
        raise form_errors(_api_fields(form))
    data = form.cleaned_data
    return actions.save_item(
        access.workspace,
        access.user,
        item=item,
        **{
            k: data[k]
            for k in ("title", "text", "link", "category", "campaign", "objective", "notes")
        },
        day=data["day"],
        at=data["at"],
        channel_texts=form.channel_texts(),
    )


def _api_fields(form: ItemForm) -> ItemForm:
    """Name the form's fields as the API does (day → date, at → time, text_<id> → channels)."""
    renamed = {"day": "date", "at": "time"}
    for field in list(form.errors):
        target = renamed.get(field) or ("channels" if field.startswith("text_") else None)
        if target:
            form.errors.setdefault(target, form.error_class()).extend(form.errors.pop(field))
    return form


@router.post("/items", response={201: ItemOut, **COMMON, 409: Error})
def create_item(request: HttpRequest, response: HttpResponse, payload: ItemIn) -> Any:
    """A new draft (as "New post" in the calendar). ``title`` is required."""
    access: Access = request.auth  # type: ignore[attr-defined]
    need(access, Role.CONTRIBUTOR)
    with transaction.atomic():
        item = _save(access, payload, None)
    out = item_out(_fresh(access, item.pk))
    etag.tag(response, out)
    return Status(201, out)


@router.patch("/items/{item_id}", response={200: ItemOut, **UPDATE}, openapi_extra=IF_MATCH)
def update_item(
    request: HttpRequest, response: HttpResponse, item_id: ItemId, payload: ItemIn
) -> Any:
    """Change the fields sent (``If-Match`` required). A change to an approved or scheduled
    post sends it back to review, as in the calendar."""
    access: Access = request.auth  # type: ignore[attr-defined]
    need(access, Role.CONTRIBUTOR)
    with transaction.atomic():
        item = _locked(access, item_id)
        etag.require(request, item_out(item))
        _keeps_approval_only_with_editor_role(access, item)
        _save(access, payload, item)
    out = item_out(_fresh(access, item_id))
    etag.tag(response, out)
    return out


def _keeps_approval_only_with_editor_role(access: Access, item: ContentItem) -> None:
    """The calendar lets an editor's change keep an approval when the workspace allows it; the
    action judges by the person's role, so a token held below editor must not get that."""
    approved = item.state in (State.APPROVED, State.SCHEDULED)
    if (
        approved
        and not access.can(Role.EDITOR)
        and not PublishingSettings.for_workspace(access.workspace).review_every_change
    ):
        raise ApiError(403, "forbidden", _("Only an editor can change an approved post here."))


def _decide(request: HttpRequest, response: HttpResponse, item_id: int, act: Any) -> ItemOut:
    access: Access = request.auth  # type: ignore[attr-defined]
    with transaction.atomic():
        item = _locked(access, item_id)
        etag.require(request, item_out(item))
        act(item, access.user)
    out = item_out(_fresh(access, item_id))
    etag.tag(response, out)
    return out


@router.post("/items/{item_id}/submit", response={200: ItemOut, **UPDATE}, openapi_extra=IF_MATCH)
def submit_item(request: HttpRequest, response: HttpResponse, item_id: ItemId) -> Any:
    """Ask for approval (a draft with at least one channel); editors get an e-mail."""
    need(request.auth, Role.CONTRIBUTOR)  # type: ignore[attr-defined]
    return _decide(request, response, item_id, actions.submit_item)


def _approve_and_schedule(item: ContentItem, actor: Any) -> None:
    if item.state == State.APPROVED:
        actions.schedule_item(item, actor)
        return
    if item.state not in (State.DRAFT, State.IN_REVIEW):
        raise rejected_state()
    # As "Approve and schedule" in the calendar, but all or nothing: not scheduled, not approved.
    approved = actions.approve_item(item, actor)
    if approved.state != State.SCHEDULED:
        from django.core.exceptions import ValidationError

        raise rejected(ValidationError(actions.why_not_scheduled(approved)))


def rejected_state() -> ApiError:
    return ApiError(
        409, "rejected", _("Only a draft, an item in review or an approved item can be scheduled.")
    )


@router.post("/items/{item_id}/schedule", response={200: ItemOut, **UPDATE}, openapi_extra=IF_MATCH)
def schedule_item(request: HttpRequest, response: HttpResponse, item_id: ItemId) -> Any:
    """Approve (if needed) and schedule: the policy checks must pass and the planned time
    must lie ahead. Editors and up."""
    need(request.auth, Role.EDITOR)  # type: ignore[attr-defined]
    return _decide(request, response, item_id, _approve_and_schedule)


@router.post("/items/{item_id}/cancel", response={200: ItemOut, **UPDATE}, openapi_extra=IF_MATCH)
def cancel_item(request: HttpRequest, response: HttpResponse, item_id: ItemId) -> Any:
    """Take a scheduled item off the schedule (it stays approved). Editors and up."""
    need(request.auth, Role.EDITOR)  # type: ignore[attr-defined]
    return _decide(request, response, item_id, actions.unschedule_item)


# --- calendar -------------------------------------------------------------------------------
class CalendarQuery(Schema):
    start: Day = Field(description="First day (workspace time zone).")
    end: Day = Field(description="Last day, at most 366 days after start.")


@router.get("/calendar", response={200: list[ItemOut], **COMMON})
def calendar(request: HttpRequest, period: Query[CalendarQuery]) -> Any:
    """The planned items of the days ``start``..``end``, in time order (as the calendar)."""
    access: Access = request.auth  # type: ignore[attr-defined]
    if period.end < period.start or period.end - period.start > timedelta(days=366):
        raise ApiError(
            422, "invalid", _("The input is not valid."),
            {"end": [_("Choose an end on or after the start, at most a year later.")]},
        )  # fmt: skip
    window = calendars.Window(
        "list", period.start, period.end, period.start, period.end, period.start
    )
    found = calendars.items_in(
        scoped(ContentItem.objects, access.workspace), window, access.workspace.time_zone
    )
    return [item_out(item) for item in found]
