"""Every state change of workspaces, members and invitations goes through a function here.

Each action runs in one transaction and writes one ``AuditEvent`` row, so views, the CLI and tests
share the same rules (for example: a workspace always keeps at least one owner).
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koers.core.models import (
    AuditEvent,
    Installation,
    Invitation,
    Membership,
    Role,
    Workspace,
    WorkspaceKind,
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
    user: AbstractBaseUser,
    *,
    name: str,
    slug: str,
    time_zone: str = "Europe/Amsterdam",
    kind: str = WorkspaceKind.COMPANY,
) -> Workspace:
    """Create a workspace with ``user`` as its owner. A taken slug raises ValidationError."""
    if Workspace.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("This address is already taken; choose another.")})
    try:
        with transaction.atomic():
            workspace = Workspace.objects.create(
                name=name, slug=slug, time_zone=time_zone, kind=kind
            )
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
    workspace: Workspace,
    actor: AbstractBaseUser,
    *,
    name: str,
    time_zone: str,
    language: str,
    kind: str | None = None,
    require_two_factor: bool | None = None,
) -> Workspace:
    values: dict[str, Any] = {"name": name, "time_zone": time_zone, "language": language}
    if kind is not None:
        values["kind"] = kind
    if require_two_factor is not None:
        values["require_two_factor"] = require_two_factor
    changes = {
        field: [getattr(workspace, field), value]
        for field, value in values.items()
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
    workspace: Workspace,
    actor: AbstractBaseUser,
    *,
    role: str,
    email: str = "",
    anyone_with_link: bool = False,
) -> tuple[Invitation, str]:
    """Create an invitation; returns it with the plain token (shown once, never stored).

    With an address the invitation is e-mailed there and only an account with that verified
    address can accept it, unless ``anyone_with_link`` says the inviter chose otherwise.
    """
    actor_membership = Membership.objects.get(workspace=workspace, user=actor)
    if not role_at_least(actor_membership.role, role):
        raise PermissionDenied(_("You can't invite someone with a higher role than your own."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email,
        role=role,
        anyone_with_link=anyone_with_link or not email,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=Invitation.default_expiry(),
    )
    who = email or "anyone with the link"
    if email and anyone_with_link:
        who = f"{email} (anyone with the link)"
    audit(workspace, actor, "member.invite", f"invited {who} as {role}", invitation)
    if email:
        link = settings.BASE_URL + reverse("invitation", args=[token])
        transaction.on_commit(lambda: _send_invitation(invitation, actor, link))
    return invitation, token


def _send_invitation(invitation: Invitation, actor: AbstractBaseUser, link: str) -> None:
    with translation.override(invitation.workspace.language):
        context = {"invitation": invitation, "inviter": actor.get_username(), "link": link}
        subject = _("Invitation to %(workspace)s in koers") % {
            "workspace": invitation.workspace.name
        }
        body = render_to_string("core/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email], fail_silently=False)


def invitation_address_problem(invitation: Invitation, user: AbstractBaseUser) -> str | None:
    """Why ``user`` may not accept an address-bound invitation, or None when they may."""
    if not invitation.is_bound_to_address:
        return None
    verified = EmailAddress.objects.filter(
        user_id=user.pk, email__iexact=invitation.email, verified=True
    ).exists()
    if verified:
        return None
    return _(
        "This invitation is for %(email)s. Log in with the account that has this verified "
        "address, or ask for a new invitation."
    ) % {"email": invitation.email}


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
    problem = invitation_address_problem(invitation, user)
    if problem:
        raise PermissionDenied(problem)
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


@transaction.atomic
def create_invited_account(
    token: str, *, username: str, email: str, password: str
) -> tuple[AbstractBaseUser, Membership]:
    """A new account from an invitation link, joined at once.

    For an invitation bound to an address, the account gets exactly that address, verified:
    the link was sent there, so opening it proves the address as a confirmation e-mail would.
    """
    invitation = find_open_invitation(token)
    if invitation is None:
        raise ValidationError(_("This invitation link is no longer valid. Ask for a new one."))
    bound = invitation.is_bound_to_address
    if bound:
        email = invitation.email
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    EmailAddress.objects.create(user=user, email=email.lower(), primary=True, verified=bound)
    return user, accept_invitation(token, user)


@transaction.atomic
def add_member_by_sso(workspace: Workspace, user: AbstractBaseUser, *, role: str) -> Membership:
    """Single sign-on's first login: join the configured workspace with the configured role."""
    membership, created = Membership.objects.get_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    if created:
        audit(
            workspace,
            user,
            "member.join",
            f"{user.get_username()} joined as {role} by single sign-on",
            membership,
        )
    return membership


@transaction.atomic
def unlock_member(membership: Membership, actor: AbstractBaseUser) -> int:
    """An owner lifts a login lockout of a member: their account and the addresses it was
    tried from. Returns the number of lockout records removed."""
    actor_membership = Membership.objects.get(workspace=membership.workspace, user=actor)
    if actor_membership.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can lift a lockout."))
    names = {membership.user.get_username().lower()}
    if membership.user.email:
        names.add(membership.user.email.lower())
    addresses = set(
        AccessAttempt.objects.filter(username__in=names).values_list("ip_address", flat=True)
    )
    removed = sum(reset_lockouts(username=name) for name in names)
    removed += sum(reset_lockouts(ip=address) for address in addresses if address)
    audit(
        membership.workspace,
        actor,
        "account.unlock",
        f"lifted the login lockout of {membership.user.get_username()}",
        membership,
        addresses=sorted(a for a in addresses if a),
    )
    return removed
