"""KPI catalogue and formulas (DOMAIN.md §8), consistency checks and objective progress.

Pure Python, no Django (ARCHITECTURE.md, "Rule of the house").

Contracts:

* Every KPI function returns a :class:`KpiValue` that records the numerator, the denominator and
  the variant used, so a stored value can always be explained and recomputed.
* A zero or missing (``None``) denominator, or a missing numerator, gives ``value=None``:
  "no value". Never an exception, never a fake 0.
* Negative counts are invalid input and raise ``ValueError`` (forms validate before this).
* Numbers are ``float`` throughout, at full precision. Nothing is rounded here; presentation
  rounds with :func:`present`, half up (12.25 → 12.3), via ``decimal`` so that a report shows
  what a person computing by hand expects.
* Percentages are 0–100 (``·100`` in the formula); rates "per post" and ratios are plain.
* User-facing texts are ``{"en": ..., "nl": ...}`` dicts.
"""

from __future__ import annotations

import enum
import math
import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from koers.strategy.rules.levels import Level

Bilingual = Mapping[str, str]
"""A user-facing text in both product languages: ``{"en": ..., "nl": ...}``."""

Count = int | float


@dataclass(frozen=True)
class KpiValue:
    """One computed KPI. ``value`` is ``None`` when there is no value (e.g. 0 denominator)."""

    kpi: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    variant: str | None = None

    @property
    def has_value(self) -> bool:
        return self.value is not None


def _check_counts(**counts: Count | None) -> None:
    for name, value in counts.items():
        if value is not None and value < 0:
            raise ValueError(f"{name} can't be negative: {value}")


def _ratio(
    kpi: str,
    numerator: Count | None,
    denominator: Count | None,
    *,
    scale: float = 1.0,
    variant: str | None = None,
) -> KpiValue:
    """``numerator / denominator · scale``, or no value when either is missing or the
    denominator is 0."""
    num = None if numerator is None else float(numerator)
    den = None if denominator is None else float(denominator)
    value = None if num is None or not den else num / den * scale
    return KpiValue(kpi, value, num, den, variant)


def present(value: float | None, places: int = 1) -> Decimal | None:
    """Round for display, half up. ``None`` stays ``None`` (shown as "no value")."""
    if value is None:
        return None
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# =============================================================================================
# Exposure


def reach(accounts_reached: Count | None) -> KpiValue:
    """Unique accounts that saw the content (as reported by the network)."""
    _check_counts(reach=accounts_reached)
    value = None if accounts_reached is None else float(accounts_reached)
    return KpiValue("reach", value, value)


def impressions(times_shown: Count | None) -> KpiValue:
    """Times the content was shown, counting repeats."""
    _check_counts(impressions=times_shown)
    value = None if times_shown is None else float(times_shown)
    return KpiValue("impressions", value, value)


def web_visits(visits: Count | None) -> KpiValue:
    """Visits to the own site that came from social media (UTM-tagged links; the Coca-Cola
    example of social as a traffic driver). Entered or imported per day as a manual input."""
    _check_counts(web_visits=visits)
    value = None if visits is None else float(visits)
    return KpiValue("web_visits", value, value)


def frequency(impressions: Count | None, reach: Count | None) -> KpiValue:
    """Average times each reached account saw the content: impressions / reach."""
    _check_counts(impressions=impressions, reach=reach)
    return _ratio("frequency", impressions, reach)


def share_of_voice(
    brand_mentions: Count | None, competitor_mentions: Iterable[Count | None]
) -> KpiValue:
    """brand / (brand + competitors) · 100. A missing competitor count means no value."""
    competitors = list(competitor_mentions)
    _check_counts(brand=brand_mentions, **{f"competitor_{i}": c for i, c in enumerate(competitors)})
    if brand_mentions is None or any(c is None for c in competitors):
        brand = None if brand_mentions is None else float(brand_mentions)
        return KpiValue("share_of_voice", None, brand, None)
    total = brand_mentions + sum(c for c in competitors if c is not None)
    return _ratio("share_of_voice", brand_mentions, total, scale=100)


def share_of_voice_by_brand(mentions: Mapping[str, Count | None]) -> dict[str, KpiValue]:
    """Share of voice of every brand in the set; over a complete set they add up to 100."""
    return {
        brand: share_of_voice(count, [c for other, c in mentions.items() if other != brand])
        for brand, count in mentions.items()
    }


