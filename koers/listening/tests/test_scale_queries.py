"""Queries that must stay fast with a million mentions: no ORDER BY where none is needed, the
intended index in the plan, keyset pagination of the stream, counts from the rollups and a
ceiling on the number of queries per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koers.listening.models import Mention, MentionTopic
from koers.listening.pipeline import Pipeline
from koers.listening.tests.conftest import make_post

pytestmark = pytest.mark.django_db


def url(name, *args, slug="acme"):
    return reverse(f"listening:{name}", args=[slug, *args])


def _plan(sql: str, params: list) -> str:
    """The plan of a query: SQLite's EXPLAIN QUERY PLAN; on PostgreSQL EXPLAIN with sequential
    scans switched off (the test tables are tiny: the planner would read them whole), so the
    plan shows which index it prefers and whether it sorts."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("ANALYZE listening_mention")
        cursor.execute("ANALYZE listening_mentiontopic")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return " | ".join(str(row[0]) for row in cursor.fetchall())


def _sorts(plan: str) -> bool:
    return "TEMP B-TREE" in plan or "Sort" in plan


def _dedupe_query(queries: list[dict]) -> str:
    found = [q["sql"] for q in queries if '"remote_id" IN' in q["sql"] and "SELECT" in q["sql"]]
    assert len(found) == 1, found
    return found[0]


def test_the_ingest_dedupe_query_has_no_order_by(acme, acme_topics):
    Pipeline(acme).ingest([make_post("Acme fietsen zijn top")])

    with CaptureQueriesContext(connection) as captured:
        report = Pipeline(acme).ingest([make_post("Acme again"), make_post("acme once more")])

    assert report.stored == 2
    sql = _dedupe_query(captured.captured_queries)
    assert "ORDER BY" not in sql.upper()


@pytest.fixture
def stored(acme, acme_topics):
    """500 mentions over the last 500 minutes, linked to the brand: enough rows for the
    planners to prefer an index (and PostgreSQL's statistics to say so)."""
    now = timezone.now()
    mentions = Mention.objects.bulk_create(
        Mention(
            workspace=acme, network="mastodon", remote_id=f"r{n}", text="Acme", text_hash="0",
            lang=("nl", "en", "de")[n % 3], sentiment=("neutral", "negative")[n % 2],
            published_at=now - timedelta(minutes=n),
        )
        for n in range(500)
    )  # fmt: skip
    MentionTopic.objects.bulk_create(
        MentionTopic(
            workspace=acme, mention=m, topic=acme_topics["brand"], published_at=m.published_at
        )
        for m in mentions
    )
    return mentions


def test_the_dedupe_query_uses_the_unique_workspace_network_remote_id_index(acme, stored):
    queryset = Mention.objects.filter(
        workspace=acme, network="mastodon", remote_id__in=["a", "b"]
    ).values_list("remote_id", flat=True)
    sql, params = queryset.query.sql_with_params()

    plan = _plan(sql, list(params))

    assert "ORDER BY" not in sql.upper()
    # The unique constraint (workspace, network, remote_id), never the time index.
    assert "listening_mention_once" in plan or "sqlite_autoindex_listening_mention" in plan, plan
    assert "listening_mention_newest" not in plan
    assert not _sorts(plan), plan


def test_the_stream_is_read_newest_first_through_the_time_index_without_sorting(acme, stored):
    from koers.listening.views import filtered_mentions

    sql, params = filtered_mentions(acme, {"period": 30})[:51].query.sql_with_params()
    plan = _plan(sql, list(params))
    assert "listening_mention_newest" in plan and not _sorts(plan), plan

    sql, params = filtered_mentions(acme, {"period": 30, "lang": "ru"})[:51].query.sql_with_params()
    plan = _plan(sql, list(params))
    assert "listening_mention_lang" in plan and not _sorts(plan), plan


def test_the_topic_stream_is_read_through_the_topic_links_index(acme, acme_topics, stored):
    from koers.listening.views import filtered_mentions

    filters = {"period": 30, "topic": acme_topics["brand"]}
    sql, params = filtered_mentions(acme, filters)[:51].query.sql_with_params()
    plan = _plan(sql, list(params))
    assert "listening_link_topic_time" in plan and not _sorts(plan), plan


