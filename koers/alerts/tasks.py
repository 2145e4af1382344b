"""Background work of alerts: evaluate the rules every minute and send notifications.

Tasks take ids. The periodic job also re-queues webhook retries that are due (and deliveries
whose worker died), so backoff needs no scheduled tasks.
"""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from koers.alerts import evaluate, notify
from koers.core.queues import URGENT
from koers.core.scheduler import periodic


@periodic(every=timedelta(minutes=1), name="alerts.evaluate")
@task(queue_name="alerts", priority=URGENT)
def evaluate_alerts() -> int:
    """Evaluate every enabled rule; returns how many alerts fired."""
    now = timezone.now()
    fired = evaluate.evaluate_all(now)
    for event_id in notify.due_webhooks(now):
        send_alert_webhook.enqueue(event_id)
    return fired


@task(queue_name="alerts", priority=URGENT)
def send_alert_email(event_id: int) -> str:
    return notify.send_email(event_id)


@task(queue_name="alerts", priority=URGENT)
def send_alert_webhook(event_id: int) -> str:
    return notify.send_webhook(event_id)
