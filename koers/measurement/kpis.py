"""KPI values for a workspace and period: gather the inputs with a fixed number of aggregate
queries, then let ``formulas.py`` compute. Nothing here re-implements a formula.

Where the inputs come from:

* posts (``MeasuredPost``, latest counts per post, published in the period): likes → reactions,
  replies → comments, reposts + quotes → shares, reach, impressions, clicks, saves, followers at
  post time;
* manual and CSV inputs (``ManualMetric``, dated in the period): flows (visits, clicks,
  conversions, impressions, reach) are summed, levels (subscribers, funnel counts) take the
  latest value; manual reach/impressions/clicks add to what the networks reported;
* listening rollups and the inbox through ``sources`` (brand/competitor mentions, sentiment,
  responses).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.utils.translation import get_language

from koers.core.models import Workspace
from koers.measurement import formulas, sources
from koers.measurement.formulas import KPI_CATALOGUE, KpiDefinition, KpiValue, Unit
from koers.measurement.models import ManualMetric, MeasuredPost
from koers.measurement.periods import Period

POST_SUMS = ("likes", "reposts", "replies", "quotes", "reach", "impressions", "clicks", "saves")


@dataclass(frozen=True)
class Inputs:
    """Everything the KPI formulas need for one period, already aggregated."""

    posts: int
    post_counts: Mapping[str, float | None]
    engagements_with_followers: float | None
    followers_at_post: float | None
    posts_reach_over_impressions: int
    manual: Mapping[str, float | None]
    funnel: Mapping[int, float]
    mentions: sources.MentionTotals | None = None
    responses: sources.Responses | None = None
    sources_used: tuple[str, ...] = field(default=())

    def total(self, name: str) -> float | None:
        """A count from posts plus the manual input of the same name; ``None`` if neither."""
        parts = [v for v in (self.post_counts.get(name), self.manual.get(name)) if v is not None]
        return float(sum(parts)) if parts else None

    @property
    def shares(self) -> float | None:
        reposts = self.post_counts.get("reposts")
        if reposts is None:
            return None
        return reposts + (self.post_counts.get("quotes") or 0)


def _posts(workspace: Workspace, period: Period, campaign: str = ""):
    posts = MeasuredPost.objects.filter(
        workspace=workspace, local_date__gte=period.start, local_date__lte=period.end
    )
    return posts.filter(campaign=campaign) if campaign else posts


def gather(workspace: Workspace, period: Period, campaign: str = "") -> Inputs:
    """The period's inputs in two aggregate queries (plus the sources' own)."""
    both_known = Q(followers_at_post__isnull=False, engagements__isnull=False)
    aggregates = _posts(workspace, period, campaign).aggregate(
        posts=Count("id"),
        **{f"sum_{name}": Sum(name) for name in POST_SUMS},
        engagements_with_followers=Sum("engagements", filter=both_known),
        followers_at_post=Sum("followers_at_post", filter=both_known),
        reach_over_impressions=Count("id", filter=Q(reach__gt=F("impressions"))),
    )
    manual, funnel = _manual(workspace, period)
    return Inputs(
        posts=aggregates["posts"],
        post_counts={name: _float(aggregates[f"sum_{name}"]) for name in POST_SUMS},
        engagements_with_followers=_float(aggregates["engagements_with_followers"]),
        followers_at_post=_float(aggregates["followers_at_post"]),
        posts_reach_over_impressions=aggregates["reach_over_impressions"],
        manual=manual,
        funnel=funnel,
        mentions=sources.mention_totals(workspace, period),
        responses=sources.responses(workspace, period),
    )


def _manual(workspace: Workspace, period: Period) -> tuple[dict[str, float], dict[int, float]]:
    """Flows summed, levels (subscribers, funnel counts) at their latest day in the period."""
    rows = (
        ManualMetric.objects.filter(workspace=workspace, day__gte=period.start, day__lte=period.end)
        .values("metric", "stage", "day")
        .annotate(value=Sum("value"))
        .order_by("day")
    )
    flows: dict[str, float] = {}
    levels: dict[tuple[str, int], float] = {}
    for row in rows:
        if row["metric"] in ManualMetric.STOCKS:
            levels[(row["metric"], row["stage"])] = float(row["value"])
        else:
            flows[row["metric"]] = flows.get(row["metric"], 0.0) + row["value"]
    funnel = {stage: v for (metric, stage), v in levels.items() if metric == "funnel_stage"}
    for (metric, _stage), value in levels.items():
        if metric != "funnel_stage":
            flows[metric] = value
    return flows, funnel


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def compute(inputs: Inputs, kpi: str, variant: str | None = None) -> KpiValue:
    """One KPI from gathered inputs; ``variant`` defaults to the catalogue's first variant.

    Raises ``KeyError`` for an unknown KPI and ``ValueError`` for an unknown variant.
    """
    definition = KPI_CATALOGUE[kpi]
    variant = variant or definition.default_variant
    if definition.variants and variant not in {v.id for v in definition.variants}:
        raise ValueError(f"unknown variant {variant!r} of {kpi}")
    return _COMPUTE[kpi](inputs, variant)


def _engagement_counts(i: Inputs) -> dict[str, float | None]:
    return {
        "reactions": i.post_counts.get("likes"),
        "comments": i.post_counts.get("replies"),
        "shares": i.shares,
        "saves": i.post_counts.get("saves"),
        "clicks": i.total("clicks"),
    }


def _engagements(i: Inputs, variant: str | None) -> KpiValue:
    return formulas.engagements(_engagement_counts(i), variant or "default")


def _engagement_rate(i: Inputs, variant: str | None) -> KpiValue:
    if variant == "by_followers":
        return formulas.engagement_rate(
            i.engagements_with_followers, i.followers_at_post, "by_followers"
        )
    return formulas.engagement_rate(_engagements(i, "default").value, i.total("reach"), "by_reach")


def _share_of_voice(i: Inputs, variant: str | None) -> KpiValue:
    if i.mentions is None:
        return KpiValue("share_of_voice", None)
    return formulas.share_of_voice(i.mentions.brand, i.mentions.competitors.values())


def _net_sentiment(i: Inputs, variant: str | None) -> KpiValue:
    m = i.mentions
    if m is None:
        return KpiValue("net_sentiment", None, variant=variant)
    return formulas.net_sentiment(m.positive, m.neutral, m.negative, variant or "with_neutral")


def _response_rate(i: Inputs, variant: str | None) -> KpiValue:
    r = i.responses
    return formulas.response_rate(r.answered if r else None, r.eligible if r else None)


def _response_time(i: Inputs, variant: str | None) -> KpiValue:
    durations = i.responses.durations if i.responses else []
    return formulas.response_time(durations, variant or "median")


_COMPUTE = {
    "reach": lambda i, v: formulas.reach(i.total("reach")),
    "impressions": lambda i, v: formulas.impressions(i.total("impressions")),
    "frequency": lambda i, v: formulas.frequency(i.total("impressions"), i.total("reach")),
    "share_of_voice": _share_of_voice,
    "engagements": _engagements,
    "engagement_rate": _engagement_rate,
    "conversation_rate": lambda i, v: formulas.conversation_rate(
        i.post_counts.get("replies"), i.posts
    ),
    "amplification_rate": lambda i, v: formulas.amplification_rate(i.shares, i.posts),
    "applause_rate": lambda i, v: formulas.applause_rate(i.post_counts.get("likes"), i.posts),
    "response_rate": _response_rate,
    "response_time": _response_time,
    "click_through_rate": lambda i, v: formulas.click_through_rate(
        i.total("clicks"), i.total("impressions")
    ),
    "net_sentiment": _net_sentiment,
    "conversion_rate": lambda i, v: formulas.conversion_rate(
        i.manual.get("conversions"), i.total("clicks")
    ),
    "web_visits": lambda i, v: formulas.web_visits(_whole(i.manual.get("web_visits"))),
}


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


assert set(_COMPUTE) == set(KPI_CATALOGUE), "every catalogue KPI needs an input mapping"


def compute_all(inputs: Inputs, variants: Mapping[str, str] | None = None) -> dict[str, KpiValue]:
    variants = variants or {}
    return {kpi: compute(inputs, kpi, variants.get(kpi)) for kpi in KPI_CATALOGUE}


def issues(inputs: Inputs) -> list[formulas.Issue]:
    """Consistency checks on the period's figures (shown on the dashboard, never raised)."""
    m = inputs.mentions
    sov = None
    sentiment = None
    if m is not None:
        if m.brand is not None and m.competitors:
            brands = {"brand": m.brand, **m.competitors}
            sov = [kv.value for kv in formulas.share_of_voice_by_brand(brands).values()]
        sentiment = (m.positive, m.neutral, m.negative, m.total)
    found = formulas.check_consistency(
        reach=inputs.total("reach"),
        impressions=inputs.total("impressions"),
        shares_of_voice=sov,
        sentiment=sentiment,
    )
    if inputs.posts_reach_over_impressions:
        n = inputs.posts_reach_over_impressions
        found.append(
            formulas.Issue(
                "post_reach_exceeds_impressions",
                {
                    "en": f"{n} post(s) report a reach larger than their impressions.",
                    "nl": f"{n} bericht(en) melden een groter bereik dan aantal vertoningen.",
                },
            )
        )
    return found


