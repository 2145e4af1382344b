"""Single sign-on with OpenID Connect against a local fake provider (Entra ID and generic)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from koers.core.models import Membership

pytestmark = pytest.mark.django_db


def sso_login(client, fake):
    """Start at koers, let the fake provider approve, come back to koers' callback."""
    start = client.post("/accounts/oidc/sso/login/", {"process": "login"})
    assert start.status_code == 302, start.content[:300]
    authorize = start["Location"]
    assert authorize.startswith(fake.issuer + "/authorize")
    approved = requests.get(authorize, allow_redirects=False, timeout=10)
    callback = urlsplit(approved.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    return client.get(callback.path, query)


@pytest.mark.parametrize("provider", ["entra", "keycloak"])
def test_first_sso_login_creates_the_account_in_the_configured_workspace(
    provider, request, acme, client, settings
):
    fake = request.getfixturevalue(provider)
    settings.KOERS_SSO_WORKSPACE = "acme"
    settings.KOERS_SSO_ROLE = "editor"

    response = sso_login(client, fake)

    assert response.status_code == 302
    user = get_user_model().objects.get(email=fake.person.email)
    assert not user.has_usable_password()  # local passwords stay optional
    assert SocialAccount.objects.get(user=user).uid == fake.person.sub
    assert Membership.objects.get(workspace=acme, user=user).role == "editor"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert "/.well-known/openid-configuration" in fake.requests


def test_a_second_sso_login_logs_into_the_same_account(anna, entra, client):
    sso_login(client, entra)
    client.logout()

    sso_login(client, entra)

    assert get_user_model().objects.filter(email=entra.person.email).count() == 1
    assert "_auth_user_id" in client.session


def test_sso_creates_no_account_outside_the_allowed_domains(anna, entra, client, settings):
    settings.KOERS_SSO_ALLOWED_DOMAINS = ["elders.example"]

    sso_login(client, entra)

    assert not get_user_model().objects.filter(email=entra.person.email).exists()
    assert "_auth_user_id" not in client.session


def test_the_provider_is_reached_only_through_the_outbound_guard(anna, entra, client, settings):
    settings.KOERS_OUTBOUND_ALLOWLIST = []

    with pytest.raises(requests.ConnectionError, match="private or reserved address"):
        client.post("/accounts/oidc/sso/login/", {"process": "login"})

    assert entra.requests == []
