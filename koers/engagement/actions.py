"""Every state change of the inbox: add, assign, close, reopen, mark answered, notes, settings,
and the overdue warning. Each runs in one transaction and writes one audit row; the item's
history page reads those rows back.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.conf import settings as django_settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koers.core.actions import audit
from koers.core.models import Membership, Role, Workspace
from koers.core.notifications import wanting_email
from koers.engagement.models import (
    AnsweredHow,
    InboxItem,
    InboxSettings,
    Note,
    Origin,
    Status,
)
from koers.listening.models import Mention

BATCH = 500


def _member(workspace: Workspace, user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    if user is None:
        return None
    acting = [r for r in Role.values if r != Role.VIEWER]
    if not Membership.objects.filter(workspace=workspace, user=user, role__in=acting).exists():
        raise ValidationError(_("Only a member who may act in this workspace can be assigned."))
    return user


def _locked(item: InboxItem) -> InboxItem:
    return InboxItem.objects.select_for_update().select_related("workspace").get(pk=item.pk)


@transaction.atomic
def add_manually(mention: Mention, actor: AbstractBaseUser) -> tuple[InboxItem, bool]:
    """Put a mention in the inbox by hand; returns (item, created). Never twice."""
    existing = InboxItem.objects.filter(mention=mention).first()
    if existing is not None:
        return existing, False
    inbox = InboxSettings.for_workspace(mention.workspace)
    try:
        with transaction.atomic():
            item = InboxItem.objects.create(
                workspace=mention.workspace,
                mention=mention,
                origin=Origin.MANUAL,
                received_at=mention.published_at,
                due_at=inbox.due_at(mention.published_at),
                negative=mention.sentiment == "negative",
            )
    except IntegrityError:  # triage or another click added it in the meantime
        return InboxItem.objects.get(mention=mention), False
    audit(mention.workspace, actor, "inbox.add", "added a mention to the inbox by hand", item)
    return item, True


@transaction.atomic
def assign(item: InboxItem, actor: AbstractBaseUser, assignee: AbstractBaseUser | None) -> None:
    item = _locked(item)
    item.assignee = _member(item.workspace, assignee)
    item.save(update_fields=["assignee"])
    who = assignee.get_username() if assignee else "nobody"
    audit(item.workspace, actor, "inbox.assign", f"assigned to {who}", item, assignee=who)


@transaction.atomic
def close(item: InboxItem, actor: AbstractBaseUser, *, reason: str, note: str = "") -> None:
    """No reply needed: closed items don't count as eligible for the response rate."""
    item = _locked(item)
    if item.status != Status.OPEN:
        raise ValidationError(_("Only an open item can be closed."))
    item.status, item.close_reason, item.close_note = Status.CLOSED, reason, note[:300]
    item.done_by = actor
    item.save(update_fields=["status", "close_reason", "close_note", "done_by"])
    audit(item.workspace, actor, "inbox.close", f"closed: {reason}", item, reason=reason, note=note)


@transaction.atomic
def reopen(item: InboxItem, actor: AbstractBaseUser) -> None:
    item = _locked(item)
    if item.status == Status.OPEN:
        return
    if item.replies.filter(state__in=["queued", "sending", "retry", "unknown", "sent"]).exists():
        raise ValidationError(_("A reply from koers was sent or is on its way; it stays answered."))
    old = item.status
    item.status, item.close_reason, item.close_note = Status.OPEN, "", ""
    item.answered_at, item.answered_how, item.done_by = None, "", None
    item.save(
        update_fields=[
            "status", "close_reason", "close_note", "answered_at", "answered_how", "done_by"
        ]
    )  # fmt: skip
    audit(item.workspace, actor, "inbox.reopen", f"reopened (was {old})", item)


@transaction.atomic
def mark_answered_elsewhere(item: InboxItem, actor: AbstractBaseUser, *, at: datetime) -> None:
    """Answered outside koers (by phone, on the network itself) at ``at``."""
    item = _locked(item)
    if item.status != Status.OPEN:
        raise ValidationError(_("Only an open item can be marked as answered."))
    if at < item.received_at:
        raise ValidationError(_("The answer can't be earlier than the message."))
    if at > timezone.now():
        raise ValidationError(_("The answer can't be in the future."))
    _answer(item, at, AnsweredHow.ELSEWHERE, actor)
    audit(item.workspace, actor, "inbox.answered", "answered elsewhere", item, at=at.isoformat())


