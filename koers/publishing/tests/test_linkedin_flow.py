"""Connecting LinkedIn pages through the fake LinkedIn: consent, token, pages, publisher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.utils import translation

from koers.core import neterrors
from koers.core.models import AuditEvent
from koers.networks.base import AuthError, MediaItem, NetworkError, OutgoingPost, PermanentError
from koers.networks.linkedin import LinkedInPublisher
from koers.networks.testing.linkedin import FakeLinkedIn
from koers.publishing import connect, oauth, tasks
from koers.publishing.adapters import publisher_for
from koers.publishing.linkedin import FLOW, LinkedInFlow
from koers.publishing.models import Channel, Network, NetworkApp, Provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    server = FakeLinkedIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def flow(fake, settings) -> LinkedInFlow:
    settings.KOERS_LINKEDIN_URL = fake.url  # sign-in and API both on the fake
    return FLOW


@pytest.fixture
def app(fake) -> NetworkApp:
    network_app = NetworkApp(provider=Provider.LINKEDIN, client_id=fake.client_id)
    network_app.set_client_secret(fake.client_secret)
    network_app.save()
    return network_app


def _consent(flow: LinkedInFlow, app: NetworkApp, features: set[str]) -> oauth.Callback:
    """Start, let the fake's consent page approve, and finish as the callback view would."""
    session = SessionStore()
    request = RequestFactory().get("/connect/linkedin/start/")
    request.session = session
    asked = flow.authorize(app, features)
    url = oauth.start(
        request,
        provider="linkedin",
        workspace_id=1,
        authorize_url=asked.url,
        client_id=app.client_id,
        scopes=asked.scopes,
    )
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 302
    back = parse_qs(urlsplit(answer.headers["location"]).query)
    callback_request = RequestFactory().get(
        "/connect/linkedin/callback/", {k: v[0] for k, v in back.items()}
    )
    callback_request.session = session
    return oauth.finish(callback_request, "linkedin")


def test_flow_is_registered_at_startup_and_speaks_to_linkedin_by_default(settings) -> None:
    assert connect.flow_for("linkedin") is FLOW
    assert FLOW.provider == Provider.LINKEDIN
    settings.KOERS_LINKEDIN_URL = ""
    assert (FLOW.oauth_base, FLOW.api_base) == (
        "https://www.linkedin.com",
        "https://api.linkedin.com",
    )


def test_authorize_asks_the_community_management_scopes(flow, app) -> None:
    plain = flow.authorize(app, {"publish"})
    assert plain.url.endswith("/oauth/v2/authorization")
    assert set(plain.scopes) == {
        "w_organization_social",
        "r_organization_social",
        "rw_organization_admin",
    }
    measured = flow.authorize(app, {"publish", "measure"})
    assert "r_organization_followers" in measured.scopes


def test_connect_lists_the_administered_pages_and_publishes(flow, app, fake, acme) -> None:
    gemeente = fake.add_organization("Gemeente Koers")
    fake.add_organization("Andere Organisatie", administered=False)
    museum = fake.add_organization("Museum Koers")
    callback = _consent(flow, app, {"publish", "measure"})
    grant = flow.exchange(app, callback)
    assert grant.refresh_token
    assert grant.expires_at is not None
    assert abs(grant.expires_at - (datetime.now(UTC) + timedelta(days=60))) < timedelta(minutes=1)
    assert "r_organization_followers" in grant.scopes

    accounts = flow.accounts(app, grant)
    assert [(a.remote_id, a.name) for a in accounts] == [
        (gemeente, "Gemeente Koers"),
        (museum, "Museum Koers"),
    ]
    page = accounts[0]
    assert page.extra["organization"] == f"urn:li:organization:{gemeente}"
    assert page.extra["refresh_expires_at"]

    channel = Channel(
        workspace=acme,
        network=Network.LINKEDIN,
        name=page.name,
        endpoint=page.endpoint,
        handle=page.handle,
        extra=page.extra,
        expires_at=page.expires_at,
    )
    channel.set_secret(page.access_token)
    channel.set_refresh_token(page.refresh_token)
    channel.save()
    publisher = publisher_for(Channel.objects.get(pk=channel.pk))
    assert isinstance(publisher, LinkedInPublisher)
    result = publisher.publish(OutgoingPost(text="Via koers"), "k")
    assert fake.posts[result.remote_id]["author"] == f"urn:li:organization:{gemeente}"


