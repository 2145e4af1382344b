"""Demo data for "Gemeente Duinwijk": a quarter (90 days up to today) of metric history.

Posts on the demo's channels with counts that depend on weekday, hour and campaign (so "best
time to post" has something to find), follower counts that grow, daily manual inputs (web
visits, clicks, conversions, estimated reach and impressions), weekly newsletter subscribers,
funnel counts at each month end, and a monthly report e-mail. Each network reports what its
adapter measures (the capabilities' metrics): reach and impressions from Facebook, Instagram
and LinkedIn (and impressions from X), saves from Instagram, clicks from Facebook and
LinkedIn, quotes from Bluesky and X; Mastodon and Bluesky report no reach or impressions.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from koers.measurement import actions
from koers.measurement.models import (
    AccountSnapshot,
    ManualMetric,
    MeasuredPost,
    PostSnapshot,
    ReportSchedule,
)

DAYS = 90
CHANNELS = (
    ("mastodon", "demo-mastodon", "Mastodon @duinwijk", 2400, 11.0),
    ("bluesky", "demo-bluesky", "Bluesky duinwijk.nl", 900, 7.0),
    ("facebook", "demo-facebook", "Facebook Gemeente Duinwijk", 6200, 24.0),
    ("instagram", "demo-instagram", "Instagram @gemeenteduinwijk", 3100, 38.0),
    ("linkedin", "demo-linkedin", "LinkedIn Gemeente Duinwijk", 1850, 9.0),
    ("x", "demo-x", "X @duinwijk", 1400, 5.0),
)
#: Reach per follower and impressions per reach of a post, per network that reports them.
REACH = {"facebook": (0.35, 1.4), "instagram": (0.45, 1.6), "linkedin": (0.5, 1.7)}
QUOTES = ("bluesky", "x")
HOUR_EFFECT = {7: 0.8, 8: 1.3, 9: 1.2, 12: 1.4, 13: 1.0, 16: 0.9, 19: 1.5, 20: 1.3}
WEEKDAY_EFFECT = (1.0, 1.25, 1.0, 1.3, 0.9, 0.6, 0.7)
TEXTS = (
    ("Afvalwijzer", "De nieuwe afvalkalender staat online: check je ophaaldagen."),
    ("Afvalwijzer", "Grofvuil? Maak online een afspraak, dan halen we het gratis op."),
    ("", "Werkzaamheden aan de Duinweg: de rijbaan is twee weken afgesloten."),
    ("", "Vragen over de WOZ-beschikking? Stel ze hier of bel 14 0123."),
    ("Zomer in Duinwijk", "Het strandfeest gaat door! Zaterdag vanaf 14.00 uur."),
    ("", "De gemeenteraad vergadert donderdag; volg het live via de website."),
    ("", "Melding openbare ruimte gedaan? Volg de status in de app."),
    ("Zomer in Duinwijk", "Zwembad De Duinpan is deze week tot 21.00 uur open."),
)
# One count per stage of the strategy demo's funnel (five stages: reached … ambassadors).
FUNNEL = (52000, 6100, 4200, 900, 310)


def build(ctx) -> str:  # noqa: ANN001 - koers.core.demo.DemoContext
    workspace, rng = ctx.workspace, ctx.rng
    zone = ZoneInfo(workspace.time_zone)
    today = timezone.localdate()
    first = today - timedelta(days=DAYS - 1)
    posts, accounts = [], []
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        for network, key, name, start_followers, base in CHANNELS:
            followers = int(start_followers * (1 + 0.0016 * offset) + rng.randint(-6, 6))
            accounts.append(
                AccountSnapshot(
                    workspace=workspace, network=network, channel_key=key, channel_name=name,
                    taken_at=datetime.combine(day, time(23, 30), tzinfo=zone), local_date=day,
                    followers=followers, following=310, posts=None,
                )
            )  # fmt: skip
            for _ in range(rng.choice((0, 1, 1, 2))):
                hour = rng.choice(tuple(HOUR_EFFECT))
                published = datetime.combine(day, time(hour, rng.choice((0, 15, 30))), tzinfo=zone)
                campaign, text = rng.choice(TEXTS)
                mean = base * HOUR_EFFECT[hour] * WEEKDAY_EFFECT[day.weekday()]
                mean *= 1.3 if campaign else 1.0
                posts.append(_post(workspace, rng, network, key, name, published, campaign, text,
                                   followers, mean))  # fmt: skip
    AccountSnapshot.objects.bulk_create(accounts)
    MeasuredPost.objects.bulk_create(posts)
    snapshots = _snapshots(workspace, posts)
    PostSnapshot.objects.bulk_create(snapshots)
    inputs = _manual(workspace, ctx.owner, rng, first, today)
    ManualMetric.objects.bulk_create(inputs)
    actions.create_report_schedule(
        workspace, ctx.owner, recipients="communicatie@duinwijk.example",
        frequency=ReportSchedule.Frequency.MONTHLY, language="nl", campaign="",
    )  # fmt: skip
    return (
        f"{len(posts)} measured posts with {len(snapshots)} snapshots, {len(accounts)} follower "
        f"counts and {len(inputs)} manual inputs over {DAYS} days; a monthly report e-mail"
    )


def _post(workspace, rng, network, key, name, published, campaign, text, followers, mean):  # noqa: ANN001, ANN202, PLR0913 - demo helper
    engagements = max(0, round(rng.gauss(mean, mean * 0.35)))
    likes = round(engagements * 0.62)
    reposts = round(engagements * 0.18)
    quotes = round(engagements * 0.05) if network in QUOTES else None
    replies = engagements - likes - reposts - (quotes or 0)
    local = published.astimezone(ZoneInfo(workspace.time_zone))
    reach = impressions = clicks = saves = None
    if network in REACH:
        per_follower, per_reach = REACH[network]
        reach = round(followers * per_follower * rng.uniform(0.7, 1.3) + engagements * 8)
        impressions = round(reach * per_reach)
    elif network == "x":
        impressions = round(followers * rng.uniform(0.3, 0.6) + engagements * 20)
    if network in ("facebook", "linkedin"):
        clicks = round(engagements * rng.uniform(0.3, 0.6))
    if network == "instagram":
        saves = round(engagements * rng.uniform(0.05, 0.12))
    return MeasuredPost(
        workspace=workspace, network=network, channel_key=key, channel_name=name,
        remote_id=f"demo-{network}-{published:%Y%m%d%H%M}-{rng.randint(0, 10**6)}",
        url="", campaign=campaign, excerpt=text, published_at=published,
        local_date=local.date(), local_weekday=local.weekday(), local_hour=local.hour,
        followers_at_post=followers, likes=likes, reposts=reposts, replies=max(0, replies),
        quotes=quotes, reach=reach, impressions=impressions, clicks=clicks, saves=saves,
        engagements=likes + reposts + max(0, replies) + (quotes or 0),
        metrics_at=published + timedelta(days=7),
    )  # fmt: skip


def _snapshots(workspace, posts) -> list[PostSnapshot]:  # noqa: ANN001
    """Three snapshots per post: after an hour (30%), a day (85%) and a week (all)."""
    found = []
    for post in posts:
        for after, share in ((timedelta(hours=1), 0.3), (timedelta(days=1), 0.85),
                             (timedelta(days=7), 1.0)):  # fmt: skip
            found.append(
                PostSnapshot(
                    workspace=workspace, post=post, taken_at=post.published_at + after,
                    likes=round(post.likes * share), reposts=round(post.reposts * share),
                    replies=round(post.replies * share),
                    quotes=_share(post.quotes, share), reach=_share(post.reach, share),
                    impressions=_share(post.impressions, share),
                    clicks=_share(post.clicks, share), saves=_share(post.saves, share),
                )
            )  # fmt: skip
    return found


def _share(value: int | None, share: float) -> int | None:
    return None if value is None else round(value * share)


def _manual(workspace, owner, rng, first, today) -> list[ManualMetric]:  # noqa: ANN001
    rows = []

    def add(metric: str, day, value: int, stage: int = 0) -> None:  # noqa: ANN001
        rows.append(
            ManualMetric(
                workspace=workspace, metric=metric, day=day, stage=stage, value=max(0, value),
                source="manual", entered_by=owner,
            )
        )  # fmt: skip

    day = first
    subscribers = 4100
    while day <= today:
        weekend = day.weekday() >= 5
        visits = round(rng.gauss(900 if weekend else 1600, 120))
        add("web_visits", day, visits)
        clicks = round(visits * rng.uniform(0.07, 0.09))
        add("clicks", day, clicks)
        add("conversions", day, round(clicks * rng.uniform(0.06, 0.1)))
        reach = round(rng.gauss(5200, 500))
        add("reach", day, reach)
        add("impressions", day, round(reach * rng.uniform(1.6, 1.9)))
        if day.weekday() == 0:
            subscribers += rng.randint(5, 25)
            add("newsletter_subscribers", day, subscribers)
        if (day + timedelta(days=1)).day == 1 or day == today:
            growth = 1 + 0.01 * (day - first).days / 30
            for stage, count in enumerate(FUNNEL, start=1):
                add("funnel_stage", day, round(count * growth), stage)
        day += timedelta(days=1)
    return rows