# ---------------------------------------------------------------------------------------------
# Presentation


def lang() -> str:
    language = (get_language() or "nl")[:2]
    return language if language in ("nl", "en") else "en"


def places(definition: KpiDefinition) -> int:
    return 0 if definition.unit in (Unit.COUNT, Unit.SECONDS) else 1


def as_dict(value: KpiValue) -> dict:
    """The stable JSON shape of one KPI value (documented in ``management/commands/kpi.py``)."""
    definition = KPI_CATALOGUE[value.kpi]
    return {
        "kpi": value.kpi,
        "variant": value.variant,
        "value": value.value,
        "display": display(value),
        "numerator": value.numerator,
        "denominator": value.denominator,
        "unit": definition.unit.value,
    }


NO_VALUE = "—"


def display(value: KpiValue, language: str | None = None) -> str:
    """The value as people read it: rounded half up, with its unit; "—" when there is none."""
    if value.value is None:
        return NO_VALUE
    definition = KPI_CATALOGUE[value.kpi]
    language = language or lang()
    if definition.unit is Unit.SECONDS:
        return duration(value.value, language)
    number = formulas.present(value.value, places(definition))
    text = f"{number:,}" if definition.unit is Unit.COUNT else f"{number}"
    if language == "nl":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text}%" if definition.unit is Unit.PERCENT else text


def duration(seconds: float, language: str = "en") -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        hour_unit = "u" if language == "nl" else "h"
        return f"{hours} {hour_unit} {minutes:02d} min"
    return f"{minutes} min"
