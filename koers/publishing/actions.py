"""Every state change of channels, campaigns, content items and settings goes through here.

Each action runs in one transaction and writes one audit row; side effects (tasks, e-mail)
are queued with ``transaction.on_commit``. Network calls happen outside transactions: the
"check connection" flow calls the network first and records the result with an action.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, time

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from koers.core import neterrors
from koers.core.actions import audit
from koers.core.crypto import encrypt
from koers.core.models import Membership, Role, Workspace, role_at_least
from koers.core.notifications import wanting_email
from koers.networks.base import ConnectionStatus, Limits
from koers.publishing import policy
from koers.publishing.connect import Account
from koers.publishing.models import (
    Campaign,
    Channel,
    ContentItem,
    Delivery,
    DeliveryState,
    Flag,
    Health,
    Media,
    Network,
    NetworkApp,
    PublishingSettings,
    State,
    StateChange,
)
from koers.strategy.models import Audience, KeyMessage, Objective

EDITABLE_BY_CONTRIBUTOR = (State.DRAFT, State.IN_REVIEW)


def _role(workspace: Workspace, actor: AbstractBaseUser | None) -> str:
    if actor is None:
        return Role.VIEWER
    membership = Membership.objects.filter(workspace=workspace, user=actor).first()
    return membership.role if membership else Role.VIEWER


def _require(workspace: Workspace, actor: AbstractBaseUser, need: str) -> None:
    if not role_at_least(_role(workspace, actor), need):
        raise PermissionDenied(_("Your role may not do this here."))


def _on_commit_task(name: str, *args: object) -> None:
    def enqueue() -> None:
        from koers.publishing import tasks

        getattr(tasks, name).enqueue(*args)

    transaction.on_commit(enqueue)


# ---------------------------------------------------------------------------------------------
# Channels
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def connect_channel(
    workspace: Workspace,
    actor: AbstractBaseUser | None,
    *,
    network: str,
    name: str,
    endpoint: str,
    secret: str,
    handle: str = "",
    expires_at=None,  # noqa: ANN001 - optional aware datetime
    is_demo: bool = False,
    account_id: str = "",
    extra: dict | None = None,
) -> Channel:
    channel = Channel(
        workspace=workspace,
        network=network,
        name=name,
        endpoint=endpoint.rstrip("/"),
        handle=handle.lstrip("@"),
        expires_at=expires_at,
        is_demo=is_demo,
        account_id=account_id,
        extra=extra or {},
    )
    channel.set_secret(secret)
    channel.save()
    audit(workspace, actor, "channel.connect", f"connected {network} channel {name}", channel)
    if not is_demo:
        _on_commit_task("check_channel", channel.pk)
    return channel


@transaction.atomic
def update_channel_credentials(
    channel: Channel,
    actor: AbstractBaseUser,
    *,
    secret: str = "",
    endpoint: str = "",
    handle: str = "",
    account_id: str = "",
    extra: dict | None = None,
) -> Channel:
    """Reconnect: a new token or password and/or a new server (and Bluesky handle; a
    WhatsApp number's ids, merged into ``extra``). Empty values keep what is stored. The
    channel is checked again afterwards."""
    fields = ["session_enc", "health", "health_reason", "warned_at"]
    if account_id and account_id != channel.account_id:
        channel.account_id = account_id
        fields.append("account_id")
    if extra and any((channel.extra or {}).get(k) != v for k, v in extra.items()):
        channel.extra = {**(channel.extra or {}), **extra}
        fields.append("extra")
    if secret:
        channel.set_secret(secret)
        fields.append("secret_enc")
    if endpoint and endpoint.rstrip("/") != channel.endpoint:
        channel.endpoint = endpoint.rstrip("/")
        fields.append("endpoint")
    if handle and handle.lstrip("@") != channel.handle:
        channel.handle = handle.lstrip("@")
        fields.append("handle")
    channel.session_enc = ""  # new credentials mean a new session
    channel.health, channel.health_reason, channel.warned_at = Health.UNCHECKED, "", None
    channel.save(update_fields=fields)
    audit(
        channel.workspace,
        actor,
        "channel.reconnect",
        f"new credentials for {channel.name}",
        channel,
        server_changed="endpoint" in fields,
    )
    _on_commit_task("check_channel", channel.pk)
    return channel


@transaction.atomic
def remove_channel(channel: Channel, actor: AbstractBaseUser) -> None:
    audit(channel.workspace, actor, "channel.remove", f"removed channel {channel.name}", channel)
    channel.delete()


def _managers_emails(workspace: Workspace) -> list[str]:
    members = Membership.objects.filter(
        workspace=workspace, role__in=[Role.OWNER, Role.ADMIN]
    ).select_related("user")
    # Each person's notification choices (koers.notify) decide who gets channel e-mails.
    users = wanting_email(workspace.pk, "broken_channel", [m.user for m in members])
    return [u.email for u in users if u.email]


def _mail_managers(workspace: Workspace, subject: str, body: str) -> None:
    recipients = _managers_emails(workspace)
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, None, recipients, fail_silently=False)
        )


@transaction.atomic
def record_channel_check(
    channel: Channel,
    status: ConnectionStatus,
    actor: AbstractBaseUser | None = None,
    *,
    limits: Limits | None = None,
) -> Channel:
    """Store a connection check's result; warn the owners when the channel just broke."""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    was_broken = channel.health == Health.BROKEN
    channel.health = Health.OK if status.ok else Health.BROKEN
    channel.health_reason = "" if status.ok else status.reason[:300]
    channel.checked_at = timezone.now()
    fields = ["health", "health_reason", "checked_at"]
    if status.ok and status.account:
        channel.account = status.account[:200]
        fields.append("account")
    if status.ok and status.account_id:
        channel.account_id = status.account_id[:200]
        fields.append("account_id")
    if limits is not None:  # the instance's real limits (Mastodon: max_characters, URL length)
        channel.max_chars, channel.url_length = limits.max_chars, limits.url_length
        fields += ["max_chars", "url_length"]
    channel.save(update_fields=fields)
    audit(
        channel.workspace,
        actor,
        "channel.check",
        f"{channel.name}: {'ok' if status.ok else 'broken'}",
        channel,
        reason=channel.health_reason,
    )
    if not status.ok and not was_broken:
        with translation.override(channel.workspace.language):
            _mail_managers(
                channel.workspace,
                _("koers: channel %(name)s is broken") % {"name": channel.name},
                _(
                    "The channel %(name)s in workspace %(workspace)s no longer works.\n"
                    "The network said: %(reason)s\n\nReconnect it in koers; scheduled posts "
                    "for this channel will not go out until then."
                )
                % {
                    "name": channel.name,
                    "workspace": channel.workspace.name,
                    "reason": neterrors.translate(channel.health_reason),
                },
            )
    return channel


@transaction.atomic
def warn_expiry(channel: Channel) -> None:
    """E-mail the owners that the channel's credentials expire soon (once per credential)."""
    channel.warned_at = timezone.now()
    channel.save(update_fields=["warned_at"])
    audit(
        channel.workspace, None, "channel.expiry_warning", f"{channel.name} expires soon", channel
    )
    _mail_managers(
        channel.workspace,
        _("koers: channel %(name)s expires soon") % {"name": channel.name},
        _(
            "The access to %(name)s in workspace %(workspace)s expires on %(date)s. "
            "Reconnect it before then so scheduled posts keep going out."
        )
        % {
            "name": channel.name,
            "workspace": channel.workspace.name,
            "date": timezone.localtime(channel.expires_at).strftime("%Y-%m-%d %H:%M"),
        },
    )


@transaction.atomic
def mark_channel_broken(channel: Channel, reason: str) -> None:
    record_channel_check(channel, ConnectionStatus(ok=False, reason=reason))


# ---------------------------------------------------------------------------------------------
# Campaigns and settings
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def create_campaign(
    workspace: Workspace, actor: AbstractBaseUser | None, *, name: str, slug: str
) -> Campaign:
    if Campaign.objects.filter(workspace=workspace, slug=slug).exists():
        raise ValidationError({"slug": _("A campaign with this code exists already.")})
    campaign = Campaign.objects.create(workspace=workspace, name=name, slug=slug)
    audit(workspace, actor, "campaign.create", f"created campaign {name}", campaign)
    return campaign


@transaction.atomic
def update_settings(
    workspace: Workspace, actor: AbstractBaseUser, *, rule_modes: dict[str, str], **values: object
) -> PublishingSettings:
    settings = PublishingSettings.for_workspace(workspace)
    settings.rule_modes = rule_modes
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save(update_fields=["rule_modes", *values])
    audit(workspace, actor, "publishing.settings", "changed publishing policy", settings)
    return settings


def _ics_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def rotate_ics_token(workspace: Workspace, actor: AbstractBaseUser) -> str:
    """A new secret calendar-feed address; the old one stops working. Only the hash is kept."""
    token = secrets.token_urlsafe(24)
    settings = PublishingSettings.for_workspace(workspace)
    settings.ics_token_hash = _ics_hash(token)
    settings.save(update_fields=["ics_token_hash"])
    audit(workspace, actor, "publishing.ics_rotate", "new calendar feed address", settings)
    return token


@transaction.atomic
def revoke_ics_token(workspace: Workspace, actor: AbstractBaseUser) -> None:
    settings = PublishingSettings.for_workspace(workspace)
    settings.ics_token_hash = ""
    settings.save(update_fields=["ics_token_hash"])
    audit(workspace, actor, "publishing.ics_revoke", "calendar feed switched off", settings)


def ics_token_matches(workspace: Workspace, token: str) -> bool:
    stored = PublishingSettings.for_workspace(workspace).ics_token_hash
    return bool(stored) and secrets.compare_digest(stored, _ics_hash(token))


# ---------------------------------------------------------------------------------------------
# Content items
# ---------------------------------------------------------------------------------------------
def _transition(
    item: ContentItem, to: str, actor: AbstractBaseUser | None, comment: str = ""
) -> None:
    StateChange.objects.create(
        item=item, from_state=item.state, to_state=to, actor=actor, comment=comment
    )
    item.state = to
    item.updated_at = timezone.now()
    item.save(update_fields=["state", "updated_at"])


def _sync_deliveries(item: ContentItem, texts: dict[int, str]) -> None:
    """One delivery per chosen channel (``texts``: channel id → own text or "")."""
    existing = {d.channel_id: d for d in item.deliveries.all()}
    for channel_id, delivery in existing.items():
        if channel_id not in texts and delivery.state == DeliveryState.PENDING:
            delivery.delete()
    for channel_id, text in texts.items():
        delivery = existing.get(channel_id)
        if delivery is None:
            Delivery.objects.create(
                workspace=item.workspace,
                item=item,
                channel_id=channel_id,
                text_override=text,
                due_at=item.scheduled_at,
            )
        elif delivery.text_override != text:
            delivery.text_override = text
            delivery.save(update_fields=["text_override"])


@transaction.atomic
def save_item(
    workspace: Workspace,
    actor: AbstractBaseUser | None,
    *,
    item: ContentItem | None = None,
    title: str,
    text: str,
    link: str = "",
    category: str = "promotion",
    campaign: Campaign | None = None,
    objective: Objective | None = None,
    audience: Audience | None = None,
    key_message: KeyMessage | None = None,
    notes: str = "",
    first_comment: str = "",
    day: date | None = None,
    at: time | None = None,
    channel_texts: dict[int, str] | None = None,
    thread: list[str] | None = None,
    options: dict[str, object] | None = None,
) -> ContentItem:
    """Create or edit an item. A contributor editing an approved item sends it back to review.

    ``thread``: the posts after the first (``None`` leaves the stored thread as it is).
    ``options``: the video's own details (``None`` leaves the stored ones as they are)."""
    creating = item is None
    if item is None:
        item = ContentItem(workspace=workspace, created_by=actor)
        before = None
    else:
        # As stored, not as passed: a ModelForm has already written its input into ``item``.
        stored = _locked(item)
        _may_change(stored, actor)
        before = _what_goes_out(stored)
        item.state = stored.state
    item.title, item.text, item.link, item.category = title, text, link, category
    item.campaign, item.objective, item.notes = campaign, objective, notes
    item.first_comment = first_comment
    if thread is not None:
        item.thread = [part for part in thread if part.strip()]
    if options is not None:
        item.options = dict(options)
    item.audience, item.key_message = audience, key_message
    item.plan(day, at, workspace.time_zone)
    item.updated_at = timezone.now()
    item.save()
    if creating:
        StateChange.objects.create(item=item, from_state="", to_state=State.DRAFT, actor=actor)
    if channel_texts is not None:
        _sync_deliveries(item, channel_texts)
    item.deliveries.update(due_at=item.scheduled_at)
    if before is not None:
        changed = _changes(before, _what_goes_out(item))
        if changed:
            _back_to_review(item, actor, _("Changed after approval: %(what)s.") % {"what": changed})
    audit(workspace, actor, "item.create" if creating else "item.edit", f"saved {title}", item)
    _on_commit_task("check_links", item.pk)
    return item


def _may_change(item: ContentItem, actor: AbstractBaseUser | None) -> str:
    """Refuse a change nobody may make; the actor's role otherwise."""
    if not item.editable:
        raise ValidationError(_("A post that is being published or was published can't change."))
    role = _role(item.workspace, actor)
    if not role_at_least(role, Role.CONTRIBUTOR):
        raise PermissionDenied(_("Your role may not do this here."))
    return role


def _back_to_review(item: ContentItem, actor: AbstractBaseUser | None, reason: str) -> bool:
    """Send an approved or scheduled post back to review after a change, with ``reason`` in its
    history: what goes out is always what an editor approved.

    A contributor's change always does. An editor's (or owner's) own change does too while the
    workspace's setting "every change after approval needs a new approval" is on (the default);
    the editor may then approve it again themselves — the history shows both steps. Switched
    off, editors' changes keep the approval.
    """
    if item.state not in (State.APPROVED, State.SCHEDULED):
        return False
    may_approve = role_at_least(_role(item.workspace, actor), Role.EDITOR)
    if may_approve and not PublishingSettings.for_workspace(item.workspace).review_every_change:
        return False
    _transition(item, State.IN_REVIEW, actor, reason)
    _tell_approvers(item, actor)
    return True


def _before_change(item: ContentItem, actor: AbstractBaseUser | None, reason: str) -> None:
    """Every change to what will be published (images, alt text) passes here first."""
    _may_change(item, actor)
    _back_to_review(item, actor, reason)


def _what_goes_out(item: ContentItem) -> dict[str, object]:
    """The parts of an item that reach the networks (the title and notes stay in koers)."""
    return {
        "text": (item.text, item.link, item.campaign_id, list(item.thread or [])),
        "time": (item.local_date, item.local_time),
        "channels": sorted(item.deliveries.values_list("channel_id", "text_override")),
        "video": dict(item.options or {}),
    }


def _changes(before: dict[str, object], after: dict[str, object]) -> str:
    names = {
        "text": _("text or link"),
        "time": _("date or time"),
        "channels": _("channels"),
        "video": _("video details"),
    }
    return ", ".join(str(names[key]) for key in before if before[key] != after[key])


def approvers(workspace: Workspace) -> list[AbstractBaseUser]:
    """Members who may approve posts (editors and up)."""
    members = Membership.objects.filter(workspace=workspace).select_related("user")
    return [m.user for m in members if role_at_least(m.role, Role.EDITOR)]


def _tell_approvers(item: ContentItem, actor: AbstractBaseUser | None) -> None:
    """E-mail the approvers (not the one who asked) that ``item`` waits for approval, in the
    workspace's language, with a link to it."""
    from django.conf import settings as django_settings
    from django.urls import reverse

    others = [
        u for u in approvers(item.workspace) if getattr(u, "pk", None) != getattr(actor, "pk", None)
    ]
    recipients = [u.email for u in wanting_email(item.workspace_id, "approval", others) if u.email]
    if not recipients:
        return
    workspace = item.workspace
    path = reverse("publishing:item", args=[workspace.slug, item.pk])
    with translation.override(workspace.language):
        subject = _("koers: “%(title)s” waits for your approval") % {"title": item.title}
        body = _(
            "%(who)s asks for approval of “%(title)s” in %(workspace)s.\n\n"
            "Read it, then approve or reject it:\n%(link)s\n"
        ) % {
            "who": getattr(actor, "username", "") or _("Someone"),
            "title": item.title,
            "workspace": workspace.name,
            "link": django_settings.BASE_URL + path,
        }
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=False))


