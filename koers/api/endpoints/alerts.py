"""Alerts (fired events of the alert rules): list and acknowledge, through ``koers.alerts``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema

from koers.alerts import actions
from koers.alerts.models import AlertEvent, RuleKind
from koers.api import etag
from koers.api.auth import Access, need
from koers.api.endpoints.inbox import Person, _person
from koers.api.errors import COMMON, IF_MATCH, UPDATE
from koers.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_id, encode
from koers.api.schemas import MAX_ID, Text
from koers.core.access import get_scoped_or_404, scoped
from koers.core.models import Role

router = Router(tags=["alerts"])
AlertId = Annotated[int, Path(ge=1, le=MAX_ID)]


class AlertOut(Schema):
    id: int
    rule: int
    rule_name: str
    kind: RuleKind
    window_start: datetime
    window_end: datetime
    observed: int
    baseline: float | None
    created_at: datetime
    acknowledged_by: Person | None
    acknowledged_at: datetime | None


class AlertPage(Schema):
    items: list[AlertOut]
    next: str | None


def alert_out(event: AlertEvent) -> AlertOut:
    return AlertOut(
        id=event.pk,
        rule=event.rule_id,
        rule_name=event.rule.name,
        kind=event.kind,
        window_start=event.window_start,
        window_end=event.window_end,
        observed=event.observed,
        baseline=event.baseline,
        created_at=event.created_at,
        acknowledged_by=_person(event.acknowledged_by),
        acknowledged_at=event.acknowledged_at,
    )


def _events(access: Access) -> QuerySet[AlertEvent]:
    return scoped(AlertEvent.objects, access.workspace).select_related("rule", "acknowledged_by")


class AlertFilters(Schema):
    acknowledged: bool | None = None
    kind: RuleKind | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: Text | None = None


@router.get("/alerts", response={200: AlertPage, **COMMON})
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]) -> Any:
    """Alerts newest first; follow ``next`` for older ones."""
    access: Access = request.auth  # type: ignore[attr-defined]
    events = _events(access).order_by("-id")
    before = decode_id(filters.cursor)
    if before is not None:
        events = events.filter(pk__lt=before)
    if filters.acknowledged is not None:
        events = events.filter(acknowledged_at__isnull=not filters.acknowledged)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    found = list(events[: filters.limit + 1])
    more = len(found) > filters.limit
    found = found[: filters.limit]
    return AlertPage(
        items=[alert_out(e) for e in found], next=encode(found[-1].pk) if more else None
    )


@router.get("/alerts/{alert_id}", response={200: AlertOut, **COMMON})
def get_alert(request: HttpRequest, response: HttpResponse, alert_id: AlertId) -> Any:
    access: Access = request.auth  # type: ignore[attr-defined]
    out = alert_out(get_scoped_or_404(_events(access), access.workspace, pk=alert_id))
    etag.tag(response, out)
    return out


@router.post(
    "/alerts/{alert_id}/acknowledge", response={200: AlertOut, **UPDATE}, openapi_extra=IF_MATCH
)
def acknowledge(request: HttpRequest, response: HttpResponse, alert_id: AlertId) -> Any:
    """Mark the alert as seen (if nobody did yet; the first name stays)."""
    access: Access = request.auth  # type: ignore[attr-defined]
    need(access, Role.CONTRIBUTOR)
    with transaction.atomic():
        event = get_scoped_or_404(
            _events(access).select_for_update(of=("self",)), access.workspace, pk=alert_id
        )
        etag.require(request, alert_out(event))
        actions.acknowledge(event, access.user)
    out = alert_out(get_scoped_or_404(_events(access), access.workspace, pk=alert_id))
    etag.tag(response, out)
    return out
