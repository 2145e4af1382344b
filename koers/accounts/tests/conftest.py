from __future__ import annotations

import pytest

from koers.accounts.testing import FakeOIDCProvider, Person


@pytest.fixture
def login_page_post(client):
    """Post the login form as a browser would (from one client address)."""

    def post(login: str, password: str, **extra):
        return client.post("/login/", {"login": login, "password": password}, **extra)

    return post


def _sso_settings(settings, provider: FakeOIDCProvider, *, domains: list[str]) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [provider.app_settings()]}}
    settings.KOERS_SSO_ALLOWED_DOMAINS = domains
    # The provider listens on 127.0.0.1: the outbound guard refuses it unless allow-listed.
    settings.KOERS_ALLOW_PRIVATE_URLS = False
    settings.KOERS_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]


@pytest.fixture
def entra(settings):
    with FakeOIDCProvider(profile="entra", person=Person(email="piet@gemeente.example")) as fake:
        _sso_settings(settings, fake, domains=["gemeente.example"])
        yield fake


@pytest.fixture
def keycloak(settings):
    with FakeOIDCProvider(
        profile="generic",
        person=Person(email="sara@gemeente.example", name="Sara de Vries", sub="sara-1"),
    ) as fake:
        _sso_settings(settings, fake, domains=["gemeente.example"])
        yield fake
