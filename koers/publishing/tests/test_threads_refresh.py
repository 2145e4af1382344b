"""Threads tokens are refreshed before they expire (``th_refresh_token``, allowed once the
token is a day old and before it expired) by the hourly channel check; a refresh Meta refuses
marks the channel broken with Meta's reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from koers.core.models import AuditEvent
from koers.networks.testing.meta import FakeGraph
from koers.publishing import actions
from koers.publishing import meta as publishing_meta
from koers.publishing.connect import Account
from koers.publishing.models import Channel, Health

DAY = 86400


@pytest.fixture
def graph(settings):
    with FakeGraph() as fake:
        settings.KOERS_META_URL = fake.url
        yield fake


def _threads(acme, anna, graph, *, expires_in_days: float, age_days: float) -> Channel:
    """A Threads channel whose token expires in ``expires_in_days`` and was made
    ``age_days`` ago (on Meta's side and in koers)."""
    token = graph.new_token("threads", graph.threads_user["id"], expires_in=expires_in_days * DAY)
    graph.age_token(token, age_days * DAY)
    issued = timezone.now() - timedelta(days=age_days)
    [channel] = actions.connect_oauth_channels(
        acme,
        anna,
        [
            Account(
                "threads",
                graph.threads_user["id"],
                "Zonnedal",
                "gemeente.zonnedal",
                graph.url,
                token,
                expires_at=timezone.now() + timedelta(days=expires_in_days),
                extra={
                    "threads_user_id": graph.threads_user["id"],
                    "token_issued_at": issued.isoformat(),
                },
            )
        ],
    )
    return channel


def test_a_token_that_expires_soon_is_refreshed_and_no_warning_goes_out(
    acme, anna, graph, mailoutbox, django_capture_on_commit_callbacks
):
    from koers.publishing.tasks import check_channels

    channel = _threads(acme, anna, graph, expires_in_days=5, age_days=55)
    old = channel.secret
    with django_capture_on_commit_callbacks(execute=True):
        check_channels.call()
        check_channels.call()  # renewed: nothing to do the second hour
    channel.refresh_from_db()
    assert graph.count("GET", "/refresh_access_token") == 1
    assert channel.secret != old and graph.tokens[channel.secret].kind == "threads"
    assert channel.expires_at > timezone.now() + timedelta(days=59)
    issued = publishing_meta.token_issued_at(channel)
    assert timezone.now() - issued < timedelta(minutes=1)
    assert channel.health == Health.OK and channel.warned_at is None
    assert mailoutbox == []
    assert (
        AuditEvent.objects.filter(action="channel.reconnect", object_id=str(channel.pk)).count()
        == 1
    )
    # The new token is stored encrypted.
    assert channel.secret not in channel.secret_enc


def test_a_token_younger_than_a_day_is_not_refreshed_and_the_owners_are_warned(
    acme, anna, graph, mailoutbox, django_capture_on_commit_callbacks
):
    from koers.publishing.tasks import check_channels

    channel = _threads(acme, anna, graph, expires_in_days=5, age_days=0.5)
    old = channel.secret
    with django_capture_on_commit_callbacks(execute=True):
        check_channels.call()
    channel.refresh_from_db()
    assert graph.count("GET", "/refresh_access_token") == 0
    assert channel.secret == old and channel.warned_at is not None and len(mailoutbox) == 1


def test_a_token_far_from_expiry_or_already_expired_is_left_alone(acme, anna, graph):
    _threads(acme, anna, graph, expires_in_days=30, age_days=30)
    soon = timezone.now() + timedelta(days=7)
    assert publishing_meta.refresh_threads_expiring(soon) == 0
    Channel.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    assert publishing_meta.refresh_threads_expiring(soon) == 0
    assert graph.count("GET", "/refresh_access_token") == 0


def test_a_refused_refresh_marks_the_channel_broken_with_metas_reason(acme, anna, graph):
    channel = _threads(acme, anna, graph, expires_in_days=5, age_days=55)
    old, expires = channel.secret, channel.expires_at
    graph.revoke_token(old)
    assert publishing_meta.refresh_threads_expiring(timezone.now() + timedelta(days=7)) == 0
    channel.refresh_from_db()
    assert channel.health == Health.BROKEN
    assert channel.health_reason == (
        "Threads: the access was revoked; reconnect the account (Meta error 190)."
    )
    assert channel.secret == old and channel.expires_at == expires


def test_meta_unavailable_leaves_the_channel_working_and_the_next_hour_renews_it(acme, anna, graph):
    channel = _threads(acme, anna, graph, expires_in_days=5, age_days=55)
    old = channel.secret
    soon = timezone.now() + timedelta(days=7)
    graph.fail_next(1, status=503, path_prefix="/refresh_access_token")
    assert publishing_meta.refresh_threads_expiring(soon) == 0
    channel.refresh_from_db()
    assert channel.health != Health.BROKEN and channel.secret == old
    assert publishing_meta.refresh_threads_expiring(soon) == 1
    channel.refresh_from_db()
    assert channel.secret != old
