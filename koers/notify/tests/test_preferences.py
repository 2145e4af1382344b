"""Each person's choices decide the event e-mails the other apps send: who switched a kind
off gets nothing about it; who never chose gets everything, as before."""

from __future__ import annotations

from django.core import mail
from django.utils import timezone

from koers.alerts import notify as alert_notify
from koers.alerts.models import AlertEvent, Delivery
from koers.engagement import actions as engagement
from koers.networks.base import ConnectionStatus
from koers.notify.models import ALL_KINDS, Preference
from koers.publishing import actions as publishing


def switch_off(user, workspace, *kinds):
    Preference.objects.create(
        workspace=workspace, user=user, email_events=[k for k in ALL_KINDS if k not in kinds]
    )


def test_an_approver_who_switched_approval_mails_off_gets_none(
    acme, anna, bram, submitted, django_capture_on_commit_callbacks
):
    switch_off(bram, acme, "approval")
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    assert [m.to for m in mail.outbox] == [["anna@example.nl"]]


def test_without_choices_every_approver_is_mailed_as_before(
    acme, anna, bram, submitted, django_capture_on_commit_callbacks
):
    switch_off(bram, acme, "alert")  # another kind: approval mails still come
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    assert [sorted(m.to) for m in mail.outbox] == [["anna@example.nl", "bram@example.nl"]]


def test_an_owner_who_switched_overdue_mails_off_gets_no_overdue_warning(
    acme, anna, bram, inbox_item, django_capture_on_commit_callbacks
):
    switch_off(anna, acme, "overdue")
    inbox_item()
    brams = inbox_item(assignee=bram)
    with django_capture_on_commit_callbacks(execute=True):
        assert engagement.notify_overdue(timezone.now()) == 2
    assert [m.to for m in mail.outbox] == [["bram@example.nl"]]
    assert str(brams.pk) in mail.outbox[0].body


def test_alert_recipients_who_switched_alerts_off_are_left_out(acme, anna, bram, alert):
    event = alert()
    event.rule.recipients.set([anna, bram])
    switch_off(bram, acme, "alert")
    AlertEvent.objects.filter(pk=event.pk).update(email_state=Delivery.PENDING)
    assert alert_notify.send_email(event.pk) == Delivery.SENT
    assert [m.to for m in mail.outbox] == [["anna@example.nl"]]


def test_when_every_recipient_switched_alerts_off_nothing_is_sent_and_nothing_failed(
    acme, anna, alert
):
    event = alert()
    event.rule.recipients.set([anna])
    switch_off(anna, acme, "alert")
    AlertEvent.objects.filter(pk=event.pk).update(email_state=Delivery.PENDING)
    assert alert_notify.send_email(event.pk) == Delivery.NONE
    event.refresh_from_db()
    assert mail.outbox == [] and event.email_error == ""


def test_an_owner_who_switched_channel_mails_off_hears_nothing_when_a_channel_breaks(
    acme, anna, channel, django_capture_on_commit_callbacks
):
    switch_off(anna, acme, "broken_channel")
    with django_capture_on_commit_callbacks(execute=True):
        publishing.record_channel_check(channel, ConnectionStatus(ok=False, reason="Revoked."))
    assert mail.outbox == []
    Preference.objects.filter(user=anna).delete()
    publishing.record_channel_check(channel, ConnectionStatus(ok=True))
    with django_capture_on_commit_callbacks(execute=True):
        publishing.record_channel_check(channel, ConnectionStatus(ok=False, reason="Revoked."))
    assert [m.to for m in mail.outbox] == [["anna@example.nl"]]


def test_choices_are_per_workspace(acme, bolt, anna, carla, bram, submitted):
    from koers.core.notifications import wanting_email

    switch_off(anna, bolt, "approval")  # in Bolt only (she is not even a member there)
    assert wanting_email(acme.pk, "approval", [anna, bram]) == [anna, bram]
    assert wanting_email(bolt.pk, "approval", [anna, carla]) == [carla]


def test_a_failed_post_is_mailed_once_to_its_author_and_the_managers_who_want_it(
    acme, anna, bram, dirk, submitted, django_capture_on_commit_callbacks
):
    from koers.notify import collect
    from koers.publishing.models import State, StateChange

    Preference.objects.create(workspace=acme, user=anna, language="en")
    switch_off(bram, acme, "failed_post")  # an editor, not a manager: not asked anyway
    item = submitted("Open dag")
    item.deliveries.update(error="Could not reach the webhook at intranet.example.")
    StateChange.objects.create(item=item, from_state=State.PUBLISHING, to_state=State.FAILED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        collect.collect(timezone.now())
        collect.collect(timezone.now())  # read again: no second e-mail
    by = {m.to[0]: m for m in mail.outbox}
    assert sorted(by) == ["anna@example.nl", "dirk@example.nl"]  # owner (English), author
    assert by["anna@example.nl"].subject == "koers: “Open dag” was not published"
    assert by["dirk@example.nl"].subject == "koers: “Open dag” is niet gepubliceerd"
    assert (
        "Intranet: De webhook op intranet.example is niet bereikbaar." in by["dirk@example.nl"].body
    )
    assert f"/w/acme/calendar/items/{item.pk}/" in by["anna@example.nl"].body


def test_who_switched_failed_post_mails_off_gets_none(
    acme, anna, dirk, submitted, django_capture_on_commit_callbacks
):
    from koers.notify import collect
    from koers.publishing.models import State, StateChange

    switch_off(anna, acme, "failed_post")
    switch_off(dirk, acme, "failed_post")
    item = submitted("Open dag")
    StateChange.objects.create(item=item, from_state=State.PUBLISHING, to_state=State.FAILED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        collect.collect(timezone.now())
    assert mail.outbox == []
