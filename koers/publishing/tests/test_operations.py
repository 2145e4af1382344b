"""Scheduling checks, link checks, health checks, key rotation and the demo."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from koers.core.crypto import _fernet
from koers.core.demo import DemoContext
from koers.networks.testing.server import FakeServer, Response
from koers.publishing import actions, demo, dispatch, policy, tasks
from koers.publishing.models import Channel, ContentItem, LinkCheck, PublishingSettings, State
from koers.publishing.tests.conftest import acme_zone


class FakeSite(FakeServer):
    def route(self, request):
        if request.path == "/gone":
            return Response(404, b"not found")
        return Response(200, b"<html>ok</html>", {"Content-Type": "text/html"})


def test_a_blocking_finding_stops_scheduling_with_a_clear_reason(plan, hook, acme):
    settings = PublishingSettings.for_workspace(acme)
    settings.watch_hashtags = "#aurora"
    settings.rule_modes = {"watched_hashtag": "block"}
    settings.save()
    item = plan([hook], text="Nieuwe jurk! #Aurora", approve=False)
    item = actions.approve_item(item, item.created_by)
    assert item.state == State.APPROVED  # approved, but not scheduled: the hashtag blocks
    with pytest.raises(ValidationError) as caught:
        actions.schedule_item(item, item.created_by)
    assert "#Aurora" in caught.value.messages[0]


def test_the_same_check_runs_again_right_before_sending(plan, hook, acme, receiver):
    item = plan([hook], text="Gewoon bericht")
    settings = PublishingSettings.for_workspace(acme)
    settings.max_per_day = 0  # 0 = no frequency limit; only the length rule speaks here
    settings.save()
    Channel.objects.filter(pk=hook.pk).update(max_chars=5)
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    assert dispatch.publish_delivery(item.deliveries.get().pk) == "failed"
    assert "Blocked by policy" in item.deliveries.get().error
    assert receiver.requests == []


def test_the_frequency_limit_counts_posts_on_the_same_local_day(plan, hook, acme):
    settings = PublishingSettings.for_workspace(acme)
    settings.max_per_day = 1
    settings.save()
    # A fixed local hour tomorrow: "now + 1 hour" late in the evening would put the two posts
    # on either side of midnight, and then the limit rightly does not apply.
    zone = acme_zone(acme)
    tomorrow = timezone.localtime(timezone.now(), zone).date() + timedelta(days=1)
    morning = datetime.combine(tomorrow, time(10, 0), tzinfo=zone)
    first = plan([hook], text="Eerste", at=morning)
    second = plan([hook], text="Tweede", at=morning + timedelta(minutes=5), approve=False)
    assert first.local_date == second.local_date
    rules_hit = [f.rule for f in policy.findings(second)]
    assert "frequency" in rules_hit


def test_links_are_checked_in_a_task_and_broken_ones_are_reported(plan, hook, acme):
    with FakeSite() as site:
        item = plan([hook], text=f"Zie {site.url}/ok", link=f"{site.url}/gone", approve=False)
        assert tasks.check_links.call(item.pk) == 2
    checks = dict(LinkCheck.objects.values_list("url", "ok"))
    assert checks == {f"{site.url}/gone": False, f"{site.url}/ok": True}
    [finding] = [f for f in policy.findings(item) if f.rule == "broken_link"]
    assert "HTTP 404" in finding.message("en")


def test_the_periodic_health_check_marks_a_broken_channel_and_warns_before_expiry(
    mastodon, mastodon_server, hook, django_capture_on_commit_callbacks
):
    Channel.objects.filter(pk=hook.pk).update(expires_at=timezone.now() + timedelta(days=3))
    mastodon_server.revoke_token("The access token is invalid")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_channels.call() == 2
    mastodon.refresh_from_db()
    assert mastodon.health == "broken"
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert any("Mastodon" in s for s in subjects)
    assert any("Intranet" in s for s in subjects)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_channels.call()
    assert len(mail.outbox) == 2  # warned once, not every hour


def test_rotatekeys_reencrypts_every_credential_with_the_new_key(settings, hook, bluesky):
    Channel.objects.filter(pk=bluesky.pk).update(session_enc=hook.secret_enc)
    old_key = settings.KOERS_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.KOERS_ENCRYPTION_KEYS = [new_key, old_key]
    _fernet.cache_clear()
    call_command("rotatekeys", "--json")
    settings.KOERS_ENCRYPTION_KEYS = [new_key]
    for channel in Channel.objects.all():
        assert channel.secret  # readable with the new key alone
    assert Channel.objects.get(pk=bluesky.pk).session


def test_the_demo_fills_the_calendar_with_dutch_posts_in_several_states(acme, anna):
    summary = demo.build(DemoContext(workspace=acme, owner=anna, rng=random.Random(1)))
    assert "8 demo channels, 48 posts" in summary
    states = set(ContentItem.objects.values_list("state", flat=True))
    assert {State.PUBLISHED, State.SCHEDULED, State.DRAFT} <= states
    assert Channel.objects.filter(is_demo=True).count() == 8
    x_channel = Channel.objects.get(network="x")
    assert x_channel.extra["access_level"] == "basic" and x_channel.monthly_post_cap() == 3000
    [thread] = [i for i in ContentItem.objects.filter(deliveries__channel=x_channel) if i.thread]
    assert thread.state == State.SCHEDULED and len(thread.thread) == 3


def test_the_demo_s_facebook_instagram_whatsapp_and_linkedin_accounts_are_those_on_the_fakes(
    acme, anna
):
    from koers.networks.testing import duinwijk as world
    from koers.publishing.models import Delivery, DeliveryState

    demo.build(DemoContext(workspace=acme, owner=anna, rng=random.Random(1)))
    channels = {c.network: c for c in Channel.objects.filter(workspace=acme)}
    assert {"facebook", "instagram", "whatsapp", "linkedin", "x"} <= set(channels)
    assert all(c.is_demo for c in channels.values())
    facebook, instagram = channels["facebook"], channels["instagram"]
    assert facebook.extra["page_id"] == world.PAGE_ID and facebook.account_id == world.PAGE_ID
    assert instagram.extra["ig_user_id"] == world.IG_USER_ID
    assert channels["whatsapp"].extra["phone_number_id"] == world.WHATSAPP_NUMBER_ID
    assert channels["linkedin"].extra["organization"].endswith(world.LINKEDIN_ORG_ID)
    # Encrypted as connect stores them, readable with the installation's key.
    assert world.PAGE_TOKEN not in facebook.secret_enc and facebook.secret == world.PAGE_TOKEN
    assert channels["whatsapp"].secret == world.WHATSAPP_TOKEN
    published = Delivery.objects.filter(workspace=acme, state=DeliveryState.PUBLISHED)
    ids = {d.channel.network: set() for d in published}
    for delivery in published:
        ids[delivery.channel.network].add(delivery.remote_id)
    assert ids["facebook"] == {world.FACEBOOK_POST.remote_id}
    assert ids["instagram"] == {world.INSTAGRAM_POST.remote_id}
    assert ids["linkedin"] == {p.remote_id for p in world.LINKEDIN_POSTS}
    carousel = ContentItem.objects.get(workspace=acme, deliveries__channel=instagram,
                                       state=State.PUBLISHED)  # fmt: skip
    assert carousel.media.count() == 3 and all(m.alt_text for m in carousel.media.all())
    planned = ContentItem.objects.filter(workspace=acme, state=State.SCHEDULED,
                                         deliveries__channel__network="linkedin")  # fmt: skip
    assert planned.count() == 2


def test_checking_a_mastodon_channel_stores_the_instance_s_real_character_limit(acme, anna):
    from koers.networks.testing.mastodon import FakeMastodon

    with FakeMastodon(max_characters=1000, characters_reserved_per_url=30) as server:
        channel = actions.connect_channel(
            acme, anna, network="mastodon", name="Groot", endpoint=server.url, secret=server.token
        )
        assert tasks.check_channel.call(channel.pk) is True
    channel.refresh_from_db()
    assert (channel.max_chars, channel.url_length) == (1000, 30)
    assert channel.limit() == (1000, 30)
