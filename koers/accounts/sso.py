"""Single sign-on rules that are koers' own: allowed e-mail domains and the workspace role."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from koers.core import actions
from koers.core.models import Workspace


def domain_allowed(email: str) -> bool:
    """Whether an SSO login with this address may create an account (not just log in)."""
    domain = email.rpartition("@")[2].strip().lower()
    return bool(domain) and domain in settings.KOERS_SSO_ALLOWED_DOMAINS


def join_configured_workspace(user: AbstractBaseUser) -> None:
    slug = settings.KOERS_SSO_WORKSPACE
    if not slug:
        return
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is not None:
        actions.add_member_by_sso(workspace, user, role=settings.KOERS_SSO_ROLE)


def enabled() -> bool:
    return bool(settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS"))
