"""Listening pages: rendering, the live query test, inline query errors, roles, isolation."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from koers.core.models import Membership, Role
from koers.listening.models import Mention, SentimentCorrection, Topic
from koers.listening.pipeline import Pipeline
from koers.listening.rollups import recount, rollup_cells
from koers.listening.tests.conftest import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_mentions(acme, acme_topics):
    now = timezone.now()
    posts = [
        make_post("Acme fietsen zijn geweldig, top service!", lang="nl", created_at=now),
        make_post("Gazelle is slecht, mijn fiets is kapot", lang="nl", created_at=now),
        make_post("Acme and Gazelle both good bikes #acmefietsen", lang="en", created_at=now),
    ]
    Pipeline(acme).ingest(posts)
    return list(Mention.objects.filter(workspace=acme))


@pytest.fixture
def bolt_mentions(bolt, bolt_topic):
    Pipeline(bolt).ingest([make_post("Bolt energie geheim bericht", created_at=timezone.now())])
    return list(Mention.objects.filter(workspace=bolt))


def url(name, *args, slug="acme"):
    return reverse(f"listening:{name}", args=[slug, *args])


def test_overview_shows_volume_chart_share_of_voice_and_topics(client_for, anna, acme_mentions):
    response = client_for(anna).get(url("index"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<polyline" in body
    # Acme: 2 mentions, Gazelle: 2 → 50% share of voice each.
    assert "50,0%" in body or "50.0%" in body
    assert "Gazelle" in body


def test_topic_page_shows_sentiment_authors_and_terms(client_for, anna, acme, acme_mentions):
    topic = Topic.objects.get(workspace=acme, name="Acme")
    response = client_for(anna).get(url("topic", topic.pk))

    assert response.status_code == 200
    assert "@jan@social.example" in response.content.decode()


def test_creating_a_topic_stores_the_normalised_query(client_for, anna, acme):
    response = client_for(anna).post(
        url("topic-new"),
        {
            "name": "Duinwijk",
            "kind": "brand",
            "query": "duinwijk  OR #duinwijk",
            "colour": "#1f6feb",
        },
    )
    topic = Topic.objects.get(workspace=acme, name="Duinwijk")
    assert response.status_code == 302
    assert topic.query == "duinwijk OR #duinwijk"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "Haakjes kloppen niet bij teken 1"), ("en", "Unbalanced parenthesis at character 1")],
)
def test_a_query_error_is_shown_inline_with_its_position(
    client_for, anna, acme, language, expected
):
    client = client_for(anna)
    with override(language):
        response = client.post(
            url("topic-new"),
            {"name": "X", "kind": "brand", "query": "(duinwijk", "colour": "#1f6feb"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        live = client.get(url("query-test"), {"query": "(duinwijk"}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Topic.objects.filter(name="X").exists()
    assert expected in live.content.decode()
    assert "<mark>(</mark>" in live.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "more than 50 levels deep at character 51"), ("nl", "meer dan 50 niveaus diep")],
)
def test_a_query_nested_two_hundred_levels_deep_is_a_form_error_not_a_server_error(
    client_for, anna, acme, language, expected
):
    client = client_for(anna)
    query = "(" * 200 + "duinwijk" + ")" * 200
    with override(language):
        response = client.post(
            url("topic-new"),
            {"name": "Diep", "kind": "brand", "query": query, "colour": "#1f6feb"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        live = client.get(url("query-test"), {"query": query}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert expected in live.content.decode()
    assert not Topic.objects.filter(name="Diep").exists()


def test_the_live_test_shows_matching_recent_mentions(client_for, anna, acme_mentions):
    response = client_for(anna).get(url("query-test"), {"query": "gazelle AND kapot"})

    body = response.content.decode()
    assert "mijn fiets is kapot" in body
    assert "geweldig" not in body


def test_the_live_test_never_searches_another_workspace(
    client_for, anna, acme_mentions, bolt_mentions
):
    response = client_for(anna).get(url("query-test"), {"query": "geheim"})

    assert "Bolt energie" not in response.content.decode()


def test_mention_stream_filters_by_topic_sentiment_and_text(client_for, anna, acme, acme_mentions):
    gazelle = Topic.objects.get(workspace=acme, name="Gazelle")
    client = client_for(anna)

    by_topic = client.get(url("mentions"), {"topic": gazelle.pk}).content.decode()
    by_text = client.get(url("mentions"), {"q": "geweldig"}).content.decode()
    by_lang = client.get(url("mentions"), {"lang": "en"}).content.decode()

    assert "kapot" in by_topic and "geweldig" not in by_topic
    assert "geweldig" in by_text and "kapot" not in by_text
    assert "both good bikes" in by_lang and "kapot" not in by_lang


def test_mention_stream_uses_a_fixed_number_of_queries(
    client_for, anna, acme, acme_topics, django_assert_max_num_queries
):
    now = timezone.now()
    Pipeline(acme).ingest([make_post(f"acme gazelle {i}", created_at=now) for i in range(120)])
    client = client_for(anna)
    client.get(url("mentions"))  # warm the session and the topic form
    with django_assert_max_num_queries(9):
        response = client.get(url("mentions"), {"page": 2})
    assert response.status_code == 200


def test_export_gives_the_filtered_mentions_as_csv_and_jsonl(client_for, anna, acme, acme_mentions):
    gazelle = Topic.objects.get(workspace=acme, name="Gazelle")
    client = client_for(anna)

    csv_body = b"".join(client.get(url("export-csv"), {"topic": gazelle.pk}).streaming_content)
    jsonl = b"".join(client.get(url("export-jsonl")).streaming_content).decode().splitlines()

    assert csv_body.decode().count("\n") == 3  # header + 2 Gazelle mentions
    rows = [json.loads(line) for line in jsonl]
    assert len(rows) == 3
    assert {"Acme", "Gazelle"} == {t for r in rows for t in r["topics"]}


def test_bram_cannot_see_carlas_mentions_through_filters_or_export(
    client_for, bram, acme_mentions, bolt, bolt_topic, bolt_mentions
):
    client = client_for(bram)
    stream = client.get(url("mentions"), {"topic": bolt_topic.pk, "q": "geheim"})
    export = b"".join(client.get(url("export-jsonl"), {"topic": bolt_topic.pk}).streaming_content)

    assert "Bolt energie" not in stream.content.decode()
    assert b"Bolt energie" not in export
    assert len(export.decode().splitlines()) == 3  # the invalid topic filter is ignored


def test_an_outsider_gets_404_on_every_listening_url(
    client_for, carla, acme, acme_topics, acme_mentions
):
    client = client_for(carla)
    topic, mention = acme_topics["brand"], acme_mentions[0]
    source = __import__("koers.listening.actions", fromlist=["x"]).create_source(
        acme, None, name="Feed", kind="rss", config={"feed_url": "https://x.nl/rss"}
    )
    gets = [
        url("index"), url("topic-new"), url("query-test"), url("topic", topic.pk),
        url("topic-edit", topic.pk), url("mentions"), url("export-csv"), url("export-jsonl"),
        url("sources"), url("source-new"), url("source-edit", source.pk),
    ]  # fmt: skip
    posts = [
        url("topic-delete", topic.pk), url("influencer-add", topic.pk),
        url("sentiment", mention.pk), url("source-pause", source.pk),
        url("source-delete", source.pk),
    ]  # fmt: skip
    for address in gets:
        assert client.get(address).status_code == 404, address
    for address in posts:
        assert client.post(address, {"sentiment": "negative"}).status_code == 404, address
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_a_viewer_can_read_but_not_change_topics(client_for, bram, acme, acme_topics):
    Membership.objects.filter(user=bram).update(role=Role.VIEWER)
    client = client_for(bram)

    assert client.get(url("index")).status_code == 200
    assert client.get(url("topic-new")).status_code == 403
    assert client.post(url("topic-delete", acme_topics["brand"].pk)).status_code == 403


def test_correcting_sentiment_is_stored_and_moves_the_rollup_counts(
    client_for, anna, acme, acme_mentions
):
    mention = next(m for m in acme_mentions if "kapot" in m.text)
    response = client_for(anna).post(
        url("sentiment", mention.pk), {"sentiment": "positive"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    correction = SentimentCorrection.objects.get(mention=mention)
    assert (correction.original, correction.corrected) == ("negative", "positive")
    assert Mention.objects.get(pk=mention.pk).sentiment == "positive"
    assert rollup_cells(acme) == recount(acme)


def test_after_a_correction_the_page_goes_back_only_within_koers(
    client_for, anna, acme, acme_mentions
):
    mention = acme_mentions[0]
    client = client_for(anna)
    stream = url("mentions") + "?sentiment=negative"
    back = client.post(url("sentiment", mention.pk), {"sentiment": "neutral", "next": stream})
    assert back.status_code == 302 and back["Location"] == stream
    for elsewhere in ("https://evil.example/", "//evil.example/x", "https:evil.example"):
        response = client.post(
            url("sentiment", mention.pk), {"sentiment": "neutral", "next": elsewhere}
        )
        assert response.status_code == 302
        assert response["Location"] == url("mentions")


def test_a_top_author_can_be_added_to_the_strategys_influencer_list(
    client_for, anna, acme, acme_mentions
):
    from datetime import date

    from koers.strategy import actions as strategy_actions
    from koers.strategy.models import Influencer

    topic = Topic.objects.get(workspace=acme, name="Acme")
    client = client_for(anna)
    add_url = url("influencer-add", topic.pk)
    assert add_url not in client.get(url("topic", topic.pk)).content.decode()
    strategy_actions.create_cycle(
        acme, anna, name="2027", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    page = client.get(url("topic", topic.pk))
    response = client.post(add_url, {"handle": "@jan@social.example"})

    assert response.status_code == 302
    influencer = Influencer.objects.get(workspace=acme)
    assert (influencer.handle, influencer.name, influencer.network) == (
        "@jan@social.example",
        "Jan",
        "Mastodon",
    )
    assert add_url in page.content.decode()
