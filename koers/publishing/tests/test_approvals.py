"""Approvals people notice: approvers are e-mailed, the menu counts what waits, and "approve and
schedule" says why it did not schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from koers.publishing import actions
from koers.publishing.models import PublishingSettings, State


def url(name: str, *args) -> str:
    return reverse(f"publishing:{name}", args=["acme", *args])


@pytest.fixture
def draft(plan, hook):
    return plan([hook], approve=False, text="Open dag #fietsen")


def test_submitting_a_post_e_mails_the_approvers_in_the_workspace_language_with_a_link(
    client_for, dirk, draft, settings, acme, django_capture_on_commit_callbacks
):
    settings.BASE_URL = "https://koers.gemeente.example"
    acme.language = "nl"
    acme.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dirk).post(url("item-submit", draft.pk))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.IN_REVIEW
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["anna@example.nl", "bram@example.nl"]  # owner and editor
    assert "wacht op je goedkeuring" in message.subject
    assert f"https://koers.gemeente.example/w/acme/calendar/items/{draft.pk}/" in message.body


def test_an_editor_submitting_is_not_mailed_about_their_own_post(
    bram, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_item(draft, bram)
    assert [m.to for m in mail.outbox] == [["anna@example.nl"]]


def test_the_menu_counts_posts_waiting_for_approval_for_those_who_may_approve(
    client_for, bram, dirk, draft, plan, hook
):
    actions.submit_item(draft, dirk)
    plan([hook], approve=False, text="Nog een idee")  # a draft: not waiting

    page = client_for(bram).get(url("index")).content.decode()
    assert (
        'title="post waits for approval">1<' in page
        or 'title="bericht wacht op goedkeuring">1<' in page
    )
    waiting = client_for(bram).get(url("waiting")).content.decode()
    assert "Open dag #fietsen" in waiting and "Nog een idee" not in waiting

    assert "nav-badge" not in client_for(dirk).get(url("index")).content.decode()


def test_approve_and_schedule_with_a_blocking_finding_says_why_it_was_not_scheduled(
    client_for, bram, draft, acme
):
    policy = PublishingSettings.for_workspace(acme)
    policy.rule_modes, policy.watch_hashtags = {"watched_hashtag": "block"}, "#fietsen"
    policy.save()

    response = client_for(bram).post(url("item-approve", draft.pk), {"comment": ""})

    draft.refresh_from_db()
    assert draft.state == State.APPROVED
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(shown) == 1
    assert shown[0].startswith(
        ("Approved, but not scheduled:", "Goedgekeurd, maar niet ingepland:")
    )
    assert "#fietsen" in shown[0]


def test_approve_and_schedule_of_a_post_whose_time_passed_says_so(client_for, bram, plan, hook):
    item = plan([hook], approve=False, at=timezone.now() - timedelta(hours=2))
    response = client_for(bram).post(url("item-approve", item.pk), {"comment": ""})
    item.refresh_from_db()
    assert item.state == State.APPROVED
    with translation.override("en"):
        assert actions.why_not_scheduled(item) == [
            "The planned time has passed; choose a new time."
        ]
    assert len(list(get_messages(response.wsgi_request))) == 1
