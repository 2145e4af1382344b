"""Rung profiles: members and percentages per rung, and the sanity bound on Inactives.

A rung whose activity columns are all absent from the survey is *unknown*: its members and
percentage are ``None``, never 0. Inactives is then computed against the measured rungs only
and the profile carries a warning saying so. Percentages are floats with full precision;
rounding happens only when presenting (:mod:`koers.strategy.technographics.report`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from koers.strategy.technographics.ladder import (
    ACTIVE_RUNGS,
    ACTIVITY_IDS,
    RUNG_ACTIVITIES,
    RUNG_NAMES,
    Frequency,
    Rung,
    rungs_for,
)
from koers.strategy.technographics.messages import MESSAGES, SurveyWarning, format_message
from koers.strategy.technographics.survey import DUTCH_HEADERS, Respondent, Survey, read_survey


@dataclass(frozen=True)
class RungResult:
    """One rung of a profile. ``members``/``percentage`` are ``None`` when the rung is unknown."""

    rung: Rung
    members: int | None
    percentage: float | None
    columns: tuple[str, ...] = ()
    """The activity columns that were measured for this rung (empty for Inactives)."""

    @property
    def known(self) -> bool:
        return self.members is not None


@dataclass(frozen=True)
class TechnographicsProfile:
    """Percentage of respondents per rung. Rungs overlap; only Inactives is exclusive."""

    respondents: int
    rungs: Mapping[Rung, RungResult]
    warnings: tuple[SurveyWarning, ...] = ()

    def pct(self, rung: Rung) -> float | None:
        return self.rungs[rung].percentage

    def percentages(self) -> dict[Rung, float | None]:
        return {rung: self.rungs[rung].percentage for rung in Rung}

    @property
    def unknown_rungs(self) -> tuple[Rung, ...]:
        return tuple(r for r in ACTIVE_RUNGS if not self.rungs[r].known)


def _pct(members: int, respondents: int) -> float | None:
    return members / respondents * 100 if respondents else None


def build_profile(
    respondents: Sequence[Respondent | Mapping[str, Frequency | None]],
    activity_columns: Iterable[str] | None = None,
    *,
    warnings: Sequence[SurveyWarning] = (),
) -> TechnographicsProfile:
    """Count rung members and percentages.

    ``activity_columns`` says which activities were asked; by default the union of the keys in
    the answers. A rung none of whose activities was asked is unknown (``None``). With zero
    respondents every percentage is ``None`` ("no value").
    """
    answer_sets = [r.answers if isinstance(r, Respondent) else r for r in respondents]
    if activity_columns is None:
        asked = {activity for answers in answer_sets for activity in answers}
    else:
        asked = set(activity_columns)
    unknown_activities = asked - ACTIVITY_IDS
    if unknown_activities:
        raise ValueError(f"not activity ids: {sorted(unknown_activities)}")

    counts = dict.fromkeys(Rung, 0)
    for answers in answer_sets:
        for rung in rungs_for(answers):
            counts[rung] += 1

    total = len(answer_sets)
    results: dict[Rung, RungResult] = {}
    all_warnings = list(warnings)
    for rung in ACTIVE_RUNGS:
        columns = tuple(a for a in RUNG_ACTIVITIES[rung] if a in asked)
        if columns:
            results[rung] = RungResult(rung, counts[rung], _pct(counts[rung], total), columns)
        else:
            results[rung] = RungResult(rung, None, None, ())
            all_warnings.append(
                SurveyWarning(
                    "unknown_rung",
                    {
                        lang: MESSAGES["unknown_rung"][lang].format(rung=RUNG_NAMES[rung][lang])
                        for lang in ("en", "nl")
                    },
                    rung=rung,
                )
            )
    inactives = counts[Rung.INACTIVES]
    results[Rung.INACTIVES] = RungResult(Rung.INACTIVES, inactives, _pct(inactives, total))
    return TechnographicsProfile(total, results, tuple(all_warnings))


def profile_from_survey(survey: Survey) -> TechnographicsProfile:
    """The profile of a parsed survey, carrying the reader's warnings along."""
    return build_profile(survey.respondents, survey.activity_columns, warnings=survey.warnings)


def profile_from_bytes(
    data: bytes, *, header_map: Mapping[str, str] = DUTCH_HEADERS
) -> TechnographicsProfile:
    """Read a survey file and compute its profile. Raises :class:`SurveyError`."""
    return profile_from_survey(read_survey(data, header_map=header_map))


# ---------------------------------------------------------------------------------------------
# Sanity bound on Inactives


@dataclass(frozen=True)
class InactivesBound:
    """The range Inactives can take given the other rungs: ``low ≤ inactives ≤ high``."""

    low: float
    high: float
    inactives: float | None
    ok: bool | None
    """``None`` when Inactives or every other rung is unknown (nothing to check)."""


def check_inactives_bound(
    percentages: Mapping[Rung, float | None], *, tolerance: float = 0.5
) -> InactivesBound:
    """Check ``100 − Σothers ≤ Inactives ≤ 100 − max(others)`` over the known rungs.

    Inactives can't exceed the share left by the largest rung (those members are active), and
    can't be below what remains if the other rungs didn't overlap at all. The lower bound is
    clamped at 0. ``tolerance`` (percentage points) absorbs rounding in published figures,
    which are whole percentages. Unknown rungs are left out, which only widens the range.
    """
    others = [p for r in ACTIVE_RUNGS if (p := percentages.get(r)) is not None]
    inactives = percentages.get(Rung.INACTIVES)
    if not others:
        return InactivesBound(0.0, 100.0, inactives, None)
    low = max(0.0, 100.0 - sum(others))
    high = 100.0 - max(others)
    if inactives is None:
        return InactivesBound(low, high, None, None)
    ok = low - tolerance <= inactives <= high + tolerance
    return InactivesBound(low, high, inactives, ok)


def sanity_warnings(profile: TechnographicsProfile) -> tuple[SurveyWarning, ...]:
    """Warnings from :func:`check_inactives_bound` for a profile (empty when it holds)."""
    bound = check_inactives_bound(profile.percentages())
    if bound.ok is not False:
        return ()
    return (
        SurveyWarning(
            "inactives_out_of_bounds",
            format_message(
                "inactives_out_of_bounds", inactives=bound.inactives, low=bound.low, high=bound.high
            ),
            rung=Rung.INACTIVES,
        ),
    )
