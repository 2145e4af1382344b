"""Who is calling: a personal API token (``Authorization: Bearer koers_…``).

The token resolves to its person, workspace and *effective role*: the token's role, but never
above the person's current membership role (a demoted member's tokens shrink with them; a
removed member's tokens stop working). Read-only tokens may only read. Each token has its own
rate limit (see ``ratelimit``). The result is ``request.auth`` (an ``Access``); ``request.user``
becomes the token's person so every action records who did it in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from koers.api import actions, ratelimit
from koers.api.errors import ApiError
from koers.api.models import ApiToken
from koers.core.models import RANK, Membership, Workspace, hash_token, role_at_least

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Access:
    token: ApiToken
    workspace: Workspace
    user: AbstractBaseUser
    role: str

    def can(self, need: str) -> bool:
        return role_at_least(self.role, need)


def _invalid() -> ApiError:
    return ApiError(
        401,
        "invalid_token",
        _("This API token is unknown, revoked or expired."),
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Access:
        found = (
            ApiToken.objects.select_related("workspace", "user")
            .filter(token_hash=hash_token(token.strip()))
            .first()
        )
        if found is None or not found.is_active or not found.user.is_active:
            raise _invalid()
        membership = Membership.objects.filter(
            workspace_id=found.workspace_id, user_id=found.user_id
        ).first()
        if membership is None:
            raise _invalid()
        ratelimit.check(found)
        if found.read_only and request.method not in SAFE_METHODS:
            raise ApiError(403, "read_only", _("This token may only read."))
        actions.record_use(found)
        role = min(found.role, membership.role, key=RANK.__getitem__)
        request.user = found.user
        return Access(found, found.workspace, found.user, role)


def need(access: Access, role: str) -> None:
    """Refuse (403) when the token's effective role is below ``role``."""
    if not access.can(role):
        raise ApiError(403, "forbidden", _("Your role may not do this here."))
