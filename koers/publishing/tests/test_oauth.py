"""The shared OAuth dance: state kept once per session, PKCE, declines and stale links."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory, override_settings
from django.utils import translation

from koers.core.models import Workspace
from koers.publishing import oauth
from koers.publishing.models import NetworkApp

pytestmark = pytest.mark.django_db


def _request(query: dict[str, str] | None = None, session: SessionStore | None = None):
    request = RequestFactory().get("/connect/x/callback/", query or {})
    request.session = session if session is not None else SessionStore()
    return request


@override_settings(BASE_URL="https://koers.gemeente.nl")
def test_start_then_finish_gives_the_code_once() -> None:
    request = _request()
    url = oauth.start(
        request,
        provider="x",
        workspace_id=7,
        authorize_url="https://x.com/i/oauth2/authorize",
        client_id="abc",
        scopes=["tweet.read", "offline.access"],
        pkce=True,
        extra={"features": "publish"},
    )
    query = parse_qs(urlsplit(url).query)
    assert query["redirect_uri"] == ["https://koers.gemeente.nl/connect/x/callback/"]
    assert query["scope"] == ["tweet.read offline.access"]
    state = query["state"][0]
    callback_request = _request({"state": state, "code": "C0DE"}, request.session)
    callback = oauth.finish(callback_request, "x")
    assert (callback.code, callback.workspace_id, callback.extra) == (
        "C0DE",
        7,
        {"features": "publish"},
    )
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(callback.code_verifier.encode()).digest()
    ).rstrip(b"=")
    assert query["code_challenge"] == [challenge.decode()]
    # A reloaded callback page can't use the same state again.
    with pytest.raises(oauth.OAuthError):
        oauth.finish(_request({"state": state, "code": "C0DE"}, request.session), "x")


def test_state_of_another_provider_or_browser_is_refused() -> None:
    request = _request()
    url = oauth.start(
        request,
        provider="meta",
        workspace_id=1,
        authorize_url="https://f/d",
        client_id="1",
        scopes=["pages_show_list"],
    )
    state = parse_qs(urlsplit(url).query)["state"][0]
    assert "code_challenge" not in url
    with pytest.raises(oauth.OAuthError):
        oauth.finish(_request({"state": state, "code": "c"}, request.session), "linkedin")
    with pytest.raises(oauth.OAuthError):
        oauth.finish(_request({"state": state, "code": "c"}), "meta")  # another session


def test_expired_state_and_declined_consent_are_explained_in_dutch(monkeypatch) -> None:
    request = _request()
    url = oauth.start(
        request,
        provider="meta",
        workspace_id=1,
        authorize_url="https://f/d",
        client_id="1",
        scopes=[],
    )
    state = parse_qs(urlsplit(url).query)["state"][0]
    real_time = oauth.time.time
    monkeypatch.setattr(oauth.time, "time", lambda: real_time() + oauth.STATE_TTL_SECONDS + 1)
    with translation.override("nl"), pytest.raises(oauth.OAuthError) as expired:
        oauth.finish(_request({"state": state, "code": "c"}, request.session), "meta")
    assert "verlopen" in str(expired.value)
    monkeypatch.undo()
    with translation.override("nl"), pytest.raises(oauth.OAuthError) as declined:
        oauth.finish(_request({"error": "access_denied", "state": "x"}), "meta")
    assert "geannuleerd" in str(declined.value)


def test_network_app_prefers_the_workspace_own_app() -> None:
    gemeente = Workspace.objects.create(name="Gemeente", slug="gemeente")
    bureau = Workspace.objects.create(name="Bureau", slug="bureau")
    installation = NetworkApp(provider="meta", client_id="install")
    installation.set_client_secret("s1")
    installation.save()
    own = NetworkApp(workspace=gemeente, provider="meta", client_id="own")
    own.set_client_secret("s2")
    own.save()
    assert NetworkApp.for_workspace(gemeente, "meta").client_id == "own"
    assert NetworkApp.for_workspace(bureau, "meta").client_id == "install"
    assert NetworkApp.for_workspace(bureau, "x") is None
    assert NetworkApp.objects.get(client_id="own").client_secret == "s2"
    assert "s2" not in NetworkApp.objects.get(client_id="own").client_secret_enc
