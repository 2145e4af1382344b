"""A YouTube channel in koers: connecting through Google, uploading through the real
dispatcher (resumable, exactly once), the video's own details, and what breaks a channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from koers.core import neterrors
from koers.networks.testing.youtube import FakeYouTube
from koers.networks.youtube import YouTubePublisher
from koers.publishing import actions, connect, dispatch, oauth, policy
from koers.publishing.adapters import publisher_for
from koers.publishing.models import (
    Channel,
    ContentItem,
    DeliveryState,
    Health,
    Network,
    NetworkApp,
    Provider,
)
from koers.publishing.youtube import FLOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(settings):
    server = FakeYouTube()
    server.start()
    settings.KOERS_YOUTUBE_URL = server.url  # sign-in, token and API all on the fake
    yield server
    server.stop()


@pytest.fixture
def app(fake) -> NetworkApp:
    network_app = NetworkApp(provider=Provider.GOOGLE, client_id=fake.client_id)
    network_app.set_client_secret(fake.client_secret)
    network_app.save()
    return network_app


@pytest.fixture
def channel(acme, fake, app) -> Channel:
    tokens = fake.issue_tokens()
    made = Channel(
        workspace=acme,
        network=Network.YOUTUBE,
        name="YouTube",
        endpoint=fake.url,
        handle="@gemeentekoers",
        account_id=fake.channel_id,
        extra={"channel_id": fake.channel_id, "token_url": fake.url + "/token"},
    )
    made.set_secret(tokens["access_token"])
    made.set_refresh_token(tokens["refresh_token"])
    made.save()
    return made


def _video_item(plan, anna, channel: Channel, **options) -> ContentItem:
    item = plan(
        [channel], text="Wat de gemeente deze week doet.", title="Weekvlog 12", approve=False
    )
    if options:
        ContentItem.objects.filter(pk=item.pk).update(options=options)
    actions.add_media(
        item,
        anna,
        upload=SimpleUploadedFile("vlog.mp4", b"\x00" * 300_000, content_type="video/mp4"),
        alt_text="vlog",
    )
    item = actions.approve_item(ContentItem.objects.get(pk=item.pk), anna)
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    return item


def test_the_google_flow_is_registered_and_asks_offline_access_with_pkce(app) -> None:
    assert connect.flow_for("google") is FLOW
    asked = FLOW.authorize(app, {"publish", "comments"})
    assert asked.pkce and asked.params["access_type"] == "offline"
    assert asked.params["prompt"] == "consent"
    assert {s.rsplit("/", 1)[1] for s in asked.scopes} == {
        "youtube.upload",
        "youtube.readonly",
        "youtube.force-ssl",
    }


def test_connecting_lists_the_accounts_channel_and_its_publisher_works(app, fake, acme) -> None:
    session = SessionStore()
    request = RequestFactory().get("/connect/google/start/")
    request.session = session
    asked = FLOW.authorize(app, {"publish"})
    url = oauth.start(
        request,
        provider="google",
        workspace_id=acme.pk,
        authorize_url=asked.url,
        client_id=app.client_id,
        scopes=asked.scopes,
        pkce=asked.pkce,
        params=asked.params,
    )
    answer = httpx.get(url, follow_redirects=False)
    back = parse_qs(urlsplit(answer.headers["location"]).query)
    callback_request = RequestFactory().get(
        "/connect/google/callback/", {"code": back["code"][0], "state": back["state"][0]}
    )
    callback_request.session = session
    grant = FLOW.exchange(app, oauth.finish(callback_request, "google"))
    assert grant.refresh_token  # access_type=offline
    [account] = FLOW.accounts(app, grant)
    assert (account.remote_id, account.name) == (fake.channel_id, "Gemeente Koers")
    assert account.extra["uploads_playlist"] == fake.uploads_playlist
    made = Channel(
        workspace=acme,
        network=Network.YOUTUBE,
        name=account.name,
        endpoint=account.endpoint,
        handle=account.handle,
        extra=account.extra,
    )
    made.set_secret(account.access_token)
    made.set_refresh_token(account.refresh_token)
    made.save()
    publisher = publisher_for(Channel.objects.get(pk=made.pk))
    assert isinstance(publisher, YouTubePublisher)
    assert publisher.check_connection().account == "Gemeente Koers"


def test_a_video_goes_up_with_its_own_title_tags_privacy_and_publish_time(
    plan, anna, channel, fake
) -> None:
    public_from = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    item = _video_item(
        plan,
        anna,
        channel,
        title="Weekvlog 12: de nieuwe brug",
        tags=["gemeente", "nieuwe brug"],
        privacy="unlisted",
        publish_at=public_from.isoformat(),
    )
    delivery = item.deliveries.get()

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    video = fake.videos[delivery.remote_id]
    assert video["snippet"]["title"] == "Weekvlog 12: de nieuwe brug"
    assert video["snippet"]["description"] == "Wat de gemeente deze week doet."
    assert video["snippet"]["tags"] == ["gemeente", "nieuwe brug"]
    assert video["status"]["privacyStatus"] == "private"  # scheduled: private until then
    assert video["status"]["publishAt"] == public_from.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert delivery.progress == {"video": delivery.remote_id}
    assert delivery.remote_url == f"https://www.youtube.com/watch?v={delivery.remote_id}"


def test_without_details_the_idea_is_the_title_and_the_video_is_public(
    plan, anna, channel, fake
) -> None:
    item = _video_item(plan, anna, channel)
    delivery = item.deliveries.get()
    assert dispatch.publish_delivery(delivery.pk) == "published"
    video = fake.videos[item.deliveries.get().remote_id]
    assert video["snippet"]["title"] == "Weekvlog 12"
    assert video["status"]["privacyStatus"] == "public" and "publishAt" not in video["status"]


def test_a_failed_upload_resumes_its_session_and_makes_one_video(plan, anna, channel, fake) -> None:
    item = _video_item(plan, anna, channel)
    delivery = item.deliveries.get()
    fake.fail_next(1, status=503, path_prefix="/upload/session/")

    assert dispatch.publish_delivery(delivery.pk) == "retry"
    delivery.refresh_from_db()
    # The session's address takes bytes without a token: it is kept encrypted.
    assert "session" not in delivery.progress and fake.url not in str(delivery.progress)
    saved = dispatch.DeliveryCheckpoint(delivery).data
    assert saved["session"].startswith(fake.url + "/upload/session/")

    delivery.next_try_at = None
    delivery.save(update_fields=["next_try_at"])
    assert dispatch.publish_delivery(delivery.pk) == "published"
    assert len(fake.videos) == 1 and len(fake.sessions) == 1
    assert fake.count("POST", "/upload/youtube/v3/videos") == 1


def test_failed_processing_fails_the_delivery_with_youtubes_reason(
    plan, anna, channel, fake
) -> None:
    item = _video_item(plan, anna, channel)
    fake.fail_processing = "failed"
    assert dispatch.publish_delivery(item.deliveries.get().pk) == "failed"
    delivery = item.deliveries.get()
    assert delivery.state == DeliveryState.FAILED
    assert "could not process the video (failed: codec)" in delivery.error
    with translation.override("nl"):
        assert "kon de video niet verwerken" in neterrors.translate(delivery.error)


def test_a_revoked_access_breaks_the_channel_with_a_translated_reason(
    plan, anna, channel, fake
) -> None:
    item = _video_item(plan, anna, channel)
    fake.revoke(str(channel.refresh_token))

    assert dispatch.publish_delivery(item.deliveries.get().pk) == "failed"

    channel.refresh_from_db()
    assert channel.health == Health.BROKEN
    assert "revoked" in channel.health_reason
    with translation.override("nl"):
        assert "ingetrokken" in neterrors.translate(channel.health_reason)
    assert not fake.videos


def test_an_expired_access_token_is_renewed_and_stored_before_the_upload(
    plan, anna, channel, fake
) -> None:
    item = _video_item(plan, anna, channel)
    old = channel.secret
    fake.expire_token(old)
    assert dispatch.publish_delivery(item.deliveries.get().pk) == "published"
    channel.refresh_from_db()
    assert channel.secret != old and channel.extra["access_expires_at"]
    assert channel.health != Health.BROKEN


def test_a_used_up_quota_waits_until_midnight_pacific_and_says_so(
    plan, anna, channel, fake
) -> None:
    item = _video_item(plan, anna, channel)
    fake.quota_exceeded = True
    assert dispatch.publish_delivery(item.deliveries.get().pk) == "retry"
    delivery = item.deliveries.get()
    assert delivery.next_try_at is not None
    assert delivery.next_try_at > datetime.now(UTC) + timedelta(seconds=50)
    assert "10,000" in delivery.error and "1,600" in delivery.error
    with translation.override("nl"):
        assert "quotum" in neterrors.translate(delivery.error)
    assert not fake.videos


def test_policy_checks_youtubes_limits_with_translated_reasons(plan, anna, channel) -> None:
    item = plan([channel], text="Lees <hier> " + "é" * 2500, title="t" * 101, approve=False)
    item.options = {
        "tags": [f"tag nummer {n}" for n in range(40)],
        "publish_at": (item.scheduled_at - timedelta(hours=1)).isoformat(),
    }
    item.save(update_fields=["options"])
    found = [f for f in policy.findings(item) if f.rule == "video_details"]
    keys = {f.params["key"] for f in found}
    assert keys == {
        "video_title_long",
        "video_description_long",
        "video_tags_long",
        "video_forbidden",
        "video_publish_early",
    }
    assert all(f.blocks for f in found)
    dutch = {f.params["key"]: f.message("nl") for f in found}
    assert "videotitel is 101 tekens" in dutch["video_title_long"]
    assert "YouTube weigert < >" in dutch["video_forbidden"]


def test_the_form_offers_video_details_only_with_a_channel_that_takes_them(
    client_for, anna, acme, hook
) -> None:
    url = reverse("publishing:item-new", args=["acme"])
    html = client_for(anna).get(url).content.decode()
    assert 'name="video_title"' not in html


def test_the_form_stores_the_video_details_in_utc(client_for, anna, acme, channel) -> None:
    url = reverse("publishing:item-new", args=["acme"])
    client = client_for(anna)
    html = client.get(url).content.decode()
    assert 'name="video_title"' in html and 'name="video_publish_at"' in html
    response = client.post(
        url,
        {
            "title": "Weekvlog",
            "text": "Beschrijving",
            "category": "promotion",
            "channels": [channel.pk],
            "video_title": "Weekvlog 13",
            "video_tags": "gemeente, nieuwe brug, ",
            "video_privacy": "unlisted",
            "video_publish_at": "2030-05-04T15:30",
        },
    )
    assert response.status_code == 302
    item = ContentItem.objects.get(title="Weekvlog")
    zone = acme.time_zone
    expected = (
        datetime(2030, 5, 4, 15, 30, tzinfo=__import__("zoneinfo").ZoneInfo(zone))
        .astimezone(UTC)
        .isoformat()
    )
    assert item.options == {
        "title": "Weekvlog 13",
        "tags": ["gemeente", "nieuwe brug"],
        "privacy": "unlisted",
        "publish_at": expected,
    }
    edit = client.get(reverse("publishing:item-edit", args=["acme", item.pk])).content.decode()
    assert 'value="2030-05-04T15:30"' in edit and 'value="Weekvlog 13"' in edit


def test_the_item_page_shows_the_video_details(client_for, anna, acme, plan, channel) -> None:
    item = plan([channel], title="Weekvlog", approve=False)
    item.options = {
        "title": "Weekvlog 14",
        "tags": ["gemeente", "brug"],
        "privacy": "unlisted",
        "publish_at": "2030-05-04T13:30:00+00:00",
    }
    item.save(update_fields=["options"])
    client = client_for(anna)
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("publishing:item", args=["acme", item.pk])).content.decode()
    local = item.video_public_from
    assert local is not None
    assert "Weekvlog 14 · gemeente, brug · Verborgen (alleen wie de link heeft)" in page
    assert f"Openbaar vanaf {local:%Y-%m-%d %H:%M}" in page


MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def test_a_video_can_be_attached_on_the_post_page_and_an_unknown_file_cannot(
    client_for, anna, acme, plan, channel, settings
) -> None:
    item = plan([channel], title="Weekvlog", approve=False)
    client = client_for(anna)
    url = reverse("publishing:media-add", args=["acme", item.pk])
    video = SimpleUploadedFile("vlog.bin", MP4_HEAD + b"\x00" * 5000, content_type="text/plain")
    client.post(url, {"file": video, "alt_text": "vlog"})
    client.post(url, {"file": SimpleUploadedFile("x.mp4", b"not a video", "video/mp4")})
    assert list(item.media.values_list("mime_type", flat=True)) == ["video/mp4"]
    page = client.get(reverse("publishing:item", args=["acme", item.pk])).content.decode()
    assert "<video " in page
    settings.KOERS_MAX_UPLOAD_MB = 0  # the form's own limit (the request limit is larger)
    big = SimpleUploadedFile("big.mp4", MP4_HEAD + b"\x00" * 100, "video/mp4")
    client.post(url, {"file": big, "alt_text": "te groot"})
    assert item.media.count() == 1


def test_the_features_and_the_google_setup_steps_say_quota_and_audit_in_dutch(
    client_for, anna, acme
) -> None:
    from koers.publishing.youtube import FEATURES

    with translation.override("nl"):
        labels = [translation.gettext(f.label) for f in FEATURES]
        upload = translation.gettext(FEATURES[0].explanation)
    assert labels == ["Video's uploaden", "Reacties lezen en beantwoorden"]
    assert "1.600" in upload and "10.000" in upload
    client = client_for(anna)
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("publishing:network-apps", args=["acme"])).content.decode()
    assert "YouTube Data API v3" in page
    assert "/connect/google/callback/" in page
    assert "blijft elke video die erdoor wordt geüpload privé" in page
    assert "een upload kost er 1.600" in page


def _settle(delivery, rounds: int) -> None:
    """Let time pass and the worker and recovery run until the delivery has an outcome."""
    import time_machine
    from django.utils import timezone

    for _round in range(rounds):
        delivery.refresh_from_db()
        if delivery.state in (DeliveryState.PUBLISHED, DeliveryState.FAILED):
            return
        later = max(delivery.next_try_at or timezone.now(), timezone.now()) + timedelta(hours=2)
        with time_machine.travel(later, tick=True):
            dispatch.queue_due()
            dispatch.publish_delivery(delivery.pk)
            dispatch.recover()


def test_under_a_seeded_hostile_youtube_every_video_exists_exactly_once(
    plan, anna, channel, fake, monkeypatch
) -> None:
    from koers.networks.testing.server import FaultPlan
    from koers.publishing import adapters
    from koers.publishing.models import Delivery

    monkeypatch.setattr(adapters, "TIMEOUT_SECONDS", 1.0)
    items = []
    for number in range(5):
        item = plan([channel], text=f"Aflevering {number}", title=f"Vlog {number}", approve=False)
        actions.add_media(
            item,
            anna,
            upload=SimpleUploadedFile("v.mp4", b"\x00" * 1000, content_type="video/mp4"),
            alt_text="vlog",
        )
        items.append(actions.approve_item(ContentItem.objects.get(pk=item.pk), anna))
    fake.faults = FaultPlan.parse(
        "drop=0.15,drop503=0.1,fail=0.1,ratelimit=0.1,delay=0.05:1.5,seed=20261205,only=/upload/"
    )
    dispatch.queue_due(now=max(i.scheduled_at for i in items) + timedelta(minutes=1))

    for delivery in Delivery.objects.all():
        dispatch.publish_delivery(delivery.pk)
    for delivery in Delivery.objects.all():
        _settle(delivery, rounds=20)

    deliveries = list(Delivery.objects.all())
    assert [(d.state, d.error) for d in deliveries if d.state != DeliveryState.PUBLISHED] == []
    assert sorted(v["snippet"]["title"] for v in fake.videos.values()) == [
        f"Vlog {n}" for n in range(5)
    ]
    assert {d.remote_id for d in deliveries} == set(fake.videos)
    assert sum(fake.injected.values()) > 2  # the network really was hostile


def test_a_worker_that_died_mid_upload_is_recovered_by_resuming_its_session(
    plan, anna, channel, fake
) -> None:
    from django.utils import timezone

    from koers.publishing.models import Delivery

    item = _video_item(plan, anna, channel)  # a 300,000-byte video
    delivery = item.deliveries.get()
    # The dead worker opened the session, sent the first 100,000 bytes and saved where it was.
    opened = httpx.post(
        fake.url + "/upload/youtube/v3/videos",
        params={"uploadType": "resumable", "part": "snippet,status"},
        json={"snippet": {"title": "Weekvlog 12"}, "status": {"privacyStatus": "public"}},
        headers={
            "Authorization": f"Bearer {channel.secret}",
            "X-Upload-Content-Length": "300000",
        },
    )
    session = opened.headers["location"]
    first = httpx.put(
        session,
        content=b"\x00" * 100_000,
        headers={"Content-Range": "bytes 0-99999/300000"},
    )
    assert first.status_code == 308 and first.headers["range"] == "bytes=0-99999"
    assert dispatch.claim(delivery.pk, "dead-worker")
    Delivery.objects.filter(pk=delivery.pk).update(
        progress={"session": session, "offset": "100000"},
        lease_until=timezone.now() - timedelta(minutes=1),
    )

    dispatch.recover()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PUBLISHED
    assert list(fake.videos) == [delivery.remote_id]
    assert fake.videos[delivery.remote_id]["_bytes"] == 300_000
    assert fake.count("POST", "/upload/youtube/v3/videos") == 1  # no second session
    sent = [r for r in fake.requests if r.method == "PUT" and r.body]
    assert [len(r.body) for r in sent] == [100_000, 200_000]  # only the missing bytes


def test_a_post_for_youtube_without_a_video_or_with_an_image_is_blocked(
    plan, anna, channel
) -> None:
    from koers.publishing.tests.test_meta import jpeg

    item = plan([channel], text="Alleen tekst", approve=False)
    found = {f.params.get("key") for f in policy.findings(item) if f.rule == "network_media"}
    assert "needs_media" in found
    actions.add_media(item, anna, upload=jpeg(), alt_text="foto")
    blocked = [f for f in policy.findings(item) if f.blocks]
    assert {f.rule for f in blocked} >= {"media_count", "network_media"}
    with translation.override("nl"):
        assert any(
            "YouTube neemt bestand 1 (image/jpeg) niet aan" in f.message("nl") for f in blocked
        )
