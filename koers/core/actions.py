"""Every state change of workspaces, members and invitations goes through a function here.

Each action runs in one transaction and writes one ``AuditEvent`` row, so views, the CLI and tests
share the same rules (for example: a workspace always keeps at least one owner).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.core.models import (
    AuditEvent,
    Installation,
    Invitation,
    Membership,
    Role,
    Workspace,
    hash_token,
    role_at_least,
)


def audit(
    workspace: Workspace | None,
    actor: AbstractBaseUser | None,
    action: str,
    summary: str,
    obj: Any = None,
    **data: Any,
) -> AuditEvent:
    """Record who changed what; call inside the action's transaction."""
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
        summary=summary[:300],
        data=data,
    )


@transaction.atomic
def create_workspace(
    user: AbstractBaseUser, *, name: str, slug: str, time_zone: str = "Europe/Amsterdam"
) -> Workspace:
    """Create a workspace with ``user`` as its owner. A taken slug raises ValidationError."""
    if Workspace.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("This address is already taken; choose another.")})
    try:
        with transaction.atomic():
            workspace = Workspace.objects.create(name=name, slug=slug, time_zone=time_zone)
    except IntegrityError:  # lost a race with another request for the same slug
        raise ValidationError(
            {"slug": _("This address is already taken; choose another.")}
        ) from None
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    audit(workspace, user, "workspace.create", f"created workspace {name}", workspace)
    return workspace


@transaction.atomic
def create_first_owner(
    *, username: str, email: str, password: str, workspace_name: str, workspace_slug: str
) -> tuple[AbstractBaseUser, Workspace]:
    """The setup page's action: only valid while no user exists at all, and only once.

    "No user yet" can be true for several requests at the same moment (on PostgreSQL nothing
    locks an empty table); the ``Installation`` row, inserted first in this transaction, lets
    exactly one of them through.
    """
    User = get_user_model()
    if User.objects.exists():
        raise PermissionDenied(_("Setup is already done. Log in instead."))
    try:
        with transaction.atomic():
            Installation.objects.create(id=Installation.SINGLETON)
    except IntegrityError:  # another setup got there first
        raise PermissionDenied(_("Setup is already done. Log in instead.")) from None
    user = User.objects.create_user(username=username, email=email, password=password)
    workspace = create_workspace(user, name=workspace_name, slug=workspace_slug)
    return user, workspace


@transaction.atomic
def update_workspace(
    workspace: Workspace, actor: AbstractBaseUser, *, name: str, time_zone: str, language: str
) -> Workspace:
    changes = {
        field: [getattr(workspace, field), value]
        for field, value in (("name", name), ("time_zone", time_zone), ("language", language))
        if getattr(workspace, field) != value
    }
    for field, (_old, new) in changes.items():
        setattr(workspace, field, new)
    if changes:
        workspace.save(update_fields=list(changes))
        audit(
            workspace, actor, "workspace.update", "changed workspace settings", workspace, **changes
        )
    return workspace


@transaction.atomic
def invite_member(
    workspace: Workspace, actor: AbstractBaseUser, *, role: str, email: str = ""
) -> tuple[Invitation, str]:
    """Create an invitation; returns it with the plain token (shown once, never stored)."""
    actor_membership = Membership.objects.get(workspace=workspace, user=actor)
    if not role_at_least(actor_membership.role, role):
        raise PermissionDenied(_("You can't invite someone with a higher role than your own."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=Invitation.default_expiry(),
    )
    audit(workspace, actor, "member.invite", f"invited {email or 'by link'} as {role}", invitation)
    return invitation, token


def find_open_invitation(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("workspace").filter(token_hash=hash_token(token)).first()
    )
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def accept_invitation(token: str, user: AbstractBaseUser) -> Membership:
    """Join the invitation's workspace. An existing member keeps the higher of both roles."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("workspace")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise ValidationError(_("This invitation link is no longer valid. Ask for a new one."))
    membership, created = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    if not created and role_at_least(invitation.role, membership.role):
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    audit(
        invitation.workspace,
        user,
        "member.join",
        f"{user.get_username()} joined as {membership.role}",
        membership,
    )
    return membership


@transaction.atomic
def revoke_invitation(invitation: Invitation, actor: AbstractBaseUser) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit(invitation.workspace, actor, "member.revoke_invite", "revoked an invitation", invitation)


def _ensure_owner_remains(workspace: Workspace, leaving: Membership) -> None:
    if leaving.role != Role.OWNER:
        return
    owners = (
        Membership.objects.select_for_update()
        .filter(workspace=workspace, role=Role.OWNER)
        .exclude(pk=leaving.pk)
    )
    if not owners.exists():
        raise ValidationError(_("A workspace needs at least one owner."))


def _check_may_manage(actor_membership: Membership, target: Membership, new_role: str) -> None:
    # Admins manage everyone below owner; only owners touch owners or make new owners.
    touches_owner = Role.OWNER in (target.role, new_role)
    need = Role.OWNER if touches_owner else Role.ADMIN
    if not role_at_least(actor_membership.role, need):
        raise PermissionDenied(_("Only an owner can change an owner's role or appoint owners."))


@transaction.atomic
def change_role(membership: Membership, actor: AbstractBaseUser, role: str) -> Membership:
    actor_membership = Membership.objects.get(workspace=membership.workspace, user=actor)
    _check_may_manage(actor_membership, membership, role)
    if role != Role.OWNER:
        _ensure_owner_remains(membership.workspace, membership)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit(
        membership.workspace,
        actor,
        "member.role",
        f"{membership.user.get_username()}: {old} → {role}",
        membership,
        old=old,
        new=role,
    )
    return membership


@transaction.atomic
def remove_member(membership: Membership, actor: AbstractBaseUser) -> None:
    actor_membership = Membership.objects.get(workspace=membership.workspace, user=actor)
    if membership.user_id != actor.pk:
        _check_may_manage(actor_membership, membership, membership.role)
    _ensure_owner_remains(membership.workspace, membership)
    audit(
        membership.workspace,
        actor,
        "member.remove",
        f"removed {membership.user.get_username()}",
        membership,
    )
    membership.delete()
