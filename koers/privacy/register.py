"""The register of processing activities (AVG art. 30), filled from the workspace's actual
configuration: its listening sources, channels, alert recipients and retention periods."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from koers.alerts.models import AlertRule
from koers.core.models import Membership, Role, Workspace
from koers.listening.models import Source, Topic
from koers.privacy.actions import retention_for
from koers.privacy.models import PrivacyRequest, RetentionSettings
from koers.publishing.models import Channel
from koers.strategy.models import Influencer


@dataclass(frozen=True)
class Register:
    workspace: Workspace
    retention: RetentionSettings
    sources: list[Source]
    topics: int
    channels: list[Channel]
    members_by_role: list[tuple[str, int]]
    email_recipients: int
    webhook_hosts: list[str]
    influencers: int
    requests: int
    https: bool
    generated_at: object


def build(workspace: Workspace) -> Register:
    rules = AlertRule.objects.filter(workspace=workspace, enabled=True)
    hosts = sorted(
        {
            url.split("/")[2]
            for url in rules.exclude(webhook_url="").values_list("webhook_url", flat=True)
            if url.count("/") >= 2
        }
    )
    return Register(
        workspace=workspace,
        retention=retention_for(workspace),
        sources=list(Source.objects.filter(workspace=workspace).order_by("name")),
        topics=Topic.objects.filter(workspace=workspace).count(),
        channels=list(Channel.objects.filter(workspace=workspace).order_by("name")),
        members_by_role=[
            (Role(row["role"]).label, row["n"])
            for row in Membership.objects.filter(workspace=workspace)
            .values("role")
            .annotate(n=Count("pk"))
            .order_by("role")
        ],
        email_recipients=rules.values("recipients").exclude(recipients=None).distinct().count(),
        webhook_hosts=hosts,
        influencers=Influencer.objects.filter(workspace=workspace).count(),
        requests=PrivacyRequest.objects.filter(workspace=workspace).count(),
        https=settings.HTTPS,
        generated_at=timezone.now(),
    )