@pytest.fixture
def many_mentions(acme, acme_topics):
    """120 Acme mentions, two per minute (sharing a publication time); every third also
    about Gazelle (two topic links: the stream must still list it once)."""
    now = timezone.now().replace(second=0, microsecond=0)
    posts = [
        make_post(
            f"Acme {'en Gazelle ' if i % 3 == 0 else ''}bericht nummer {i}",
            lang="nl",
            created_at=now - timedelta(minutes=i // 2),
        )
        for i in range(120)
    ]
    Pipeline(acme).ingest(posts)
    return list(Mention.objects.filter(workspace=acme).order_by("-published_at", "-id"))


@pytest.mark.parametrize("topic", [False, True])
def test_the_stream_pages_by_keyset_through_every_mention_once_without_counting_mentions(
    client_for, anna, acme_topics, many_mentions, topic
):
    client = client_for(anna)
    query = {"topic": acme_topics["brand"].pk} if topic else {}
    seen: list[int] = []
    before = None
    for _ in range(5):
        params = dict(query, **({"before": before} if before else {}))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("mentions"), params)
        assert response.status_code == 200
        sqls = [q["sql"].upper() for q in captured.captured_queries]
        assert not any("OFFSET" in s for s in sqls)
        assert not any("COUNT(*)" in s and "LISTENING_MENTION" in s for s in sqls)
        seen += [m.pk for m in response.context["items"]]
        before = response.context["older"]
        if before is None:
            break

    assert seen == [m.pk for m in many_mentions]  # newest first, each once, ties by id


def test_the_topic_stream_shows_its_count_from_the_rollups(
    client_for, anna, acme_topics, many_mentions
):
    response = client_for(anna).get(url("mentions"), {"topic": acme_topics["brand"].pk})

    assert response.context["count"] == 120
    assert "120 vermeldingen" in response.content.decode() or "120 mentions" in (
        response.content.decode()
    )
    # Without a topic the stream shows no total (it would count over the mentions table).
    assert client_for(anna).get(url("mentions")).context["count"] is None


def test_a_link_carries_its_mention_time_so_the_topic_stream_order_is_the_mention_order(
    acme, many_mentions
):
    pairs = MentionTopic.objects.filter(workspace=acme).values_list(
        "published_at", "mention__published_at"
    )
    assert all(a == b for a, b in pairs)


@pytest.mark.parametrize(
    ("name", "extra", "ceiling"),
    [
        ("index", {}, 12),
        ("mentions", {}, 12),
        ("mentions", {"sentiment": "negative", "lang": "nl", "network": "mastodon"}, 12),
        ("topic", {}, 14),
    ],
)
def test_every_listening_page_stays_under_its_query_ceiling(
    client_for,
    anna,
    acme_topics,
    many_mentions,
    django_assert_max_num_queries,
    name,
    extra,
    ceiling,
):
    client = client_for(anna)
    args = [acme_topics["brand"].pk] if name == "topic" else []
    client.get(url(name, *args))  # warm the session and caches
    with django_assert_max_num_queries(ceiling):
        response = client.get(url(name, *args), extra)
    assert response.status_code == 200


@pytest.mark.parametrize("topic", [False, True])
@pytest.mark.parametrize(("q", "window"), [("nummer 1", 20), ("ACME", 100)])
def test_a_text_search_reads_a_bounded_window_per_page_and_finds_every_match_once(
    client_for, anna, acme_topics, many_mentions, monkeypatch, topic, q, window
):
    from koers.listening import views

    monkeypatch.setattr(views, "SEARCH_WINDOW", window)
    client = client_for(anna)
    query = {"q": q, **({"topic": acme_topics["brand"].pk} if topic else {})}
    expected = [m.pk for m in many_mentions if q.lower() in m.text.lower()]
    pages: list[list[int]] = []
    before = None
    for _ in range(12):
        params = dict(query, **({"before": before} if before else {}))
        response = client.get(url("mentions"), params)
        assert response.status_code == 200
        pages.append([m.pk for m in response.context["items"]])
        before = response.context["older"]
        if before is None:
            break

    assert [pk for page in pages for pk in page] == expected  # every match once, in order
    assert before is None  # and the search reached the period's start
    first = client.get(url("mentions"), query)
    if window == 20:
        # Only the newest 20 mentions were searched; the page says so and offers the rest.
        assert pages[0] == [m.pk for m in many_mentions[:20] if q in m.text]
        assert first.context["searched_to"] == many_mentions[19].published_at
        assert first.context["older"] == many_mentions[19].pk
        assert "Search further back" in first.content.decode() or "Verder terug zoeken" in (
            first.content.decode()
        )
        assert len(pages) == 7  # 120 mentions, 20 per page, and a last empty window
    else:
        # More than a page of matches: the usual keyset paging by the last shown mention.
        assert len(pages[0]) == 50 and first.context["searched_to"] is None
        assert first.context["older"] == pages[0][-1]


