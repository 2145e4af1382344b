"""The e-mail digest: per person what needs them, in their language and time zone, once per
period — also when the scheduler runs twice, a worker crashes, or the clocks change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from koers.notify import digest
from koers.notify.models import DigestSent, DigestState, Preference
from koers.publishing.models import ContentItem, State


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def wants_digest(acme):
    def make(user, *, digest="daily", hour=8, language="", time_zone="", **extra):
        return Preference.objects.create(
            workspace=acme, user=user, digest=digest, digest_hour=hour, language=language,
            time_zone=time_zone, **extra,
        )  # fmt: skip

    return make


@pytest.fixture
def busy_workspace(acme, anna, bram, dirk, vera, submitted, inbox_item, alert):
    """Two items in review (Dirk's), inbox messages, an alert, a failed post by Dirk."""
    submitted("Fietsdag zaterdag")
    submitted("Open dag")
    unassigned = inbox_item(text="Waarom is het zwembad dicht?")
    brams_late = inbox_item(assignee=bram, text="Wanneer wordt mijn vuilnis opgehaald?")
    brams_fresh = inbox_item(
        assignee=bram, due=timezone.now() + timedelta(hours=3), text="Nog niet te laat"
    )
    alert("Zwembad")
    failed = ContentItem.objects.create(
        workspace=acme, title="Kapotte post", created_by=dirk, state=State.FAILED
    )
    return {"unassigned": unassigned, "late": brams_late, "fresh": brams_fresh, "failed": failed}


def send_all(now):
    return sorted(digest.send(pk, now) for pk in digest.due(now))


NOW = utc(2026, 11, 24, 7, 5)  # 08:05 in Amsterdam, a Tuesday


def test_each_person_gets_what_needs_them_in_their_own_language(
    busy_workspace, wants_digest, anna, bram, dirk, vera
):
    now = timezone.now()  # the inbox fixtures' due times are relative to it
    hour = timezone.localtime(now, ZoneInfo("Europe/Amsterdam")).hour
    for user, language in ((anna, "en"), (bram, ""), (dirk, "nl"), (vera, "en")):
        wants_digest(user, language=language, hour=hour)
    assert send_all(now) == ["sent"] * 4
    by = {m.to[0].split("@")[0]: m for m in mail.outbox}
    assert by["anna"].subject == "koers daily digest for Acme Fietsen"
    assert by["bram"].subject == "koers dagoverzicht voor Acme Fietsen"  # the workspace's language
    anna_body, bram_body = by["anna"].body, by["bram"].body
    assert "2 posts wait for your approval" in anna_body
    assert "Fietsdag zaterdag" in anna_body and "Open dag" in anna_body
    # Unassigned messages for everyone who answers; Bram's late one only for Bram.
    assert "1 inbox message needs an answer" in anna_body
    assert "zwembad dicht" in anna_body and "vuilnis" not in anna_body
    assert "2 inboxberichten wachten op antwoord" in bram_body and "vuilnis" in bram_body
    assert "Nog niet te laat" not in bram_body
    assert "1 alert is not acknowledged" in anna_body
    assert "1 post was not published" in anna_body and "Kapotte post" in anna_body
    item = ContentItem.objects.get(title="Open dag")
    assert f"https://koers.gemeente.example/w/acme/calendar/items/{item.pk}/" in anna_body
    assert "https://koers.gemeente.example/w/acme/settings/notifications/mine/" in anna_body
    # Dirk (contributor) approves nothing; his own failed post is there.
    dirk_body = by["dirk"].body
    assert "goedkeuring" not in dirk_body and "Kapotte post" in dirk_body
    # Vera (viewer) only reads: alerts only.
    vera_body = by["vera"].body
    assert "1 alert is not acknowledged" in vera_body
    assert "approval" not in vera_body and "inbox" not in vera_body and "Kapotte" not in vera_body


def test_the_digest_is_sent_once_per_period_however_often_the_scheduler_runs(
    busy_workspace, wants_digest, anna
):
    pref = wants_digest(anna)
    assert send_all(NOW - timedelta(minutes=10)) == []  # 07:55: not yet
    assert send_all(NOW) == ["sent"]
    assert send_all(NOW + timedelta(minutes=5)) == []
    assert digest.send(pref.pk, NOW + timedelta(hours=3)) == "taken"  # a task enqueued twice
    assert len(mail.outbox) == 1
    assert DigestSent.objects.get().period == "d2026-11-24"
    assert send_all(NOW + timedelta(days=1)) == ["sent"]  # the next day's
    assert len(mail.outbox) == 2


def test_a_worker_that_crashes_before_the_commit_leaves_the_period_to_the_next_run(
    busy_workspace, wants_digest, anna, monkeypatch
):
    pref = wants_digest(anna)

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(digest, "send_mail", crash)
    with pytest.raises(RuntimeError):
        digest.send(pref.pk, NOW)
    assert DigestSent.objects.count() == 0  # rolled back with the transaction
    monkeypatch.undo()
    assert send_all(NOW + timedelta(minutes=5)) == ["sent"]
    assert len(mail.outbox) == 1


def test_a_mail_server_that_refuses_is_recorded_and_not_retried_all_day(
    busy_workspace, wants_digest, anna, monkeypatch
):
    import smtplib

    pref = wants_digest(anna)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({})

    monkeypatch.setattr(digest, "send_mail", refuse)
    assert digest.send(pref.pk, NOW) == "failed"
    assert DigestSent.objects.get().error == "SMTPRecipientsRefused"
    assert send_all(NOW + timedelta(hours=1)) == []


def test_nothing_to_report_sends_nothing(acme, wants_digest, anna):
    wants_digest(anna)
    assert send_all(NOW) == ["empty"]
    assert mail.outbox == []
    assert DigestSent.objects.get().state == DigestState.EMPTY


def test_who_wants_no_digest_or_left_the_workspace_gets_none(
    busy_workspace, wants_digest, anna, bram
):
    wants_digest(anna, digest="off")
    pref = wants_digest(bram)
    bram.memberships.all().delete()
    assert send_all(NOW) == ["not-a-member"]
    assert digest.send(pref.pk, NOW) == "not-a-member"
    assert mail.outbox == []


def test_the_autumn_clock_change_sends_the_2_oclock_digest_once(busy_workspace, wants_digest, anna):
    """02:00–03:00 happens twice in Amsterdam on 25 October 2026."""
    wants_digest(anna, hour=2, language="en")
    sent = []
    moment = utc(2026, 10, 24, 23, 0)  # 01:00 CEST
    while moment < utc(2026, 10, 25, 3, 0):  # 04:00 CET
        with time_machine.travel(moment, tick=False):
            sent += send_all(timezone.now())
        moment += timedelta(minutes=5)
    assert sent == ["sent"]
    assert DigestSent.objects.get().period == "d2026-10-25"
    assert DigestSent.objects.get().sent_at == utc(2026, 10, 25, 0, 0)  # the first 02:00


def test_the_spring_clock_change_sends_the_skipped_hours_digest_once(
    busy_workspace, wants_digest, anna
):
    """02:00 does not happen in Amsterdam on 28 March 2027: it is sent at 03:00 CEST."""
    wants_digest(anna, hour=2)
    sent = []
    moment = utc(2027, 3, 27, 23, 0)
    while moment < utc(2027, 3, 28, 4, 0):
        sent += send_all(moment)
        moment += timedelta(minutes=5)
    assert sent == ["sent"]
    assert DigestSent.objects.get().sent_at == utc(2027, 3, 28, 1, 0)


def test_one_digest_a_day_from_whatever_moment_the_suite_runs(busy_workspace, wants_digest, anna):
    """Runs from ``timezone.now()``: with ``KOERS_TEST_NOW`` at a clock change (e.g.
    ``2026-10-25T00:30+00:00`` or ``2027-03-28T00:30+00:00``) it walks through that night."""
    wants_digest(anna, hour=2)
    start = timezone.now().replace(second=0, microsecond=0)
    sent = []
    for step in range(0, 48 * 60, 20):  # two days in 20-minute scheduler runs
        sent += send_all(start + timedelta(minutes=step))
    periods = list(DigestSent.objects.order_by("period").values_list("period", flat=True))
    assert len(periods) == len(set(periods)) == len(sent)
    assert len(sent) in (2, 3)  # two full days touch two or three local dates' 02:00
    assert len(mail.outbox) == len(sent)


def test_a_weekly_digest_in_the_persons_time_zone(busy_workspace, wants_digest, anna):
    wants_digest(anna, digest="weekly", hour=9, digest_weekday=0, time_zone="America/New_York")
    monday_9_new_york = utc(2026, 11, 23, 14, 0)
    assert send_all(monday_9_new_york - timedelta(minutes=1)) == []
    assert send_all(monday_9_new_york) == ["sent"]
    assert send_all(monday_9_new_york + timedelta(days=3)) == []
    assert mail.outbox[0].subject == "koers weekoverzicht voor Acme Fietsen"
    assert "deze week" in mail.outbox[0].body
