"""Adding and fixing sources: one kind's fields at a time, a test fetch before saving (refused
with a translated reason), a fix that works clears "needs attention", deletion asks first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koers.listening import actions
from koers.listening.models import Source, SourceStatus
from koers.networks.testing.rss import FakeFeed

pytestmark = pytest.mark.django_db

DEAD = "http://127.0.0.1:9/feed.xml"  # nothing listens on the discard port


def url(name: str, *args) -> str:
    return reverse(f"listening:{name}", args=["acme", *args])


@pytest.fixture
def feed():
    with FakeFeed() as fake:
        fake.add_item("Nieuws", "https://voorbeeld.nl/1", "Tekst")
        yield fake


def _dutch(client):
    client.cookies["django_language"] = "nl"
    return client


def test_adding_a_source_first_asks_the_kind_then_shows_only_its_fields(client_for, anna, acme):
    client = client_for(anna)
    first = client.get(url("source-new")).content.decode()
    assert 'name="kind"' in first and 'type="radio"' in first
    assert 'name="feed_url"' not in first

    rss = client.get(url("source-new") + "?kind=rss").content.decode()
    assert 'name="feed_url"' in rss
    for other in (
        "instance_url",
        "hashtag",
        "handle",
        "access_token",
        "app_password",
        "stream_url",
    ):
        assert f'name="{other}"' not in rss, other

    mastodon = client.get(url("source-new") + "?kind=mastodon").content.decode()
    assert 'name="instance_url"' in mastodon and 'name="access_token"' in mastodon
    assert 'name="feed_url"' not in mastodon


def test_a_feed_that_cannot_be_fetched_is_refused_with_a_dutch_reason(client_for, anna, acme):
    response = _dutch(client_for(anna)).post(
        url("source-new"),
        {"name": "Nieuws", "kind": "rss", "feed_url": DEAD, "poll_every_seconds": 300},
    )
    assert response.status_code == 200
    assert not Source.objects.filter(workspace=acme).exists()
    page = response.content.decode()
    assert "koers kon met deze instellingen niets ophalen" in page
    assert "Could not fetch" not in page


def test_a_feed_that_works_is_saved(client_for, anna, acme, feed):
    response = client_for(anna).post(
        url("source-new"),
        {
            "name": "Nieuws",
            "kind": "rss",
            "feed_url": feed.url + "/feed.xml",
            "poll_every_seconds": 300,
        },
    )
    assert response.status_code == 302
    source = Source.objects.get(workspace=acme, name="Nieuws")
    assert source.config == {"feed_url": feed.url + "/feed.xml"}


def test_fixing_a_broken_source_clears_needs_attention(client_for, anna, acme, feed):
    source = actions.create_source(acme, anna, name="Nieuws", kind="rss", config={"feed_url": DEAD})
    Source.objects.filter(pk=source.pk).update(
        status=SourceStatus.BROKEN, last_error="The feed at 127.0.0.1:9 answered 404.", failures=3
    )

    response = client_for(anna).post(
        url("source-edit", source.pk),
        {"name": "Nieuws", "feed_url": feed.url + "/feed.xml", "poll_every_seconds": 300},
    )

    assert response.status_code == 302
    source.refresh_from_db()
    assert source.status == SourceStatus.OK
    assert (source.last_error, source.failures) == ("", 0)
    assert source.next_poll_at is not None
    assert source.config["feed_url"] == feed.url + "/feed.xml"


def test_a_fix_that_still_fails_changes_nothing(client_for, anna, acme):
    source = actions.create_source(
        acme, anna, name="Nieuws", kind="rss", config={"feed_url": "https://oud.example/f"}
    )
    Source.objects.filter(pk=source.pk).update(status=SourceStatus.BROKEN)
    response = client_for(anna).post(
        url("source-edit", source.pk),
        {"name": "Nieuws", "feed_url": DEAD, "poll_every_seconds": 300},
    )
    assert response.status_code == 200
    source.refresh_from_db()
    assert source.status == SourceStatus.BROKEN
    assert source.config["feed_url"] == "https://oud.example/f"


def test_deleting_a_source_asks_first(client_for, anna, acme):
    source = actions.create_source(acme, anna, name="Nieuws", kind="rss", config={"feed_url": DEAD})
    client = client_for(anna)
    page = client.get(url("source-delete", source.pk))
    assert page.status_code == 200
    assert Source.objects.filter(pk=source.pk).exists()
    assert client.post(url("source-delete", source.pk)).status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()


def test_a_stored_english_source_error_is_shown_in_dutch(client_for, anna, acme):
    source = actions.create_source(acme, anna, name="Nieuws", kind="rss", config={"feed_url": DEAD})
    Source.objects.filter(pk=source.pk).update(
        status=SourceStatus.BROKEN, last_error="The feed at nos.nl answered 404."
    )
    page = _dutch(client_for(anna)).get(url("sources")).content.decode()
    assert "The feed at nos.nl answered 404." not in page
