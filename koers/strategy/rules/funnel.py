"""The Social Media Funnel: conversion per stage, with warnings (DOMAIN.md §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from koers.strategy.rules.reasons import MESSAGES, Bilingual, Reason


@dataclass(frozen=True)
class FunnelStage:
    name: Bilingual
    revenue_allowed: bool = False


DEFAULT_FUNNEL_STAGES: tuple[FunnelStage, ...] = (
    FunnelStage({"en": "Audience", "nl": "Publiek"}),
    FunnelStage({"en": "Fans/Friends", "nl": "Fans/vrienden"}),
    FunnelStage({"en": "Subscribers", "nl": "Abonnees"}),
    FunnelStage({"en": "Prospects", "nl": "Prospects"}),
    FunnelStage({"en": "Customers", "nl": "Klanten"}, revenue_allowed=True),
    FunnelStage({"en": "Loyalists/Advocates", "nl": "Loyale klanten/ambassadeurs"}, True),
)
"""Stage names are configurable; pass your own stages to :func:`analyse_funnel`."""

RESIDENT_FUNNEL_STAGES: tuple[FunnelStage, ...] = (
    FunnelStage({"en": "Audience", "nl": "Publiek"}),
    FunnelStage({"en": "Followers", "nl": "Volgers"}),
    FunnelStage({"en": "Subscribers", "nl": "Abonnees"}),
    FunnelStage({"en": "Interested residents", "nl": "Betrokken inwoners"}),
    FunnelStage({"en": "Participating residents", "nl": "Deelnemende inwoners"}),
    FunnelStage({"en": "Ambassadors", "nl": "Ambassadeurs"}),
)
"""A public body's funnel: residents who follow, take part and speak up; no sales stages."""

SUPPORTER_FUNNEL_STAGES: tuple[FunnelStage, ...] = (
    FunnelStage({"en": "Audience", "nl": "Publiek"}),
    FunnelStage({"en": "Followers", "nl": "Volgers"}),
    FunnelStage({"en": "Subscribers", "nl": "Abonnees"}),
    FunnelStage({"en": "Interested people", "nl": "Geïnteresseerden"}),
    FunnelStage({"en": "Donors/Members", "nl": "Donateurs/leden"}, revenue_allowed=True),
    FunnelStage({"en": "Ambassadors", "nl": "Ambassadeurs"}, revenue_allowed=True),
)
"""A non-profit's funnel: supporters, donors and members instead of prospects and customers."""


def default_funnel_stages(kind: str) -> tuple[FunnelStage, ...]:
    """The funnel a new cycle starts with for a workspace of ``kind`` (``core.WorkspaceKind``)."""
    return {
        "public_body": RESIDENT_FUNNEL_STAGES,
        "non_profit": SUPPORTER_FUNNEL_STAGES,
    }.get(kind, DEFAULT_FUNNEL_STAGES)


def revenue_stage_names() -> frozenset[str]:
    """The names (both languages, case-folded) of the default stages where customers exist."""
    return frozenset(
        stage.name[lang].casefold()
        for stages in (DEFAULT_FUNNEL_STAGES, RESIDENT_FUNNEL_STAGES, SUPPORTER_FUNNEL_STAGES)
        for stage in stages
        if stage.revenue_allowed
        for lang in ("en", "nl")
    )


def stages_named(names: Sequence[str]) -> tuple[FunnelStage, ...]:
    """Stages for a workspace's own stage names: revenue is allowed from the first stage named
    like a default customer stage ("Customers", "Klanten", "Donors/Members", …) onwards. A
    funnel with no such stage has no customers, so any revenue in it gets the warning."""
    known = revenue_stage_names()
    first = next((i for i, n in enumerate(names) if n.strip().casefold() in known), len(names))
    return tuple(
        FunnelStage({"en": name, "nl": name}, revenue_allowed=i >= first)
        for i, name in enumerate(names)
    )


@dataclass(frozen=True)
class FunnelRow:
    stage: FunnelStage
    count: int | None
    step_conversion: float | None
    """``N[i+1] / N[i]`` as a fraction (0.25 = 25%); ``None`` on the last stage or 0/missing."""
    cumulative_conversion: float | None
    """``N[i] / N[0]`` as a fraction; ``None`` when the first stage is 0 or missing."""


@dataclass(frozen=True)
class FunnelAnalysis:
    rows: tuple[FunnelRow, ...]
    warnings: tuple[Reason, ...]


def _ratio(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def analyse_funnel(
    counts: Sequence[int | None],
    stages: Sequence[FunnelStage] = DEFAULT_FUNNEL_STAGES,
    *,
    revenue: Sequence[float | None] | None = None,
) -> FunnelAnalysis:
    """Step and cumulative conversion per stage, with warnings.

    Warns when a count is larger than the last known count above it, and when ``revenue`` is
    recorded (> 0) at a stage before the first stage with ``revenue_allowed``. Raises
    ``ValueError`` when the lengths differ or a count is negative (a programming error).
    """
    if len(counts) != len(stages) or (revenue is not None and len(revenue) != len(stages)):
        raise ValueError("one count (and revenue figure) per stage")
    if any(c is not None and c < 0 for c in counts):
        raise ValueError("funnel counts can't be negative")

    rows = []
    for i, (stage, count) in enumerate(zip(stages, counts, strict=True)):
        step = _ratio(counts[i + 1], count) if i + 1 < len(counts) else None
        rows.append(FunnelRow(stage, count, step, _ratio(count, counts[0])))

    warnings: list[Reason] = []
    previous: tuple[FunnelStage, int] | None = None
    for stage, count in zip(stages, counts, strict=True):
        if count is None:
            continue
        if previous is not None and count > previous[1]:
            warnings.append(_funnel_increase(previous[0], previous[1], stage, count))
        previous = (stage, count)

    if revenue is not None:
        for stage, amount in zip(stages, revenue, strict=True):
            if stage.revenue_allowed:
                break
            if amount:
                warnings.append(
                    Reason(
                        "funnel_early_revenue",
                        {
                            lang: MESSAGES["funnel_early_revenue"][lang].format(
                                stage=stage.name[lang]
                            )
                            for lang in ("en", "nl")
                        },
                    )
                )
    return FunnelAnalysis(tuple(rows), tuple(warnings))


def _funnel_increase(
    earlier: FunnelStage, earlier_count: int, later: FunnelStage, later_count: int
) -> Reason:
    return Reason(
        "funnel_increase",
        {
            lang: MESSAGES["funnel_increase"][lang].format(
                earlier=earlier.name[lang],
                earlier_count=earlier_count,
                later=later.name[lang],
                later_count=later_count,
            )
            for lang in ("en", "nl")
        },
    )
