"""What koers sees of a workspace's real use of listening, for the maturity checklist.

Counts only (a fixed number of queries); the pure ``rules.seen_items`` decides which checklist
items they tick. The apps counted here sit beside or above strategy, so their models are looked
up by name and a missing app counts as unused.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from koers.strategy import rules
from koers.strategy.models import Cycle, Objective, ObjectiveKpi, SocialMediaPolicy


def _model(label: str):  # noqa: ANN202 - a model class or None
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def listening_use(cycle: Cycle) -> rules.ListeningUse:
    """The workspace's use now; a closed or archived cycle is judged on its own ticks only."""
    if not cycle.is_active:
        return rules.ListeningUse()
    workspace_id = cycle.workspace_id
    counts: dict[str, int] = {}
    topic = _model("listening.Topic")
    if topic is not None:
        active = topic.objects.filter(workspace_id=workspace_id, is_active=True)
        counts["brand_topics"] = active.filter(kind="brand").count()
        counts["market_topics"] = active.exclude(kind="brand").count()
        sov = active.filter(counts_for_share_of_voice=True)
        counts["sov_brand_topics"] = sov.filter(kind="brand").count()
        counts["sov_competitor_topics"] = sov.filter(kind="competitor").count()
    channel = _model("publishing.Channel")
    if channel is not None:
        counts["own_accounts"] = (
            channel.objects.filter(workspace_id=workspace_id, is_demo=False)
            .exclude(health="broken")
            .count()
        )
    rule = _model("alerts.AlertRule")
    if rule is not None:
        enabled = rule.objects.filter(workspace_id=workspace_id, enabled=True)
        counts["keyword_alerts"] = enabled.filter(kind="keyword").count()
        counts["alerts_with_recipients"] = (
            enabled.filter(recipients__isnull=False).distinct().count()
        )
    correction = _model("listening.SentimentCorrection")
    if correction is not None:
        counts["sentiment_corrections"] = correction.objects.filter(
            workspace_id=workspace_id
        ).count()
    schedule = _model("measurement.ReportSchedule")
    if schedule is not None:
        counts["report_schedules"] = schedule.objects.filter(
            workspace_id=workspace_id, active=True
        ).count()
    kpis = ObjectiveKpi.objects.filter(
        objective__cycle=cycle, kpi_id__in=sorted(rules.LISTENING_KPIS)
    )
    counts["listening_kpis"] = kpis.count()
    counts["listening_kpis_with_target"] = kpis.filter(target__isnull=False).count()
    counts["evaluated_objectives"] = Objective.objects.filter(
        Q(workspace_id=workspace_id), ~Q(result=None), ~Q(result_date=None)
    ).count()
    policy = SocialMediaPolicy.objects.filter(workspace_id=workspace_id).first()
    return rules.ListeningUse(
        **counts,
        policy_response_times=bool(policy and policy.response_times.strip()),
        policy_escalation=bool(policy and policy.crisis.strip() and policy.escalation.strip()),
    )


# Page ids of ``rules.ChecklistItem.page`` → (URL name, needs the cycle). The REST API is built
# separately; its page is linked by name when it exists, else by its address.
PAGES: dict[str, tuple[str, bool]] = {
    "alerts.rule_new": ("alerts:rule-new", False),
    "alerts.rules": ("alerts:rules", False),
    "publishing.channels": ("publishing:channels", False),
    "strategy.policy": ("strategy:policy", False),
    "listening.topic_new": ("listening:topic-new", False),
    "listening.mentions": ("listening:mentions", False),
    "measurement.index": ("measurement:index", False),
    "strategy.objectives": ("strategy:objectives", True),
    "measurement.objectives": ("measurement:objectives", False),
    "measurement.evaluate": ("measurement:evaluate", False),
    "core.members": ("members", False),
}
API_URL_NAMES = ("api:tokens", "api-tokens", "api:index")
API_ADDRESS = "/api/v1/"


def page_urls(cycle: Cycle) -> dict[str, str]:
    """Every page id a checklist item names → its address in this workspace."""
    slug = cycle.workspace.slug
    urls: dict[str, str] = {}
    for page, (name, with_cycle) in PAGES.items():
        args = [slug, cycle.pk] if with_cycle else [slug]
        try:
            urls[page] = reverse(name, args=args)
        except NoReverseMatch:
            continue
    urls["api"] = _api_url(slug)
    return urls


def _api_url(slug: str) -> str:
    for name in API_URL_NAMES:
        for args in ([slug], []):
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                continue
    return API_ADDRESS