# =============================================================================================
# Engagement

ENGAGEMENT_COMPONENTS: Mapping[str, tuple[str, ...]] = {
    "default": ("reactions", "comments", "shares"),
    "with_saves": ("reactions", "comments", "shares", "saves"),
    "with_saves_and_clicks": ("reactions", "comments", "shares", "saves", "clicks"),
}
"""Which interactions count as an engagement. Per network configurable: pass ``components``."""


def engagements(
    counts: Mapping[str, Count | None], components: Sequence[str] | str = "default"
) -> KpiValue:
    """Sum of the configured interaction counts (reactions + comments + shares by default).

    ``components`` is a preset name from :data:`ENGAGEMENT_COMPONENTS` or a list of count names.
    A component that is missing or ``None`` gives no value: a partial sum would understate.
    """
    names = ENGAGEMENT_COMPONENTS[components] if isinstance(components, str) else tuple(components)
    variant = components if isinstance(components, str) else "+".join(names)
    values = [counts.get(name) for name in names]
    _check_counts(**{name: counts.get(name) for name in names})
    if any(v is None for v in values):
        return KpiValue("engagements", None, variant=variant)
    total = float(sum(v for v in values if v is not None))
    return KpiValue("engagements", total, total, variant=variant)


class EngagementBase(enum.StrEnum):
    BY_REACH = "by_reach"
    BY_FOLLOWERS = "by_followers"


def engagement_rate(
    engagements: Count | None,
    base: Count | None,
    variant: EngagementBase | str = EngagementBase.BY_REACH,
) -> KpiValue:
    """engagements / reach · 100 (``by_reach``) or engagements / followers at post time · 100
    (``by_followers``). ``base`` is the reach or the follower count accordingly."""
    variant = EngagementBase(variant)
    _check_counts(engagements=engagements, base=base)
    return _ratio("engagement_rate", engagements, base, scale=100, variant=variant.value)


def conversation_rate(comments: Count | None, posts: Count | None) -> KpiValue:
    """Kaushik: comments per post."""
    _check_counts(comments=comments, posts=posts)
    return _ratio("conversation_rate", comments, posts)


def amplification_rate(shares: Count | None, posts: Count | None) -> KpiValue:
    """Kaushik: shares (reposts, boosts) per post."""
    _check_counts(shares=shares, posts=posts)
    return _ratio("amplification_rate", shares, posts)


def applause_rate(likes: Count | None, posts: Count | None) -> KpiValue:
    """Kaushik: likes (favourites) per post."""
    _check_counts(likes=likes, posts=posts)
    return _ratio("applause_rate", likes, posts)


def response_rate(answered: Count | None, eligible_inbound: Count | None) -> KpiValue:
    """answered / eligible inbound messages · 100."""
    _check_counts(answered=answered, eligible_inbound=eligible_inbound)
    return _ratio("response_rate", answered, eligible_inbound, scale=100)


