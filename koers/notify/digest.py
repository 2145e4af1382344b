"""The daily or weekly e-mail digest: per person and workspace, what needs them.

Contents (by role, like the pages they lead to): posts waiting for their approval (editors and
up; not their own), inbox messages that are unassigned or assigned to them and overdue
(contributors and up), unacknowledged alerts (everyone), failed posts (editors and up: all;
contributors: their own). Nothing to report → no e-mail.

Exactly once per period: the :class:`~koers.notify.models.DigestSent` marker is inserted in
the same transaction that sends the e-mail. A second scheduler run (or a second worker) that
reaches the same period finds the key taken (on PostgreSQL it waits for the first
transaction, then fails on the unique constraint; SQLite serialises the writers); a worker
that crashes before the commit leaves no marker, so the next run sends it. Only a crash in
the instant between the mail server's "accepted" and the commit can repeat a digest.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koers.alerts.models import AlertEvent
from koers.core.models import Membership, Role, role_at_least
from koers.engagement.models import InboxItem, Status
from koers.notify import rules
from koers.notify.cards import absolute
from koers.notify.models import Digest, DigestSent, DigestState, Preference
from koers.publishing.models import ContentItem, State

logger = logging.getLogger(__name__)

SHOWN = 10


@dataclass
class Section:
    items: list[object] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class DigestContent:
    approvals: Section
    inbox: Section
    alerts: Section
    failed: Section

    @property
    def empty(self) -> bool:
        return not (
            self.approvals.total or self.inbox.total or self.alerts.total or self.failed.total
        )


def _section(queryset) -> Section:  # noqa: ANN001 - any queryset
    return Section(list(queryset[:SHOWN]), queryset.count())


def content_for(membership: Membership, now: datetime) -> DigestContent:
    workspace, user, role = membership.workspace, membership.user, membership.role
    none = Section()
    approvals = failed = inbox = none
    if role_at_least(role, Role.EDITOR):
        waiting = ContentItem.objects.filter(workspace=workspace, state=State.IN_REVIEW)
        approvals = _section(waiting.exclude(created_by=user).order_by("scheduled_at", "id"))
        failed = _section(
            ContentItem.objects.filter(workspace=workspace, state=State.FAILED).order_by(
                "-updated_at", "-id"
            )
        )
    elif role_at_least(role, Role.CONTRIBUTOR):
        failed = _section(
            ContentItem.objects.filter(
                workspace=workspace, state=State.FAILED, created_by=user
            ).order_by("-updated_at", "-id")
        )
    if role_at_least(role, Role.CONTRIBUTOR):
        inbox = _section(
            InboxItem.objects.filter(workspace=workspace, status=Status.OPEN)
            .filter(Q(assignee__isnull=True) | Q(assignee=user, due_at__lte=now))
            .select_related("mention")
            .order_by("due_at", "id")
        )
    alerts = _section(
        AlertEvent.objects.filter(workspace=workspace, acknowledged_at__isnull=True)
        .select_related("rule")
        .order_by("-created_at", "-id")
    )
    return DigestContent(approvals, inbox, alerts, failed)


def render(
    preference: Preference, membership: Membership, content: DigestContent, now: datetime
) -> tuple[str, str]:
    workspace = membership.workspace
    slug = workspace.slug
    with (
        translation.override(preference.language_or_workspace()),
        timezone.override(preference.zone_or_workspace()),
    ):
        weekly = preference.digest == Digest.WEEKLY
        subject = (
            _("koers weekly digest for %(workspace)s") if weekly
            else _("koers daily digest for %(workspace)s")
        ) % {"workspace": workspace.name}  # fmt: skip
        context = {
            "workspace": workspace,
            "user": membership.user,
            "c": content,
            "now": now,
            "weekly": weekly,
            "approvals_url": absolute("publishing:waiting", slug),
            "inbox_url": absolute("engagement:index", slug),
            "alerts_url": absolute("alerts:index", slug),
            "calendar_url": absolute("publishing:index", slug),
            "settings_url": absolute("notify:mine", slug),
            "item_url": absolute("publishing:item", slug, 0).removesuffix("0/"),
            "inbox_item_url": absolute("engagement:item", slug, 0).removesuffix("0/"),
            "alert_url": absolute("alerts:event", slug, 0).removesuffix("0/"),
        }
        body = render_to_string("notify/email/digest.txt", context)
    return subject, body


def due(now: datetime) -> list[int]:
    """Preferences whose digest period has come and has no marker yet."""
    wanted = Preference.objects.exclude(digest=Digest.OFF).select_related("workspace")
    periods: dict[int, str] = {}
    for pref in wanted:
        period = rules.digest_period(
            now, pref.digest, pref.digest_hour, pref.zone_or_workspace(), pref.digest_weekday
        )
        if period is not None:
            periods[pref.pk] = period.key
    if not periods:
        return []
    by_pk = {p.pk: p for p in wanted}
    taken = set(
        DigestSent.objects.filter(period__in=set(periods.values())).values_list(
            "workspace_id", "user_id", "period"
        )
    )
    return [
        pk
        for pk, key in periods.items()
        if (by_pk[pk].workspace_id, by_pk[pk].user_id, key) not in taken
    ]


def send(preference_id: int, now: datetime | None = None) -> str:
    """Send one person's digest for the current period, once; returns what happened."""
    now = now or timezone.now()
    preference = (
        Preference.objects.select_related("workspace", "user").filter(pk=preference_id).first()
    )
    if preference is None or preference.digest == Digest.OFF:
        return "off"
    period = rules.digest_period(
        now,
        preference.digest,
        preference.digest_hour,
        preference.zone_or_workspace(),
        preference.digest_weekday,
    )
    if period is None:
        return "not-due"
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(workspace_id=preference.workspace_id, user_id=preference.user_id)
        .first()
    )
    if membership is None:
        return "not-a-member"
    with transaction.atomic():
        try:
            with transaction.atomic():
                marker = DigestSent.objects.create(
                    workspace_id=preference.workspace_id,
                    user_id=preference.user_id,
                    period=period.key,
                    state=DigestState.SENDING,
                    claimed_at=now,
                )
        except IntegrityError:
            return "taken"
        content = content_for(membership, now)
        address = membership.user.email
        if content.empty or not address:
            marker.state = DigestState.EMPTY
            marker.error = "" if address else "no e-mail address"
        else:
            subject, body = render(preference, membership, content, now)
            try:
                send_mail(subject, body, None, [address], fail_silently=False)
            except (smtplib.SMTPException, OSError) as error:
                logger.warning("digest %s: e-mail failed (%s)", preference_id, type(error).__name__)
                marker.state, marker.error = DigestState.FAILED, type(error).__name__
            else:
                marker.state, marker.sent_at = DigestState.SENT, now
        marker.save(update_fields=["state", "error", "sent_at"])
    return str(marker.state)
