"""Single sign-on with OpenID Connect against a local fake provider (Entra ID and generic)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from koers.accounts.testing import FakeOIDCProvider
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


def test_a_provider_the_outbound_guard_refuses_gets_a_clear_page_and_no_account(
    anna, entra, client, settings
):
    settings.KOERS_OUTBOUND_ALLOWLIST = []

    response = client.post(
        "/accounts/oidc/sso/login/", {"process": "login"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code < 500
    page = response.content.decode()
    assert "Single sign-on failed" in page
    assert "127.0.0.1 is in a private network" in page
    assert "KOERS_OUTBOUND_ALLOWLIST" in page
    assert entra.requests == []  # nothing reached the provider
    assert not get_user_model().objects.filter(email=entra.person.email).exists()
    assert "_auth_user_id" not in client.session


def test_a_provider_that_is_down_gets_a_clear_page_in_dutch(anna, client, settings):
    with FakeOIDCProvider(profile="generic") as fake:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"APPS": [fake.app_settings(name="Gemeente")]}
        }
    # The fake has stopped: its port refuses connections.

    response = client.post(
        "/accounts/oidc/sso/login/", {"process": "login"}, HTTP_ACCEPT_LANGUAGE="nl"
    )

    assert response.status_code < 500
    assert "kon Gemeente niet bereiken" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_allow_the_login_form_to_be_redirected_to_the_provider(entra, client):
    # Browsers check each redirect after a form post against the page's form-action; without the
    # provider's origin there, the SSO button silently stays on the login page.
    policy = client.get("/login/")["Content-Security-Policy"]

    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert form_action.split()[1:] == ["'self'", entra.base_url]


def test_without_single_sign_on_forms_may_only_post_to_koers(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}

    policy = client.get("/login/")["Content-Security-Policy"]

    assert "form-action 'self';" in policy + ";"
