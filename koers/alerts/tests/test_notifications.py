"""Notifications: the e-mail (language, figures, rising terms, link) and the signed webhook
(retries with backoff, a clear error when it finally fails), and the periodic job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from koers.alerts import evaluate, notify, rules, tasks
from koers.alerts.models import AlertEvent, Delivery, RuleKind
from koers.alerts.tests.conftest import HOOK_SECRET, NOW
from koers.core.scheduler import REGISTRY
from koers.listening.models import Mention

HOUR = NOW.replace(minute=0)


@pytest.fixture
def spike_event(usual_week, rollup, make_rule, mention, anna, bram):
    rule = make_rule(topic=usual_week, recipients=[anna, bram], name="Piek Duinwijk")
    rollup(usual_week, HOUR, 45)
    for n in range(4):
        mention(f"Grote brand bij de haven van Duinwijk {n}", topic=usual_week)
    mention("Duinwijk haven rustig", topic=usual_week, at=NOW - timedelta(days=1))
    [event] = evaluate.evaluate_rule(rule, NOW)
    return event


def test_the_email_goes_to_the_recipients_with_figures_terms_and_a_link(spike_event, acme):
    acme.language = "en"
    acme.save(update_fields=["language"])
    assert notify.send_email(spike_event.pk) == Delivery.SENT
    [message] = mail.outbox
    assert sorted(message.to) == ["anna@example.nl", "bram@example.nl"]
    assert message.subject == "Alert: Duinwijk: 45 mentions, 4.5× the usual"
    body = message.body
    assert "Mentions in the window: 45 (usually 10:" in body
    assert "brand" in body  # a rising term of the window
    assert f"/w/acme/alerts/{spike_event.pk}/" in body
    assert f"/w/acme/listening/mentions/?topic={spike_event.rule.topic_id}&period=" in body
    assert "Grote brand bij de haven" in body


def test_the_email_speaks_the_workspace_language(spike_event, acme):
    acme.language = "nl"
    acme.save(update_fields=["language"])
    notify.send_email(spike_event.pk)
    nl = mail.outbox[-1]
    assert nl.subject == "Signaal: Duinwijk: 45 vermeldingen, 4,5× het gebruikelijke"
    assert "Stijgende termen" in nl.body
    acme.language = "en"
    acme.save(update_fields=["language"])
    AlertEvent.objects.filter(pk=spike_event.pk).update(email_state=Delivery.PENDING)
    notify.send_email(spike_event.pk)
    assert mail.outbox[-1].subject.startswith("Alert: Duinwijk: 45 mentions")


def test_a_mention_address_that_is_not_http_is_left_out_of_the_email_and_the_webhook(
    spike_event,
):
    Mention.objects.filter(workspace=spike_event.workspace).update(url="javascript:alert(1)")
    assert notify.send_email(spike_event.pk) == Delivery.SENT
    [message] = mail.outbox
    assert "Grote brand" in message.body and "javascript:" not in message.body
    mentions = notify.webhook_payload(spike_event)["mentions"]
    assert mentions and {m["url"] for m in mentions} == {""}


def test_the_email_is_sent_once(spike_event):
    assert notify.send_email(spike_event.pk) == Delivery.SENT
    assert notify.send_email(spike_event.pk) == "not-claimed"
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_is_stored_on_the_event_in_its_language(spike_event, settings):
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    # Nothing listens on port 9 (discard): the connection is refused.
    settings.MAILERS = {
        "default": {"BACKEND": smtp, "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}
    }
    assert notify.send_email(spike_event.pk) == Delivery.FAILED
    spike_event.refresh_from_db()
    assert spike_event.email_error == (
        "De mailserver nam de e-mail niet aan (ConnectionRefusedError)."
    )


# ---------------------------------------------------------------------------------------------
# Webhook
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def hook_event(usual_week, rollup, make_rule, receiver):
    rule = make_rule(
        RuleKind.SURGE,
        topic=usual_week,
        webhook_url=receiver.url + "/hook",
        webhook_secret=HOOK_SECRET,
    )
    rollup(usual_week, HOUR, 4)
    rollup(usual_week, HOUR, 11, "negative")
    [event] = evaluate.evaluate_rule(rule, NOW)
    return event


def test_the_webhook_is_signed_and_carries_the_figures(hook_event, receiver):
    assert notify.send_webhook(hook_event.pk, now=NOW) == Delivery.SENT
    [body] = receiver.deliveries
    assert receiver.rejected == []
    assert body["kind"] == "surge"
    assert body["figures"]["share"] == pytest.approx(73.3)
    assert body["topic"]["name"] == "Duinwijk"
    assert body["url"].endswith(f"/w/acme/alerts/{hook_event.pk}/")
    request = receiver.requests[0]
    assert request.header("x-koers-event") == "alert.surge"
    assert request.header("idempotency-key") == f"koers-alert-{hook_event.pk}"
    assert notify.send_webhook(hook_event.pk, now=NOW) == "not-claimed"


def test_a_wrong_secret_fails_at_once_with_the_reason(hook_event, receiver):
    rule = hook_event.rule
    rule.set_webhook_secret("not-the-secret")
    rule.save(update_fields=["webhook_secret_enc"])
    assert notify.send_webhook(hook_event.pk, now=NOW) == Delivery.FAILED
    hook_event.refresh_from_db()
    assert "refused the signature" in hook_event.webhook_error
    assert len(receiver.rejected) == 1


def test_server_errors_are_retried_with_backoff_then_succeed(hook_event, receiver):
    receiver.fail_next(2, status=503)
    assert notify.send_webhook(hook_event.pk, now=NOW) == Delivery.RETRY
    hook_event.refresh_from_db()
    assert hook_event.webhook_attempts == 1
    assert "unavailable (503)" in hook_event.webhook_error
    first_wait = hook_event.webhook_next_at
    # Not due yet: the sweep leaves it alone and a direct try is not claimed.
    assert notify.send_webhook(hook_event.pk, now=first_wait - timedelta(seconds=1)) == (
        "not-claimed"
    )
    assert notify.due_webhooks(first_wait - timedelta(seconds=1)) == []
    assert notify.due_webhooks(first_wait) == [hook_event.pk]
    assert notify.send_webhook(hook_event.pk, now=first_wait) == Delivery.RETRY
    hook_event.refresh_from_db()
    assert hook_event.webhook_next_at - first_wait >= rules.webhook_backoff(2) - timedelta(
        seconds=5
    )
    assert notify.send_webhook(hook_event.pk, now=hook_event.webhook_next_at) == Delivery.SENT
    hook_event.refresh_from_db()
    assert (hook_event.webhook_attempts, hook_event.webhook_error) == (3, "")
    assert len(receiver.deliveries) == 1


def test_a_webhook_that_keeps_failing_gives_up_with_a_clear_error(hook_event, receiver):
    receiver.fail_next(10, status=502)
    state = Delivery.RETRY
    while state == Delivery.RETRY:
        hook_event.refresh_from_db()
        state = notify.send_webhook(hook_event.pk, now=hook_event.webhook_next_at)
    hook_event.refresh_from_db()
    assert state == Delivery.FAILED
    assert hook_event.webhook_attempts == rules.MAX_WEBHOOK_ATTEMPTS
    assert hook_event.webhook_error.startswith("Na 5 pogingen opgegeven: ")
    assert "(502)" in hook_event.webhook_error


def test_a_timeout_is_retried_and_the_receiver_dedupes_it(hook_event, receiver, monkeypatch):
    monkeypatch.setattr(notify, "WEBHOOK_TIMEOUT", 0.3)
    receiver.delay_after_handling("/hook", seconds=1.0)
    assert notify.send_webhook(hook_event.pk, now=NOW) == Delivery.RETRY
    hook_event.refresh_from_db()
    assert notify.send_webhook(hook_event.pk, now=hook_event.webhook_next_at) == Delivery.SENT
    assert len(receiver.deliveries) == 1  # the second request carried the same key


def test_a_claim_whose_worker_died_is_tried_again(hook_event):
    AlertEvent.objects.filter(pk=hook_event.pk).update(
        webhook_state=Delivery.SENDING, webhook_claimed_at=NOW
    )
    assert notify.due_webhooks(NOW + timedelta(minutes=5)) == []
    assert notify.due_webhooks(NOW + timedelta(minutes=11)) == [hook_event.pk]


# ---------------------------------------------------------------------------------------------
# The periodic job
# ---------------------------------------------------------------------------------------------
def test_the_evaluation_runs_every_minute_through_the_scheduler():
    job = REGISTRY["alerts.evaluate"]
    assert job.every == timedelta(minutes=1)
    assert job.task is tasks.evaluate_alerts


def test_firing_queues_the_notifications_after_commit(
    usual_week, rollup, make_rule, anna, django_capture_on_commit_callbacks
):
    rule = make_rule(topic=usual_week, recipients=[anna], webhook_url="https://hook.example/x",
                     webhook_secret="s")  # fmt: skip
    rollup(usual_week, HOUR, 45)
    with django_capture_on_commit_callbacks(execute=True):
        evaluate.evaluate_rule(rule, NOW)
    queued = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued == [
        "koers.alerts.tasks.send_alert_email",
        "koers.alerts.tasks.send_alert_webhook",
    ]
