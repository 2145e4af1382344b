"""The inbox part of the demo: real triage over imported messages, every state present."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from koers.core.demo import DemoContext
from koers.engagement import demo
from koers.engagement.models import InboxItem, Status
from koers.listening import demo as listening_demo
from koers.publishing import demo as publishing_demo

pytestmark = pytest.mark.django_db


def test_demo_inbox_has_open_overdue_answered_and_closed_messages(acme, anna, monkeypatch):
    monkeypatch.setattr(listening_demo, "POSTS", 50)
    ctx = DemoContext(workspace=acme, owner=anna, rng=random.Random(1))
    publishing_demo.build(ctx)
    listening_demo.build(ctx)
    summary = demo.build(ctx)

    items = InboxItem.objects.filter(workspace=acme)
    assert items.count() == len(demo.MESSAGES)
    assert {i.origin for i in items} == {"addressed"}
    statuses = {s: items.filter(status=s).count() for s in Status.values}
    assert statuses == {"open": 6, "answered": 3, "closed": 2}
    now = timezone.now()
    overdue = [i for i in items if i.is_overdue(now)]
    assert len(overdue) >= 2
    assert items.filter(assignee=anna).count() == 3
    assert all(i.answered_at >= i.received_at for i in items.filter(status="answered"))
    assert "inbox: 11 messages" in summary
