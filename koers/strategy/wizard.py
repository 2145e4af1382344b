"""The guided order through a cycle: People → … → go/no-go → Technology → … → plan.

Every step is a page that saves on its own ("save and continue"), so leaving halfway loses
nothing; the overview shows the same steps with their completeness.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class WizardStep:
    key: str
    label: Promise
    question: Promise


STEPS: tuple[WizardStep, ...] = (
    WizardStep(
        "people",
        _("People"),
        _("Who is the audience, how do they behave online, who are the influencers?"),
    ),
    WizardStep(
        "technographics",
        _("Technographics"),
        _("Which rungs of the Social Technographics ladder does the audience stand on?"),
    ),
    WizardStep(
        "objectives",
        _("Objectives"),
        _("What do we want to achieve? One primary Groundswell objective, SMART objectives."),
    ),
    WizardStep(
        "strategy",
        _("Strategy"),
        _("How will the relationship with the audience change? Imagine the endpoint."),
    ),
    WizardStep(
        "decision",
        _("Go/no-go"),
        _("Kerkhofs steps 1–3 and the exit point: go on, or stop before larger investments?"),
    ),
    WizardStep(
        "technology",
        _("Technology"),
        _("Which networks and tools, and how often? Decided last."),
    ),
    WizardStep("kerkhofs", _("Steps 4–8"), _("Strategic framework to activating and measuring.")),
    WizardStep("funnel", _("Funnel"), _("Target counts per stage of the social-media funnel.")),
    WizardStep(
        "roos", _("Communicatieroos"), _("Organiseren first, then the four petals around it.")
    ),
    WizardStep(
        "maturity",
        _("Listening maturity"),
        _("Where does listening stand, and what lifts it to the next stage?"),
    ),
    WizardStep("plan", _("Plan document"), _("The whole cycle as HTML, PDF or Markdown.")),
)
STEP_KEYS = tuple(s.key for s in STEPS)


def next_step(key: str) -> str | None:
    index = STEP_KEYS.index(key)
    return STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else None


def previous_step(key: str) -> str | None:
    index = STEP_KEYS.index(key)
    return STEP_KEYS[index - 1] if index > 0 else None
