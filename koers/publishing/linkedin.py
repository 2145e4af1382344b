"""Connecting LinkedIn organisation pages: the :class:`~koers.publishing.connect.Flow` for
LinkedIn's 3-legged OAuth with the Community Management scopes.

The person signs in on LinkedIn with the installation's (or workspace's) own developer app,
koers exchanges the code for a member token (60 days; a refresh token where LinkedIn granted
the app refresh, valid a year) and lists the organisation pages the member administers
(``organizationAcls`` with ``role=ADMINISTRATOR``, ``state=APPROVED``). Each chosen page
becomes a channel whose ``endpoint`` is the API base and whose ``extra`` holds the
organisation URN and the granted scopes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.utils.translation import gettext_noop

from koers.networks.base import AuthError, PermanentError, RetryableError
from koers.networks.linkedin import (
    API_BASE,
    LINKEDIN_VERSION,
    RESTLI_PROTOCOL_VERSION,
    classify_response,
    organization_urn,
)
from koers.networks.safety import http_client
from koers.publishing.connect import Account, AuthorizeRequest, Feature, Grant, register

if TYPE_CHECKING:
    from koers.publishing.models import Channel, NetworkApp
    from koers.publishing.oauth import Callback

logger = logging.getLogger(__name__)

OAUTH_BASE = "https://www.linkedin.com"
#: What every connection needs: post and read back as the page (exactly-once lookup, first
#: comments), and list the pages the member administers.
BASE_SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")
FEATURES = (
    Feature(
        key="publish",
        label=gettext_noop("Publish as the page"),
        scopes=BASE_SCOPES,
        explanation=gettext_noop(
            "Post text, links, images, PDFs and videos as the organisation, place a first "
            "comment, and read the page's posts back so a post is never sent twice."
        ),
    ),
    Feature(
        key="inbox",
        label=gettext_noop("Answer comments and mentions"),
        scopes=(
            "r_organization_social_feed",
            "w_organization_social_feed",
            "rw_organization_admin",
        ),
        explanation=gettext_noop(
            "Read comments on the page's posts and posts that mention the page into the "
            "inbox, and reply to them as the page. LinkedIn has no direct messages for pages."
        ),
    ),
    Feature(
        key="measure",
        label=gettext_noop("Measure the page"),
        scopes=("r_organization_followers", "rw_organization_admin"),
        explanation=gettext_noop(
            "Read follower numbers and share statistics of the page and its posts."
        ),
    ),
)
#: LinkedIn's member tokens live 60 days when it says nothing else.
DEFAULT_EXPIRES_IN = 60 * 24 * 3600
ACL_PAGE_SIZE = 50
ACL_MAX_PAGES = 20


@dataclass(frozen=True, slots=True)
class LinkedInGrant(Grant):
    """A grant plus when LinkedIn's refresh token runs out (``refresh_token_expires_in``)."""

    refresh_expires_at: datetime | None = None


