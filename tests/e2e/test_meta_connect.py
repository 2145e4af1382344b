"""An owner connects a Facebook Page and its Instagram account through Meta's (fake) dialog and
schedules an Instagram carousel, which goes out once with images fetched from signed addresses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from koers.core import actions as core_actions
from koers.networks.testing.meta import FakeGraph
from koers.publishing import actions, dispatch
from koers.publishing.models import Channel, ContentItem, DeliveryState, State
from tests.e2e.session import jpeg_file, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def graph(settings, live_server):
    with FakeGraph() as fake:
        # One machine: Meta (the fake) fetches media from the live server's signed addresses,
        # and its dialog sends the browser back to the live server's callback.
        settings.KOERS_META_URL = fake.url
        settings.BASE_URL = live_server.url
        yield fake


@pytest.fixture
def workspace(live_server, graph):
    anna = get_user_model().objects.create_user("anna", "anna@example.nl", PASSWORD)
    acme = core_actions.create_workspace(anna, name="Gemeente Zonnedal", slug="zonnedal")
    actions.save_network_app(
        acme, anna, provider="meta", client_id=graph.client_id, client_secret="app-secret"
    )
    return acme


def test_an_owner_connects_a_page_and_schedules_an_instagram_carousel(
    page, screenshot, workspace, graph, tmp_path
):
    fb_page = graph.add_page("Gemeente Zonnedal", instagram="zonnedal")
    log_in(page, password=PASSWORD)
    page.goto("/w/zonnedal/calendar/apps/")
    expect(page.locator("code", has_text="/connect/meta/callback/")).to_be_visible()
    screenshot("meta-developer-apps-nl")

    page.goto("/w/zonnedal/calendar/channels/")
    page.get_by_role("button", name="Koppelen met Facebook").click()
    expect(page.get_by_text("instagram_content_publish")).to_be_visible()
    page.get_by_label("Publiceren op Facebook-pagina's").check()
    page.get_by_label("Publiceren op Instagram").check()
    screenshot("meta-connect-start-nl")
    page.get_by_role("button", name="Verder naar het netwerk").click()

    # The fake dialog approves at once and sends the browser back to koers.
    expect(page.get_by_role("heading", name="Kies accounts")).to_be_visible()
    assert fb_page.token not in page.content()
    page.get_by_label("Facebook: Gemeente Zonnedal").check()
    page.get_by_label("Instagram: @zonnedal").check()
    screenshot("meta-connect-choose-nl")
    page.get_by_role("button", name="Als kanalen toevoegen").click()
    expect(page.get_by_text("Toegevoegd: Gemeente Zonnedal, @zonnedal")).to_be_visible()
    assert set(Channel.objects.values_list("network", flat=True)) == {"facebook", "instagram"}

    day = timezone.localdate() + timedelta(days=1)
    page.goto(f"/w/zonnedal/calendar/items/new/?date={day.isoformat()}")
    page.get_by_label("Idee").fill("Markt in beeld")
    page.get_by_label(re.compile(r"^Tekst:?$")).fill("De zaterdagmarkt in twee foto's #zonnedal")
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Tijd").fill("10:00")
    page.get_by_label("@zonnedal (Instagram)").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Markt in beeld")).to_be_visible()
    for n, size in enumerate([(1080, 1080), (1080, 1350)], start=1):
        page.get_by_label(re.compile(r"^Afbeelding of video:?$")).set_input_files(
            jpeg_file(tmp_path / f"{n}.jpg", *size)
        )
        page.get_by_label(re.compile(r"^Alt-tekst:?$")).fill(f"Marktkraam {n}")
        page.get_by_role("button", name="Afbeelding of video toevoegen").click()
        expect(page.locator("figure.media")).to_have_count(n)
    page.get_by_role("button", name="Goedkeuren en inplannen").click()
    expect(page.locator(".page-head .state")).to_have_text("Ingepland")
    screenshot("meta-carousel-scheduled-nl")

    item = ContentItem.objects.get(title="Markt in beeld")
    assert item.state == State.SCHEDULED
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    delivery = item.deliveries.get()
    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    media = graph.ig_media[fb_page.instagram_id]
    assert [(m["media_type"], m["caption"]) for m in media] == [
        ("CAROUSEL", "De zaterdagmarkt in twee foto's #zonnedal")
    ]
    assert delivery.state == DeliveryState.PUBLISHED and delivery.remote_id == media[0]["id"]
    carousel = next(c for c in graph.containers.values() if c["media_type"] == "CAROUSEL")
    assert len(carousel["children"]) == 2
