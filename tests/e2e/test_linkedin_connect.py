"""An owner registers a LinkedIn developer app, connects an organisation page through
LinkedIn's (fake) consent dialog and schedules a post with an image, which goes out once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from koers.core import actions as core_actions
from koers.networks.testing.linkedin import FakeLinkedIn
from koers.publishing import dispatch
from koers.publishing.models import Channel, ContentItem, DeliveryState, NetworkApp, State
from tests.e2e.session import jpeg_file, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def linkedin(settings, live_server):
    with FakeLinkedIn() as fake:
        # LinkedIn's dialog (the fake) sends the browser back to the live server's callback.
        fake.consent = True
        settings.KOERS_LINKEDIN_URL = fake.url
        settings.BASE_URL = live_server.url
        yield fake


@pytest.fixture
def workspace(live_server, linkedin):
    anna = get_user_model().objects.create_user("anna", "anna@example.nl", PASSWORD)
    return core_actions.create_workspace(anna, name="Gemeente Zonnedal", slug="zonnedal")


def test_an_owner_connects_a_linkedin_page_and_schedules_a_post_with_an_image(
    page, screenshot, workspace, linkedin, tmp_path
):
    org = linkedin.add_organization("Gemeente Zonnedal")
    log_in(page, password=PASSWORD)
    page.goto("/w/zonnedal/calendar/apps/")
    app = page.locator("#app-linkedin")
    expect(app.locator("code", has_text="/connect/linkedin/callback/")).to_be_visible()
    app.locator("input[name='linkedin-client_id']").fill(linkedin.client_id)
    app.locator("input[name='linkedin-client_secret']").fill(linkedin.client_secret)
    app.get_by_role("button", name="Opslaan").click()
    assert NetworkApp.objects.get(provider="linkedin").client_id == linkedin.client_id
    screenshot("linkedin-developer-apps-nl")

    page.locator("#app-linkedin").get_by_role("button", name="Koppelen met LinkedIn").click()
    expect(page.get_by_text("w_organization_social_feed")).to_be_visible()
    # LinkedIn takes uploads: koers' own address does not have to be public for it.
    expect(page.get_by_text("KOERS_BASE_URL")).to_have_count(0)
    page.get_by_label("Publiceren als de pagina").check()
    page.get_by_label("Reacties en vermeldingen beantwoorden").check()
    screenshot("linkedin-connect-start-nl")
    page.get_by_role("button", name="Verder naar het netwerk").click()

    # LinkedIn's consent page, then back to koers to pick the page.
    expect(page.get_by_role("heading", name="Allow access")).to_be_visible()
    expect(page.get_by_text("r_organization_social_feed")).to_be_visible()
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Kies accounts")).to_be_visible()
    assert linkedin.token not in page.content()
    page.get_by_label(re.compile(r"Gemeente Zonnedal")).check()
    screenshot("linkedin-connect-choose-nl")
    page.get_by_role("button", name="Als kanalen toevoegen").click()
    expect(page.get_by_text("Toegevoegd: Gemeente Zonnedal")).to_be_visible()
    channel = Channel.objects.get()
    assert channel.network == "linkedin"
    assert channel.extra["organization"] == f"urn:li:organization:{org}"
    assert "w_organization_social_feed" in channel.extra["scopes"]

    day = timezone.localdate() + timedelta(days=1)
    page.goto(f"/w/zonnedal/calendar/items/new/?date={day.isoformat()}")
    page.get_by_label("Idee").fill("Nieuw stadspark")
    page.get_by_label(re.compile(r"^Tekst:?$")).fill("Het nieuwe stadspark is open #zonnedal")
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Tijd").fill("10:00")
    page.get_by_label("Gemeente Zonnedal (LinkedIn)").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Nieuw stadspark")).to_be_visible()
    page.get_by_label(re.compile(r"^Afbeelding of video:?$")).set_input_files(
        jpeg_file(tmp_path / "park.jpg", 1200, 627)
    )
    page.get_by_label(re.compile(r"^Alt-tekst:?$")).fill("Het stadspark met de vijver")
    page.get_by_role("button", name="Afbeelding of video toevoegen").click()
    expect(page.locator("figure.media")).to_have_count(1)
    page.get_by_role("button", name="Goedkeuren en inplannen").click()
    expect(page.locator(".page-head .state")).to_have_text("Ingepland")
    screenshot("linkedin-post-scheduled-nl")

    item = ContentItem.objects.get(title="Nieuw stadspark")
    assert item.state == State.SCHEDULED
    dispatch.queue_due(now=item.scheduled_at + timedelta(minutes=1))
    delivery = item.deliveries.get()
    assert dispatch.publish_delivery(delivery.pk) == "published"

    delivery.refresh_from_db()
    posts = [p for p in linkedin.posts.values() if p["author"] == f"urn:li:organization:{org}"]
    assert len(posts) == 1
    media = posts[0]["content"]["media"]
    assert media["altText"] == "Het stadspark met de vijver"
    assert media["id"].startswith("urn:li:image:")
    assert [key for key in linkedin.uploads if key.startswith(media["id"])] == [f"{media['id']}/0"]
    assert "{hashtag|\\#|zonnedal}" in posts[0]["commentary"]
    assert delivery.state == DeliveryState.PUBLISHED and delivery.remote_id == posts[0]["id"]