def _answer(item: InboxItem, at: datetime, how: str, actor: AbstractBaseUser | None) -> None:
    item.status, item.answered_at, item.answered_how, item.done_by = Status.ANSWERED, at, how, actor
    item.save(update_fields=["status", "answered_at", "answered_how", "done_by"])


@transaction.atomic
def mark_replied(item_id: int, at: datetime, actor: AbstractBaseUser | None) -> None:
    """A reply from koers went out (joins the caller's transaction when there is one)."""
    item = InboxItem.objects.select_for_update().get(pk=item_id)
    if item.status == Status.ANSWERED:
        return
    _answer(item, at, AnsweredHow.KOERS, actor)


@transaction.atomic
def add_note(item: InboxItem, actor: AbstractBaseUser, text: str) -> Note:
    note = Note.objects.create(workspace=item.workspace, item=item, author=actor, text=text)
    audit(item.workspace, actor, "inbox.note", "added a note", item)
    return note


@transaction.atomic
def update_settings(
    workspace: Workspace, actor: AbstractBaseUser, **values: object
) -> InboxSettings:
    """Save target and office hours; open items get their due time from the new rules."""
    inbox = InboxSettings.for_workspace(workspace)
    for field, value in values.items():
        setattr(inbox, field, value)
    inbox.save()
    changed = []
    for item in InboxItem.objects.filter(workspace=workspace, status=Status.OPEN).only(
        "pk", "received_at", "due_at"
    ):
        due = inbox.due_at(item.received_at)
        if due != item.due_at:
            item.due_at = due
            changed.append(item)
    InboxItem.objects.bulk_update(changed, ["due_at"], batch_size=BATCH)
    audit(
        workspace,
        actor,
        "inbox.settings",
        f"response-time target {inbox.target_minutes} min",
        inbox,
        target_minutes=inbox.target_minutes,
        office_hours=inbox.use_office_hours,
    )
    return inbox


# ---------------------------------------------------------------------------------------------
# Overdue warning
# ---------------------------------------------------------------------------------------------
def _recipients(item: InboxItem) -> list[str]:
    # Each person's notification choices (koers.notify) decide who gets the overdue e-mail.
    if item.assignee_id and item.assignee.email:
        users = [item.assignee]
    else:
        owners = Membership.objects.filter(workspace_id=item.workspace_id, role=Role.OWNER)
        users = [m.user for m in owners.select_related("user")]
    return sorted({u.email for u in wanting_email(item.workspace_id, "overdue", users) if u.email})


def notify_overdue(now: datetime | None = None) -> int:
    """E-mail once about each open item whose due time passed: to its assignee, or to the
    workspace owners when nobody is assigned. One e-mail per person per run."""
    now = now or timezone.now()
    due = InboxItem.objects.filter(
        status=Status.OPEN, due_at__lte=now, overdue_notified_at__isnull=True
    ).select_related("workspace", "assignee", "mention")
    notified = 0
    with transaction.atomic():
        batch = list(due.select_for_update(skip_locked=True, of=("self",))[:BATCH])
        per_mail: dict[tuple[int, tuple[str, ...]], list[InboxItem]] = defaultdict(list)
        for item in batch:
            per_mail[(item.workspace_id, tuple(_recipients(item)))].append(item)
        InboxItem.objects.filter(pk__in=[i.pk for i in batch]).update(overdue_notified_at=now)
        for (_ws, recipients), items in per_mail.items():
            for item in items:
                audit(item.workspace, None, "inbox.overdue", "response-time target passed", item)
            if recipients:
                _mail_overdue(items, list(recipients))
            notified += len(items)
    return notified


def _mail_overdue(items: list[InboxItem], recipients: list[str]) -> None:
    workspace = items[0].workspace
    base = django_settings.BASE_URL
    with translation.override(workspace.language):
        subject = ngettext(
            "koers: %(n)s message in %(workspace)s is waiting too long",
            "koers: %(n)s messages in %(workspace)s are waiting too long",
            len(items),
        ) % {"n": len(items), "workspace": workspace.name}
        lines = [
            _("These messages passed their response-time target:"),
            "",
            *(
                f"- {i.mention.author_handle}: {i.mention.text[:120]}\n"
                f"  {base}/w/{workspace.slug}/inbox/{i.pk}/"
                for i in items
            ),
        ]
    body = "\n".join(lines)
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=False))