def test_refresh_gives_a_new_working_token(flow, app, fake) -> None:
    grant = flow.exchange(app, _consent(flow, app, {"publish"}))
    fresh = flow.refresh(app, grant.refresh_token or "")
    assert fresh.access_token != grant.access_token
    assert fake.tokens[fresh.access_token]["state"] == "ok"


def test_a_used_code_and_a_wrong_secret_are_refused(flow, app, fake) -> None:
    callback = _consent(flow, app, {"publish"})
    flow.exchange(app, callback)
    with pytest.raises(PermanentError, match="authorization code not found"):
        flow.exchange(app, callback)
    app.set_client_secret("wrong")
    with pytest.raises(AuthError, match="Client authentication failed"):
        flow.exchange(app, _consent(flow, app, {"publish"}))


def test_accounts_with_an_expired_token_is_an_auth_error(flow, app, fake) -> None:
    grant = flow.exchange(app, _consent(flow, app, {"publish"}))
    fake.expire_token(grant.access_token)
    with pytest.raises(AuthError, match="expired"):
        flow.accounts(app, grant)


def _failure(fake: FakeLinkedIn, org: str, **kwargs: object) -> str:
    publisher = LinkedInPublisher(fake.token, org, api_base=fake.url, video_poll_interval=0.0)
    media = kwargs.get("media", ())
    with pytest.raises(NetworkError) as caught:
        publisher.publish(OutgoingPost(text="x", media=media), "k")
    return caught.value.message


def test_the_adapters_sentences_read_in_dutch(fake) -> None:
    org = fake.add_organization("Gemeente Koers")
    sentences = []
    fake.ratelimit_next(1, "/rest/posts")
    sentences.append(_failure(fake, org))
    fake.fail_next(1, status=502, path_prefix="/rest/posts")
    sentences.append(_failure(fake, org))
    fake.fail_video_processing = True
    sentences.append(_failure(fake, org, media=(MediaItem(b"v", "video/mp4", ""),)))
    fake.grant(("r_organization_social",))
    sentences.append(_failure(fake, org))
    fake.revoke_token()
    sentences.append(_failure(fake, org))
    fake.expire_token()
    sentences.append(_failure(fake, org))
    for english in sentences:
        with translation.override("nl"):
            dutch = neterrors.translate(english)
        assert dutch != english, english
        with translation.override("en"):
            assert neterrors.translate(english) == english
    with translation.override("nl"):
        assert "verlopen" in neterrors.translate(sentences[-1])
        assert "w_organization_social" in neterrors.translate(sentences[3])


def _expiring_page(acme, fake, app, flow, refresh_token: str) -> Channel:
    org = fake.add_organization("Gemeente Koers")
    channel = Channel(
        workspace=acme,
        network=Network.LINKEDIN,
        name="LinkedIn",
        endpoint=fake.url,
        extra={"organization": f"urn:li:organization:{org}"},
        expires_at=datetime.now(UTC) + timedelta(days=3),
    )
    channel.set_secret(fake.token)
    channel.set_refresh_token(refresh_token)
    channel.save()
    return channel


def test_a_page_about_to_expire_is_renewed_with_its_refresh_token_not_warned(
    flow, app, fake, acme
) -> None:
    grant = flow.exchange(app, _consent(flow, app, {"publish"}))
    channel = _expiring_page(acme, fake, app, flow, grant.refresh_token or "")

    tasks.check_channels.call()

    channel.refresh_from_db()
    assert channel.secret != fake.token
    assert fake.tokens[channel.secret]["state"] == "ok"
    assert channel.expires_at > datetime.now(UTC) + timedelta(days=59)
    assert channel.warned_at is None
    assert not AuditEvent.objects.filter(action="channel.expiry_warning", workspace=acme).exists()
    assert AuditEvent.objects.filter(action="channel.reconnect", workspace=acme).exists()


def test_a_page_whose_refresh_fails_is_warned_as_before(flow, app, fake, acme) -> None:
    channel = _expiring_page(acme, fake, app, flow, "unknown-refresh-token")

    tasks.check_channels.call()

    channel.refresh_from_db()
    assert channel.secret == fake.token
    assert channel.warned_at is not None
    assert AuditEvent.objects.filter(action="channel.expiry_warning", workspace=acme).exists()
    assert not AuditEvent.objects.filter(action="channel.reconnect", workspace=acme).exists()