@transaction.atomic
def add_media(
    item: ContentItem,
    actor: AbstractBaseUser,
    *,
    upload,
    alt_text: str,  # noqa: ANN001
) -> Media:
    item = _locked(item)
    _before_change(item, actor, _("An image was added after approval."))
    media = Media.objects.create(
        item=item,
        file=upload,
        mime_type=getattr(upload, "content_type", "") or "application/octet-stream",
        alt_text=alt_text,
        position=item.media.count(),
    )
    audit(item.workspace, actor, "item.media", f"added an image to {item.title}", item)
    return media


@transaction.atomic
def update_alt_text(media: Media, actor: AbstractBaseUser, alt_text: str) -> Media:
    item = _locked(media.item)
    _before_change(item, actor, _("An image's alt text changed after approval."))
    media.alt_text = alt_text
    media.save(update_fields=["alt_text"])
    audit(item.workspace, actor, "item.alt_text", "changed alt text", item)
    return media


@transaction.atomic
def remove_media(media: Media, actor: AbstractBaseUser) -> None:
    item = _locked(media.item)
    _before_change(item, actor, _("An image was removed after approval."))
    audit(item.workspace, actor, "item.media_remove", "removed an image", item)
    media.file.delete(save=False)
    media.delete()


def _locked(item: ContentItem) -> ContentItem:
    return ContentItem.objects.select_for_update().select_related("workspace").get(pk=item.pk)


