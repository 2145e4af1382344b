"""What the dashboard and the period report show, assembled once for both (and for e-mail).

Every figure comes from aggregate queries on the rollup columns of ``MeasuredPost``, the daily
``AccountSnapshot`` maxima and ``ManualMetric``; the number of queries does not depend on the
number of posts or snapshots (fixed by tests with ``django_assert_max_num_queries``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    IntegerField,
    Max,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.core.models import Workspace
from koers.measurement import charts, kpis, messages, sources
from koers.measurement.formulas import KPI_CATALOGUE, KpiDefinition, KpiValue, Unit, present
from koers.measurement.models import AccountSnapshot, MeasuredPost
from koers.measurement.periods import Period
from koers.strategy.rules.funnel import (
    DEFAULT_FUNNEL_STAGES,
    FunnelAnalysis,
    FunnelStage,
    analyse_funnel,
)
from koers.strategy.rules.levels import LEVELS

BEST_TIME_WINDOW_DAYS = 365
"""Best time to post looks at a year of the workspace's own posts up to the period's end."""


@dataclass(frozen=True)
class KpiRow:
    definition: KpiDefinition
    current: KpiValue
    previous: KpiValue

    @property
    def name(self) -> str:
        return self.definition.name[kpis.lang()]

    @property
    def variant_name(self) -> str:
        """The variant in words ("By followers"), only for KPIs that have a choice."""
        for variant in self.definition.variants:
            if variant.id == self.current.variant and len(self.definition.variants) > 1:
                return variant.name[kpis.lang()]
        return ""

    @property
    def level(self) -> str:
        return LEVELS[self.definition.level]["name"][kpis.lang()]

    @property
    def display(self) -> str:
        return kpis.display(self.current)

    @property
    def previous_display(self) -> str:
        return kpis.display(self.previous)

    @property
    def change(self) -> str:
        """Difference with the previous period in the KPI's unit; "—" without both values."""
        if self.current.value is None or self.previous.value is None:
            return kpis.NO_VALUE
        delta = self.current.value - self.previous.value
        if present(abs(delta), kpis.places(self.definition)) == 0:
            delta = 0.0  # a difference that rounds away shows as ±0, not as −0,0
        shown = kpis.display(KpiValue(self.current.kpi, abs(delta)))
        if self.definition.unit is Unit.PERCENT:
            shown = shown.removesuffix("%") + (" pp" if kpis.lang() == "en" else " %-punt")
        return ("+" if delta > 0 else "−" if delta < 0 else "±") + shown

    @property
    def trend(self) -> str:
        if self.current.value is None or self.previous.value is None:
            return "none"
        if self.change.startswith("±"):
            return "flat"
        if self.current.value > self.previous.value:
            return "up"
        return "down" if self.current.value < self.previous.value else "flat"


@dataclass(frozen=True)
class BestTime:
    channel: str
    chart: charts.Chart
    best: list[tuple[str, int, float, int]]
    """Up to three (weekday name, hour, mean engagements, sample size) with n ≥ 3."""


@dataclass
class Dashboard:
    workspace: Workspace
    period: Period
    previous: Period
    campaign: str
    inputs: kpis.Inputs
    rows: list[KpiRow]
    issues: list[str]
    charts: list[charts.Chart] = field(default_factory=list)
    daily: list[tuple[date, int, float | None]] = field(default_factory=list)
    best_times: list[BestTime] = field(default_factory=list)
    top_posts: list[MeasuredPost] = field(default_factory=list)
    funnel: FunnelAnalysis | None = None
    funnel_targets: list[int | None] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    funnel_chart: charts.Chart | None = None
    published: int = 0  # posts published in the period, from the deliveries (not the metrics)
    figures_as_of: datetime | None = None  # the newest metric snapshot of the workspace
    key_messages: list[messages.KeyMessageRow] = field(default_factory=list)

    @property
    def funnel_rows(self) -> list[tuple]:
        if self.funnel is None:
            return []
        targets = self.funnel_targets + [None] * len(self.funnel.rows)
        return [
            (row.stage.name[kpis.lang()], row, targets[i], _pct(row.step_conversion),
             _pct(row.cumulative_conversion))
            for i, row in enumerate(self.funnel.rows)
        ]  # fmt: skip


