"""The Communicatieroos (Paul Blok; DOMAIN.md §6): Organiseren first, then the petals."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from koers.strategy.rules.reasons import (
    FIELD_NAMES,
    MESSAGES,
    Bilingual,
    Lock,
    Reason,
    is_blank,
    join_words,
    missing_fields,
)


class Petal(enum.StrEnum):
    LUISTEREN = "luisteren"
    REAGEREN = "reageren"
    ZENDEN = "zenden"
    ACTIVEREN = "activeren"


PETAL_NAMES: Mapping[Petal | str, Bilingual] = {
    Petal.LUISTEREN: {"en": "Listening", "nl": "Luisteren"},
    Petal.REAGEREN: {"en": "Responding", "nl": "Reageren"},
    Petal.ZENDEN: {"en": "Broadcasting (content, incl. employees)", "nl": "Zenden"},
    Petal.ACTIVEREN: {"en": "Activating", "nl": "Activeren"},
    "organiseren": {"en": "Organising", "nl": "Organiseren"},
}


@dataclass(frozen=True)
class Organiseren:
    """The centre of the roos: internal (employees) and external (partners) organisation."""

    roles: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    guidelines: tuple[str, ...] = ()
    internal: str = ""
    """How employees are activated."""
    external: str = ""
    """Which partners are involved."""


@dataclass(frozen=True)
class PetalPlan:
    activities: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    owner: str = ""
    effort_hours_per_week: float | None = None
    active: bool = False


@dataclass(frozen=True)
class Roos:
    organiseren: Organiseren = Organiseren()
    petals: Mapping[Petal, PetalPlan] | None = None


@dataclass(frozen=True)
class RoosStatus:
    organiseren_ready: bool
    organiseren_missing: tuple[Reason, ...]
    activation: Mapping[Petal, Lock]
    """Per petal: may it be marked active, and if not, why."""
    violations: tuple[Reason, ...]
    """Petals stored as active although Organiseren isn't ready (old data, imports)."""


def roos_status(roos: Roos) -> RoosStatus:
    """A petal can't be active until Organiseren has roles, processes and guidelines; a petal
    also needs activities, channels, an owner and an effort estimate before it can go active."""
    centre = roos.organiseren
    centre_missing = [
        f
        for f in ("roles", "processes", "guidelines")
        if not any(map(str.strip, getattr(centre, f)))
    ]
    centre_reasons: tuple[Reason, ...] = ()
    if centre_missing:
        centre_reasons = (missing_fields("roos_missing", centre_missing),)
    petals = roos.petals or {}
    activation: dict[Petal, Lock] = {}
    violations: list[Reason] = []
    for petal in Petal:
        plan = petals.get(petal, PetalPlan())
        reasons = list(centre_reasons)
        petal_missing = [
            f for f in ("activities", "channels") if not any(map(str.strip, getattr(plan, f)))
        ]
        petal_missing += ["owner"] if is_blank(plan.owner) else []
        petal_missing += ["effort"] if plan.effort_hours_per_week is None else []
        if petal_missing:
            reasons.append(_petal_reason("roos_petal_incomplete", petal, petal_missing))
        activation[petal] = Lock(tuple(reasons))
        if plan.active and centre_reasons:
            violations.append(_petal_reason("roos_active_too_early", petal))
    return RoosStatus(not centre_missing, centre_reasons, activation, tuple(violations))


def _petal_reason(code: str, petal: Petal, fields: Sequence[str] = ()) -> Reason:
    return Reason(
        code,
        {
            lang: MESSAGES[code][lang].format(
                petal=PETAL_NAMES[petal][lang],
                fields=join_words([FIELD_NAMES[f] for f in fields], lang),
            )
            for lang in ("en", "nl")
        },
    )