@transaction.atomic
def submit_item(item: ContentItem, actor: AbstractBaseUser) -> ContentItem:
    item = _locked(item)
    _require(item.workspace, actor, Role.CONTRIBUTOR)
    if item.state != State.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    if not item.deliveries.exists():
        raise ValidationError(_("Choose at least one channel first."))
    _transition(item, State.IN_REVIEW, actor)
    _tell_approvers(item, actor)
    audit(item.workspace, actor, "item.submit", f"submitted {item.title}", item)
    return item


def blocking_findings(item: ContentItem) -> list:
    return [f for f in policy.findings(item) if f.blocks]


def _schedule(item: ContentItem, actor: AbstractBaseUser | None) -> None:
    if item.scheduled_at is None:
        raise ValidationError(_("Give the post a date and time first."))
    if not item.deliveries.exists():
        raise ValidationError(_("Choose at least one channel first."))
    blockers = blocking_findings(item)
    if blockers:
        raise ValidationError([f.message(get_language() or "nl") for f in blockers])
    item.deliveries.filter(state=DeliveryState.PENDING).update(
        due_at=item.scheduled_at, next_try_at=None
    )
    _transition(item, State.SCHEDULED, actor)


@transaction.atomic
def approve_item(
    item: ContentItem, actor: AbstractBaseUser, comment: str = "", *, schedule: bool = True
) -> ContentItem:
    """Approve (from draft or review); with a planned time, schedule right away when allowed."""
    item = _locked(item)
    _require(item.workspace, actor, Role.EDITOR)
    if item.state not in (State.DRAFT, State.IN_REVIEW):
        raise ValidationError(_("Only a draft or an item in review can be approved."))
    _transition(item, State.APPROVED, actor, comment)
    if item.flag == Flag.OVERDUE:
        item.flag = Flag.NONE
        item.save(update_fields=["flag"])
    audit(item.workspace, actor, "item.approve", f"approved {item.title}", item)
    if schedule and not why_not_scheduled(item):
        _schedule(item, actor)
    return item


