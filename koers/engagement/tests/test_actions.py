"""Inbox actions: add by hand, assign, close, reopen, answered elsewhere, and the overdue e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from koers.core.models import AuditEvent
from koers.engagement import actions
from koers.engagement.models import AnsweredHow, InboxItem, Status
from koers.engagement.tests.conftest import NOON, make_mention

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(acme, anna):
    found, _created = actions.add_manually(make_mention(acme), anna)
    return found


def test_adding_by_hand_twice_gives_the_same_item(acme, anna):
    mention = make_mention(acme)
    first, created = actions.add_manually(mention, anna)
    again, created_again = actions.add_manually(mention, anna)
    assert (created, created_again, first) == (True, False, again)
    assert first.origin == "manual"
    assert InboxItem.objects.count() == 1


def test_assign_to_a_member_and_back_to_nobody(item, anna, bram):
    actions.assign(item, anna, bram)
    item.refresh_from_db()
    assert item.assignee == bram
    actions.assign(item, anna, None)
    item.refresh_from_db()
    assert item.assignee is None
    assert AuditEvent.objects.filter(action="inbox.assign", object_id=str(item.pk)).count() == 2


def test_an_outsider_or_viewer_cannot_be_assigned(item, anna, carla, vera):
    for user in (carla, vera):
        with pytest.raises(ValidationError):
            actions.assign(item, anna, user)
    item.refresh_from_db()
    assert item.assignee is None


def test_close_with_reason_and_reopen(item, anna):
    actions.close(item, anna, reason="spam", note="reclame")
    item.refresh_from_db()
    assert (item.status, item.close_reason, item.close_note) == (Status.CLOSED, "spam", "reclame")
    with pytest.raises(ValidationError):
        actions.close(item, anna, reason="spam")
    actions.reopen(item, anna)
    item.refresh_from_db()
    assert (item.status, item.close_reason) == (Status.OPEN, "")


def test_answered_elsewhere_keeps_the_time(item, anna):
    at = NOON + timedelta(minutes=45)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        actions.mark_answered_elsewhere(item, anna, at=at)
    item.refresh_from_db()
    assert (item.status, item.answered_at, item.answered_how) == (
        Status.ANSWERED, at, AnsweredHow.ELSEWHERE,
    )  # fmt: skip


@pytest.mark.parametrize("offset", [timedelta(minutes=-1), timedelta(hours=2)])
def test_answered_elsewhere_before_the_message_or_in_the_future_is_refused(item, anna, offset):
    with time_machine.travel(NOON + timedelta(hours=1), tick=False), pytest.raises(ValidationError):
        actions.mark_answered_elsewhere(item, anna, at=NOON + offset)
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_notes_are_kept_in_order(item, anna, bram):
    actions.add_note(item, anna, "Doorgezet naar afvalbeheer")
    actions.add_note(item, bram, "Antwoord komt morgen")
    assert [n.text for n in item.notes.all()] == [
        "Doorgezet naar afvalbeheer",
        "Antwoord komt morgen",
    ]


def test_overdue_items_mail_the_assignee_once(item, anna, bram, django_capture_on_commit_callbacks):
    actions.assign(item, anna, bram)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.notify_overdue(NOON + timedelta(minutes=239)) == 0
        assert actions.notify_overdue(NOON + timedelta(minutes=241)) == 1
        assert actions.notify_overdue(NOON + timedelta(minutes=300)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bram@example.nl"]
    assert f"/w/acme/inbox/{item.pk}/" in mail.outbox[0].body
    # The workspace language is Dutch.
    assert "te lang" in mail.outbox[0].subject


def test_unassigned_overdue_items_mail_the_owners_in_one_message(
    acme, anna, django_capture_on_commit_callbacks
):
    for _n in range(2):
        actions.add_manually(make_mention(acme), anna)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.notify_overdue(NOON + timedelta(days=1)) == 2
    assert [m.to for m in mail.outbox] == [["anna@example.nl"]]


def test_answered_or_closed_items_are_never_overdue(item, anna):
    actions.close(item, anna, reason="no_question")
    assert actions.notify_overdue(NOON + timedelta(days=1)) == 0
    item.refresh_from_db()
    assert not item.is_overdue(NOON + timedelta(days=1))


def test_new_settings_give_open_items_a_new_due_time(item, acme, anna):
    actions.update_settings(acme, anna, target_minutes=60)
    item.refresh_from_db()
    assert item.due_at == NOON + timedelta(minutes=60)