def _pct(fraction: float | None) -> str:
    """A conversion fraction as a percentage with one decimal, "—" without a value."""
    if fraction is None:
        return kpis.NO_VALUE
    return kpis.display(KpiValue("conversion_rate", fraction * 100))


def weekday_names() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def build(
    workspace: Workspace,
    period: Period,
    *,
    campaign: str = "",
    variants: dict[str, str] | None = None,
) -> Dashboard:
    previous = period.previous()
    inputs = kpis.gather(workspace, period, campaign)
    before = kpis.gather(workspace, previous, campaign)
    current, earlier = kpis.compute_all(inputs, variants), kpis.compute_all(before, variants)
    rows = [KpiRow(KPI_CATALOGUE[k], current[k], earlier[k]) for k in KPI_CATALOGUE]
    board = Dashboard(
        workspace=workspace,
        period=period,
        previous=previous,
        campaign=campaign,
        inputs=inputs,
        rows=rows,
        issues=[issue.message[kpis.lang()] for issue in kpis.issues(inputs)],
    )
    board.published, board.figures_as_of = freshness(workspace, period, campaign)
    board.daily = _daily(workspace, period, campaign)
    board.charts = [_engagement_chart(board, workspace, previous, campaign)]
    followers = _followers_chart(workspace, period)
    if followers is not None:
        board.charts.append(followers)
    board.best_times = _best_times(workspace, period, campaign)
    board.top_posts = list(
        kpis._posts(workspace, period, campaign)
        .exclude(engagements=None)
        .order_by("-engagements", "-published_at")[:5]
    )
    board.key_messages = messages.per_key_message(workspace, period, campaign)
    board.funnel, board.funnel_targets = _funnel(workspace, inputs)
    if board.funnel is not None:
        board.funnel_chart = _funnel_chart(board)
    board.campaigns = list(
        MeasuredPost.objects.filter(workspace=workspace)
        .exclude(campaign="")
        .values_list("campaign", flat=True)
        .distinct()
        .order_by("campaign")[:50]
    )
    return board


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by().values("workspace").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def _newest(queryset: QuerySet, field_name: str) -> Subquery:
    return Subquery(
        queryset.order_by().values("workspace").annotate(at=Max(field_name)).values("at"),
        output_field=DateTimeField(),
    )


def freshness(
    workspace: Workspace, period: Period, campaign: str = ""
) -> tuple[int, datetime | None]:
    """In one query: the posts published in the period — every published delivery (with
    metrics or not yet) plus followed posts without a delivery — and when the networks'
    figures were last collected (the newest post or account snapshot; ``None`` before the
    first collection; manual inputs and listening rollups don't count)."""
    mine = Workspace.objects.filter(pk=workspace.pk)
    followed_only = kpis._posts(workspace, period, campaign).exclude(sources.has_delivery())
    row = mine.annotate(
        delivered=_count(sources.published_deliveries(workspace, period, campaign)),
        followed_only=_count(followed_only),
        posts_at=_newest(MeasuredPost.objects.filter(workspace=workspace), "metrics_at"),
        accounts_at=_newest(AccountSnapshot.objects.filter(workspace=workspace), "taken_at"),
    ).values("delivered", "followed_only", "posts_at", "accounts_at")[0]
    published = (row["delivered"] or 0) + (row["followed_only"] or 0)
    stamps = [at for at in (row["posts_at"], row["accounts_at"]) if at is not None]
    return published, max(stamps, default=None)


def _funnel_chart(board: Dashboard) -> charts.Chart:
    rows = board.funnel_rows
    series = [(_("Count"), [_f(row.count) for _name, row, *_rest in rows])]
    if any(target is not None for _name, _row, target, *_rest in rows):
        series.append((_("Target"), [_f(target) for _name, _row, target, *_rest in rows]))
    return charts.bar_chart(
        _("Funnel: count per stage"), [name for name, *_rest in rows], series,
        language=kpis.lang(),
    )  # fmt: skip


Daily = list[tuple[date, int, float | None]]


