"""The workspace overview in a real browser on the demo: its figures match the demo's data, its
links lead where each is handled, and it fits at 1280 and 390 px in Dutch and English."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from koers.alerts.models import AlertEvent
from koers.core.demo import build_demo
from koers.engagement.models import InboxItem, Status
from koers.publishing.models import ContentItem, State
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "koers-e2e-wachtwoord-42"


@pytest.fixture
def duinwijk():
    user = get_user_model().objects.create_user("anna", "anna@duinwijk.nl", PASSWORD)
    workspace, _summaries = build_demo(user, "duinwijk")
    return workspace


def figure(page, name: str) -> str:
    text = page.locator(f'[data-count="{name}"]').inner_text()
    return re.search(r"\d+", text).group(0)


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_overview_shows_the_demo_counts_and_its_links_work(page, screenshot, duinwijk):
    log_in(page, password=PASSWORD)
    page.goto(f"/w/{duinwijk.slug}/")
    open_items = InboxItem.objects.filter(workspace=duinwijk, status=Status.OPEN)

    waiting = ContentItem.objects.filter(workspace=duinwijk, state=State.IN_REVIEW).count()
    assert figure(page, "waiting") == str(waiting)
    assert figure(page, "overdue") == str(open_items.filter(due_at__lte=timezone.now()).count())
    assert figure(page, "unassigned") == str(open_items.filter(assignee=None).count())
    alerts = AlertEvent.objects.filter(workspace=duinwijk, acknowledged_at=None).count()
    assert figure(page, "alerts") == str(alerts)
    expect(page.get_by_role("heading", name="Doelstellingen")).to_be_visible()

    page.locator('[data-count="unassigned"]').click()
    expect(page).to_have_url(re.compile(r"/inbox/\?status=open&assignee=none$"))
    page.go_back()
    page.get_by_role("link", name="Wacht op goedkeuring").click()
    expect(page).to_have_url(re.compile(r"/calendar/waiting/$"))
    page.go_back()
    page.locator("#overview-alerts h2 a").click()
    expect(page).to_have_url(re.compile(r"/alerts/$"))


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_overview_fits_the_screen(page, screenshot, duinwijk, language, width):
    log_in(page, password=PASSWORD)
    if language == "en":
        page.get_by_role("button", name="EN").click()
    page.set_viewport_size({"width": width, "height": 860})
    page.goto(f"/w/{duinwijk.slug}/")
    heading = "Objectives" if language == "en" else "Doelstellingen"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    screenshot(f"overview-{language}-{width}")
    # Every panel fits the screen, and so does the page itself (issue 16, item 9).
    for panel in page.locator(".overview-panel").all():
        assert panel.evaluate("el => el.getBoundingClientRect().right <= window.innerWidth")
        assert panel.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert no_horizontal_overflow(page)