class ResponseTimeStatistic(enum.StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    P90 = "p90"


def response_durations(pairs: Iterable[tuple[datetime, datetime]]) -> list[float]:
    """Seconds from inbound to reply for each ``(inbound_at, replied_at)`` pair.

    Raises ``ValueError`` when a reply is earlier than its inbound message (bad data, not a
    fast reply).
    """
    durations = []
    for inbound_at, replied_at in pairs:
        seconds = (replied_at - inbound_at).total_seconds()
        if seconds < 0:
            raise ValueError(f"reply at {replied_at} is before inbound at {inbound_at}")
        durations.append(seconds)
    return durations


def response_time(
    durations: Sequence[float | timedelta],
    variant: ResponseTimeStatistic | str = ResponseTimeStatistic.MEDIAN,
) -> KpiValue:
    """Mean, median or 90th percentile of reply − inbound, in seconds. No replies: no value.

    p90 uses the nearest-rank method (the ⌈0.9·n⌉-th smallest duration): always a real observed
    response time, so "90% of replies were sent within X" is literally true. The median of an
    even count is the mean of the two middle values. ``numerator`` is unused; ``denominator`` is
    the number of replies.
    """
    variant = ResponseTimeStatistic(variant)
    seconds = sorted(d.total_seconds() if isinstance(d, timedelta) else float(d) for d in durations)
    if any(s < 0 for s in seconds):
        raise ValueError("response durations can't be negative")
    if not seconds:
        return KpiValue("response_time", None, None, 0.0, variant.value)
    if variant is ResponseTimeStatistic.MEAN:
        value = statistics.fmean(seconds)
    elif variant is ResponseTimeStatistic.MEDIAN:
        value = statistics.median(seconds)
    else:
        value = seconds[math.ceil(0.9 * len(seconds)) - 1]
    return KpiValue("response_time", value, None, float(len(seconds)), variant.value)


def click_through_rate(clicks: Count | None, impressions: Count | None) -> KpiValue:
    """clicks / impressions · 100."""
    _check_counts(clicks=clicks, impressions=impressions)
    return _ratio("click_through_rate", clicks, impressions, scale=100)


# =============================================================================================
# Influence and action


class SentimentBase(enum.StrEnum):
    WITH_NEUTRAL = "with_neutral"
    WITHOUT_NEUTRAL = "without_neutral"


def net_sentiment(
    positive: Count | None,
    neutral: Count | None,
    negative: Count | None,
    variant: SentimentBase | str = SentimentBase.WITH_NEUTRAL,
) -> KpiValue:
    """(pos − neg) / (pos + neu + neg) · 100, or (pos − neg) / (pos + neg) · 100 without
    neutral. Ranges from −100 to +100. ``neutral`` may be ``None`` in the second variant."""
    variant = SentimentBase(variant)
    _check_counts(positive=positive, neutral=neutral, negative=negative)
    if positive is None or negative is None:
        return KpiValue("net_sentiment", None, variant=variant.value)
    if variant is SentimentBase.WITH_NEUTRAL:
        base = None if neutral is None else positive + neutral + negative
    else:
        base = positive + negative
    return _ratio("net_sentiment", positive - negative, base, scale=100, variant=variant.value)


def conversion_rate(conversions: Count | None, clicks: Count | None) -> KpiValue:
    """conversions / clicks · 100. The denominator is recorded: conversion "of what" matters."""
    _check_counts(conversions=conversions, clicks=clicks)
    return _ratio("conversion_rate", conversions, clicks, scale=100)


# =============================================================================================
# Catalogue


class Unit(enum.StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    PER_POST = "per_post"
    RATIO = "ratio"
    SECONDS = "seconds"


UNIT_NAMES: Mapping[Unit, Bilingual] = {
    Unit.COUNT: {"en": "number", "nl": "aantal"},
    Unit.PERCENT: {"en": "%", "nl": "%"},
    Unit.PER_POST: {"en": "per post", "nl": "per bericht"},
    Unit.RATIO: {"en": "ratio", "nl": "verhouding"},
    Unit.SECONDS: {"en": "seconds", "nl": "seconden"},
}
"""The unit a KPI's values and targets are in, as people read it next to a number."""


#: The words of the catalogue's formulas in Dutch; operators, ``pos``/``neg``/``neu`` and
#: numbers stay as they are. Longer phrases first, so "followers at post time" wins over "posts".
FORMULA_WORDS_NL: Mapping[str, str] = {
    "followers at post time": "volgers op het moment van posten",
    "eligible inbound": "binnengekomen berichten die een antwoord verdienen",
    "brand mentions": "eigen vermeldingen",
    "nearest rank": "dichtstbijzijnde rang",
    "statistic of": "statistiek van",
    "configurable": "instelbaar",
    "competitors": "andere organisaties",
    "engagements": "interacties",
    "impressions": "vertoningen",
    "conversions": "conversies",
    "reactions": "reacties",
    "comments": "opmerkingen",
    "answered": "beantwoord",
    "inbound": "binnenkomst",
    "median": "mediaan",
    "shares": "delingen",
    "clicks": "klikken",
    "saves": "opgeslagen",
    "brand": "eigen",
    "posts": "berichten",
    "reply": "antwoord",
    "reach": "bereik",
    "likes": "likes",
    "visits": "bezoeken",
    "mean": "gemiddelde",
    "base": "basis",
}
_FORMULA_WORD = re.compile(
    r"\b("
    + "|".join(re.escape(w) for w in sorted(FORMULA_WORDS_NL, key=len, reverse=True))
    + r")\b"
)


def formula_text(formula: str, language: str) -> str:
    """A catalogue formula (written in English) as a reader of ``language`` reads it."""
    if not language.startswith("nl"):
        return formula
    return _FORMULA_WORD.sub(lambda m: FORMULA_WORDS_NL[m.group(1)], formula)


@dataclass(frozen=True)
class KpiVariant:
    id: str
    name: Bilingual
    formula: str


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI as the product shows and stores it."""

    id: str
    name: Bilingual
    level: Level
    formula: str
    numerator: Bilingual | None
    denominator: Bilingual | None
    unit: Unit
    compute: Callable[..., KpiValue]
    variants: tuple[KpiVariant, ...] = ()

    @property
    def default_variant(self) -> str | None:
        return self.variants[0].id if self.variants else None


def _b(en: str, nl: str) -> dict[str, str]:
    return {"en": en, "nl": nl}


KPI_CATALOGUE: Mapping[str, KpiDefinition] = {
    k.id: k
    for k in (
        KpiDefinition("reach", _b("Reach", "Bereik"), Level.EXPOSURE,
                      "reach", _b("unique accounts reached", "unieke accounts bereikt"), None,
                      Unit.COUNT, reach),
        KpiDefinition("impressions", _b("Impressions", "Vertoningen"), Level.EXPOSURE,
                      "impressions", _b("times shown", "aantal keer getoond"), None,
                      Unit.COUNT, impressions),
        KpiDefinition("frequency", _b("Frequency", "Frequentie"), Level.EXPOSURE,
                      "impressions / reach", _b("impressions", "vertoningen"),
                      _b("reach", "bereik"), Unit.RATIO, frequency),
        KpiDefinition("share_of_voice", _b("Share of voice", "Share of voice"), Level.EXPOSURE,
                      "brand mentions / (brand + competitors) · 100",
                      _b("brand mentions", "vermeldingen van het merk"),
                      _b("mentions of brand and competitors",
                         "vermeldingen van merk en concurrenten"),
                      Unit.PERCENT, share_of_voice),
        KpiDefinition("engagements", _b("Engagements", "Interacties"), Level.ENGAGEMENT,
                      "reactions + comments + shares (+ saves, + clicks; configurable)",
                      _b("interactions", "interacties"), None, Unit.COUNT, engagements,
                      (KpiVariant("default", _b("Reactions, comments, shares",
                                                "Reacties, opmerkingen, delingen"),
                                  "reactions + comments + shares"),
                       KpiVariant("with_saves", _b("Including saves", "Inclusief opslaan"),
                                  "reactions + comments + shares + saves"),
                       KpiVariant("with_saves_and_clicks",
                                  _b("Including saves and clicks",
                                     "Inclusief opslaan en klikken"),
                                  "reactions + comments + shares + saves + clicks"))),
        KpiDefinition("engagement_rate", _b("Engagement rate", "Engagementratio"),
                      Level.ENGAGEMENT, "engagements / base · 100",
                      _b("engagements", "interacties"),
                      _b("reach, or followers at post time", "bereik, of volgers op het "
                         "moment van posten"), Unit.PERCENT, engagement_rate,
                      (KpiVariant("by_reach", _b("By reach", "Op basis van bereik"),
                                  "engagements / reach · 100"),
                       KpiVariant("by_followers", _b("By followers", "Op basis van volgers"),
                                  "engagements / followers at post time · 100"))),
        KpiDefinition("conversation_rate", _b("Conversation rate", "Conversatieratio"),
                      Level.ENGAGEMENT, "comments / posts", _b("comments", "reacties"),
                      _b("posts", "berichten"), Unit.PER_POST, conversation_rate),
        KpiDefinition("amplification_rate", _b("Amplification rate", "Versterkingsratio"),
                      Level.ENGAGEMENT, "shares / posts", _b("shares", "keer gedeeld"),
                      _b("posts", "berichten"), Unit.PER_POST, amplification_rate),
        KpiDefinition("applause_rate", _b("Applause rate", "Applausratio"),
                      Level.ENGAGEMENT, "likes / posts", _b("likes", "likes"),
                      _b("posts", "berichten"), Unit.PER_POST, applause_rate),
        KpiDefinition("response_rate", _b("Response rate", "Responspercentage"),
                      Level.ENGAGEMENT, "answered / eligible inbound · 100",
                      _b("answered messages", "beantwoorde berichten"),
                      _b("inbound messages that needed a reply",
                         "binnenkomende berichten die een antwoord vroegen"),
                      Unit.PERCENT, response_rate),
        KpiDefinition("response_time", _b("Response time", "Reactietijd"), Level.ENGAGEMENT,
                      "statistic of (reply − inbound)", None,
                      _b("replies", "antwoorden"), Unit.SECONDS, response_time,
                      (KpiVariant("median", _b("Median", "Mediaan"), "median(reply − inbound)"),
                       KpiVariant("mean", _b("Mean", "Gemiddelde"), "mean(reply − inbound)"),
                       KpiVariant("p90", _b("90th percentile", "90e percentiel"),
                                  "p90(reply − inbound), nearest rank"))),
        KpiDefinition("click_through_rate", _b("Click-through rate (CTR)", "Doorklikratio (CTR)"),
                      Level.ENGAGEMENT, "clicks / impressions · 100", _b("clicks", "klikken"),
                      _b("impressions", "vertoningen"), Unit.PERCENT, click_through_rate),
        KpiDefinition("net_sentiment", _b("Net sentiment", "Netto sentiment"), Level.INFLUENCE,
                      "(pos − neg) / (pos + neu + neg) · 100",
                      _b("positive minus negative mentions",
                         "positieve min negatieve vermeldingen"),
                      _b("all rated mentions", "alle beoordeelde vermeldingen"),
                      Unit.PERCENT, net_sentiment,
                      (KpiVariant("with_neutral", _b("Including neutral", "Inclusief neutraal"),
                                  "(pos − neg) / (pos + neu + neg) · 100"),
                       KpiVariant("without_neutral",
                                  _b("Excluding neutral", "Zonder neutraal"),
                                  "(pos − neg) / (pos + neg) · 100"))),
        KpiDefinition("web_visits", _b("Visits to the own site", "Bezoeken aan de eigen site"),
                      Level.ACTION, "visits", _b("visits from social media (UTM)",
                                                 "bezoeken vanuit sociale media (UTM)"),
                      None, Unit.COUNT, web_visits),
        KpiDefinition("conversion_rate", _b("Conversion rate", "Conversiepercentage"),
                      Level.ACTION, "conversions / clicks · 100",
                      _b("conversions", "conversies"), _b("clicks", "klikken"),
                      Unit.PERCENT, conversion_rate),
    )
}  # fmt: skip
"""Every KPI of DOMAIN.md §8 with its level, formula and variants. The first variant is the
default. ``compute`` is the function that calculates it."""


# =============================================================================================
# Consistency checks


@dataclass(frozen=True)
class Issue:
    """A data inconsistency worth showing next to the figures (never an exception)."""

    code: str
    message: Bilingual


def check_reach_impressions(reach: Count | None, impressions: Count | None) -> list[Issue]:
    """Reach counts unique accounts, impressions count views: reach ≤ impressions."""
    if reach is None or impressions is None or reach <= impressions:
        return []
    return [
        Issue(
            "reach_exceeds_impressions",
            _b(
                f"Reach ({reach:g}) is larger than impressions ({impressions:g}); every reached "
                "account saw the content at least once.",
                f"Bereik ({reach:g}) is groter dan het aantal vertoningen ({impressions:g}); "
                "elk bereikt account heeft de content minstens één keer gezien.",
            ),
        )
    ]


def check_share_of_voice_total(
    shares: Iterable[float | None], *, tolerance: float = 0.5
) -> list[Issue]:
    """Shares of voice over a complete brand set must add up to 100 (± ``tolerance`` points,
    for rounded inputs). Missing shares skip the check: the set isn't complete."""
    values = list(shares)
    if not values or any(v is None for v in values):
        return []
    total = sum(v for v in values if v is not None)
    if abs(total - 100.0) <= tolerance:
        return []
    return [
        Issue(
            "share_of_voice_total",
            _b(
                f"Shares of voice add up to {total:.1f}%, not 100%: the brand set is incomplete "
                "or the figures come from different periods.",
                f"De shares of voice tellen op tot {total:.1f}% in plaats van 100%: de merkenset "
                "is onvolledig of de cijfers komen uit verschillende perioden.",
            ),
        )
    ]


def check_sentiment_total(
    positive: Count | None, neutral: Count | None, negative: Count | None, total: Count | None
) -> list[Issue]:
    """pos + neu + neg = total rated mentions."""
    if positive is None or neutral is None or negative is None or total is None:
        return []
    parts = positive + neutral + negative
    if parts == total:
        return []
    return [
        Issue(
            "sentiment_total",
            _b(
                f"Positive + neutral + negative = {parts:g}, but the total is {total:g}.",
                f"Positief + neutraal + negatief = {parts:g}, maar het totaal is {total:g}.",
            ),
        )
    ]


def check_consistency(
    *,
    reach: Count | None = None,
    impressions: Count | None = None,
    shares_of_voice: Iterable[float | None] | None = None,
    sentiment: tuple[Count | None, Count | None, Count | None, Count | None] | None = None,
    tolerance: float = 0.5,
) -> list[Issue]:
    """All consistency checks for the figures given; ``sentiment`` is (pos, neu, neg, total)."""
    issues = check_reach_impressions(reach, impressions)
    if shares_of_voice is not None:
        issues += check_share_of_voice_total(shares_of_voice, tolerance=tolerance)
    if sentiment is not None:
        issues += check_sentiment_total(*sentiment)
    return issues


# =============================================================================================
# Objective progress


class ProgressStatus(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_VALUE = "no_value"


PROGRESS_STATUS_NAMES: Mapping[ProgressStatus, Bilingual] = {
    ProgressStatus.ON_TRACK: _b("On track", "Op koers"),
    ProgressStatus.AT_RISK: _b("At risk", "Risico"),
    ProgressStatus.OFF_TRACK: _b("Off track", "Uit koers"),
    ProgressStatus.NO_VALUE: _b("No value", "Geen waarde"),
}


@dataclass(frozen=True)
class Progress:
    status: ProgressStatus
    expected: float | None
    """Share of the way to the target expected by today, linear in time (0–1)."""
    actual: float | None
    """Share of the way from baseline to target achieved (can be < 0 or > 1)."""
    rule: Bilingual
    reason: Bilingual | None = None
    """Why there is no value, when status is NO_VALUE."""


def progress_rule(on_track: float = 0.9, at_risk: float = 0.6) -> dict[str, str]:
    """The classification rule as a sentence, for next to the traffic light."""
    on, risk = f"{on_track * 100:g}%", f"{at_risk * 100:g}%"
    return _b(
        f"On track when actual progress is at least {on} of the progress expected by now "
        f"(linear from start to deadline); at risk from {risk}; otherwise off track.",
        f"Op koers als de werkelijke voortgang minstens {on} is van de voortgang die nu "
        f"verwacht mag worden (lineair van start tot deadline); risico vanaf {risk}; anders uit "
        "koers.",
    )


def classify_progress(
    *,
    baseline: Count,
    target: Count,
    start: date,
    deadline: date,
    current: Count | None,
    today: date,
    on_track: float = 0.9,
    at_risk: float = 0.6,
) -> Progress:
    """Compare actual progress with linear expected progress.

    ``expected = clamp((today − start) / (deadline − start), 0, 1)`` and
    ``actual = (current − baseline) / (target − baseline)``, which also works for targets below
    the baseline (bringing response time down from 10 h to 4 h: 7 h is halfway). On track if
    ``actual ≥ expected · on_track``, at risk if ``actual ≥ expected · at_risk``, else off track.
    Before the start nothing is expected, so any progress is on track. No value when the current
    value is missing, the target equals the baseline, or the deadline isn't after the start.
    ``start``/``deadline``/``today`` may be dates or (consistently aware) datetimes.
    """
    if not 0 <= at_risk <= on_track:
        raise ValueError("thresholds must satisfy 0 ≤ at_risk ≤ on_track")
    rule = progress_rule(on_track, at_risk)
    span = (deadline - start).total_seconds()
    if current is None:
        return _no_value(rule, "No current value measured yet.", "Nog geen actuele waarde gemeten.")
    if target == baseline:
        return _no_value(
            rule, "The target equals the baseline.", "De streefwaarde is gelijk aan de nulmeting."
        )
    if span <= 0:
        return _no_value(
            rule, "The deadline isn't after the start.", "De deadline ligt niet na de start."
        )
    elapsed = (today - start).total_seconds()
    expected = min(1.0, max(0.0, elapsed / span))
    actual = (current - baseline) / (target - baseline)
    # With nothing expected yet, even a dip below the baseline isn't a verdict on the plan.
    if expected == 0 or actual >= expected * on_track:
        status = ProgressStatus.ON_TRACK
    elif actual >= expected * at_risk:
        status = ProgressStatus.AT_RISK
    else:
        status = ProgressStatus.OFF_TRACK
    return Progress(status, expected, float(actual), rule)


def _no_value(rule: Bilingual, en: str, nl: str) -> Progress:
    return Progress(ProgressStatus.NO_VALUE, None, None, rule, _b(en, nl))
