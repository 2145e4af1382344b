"""koers' rules for allauth: who may sign up, what SSO creates, how the provider is reached.

* Nobody signs up on their own: accounts come from the setup page, invitations, ``koers
  createuser`` and single sign-on.
* Single sign-on creates an account on first login only for an e-mail address in
  ``KOERS_SSO_ALLOWED_DOMAINS``, and adds it to ``KOERS_SSO_WORKSPACE`` with ``KOERS_SSO_ROLE``.
  Microsoft Entra ID often leaves the ``email`` claim out; its ``preferred_username`` (the
  user principal name, an address) stands in for it.
* Requests to the identity provider go through koers' outbound guard, like every other fetch.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount import app_settings as social_settings
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.core.validators import validate_email
from django.forms import ValidationError
from django.http import HttpRequest

from koers.accounts import sso
from koers.networks.safety import HostBlocked, blocked_cause, guarded_session

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return sso.domain_allowed(sociallogin.user.email if sociallogin.user else "")

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> Any:
        user = super().populate_user(request, sociallogin, data)
        if not user.email:
            address = _address_from_id_token(sociallogin.account.extra_data)
            if address:
                user.email = address
                provider = sociallogin.provider
                sociallogin.email_addresses.append(
                    EmailAddress(
                        email=address,
                        verified=self.is_email_verified(provider, address),
                        primary=True,
                    )
                )
        if not user.username and user.email:
            user.username = user.email.split("@", 1)[0]
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        sso.join_configured_workspace(user)
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: BaseException | None = None,
        extra_context: dict | None = None,
    ) -> None:
        # Tell the error page (socialaccount/authentication_error.html) what went wrong: the
        # guard refused the provider's address, the provider could not be reached, or else.
        blocked = blocked_cause(exception)
        if extra_context is not None:
            extra_context["blocked_host"] = blocked.host if blocked else ""
            extra_context["unreachable"] = isinstance(exception, requests.RequestException)
        if blocked:
            logger.warning(
                "single sign-on via %s refused by the outbound guard: %s", provider.sub_id, blocked
            )
        else:
            # The class only: an OAuth error's text may quote the provider's answer.
            logger.warning(
                "single sign-on via %s failed: %s %s",
                provider.sub_id,
                error or "",
                type(exception).__name__ if exception else "",
            )

    def get_requests_session(self) -> requests.Session:
        session = guarded_session()
        session.request = functools.partial(  # type: ignore[method-assign]
            _refused_as_connection_error(session.request),
            timeout=social_settings.REQUESTS_TIMEOUT,
        )
        return session


def _refused_as_connection_error(send: Any) -> Any:
    # allauth shows its "login failed" page for a requests error; a guard refusal is one.
    @functools.wraps(send)
    def request(*args: Any, **kwargs: Any) -> requests.Response:
        try:
            return send(*args, **kwargs)
        except HostBlocked as exc:
            raise requests.ConnectionError(str(exc)) from exc

    return request


def _address_from_id_token(extra_data: dict) -> str:
    claims = extra_data.get("id_token") or {}
    for claim in ("email", "preferred_username", "upn"):
        value = str(claims.get(claim) or "").strip()
        try:
            validate_email(value)
        except ValidationError:
            continue
        return value
    return ""
