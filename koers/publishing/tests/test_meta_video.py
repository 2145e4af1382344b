"""Videos attached through the post page's media form go to Facebook (as a Page video) and
Instagram (as a reel) exactly once; a video Instagram would refuse (too long, too big, by the
limits meta.py declares) is stopped by the policy check with a translated reason."""

from __future__ import annotations

import struct
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from koers.networks.catalog import capabilities
from koers.networks.testing.meta import FakeGraph
from koers.publishing import actions, dispatch, policy
from koers.publishing.models import Channel, DeliveryState, State
from koers.publishing.tests.test_meta import V, _channels
from koers.publishing.videofacts import video_seconds


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4(seconds: float, *, padding: int = 2000, moov_last: bool = False) -> bytes:
    """A small MP4 as a camera writes it: ``ftyp``, ``moov`` with its ``mvhd`` (timescale
    1000), ``mdat``; the ``moov`` before or after the media data."""
    mvhd = _box(
        b"mvhd",
        b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, int(seconds * 1000)) + b"\x00" * 80,
    )
    ftyp = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    moov = _box(b"moov", mvhd)
    mdat = _box(b"mdat", b"\x00" * padding)
    return ftyp + (mdat + moov if moov_last else moov + mdat)


@pytest.fixture
def graph(settings):
    with FakeGraph() as fake:
        fake.fetch_media = False
        settings.KOERS_META_URL = fake.url
        yield fake


@pytest.fixture
def fb_page(graph):
    return graph.add_page("Gemeente Zonnedal", instagram="zonnedal")


@pytest.fixture
def facebook(acme, anna, graph, fb_page) -> Channel:
    return _channels(acme, anna, graph, fb_page)[0]


@pytest.fixture
def instagram(facebook) -> Channel:
    return Channel.objects.get(workspace=facebook.workspace, network="instagram")


def _attach(client_for, anna, item, data: bytes, name: str = "film.mp4") -> None:
    client = client_for(anna)
    url = reverse("publishing:media-add", args=[item.workspace.slug, item.pk])
    upload = SimpleUploadedFile(name, data, content_type="video/mp4")
    client.post(url, {"file": upload, "alt_text": "de opening"})
    assert list(item.media.values_list("mime_type", flat=True)) == ["video/mp4"]


def _publish(item):
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    return [dispatch.publish_delivery(d.pk) for d in item.deliveries.all()]


def test_the_length_of_an_mp4_is_read_from_its_moov_box_wherever_it_is(tmp_path):
    for moov_last in (False, True):
        path = tmp_path / f"v{moov_last}.mp4"
        path.write_bytes(mp4(61.5, moov_last=moov_last))
        with path.open("rb") as handle:
            assert video_seconds(handle) == 61.5
    path.write_bytes(b"\x1a\x45\xdf\xa3webm" + b"\x00" * 50)
    with path.open("rb") as handle:
        assert video_seconds(handle) is None


def test_a_facebook_video_from_the_form_is_published_once(
    client_for, anna, plan, facebook, graph, fb_page
):
    item = plan([facebook], text="De opening van het zwembad", approve=False)
    _attach(client_for, anna, item, mp4(30))
    item = actions.approve_item(item, anna)

    assert _publish(item) == ["published"]

    delivery = item.deliveries.get()
    assert delivery.state == DeliveryState.PUBLISHED
    assert [p["message"] for p in fb_page.posts] == ["De opening van het zwembad"]
    assert delivery.remote_id == fb_page.posts[0]["id"]
    assert graph.count("POST", f"{V}/{fb_page.page_id}/videos") == 1
    assert graph.count("POST", f"{V}/{fb_page.page_id}/feed") == 0
    assert _publish(item) == ["not-claimed"]  # published already: never twice
    assert graph.count("POST", f"{V}/{fb_page.page_id}/videos") == 1


def test_an_instagram_reel_from_the_form_is_published_once_after_processing(
    client_for, anna, plan, instagram, graph, fb_page
):
    graph.reel_polls = 2
    item = plan([instagram], text="Zomer in Zonnedal #zomer", approve=False)
    _attach(client_for, anna, item, mp4(45))
    item = actions.approve_item(item, anna)

    assert _publish(item) == ["published"]

    delivery = item.deliveries.get()
    media = graph.ig_media[fb_page.instagram_id]
    assert len(media) == 1 and media[0]["media_type"] == "REELS"
    assert delivery.remote_id == media[0]["id"]
    [container_id] = list(graph.containers)
    assert graph.containers[container_id]["polls_left"] == 0  # polled until FINISHED
    assert graph.count("GET", f"{V}/{container_id}") == 3  # 2 × IN_PROGRESS, then FINISHED
    assert graph.count("POST", f"{V}/{fb_page.instagram_id}/media_publish") == 1


def _instagram_video_blockers(item) -> list:
    return [
        f
        for f in policy.findings(item)
        if f.rule == "network_media" and f.blocks and f.params["network"] == "Instagram"
    ]


def test_a_video_too_long_for_instagram_is_refused_in_dutch_before_anything_is_sent(
    client_for, anna, plan, instagram, graph
):
    limit = capabilities("instagram").limits.max_video_seconds
    item = plan([instagram], text="De hele raadsvergadering", approve=False)
    _attach(client_for, anna, item, mp4(limit + 1))

    [finding] = _instagram_video_blockers(item)
    assert finding.params["key"] == "video_length"
    assert f"duurt {limit + 1} seconden, Instagram staat er {limit} toe" in finding.message("nl")
    item = actions.approve_item(item, anna)  # approved, but not scheduled: it would fail
    assert item.state == State.APPROVED
    with translation.override("nl"):
        assert any("Instagram staat er" in r for r in actions.why_not_scheduled(item))
    _publish(item)
    assert item.deliveries.filter(state=DeliveryState.PUBLISHED).count() == 0
    assert graph.requests == []


def test_a_video_too_big_for_instagram_is_refused_in_dutch(
    client_for, anna, plan, instagram, graph
):
    limit = capabilities("instagram").limits.max_video_bytes
    item = plan([instagram], text="Een grote film", approve=False)
    _attach(client_for, anna, item, mp4(30))
    # Grow the stored file past Instagram's limit without writing a gigabyte (a sparse file).
    media = item.media.get()
    with open(media.file.path, "r+b") as handle:
        handle.truncate(limit + 1)

    [finding] = _instagram_video_blockers(item)
    assert finding.params["key"] == "video_size"
    mb = limit // (1024 * 1024)
    assert f"video 1 is {mb + 1} MB, Instagram staat {mb} MB toe" in finding.message("nl")
    assert graph.requests == []
