"""Facebook Pages, Instagram and Threads in koers: connecting through the OAuth dialog,
exactly-once publishing against the rude fake Graph API, broken channels, signed media
addresses and the per-network policy checks."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from koers.core.models import AuditEvent
from koers.networks.base import OutgoingPost
from koers.networks.meta import GRAPH_VERSION
from koers.networks.testing.meta import FakeGraph
from koers.publishing import actions, dispatch, media_urls, policy
from koers.publishing.adapters import publisher_for
from koers.publishing.connect import Account
from koers.publishing.models import Channel, DeliveryState, Health, NetworkApp

V = f"/{GRAPH_VERSION}"


@pytest.fixture
def graph(settings):
    with FakeGraph() as fake:
        fake.fetch_media = False  # no live server here; the browser test fetches for real
        settings.KOERS_META_URL = fake.url
        yield fake


@pytest.fixture
def fb_page(graph):
    return graph.add_page("Gemeente Zonnedal", instagram="zonnedal")


def _channels(acme, anna, graph, page) -> tuple[Channel, Channel]:
    common = {"endpoint": graph.url, "access_token": page.token}
    facebook, instagram = actions.connect_oauth_channels(
        acme,
        anna,
        [
            Account(
                "facebook", page.page_id, page.name, "", extra={"page_id": page.page_id}, **common
            ),
            Account(
                "instagram",
                page.instagram_id,
                "Zonnedal",
                page.instagram_username,
                extra={"ig_user_id": page.instagram_id},
                **common,
            ),
        ],
    )
    return facebook, instagram


@pytest.fixture
def facebook(acme, anna, graph, fb_page) -> Channel:
    return _channels(acme, anna, graph, fb_page)[0]


@pytest.fixture
def instagram(acme, anna, graph, fb_page) -> Channel:
    return Channel.objects.get(pk=_channels(acme, anna, graph, fb_page)[1].pk)


def jpeg(width: int = 1080, height: int = 1080) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, format="JPEG")
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def _with_images(plan, anna, channels, text, sizes):
    item = plan(channels, text=text, approve=False)
    for n, (width, height) in enumerate(sizes, start=1):
        actions.add_media(item, anna, upload=jpeg(width, height), alt_text=f"foto {n}")
    item = actions.approve_item(item, anna)
    item.refresh_from_db()
    return item


def _queue(item):
    return dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))


def _texts(graph) -> Counter[str]:
    return Counter(p["text"] for p in graph.own_posts())


# ---------------------------------------------------------------------------------------------
# Exactly once against the rude fake
# ---------------------------------------------------------------------------------------------
def test_a_facebook_post_dropped_after_receipt_is_found_not_posted_twice(
    plan, facebook, graph, fb_page
):
    item = plan([facebook], text="Het gemeentehuis is maandag dicht", first_comment="Info: 14 0")
    _queue(item)
    delivery = item.deliveries.get()
    graph.drop_next(1, f"{V}/{fb_page.page_id}/feed")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert _texts(graph)["Het gemeentehuis is maandag dicht"] == 1
    assert delivery.remote_id == fb_page.posts[0]["id"]
    assert graph.count("POST", f"{V}/{fb_page.page_id}/feed") == 1
    assert list(delivery.attempt_log.values_list("outcome", flat=True)) == ["unknown", "found"]


def test_an_instagram_carousel_dropped_at_media_publish_is_found_not_posted_twice(
    plan, anna, instagram, graph, fb_page
):
    item = _with_images(plan, anna, [instagram], "Drie foto's van de markt", [(1080, 1080)] * 3)
    _queue(item)
    delivery = item.deliveries.get()
    graph.drop_next(1, f"{V}/{fb_page.instagram_id}/media_publish")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    media = graph.ig_media[fb_page.instagram_id]
    assert len(media) == 1 and media[0]["media_type"] == "CAROUSEL"
    assert delivery.remote_id == media[0]["id"]
    assert graph.count("POST", f"{V}/{fb_page.instagram_id}/media_publish") == 1
    # The carousel container was kept on the delivery before it was published.
    assert delivery.progress["container"] in graph.containers
    # Instagram fetched each image from a signed koers address.
    creates = [r.form() for r in graph.requests if r.path.endswith("/media") and r.method == "POST"]
    urls = [c["image_url"][0] for c in creates if "image_url" in c]
    assert len(urls) == 3 and all("/m/" in u for u in urls)


def test_a_crash_between_container_and_publish_resumes_with_the_same_container(
    plan, anna, instagram, graph, fb_page
):
    item = _with_images(plan, anna, [instagram], "Na de crash", [(1080, 1350)])
    _queue(item)
    delivery = item.deliveries.get()
    graph.fail_next(1, path_prefix=f"{V}/{fb_page.instagram_id}/content_publishing_limit")

    assert dispatch.publish_delivery(delivery.pk) == "retry"
    delivery.refresh_from_db()
    saved = delivery.progress["container"]
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=True):
        assert dispatch.publish_delivery(delivery.pk) == "published"

    containers = [c for c in graph.containers.values() if c["text"] == "Na de crash"]
    assert len(containers) == 1 and graph.containers[saved]["published"]
    assert _texts(graph)["Na de crash"] == 1


# ---------------------------------------------------------------------------------------------
# Broken channels, limits, failing reels
# ---------------------------------------------------------------------------------------------
def test_a_revoked_permission_marks_the_channel_broken_with_the_translated_reason(
    client, anna, plan, instagram, graph, fb_page, mailoutbox, django_capture_on_commit_callbacks
):
    item = _with_images(plan, anna, [instagram], "Geen recht meer", [(1080, 1080)])
    _queue(item)
    graph.revoke_permission("instagram_content_publish")

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.publish_delivery(item.deliveries.get().pk) == "failed"

    instagram.refresh_from_db()
    assert instagram.health == Health.BROKEN
    assert instagram.health_reason == (
        "Instagram: a permission is missing; reconnect and allow it (Meta error 200)."
    )
    assert graph.ig_media[fb_page.instagram_id] == []
    assert len(mailoutbox) == 1
    client.force_login(anna)
    with translation.override("nl"):
        page = client.get(reverse("publishing:channels", kwargs={"slug": "acme"}))
    assert "er ontbreekt een toestemming" in page.content.decode()


def test_an_expired_token_breaks_the_channel_at_the_hourly_check(facebook, graph, fb_page):
    from koers.publishing.tasks import check_channels

    graph.expire_token(fb_page.token)
    check_channels.call()
    facebook.refresh_from_db()
    assert facebook.health == Health.BROKEN
    assert "190/463" in facebook.health_reason


def test_a_reel_that_fails_processing_fails_the_delivery_without_a_post(
    plan, anna, instagram, graph, fb_page
):
    item = plan([instagram], text="Onze reel", approve=False)
    actions.add_media(
        item,
        anna,
        upload=SimpleUploadedFile("reel.mp4", b"\x00\x00mp4", content_type="video/mp4"),
        alt_text="reel",
    )
    item = actions.approve_item(item, anna)
    _queue(item)
    graph.fail_processing_next()

    assert dispatch.publish_delivery(item.deliveries.get().pk) == "failed"

    delivery = item.deliveries.get()
    assert "could not process the video" in delivery.error
    assert graph.ig_media[fb_page.instagram_id] == []


def test_the_publishing_limit_postpones_without_posting(plan, anna, instagram, graph, fb_page):
    item = _with_images(plan, anna, [instagram], "Te veel vandaag", [(1080, 1080)])
    _queue(item)
    graph.quota_usage = graph.quota_total

    assert dispatch.publish_delivery(item.deliveries.get().pk) == "retry"

    delivery = item.deliveries.get()
    assert delivery.state == DeliveryState.RETRY
    assert delivery.next_try_at >= timezone.now() + timedelta(minutes=59)
    assert graph.ig_media[fb_page.instagram_id] == []


# ---------------------------------------------------------------------------------------------
# Policy from the declared limits
# ---------------------------------------------------------------------------------------------
def test_instagram_checks_hashtags_images_and_aspect_ratio(plan, anna, instagram, facebook):
    tags = " ".join(f"#tag{n}" for n in range(31))
    text_only = plan([instagram, facebook], text=f"Alleen tekst {tags}", approve=False)
    keys = {f.params["key"] for f in policy.findings(text_only) if f.rule == "network_media"}
    assert keys == {"needs_media"}  # Facebook takes text only; Instagram doesn't
    # Counting hashtags is the hashtag_count rule's, once per channel (never twice).
    counted = [f for f in policy.findings(text_only) if f.rule == "hashtag_count"]
    assert [f.params["channel"] for f in counted] == [instagram.name]

    wide = plan([instagram], text="Panorama", approve=False)
    actions.add_media(wide, anna, upload=jpeg(2000, 800), alt_text="panorama")
    found = [f for f in policy.findings(wide) if f.rule == "network_media"]
    assert [f.params["key"] for f in found] == ["aspect_ratio"]
    assert found[0].blocks
    assert found[0].message("nl") == (
        "Zonnedal: afbeelding 1 is 2,50 breed per 1 hoog; Instagram neemt 0,80 tot 1,91."
    )
    assert found[0].message("en").endswith("Instagram takes 0.80 to 1.91.")


def test_a_local_base_url_blocks_instagram_media_with_a_clear_reason(
    settings, plan, anna, instagram
):
    settings.KOERS_META_URL = ""
    settings.BASE_URL = "http://192.168.1.20:8000"
    item = plan([instagram], text="Foto", approve=False)
    actions.add_media(item, anna, upload=jpeg(), alt_text="foto")
    found = [f for f in policy.findings(item) if f.rule == "network_media"]
    assert [f.params["key"] for f in found] == ["unreachable_media"]
    assert "192.168.1.20" in found[0].message("en")
    settings.BASE_URL = "https://koers.zonnedal.nl"
    assert not [f for f in policy.findings(item) if f.rule == "network_media"]


def test_base_url_problems():
    assert media_urls.base_url_problem("http://127.0.0.1:8000") == "local"
    assert media_urls.base_url_problem("https://koers.local") == "local"
    assert media_urls.base_url_problem("https://10.0.0.5") == "local"
    assert media_urls.base_url_problem("https://intranet") == "local"
    assert media_urls.base_url_problem("http://koers.example.org") == "http"
    assert media_urls.base_url_problem("https://koers.example.org") == ""


# ---------------------------------------------------------------------------------------------
# Signed media addresses
# ---------------------------------------------------------------------------------------------
def test_signed_media_address_valid_expired_and_tampered(client, settings, plan, anna, acme):
    item = plan([], text="Foto", approve=False)
    media = actions.add_media(item, anna, upload=jpeg(40, 40), alt_text="foto")
    url = media_urls.signed_url(media.pk)
    assert url.startswith(settings.BASE_URL + "/m/")
    path = urlsplit(url).path

    answer = client.get(path)  # nobody logged in: the signature is the permission
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"
    assert b"".join(answer.streaming_content)[:2] == b"\xff\xd8"

    token = path.split("/")[2]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/m/{tampered}/").status_code == 404
    other = media_urls.signed_url(media.pk + 1)
    assert client.get(urlsplit(other).path).status_code == 404  # a file that does not exist

    later = timezone.now() + timedelta(seconds=settings.KOERS_MEDIA_URL_SECONDS + 5)
    with time_machine.travel(later, tick=False):
        assert client.get(path).status_code == 404


# ---------------------------------------------------------------------------------------------
# Developer apps and the connect flow
# ---------------------------------------------------------------------------------------------
def _meta_app(acme, anna, graph) -> NetworkApp:
    return actions.save_network_app(
        acme, anna, provider="meta", client_id=graph.client_id, client_secret="app-secret"
    )


def test_developer_apps_page_stores_the_secret_encrypted(client, anna, acme):
    client.force_login(anna)
    url = reverse("publishing:network-apps", kwargs={"slug": "acme"})
    page = client.get(url)
    assert "/connect/meta/callback/" in page.content.decode()

    answer = client.post(
        url,
        {
            "provider": "meta",
            "meta-client_id": "555",
            "meta-client_secret": "s3cret-value",
            "meta-verify_token": "verify-me",
        },
    )
    assert answer.status_code == 302
    app = NetworkApp.objects.get(workspace=acme, provider="meta")
    assert app.client_id == "555" and app.client_secret == "s3cret-value"
    assert "s3cret-value" not in app.client_secret_enc
    assert "verify_token_enc" in app.extra
    assert AuditEvent.objects.filter(action="network_app.save").count() == 1

    # Not the installation's administrator: no installation-wide app, not even by hand.
    client.post(url, {"provider": "meta", "meta-client_id": "556", "meta-installation": "on"})
    assert not NetworkApp.objects.filter(workspace__isnull=True).exists()
    with pytest.raises(PermissionDenied):
        actions.save_network_app(
            acme, anna, provider="meta", client_id="557", client_secret="x", installation=True
        )
    assert not NetworkApp.objects.filter(workspace__isnull=True).exists()


def test_connecting_a_page_and_its_instagram_account(client, anna, acme, graph, fb_page):
    _meta_app(acme, anna, graph)
    client.force_login(anna)
    channels_page = client.get(reverse("publishing:channels", kwargs={"slug": "acme"}))
    assert "Koppelen met Facebook" in channels_page.content.decode() or (
        "Connect with Facebook" in channels_page.content.decode()
    )
    start = client.post(
        reverse("publishing:connect-start", kwargs={"slug": "acme", "provider": "meta"}),
        {"features": ["facebook", "instagram", "comments"]},
    )
    dialog = urlsplit(start["Location"])
    assert dialog.path == f"{V}/dialog/oauth"
    query = parse_qs(dialog.query)
    assert query["scope"][0].split(",") == [
        "pages_show_list",
        "pages_manage_posts",
        "pages_read_engagement",
        "business_management",
        "instagram_basic",
        "instagram_content_publish",
        "pages_manage_engagement",
        "instagram_manage_comments",
    ]
    approved = urlsplit(
        __import__("httpx").get(start["Location"], follow_redirects=False).headers["location"]
    )
    callback = client.get(f"{approved.path}?{approved.query}")
    assert callback.status_code == 302 and callback["Location"] == "/connect/meta/choose/"

    choose = client.get("/connect/meta/choose/")
    html = choose.content.decode()
    assert "Gemeente Zonnedal" in html and "@zonnedal" in html
    assert fb_page.token not in html
    assert fb_page.token not in str(dict(client.session))

    added = client.post("/connect/meta/choose/", {"accounts": ["0", "1"]})
    assert added.status_code == 302
    channels = {c.network: c for c in Channel.objects.filter(workspace=acme)}
    assert set(channels) == {"facebook", "instagram"}
    assert channels["facebook"].secret == fb_page.token
    assert channels["instagram"].extra["ig_user_id"] == fb_page.instagram_id
    assert channels["instagram"].handle == "zonnedal"
    assert AuditEvent.objects.filter(action="channel.connect").count() == 2
    # The accounts are used up: the page can't add them a second time.
    assert client.get("/connect/meta/choose/").status_code == 302


def test_a_refused_dialog_and_a_bad_code_write_nothing(client, anna, acme, graph, fb_page):
    _meta_app(acme, anna, graph)
    client.force_login(anna)
    start_url = reverse("publishing:connect-start", kwargs={"slug": "acme", "provider": "meta"})
    import httpx

    graph.deny_next = True
    start = client.post(start_url, {"features": ["facebook"]})
    back = urlsplit(httpx.get(start["Location"]).headers["location"])
    answer = client.get(f"{back.path}?{back.query}", follow=True)
    assert "cancelled" in answer.content.decode() or "geannuleerd" in answer.content.decode()

    start = client.post(start_url, {"features": ["facebook"]})
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    answer = client.get(f"/connect/meta/callback/?code=made-up&state={state}", follow=True)
    assert answer.status_code == 200
    assert "Koppelen lukte niet" in answer.content.decode()
    assert "Meta-fout 100/36009" in answer.content.decode()
    assert not Channel.objects.filter(workspace=acme).exists()


def test_measurement_collects_insights_of_a_published_page_post(plan, facebook, graph, fb_page):
    from koers.measurement import collect
    from koers.measurement.models import MeasuredPost

    item = plan([facebook], text="Zo meten we bereik")
    _queue(item)
    assert dispatch.publish_delivery(item.deliveries.get().pk) == "published"
    graph.insight_values = {"post_impressions": 1500, "post_impressions_unique": 1100}

    result = collect.collect_fresh()

    assert result.new_posts == 1 and result.post_snapshots == 1
    post = MeasuredPost.objects.get(network="facebook")
    assert post.remote_id == item.deliveries.get().remote_id
    snapshot = post.snapshots.get()
    assert (snapshot.reach, snapshot.impressions, snapshot.likes) == (1100, 1500, 3)


def test_owners_are_warned_before_a_threads_token_expires_and_reconnect_through_meta(
    client, acme, anna, graph, mailoutbox, django_capture_on_commit_callbacks
):
    from koers.publishing.tasks import check_channels

    token = graph.new_token("threads", graph.threads_user["id"], expires_in=5 * 86400)
    [threads] = actions.connect_oauth_channels(
        acme,
        anna,
        [
            Account(
                "threads",
                graph.threads_user["id"],
                "Zonnedal",
                "gemeente.zonnedal",
                graph.url,
                token,
                expires_at=timezone.now() + timedelta(days=5),
                extra={"threads_user_id": graph.threads_user["id"]},
            )
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        check_channels.call()
        check_channels.call()  # once per credential, not every hour
    threads.refresh_from_db()
    assert threads.health == Health.OK and threads.warned_at is not None
    assert len(mailoutbox) == 1 and "Zonnedal" in mailoutbox[0].subject
    assert "anna@example.nl" in mailoutbox[0].to
    client.force_login(anna)
    page = client.get(reverse("publishing:channels", kwargs={"slug": "acme"})).content.decode()
    assert reverse("publishing:connect-start", kwargs={"slug": "acme", "provider": "meta"}) in page


def test_connecting_threads_runs_its_own_dialog_and_stores_the_token_expiry(
    client, anna, acme, graph
):
    import httpx

    _meta_app(acme, anna, graph)
    client.force_login(anna)
    start_url = reverse("publishing:connect-start", kwargs={"slug": "acme", "provider": "meta"})
    mixed = client.post(start_url, {"features": ["facebook", "threads"]})
    assert mixed.status_code == 200
    assert "eigen venster" in mixed.content.decode()

    start = client.post(start_url, {"features": ["threads"]})
    dialog = urlsplit(start["Location"])
    assert dialog.path == "/oauth/authorize"
    assert parse_qs(dialog.query)["scope"] == ["threads_basic,threads_content_publish"]
    back = urlsplit(httpx.get(start["Location"]).headers["location"])
    assert client.get(f"{back.path}?{back.query}")["Location"] == "/connect/meta/choose/"
    client.post("/connect/meta/choose/", {"accounts": ["0"]})

    threads = Channel.objects.get(workspace=acme, network="threads")
    assert threads.handle == "gemeente.zonnedal"
    assert graph.tokens[threads.secret].kind == "threads"
    assert threads.expires_at > timezone.now() + timedelta(days=59)


def test_the_item_page_shows_the_first_comment(client, anna, plan, facebook):
    item = plan([facebook], text="Met reactie", first_comment="Meer op zonnedal.nl")
    client.force_login(anna)
    page = client.get(reverse("publishing:item", kwargs={"slug": "acme", "item_id": item.pk}))
    assert "Eerste reactie:</strong> Meer op zonnedal.nl" in page.content.decode()


# ---------------------------------------------------------------------------------------------
# The first comment after a lost answer: placed exactly once
# ---------------------------------------------------------------------------------------------
def _comments(graph) -> list[tuple[str, str]]:
    return [(c["parent"], c["message"]) for c in graph.comments]


def test_after_a_lost_facebook_post_answer_the_first_comment_is_placed_once(
    plan, facebook, graph, fb_page
):
    item = plan([facebook], text="Sportpark heropend", first_comment="Foto's volgen")
    _queue(item)
    delivery = item.deliveries.get()
    graph.drop_next(1, f"{V}/{fb_page.page_id}/feed")  # the post exists, its answer is lost

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert _texts(graph)["Sportpark heropend"] == 1
    assert _comments(graph) == [(delivery.remote_id, "Foto's volgen")]
    # Found again later (the lookup of a retry): the comment is there, none is added.
    publisher = publisher_for(facebook)
    post = OutgoingPost(text="Sportpark heropend", first_comment="Foto's volgen")
    assert publisher.lookup("k", post, since=delivery.published_at).remote_id == delivery.remote_id
    assert _comments(graph) == [(delivery.remote_id, "Foto's volgen")]


def test_a_facebook_first_comment_dropped_after_receipt_is_placed_once(
    plan, facebook, graph, fb_page
):
    item = plan([facebook], text="Markt op zaterdag", first_comment="Van 9 tot 13 uur")
    _queue(item)
    delivery = item.deliveries.get()
    # Post nodes are "<page id>_<n>": the next write under one is the comment.
    graph.drop_next(1, f"{V}/{fb_page.page_id}_")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert _comments(graph) == [(delivery.remote_id, "Van 9 tot 13 uur")]
    assert graph.count("POST", f"{V}/{delivery.remote_id}/comments") == 1
    assert list(delivery.attempt_log.values_list("outcome", flat=True)) == ["published"]


def test_a_facebook_first_comment_answered_503_is_sent_again_once(plan, facebook, graph, fb_page):
    item = plan([facebook], text="Bibliotheek dicht", first_comment="Open vanaf maandag")
    _queue(item)
    delivery = item.deliveries.get()
    graph.fail_next(1, path_prefix=f"{V}/{fb_page.page_id}_")  # refused: nothing placed

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert _comments(graph) == [(delivery.remote_id, "Open vanaf maandag")]


def test_after_a_lost_instagram_publish_answer_the_first_comment_is_placed_once(
    plan, anna, instagram, graph, fb_page
):
    item = plan([instagram], text="Zomer in Zonnedal", first_comment="#zomer", approve=False)
    actions.add_media(item, anna, upload=jpeg(), alt_text="het strand")
    item = actions.approve_item(item, anna)
    item.refresh_from_db()
    _queue(item)
    delivery = item.deliveries.get()
    graph.drop_next(1, f"{V}/{fb_page.instagram_id}/media_publish")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    assert len(graph.ig_media[fb_page.instagram_id]) == 1
    assert _comments(graph) == [(delivery.remote_id, "#zomer")]


def test_after_a_lost_threads_publish_answer_the_first_reply_is_placed_once(
    plan, acme, anna, graph
):
    token = graph.new_token("threads", graph.threads_user["id"])
    [threads] = actions.connect_oauth_channels(
        acme,
        anna,
        [
            Account(
                "threads",
                graph.threads_user["id"],
                "Zonnedal",
                "gemeente.zonnedal",
                graph.url,
                token,
                extra={"threads_user_id": graph.threads_user["id"]},
            )
        ],
    )
    item = plan([threads], text="Nieuwe fietsenstalling", first_comment="Gratis, 24/7")
    _queue(item)
    delivery = item.deliveries.get()
    graph.drop_next(1, f"/v1.0/{graph.threads_user['id']}/threads_publish")

    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    posts = graph.threads_posts[graph.threads_user["id"]]
    assert [(p["text"], p.get("reply_to", "")) for p in posts] == [
        ("Nieuwe fietsenstalling", ""),
        ("Gratis, 24/7", delivery.remote_id),
    ]
