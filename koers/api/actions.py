"""Every change of API tokens: create (secret shown once), revoke. One audit row each."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.api.models import ApiToken
from koers.core.actions import audit
from koers.core.models import Membership, Role, Workspace, hash_token, role_at_least

PREFIX = "koers_"
# The last-used time is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def create_token(
    workspace: Workspace,
    user: AbstractBaseUser,
    *,
    name: str,
    role: str,
    read_only: bool = False,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for ``user`` in ``workspace``; returns it and its secret (never stored)."""
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is None:
        raise PermissionDenied(_("Only a member can make a token for this workspace."))
    if not role_at_least(membership.role, role):
        raise ValidationError({"role": [_("A token can't have a higher role than yours.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [_("Choose an expiry date in the future.")]})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=workspace,
        user=user,
        name=name,
        role=role,
        read_only=read_only or role == Role.VIEWER,
        token_hash=hash_token(secret),
        prefix=secret[: len(PREFIX) + 6],
        expires_at=expires_at,
    )
    audit(
        workspace,
        user,
        "api.token_create",
        f"created API token {name}",
        token,
        role=role,
        read_only=token.read_only,
    )
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, actor: AbstractBaseUser) -> bool:
    """Revoke ``token`` (its owner, or an admin of its workspace); False if it already was."""
    if token.user_id != actor.pk:
        membership = Membership.objects.filter(workspace=token.workspace, user=actor).first()
        if membership is None or not role_at_least(membership.role, Role.ADMIN):
            raise PermissionDenied(_("Your role may not do this here."))
    done = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if done:
        audit(token.workspace, actor, "api.token_revoke", f"revoked API token {token.name}", token)
    return bool(done)


def record_use(token: ApiToken) -> None:
    """Note that the token was used now (one conditional UPDATE, at most once a minute)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
