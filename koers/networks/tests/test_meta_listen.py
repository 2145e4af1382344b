"""Instagram hashtag search and tags on the wire, against the fake Graph API: real-shaped
answers parsed, cursor paging, the 30-hashtags-in-7-days budget, throttling and outages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from koers.networks.base import AuthError, RetryableError
from koers.networks.meta import GRAPH_VERSION, GraphClient
from koers.networks.meta_listen import (
    HashtagBudgetError,
    InstagramHashtagSource,
    MetaTagsSource,
    budget,
    media_to_incoming,
    page_post_to_incoming,
)
from koers.networks.testing.meta_listen import FakeMetaListen

V = f"/{GRAPH_VERSION}"


@pytest.fixture
def graph():
    with FakeMetaListen() as fake:
        yield fake


@pytest.fixture
def page(graph):
    return graph.add_page("Gemeente Zonnedal", instagram="zonnedal")


def client(graph, page) -> GraphClient:
    return GraphClient(graph.url, page.token, label="Instagram")


def test_hashtag_media_as_meta_documents_them_become_listening_posts():
    # The shape of GET /{hashtag-id}/recent_media?fields=id,caption,media_type,permalink,…
    media = {
        "id": "17895695668004550",
        "caption": "Shooting at the #Aurora cinema #news",
        "media_type": "IMAGE",
        "permalink": "https://www.instagram.com/p/C5abcDEF/",
        "timestamp": "2026-12-05T09:15:02+0000",
        "like_count": 12,
        "comments_count": 3,
    }
    post = media_to_incoming(media)
    assert post.network == "instagram" and post.remote_id == "17895695668004550"
    assert post.url == "https://www.instagram.com/p/C5abcDEF/"
    assert post.created_at == datetime(2026, 12, 5, 9, 15, 2, tzinfo=UTC)
    assert post.hashtags == ("Aurora", "news")
    assert post.author_handle == ""  # hashtag media carry no username
    assert post.metrics.likes == 12 and post.metrics.replies == 3
    tagged = page_post_to_incoming(
        {
            "id": "1234_5678",
            "message": "Op bezoek bij de gemeente",
            "from": {"id": "99", "name": "Bram"},
            "permalink_url": "https://www.facebook.com/1234_5678",
            "created_time": "2026-12-05T08:00:00+0000",
        }
    )
    assert tagged.network == "facebook" and tagged.author_name == "Bram"
    assert tagged.url == "https://www.facebook.com/1234_5678"


def test_recent_media_are_read_page_by_page_and_the_next_poll_reads_only_newer(graph, page):
    for i in range(7):
        graph.add_hashtag_media("aurora", f"#Aurora post {i}", age_seconds=3600 - i * 60)
    graph.add_hashtag_media("aurora", "#Aurora from yesterday", age_seconds=30 * 3600)
    source = InstagramHashtagSource(client(graph, page), page.instagram_id, "#Aurora", page_size=3)
    source_pages = []
    original = source.graph.get

    def spy(path, **params):
        source_pages.append(params.get("after"))
        return original(path, **params)

    source.graph.get = spy  # type: ignore[method-assign]
    batch = source.poll(None)
    assert sorted(p.text for p in batch.posts) == sorted(f"#Aurora post {i}" for i in range(7))
    assert len(source_pages) == 1 + 3  # the hashtag id, then three pages of recent media
    state = json.loads(batch.cursor)
    assert state["tag"] == "aurora" and state["id"] == graph.hashtag_ids["aurora"]

    graph.add_hashtag_media("aurora", "#Aurora newest", age_seconds=0)
    source_pages.clear()
    again = source.poll(batch.cursor)
    assert "#Aurora newest" in {p.text for p in again.posts}
    assert len(again.posts) <= 2  # the newest, and at most the one it resumed from
    assert graph.count("GET", f"{V}/ig_hashtag_search") == 1  # the id came from the cursor


def test_top_media_come_from_their_own_edge(graph, page):
    graph.add_hashtag_media("fietsdag", "#fietsdag rustig", likes=1, age_seconds=40 * 3600)
    graph.add_hashtag_media("fietsdag", "#fietsdag populair", likes=500, age_seconds=50 * 3600)
    source = InstagramHashtagSource(
        client(graph, page), page.instagram_id, "fietsdag", edges=("top",)
    )
    batch = source.poll(None)
    assert [p.text for p in batch.posts] == ["#fietsdag populair", "#fietsdag rustig"]
    assert graph.count("GET", f"{V}/{graph.hashtag_ids['fietsdag']}/recent_media") == 0


def test_meta_refuses_a_31st_hashtag_and_koers_reads_it_as_the_hashtag_limit(graph, page):
    graph_client = client(graph, page)
    for i in range(30):
        InstagramHashtagSource(graph_client, page.instagram_id, f"tag{i}").poll(None)
    # The same hashtag again within its 7 days costs nothing.
    InstagramHashtagSource(graph_client, page.instagram_id, "tag0").poll(None)
    with pytest.raises(RetryableError) as refused:
        InstagramHashtagSource(graph_client, page.instagram_id, "tag30").poll(None)
    assert "30 hashtags were searched in the last 7 days" in refused.value.message
    assert "(Meta error 24/2207034)" in refused.value.message
    assert refused.value.retry_after == 24 * 3600
    assert len(graph.queried(page.instagram_id)) == 30


def test_the_budget_rule_counts_unique_hashtags_in_a_rolling_week():
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    queried = {f"t{i}": now - timedelta(days=6, minutes=10 * i) for i in range(30)}
    full = budget(queried, now)
    assert full.left == 0 and not full.allows(["new"]) and full.allows(["t3", "#T4"])
    assert full.frees_at == now + timedelta(hours=19, minutes=10)  # when t29's week ends
    later = budget(queried, now + timedelta(hours=20))  # t24…t29 have left the window
    assert later.left == 6 and later.allows(["a", "b", "c", "d", "e", "f"])
    assert not later.allows(["a", "b", "c", "d", "e", "f", "g"])


def test_koers_own_refusal_asks_meta_nothing(graph, page):
    def refuse(tag: str) -> None:
        raise HashtagBudgetError(retry_after=3600)

    source = InstagramHashtagSource(
        client(graph, page), page.instagram_id, "aurora", before_query=refuse
    )
    with pytest.raises(HashtagBudgetError):
        source.poll(None)
    assert graph.count("GET", f"{V}/ig_hashtag_search") == 0


def test_a_429_with_usage_headers_is_retryable_and_the_next_poll_works(graph, page):
    graph.add_hashtag_media("aurora", "#Aurora again", age_seconds=60)
    graph.ratelimit_next(1, f"{V}/ig_hashtag_search", retry_after=600)
    graph_client = client(graph, page)
    source = InstagramHashtagSource(graph_client, page.instagram_id, "aurora")
    with pytest.raises(RetryableError) as throttled:
        source.poll(None)
    assert throttled.value.retry_after == 600.0  # from X-Business-Use-Case-Usage
    assert "x-app-usage" in graph_client.usage
    assert [p.text for p in source.poll(None).posts] == ["#Aurora again"]


def test_an_outage_is_retryable(graph, page):
    graph.fail_next(1, status=503, path_prefix=f"{V}/ig_hashtag_search")
    with pytest.raises(RetryableError):
        InstagramHashtagSource(client(graph, page), page.instagram_id, "aurora").poll(None)


def test_without_public_content_access_the_account_must_be_fixed(graph, page):
    graph.public_content_access = False
    with pytest.raises(AuthError) as refused:
        InstagramHashtagSource(client(graph, page), page.instagram_id, "aurora").poll(None)
    assert "a permission is missing" in refused.value.message


def test_tags_of_the_account_and_the_page_are_read_with_their_permalinks(graph, page):
    media_id = graph.tag_account(page.instagram_id, "Dank @zonnedal!", username="anna")
    post_id = graph.tag_page(page.page_id, "Bij Gemeente Zonnedal", sender="Bram")
    source = MetaTagsSource(client(graph, page), page.instagram_id, page_id=page.page_id)
    batch = source.poll(None)
    by_network = {p.network: p for p in batch.posts}
    assert by_network["instagram"].remote_id == media_id
    assert by_network["instagram"].author_handle == "@anna"
    assert by_network["instagram"].url.startswith("https://www.instagram.com/p/")
    assert by_network["facebook"].remote_id == post_id
    assert by_network["facebook"].url == f"https://www.facebook.com/{post_id}"
    assert set(json.loads(batch.cursor)) == {"instagram", "facebook"}