def why_not_scheduled(item: ContentItem) -> list[str]:
    """Why an approved item can't be scheduled now (empty: it can), for the person approving."""
    if item.scheduled_at is None:
        return [_("It has no date and time yet.")]
    if item.scheduled_at <= timezone.now():
        return [_("The planned time has passed; choose a new time.")]
    if not item.deliveries.exists():
        return [_("Choose at least one channel first.")]
    return [f.message(get_language() or "nl") for f in blocking_findings(item)]


@transaction.atomic
def reject_item(item: ContentItem, actor: AbstractBaseUser, comment: str) -> ContentItem:
    item = _locked(item)
    _require(item.workspace, actor, Role.EDITOR)
    if item.state not in (State.IN_REVIEW, State.APPROVED, State.SCHEDULED):
        raise ValidationError(_("Only an item in review or approved can be rejected."))
    if not comment.strip():
        raise ValidationError(_("Say why, so the author knows what to change."))
    _transition(item, State.DRAFT, actor, comment)
    audit(item.workspace, actor, "item.reject", f"rejected {item.title}", item)
    return item


@transaction.atomic
def schedule_item(item: ContentItem, actor: AbstractBaseUser) -> ContentItem:
    item = _locked(item)
    _require(item.workspace, actor, Role.EDITOR)
    if item.state != State.APPROVED:
        raise ValidationError(_("Only an approved item can be scheduled."))
    if item.scheduled_at is not None and item.scheduled_at <= timezone.now():
        raise ValidationError(_("The planned time has passed; choose a new time."))
    _schedule(item, actor)
    audit(item.workspace, actor, "item.schedule", f"scheduled {item.title}", item)
    return item


