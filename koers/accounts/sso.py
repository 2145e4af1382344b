"""Single sign-on rules that are koers' own: allowed e-mail domains and the workspace role."""

from __future__ import annotations

from urllib.parse import urlsplit

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


def provider_origins() -> list[str]:
    """The origins (``scheme://host:port``) of the configured OpenID Connect providers.

    Their login pages must be allowed as ``form-action``: a browser checks every redirect a form
    submission follows against the page's policy, and the SSO button's POST is answered with a
    redirect to the provider. The provider's authorization endpoint is taken to share the
    issuer's origin (true for Entra ID, Keycloak, ADFS, Google and most others).
    """
    origins: list[str] = []
    for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []):
        url = urlsplit(str(app.get("settings", {}).get("server_url", "")))
        origin = f"{url.scheme}://{url.hostname}" + (f":{url.port}" if url.port else "")
        if url.scheme in ("http", "https") and url.hostname and origin not in origins:
            origins.append(origin)
    return origins
