"""The pipeline: match, dedupe, language, sentiment, store, and rollups that equal a recount."""

from __future__ import annotations

import pytest

from koers.listening import pipeline
from koers.listening.models import HourlyRollup, IngestRun, Mention, MentionTopic, Source, Topic
from koers.listening.normalise import Rejected
from koers.listening.pipeline import Pipeline, record_run
from koers.listening.rollups import rebuild_rollups, recount, rollup_cells

pytestmark = pytest.mark.django_db


def test_a_post_matching_two_topics_is_stored_once_and_linked_to_both(acme, acme_topics, post):
    report = Pipeline(acme).ingest([post("Acme of Gazelle, wat kies ik?", lang="nl")])

    assert report.stored == 1
    mention = Mention.objects.get()
    assert set(mention.topics.all()) == {acme_topics["brand"], acme_topics["rival"]}
    assert mention.lang == "nl"
    assert mention.lang_from_source is True


def test_posts_matching_no_topic_are_counted_not_stored(acme, acme_topics, post):
    report = Pipeline(acme).ingest([post("Over iets heel anders"), post("Acme rocks")])

    assert (report.received, report.stored, report.unmatched) == (2, 1, 1)
    assert Mention.objects.count() == 1


def test_posts_that_fail_normalisation_are_counted_with_their_reason(acme, acme_topics, post):
    items = [post("   "), Rejected("bad_time"), post("acme")]
    report = Pipeline(acme).ingest(items, refs=["row 2", "row 3", "row 4"])

    assert report.failed == 2
    assert report.failures == [
        {"ref": "row 2", "reason": "no_text"},
        {"ref": "row 3", "reason": "bad_time"},
    ]
    assert report.received == report.stored + report.duplicates + report.unmatched + report.failed


def test_replaying_the_same_posts_stores_and_counts_nothing_twice(acme, acme_topics, post):
    posts = [post(f"Acme nieuws {i} #acmefietsen") for i in range(30)]
    first = Pipeline(acme).ingest(posts, batch_size=7)
    cells_after_first = rollup_cells(acme)

    second = Pipeline(acme).ingest(posts, batch_size=11)

    assert (first.stored, first.duplicates) == (30, 0)
    assert (second.stored, second.duplicates) == (0, 30)
    assert Mention.objects.count() == 30
    assert MentionTopic.objects.count() == 30
    assert rollup_cells(acme) == cells_after_first == recount(acme)


def test_a_post_repeated_inside_one_batch_is_a_duplicate(acme, acme_topics, post):
    one = post("acme")
    report = Pipeline(acme).ingest([one, one, one])

    assert (report.stored, report.duplicates) == (1, 2)


def test_rollups_equal_a_recount_after_mixed_runs_and_a_rebuild(acme, acme_topics, post):
    languages = ["nl", "en", None]
    texts = ["Acme is geweldig!", "Gazelle is terrible, I hate it", "acme en gazelle, prima"]
    posts = [
        post(texts[i % 3], lang=languages[i % 3], network=("mastodon", "bluesky")[i % 2])
        for i in range(60)
    ]
    Pipeline(acme).ingest(posts[:40], batch_size=9)
    Pipeline(acme).ingest(posts[20:], batch_size=13)  # overlaps the first run

    assert rollup_cells(acme) == recount(acme)
    assert sum(rollup_cells(acme).values()) == MentionTopic.objects.count()
    rebuild_rollups(acme)
    assert rollup_cells(acme) == recount(acme)


def test_hourly_rollups_split_by_network_language_and_sentiment(acme, acme_topics, post):
    Pipeline(acme).ingest(
        [
            post("Acme is geweldig, echt super!", lang="nl"),
            post("Acme is terrible and broken, awful", lang="en", network="bluesky"),
        ]
    )
    cells = {(r.network, r.lang, r.sentiment): r.count for r in HourlyRollup.objects.all()}
    assert cells == {("mastodon", "nl", "positive"): 1, ("bluesky", "en", "negative"): 1}


def test_the_sources_language_is_used_when_the_post_has_none(acme, acme_topics, post):
    source = Source.objects.create(workspace=acme, name="Feed", kind="rss", language="nl")
    Pipeline(acme, source).ingest([post("Acme", network="rss", lang=None)])

    mention = Mention.objects.get()
    assert (mention.lang, mention.lang_from_source, mention.source) == ("nl", True, source)


def test_language_is_detected_when_nobody_gave_it(acme, acme_topics, post):
    Pipeline(acme).ingest([post("The new Acme bike shop opened today and everybody loves it")])

    assert Mention.objects.get().lang == "en"
    assert Mention.objects.get().lang_from_source is False