@transaction.atomic
def unschedule_item(item: ContentItem, actor: AbstractBaseUser) -> ContentItem:
    item = _locked(item)
    _require(item.workspace, actor, Role.EDITOR)
    if item.state != State.SCHEDULED:
        raise ValidationError(_("Only a scheduled item can be taken off the schedule."))
    _transition(item, State.APPROVED, actor)
    audit(item.workspace, actor, "item.unschedule", f"unscheduled {item.title}", item)
    return item


@transaction.atomic
def reschedule_item(
    item: ContentItem, actor: AbstractBaseUser, *, day: date, at: time | None = None
) -> ContentItem:
    """Move an item to another day (drag and drop): the wall-clock time stays the same."""
    item = _locked(item)
    role = _role(item.workspace, actor)
    if not item.editable:
        raise ValidationError(_("A post that is being published or was published can't move."))
    if item.state not in EDITABLE_BY_CONTRIBUTOR and not role_at_least(role, Role.EDITOR):
        raise PermissionDenied(_("Only an editor can move an approved post."))
    new_time = at or item.local_time or time(9, 0)
    old = item.scheduled_at
    item.plan(day, new_time, item.workspace.time_zone)
    if item.state == State.SCHEDULED and item.scheduled_at <= timezone.now():  # type: ignore[operator]
        raise ValidationError(_("A scheduled post can't be moved into the past."))
    item.updated_at = timezone.now()
    item.save(update_fields=["local_date", "local_time", "zone", "scheduled_at", "updated_at"])
    item.deliveries.filter(state=DeliveryState.PENDING).update(due_at=item.scheduled_at)
    if item.scheduled_at != old:
        _back_to_review(
            item, actor, _("Changed after approval: %(what)s.") % {"what": _("date or time")}
        )
    audit(
        item.workspace,
        actor,
        "item.reschedule",
        f"moved {item.title}",
        item,
        old=old.isoformat() if old else None,
        new=item.scheduled_at.isoformat() if item.scheduled_at else None,
    )
    return item


