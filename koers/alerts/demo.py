"""The alerts part of ``koers demo``: three rules for Gemeente Duinwijk and the spike the
listening demo put in its data 6 days ago, found by the real evaluator (not made up).

The rules are dated two weeks back so that window counts; the past event is fired before the
owner is added as recipient, so the demo sends no e-mail about the past.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from koers.alerts import actions, evaluate, rules
from koers.alerts.models import AlertRule, RuleKind
from koers.core.demo import DemoContext
from koers.listening.models import HourlyRollup, Topic

BRAND = "Gemeente Duinwijk"
CALAMITY_QUERY = 'brand OR gaslek OR "gas lek" OR explosie OR overstroming OR stroomstoring'


def _busiest_window(topic: Topic, hours: int) -> rules.Window | None:
    """The window of the last 7 days (ending on a whole hour) with the most mentions."""
    now = timezone.now()
    busiest = (
        HourlyRollup.objects.filter(topic=topic, hour__gte=now - timedelta(days=7))
        .values("hour")
        .annotate(n=Sum("count"))
        .order_by("-n", "hour")
        .first()
    )
    if busiest is None:
        return None
    end = busiest["hour"] + timedelta(hours=1)
    return rules.Window(end - timedelta(hours=hours), end)


def build(ctx: DemoContext) -> str:
    workspace, owner = ctx.workspace, ctx.owner
    topic = Topic.objects.filter(workspace=workspace, name=BRAND).first()
    if topic is None:
        return ""
    common = {"enabled": True, "webhook_url": "", "query": ""}
    spike = actions.create_rule(
        workspace, owner, name="Piek in vermeldingen Duinwijk", kind=RuleKind.SPIKE,
        topic=topic, window_hours=1, threshold=3.0, min_count=8, cooldown_minutes=120, **common,
    )  # fmt: skip
    actions.create_rule(
        workspace, owner, name="Negatieve golf Duinwijk", kind=RuleKind.SURGE, topic=topic,
        window_hours=3, threshold=20.0, min_count=15, cooldown_minutes=240, **common,
    )  # fmt: skip
    actions.create_rule(
        workspace, owner, name="Calamiteiten", kind=RuleKind.KEYWORD, topic=None,
        window_hours=1, threshold=1.0, min_count=1, cooldown_minutes=30,
        **(common | {"query": CALAMITY_QUERY}),
    )  # fmt: skip
    AlertRule.objects.filter(workspace=workspace).update(
        created_at=timezone.now() - timedelta(days=14)
    )
    spike.refresh_from_db()
    fired = 0
    window = _busiest_window(topic, spike.window_hours)
    if window is not None:
        fired = int(evaluate.evaluate_window(spike, window, window.end) is not None)
    for rule in AlertRule.objects.filter(workspace=workspace):
        rule.recipients.set([owner])
    return f"alerts: 3 rules, {fired} past spike"