def test_the_search_window_is_one_index_range_and_the_search_stays_inside_it(
    acme, stored, monkeypatch
):
    from koers.listening import views

    monkeypatch.setattr(views, "SEARCH_WINDOW", 100)
    filters = {"period": 30, "q": "acme"}

    window = views.search_window(acme, filters, None)

    assert window == (stored[99].published_at, stored[99].pk)  # the 100th newest
    rows = views.filtered_mentions(acme, {"period": 30}).values_list("published_at", "pk")
    sql, params = rows[99:100].query.sql_with_params()
    plan = _plan(sql, list(params))
    assert "listening_mention_newest" in plan and not _sorts(plan), plan
    search = views.filtered_mentions(acme, filters, None, window)
    assert [m.pk for m in search] == [m.pk for m in stored[:100]]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # 100 tiny rows: it would bitmap-scan and sort them
            cursor.execute("SET LOCAL enable_bitmapscan = off")
    sql, params = search.all()[:51].query.sql_with_params()
    plan = _plan(sql, list(params))
    assert "listening_mention_newest" in plan and not _sorts(plan), plan


def test_the_top_authors_are_summed_from_the_author_days_through_their_index(acme, acme_topics):
    from datetime import date

    from koers.listening import stats
    from koers.listening.models import AuthorDay, Topic
    from koers.listening.rollups import daily_rollups_ready

    other = Topic.objects.create(workspace=acme, name="Derde", kind="campaign", query="derde")
    daily_rollups_ready(acme)  # the days below are in the workspace's zone already
    today = timezone.localdate()
    AuthorDay.objects.bulk_create(
        AuthorDay(
            workspace=acme, topic=topic, day=today - timedelta(days=d), network="mastodon",
            author_handle=f"@a{n}", author_name=f"A{n}", count=1 + n % 3,
        )
        for topic in (acme_topics["brand"], acme_topics["rival"], other)
        for d in range(90)
        for n in range(8)
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE listening_authorday")
    period = stats.period_of(30)

    rows = stats.author_totals(acme, acme_topics["brand"], period)
    sql, params = rows[:10].query.sql_with_params()
    plan = _plan(sql, list(params))

    # The covering (workspace, topic, day, …) index, or on PostgreSQL before a vacuum the
    # unique (topic, day, …) one: this topic's days (the covering read: the next test).
    assert "COVERING INDEX listening_author_covering" in plan or (
        connection.vendor == "postgresql" and "listening_author_" in plan
    ), plan
    assert "workspace_id=? AND day" not in plan  # not every topic's days of the period
    assert "listening_mention" not in sql  # no link or mention is read
    top = stats.top_authors(acme, acme_topics["brand"], period)
    assert [(a["author_handle"], a["n"]) for a in top[:3]] == [
        ("@a2", 90),
        ("@a5", 90),
        ("@a1", 60),
    ]
    assert isinstance(period.dates()[0], date)


@pytest.mark.django_db(transaction=True)  # VACUUM cannot run inside a transaction
def test_the_top_authors_are_read_from_the_covering_index_alone(acme, acme_topics):
    """At 10M mentions one topic's month is ~62,000 author days: reading each from the table
    cost PostgreSQL 58,000 buffers (333 ms). Once vacuumed (as autovacuum does, migration
    0013 makes it do so after 1 % of the table changed) the index answers it alone."""
    from koers.listening import stats
    from koers.listening.models import AuthorDay
    from koers.listening.rollups import daily_rollups_ready

    daily_rollups_ready(acme)
    today = timezone.localdate()
    AuthorDay.objects.bulk_create(
        AuthorDay(
            workspace=acme, topic=topic, day=today - timedelta(days=d), network="bluesky",
            author_handle=f"a{n}.bsky.social", author_name=f"Auteur {n}", count=1 + n % 4,
        )
        for topic in acme_topics.values()
        for d in range(60)
        for n in range(40)
    )  # fmt: skip
    sql, params = stats.author_totals(acme, acme_topics["brand"], stats.period_of(30))[
        :10
    ].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING COVERING INDEX listening_author_covering" in plan, plan
        else:
            cursor.execute("VACUUM ANALYZE listening_authorday")
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_bitmapscan = off")
            try:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
                plan = " | ".join(str(row[0]) for row in cursor.fetchall())
            finally:
                cursor.execute("RESET enable_seqscan")
                cursor.execute("RESET enable_bitmapscan")
            assert "Index Only Scan using listening_author_covering" in plan, plan
            assert "Heap Fetches: 0" in plan, plan
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'listening_authorday'")
            options = cursor.fetchone()[0]
            assert "autovacuum_vacuum_insert_scale_factor=0.01" in options, options
    top = stats.top_authors(acme, acme_topics["brand"], stats.period_of(30), limit=3)
    assert [(a["author_handle"], a["n"], a["name"]) for a in top] == [
        ("a11.bsky.social", 120, "Auteur 11"),
        ("a15.bsky.social", 120, "Auteur 15"),
        ("a19.bsky.social", 120, "Auteur 19"),
    ]


def test_the_top_hashtags_and_links_are_summed_from_the_tag_days_through_their_index(
    acme, acme_topics
):
    from koers.listening import stats
    from koers.listening.models import HASHTAG, LINK, TagDay, Topic
    from koers.listening.rollups import daily_rollups_ready

    other = Topic.objects.create(workspace=acme, name="Derde", kind="campaign", query="derde")
    daily_rollups_ready(acme)
    today = timezone.localdate()
    TagDay.objects.bulk_create(
        TagDay(
            workspace=acme, topic=topic, kind=kind, day=today - timedelta(days=d),
            value=f"{kind}{n}", count=1 + n % 3,
        )
        for topic in (acme_topics["brand"], acme_topics["rival"], other)
        for kind in (HASHTAG, LINK)
        for d in range(90)
        for n in range(8)
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE listening_tagday")
    period = stats.period_of(30)

    rows = stats.tag_totals(acme, acme_topics["brand"], period, HASHTAG)
    sql, params = rows[:10].query.sql_with_params()
    plan = _plan(sql, list(params))

    # The unique (topic, kind, day, value) index: this topic's hashtags of the period only.
    assert "listening_tag_cell" in plan or "sqlite_autoindex_listening_tagday" in plan, plan
    assert "listening_mention" not in sql  # no link or mention is read
    top = stats.top_tags(acme, acme_topics["brand"], period, HASHTAG)
    assert top[:3] == [("hashtag2", 90), ("hashtag5", 90), ("hashtag1", 60)]


def test_the_rising_terms_read_the_newest_texts_through_the_topic_index_without_a_sort(
    acme, stored
):
    from koers.listening import stats
    from koers.listening.models import Topic

    topic = Topic.objects.get(workspace=acme, name="Acme")
    texts = stats.rising_texts(acme, topic, stats.period_of(30))
    # (50 of the 500 rows here: with a limit near the table's size PostgreSQL would rightly
    # read it whole; the bench prints the plan at a million mentions.)
    sql, params = texts[:50].query.sql_with_params()

    plan = _plan(sql, list(params))

    assert "listening_link_topic_time" in plan and not _sorts(plan), plan


def test_one_topics_rollup_total_reads_only_its_own_days(acme, acme_topics):
    from koers.listening import stats
    from koers.listening.models import DailyRollup, Topic
    from koers.listening.rollups import daily_rollups_ready

    other = Topic.objects.create(workspace=acme, name="Derde", kind="campaign", query="derde")
    daily_rollups_ready(acme)
    today = timezone.localdate()
    DailyRollup.objects.bulk_create(
        DailyRollup(
            workspace=acme, topic=topic, day=today - timedelta(days=d), sentiment=sentiment,
            count=2,
        )
        for topic in (acme_topics["brand"], acme_topics["rival"], other)
        for d in range(90)
        for sentiment in ("positive", "neutral", "negative")
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE listening_dailyrollup")
    period = stats.period_of(30)
    cells = stats._days(acme, period, topic=acme_topics["brand"])
    sql, params = cells.values_list("count").query.sql_with_params()

    plan = _plan(sql, list(params))

    # The unique (topic, day, sentiment) index or (workspace, topic, day): this topic's days.
    assert "listening_daily_cell" in plan or "listening_daily_topic" in plan, plan
    assert stats.rollup_total(acme, acme_topics["brand"], period) == 30 * 3 * 2