@transaction.atomic
def retry_item(item: ContentItem, actor: AbstractBaseUser) -> ContentItem:
    """Put a failed item back to approved; failed/missed deliveries get a fresh start."""
    item = _locked(item)
    _require(item.workspace, actor, Role.EDITOR)
    if item.state != State.FAILED:
        raise ValidationError(_("Only a failed item can be tried again."))
    item.deliveries.filter(state__in=[DeliveryState.FAILED, DeliveryState.MISSED]).update(
        state=DeliveryState.PENDING, error="", next_try_at=None, attempts=0
    )
    item.flag = Flag.NONE
    item.save(update_fields=["flag"])
    _transition(item, State.APPROVED, actor, _("Back to approved to try again."))
    audit(item.workspace, actor, "item.retry", f"retry {item.title}", item)
    return item


@transaction.atomic
def delete_item(item: ContentItem, actor: AbstractBaseUser) -> None:
    item = _locked(item)
    if item.state in (State.PUBLISHING,):
        raise ValidationError(_("A post that is being published can't be deleted now."))
    audit(item.workspace, actor, "item.delete", f"deleted {item.title}", item)
    item.delete()


@transaction.atomic
def rotate_credentials() -> int:
    """Re-encrypt every channel's secret and session with the newest key (all or nothing)."""
    from koers.core.crypto import rotate

    count = 0
    for channel in Channel.objects.select_for_update().order_by("pk"):
        channel.secret_enc = rotate(channel.secret_enc)
        if channel.session_enc:
            channel.session_enc = rotate(channel.session_enc)
        channel.save(update_fields=["secret_enc", "session_enc"])
        count += 1
    audit(None, None, "channel.rotate_keys", f"re-encrypted {count} channel credentials")
    return count


