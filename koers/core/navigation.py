"""The main navigation. Each section's app points its entry at its own index view."""

from __future__ import annotations

from dataclasses import dataclass

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
