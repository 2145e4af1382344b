"""Listening never fetches private addresses: the source form refuses them, polling reports it.

The suite allows private URLs (the fake servers run on 127.0.0.1); these tests switch the
production default back on with ``settings.KOERS_ALLOW_PRIVATE_URLS = False``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from koers.listening import actions
from koers.listening.models import Source, SourceStatus
from koers.listening.sources import poll_source
from koers.networks.testing.pages import FakePages
from koers.networks.testing.rss import FakeFeed

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(settings):
    settings.KOERS_ALLOW_PRIVATE_URLS = False
    return settings


def source_form(**fields):
    return {"name": "Intern", "kind": "rss", "poll_every_seconds": 300, **fields}


def test_the_source_form_refuses_a_feed_on_a_private_address(client_for, anna, acme, strict):
    client = client_for(anna)
    new = reverse("listening:source-new", args=["acme"])
    for feed_url in ("http://127.0.0.1:8080/feed.xml", "http://localhost/feed.xml"):
        response = client.post(new, source_form(feed_url=feed_url), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "points into a private network" in response.content.decode()
        assert "needs this" not in response.content.decode()  # the one reason, not two
    response = client.post(
        new,
        source_form(kind="mastodon", instance_url="http://10.0.0.8", hashtag="koffie"),
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert "wijst naar een privénetwerk" in response.content.decode()
    assert not Source.objects.filter(name="Intern").exists()


def test_the_source_form_takes_an_allowlisted_feed(client_for, anna, acme, strict):
    strict.KOERS_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]
    with FakeFeed() as feed:  # the form tries one fetch before it saves
        response = client_for(anna).post(
            reverse("listening:source-new", args=["acme"]),
            source_form(feed_url=feed.url + "/feed.xml"),
        )
    assert response.status_code == 302
    assert Source.objects.filter(name="Intern").exists()


def test_polling_a_private_feed_breaks_the_source_with_a_translated_reason(acme, strict):
    with FakeFeed() as feed:
        feed.add_item("Intern bericht", "https://intern.example/1", "Geheim")
        source = actions.create_source(
            acme, None, name="Intern", kind="rss", config={"feed_url": feed.url + "/feed.xml"}
        )

        assert poll_source(source.pk) is None

        assert feed.requests == []
    source.refresh_from_db()
    assert source.status == SourceStatus.BROKEN  # retrying cannot help
    assert source.last_error.startswith("Dit adres wijst naar een privénetwerk")


def test_a_public_feed_that_redirects_into_the_network_is_refused(acme, strict):
    strict.KOERS_OUTBOUND_ALLOWLIST = ["localhost"]  # stands in for a public feed host
    with FakeFeed() as feed, FakePages() as pages:
        feed.add_item("Intern bericht", "https://intern.example/1", "Geheim")
        pages.add_redirect("/feed.xml", f"{feed.url}/feed.xml")
        source = actions.create_source(
            acme,
            None,
            name="Omweg",
            kind="rss",
            config={"feed_url": pages.url.replace("127.0.0.1", "localhost") + "/feed.xml"},
        )

        poll_source(source.pk)

        assert feed.requests == []
    source.refresh_from_db()
    assert source.status == SourceStatus.BROKEN
    assert "privénetwerk" in source.last_error