# ---------------------------------------------------------------------------------------------
# Developer apps and OAuth channels
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def save_network_app(
    workspace: Workspace,
    actor: AbstractBaseUser,
    *,
    provider: str,
    client_id: str,
    client_secret: str = "",
    installation: bool = False,
    extra_secrets: dict[str, str] | None = None,
    extra_values: dict[str, str] | None = None,
) -> NetworkApp:
    """Create or change a developer app (the workspace's own, or the installation's when
    ``installation`` and the actor is the installation's administrator). Empty secrets keep
    what is stored; secrets are stored encrypted under ``<name>_enc``."""
    if installation and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only the installation's administrator may do this."))
    _require(workspace, actor, Role.ADMIN)
    owner = None if installation else workspace
    app = NetworkApp.objects.select_for_update().filter(workspace=owner, provider=provider).first()
    app = app or NetworkApp(workspace=owner, provider=provider)
    app.client_id = client_id.strip()
    if client_secret:
        app.set_client_secret(client_secret)
    extra = dict(app.extra or {})
    for name, value in (extra_values or {}).items():
        extra[name] = value.strip()
    for name, value in (extra_secrets or {}).items():
        if value:
            extra[f"{name}_enc"] = encrypt(value)
    app.extra = extra
    app.updated_at = timezone.now()
    app.save()
    audit(
        workspace,
        actor,
        "network_app.save",
        f"{provider} developer app {'for the installation' if installation else ''}".strip(),
        app,
    )
    return app


def _free_name(workspace: Workspace, name: str, network_label: str) -> str:
    taken = set(Channel.objects.filter(workspace=workspace).values_list("name", flat=True))
    for candidate in (name, f"{name} ({network_label})"):
        if candidate[:80] not in taken:
            return candidate[:80]
    number = 2
    while f"{name[:70]} ({number})" in taken:
        number += 1
    return f"{name[:70]} ({number})"


@transaction.atomic
def connect_oauth_channels(
    workspace: Workspace, actor: AbstractBaseUser, accounts: list[Account]
) -> list[Channel]:
    """Add the chosen accounts as channels in one go (all or none); an account that is
    already a channel of the workspace gets its new token instead (a reconnect)."""
    _require(workspace, actor, Role.ADMIN)
    now = timezone.now()
    channels = []
    for account in accounts:
        channel = (
            Channel.objects.select_for_update()
            .filter(workspace=workspace, network=account.network, account_id=account.remote_id)
            .first()
        )
        creating = channel is None
        if channel is None:
            label = str(Network(account.network).label)
            channel = Channel(
                workspace=workspace,
                network=account.network,
                name=_free_name(workspace, account.name, label),
                account_id=account.remote_id[:200],
            )
        channel.endpoint = account.endpoint.rstrip("/")
        channel.handle = account.handle.lstrip("@")[:120]
        channel.account = (f"@{account.handle}" if account.handle else account.name)[:200]
        channel.set_secret(account.access_token)
        channel.set_refresh_token(account.refresh_token)
        channel.expires_at, channel.warned_at = account.expires_at, None
        channel.extra = dict(account.extra)
        channel.health, channel.health_reason, channel.checked_at = Health.OK, "", now
        channel.session_enc = ""
        channel.save()
        audit(
            workspace,
            actor,
            "channel.connect" if creating else "channel.reconnect",
            f"{'connected' if creating else 'new token for'} {account.network} channel "
            f"{channel.name}",
            channel,
        )
        channels.append(channel)
    return channels