def _daily(workspace: Workspace, period: Period, campaign: str) -> Daily:
    """(day, posts, engagements) for every day of the period. A day without posts has 0
    engagements; a day whose posts have no engagement counts at all, or a day still to come,
    has ``None``."""
    found = {
        row["local_date"]: (row["n"], _f(row["engagements"]))
        for row in kpis._posts(workspace, period, campaign)
        .values("local_date")
        .annotate(n=Count("id"), engagements=Sum("engagements"))
        .order_by()
    }
    today = timezone.localdate()
    return [
        (day, *(found.get(day, (0, 0)) if day <= today else (0, None))) for day in period.dates()
    ]


def _f(value) -> float | None:
    return None if value is None else float(value)


def _engagement_chart(
    board: Dashboard, workspace: Workspace, previous: Period, campaign: str
) -> charts.Chart:
    before = {day: value for day, _n, value in _daily(workspace, previous, campaign)}
    earlier = [before.get(previous.start + timedelta(days=i)) for i in range(board.period.days)]
    labels = [f"{day:%d-%m}" for day, _n, _v in board.daily]
    return charts.line_chart(
        _("Engagements per day"),
        labels,
        [(_("This period"), [v for _d, _n, v in board.daily]), (_("Previous period"), earlier)],
        language=kpis.lang(),
    )


def _followers_chart(workspace: Workspace, period: Period) -> charts.Chart | None:
    rows = (
        AccountSnapshot.objects.filter(
            workspace=workspace, local_date__gte=period.start, local_date__lte=period.end
        )
        .values("channel_name", "local_date")
        .annotate(followers=Max("followers"))
        .order_by("channel_name", "local_date")
    )
    series: dict[str, dict[date, float | None]] = {}
    for row in rows:
        series.setdefault(row["channel_name"], {})[row["local_date"]] = _f(row["followers"])
    if not series:
        return None
    days = period.dates()
    return charts.line_chart(
        _("Followers per channel"),
        [f"{day:%d-%m}" for day in days],
        [(name, [points.get(day) for day in days]) for name, points in sorted(series.items())],
        language=kpis.lang(),
    )


def _best_times(workspace: Workspace, period: Period, campaign: str) -> list[BestTime]:
    since = period.end - timedelta(days=BEST_TIME_WINDOW_DAYS - 1)
    rows = (
        MeasuredPost.objects.filter(
            workspace=workspace, local_date__gte=since, local_date__lte=period.end
        )
        .exclude(engagements=None)
        .values("channel_name", "local_weekday", "local_hour")
        .annotate(mean=Avg("engagements"), n=Count("id"))
        .order_by("channel_name")
    )
    by_channel: dict[str, dict[tuple[int, int], tuple[float, int]]] = {}
    for row in rows:
        cell = (row["local_weekday"], row["local_hour"])
        by_channel.setdefault(row["channel_name"], {})[cell] = (float(row["mean"]), row["n"])
    days = weekday_names()
    hours = [f"{h:02d}" for h in range(24)]
    found = []
    for channel, cells in sorted(by_channel.items()):
        title = _("Best time to post: %(channel)s") % {"channel": channel}
        ranked = sorted(
            ((mean, n, wd, h) for (wd, h), (mean, n) in cells.items() if n >= 3), reverse=True
        )
        best = [(days[wd], h, mean, n) for mean, n, wd, h in ranked[:3]]
        chart = charts.heatmap(title, days, hours, cells, language=kpis.lang())
        found.append(BestTime(channel, chart, best))
    return found


def _funnel(workspace: Workspace, inputs: kpis.Inputs) -> tuple[FunnelAnalysis | None, list]:
    if not inputs.funnel:
        return None, []
    targets = sources.funnel_targets(workspace)
    stages = DEFAULT_FUNNEL_STAGES
    goal: list[int | None] = []
    if targets:
        stages = tuple(FunnelStage(name) for name, _target in targets)
        goal = [target for _name, target in targets]
    count = max(len(stages), max(inputs.funnel))
    stages = stages + tuple(
        FunnelStage({"en": f"Stage {n}", "nl": f"Fase {n}"})
        for n in range(len(stages) + 1, count + 1)
    )
    counts = [_int(inputs.funnel.get(i + 1)) for i in range(len(stages))]
    return analyse_funnel(counts, stages), goal


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)
