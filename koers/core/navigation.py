"""The main navigation. Each section's app points its entry at its own index view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    label: Promise
    url_name: str
    intro: Promise  # what the section holds; shown while it is still empty


SECTIONS: list[Section] = [
    Section(
        "strategy",
        _("Strategy"),
        "strategy:index",
        _(
            "Your strategy cycle: the POST method, the Social Technographics profile of your "
            "audience, SMART objectives with KPIs, Kerkhofs' go/no-go moment, the "
            "Communicatieroos and the listening-maturity ladder — ending in a plan document."
        ),
    ),
    Section(
        "calendar",
        _("Calendar"),
        "publishing:index",
        _(
            "The content calendar: posts per channel, checked against your policy, approved and "
            "published on time to Mastodon, Bluesky or a webhook — exactly once."
        ),
    ),
    Section(
        "listening",
        _("Listening"),
        "listening:index",
        _(
            "Tracked topics for your brand, competitors and campaigns: mentions from Mastodon, "
            "Bluesky, RSS and imports, with language, sentiment and share of voice."
        ),
    ),
    Section(
        "inbox",
        _("Inbox"),
        "engagement:index",
        _(
            "Mentions that need an answer, assigned to a colleague, with response-time targets "
            "so nobody waits too long."
        ),
    ),
    Section(
        "measure",
        _("Measure"),
        "measurement:index",
        _(
            "KPIs with exact formulas against your targets, the funnel, dashboards and reports, "
            "and the evaluation that starts your next cycle."
        ),
    ),
]


@dataclass(frozen=True)
class Badge:
    """A count beside a section's menu item, linking to the page that explains it."""

    count: int
    label: str  # what the count means, read out by screen readers and shown on hover
    url_name: str


class BadgeSource(Protocol):
    """What an app registers to put a count beside a section: it annotates the page shell's
    memberships query (so the count costs no extra query) and reads the badge from a row."""

    def annotate(self, memberships: QuerySet) -> QuerySet: ...

    def badge(self, membership: Any) -> Badge | None: ...


#: ``section key -> BadgeSource``, filled by apps in ``AppConfig.ready`` (apps above core add to
#: the menu without core importing them).
BADGES: dict[str, BadgeSource] = {}


@dataclass(frozen=True)
class SettingsTab:
    """An extra tab on the settings pages, added by an app above core (e.g. privacy)."""

    label: Promise
    url_name: str  # takes the workspace slug
    need: str  # the lowest role that sees the tab


#: ``tab key -> SettingsTab``, filled by apps in ``AppConfig.ready``.
SETTINGS_TABS: dict[str, SettingsTab] = {}
