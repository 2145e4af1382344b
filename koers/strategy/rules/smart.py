"""SMART objectives, checked letter by letter (DOMAIN.md §8), and worked examples."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from koers.strategy.rules.groundswell import Objective
from koers.strategy.rules.levels import Level
from koers.strategy.rules.reasons import (
    Bilingual,
    Number,
    Reason,
    is_blank,
    is_number,
    make_reason,
    missing_fields,
)


@dataclass(frozen=True)
class SmartObjective:
    """One measurable objective. Empty strings and ``None`` both mean "not set"."""

    title: str
    metric: str | None = None
    channel: str | None = None
    target_group: str | None = None
    target: Number | None = None
    unit: str | None = None
    baseline: Number | None = None
    baseline_date: date | None = None
    owner: str | None = None
    start: date | None = None
    deadline: date | None = None
    kpi_ids: tuple[str, ...] = ()
    groundswell: Objective | None = None


class SmartStatus(enum.StrEnum):
    PASSED = "passed"
    WARNING = "warning"
    MISSING = "missing"


@dataclass(frozen=True)
class LetterCheck:
    letter: str
    status: SmartStatus
    reason: Reason


@dataclass(frozen=True)
class SmartResult:
    """Per-letter results, in S-M-A-R-T order."""

    letters: tuple[LetterCheck, ...]

    def __getitem__(self, letter: str) -> LetterCheck:
        return next(c for c in self.letters if c.letter == letter)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c.letter for c in self.letters if c.status is SmartStatus.MISSING)

    @property
    def passed(self) -> bool:
        """True when nothing is missing (warnings allowed)."""
        return not self.missing


DEFAULT_MAX_GROWTH_FACTOR = 3.0
"""R: a target more than 3× the baseline (or a reduction to less than a third) gets a warning.
The sources give no number; this is a conservative default for one cycle."""


def check_smart(
    objective: SmartObjective, *, max_growth_factor: float = DEFAULT_MAX_GROWTH_FACTOR
) -> SmartResult:
    """Check one objective letter by letter (DOMAIN.md §8).

    S: metric, channel and target group set. M: numeric target, unit, baseline value and baseline
    date set (a baseline dated after the start is a warning). A: owner set. R: target vs
    baseline within ``max_growth_factor`` in either direction, else a warning; equal to the
    baseline is a warning; a zero baseline passes with a note. T: start and deadline set and the
    deadline strictly after the start.
    """
    o = objective
    checks: list[LetterCheck] = []

    s_missing = [f for f in ("metric", "channel", "target_group") if is_blank(getattr(o, f))]
    checks.append(
        LetterCheck("S", SmartStatus.MISSING, missing_fields("smart_s_missing", s_missing))
        if s_missing
        else LetterCheck("S", SmartStatus.PASSED, make_reason("smart_s_ok"))
    )

    m_missing = [f for f in ("target", "baseline") if not is_number(getattr(o, f))]
    m_missing += [f for f in ("unit",) if is_blank(o.unit)]
    m_missing += ["baseline_date"] if o.baseline_date is None else []
    if m_missing:
        checks.append(
            LetterCheck("M", SmartStatus.MISSING, missing_fields("smart_m_missing", m_missing))
        )
    elif o.start is not None and o.baseline_date is not None and o.baseline_date > o.start:
        checks.append(
            LetterCheck("M", SmartStatus.WARNING, make_reason("smart_m_baseline_after_start"))
        )
    else:
        checks.append(LetterCheck("M", SmartStatus.PASSED, make_reason("smart_m_ok")))

    checks.append(
        LetterCheck("A", SmartStatus.MISSING, make_reason("smart_a_missing"))
        if is_blank(o.owner)
        else LetterCheck("A", SmartStatus.PASSED, make_reason("smart_a_ok"))
    )

    checks.append(_check_realistic(o.target, o.baseline, max_growth_factor))

    if o.start is None or o.deadline is None:
        checks.append(LetterCheck("T", SmartStatus.MISSING, make_reason("smart_t_missing")))
    elif o.deadline <= o.start:
        checks.append(LetterCheck("T", SmartStatus.MISSING, make_reason("smart_t_order")))
    else:
        checks.append(LetterCheck("T", SmartStatus.PASSED, make_reason("smart_t_ok")))
    return SmartResult(tuple(checks))


def _check_realistic(target: Number | None, baseline: Number | None, limit: float) -> LetterCheck:
    if not (is_number(target) and is_number(baseline)):
        return LetterCheck("R", SmartStatus.MISSING, make_reason("smart_r_missing"))
    t, b = float(target), float(baseline)
    if t == b:
        return LetterCheck("R", SmartStatus.WARNING, make_reason("smart_r_equal"))
    if b == 0:
        return LetterCheck("R", SmartStatus.PASSED, make_reason("smart_r_zero_baseline"))
    # Ratios only make sense for values on the same side of zero (counts, rates, durations).
    if t > b and t / b > limit:
        return LetterCheck(
            "R", SmartStatus.WARNING, make_reason("smart_r_too_high", factor=t / b, limit=limit)
        )
    if t < b and (t <= 0 or b / t > limit):
        factor = math.inf if t <= 0 else b / t
        return LetterCheck(
            "R", SmartStatus.WARNING, make_reason("smart_r_too_low", factor=factor, limit=limit)
        )
    return LetterCheck("R", SmartStatus.PASSED, make_reason("smart_r_ok"))


@dataclass(frozen=True)
class ExampleObjective:
    """A worked SMART example from the seed material, for the objective wizard."""

    text: Bilingual
    groundswell: Objective
    level: Level
    kpi_ids: tuple[str, ...]
    metric: Bilingual
    unit: Bilingual
    baseline: float | None
    target: float | None
    kpi_targets: Mapping[str, float] = field(default_factory=dict)
    """KPI id → target, in the unit of that KPI in the catalogue (response time: seconds)."""


EXAMPLE_OBJECTIVES: tuple[ExampleObjective, ...] = (
    ExampleObjective(
        {
            "en": "Answer 90% of customer questions on Mastodon and Facebook within 4 hours "
            "during office hours, from 1 March to 31 May (now 60%).",
            "nl": "Beantwoord van 1 maart tot en met 31 mei 90% van de klantvragen via Mastodon "
            "en Facebook binnen 4 uur tijdens kantooruren (nu 60%).",
        },
        Objective.SUPPORTING,
        Level.ENGAGEMENT,
        ("response_rate", "response_time"),
        metric={"en": "questions answered within 4 hours", "nl": "vragen beantwoord binnen 4 uur"},
        unit={"en": "%", "nl": "%"},
        baseline=60,
        target=90,
        kpi_targets={"response_rate": 90, "response_time": 4 * 3600},
    ),
    ExampleObjective(
        {
            "en": "Get the spring campaign shared by 15 influencers in our sector before 30 June "
            "(last spring: 6).",
            "nl": "Zorg dat 15 influencers uit onze branche de voorjaarscampagne vóór 30 juni "
            "delen (vorig voorjaar: 6).",
        },
        Objective.ENERGIZING,
        Level.INFLUENCE,
        ("amplification_rate",),
        metric={
            "en": "influencers who shared the campaign",
            "nl": "influencers die de campagne deelden",
        },
        unit={"en": "influencers", "nl": "influencers"},
        baseline=6,
        target=15,
    ),
    ExampleObjective(
        {
            "en": "Raise our share of voice against the three main competitors from 18% to 25% "
            "by the end of the year.",
            "nl": "Verhoog ons share of voice ten opzichte van de drie grootste concurrenten van "
            "18% naar 25% vóór het einde van het jaar.",
        },
        Objective.TALKING,
        Level.EXPOSURE,
        ("share_of_voice",),
        metric={"en": "share of voice", "nl": "share of voice"},
        unit={"en": "%", "nl": "%"},
        baseline=18,
        target=25,
        kpi_targets={"share_of_voice": 25},
    ),
)
