"""Publishing never fetches private addresses: channel forms, link checks, webhook posts.

The suite allows private URLs (the fake servers run on 127.0.0.1); these tests switch the
production default back on with ``settings.KOERS_ALLOW_PRIVATE_URLS = False``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from koers.networks.testing.pages import FakePages
from koers.publishing import dispatch, policy, tasks
from koers.publishing.models import Channel, DeliveryState, Health, LinkCheck
from koers.publishing.tests.conftest import HOOK_SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(settings):
    settings.KOERS_ALLOW_PRIVATE_URLS = False
    return settings


def url(name, *args):
    return reverse(f"publishing:{name}", args=["acme", *args])


def test_a_webhook_channel_on_a_private_address_is_refused_by_the_form(
    client_for, anna, acme, strict, receiver
):
    client = client_for(anna)
    for endpoint in (receiver.url + "/hook", "http://localhost:9000/hook", "http://[::1]/"):
        response = client.post(
            url("channel-connect", "webhook"),
            {"name": "Intern", "endpoint": endpoint, "secret": "s" * 20},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200
        assert "points into a private network" in response.content.decode()
    assert not Channel.objects.filter(name="Intern").exists()
    assert receiver.requests == []


def test_the_form_error_is_in_dutch_for_dutch_readers(client_for, anna, acme, strict):
    response = client_for(anna).post(
        url("channel-connect", "mastodon"),
        {"name": "M", "endpoint": "http://169.254.169.254/", "secret": "token"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert "wijst naar een privénetwerk" in response.content.decode()


def test_an_allowlisted_host_can_be_connected(client_for, anna, acme, strict, receiver):
    strict.KOERS_OUTBOUND_ALLOWLIST = ["127.0.0.0/8"]
    response = client_for(anna).post(
        url("channel-connect", "webhook"),
        {"name": "Intern", "endpoint": receiver.url + "/hook", "secret": HOOK_SECRET},
    )
    assert response.status_code == 302
    assert Channel.objects.filter(name="Intern").exists()


def test_a_post_to_a_webhook_saved_before_the_guard_fails_with_a_clear_error(
    plan, hook, receiver, strict
):
    item = plan([hook])
    [delivery] = item.deliveries.all()
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))

    assert dispatch.publish_delivery(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert "privénetwerk" in delivery.error  # Acme reads Dutch
    assert receiver.requests == []


def test_checking_such_a_channel_reports_it_without_contacting_it(hook, receiver, strict):
    assert tasks.check_channel.call(hook.pk) is False
    hook.refresh_from_db()
    assert hook.health == Health.BROKEN
    assert "privénetwerk" in hook.health_reason
    assert receiver.requests == []


def test_links_to_private_addresses_are_reported_and_never_visited(plan, hook, strict):
    with FakePages() as site:
        site.add_html("/ok", title="Ok")
        local = site.url.replace("127.0.0.1", "localhost")
        item = plan([hook], text=f"Zie {site.url}/ok", link=f"{local}/ok", approve=False)

        assert tasks.check_links.call(item.pk) == 2

        assert site.requests == []
    assert set(LinkCheck.objects.values_list("ok", "reason")) == {(False, "private network")}
    finding = next(f for f in policy.findings(item) if f.rule == "broken_link")
    assert "points into a private network" in finding.message("en")
    assert "privénetwerk" in finding.message("nl")


def test_a_link_that_redirects_to_a_private_address_is_refused(plan, hook, strict):
    strict.KOERS_OUTBOUND_ALLOWLIST = ["localhost"]
    with FakePages() as site:
        site.add_html("/ok", title="Ok")
        site.add_redirect("/away", f"{site.url}/ok")
        local = site.url.replace("127.0.0.1", "localhost")
        item = plan([hook], text="Zie", link=f"{local}/away", approve=False)

        tasks.check_links.call(item.pk)

        assert [r.path for r in site.requests] == ["/away"]
    [check] = LinkCheck.objects.all()
    assert (check.ok, check.reason) == (False, "private network")


def test_messages_stay_translatable():
    with translation.override("nl"):
        from koers.core.outbound import blocked_message

        assert "privénetwerk" in blocked_message()
