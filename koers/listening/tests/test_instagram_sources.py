"""Listening on Instagram: hashtag search and tags through the pipeline, Meta's 30-hashtags-
in-7-days budget on the form, throttling, and the note for networks koers can't search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from koers.core import neterrors
from koers.listening import actions, hashtag_budget
from koers.listening.models import (
    HashtagQuery,
    Mention,
    Source,
    SourceKind,
    SourceStatus,
    Topic,
    TopicKind,
)
from koers.listening.sources import poll_source
from koers.networks.meta import GRAPH_VERSION
from koers.networks.meta_listen import HashtagBudgetError
from koers.networks.testing.meta_listen import FakeMetaListen
from koers.publishing import actions as publishing
from koers.publishing.connect import Account

pytestmark = pytest.mark.django_db

V = f"/{GRAPH_VERSION}"


def url(name: str, *args) -> str:
    return reverse(f"listening:{name}", args=["acme", *args])


@pytest.fixture
def graph():
    with FakeMetaListen() as fake:
        yield fake


@pytest.fixture
def page(graph):
    return graph.add_page("Gemeente Zonnedal", instagram="zonnedal")


@pytest.fixture
def instagram(acme, anna, graph, page):
    (channel,) = publishing.connect_oauth_channels(
        acme,
        anna,
        [
            Account(
                "instagram",
                page.instagram_id,
                "@zonnedal",
                page.instagram_username,
                endpoint=graph.url,
                access_token=page.token,
                extra={"ig_user_id": page.instagram_id, "page_id": page.page_id},
            )
        ],
    )
    return channel


@pytest.fixture
def topics(acme):
    Topic.objects.create(workspace=acme, name="Aurora", kind=TopicKind.HASHTAG, query="aurora")
    Topic.objects.create(
        workspace=acme, name="Zonnedal", kind=TopicKind.BRAND, query="zonnedal OR gemeente"
    )


def _fill_budget(account: str, count: int = 30) -> None:
    now = timezone.now()
    for i in range(count):
        hashtag_budget.reserve(account, f"oud{i}", now - timedelta(days=1))


def test_hashtag_media_are_stored_once_with_their_permalink_across_two_polls(
    acme, graph, page, instagram, topics
):
    first = graph.add_hashtag_media("aurora", "De #Aurora boot ligt in de haven", age_seconds=600)
    graph.add_hashtag_media("aurora", "Niets over het onderwerp #aurora", age_seconds=300)
    source = actions.create_source(
        acme, None, name="#aurora", kind=SourceKind.INSTAGRAM_HASHTAG, config={"hashtag": "aurora"}
    )
    now = timezone.now()
    report = poll_source(source.pk, now=now)
    assert report.stored == 2
    second = graph.add_hashtag_media("aurora", "Weer de #Aurora vandaag", age_seconds=0)
    again = poll_source(source.pk, now=now + timedelta(minutes=10))
    assert again.stored == 1

    stored = Mention.objects.filter(workspace=acme, network="instagram")
    assert stored.count() == 3
    assert set(stored.values_list("remote_id", flat=True)) >= {first, second}
    assert all(m.url.startswith("https://www.instagram.com/p/") for m in stored)
    assert list(HashtagQuery.objects.values_list("account_id", "tag")) == [
        (page.instagram_id, "aurora")
    ]
    assert graph.count("GET", f"{V}/ig_hashtag_search") == 1  # the id is kept in the cursor
    source.refresh_from_db()
    assert source.status == SourceStatus.OK


def test_tags_of_the_account_and_its_page_are_stored_once_as_instagram_and_facebook(
    acme, graph, page, instagram, topics
):
    graph.tag_account(page.instagram_id, "Rondleiding in Zonnedal, dank @zonnedal", username="anna")
    graph.tag_page(page.page_id, "Op bezoek bij de gemeente", sender="Bram")
    source = actions.create_source(acme, None, name="Tags", kind=SourceKind.META_TAGS)
    now = timezone.now()
    poll_source(source.pk, now=now)
    poll_source(source.pk, now=now + timedelta(minutes=10))

    rows = Mention.objects.filter(workspace=acme).order_by("network")
    assert [(m.network, m.author_handle) for m in rows] == [
        ("facebook", rows[0].author_handle),
        ("instagram", "@anna"),
    ]
    assert rows[0].url.startswith("https://www.facebook.com/")
    assert rows[1].url.startswith("https://www.instagram.com/p/")


def test_the_31st_hashtag_is_refused_on_the_form_and_nothing_changes(
    client_for, anna, acme, graph, page, instagram
):
    _fill_budget(page.instagram_id)
    client = client_for(anna)
    form = client.get(url("source-new") + "?kind=instagram_hashtag").content.decode()
    assert "30 of 30 hashtags used in the last 7 days" in form or "30 van 30 hashtags" in form

    response = client.post(
        url("source-new"),
        {
            "name": "Nieuw",
            "kind": "instagram_hashtag",
            "hashtag": "#Nieuw",
            "edges": "recent",
            "poll_every_seconds": 300,
        },
    )
    assert response.status_code == 200
    page_text = response.content.decode()
    assert "#nieuw would be one more" in page_text or "#nieuw zou er één bij zijn" in page_text
    assert not Source.objects.filter(workspace=acme).exists()
    assert HashtagQuery.objects.count() == 30
    assert not HashtagQuery.objects.filter(tag="nieuw").exists()
    assert graph.count("GET", f"{V}/ig_hashtag_search") == 0  # Meta was not asked

    # A hashtag already counted in its 7 days costs nothing: that one may be added.
    graph.add_hashtag_media("oud3", "#oud3", age_seconds=60)
    response = client.post(
        url("source-new"),
        {"name": "Oud", "kind": "instagram_hashtag", "hashtag": "oud3", "poll_every_seconds": 300},
    )
    assert response.status_code == 302
    assert Source.objects.get(workspace=acme).config["hashtag"] == "oud3"
    assert HashtagQuery.objects.count() == 30


def test_the_sources_page_shows_the_budget_of_a_hashtag_source(
    client_for, anna, acme, page, instagram
):
    _fill_budget(page.instagram_id, 3)
    actions.create_source(
        acme, None, name="#fiets", kind=SourceKind.INSTAGRAM_HASHTAG, config={"hashtag": "fiets"}
    )
    text = client_for(anna).get(url("sources")).content.decode()
    assert "3 of 30 hashtags used in the last 7 days" in text or "3 van 30 hashtags" in text


def test_a_poll_past_the_budget_waits_and_asks_meta_nothing(acme, graph, page, instagram):
    source = actions.create_source(
        acme, None, name="#x", kind=SourceKind.INSTAGRAM_HASHTAG, config={"hashtag": "nieuw"}
    )
    _fill_budget(page.instagram_id)
    now = timezone.now()
    assert poll_source(source.pk, now=now) is None
    source.refresh_from_db()
    assert source.status == SourceStatus.BACKOFF
    assert "30 hashtags were searched" in source.last_error or "30 hashtags" in source.last_error
    assert source.next_poll_at > now + timedelta(hours=20)  # when the oldest one frees up
    assert graph.count("GET", f"{V}/ig_hashtag_search") == 0
    with pytest.raises(HashtagBudgetError):
        hashtag_budget.reserve(page.instagram_id, "nog-een")


def test_a_429_backs_off_for_what_meta_said_and_the_next_poll_stores(
    acme, graph, page, instagram, topics
):
    graph.add_hashtag_media("aurora", "#Aurora in de haven", age_seconds=60)
    graph.ratelimit_next(1, f"{V}/ig_hashtag_search", retry_after=900)
    source = actions.create_source(
        acme, None, name="#aurora", kind=SourceKind.INSTAGRAM_HASHTAG, config={"hashtag": "aurora"}
    )
    now = timezone.now()
    assert poll_source(source.pk, now=now) is None
    source.refresh_from_db()
    assert source.status == SourceStatus.BACKOFF
    assert source.next_poll_at == now + timedelta(seconds=900)
    assert not Mention.objects.exists()

    report = poll_source(source.pk, now=now + timedelta(seconds=901))
    assert report.stored == 1
    source.refresh_from_db()
    assert source.status == SourceStatus.OK


def test_the_source_pages_say_which_networks_are_not_searchable(client_for, anna, acme):
    client = client_for(anna)
    for page_url in (url("source-new"), url("sources")):
        text = client.get(page_url).content.decode()
        for label in ("Facebook", "Threads"):
            assert (
                f"{label}: this network is not searchable." in text
                or f"{label}: op dit netwerk kun je niet zoeken." in text
            ), (page_url, label)
        assert "Instagram: this network" not in text
        assert "Instagram: op dit netwerk" not in text
        assert "threads_keyword_search" in text


def test_the_notes_and_the_limit_read_in_dutch(client_for, anna, acme, page, instagram):
    client = client_for(anna)
    client.cookies["django_language"] = "nl"
    text = client.get(url("source-new")).content.decode()
    assert "Facebook: op dit netwerk kun je niet zoeken." in text
    assert "Netwerken waarop koers niet kan zoeken" in text
    form = client.get(url("source-new") + "?kind=instagram_hashtag").content.decode()
    assert "0 van 30 hashtags gebruikt in de afgelopen 7 dagen (@zonnedal)." in form
    with translation.override("nl"):
        assert neterrors.translate(HashtagBudgetError().message).startswith(
            "Instagram: de afgelopen 7 dagen zijn 30 hashtags gezocht"
        )
        stored = (
            "Instagram: 30 hashtags were searched in the last 7 days, Meta's limit; koers "
            "tries again when one frees up (Meta error 24/2207034)."
        )
        assert neterrors.translate(stored).endswith("(Meta-fout 24/2207034).")
