from __future__ import annotations

from datetime import timedelta

from django.db.models import Sum

from koers.core.models import AuditEvent
from koers.core.scheduler import REGISTRY, load_task_modules, tick
from koers.engagement.models import InboxItem, Note, Reply, Status
from koers.listening.models import HourlyRollup, Mention
from koers.privacy import actions
from koers.privacy.tests.conftest import NOW, make_inbox_item, make_mention


def _rollup_total(workspace) -> int:
    return HourlyRollup.objects.filter(workspace=workspace).aggregate(n=Sum("count"))["n"] or 0


def test_retention_deletes_old_mentions_outside_the_inbox_and_keeps_rollup_counts(
    acme, anna, topic
):
    old = make_mention(acme, days_ago=31, topic=topic)
    recent = make_mention(acme, days_ago=29, topic=topic)
    in_inbox = make_mention(acme, days_ago=60, topic=topic)
    make_inbox_item(in_inbox, status=Status.OPEN)
    before = _rollup_total(acme)
    actions.save_retention(acme, anna, mention_days=30, inbox_days=None, author_days=None)

    result = actions.apply_retention(acme, now=NOW)

    assert result.mentions == 1
    assert not Mention.objects.filter(pk=old.pk).exists()
    assert Mention.objects.filter(pk__in=[recent.pk, in_inbox.pk]).count() == 2
    assert _rollup_total(acme) == before == 3


def test_retention_empties_handled_inbox_messages_but_keeps_their_times(acme, anna):
    handled = make_inbox_item(make_mention(acme, text="Mijn adres is Dorpsstraat 1", days_ago=100))
    still_open = make_inbox_item(make_mention(acme, days_ago=100), status=Status.OPEN)
    fresh = make_inbox_item(make_mention(acme, days_ago=10))
    actions.save_retention(acme, anna, mention_days=None, inbox_days=90, author_days=None)

    assert actions.apply_retention(acme, now=NOW).inbox == 1

    handled.refresh_from_db()
    message = handled.mention
    assert (message.text, message.author_handle, message.author_name, message.url) == ("",) * 4
    assert message.remote_id.startswith("erased:")
    assert not Note.objects.filter(item=handled).exists()
    assert list(Reply.objects.filter(item=handled).values_list("text", flat=True)) == [""]
    # The times stay for the response figures.
    assert handled.status == Status.ANSWERED
    assert handled.answered_at - handled.received_at == timedelta(hours=1)
    for item in (still_open, fresh):
        item.refresh_from_db()
        assert item.mention.author_handle == "@jan@voorbeeld.social"
        assert Note.objects.filter(item=item).exists()
    # A second run finds nothing more to do.
    assert actions.apply_retention(acme, now=NOW).inbox == 0
    assert InboxItem.objects.filter(workspace=acme).count() == 3


def test_retention_removes_author_data_from_old_mentions(acme, anna):
    old = make_mention(acme, days_ago=8)
    recent = make_mention(acme, days_ago=6)
    actions.save_retention(acme, anna, mention_days=None, inbox_days=None, author_days=7)

    assert actions.apply_retention(acme, now=NOW).authors == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.author_handle, old.author_name, old.text) == ("", "", "Hallo")
    assert recent.author_handle == "@jan@voorbeeld.social"


def test_retention_run_writes_the_counts_to_the_audit_log(acme, anna):
    make_mention(acme, days_ago=40)
    make_mention(acme, days_ago=40)
    make_mention(acme, days_ago=20)
    actions.save_retention(acme, anna, mention_days=30, inbox_days=None, author_days=10)

    actions.apply_retention(acme, now=NOW)

    event = AuditEvent.objects.get(workspace=acme, action="privacy.retention_run")
    assert event.data == {"mentions": 2, "inbox": 0, "authors": 1}
    assert "2 mentions deleted" in event.summary


def test_without_retention_periods_nothing_is_deleted(acme, bolt, anna):
    make_mention(acme, days_ago=3000)
    actions.save_retention(acme, anna, mention_days=None, inbox_days=None, author_days=None)
    kept = make_mention(bolt, days_ago=3000)

    assert actions.apply_all_retention(now=NOW) == 0

    assert Mention.objects.count() == 2
    assert Mention.objects.filter(pk=kept.pk).exists()
    assert not AuditEvent.objects.filter(action="privacy.retention_run").exists()


def test_retention_of_one_workspace_leaves_another_alone(acme, bolt, anna):
    make_mention(acme, days_ago=40)
    theirs = make_mention(bolt, days_ago=40)
    actions.save_retention(acme, anna, mention_days=30, inbox_days=30, author_days=30)

    assert actions.apply_all_retention(now=NOW) == 1

    theirs.refresh_from_db()
    assert theirs.author_handle == "@jan@voorbeeld.social"


def test_retention_is_a_daily_job_of_the_scheduler(db):
    load_task_modules()
    job = REGISTRY["privacy.apply_retention"]
    assert job.every == timedelta(days=1)

    assert "privacy.apply_retention" in tick(now=NOW)
    assert "privacy.apply_retention" not in tick(now=NOW + timedelta(hours=23))
    assert "privacy.apply_retention" in tick(now=NOW + timedelta(days=1))