class LinkedInFlow:
    provider = "linkedin"
    features = FEATURES

    def __init__(self, *, oauth_base: str = "", api_base: str = "", timeout: float = 20.0) -> None:
        self._oauth_base = oauth_base.rstrip("/")
        self._api_base = api_base.rstrip("/")
        self.timeout = timeout

    @property
    def oauth_base(self) -> str:
        """Where people sign in and tokens come from: LinkedIn, or ``KOERS_LINKEDIN_URL``."""
        return self._oauth_base or settings.KOERS_LINKEDIN_URL or OAUTH_BASE

    @property
    def api_base(self) -> str:
        return self._api_base or settings.KOERS_LINKEDIN_URL or API_BASE

    def authorize(self, app: NetworkApp, features: set[str]) -> AuthorizeRequest:
        scopes = list(BASE_SCOPES)
        for feature in FEATURES:
            if feature.key in features:
                scopes += [s for s in feature.scopes if s not in scopes]
        return AuthorizeRequest(
            url=f"{self.oauth_base}/oauth/v2/authorization", scopes=tuple(scopes)
        )

    # -- tokens -------------------------------------------------------------------------------
    def _token(self, app: NetworkApp, form: dict[str, str]) -> LinkedInGrant:
        form = form | {"client_id": app.client_id, "client_secret": app.client_secret}
        try:
            with http_client(timeout=self.timeout) as http:
                response = http.post(f"{self.oauth_base}/oauth/v2/accessToken", data=form)
        except httpx.TransportError:
            raise RetryableError("Could not reach LinkedIn.", network="linkedin") from None
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 500:
            raise RetryableError(
                f"LinkedIn is unavailable (HTTP {response.status_code}).",
                network="linkedin",
                status=response.status_code,
            )
        if response.status_code >= 400 or "access_token" not in body:
            reason = str(body.get("error_description") or body.get("error") or "no token")[:300]
            error_class = AuthError if body.get("error") == "invalid_client" else PermanentError
            raise error_class(
                f"LinkedIn gave no access token: {reason}.",
                network="linkedin",
                status=response.status_code,
            )
        now = datetime.now(UTC)
        expires_in = int(body.get("expires_in") or DEFAULT_EXPIRES_IN)
        refresh_in = body.get("refresh_token_expires_in")
        scope_text = str(body.get("scope") or "")
        return LinkedInGrant(
            access_token=str(body["access_token"]),
            refresh_token=body.get("refresh_token") or None,
            expires_at=now + timedelta(seconds=expires_in),
            scopes=tuple(s for s in scope_text.replace(",", " ").split() if s),
            refresh_expires_at=now + timedelta(seconds=int(refresh_in)) if refresh_in else None,
        )

    def exchange(self, app: NetworkApp, callback: Callback) -> Grant:
        return self._token(
            app,
            {
                "grant_type": "authorization_code",
                "code": callback.code,
                "redirect_uri": callback.redirect_uri,
            },
        )

    def refresh(self, app: NetworkApp, refresh_token: str) -> LinkedInGrant:
        """A new access token from the refresh token (only apps LinkedIn allowed refresh)."""
        return self._token(app, {"grant_type": "refresh_token", "refresh_token": refresh_token})

    # -- pages --------------------------------------------------------------------------------
    def _get(self, http: httpx.Client, token: str, path: str, query: str = "") -> dict[str, Any]:
        headers = {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": LINKEDIN_VERSION,
            "X-Restli-Protocol-Version": RESTLI_PROTOCOL_VERSION,
        }
        url = f"{self.api_base}{path}" + (f"?{query}" if query else "")
        try:
            response = http.get(url, headers=headers)
        except httpx.TransportError:
            raise RetryableError("Could not reach LinkedIn.", network="linkedin") from None
        if response.status_code >= 400:
            raise classify_response("GET", path, response)
        data: dict[str, Any] = response.json()
        return data

    def accounts(self, app: NetworkApp, grant: Grant) -> list[Account]:
        found: list[Account] = []
        with http_client(timeout=self.timeout) as http:
            organizations: list[str] = []
            for page in range(ACL_MAX_PAGES):
                data = self._get(
                    http,
                    grant.access_token,
                    "/rest/organizationAcls",
                    "q=roleAssignee&role=ADMINISTRATOR&state=APPROVED"
                    f"&start={page * ACL_PAGE_SIZE}&count={ACL_PAGE_SIZE}",
                )
                elements = data.get("elements") or []
                organizations += [str(e["organization"]) for e in elements if e.get("organization")]
                total = (data.get("paging") or {}).get("total")
                if not elements or (total is not None and len(organizations) >= int(total)):
                    break
            refresh_expires = getattr(grant, "refresh_expires_at", None)
            for urn in dict.fromkeys(organizations):
                org_id = urn.rsplit(":", 1)[-1]
                org = self._get(http, grant.access_token, f"/rest/organizations/{quote(org_id)}")
                found.append(
                    Account(
                        network="linkedin",
                        remote_id=org_id,
                        name=str(org.get("localizedName") or org_id),
                        handle=str(org.get("vanityName") or org_id),
                        endpoint=self.api_base,
                        access_token=grant.access_token,
                        refresh_token=grant.refresh_token,
                        expires_at=grant.expires_at,
                        extra={
                            "organization": organization_urn(org_id),
                            "scopes": list(grant.scopes),
                            "refresh_expires_at": (
                                refresh_expires.isoformat() if refresh_expires else None
                            ),
                        },
                    )
                )
        return found


FLOW = register(LinkedInFlow())


def refresh_expiring(before: datetime) -> int:
    """Renew the tokens of LinkedIn pages that expire before ``before`` and have a refresh
    token (apps LinkedIn allowed refresh); returns how many were renewed.

    A page whose refresh fails (refresh token expired or revoked, app removed) is left as it
    is: the expiry warning goes out as for any channel, and the owners reconnect it.
    """
    from koers.publishing.models import Channel, Network

    renewed = 0
    due = (
        Channel.objects.filter(
            network=Network.LINKEDIN, expires_at__isnull=False, expires_at__lte=before
        )
        .exclude(refresh_enc="")
        .filter(is_demo=False)
        .select_related("workspace")
    )
    for channel in due:
        if refresh_channel(channel):
            renewed += 1
    return renewed


def refresh_channel(channel: Channel) -> bool:
    """Swap the channel's access token for a fresh one from its refresh token."""
    from django.db import transaction

    from koers.core.actions import audit
    from koers.networks.base import NetworkError
    from koers.publishing.models import NetworkApp

    app = NetworkApp.for_workspace(channel.workspace, FLOW.provider)
    refresh_token = channel.refresh_token
    if app is None or not refresh_token:
        return False
    try:
        grant = FLOW.refresh(app, refresh_token)
    except NetworkError as error:
        logger.warning("LinkedIn token refresh for channel %s failed: %s", channel.pk, error)
        return False
    with transaction.atomic():
        channel.set_secret(grant.access_token)
        channel.set_refresh_token(grant.refresh_token or refresh_token)
        channel.expires_at = grant.expires_at
        if grant.refresh_expires_at:
            channel.extra = channel.extra | {
                "refresh_expires_at": grant.refresh_expires_at.isoformat()
            }
        channel.warned_at = None
        channel.save(
            update_fields=["secret_enc", "refresh_enc", "expires_at", "extra", "warned_at"]
        )
        audit(
            channel.workspace,
            None,
            "channel.reconnect",
            f"new credentials for {channel.name}",
            channel,
        )
    return True