def test_sentiment_is_asked_only_for_matched_new_posts_once_per_text(
    acme, acme_topics, post, monkeypatch
):
    calls = []
    real = pipeline.analyse_texts

    def spy(texts, langs, *choice):
        calls.append(list(texts))
        return real(texts, langs, *choice)

    monkeypatch.setattr(pipeline, "analyse_texts", spy)
    posts = [post("Acme!", lang="nl"), post("ACME", lang="nl"), post("niets", lang="nl")]
    Pipeline(acme).ingest(posts)
    Pipeline(acme).ingest(posts)  # all stored already: nothing to score

    assert calls == [["Acme!"]]  # "ACME" is a near-identical repost of "Acme!"


def test_topics_are_compiled_once_per_workspace_until_a_topic_changes(
    acme, acme_topics, post, monkeypatch
):
    compiled = []
    real = pipeline.compile_topics
    monkeypatch.setattr(pipeline, "compile_topics", lambda q: compiled.append(q) or real(q))
    pipeline._COMPILED.clear()

    Pipeline(acme).ingest([post(f"acme {i}") for i in range(50)], batch_size=10)
    assert len(compiled) == 1

    Topic.objects.filter(pk=acme_topics["rival"].pk).update(query="gazelle OR batavus")
    Pipeline(acme).ingest([post("batavus")])
    assert len(compiled) == 2
    assert Mention.objects.filter(topics=acme_topics["rival"]).count() == 1


def test_a_topic_filtering_on_language_gets_the_detected_language(acme, post):
    Topic.objects.create(workspace=acme, name="EN", kind="campaign", query="acme lang:en")
    Pipeline(acme).ingest(
        [
            post("Acme bikes are the best bikes in the whole world"),
            post("Acme fietsen zijn de allerbeste fietsen van de hele wereld"),
        ]
    )
    assert list(Mention.objects.values_list("lang", flat=True)) == ["en"]


def test_a_stored_query_that_no_longer_parses_does_not_stop_the_others(acme, post):
    Topic.objects.create(workspace=acme, name="Kapot", kind="brand", query="(acme")
    Topic.objects.create(workspace=acme, name="Heel", kind="brand", query="acme")
    report = Pipeline(acme).ingest([post("acme")])

    assert report.stored == 1
    assert pipeline.topics_for(acme).invalid == (Topic.objects.get(name="Kapot").pk,)


def test_workspaces_keep_their_own_mentions_of_the_same_post(acme, acme_topics, bolt, bolt_topic):
    from koers.listening.tests.conftest import make_post

    shared = make_post("acme")
    Pipeline(acme).ingest([shared])
    Pipeline(bolt).ingest([shared])

    assert Mention.objects.filter(workspace=acme).count() == 1
    assert Mention.objects.filter(workspace=bolt).count() == 1
    assert rollup_cells(bolt) == recount(bolt)


def test_a_run_is_recorded_with_its_counts(acme, acme_topics, post):
    report = Pipeline(acme).ingest([post("acme"), post("")])
    run = record_run(acme, None, report)

    assert IngestRun.objects.get() == run
    assert (run.received, run.stored, run.failed) == (2, 1, 1)


def test_posts_stored_by_another_writer_after_the_check_are_not_counted_twice(
    acme, acme_topics, post, monkeypatch
):
    posts = [post(f"acme {i}") for i in range(5)]
    Pipeline(acme).ingest(posts)
    cells = rollup_cells(acme)
    # As if another worker stored them between our check and our insert.
    monkeypatch.setattr(Pipeline, "_drop_stored", lambda self, candidates, report: candidates)

    report = Pipeline(acme).ingest(posts)

    assert (report.stored, report.duplicates) == (0, 5)
    assert rollup_cells(acme) == cells == recount(acme)


def test_a_new_topic_is_backfilled_from_stored_mentions_once(acme, acme_topics, post):
    Pipeline(acme).ingest([post("acme kapot"), post("acme prima"), post("gazelle kapot")])
    broken = Topic.objects.create(workspace=acme, name="Kapot", kind="campaign", query="kapot")

    first = pipeline.backfill_topic(broken)
    again = pipeline.backfill_topic(broken)

    assert (first, again) == (2, 0)
    assert Mention.objects.filter(topics=broken).count() == 2
    assert rollup_cells(acme) == recount(acme)


def test_creating_or_requerying_a_topic_queues_a_backfill(
    acme, anna, django_capture_on_commit_callbacks, monkeypatch
):
    from koers.listening import actions, tasks

    queued = []

    class FakeTask:
        @staticmethod
        def enqueue(topic_id):
            queued.append(topic_id)

    monkeypatch.setattr(tasks, "backfill_topic", FakeTask)
    with django_capture_on_commit_callbacks(execute=True):
        topic = actions.create_topic(
            acme, anna, name="X", kind="brand", query="x", colour="#1f6feb",
            counts_for_share_of_voice=True, is_active=True,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_topic(topic, anna, colour="#d1242f")
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_topic(topic, anna, query="x OR y")

    assert queued == [topic.pk, topic.pk]
