"""The alerts part of the demo: its rules, and the past spike found by the real evaluator."""

from __future__ import annotations

import random

import pytest

from koers.alerts import demo
from koers.alerts.models import AlertEvent, AlertRule, Delivery
from koers.core.demo import DemoContext
from koers.listening import demo as listening_demo

pytestmark = pytest.mark.django_db


def test_demo_adds_rules_and_a_past_spike_without_sending_mail(acme, anna, monkeypatch):
    monkeypatch.setattr(
        listening_demo, "POSTS", 3000
    )  # the real demo size: its spike day is busy enough
    ctx = DemoContext(workspace=acme, owner=anna, rng=random.Random(2026))
    listening_demo.build(ctx)
    summary = demo.build(ctx)

    assert AlertRule.objects.filter(workspace=acme).count() == 3
    [event] = AlertEvent.objects.filter(workspace=acme)
    assert event.kind == "spike"
    assert event.observed >= 3 * event.baseline
    assert event.email_state == Delivery.NONE
    assert summary == "alerts: 3 rules, 1 past spike"
    assert all(r.recipients.filter(pk=anna.pk).exists() for r in AlertRule.objects.all())


def test_the_alerts_demo_runs_after_listening_in_koers_demo():
    from koers.core.demo import demo_builders

    modules = [builder.__module__ for builder in demo_builders()]
    assert modules.index("koers.alerts.demo") > modules.index("koers.listening.demo")
