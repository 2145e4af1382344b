"""Every state change of alerts: rules (create, change, switch on/off, delete) and acknowledging
events. Each runs in one transaction and writes one audit row. Firing an event is the
evaluator's job (``koers.alerts.evaluate``), which is system work and is not audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from koers.alerts.models import AlertEvent, AlertRule, RuleKind
from koers.core.actions import audit
from koers.core.models import Workspace
from koers.listening import cursor
from koers.listening.models import Mention

RULE_FIELDS = (
    "name",
    "kind",
    "topic",
    "query",
    "window_hours",
    "threshold",
    "min_count",
    "webhook_url",
    "enabled",
    "cooldown_minutes",
)


def _apply(rule: AlertRule, data: dict[str, Any]) -> list[str]:
    changed = []
    for field in RULE_FIELDS:
        if field in data and getattr(rule, field) != data[field]:
            setattr(rule, field, data[field])
            changed.append(field)
    if rule.kind == RuleKind.KEYWORD:
        rule.topic = None
    else:
        rule.query = ""
    secret = data.get("webhook_secret")
    if secret:
        rule.set_webhook_secret(secret)
        changed.append("webhook_secret")
    if not rule.webhook_url and rule.webhook_secret_enc:
        rule.set_webhook_secret("")
    return changed


def _start_reading(rule: AlertRule) -> list[str]:
    """A keyword rule reads from now on: mentions stored before (up to the newest id) are not
    its business; the ingest cursor starts at the current horizon."""
    latest = Mention.objects.filter(workspace=rule.workspace).aggregate(m=Max("pk"))["m"]
    rule.watermark = latest or 0
    rule.ingest_cursor = cursor.horizon()
    return ["watermark", "ingest_cursor"]


@transaction.atomic
def create_rule(
    workspace: Workspace,
    actor: AbstractBaseUser,
    *,
    recipients: Iterable[AbstractBaseUser] = (),
    **data: Any,
) -> AlertRule:
    """A new rule only looks forward (see ``_start_reading``)."""
    rule = AlertRule(workspace=workspace, created_by=actor, created_at=timezone.now())
    _apply(rule, data)
    _start_reading(rule)
    rule.save()
    rule.recipients.set(list(recipients))
    audit(workspace, actor, "alerts.rule_create", f"created alert rule {rule.name}", rule)
    return rule


@transaction.atomic
def update_rule(
    rule: AlertRule,
    actor: AbstractBaseUser,
    *,
    recipients: Iterable[AbstractBaseUser] | None = None,
    **data: Any,
) -> AlertRule:
    old_query = rule.query
    changed = _apply(rule, data)
    if rule.kind == RuleKind.KEYWORD and rule.query != old_query:
        # A changed query starts afresh: no alert about mentions stored before the change.
        _start_reading(rule)
    rule.save()
    if recipients is not None:
        rule.recipients.set(list(recipients))
    audit(
        rule.workspace, actor, "alerts.rule_update", f"changed alert rule {rule.name}", rule,
        fields=changed,
    )  # fmt: skip
    return rule


@transaction.atomic
def set_rule_enabled(rule: AlertRule, actor: AbstractBaseUser, *, enabled: bool) -> AlertRule:
    if rule.enabled != enabled:
        rule.enabled = enabled
        update = ["enabled"]
        if enabled and rule.kind == RuleKind.KEYWORD:
            # Switched back on: alert about what comes next, not about the quiet period.
            update += _start_reading(rule)
        rule.save(update_fields=update)
        verb = "enabled" if enabled else "disabled"
        audit(rule.workspace, actor, f"alerts.rule_{verb}", f"{verb} alert rule {rule.name}", rule)
    return rule


@transaction.atomic
def delete_rule(rule: AlertRule, actor: AbstractBaseUser) -> None:
    audit(rule.workspace, actor, "alerts.rule_delete", f"deleted alert rule {rule.name}", rule)
    rule.delete()


@transaction.atomic
def acknowledge(event: AlertEvent, actor: AbstractBaseUser) -> bool:
    """Mark the event as seen; False when someone else already did (their name stays)."""
    done = AlertEvent.objects.filter(pk=event.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=timezone.now()
    )
    if done:
        audit(event.workspace, actor, "alerts.acknowledge", f"acknowledged alert {event.pk}", event)
    return bool(done)
