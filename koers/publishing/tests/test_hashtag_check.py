"""The #Aurora check on the approval and edit pages: read in a task from the fake networks and
the listening data, shown per hashtag, never blocking an approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koers.listening import hashtag_budget
from koers.listening.models import HashtagQuery, Mention
from koers.networks.meta import GRAPH_VERSION
from koers.networks.testing.meta_listen import FakeMetaListen
from koers.publishing import actions, hashtags, tasks
from koers.publishing.connect import Account
from koers.publishing.models import HashtagCheck, State

SHOOTING = [
    "Shooting at the #Aurora cinema, victims taken to hospital",
    "Thoughts with the victims of the #Aurora shooting",
    "#Aurora police confirm the shooting suspect was arrested",
    "Cinema shooting in #Aurora: what we know so far",
    "Hospital says #Aurora shooting victims are stable",
    "Terrible news from the #Aurora cinema shooting",
]


def url(name: str, item_id: int) -> str:
    return reverse(f"publishing:{name}", args=["acme", item_id])


def test_the_check_reads_mastodon_bluesky_and_listening_and_warns_for_the_aurora_case(
    acme, plan, mastodon, bluesky, mastodon_server, bluesky_server
):
    for text in SHOOTING[:3]:
        mastodon_server.add_remote_status(text, tags=["Aurora"], language="en")
    for text in SHOOTING[3:5]:
        bluesky_server.add_post("news.bsky.social", text, langs=["en"])
    Mention.objects.create(
        workspace=acme, network="mastodon", remote_id="m1", text=SHOOTING[5], text_hash="x",
        lang="en", sentiment="negative", published_at=timezone.now() - timedelta(hours=2),
        hashtags=["aurora"],
    )  # fmt: skip
    bluesky_server.add_post("other.bsky.social", "Nothing about it at all", langs=["en"])
    item = plan([mastodon], text="Shop de nieuwe #Aurora jurk in onze webwinkel", approve=False)
    assert not HashtagCheck.objects.filter(tag="aurora").exists()

    assert tasks.check_hashtag.call(acme.pk, "aurora") == 6

    row = HashtagCheck.objects.get(workspace=acme, tag="aurora")
    assert row.summary["per_source"] == {"Mastodon": 3, "Bluesky": 2, "listening": 1}
    assert row.summary["top_words"][0] == ["shooting", 6]
    assert row.failed == []
    (state,) = hashtags.states(item)
    assert state.state == "checked"
    assert state.verdict.busy and state.verdict.unrelated
    assert state.verdict.negative  # the lexicon scores these as negative


def test_a_related_tag_gives_no_warning(acme, plan, mastodon, mastodon_server):
    for i in range(6):
        mastodon_server.add_remote_status(
            f"Mooie #fietsdag in de regio, fietsen en routes {i}", tags=["fietsdag"]
        )
    item = plan([mastodon], text="Doe mee met de #fietsdag: nieuwe routes", approve=False)
    tasks.check_hashtag.call(acme.pk, "fietsdag")
    (state,) = hashtags.states(item)
    assert state.verdict.busy and not state.verdict.warn
    assert "routes" in state.verdict.shared_words


def test_a_network_error_is_named_and_the_other_sources_still_count(
    acme, plan, mastodon, bluesky, mastodon_server, bluesky_server
):
    bluesky_server.add_post("news.bsky.social", "#Aurora shooting", langs=["en"])
    mastodon_server.fail_next(5, status=503, path_prefix="/api/v1/timelines/tag")
    tasks.check_hashtag.call(acme.pk, "aurora")
    row = HashtagCheck.objects.get(workspace=acme, tag="aurora")
    assert row.failed == ["Mastodon"]
    assert row.summary["per_source"] == {"Bluesky": 1}


def test_the_page_asks_for_a_check_in_the_background_and_shows_it_when_done(
    client_for, anna, acme, plan, mastodon, mastodon_server, django_capture_on_commit_callbacks
):
    for text in SHOOTING:
        mastodon_server.add_remote_status(text, tags=["Aurora"], language="en")
    item = plan([mastodon], text="Shop de #Aurora jurk", approve=False)
    client = client_for(anna)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.get(url("item", item.pk)).content.decode()
    assert "checking…" in page or "controleren…" in page
    assert "hx-get" in page and url("item-hashtags", item.pk) in page
    assert len(callbacks) == 1  # the task is queued, the page did not wait for the network
    assert HashtagCheck.objects.get(tag="aurora").checked_at is None

    tasks.check_hashtag.call(acme.pk, "aurora")
    fragment = client.get(url("item-hashtags", item.pk), HTTP_HX_REQUEST="true").content.decode()
    assert 'role="alert"' in fragment and "shooting (6)" in fragment
    assert "hx-get" not in fragment  # done: no more polling
    edit = client.get(url("item-edit", item.pk)).content.decode()
    assert "shooting (6)" in edit


def test_a_check_that_never_answers_says_could_not_check_and_approval_still_works(
    client_for, anna, acme, plan, mastodon, django_capture_on_commit_callbacks
):
    item = plan([mastodon], text="Open dag #fietsen", approve=False)
    HashtagCheck.objects.create(
        workspace=acme, tag="fietsen", requested_at=timezone.now() - timedelta(minutes=5)
    )
    (state,) = hashtags.states(item)
    assert state.state == "could_not_check" and state.verdict is None
    client = client_for(anna)
    assert "could not check" in client.get(url("item", item.pk)).content.decode().casefold() or (
        "kon niet controleren" in client.get(url("item", item.pk)).content.decode().casefold()
    )
    response = client.post(url("item-approve", item.pk))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state in (State.APPROVED, State.SCHEDULED)


def test_a_fresh_check_is_reused_and_a_stale_one_is_asked_again(
    acme, plan, mastodon, django_capture_on_commit_callbacks
):
    item = plan([mastodon], text="Open dag #fietsen", approve=False)
    now = timezone.now()
    row = HashtagCheck.objects.create(
        workspace=acme, tag="fietsen", checked_at=now - timedelta(minutes=5),
        summary={"tag": "fietsen", "posts": 0, "window_hours": 24, "top_words": [],
                 "sentiment": {}, "per_source": {}},
    )  # fmt: skip
    with django_capture_on_commit_callbacks() as callbacks:
        assert hashtags.states(item, now=now)[0].state == "checked"
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        later = now + timedelta(minutes=20)
        assert hashtags.states(item, now=later)[0].state == "checking"
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.requested_at == later


def test_outsiders_cannot_read_a_workspaces_hashtag_check(client_for, carla, plan, mastodon):
    item = plan([mastodon], text="Open dag #fietsen", approve=False)
    assert client_for(carla).get(url("item-hashtags", item.pk)).status_code == 404


# ---------------------------------------------------------------------------------------------
# Instagram (issue #17): recent media of the hashtag, within the account's hashtag budget
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def graph():
    with FakeMetaListen() as fake:
        yield fake


@pytest.fixture
def instagram(acme, anna, graph):
    page = graph.add_page("Gemeente Zonnedal", instagram="zonnedal")
    (channel,) = actions.connect_oauth_channels(
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


def test_the_check_also_reads_instagram_recent_media_of_the_tag(
    acme, plan, mastodon, mastodon_server, graph, instagram
):
    for text in SHOOTING[:2]:
        mastodon_server.add_remote_status(text, tags=["Aurora"], language="en")
    for text in SHOOTING[2:6]:
        graph.add_hashtag_media("aurora", text, age_seconds=1800)
    graph.add_hashtag_media("aurora", "#Aurora two days ago", age_seconds=48 * 3600)
    item = plan([mastodon], text="Shop de nieuwe #Aurora jurk in onze webwinkel", approve=False)

    assert tasks.check_hashtag.call(acme.pk, "aurora") == 6

    row = HashtagCheck.objects.get(workspace=acme, tag="aurora")
    assert row.summary["per_source"] == {"Mastodon": 2, "Instagram": 4}
    assert row.failed == []
    (state,) = hashtags.states(item)
    assert state.verdict.busy and state.verdict.unrelated
    account = instagram.extra["ig_user_id"]
    assert list(HashtagQuery.objects.filter(account_id=account).values_list("tag", flat=True)) == [
        "aurora"
    ]


def test_the_check_keeps_to_the_instagram_hashtag_budget(acme, graph, instagram):
    account = instagram.extra["ig_user_id"]
    for i in range(30):
        hashtag_budget.reserve(account, f"tag{i}")
    graph.add_hashtag_media("aurora", SHOOTING[0], age_seconds=60)

    tasks.check_hashtag.call(acme.pk, "aurora")

    row = HashtagCheck.objects.get(workspace=acme, tag="aurora")
    assert row.failed == [instagram.name]  # named as "could not check", nothing blocked
    assert row.summary["per_source"] == {}
    assert graph.count("GET", f"/{GRAPH_VERSION}/ig_hashtag_search") == 0
    assert not HashtagQuery.objects.filter(tag="aurora").exists()
