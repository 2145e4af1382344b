"""Layout in a real browser on the demo workspace: at 390 px (a phone) and 1280 px (a laptop) no
main page scrolls sideways, the logo is fully visible, the month calendar keeps words whole at
1280 px and becomes an agenda list on a phone (issue 16, item 9)."""

from __future__ import annotations

import os
from pathlib import Path
from pprint import pformat

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from koers.core.demo import build_demo
from koers.publishing.models import ContentItem
from koers.strategy.models import Cycle
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "koers-e2e-wachtwoord-42"
SHOTS = Path(os.environ.get("KOERS_LAYOUT_SHOTS", "/tmp/shots-mobile"))
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 860}


@pytest.fixture
def duinwijk():
    user = get_user_model().objects.create_user("anna", "anna@duinwijk.nl", PASSWORD)
    workspace, _summaries = build_demo(user, "duinwijk")
    return workspace


def main_pages(workspace) -> dict[str, str]:
    base = f"/w/{workspace.slug}/"
    item = ContentItem.objects.filter(workspace=workspace).order_by("pk").first()
    cycle = Cycle.objects.filter(workspace=workspace).order_by("-pk").first()
    strategy = f"{base}strategy/c/{cycle.pk}/"
    return {
        "overview": base,
        "calendar-month": f"{base}calendar/?view=month",
        "calendar-week": f"{base}calendar/?view=week",
        "content-item": f"{base}calendar/items/{item.pk}/",
        "listening": f"{base}listening/?period=90",
        "mentions": f"{base}listening/mentions/?period=90",
        "inbox": f"{base}inbox/",
        "measure": f"{base}measure/",
        "measure-report": f"{base}measure/report/",
        "measure-inputs": f"{base}measure/inputs/",
        "strategy": strategy,
        "strategy-funnel": f"{strategy}funnel/",
        "strategy-objectives": f"{strategy}objectives/",
        "strategy-technographics": f"{strategy}technographics/",
        "strategy-plan": f"{strategy}plan/",
        "strategy-decision": f"{strategy}decision/",
        "strategy-technology": f"{strategy}technology/",
        "strategy-kerkhofs": f"{strategy}kerkhofs/",
        "strategy-maturity": f"{strategy}maturity/",
        "strategy-policy": f"{base}strategy/policy/",
        "settings": f"{base}settings/members/",
    }


def page_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def logo_box_fits(page) -> bool:
    """The logo and the name koers lie wholly in the window, nothing covering them."""
    return page.evaluate(
        """() => {
          const brand = document.querySelector('.brand');
          const r = brand.getBoundingClientRect();
          const inView = r.width > 0 && r.left >= 0 && r.top >= 0
            && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
          const whole = brand.scrollWidth <= brand.clientWidth + 1;
          // Nothing in the top bar (the workspace switch) lies over the name.
          const next = document.querySelector('.workspace-switch');
          const n = next && next.getBoundingClientRect();
          const apart = !n || n.left >= r.right - 1 || n.top >= r.bottom - 1;
          return inView && whole && apart;
        }"""
    )


def widest_elements(page) -> list[str]:
    """Elements past the right edge outside any scrolling box, for a readable failure."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
          .filter(e => {
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
              if (getComputedStyle(a).overflowX !== 'visible') return false;
            }
            return true;
          })
          .slice(-8)
          .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')
               + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )


def tables_cut_off(page) -> list[str]:
    """Tables that need their scroll box at 1280 px: a column hidden until one scrolls sideways."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll, .overflow-auto')]
          .filter(b => b.scrollWidth > b.clientWidth + 2)
          .map(b => (b.querySelector('table') || b).className
               + ' ' + (b.scrollWidth - b.clientWidth))"""
    )


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_no_main_page_scrolls_sideways_and_the_logo_is_whole(page, duinwijk, viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(viewport)
    log_in(page, password=PASSWORD)
    failures = {}
    for name, url in main_pages(duinwijk).items():
        page.goto(url)
        page.wait_for_load_state("load")
        page.screenshot(path=str(SHOTS / f"{name}-{viewport['width']}.png"), full_page=True)
        overflow = page_overflow(page)
        if overflow > 0:
            failures[name] = (overflow, widest_elements(page))
        if not logo_box_fits(page):
            failures[f"{name} logo"] = "cut"
        if viewport is LAPTOP and (cut := tables_cut_off(page)):
            failures[f"{name} tables"] = cut
    assert failures == {}, pformat(failures)


def test_the_month_calendar_is_an_agenda_on_a_phone(page, duinwijk):
    page.set_viewport_size(PHONE)
    log_in(page, password=PASSWORD)
    page.goto(f"/w/{duinwijk.slug}/calendar/?view=month")
    expect(page.locator("table.calendar-grid")).to_be_hidden()
    expect(page.locator(".calendar-scroll")).to_be_hidden()
    agenda = page.locator(".calendar-agenda")
    expect(agenda).to_be_visible()
    # Every post of the month grid is in the agenda too, as a whole, readable line.
    grid_chips = page.locator("table.calendar-grid .chip").count()
    assert grid_chips > 0
    assert agenda.locator(".agenda-item").count() == grid_chips
    first = agenda.locator(".agenda-item").first
    box = first.bounding_box()
    assert box["width"] > 250
    page.screenshot(path=str(SHOTS / "calendar-agenda-390.png"), full_page=True)


def test_the_month_calendar_keeps_words_whole_at_1280(page, duinwijk):
    page.set_viewport_size(LAPTOP)
    log_in(page, password=PASSWORD)
    page.goto(f"/w/{duinwijk.slug}/calendar/?view=month")
    expect(page.locator("table.calendar-grid")).to_be_visible()
    expect(page.locator(".calendar-agenda")).to_be_hidden()
    chips = page.locator("table.calendar-grid .chip")
    assert chips.count() > 0
    # All seven days are in view: the grid does not scroll inside its box at 1280 px.
    assert page.evaluate(
        "(() => { const b = document.querySelector('.calendar-scroll');"
        " return b.scrollWidth <= b.clientWidth; })()"
    )
    # Each line of a chip's text must end inside the chip: a word wider than its day would stick
    # out (or be cut off with an ellipsis) instead of wrapping between words.
    broken = page.evaluate(
        """() => [...document.querySelectorAll('table.calendar-grid .chip')].filter(c => {
          const s = getComputedStyle(c);
          if (s.overflowWrap !== 'normal' || s.wordBreak !== 'normal' || s.hyphens === 'auto') {
            return true;
          }
          const box = c.getBoundingClientRect();
          const right = box.right - parseFloat(s.paddingRight) - parseFloat(s.borderRightWidth);
          const range = document.createRange();
          range.selectNodeContents(c);
          return [...range.getClientRects()].some(r => r.right > right + 0.5);
        }).map(c => c.textContent.trim())"""
    )
    assert broken == []
