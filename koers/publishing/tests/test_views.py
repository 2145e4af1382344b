"""Pages and role checks of the calendar section."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from koers.publishing import actions
from koers.publishing.models import Channel, ContentItem, State


def url(name: str, *args) -> str:
    return reverse(f"publishing:{name}", args=["acme", *args])


@pytest.fixture
def item(plan, hook):
    return plan([hook], approve=False, text="Kom naar de open dag #fietsen")


def every_url(item, hook, media_id=1):
    return [
        url("index"),
        url("item-new"),
        url("item", item.pk),
        url("item-edit", item.pk),
        url("item-submit", item.pk),
        url("item-approve", item.pk),
        url("item-reject", item.pk),
        url("item-schedule", item.pk),
        url("item-unschedule", item.pk),
        url("item-retry", item.pk),
        url("item-delete", item.pk),
        url("item-move", item.pk),
        url("media-add", item.pk),
        url("media-file", media_id),
        url("media-remove", media_id),
        url("channels"),
        url("channel-connect", "mastodon"),
        url("channel-check", hook.pk),
        url("channel-reconnect", hook.pk),
        url("channel-remove", hook.pk),
        url("campaigns"),
        url("settings"),
        url("feed-rotate"),
        url("feed-revoke"),
        url("import"),
        url("export"),
    ]


def test_an_outsider_gets_404_on_every_calendar_url(client_for, carla, bolt, item, hook):
    client = client_for(carla)
    for address in every_url(item, hook):
        assert client.get(address).status_code == 404, address
        assert client.post(address).status_code == 404, address
    assert ContentItem.objects.filter(pk=item.pk).exists()


def test_the_ics_feed_with_a_wrong_or_revoked_token_is_404(client, acme, anna, item):
    token = actions.rotate_ics_token(acme, anna)
    assert client.get(url("feed", "wrong-token")).status_code == 404
    assert client.get(reverse("publishing:feed", args=["bolt", token])).status_code == 404
    assert client.get(url("feed", token)).status_code == 200
    actions.revoke_ics_token(acme, anna)
    assert client.get(url("feed", token)).status_code == 404


def test_the_ics_feed_lists_scheduled_posts_as_events(client, acme, anna, plan, hook):
    plan([hook], text="Open dag in de werkplaats", title="Open dag")
    token = actions.rotate_ics_token(acme, anna)
    response = client.get(url("feed", token))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body
    assert "SUMMARY:Open dag [" in body


def test_a_viewer_can_read_the_calendar_but_not_edit(client_for, vera, item):
    client = client_for(vera)
    assert client.get(url("index")).status_code == 200
    assert client.get(url("item", item.pk)).status_code == 200
    assert client.get(url("item-new")).status_code == 403
    assert client.post(url("item-edit", item.pk), {"title": "x"}).status_code == 403
    assert client.post(url("item-move", item.pk), {"day": "2030-01-01"}).status_code == 403


def test_a_contributor_can_submit_but_not_approve(client_for, dirk, item):
    client = client_for(dirk)
    assert client.post(url("item-submit", item.pk)).status_code == 302
    item.refresh_from_db()
    assert item.state == State.IN_REVIEW
    assert client.post(url("item-approve", item.pk)).status_code == 403
    item.refresh_from_db()
    assert item.state == State.IN_REVIEW


def test_an_editor_rejects_with_a_comment_that_shows_in_the_history(client_for, bram, item, anna):
    actions.submit_item(item, anna)
    client = client_for(bram)
    client.post(url("item-reject", item.pk), {"comment": "Toon klopt niet"})
    item.refresh_from_db()
    assert item.state == State.DRAFT
    page = client.get(url("item", item.pk)).content.decode()
    assert "Toon klopt niet" in page


def test_an_editor_approves_and_the_item_is_scheduled(client_for, bram, item):
    client_for(bram).post(url("item-approve", item.pk), {"comment": "Prima"})
    item.refresh_from_db()
    assert item.state == State.SCHEDULED
    assert list(item.history.values_list("to_state", flat=True)) == [
        "draft",
        "approved",
        "scheduled",
    ]


def test_a_contributor_creates_a_post_with_its_own_text_per_channel(client_for, dirk, hook):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client_for(dirk).post(
        url("item-new"),
        {
            "title": "Voorjaarsactie",
            "text": "Gedeelde tekst",
            "link": "https://acme.example/actie",
            "category": "promotion",
            "day": day,
            "at": "09:00",
            "channels": [hook.pk],
            f"text_{hook.pk}": "Eigen tekst voor het intranet",
        },
    )
    assert response.status_code == 302
    item = ContentItem.objects.get(title="Voorjaarsactie")
    assert item.state == State.DRAFT
    assert item.deliveries.get().text() == "Eigen tekst voor het intranet"
    assert item.local_time.strftime("%H:%M") == "09:00"


def test_the_calendar_shows_month_week_and_list_views_with_bounded_queries(
    client_for, anna, plan, hook, django_assert_max_num_queries
):
    for n in range(6):
        plan([hook], text=f"Bericht {n}", at=timezone.now() + timedelta(hours=1 + n))
    client = client_for(anna)
    for view in ("month", "week", "list"):
        with django_assert_max_num_queries(14):
            response = client.get(url("index"), {"view": view})
        assert response.status_code == 200
        assert "Bericht 0" in response.content.decode()


def test_calendar_filters_by_category(client_for, anna, plan, hook):
    plan([hook], text="Promo bericht", category="promotion")
    plan([hook], text="Vraag aan volgers", category="interaction")
    page = client_for(anna).get(url("index"), {"view": "list", "category": "interaction"})
    text = page.content.decode()
    assert "Vraag aan volgers" in text
    assert "Promo bericht" not in text


def test_dragging_an_item_to_another_day_keeps_its_wall_clock_time(client_for, anna, plan, hook):
    item = plan([hook], approve=False)
    new_day = item.local_date + timedelta(days=2)
    response = client_for(anna).post(
        url("item-move", item.pk), {"day": new_day.isoformat()}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    item.refresh_from_db()
    assert item.local_date == new_day
    assert item.local_time.hour == timezone.localtime(item.scheduled_at, item.zone_info()).hour


def test_connecting_a_channel_stores_the_token_encrypted(client_for, anna, acme, mastodon_server):
    response = client_for(anna).post(
        url("channel-connect", "mastodon"),
        {"name": "Gemeente", "endpoint": mastodon_server.url, "secret": mastodon_server.token},
    )
    assert response.status_code == 302
    channel = Channel.objects.get(name="Gemeente")
    assert mastodon_server.token not in channel.secret_enc
    assert channel.secret == mastodon_server.token


def test_check_connection_marks_a_revoked_channel_broken_and_mails_the_owner(
    client_for, anna, mastodon, mastodon_server, django_capture_on_commit_callbacks
):
    client = client_for(anna)
    client.post(url("channel-check", mastodon.pk))
    mastodon.refresh_from_db()
    assert mastodon.health == "ok"
    assert mastodon.account.startswith("@koers")

    mastodon_server.revoke_token("The access token was revoked")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("channel-check", mastodon.pk))
    mastodon.refresh_from_db()
    assert mastodon.health == "broken"
    assert "revoked" in mastodon.health_reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.nl"]
    assert "revoked" in mail.outbox[0].body


def test_every_page_renders_for_the_owner(client_for, anna, item, hook):
    client = client_for(anna)
    for name, args in [
        ("index", []),
        ("item", [item.pk]),
        ("item-edit", [item.pk]),
        ("item-new", []),
        ("channels", []),
        ("channel-connect", ["bluesky"]),
        ("channel-connect", ["webhook"]),
        ("channel-reconnect", [hook.pk]),
        ("campaigns", []),
        ("settings", []),
        ("import", []),
        ("export", []),
    ]:
        assert client.get(url(name, *args)).status_code == 200, name


def test_an_uploaded_image_with_alt_text_is_shown_to_members_only(
    client_for, anna, carla, bolt, item
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from koers.networks.tests.conftest import make_png

    upload = SimpleUploadedFile("fiets.png", make_png(), content_type="image/png")
    client = client_for(anna)
    client.post(url("media-add", item.pk), {"file": upload, "alt_text": "Een rode fiets"})
    media = item.media.get()
    assert media.alt_text == "Een rode fiets"
    assert media.mime_type == "image/png"
    assert client.get(url("media-file", media.pk)).status_code == 200
    assert client_for(carla).get(url("media-file", media.pk)).status_code == 404


def test_an_image_without_alt_text_is_flagged_by_the_policy_check(client_for, anna, item):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from koers.networks.tests.conftest import make_png

    upload = SimpleUploadedFile("fiets.png", make_png(), content_type="image/png")
    client = client_for(anna)
    client.post(url("media-add", item.pk), {"file": upload, "alt_text": ""})
    page = client.get(url("item", item.pk)).content.decode()
    assert "Afbeelding 1 heeft geen alt-tekst" in page


def test_a_file_that_is_not_an_image_is_refused(client_for, anna, item):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    client_for(anna).post(url("media-add", item.pk), {"file": upload, "alt_text": "x"})
    assert not item.media.exists()
